/* crm.item.productrow.*: product rows in the typed format (camelCase, JSON numbers) for deals,
 * leads, quotes and smart invoices, owners named by ownerType ("D", "L", "Q", "SI") and
 * ownerId. Every method checks the owner: reading needs READ on it, changing a row needs
 * UPDATE, and each change keeps the owner's amount equal to its rows. Rows of smart processes
 * ("T..") and getAvailableForPayment are not supported. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/json/params.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_productrow.h"

static const struct field_def row_fields[] = {
    {"id", "r.id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"ownerId", "r.owner_id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"ownerType", "r.owner_type", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"productId", "r.product_id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"productName", "r.product_name", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"price", "r.price", FIELD_DOUBLE, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"quantity", "r.quantity", FIELD_DOUBLE, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"discountTypeId", "r.discount_type_id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT,
     NULL},
    {"discountRate", "r.discount_rate", FIELD_DOUBLE, FIELD_FILTER | FIELD_SORT | FIELD_SELECT,
     NULL},
    {"discountSum", "r.discount_sum", FIELD_DOUBLE, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"taxRate", "r.tax_rate", FIELD_DOUBLE, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"taxIncluded", "r.tax_included", FIELD_CHAR, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"measureCode", "r.measure_code", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"measureName", "r.measure_name", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"sort", "r.sort", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
};
#define N_ROW_FIELDS ARRAY_SIZE(row_fields)

/* crm.item.productrow.fields: name, type, read-only, title. */
static const struct {
    const char *name, *upper, *type, *title;
    bool ro;
} describe[] = {
    {"id", "ID", "integer", "ID", true},
    {"ownerId", "OWNER_ID", "integer", "Owner ID", false},
    {"ownerType", "OWNER_TYPE", "string", "Owner type", false},
    {"productId", "PRODUCT_ID", "integer", "Product", false},
    {"productName", "PRODUCT_NAME", "string", "Product name", false},
    {"price", "PRICE", "double", "Price", false},
    {"priceAccount", "PRICE_ACCOUNT", "double", "Price in the report currency", true},
    {"priceExclusive", "PRICE_EXCLUSIVE", "double", "Price after discount, without tax", false},
    {"priceNetto", "PRICE_NETTO", "double", "Price without discount and tax", false},
    {"priceBrutto", "PRICE_BRUTTO", "double", "Price without discount, with tax", false},
    {"quantity", "QUANTITY", "double", "Quantity", false},
    {"discountTypeId", "DISCOUNT_TYPE_ID", "integer", "Discount type", false},
    {"discountRate", "DISCOUNT_RATE", "double", "Discount rate", false},
    {"discountSum", "DISCOUNT_SUM", "double", "Discount amount", false},
    {"taxRate", "TAX_RATE", "double", "Tax rate", false},
    {"taxIncluded", "TAX_INCLUDED", "char", "Tax included in price", false},
    {"customized", "CUSTOMIZED", "char", "Customized", true},
    {"measureCode", "MEASURE_CODE", "integer", "Unit of measurement code", false},
    {"measureName", "MEASURE_NAME", "string", "Unit of measurement", false},
    {"sort", "SORT", "integer", "Sort", false},
    {"xmlId", "XML_ID", "string", "External ID", true},
    {"type", "TYPE", "integer", "Product type", true},
    {"storeId", "STORE_ID", "integer", "Warehouse", true},
};

static json_t *wrap(const char *key, json_t *v)
{
    return json_pack("{s:o}", key, v);
}

/* ownerType / ownerId of an object (fields, or the call's parameters): the owner's entity. */
static int owner_of(struct rest_call *c, json_t *obj, const struct crm_entity_def **def,
                    const char **code, int64_t *id)
{
    json_t *t = params_get(obj, "ownerType"), *i = params_get(obj, "ownerId");
    if (!t || !json_is_string(t))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'ownerType' is required");
    if (!(*def = crm_prow_owner_def(json_string_value(t), code)))
        return rest_fail(c, 400, "ENTITY_TYPE_NOT_SUPPORTED",
                         "owner type '%s' has no product rows here", json_string_value(t));
    if (!i || params_to_int64(i, id) || *id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'ownerId' must be a positive integer");
    return 0;
}

/* The row of parameter id with its owner checked for action. */
static int row_of(struct rest_call *c, int action, struct crm_prow *r,
                  const struct crm_entity_def **def)
{
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc)
        return rc;
    if ((rc = crm_prow_load(c, id, r)))
        return rc == -E_NOTFOUND ? rest_fail(c, 400, "NOT_FOUND", "Product row not found")
                                 : rest_fail_db(c, rc);
    if (!(*def = crm_prow_owner_def(r->owner_type, NULL)))
        return rest_fail(c, 400, "NOT_FOUND", "Product row not found");
    return crm_prow_owner_check(c, *def, r->owner_id, action, "Owner not found");
}

static int item_fields(struct rest_call *c)
{
    json_t *o = json_object();
    for (size_t i = 0; i < ARRAY_SIZE(describe); i++)
        json_object_set_new(
            o, describe[i].name,
            json_pack(
                "{s:s, s:b, s:b, s:b, s:b, s:b, s:s, s:s}", "type", describe[i].type, "isRequired",
                !strcmp(describe[i].name, "ownerId") || !strcmp(describe[i].name, "ownerType"),
                "isReadOnly", describe[i].ro, "isImmutable",
                !strcmp(describe[i].name, "ownerId") || !strcmp(describe[i].name, "ownerType"),
                "isMultiple", false, "isDynamic", false, "title", describe[i].title, "upperName",
                describe[i].upper));
    c->result = wrap("fields", o);
    return 0;
}

