/* Products (crm.product.*, the legacy catalog): add, get, list, update, delete and fields in
 * the legacy format (UPPER names, numbers as strings), ONCRMPRODUCTADD/UPDATE/DELETE events,
 * and the look-up product rows use. Products have no owner: the crm_product role entry alone
 * decides. Sections, properties, pictures and catalog prices (catalog.*) are not here;
 * deleting a product keeps the rows that used it as free-text rows. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/events/bus.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_productrow.h"

/* Entry i (i > 0) is column i of PRODUCT_COLS and parameter i of SQL_INSERT / SQL_UPDATE. */
static const struct crm_field product_fields[] = {
    CRM_FIELD_ID,
    CRM_FIELD("NAME", "name", CRM_T_STRING, CRM_FS | CRM_F_REQUIRED, "Name"),
    CRM_FIELD_DEF("ACTIVE", "active", CRM_T_CHAR, CRM_FS, "Y", "Active"),
    CRM_FIELD("CATALOG_ID", "catalog_id", CRM_T_INT, CRM_FS, "Catalog"),
    CRM_FIELD("SECTION_ID", "section_id", CRM_T_INT, CRM_FS, "Section"),
    CRM_FIELD_DEF("PRICE", "price", CRM_T_DOUBLE, CRM_FS, "0", "Price"),
    CRM_FIELD("CURRENCY_ID", "currency_id", CRM_T_CURRENCY, CRM_FS, "Currency"),
    CRM_FIELD("DESCRIPTION", "description", CRM_T_STRING, CRM_F_FILTER, "Description"),
    CRM_FIELD_DEF("DESCRIPTION_TYPE", "description_type", CRM_T_STRING, CRM_FS, "text",
                  "Description type"),
    CRM_FIELD("MEASURE", "measure", CRM_T_INT, CRM_FS, "Unit of measurement"),
    CRM_FIELD("VAT_ID", "vat_id", CRM_T_INT, CRM_FS, "VAT rate"),
    CRM_FIELD_DEF("VAT_INCLUDED", "vat_included", CRM_T_CHAR, CRM_FS, "N", "VAT included"),
    CRM_FIELD_DEF("SORT", "sort", CRM_T_INT, CRM_FS, "500", "Sort"),
    CRM_FIELD("XML_ID", "xml_id", CRM_T_STRING, CRM_FS, "External ID"),
    CRM_FIELD("CREATED_BY", "created_by", CRM_T_USER, CRM_F_RO | CRM_FS, "Created by"),
    CRM_FIELD("MODIFIED_BY", "modified_by", CRM_T_USER, CRM_F_RO | CRM_FS, "Modified by"),
    CRM_FIELD("DATE_CREATE", "date_create", CRM_T_DATETIME, CRM_F_RO | CRM_FS, "Created on"),
    CRM_FIELD("TIMESTAMP_X", "timestamp_x", CRM_T_DATETIME, CRM_F_RO | CRM_FS, "Modified on"),
};
#define N_FIELDS ARRAY_SIZE(product_fields)

#define PRODUCT_COLS                                                                               \
    "id, name, active, catalog_id, section_id, price, currency_id, description,"                   \
    " description_type, measure, vat_id, vat_included, sort, xml_id, created_by, modified_by,"     \
    " date_create, timestamp_x"

static const char SQL_GET[] = "SELECT " PRODUCT_COLS " FROM crm_product WHERE id = ?";
static const char SQL_NAME[] = "SELECT name FROM crm_product WHERE id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO crm_product (name, active, catalog_id, section_id, price, currency_id,"
    " description, description_type, measure, vat_id, vat_included, sort, xml_id, created_by,"
    " modified_by, date_create, timestamp_x) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?)";
static const char SQL_UPDATE[] =
    "UPDATE crm_product SET name = ?, active = ?, catalog_id = ?, section_id = ?, price = ?,"
    " currency_id = ?, description = ?, description_type = ?, measure = ?, vat_id = ?,"
    " vat_included = ?, sort = ?, xml_id = ?, created_by = ?, modified_by = ?, date_create = ?,"
    " timestamp_x = ? WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM crm_product WHERE id = ?";

static const struct crm_field *field_find(const char *name)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (!strcasecmp(product_fields[i].name, name))
            return &product_fields[i];
    return NULL;
}

/* ---- storage ------------------------------------------------------------------------------ */

static json_t *row_read(struct db_stmt *st)
{
    json_t *row = json_object();
    for (size_t i = 0; i < N_FIELDS; i++)
        json_object_set_new(row, product_fields[i].name,
                            crm_sql_col_value(st, (int)i, product_fields[i].type));
    return row;
}

static int product_load(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET, &st);
    *out = NULL;
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW)
        *out = row_read(st);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -E_NOTFOUND : rc;
}