static int item_add(struct rest_call *c)
{
    json_t *fields = rest_param(c, "fields");
    const struct crm_entity_def *def;
    const char *code;
    struct crm_prow r, *rows;
    size_t n;
    int64_t owner;
    int rc;
    if (!json_is_object(fields))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if ((rc = owner_of(c, fields, &def, &code, &owner)) ||
        (rc = crm_check_link(c, def, owner, PERM_UPDATE, "ownerId")))
        return rc;
    if ((rc = crm_prow_load_owner(c, code, owner, &rows, &n)))
        return rest_fail_db(c, rc);
    if ((rc = crm_prow_parse(c, fields, NULL, n ? rows[n - 1].sort + 10 : 10, "product row", &r)))
        return rc;
    r.owner_type = code;
    r.owner_id = owner;
    if ((rc = crm_prow_insert(c, &r)))
        return rest_fail_db(c, rc);
    if ((rc = crm_prow_sync_owner(c, def, owner)))
        return rc;
    c->result = wrap("productRow", crm_prow_json(&r, true));
    return 0;
}

static int item_get(struct rest_call *c)
{
    const struct crm_entity_def *def;
    struct crm_prow r;
    int rc = row_of(c, PERM_READ, &r, &def);
    if (!rc)
        c->result = wrap("productRow", crm_prow_json(&r, true));
    return rc;
}

static int item_update(struct rest_call *c)
{
    json_t *fields = rest_param(c, "fields");
    const struct crm_entity_def *def;
    struct crm_prow old, r;
    int rc = row_of(c, PERM_UPDATE, &old, &def);
    if (rc)
        return rc;
    if (!json_is_object(fields))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if ((rc = crm_prow_parse(c, fields, &old, old.sort, "product row", &r)))
        return rc;
    if ((rc = crm_prow_update(c, &r)))
        return rest_fail_db(c, rc);
    if ((rc = crm_prow_sync_owner(c, def, r.owner_id)))
        return rc;
    c->result = wrap("productRow", crm_prow_json(&r, true));
    return 0;
}

static int item_delete(struct rest_call *c)
{
    const struct crm_entity_def *def;
    struct crm_prow r;
    int rc = row_of(c, PERM_UPDATE, &r, &def);
    if (rc)
        return rc;
    if ((rc = crm_prow_delete(c->db, r.id)))
        return rest_fail_db(c, rc);
    if ((rc = crm_prow_sync_owner(c, def, r.owner_id)))
        return rc;
    c->result = json_array();
    return 0;
}

static int item_set(struct rest_call *c)
{
    const struct crm_entity_def *def;
    const char *code;
    int64_t owner;
    json_t *rows = NULL;
    int rc;
    if ((rc = owner_of(c, c->params, &def, &code, &owner)) ||
        (rc = crm_check_link(c, def, owner, PERM_UPDATE, "ownerId")) ||
        (rc = crm_prow_replace(c, def, owner, "productRows", &rows)))
        return rc;
    c->result = wrap("productRows", rows);
    return 0;
}

/* The owner a list filter names with ownerType / ownerId (optionally "=" prefixed). */
static int list_owner(struct rest_call *c, json_t *filter, const struct crm_entity_def **def,
                      int64_t *owner)
{
    json_t *o = json_object(), *v;
    const char *key, *code;
    int rc;
    if (json_is_object(filter)) {
        json_object_foreach(filter, key, v)
        {
            const char *k = key[0] == '=' ? key + 1 : key;
            if (!strcasecmp(k, "ownerType") || !strcasecmp(k, "ownerId"))
                json_object_set(o, k, v);
        }
    }
    if (json_object_size(o) != 2)
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "filter must name 'ownerType' and 'ownerId'");
    else
        rc = owner_of(c, o, def, &code, owner);
    json_decref(o);
    return rc ? rc : crm_prow_owner_check(c, *def, *owner, PERM_READ, "Owner not found");
}

static int item_list(struct rest_call *c)
{
    json_t *filter = rest_param(c, "filter");
    const struct crm_entity_def *def;
    struct rest_list l;
    int64_t owner;
    char err[256];
    int rc;
    rest_list_init(&l, crm_prow_list_select, crm_prow_list_count);
    if ((rc = list_owner(c, filter, &def, &owner)) || (rc = rest_list_start(c, &l)))
        goto fail;
    if (filter_compile(row_fields, N_ROW_FIELDS, filter, db_dialect(c->db), &l.where, l.binds, err,
                       sizeof(err)) ||
        order_compile(row_fields, N_ROW_FIELDS, rest_param(c, "order"), "r.id", &l.order, err,
                      sizeof(err))) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
        goto fail;
    }
    l.row = crm_prow_list_row;
    if ((rc = rest_list_run(c, &l)))
        return rc;
    c->result = wrap("productRows", c->result);
    return 0;
fail:
    rest_list_release(&l);
    return rc;
}

const struct rest_method crm_productrow_item_methods[] = {
    {"crm.item.productrow.fields", "crm", item_fields, NULL, 0, 0, NULL},
    {"crm.item.productrow.add", "crm", item_add, NULL, 0, REST_WRITE, NULL},
    {"crm.item.productrow.get", "crm", item_get, NULL, 0, 0, NULL},
    {"crm.item.productrow.update", "crm", item_update, NULL, 0, REST_WRITE, NULL},
    {"crm.item.productrow.delete", "crm", item_delete, NULL, 0, REST_WRITE, NULL},
    {"crm.item.productrow.set", "crm", item_set, NULL, 0, REST_WRITE, NULL},
    {"crm.item.productrow.list", "crm", item_list, NULL, 0, REST_LIST, NULL},
    {0},
};