static int product_store(struct db *db, int64_t *id, const json_t *row)
{
    struct db_stmt *st;
    int rc = db_prepare(db, *id ? SQL_UPDATE : SQL_INSERT, &st);
    if (rc)
        return rc;
    for (size_t i = 1; i < N_FIELDS && !rc; i++)
        rc = db_bind_json_value(st, (int)i, json_object_get(row, product_fields[i].name));
    if (!rc && *id)
        rc = db_bind_int(st, (int)N_FIELDS, *id);
    if (!rc)
        rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    if (!*id)
        *id = db_last_id(db);
    return 0;
}

int crm_product_name(struct rest_call *c, int64_t id, const char **name)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_NAME, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        const char *s = db_col_text(st, 0);
        *name = arena_strdup(c->arena, s ? s : "");
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -E_NOTFOUND : rc;
}

/* ---- output ------------------------------------------------------------------------------- */

static json_t *product_json(const json_t *row, const unsigned char *chosen)
{
    json_t *o = json_object();
    for (size_t i = 0; i < N_FIELDS; i++)
        if (!chosen || chosen[i])
            json_object_set_new(o, product_fields[i].name,
                                crm_value_format(&product_fields[i],
                                                 json_object_get(row, product_fields[i].name),
                                                 CRM_FMT_LEGACY));
    return o;
}

/* ---- writing ------------------------------------------------------------------------------ */

static int merge(struct rest_call *c, json_t *row, const json_t *fields)
{
    const char *key;
    json_t *v, *stored;
    char err[128];
    json_object_foreach((json_t *)fields, key, v)
    {
        const struct crm_field *f = field_find(key);
        if (!f || f->type == CRM_T_ID || (f->flags & CRM_F_RO))
            continue; /* unknown and read-only keys are ignored, as Bitrix does */
        if (crm_value_parse(f, v, &stored, err, sizeof(err)))
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' %s", f->name, err);
        json_object_set_new(row, f->name, stored);
    }
    return 0;
}

static int check(struct rest_call *c, json_t *row)
{
    const char *name = crm_row_str(row, "NAME"), *cur = crm_row_str(row, "CURRENCY_ID");
    const char *dt = crm_row_str(row, "DESCRIPTION_TYPE");
    char base[8];
    bool ok = false;
    int rc;
    if (!name || !*name)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'NAME' is required");
    if (dt && strcmp(dt, "text") && strcmp(dt, "html"))
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'DESCRIPTION_TYPE' must be 'text' or 'html'");
    if (!cur) {
        if ((rc = crm_currency_base(c->db, base, sizeof(base))))
            return rest_fail_db(c, rc);
        json_object_set_new(row, "CURRENCY_ID", json_string(base));
    } else if ((rc = crm_currency_exists(c->db, cur, &ok)) || !ok) {
        return rc ? rest_fail_db(c, rc)
                  : rest_fail(c, 400, "INVALID_ARG_VALUE",
                              "field 'CURRENCY_ID' has an unknown value '%s'", cur);
    }
    return 0;
}

static json_t *defaults(void)
{
    json_t *row = json_object(), *v, *d;
    char err[64];
    for (size_t i = 1; i < N_FIELDS; i++) {
        const struct crm_field *f = &product_fields[i];
        v = NULL;
        if (f->def) {
            d = json_string(f->def);
            crm_value_parse(f, d, &v, err, sizeof(err));
            json_decref(d);
        }
        json_object_set_new(row, f->name, v ? v : json_null());
    }
    return row;
}

/* Adds (id 0) or updates product id from the `fields` parameter and emits the event. */
static int product_write(struct rest_call *c, int64_t id, int64_t *id_out)
{
    const json_t *fields = rest_param(c, "fields");
    int64_t uid = c->auth ? c->auth->user_id : 0, now = (int64_t)time_now_real();
    json_t *row = NULL;
    bool is_add = id == 0;
    int rc;
    if (!json_is_object(fields))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if (!id) {
        row = defaults();
        json_object_set_new(row, "CREATED_BY", json_integer(uid));
        json_object_set_new(row, "DATE_CREATE", json_integer(now));
    } else if ((rc = product_load(c->db, id, &row))) {
        return rc == -E_NOTFOUND ? crm_fail_not_found(c) : rest_fail_db(c, rc);
    }
    json_object_set_new(row, "MODIFIED_BY", json_integer(uid));
    json_object_set_new(row, "TIMESTAMP_X", json_integer(now));
    if ((rc = merge(c, row, fields)) || (rc = check(c, row)))
        goto out;
    if ((rc = product_store(c->db, &id, row))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    if (events_emit_id(c->db, is_add ? "ONCRMPRODUCTADD" : "ONCRMPRODUCTUPDATE", id, uid)) {
        rc =
            rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "event handler failed, nothing was written");
        goto out;
    }
    if (id_out)
        *id_out = id;
out:
    json_decref(row);
    return rc;
}

/* ---- handlers ----------------------------------------------------------------------------- */

static int product_add(struct rest_call *c)
{
    int64_t id = 0;
    int rc = product_write(c, 0, &id);
    if (!rc)
        c->result = json_integer(id);
    return rc;
}

static int product_update(struct rest_call *c)
{
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (!rc && !(rc = product_write(c, id, NULL)))
        c->result = json_true();
    return rc;
}

static int product_get(struct rest_call *c)
{
    int64_t id;
    json_t *row = NULL;
    int rc = crm_param_id(c, "id", &id);
    if (rc)
        return rc;
    if ((rc = product_load(c->db, id, &row)))
        return rc == -E_NOTFOUND ? crm_fail_not_found(c) : rest_fail_db(c, rc);
    c->result = product_json(row, NULL);
    json_decref(row);
    return 0;
}

static int product_delete(struct rest_call *c)
{
    int64_t id;
    json_t *row = NULL;
    int rc = crm_param_id(c, "id", &id);
    if (rc)
        return rc;
    if ((rc = product_load(c->db, id, &row)))
        return rc == -E_NOTFOUND ? crm_fail_not_found(c) : rest_fail_db(c, rc);
    json_decref(row);
    struct db_stmt *st;
    if ((rc = db_prepare(c->db, SQL_DELETE, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0 || (rc = crm_productrow_unlink_product(c->db, id)))
        return rest_fail_db(c, rc);
    if (events_emit_id(c->db, "ONCRMPRODUCTDELETE", id, c->auth ? c->auth->user_id : 0))
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                         "event handler failed, nothing was written");
    c->result = json_true();
    return 0;
}

static int product_fields_method(struct rest_call *c)
{
    json_t *o = json_object();
    for (size_t i = 0; i < N_FIELDS; i++) {
        const struct crm_field *f = &product_fields[i];
        json_object_set_new(
            o, f->name,
            json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:s}", "type", crm_type_name(f), "isRequired",
                      (f->flags & CRM_F_REQUIRED) != 0, "isReadOnly",
                      (f->flags & CRM_F_RO) || f->type == CRM_T_ID, "isImmutable", false,
                      "isMultiple", false, "isDynamic", false, "title", f->title));
    }
    c->result = o;
    return 0;
}

/* ---- list --------------------------------------------------------------------------------- */

struct plist {
    struct field_def fd[N_FIELDS];
    unsigned char chosen[N_FIELDS];
};

static int plist_plan(struct rest_call *c, struct plist *p, struct rest_list *l)
{
    char err[256];
    for (size_t i = 0; i < N_FIELDS; i++) {
        const struct crm_field *f = &product_fields[i];
        p->fd[i] = (struct field_def){
            .name = f->name,
            .column = arena_printf(c->arena, "t.%s", f->column),
            .type = crm_filter_type(f->type),
            .flags = FIELD_SELECT | ((f->flags & CRM_F_FILTER) ? FIELD_FILTER : 0) |
                     ((f->flags & CRM_F_SORT) ? FIELD_SORT : 0),
        };
    }
    if (select_compile(p->fd, N_FIELDS, rest_param(c, "select"), false, p->chosen, err,
                       sizeof(err)) ||
        filter_compile(p->fd, N_FIELDS, rest_param(c, "filter"), db_dialect(c->db), &l->where,
                       l->binds, err, sizeof(err)) ||
        order_compile(p->fd, N_FIELDS, rest_param(c, "order"), "t.id", &l->order, err, sizeof(err)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

static json_t *plist_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    const struct plist *p = ctx;
    json_t *row = row_read(st), *out = product_json(row, p->chosen);
    (void)c;
    json_decref(row);
    return out;
}

static int product_list(struct rest_call *c)
{
    struct plist *p = arena_alloc(c->arena, sizeof(*p));
    struct rest_list l;
    int rc;
    rest_list_init(&l, "SELECT " PRODUCT_COLS " FROM crm_product t",
                   "SELECT COUNT(*) FROM crm_product t");
    if ((rc = rest_list_start(c, &l)) || (rc = plist_plan(c, p, &l))) {
        rest_list_release(&l);
        return rc;
    }
    l.row = plist_row;
    l.ctx = p;
    return rest_list_run(c, &l);
}

const struct rest_method crm_product_methods[] = {
    {"crm.product.add", "crm", product_add, "crm_product", PERM_ADD, REST_WRITE, NULL},
    {"crm.product.get", "crm", product_get, "crm_product", PERM_READ, 0, NULL},
    {"crm.product.list", "crm", product_list, "crm_product", PERM_READ, REST_LIST, NULL},
    {"crm.product.update", "crm", product_update, "crm_product", PERM_UPDATE, REST_WRITE, NULL},
    {"crm.product.delete", "crm", product_delete, "crm_product", PERM_DELETE, REST_WRITE, NULL},
    {"crm.product.fields", "crm", product_fields_method, "crm_product", PERM_READ, 0, NULL},
    {0},
};
