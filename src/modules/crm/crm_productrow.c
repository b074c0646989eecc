/* Product rows (contract in crm_productrow.h): parsing a client's row in either naming, the
 * crm_product_row store, the owner's OPPORTUNITY and TAX_VALUE kept equal to its rows, and the
 * legacy crm.deal/lead/quote.productrows.get/set methods (set replaces every row). Checks and
 * parsing happen before anything is written; the dispatcher's transaction undoes the rest.
 * Reservations, stores and catalog price types are not supported. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_productrow.h"

#define PROW_MAX 1000     /* rows one set may carry */
#define PROW_NAME_MAX 512 /* bytes of PRODUCT_NAME / MEASURE_NAME */
#define PROW_MEASURE 796  /* "pcs" in the OKEI codes Bitrix24 uses */

#define ROW_COLS                                                                                   \
    "r.id, r.owner_type, r.owner_id, r.product_id, r.product_name, r.price, r.price_exclusive,"    \
    " r.price_netto, r.price_brutto, r.quantity, r.discount_type_id, r.discount_rate,"             \
    " r.discount_sum, r.tax_rate, r.tax_included, r.measure_code, r.measure_name, r.sort,"         \
    " p.name, p.description"
#define ROW_FROM " FROM crm_product_row r LEFT JOIN crm_product p ON p.id = r.product_id"

static const char SQL_ROW[] = "SELECT " ROW_COLS ROW_FROM " WHERE r.id = ?";
static const char SQL_OWNER_ROWS[] =
    "SELECT " ROW_COLS ROW_FROM " WHERE r.owner_type = ? AND r.owner_id = ?"
    " ORDER BY r.sort, r.id";
static const char SQL_INSERT[] =
    "INSERT INTO crm_product_row (owner_type, owner_id, product_id, product_name, price,"
    " price_exclusive, price_netto, price_brutto, quantity, discount_type_id, discount_rate,"
    " discount_sum, tax_rate, tax_included, measure_code, measure_name, sort)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_UPDATE[] =
    "UPDATE crm_product_row SET owner_type = ?, owner_id = ?, product_id = ?, product_name = ?,"
    " price = ?, price_exclusive = ?, price_netto = ?, price_brutto = ?, quantity = ?,"
    " discount_type_id = ?, discount_rate = ?, discount_sum = ?, tax_rate = ?, tax_included = ?,"
    " measure_code = ?, measure_name = ?, sort = ? WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM crm_product_row WHERE id = ?";
static const char SQL_DROP_OWNER[] =
    "DELETE FROM crm_product_row WHERE owner_type = ? AND owner_id = ?";
static const char SQL_UNLINK_PRODUCT[] =
    "UPDATE crm_product_row SET product_id = 0 WHERE product_id = ?";

/* ---- owners ------------------------------------------------------------------------------- */

static const struct {
    const char *code;
    int type_id;
} owners[] = {
    {"D", CRM_TYPE_DEAL},
    {"L", CRM_TYPE_LEAD},
    {"Q", CRM_TYPE_QUOTE},
    {"SI", CRM_TYPE_SMART_INVOICE},
};

const struct crm_entity_def *crm_prow_owner_def(const char *type, const char **code)
{
    for (size_t i = 0; type && i < ARRAY_SIZE(owners); i++)
        if (!strcasecmp(owners[i].code, type)) {
            if (code)
                *code = owners[i].code;
            return crm_entity_by_type(owners[i].type_id);
        }
    return NULL;
}

const char *crm_prow_owner_code(int type_id)
{
    for (size_t i = 0; i < ARRAY_SIZE(owners); i++)
        if (owners[i].type_id == type_id)
            return owners[i].code;
    return NULL;
}

int crm_prow_owner_check(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                         int action, const char *not_found)
{
    int64_t owner = 0;
    int rc = crm_sql_owner(c->db, def, id, &owner);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "NOT_FOUND", "%s", not_found);
    if (rc)
        return rest_fail_db(c, rc);
    return crm_check_owner(c, def, (enum perm_action)action, owner);
}

/* ---- parsing ------------------------------------------------------------------------------ */

enum pf {
    PF_PRODUCT_ID,
    PF_PRODUCT_NAME,
    PF_PRICE,
    PF_EXCLUSIVE,
    PF_NETTO,
    PF_BRUTTO,
    PF_QUANTITY,
    PF_DISCOUNT_TYPE,
    PF_DISCOUNT_RATE,
    PF_DISCOUNT_SUM,
    PF_TAX_RATE,
    PF_TAX_INCLUDED,
    PF_MEASURE_CODE,
    PF_MEASURE_NAME,
    PF_SORT,
    PF_N,
};

static const struct {
    const char *upper, *camel;
} pf_names[PF_N] = {
    [PF_PRODUCT_ID] = {"PRODUCT_ID", "productId"},
    [PF_PRODUCT_NAME] = {"PRODUCT_NAME", "productName"},
    [PF_PRICE] = {"PRICE", "price"},
    [PF_EXCLUSIVE] = {"PRICE_EXCLUSIVE", "priceExclusive"},
    [PF_NETTO] = {"PRICE_NETTO", "priceNetto"},
    [PF_BRUTTO] = {"PRICE_BRUTTO", "priceBrutto"},
    [PF_QUANTITY] = {"QUANTITY", "quantity"},
    [PF_DISCOUNT_TYPE] = {"DISCOUNT_TYPE_ID", "discountTypeId"},
    [PF_DISCOUNT_RATE] = {"DISCOUNT_RATE", "discountRate"},
    [PF_DISCOUNT_SUM] = {"DISCOUNT_SUM", "discountSum"},
    [PF_TAX_RATE] = {"TAX_RATE", "taxRate"},
    [PF_TAX_INCLUDED] = {"TAX_INCLUDED", "taxIncluded"},
    [PF_MEASURE_CODE] = {"MEASURE_CODE", "measureCode"},
    [PF_MEASURE_NAME] = {"MEASURE_NAME", "measureName"},
    [PF_SORT] = {"SORT", "sort"},
};

/* Input values by field; null and "" count as absent. */
static void collect(const json_t *in, json_t **vals)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        if (json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
            continue;
        for (int i = 0; i < PF_N; i++)
            if (!strcasecmp(key, pf_names[i].upper) || !strcasecmp(key, pf_names[i].camel))
                vals[i] = v;
    }
}

static int bad_value(struct rest_call *c, const char *what, int f, const char *why)
{
    return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s: field '%s' %s", what, pf_names[f].upper,
                     why);
}

/* Numbers and flags of the row; *given gets the price inputs present. */
static int parse_numbers(struct rest_call *c, json_t **vals, const char *what, struct crm_prow *r,
                         unsigned *given)
{
    static const struct {
        int f;
        unsigned flag;
    } dbl[] = {
        {PF_PRICE, CRM_PRICE_FINAL},
        {PF_EXCLUSIVE, CRM_PRICE_EXCLUSIVE},
        {PF_NETTO, CRM_PRICE_NETTO},
        {PF_BRUTTO, CRM_PRICE_BRUTTO},
        {PF_QUANTITY, 0},
        {PF_DISCOUNT_RATE, CRM_PRICE_RATE},
        {PF_DISCOUNT_SUM, CRM_PRICE_SUM},
        {PF_TAX_RATE, 0},
    };
    double *dst[PF_N] = {
        [PF_PRICE] = &r->p.price,
        [PF_EXCLUSIVE] = &r->p.exclusive,
        [PF_NETTO] = &r->p.netto,
        [PF_BRUTTO] = &r->p.brutto,
        [PF_QUANTITY] = &r->p.quantity,
        [PF_DISCOUNT_RATE] = &r->p.discount_rate,
        [PF_DISCOUNT_SUM] = &r->p.discount_sum,
        [PF_TAX_RATE] = &r->p.tax_rate,
    };
    int64_t n;
    bool b;
    for (size_t i = 0; i < ARRAY_SIZE(dbl); i++) {
        if (!vals[dbl[i].f])
            continue;
        if (params_to_double(vals[dbl[i].f], dst[dbl[i].f]))
            return bad_value(c, what, dbl[i].f, "must be a number");
        *given |= dbl[i].flag;
    }
    if (vals[PF_DISCOUNT_TYPE]) {
        if (params_to_int64(vals[PF_DISCOUNT_TYPE], &n))
            return bad_value(c, what, PF_DISCOUNT_TYPE, "must be 1 or 2");
        r->p.discount_type = n == 1 || n == 2 ? (int)n : 0;
        *given |= CRM_PRICE_TYPE;
    }
    if (vals[PF_TAX_INCLUDED]) {
        if (params_to_bool(vals[PF_TAX_INCLUDED], &b))
            return bad_value(c, what, PF_TAX_INCLUDED, "must be Y or N");
        r->tax_included = b;
    }
    if (vals[PF_MEASURE_CODE] && params_to_int64(vals[PF_MEASURE_CODE], &r->measure_code))
        return bad_value(c, what, PF_MEASURE_CODE, "must be an integer");
    if (vals[PF_SORT] && params_to_int64(vals[PF_SORT], &r->sort))
        return bad_value(c, what, PF_SORT, "must be an integer");
    return 0;
}

static int parse_text(struct rest_call *c, json_t *v, const char *what, int f, const char **out)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(v, buf, sizeof(buf));
    if (!s)
        return bad_value(c, what, f, "must be a string");
    if (strlen(s) > PROW_NAME_MAX)
        return bad_value(c, what, f, "is too long");
    *out = arena_strdup(c->arena, s);
    return 0;
}

/* PRODUCT_ID and PRODUCT_NAME: the product must exist; its name is the default. */
static int parse_product(struct rest_call *c, json_t **vals, const char *what,
                         const struct crm_prow *base, struct crm_prow *r)
{
    const char *name = NULL;
    int rc;
    if (vals[PF_PRODUCT_ID] &&
        (params_to_int64(vals[PF_PRODUCT_ID], &r->product_id) || r->product_id < 0))
        return bad_value(c, what, PF_PRODUCT_ID, "must be a product id or 0");
    if (vals[PF_PRODUCT_NAME] &&
        (rc = parse_text(c, vals[PF_PRODUCT_NAME], what, PF_PRODUCT_NAME, &r->product_name)))
        return rc;
    bool changed = !base || base->product_id != r->product_id;
    if (r->product_id > 0 && changed) {
        rc = crm_product_name(c, r->product_id, &name);
        if (rc == -E_NOTFOUND)
            return rest_fail(c, 400, "ERROR_CORE", "%s: product %lld does not exist", what,
                             (long long)r->product_id);
        if (rc)
            return rest_fail_db(c, rc);
        r->original_name = name;
    }
    if (!vals[PF_PRODUCT_NAME] && changed)
        r->product_name = name ? name : arena_printf(c->arena, "[%lld]", (long long)r->product_id);
    return 0;
}

/* On update, the inputs the client left out come from the stored row: the list price when a
 * discount or the tax changes, else the final price; the discount type follows the one
 * discount input given. */
static unsigned update_given(json_t **vals, unsigned given, struct crm_price *p)
{
    unsigned prices = CRM_PRICE_FINAL | CRM_PRICE_EXCLUSIVE | CRM_PRICE_NETTO | CRM_PRICE_BRUTTO;
    if (!(given & prices))
        given |= (given & (CRM_PRICE_RATE | CRM_PRICE_SUM | CRM_PRICE_TYPE)) || vals[PF_TAX_RATE]
                     ? CRM_PRICE_NETTO
                     : CRM_PRICE_FINAL;
    if (!(given & CRM_PRICE_TYPE)) {
        if ((given & CRM_PRICE_SUM) && !(given & CRM_PRICE_RATE))
            p->discount_type = CRM_DISCOUNT_ABSOLUTE;
        else if ((given & CRM_PRICE_RATE) && !(given & CRM_PRICE_SUM))
            p->discount_type = CRM_DISCOUNT_PERCENT;
        given |= CRM_PRICE_TYPE;
    }
    given |= p->discount_type == CRM_DISCOUNT_PERCENT ? CRM_PRICE_RATE : CRM_PRICE_SUM;
    return given;
}

int crm_prow_parse(struct rest_call *c, const json_t *in, const struct crm_prow *base,
                   int64_t default_sort, const char *what, struct crm_prow *r)
{
    json_t *vals[PF_N] = {0};
    unsigned given = 0;
    char err[160];
    int rc;
    if (!json_is_object(in))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s must be an object", what);
    collect(in, vals);
    if (base) {
        *r = *base;
    } else {
        *r = (struct crm_prow){.p = {.quantity = 1, .discount_type = CRM_DISCOUNT_PERCENT},
                               .measure_code = PROW_MEASURE,
                               .measure_name = "pcs",
                               .sort = default_sort};
    }
    if ((rc = parse_numbers(c, vals, what, r, &given)) ||
        (rc = parse_product(c, vals, what, base, r)) ||
        (vals[PF_MEASURE_NAME] &&
         (rc = parse_text(c, vals[PF_MEASURE_NAME], what, PF_MEASURE_NAME, &r->measure_name))))
        return rc;
    if (base)
        given = update_given(vals, given, &r->p);
    if (crm_price_calc(&r->p, given, err, sizeof(err)))
        return rest_fail(c, 400, "ERROR_CORE", "%s: %s", what, err);
    return 0;
}

/* ---- storage ------------------------------------------------------------------------------ */

static const char *col_str(struct rest_call *c, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? arena_strdup(c->arena, s) : NULL;
}

static void row_read(struct rest_call *c, struct db_stmt *st, struct crm_prow *r)
{
    const char *ti;
    *r = (struct crm_prow){0};
    r->id = db_col_int(st, 0);
    r->owner_type = col_str(c, st, 1);
    r->owner_id = db_col_int(st, 2);
    r->product_id = db_col_int(st, 3);
    r->product_name = col_str(c, st, 4);
    r->p.price = db_col_double(st, 5);
    r->p.exclusive = db_col_double(st, 6);
    r->p.netto = db_col_double(st, 7);
    r->p.brutto = db_col_double(st, 8);
    r->p.quantity = db_col_double(st, 9);
    r->p.discount_type = (int)db_col_int(st, 10);
    r->p.discount_rate = db_col_double(st, 11);
    r->p.discount_sum = db_col_double(st, 12);
    r->p.tax_rate = db_col_double(st, 13);
    ti = db_col_text(st, 14);
    r->tax_included = ti && ti[0] == 'Y';
    r->measure_code = db_col_type(st, 15) == DB_NULL ? -1 : db_col_int(st, 15);
    r->measure_name = col_str(c, st, 16);
    r->sort = db_col_int(st, 17);
    r->original_name = col_str(c, st, 18);
    r->description = col_str(c, st, 19);
}

int crm_prow_load(struct rest_call *c, int64_t id, struct crm_prow *r)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_ROW, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW)
        row_read(c, st, r);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -E_NOTFOUND : rc;
}

int crm_prow_load_owner(struct rest_call *c, const char *owner_type, int64_t owner_id,
                        struct crm_prow **rows, size_t *n)
{
    struct db_stmt *st;
    size_t cap = 0;
    int rc = db_prepare(c->db, SQL_OWNER_ROWS, &st);
    *rows = NULL;
    *n = 0;
    if (rc)
        return rc;
    db_bind_text(st, 1, owner_type, -1);
    db_bind_int(st, 2, owner_id);
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) { /* arena arrays grow by copying; row counts are small */
            struct crm_prow *bigger =
                arena_alloc(c->arena, (cap = cap ? cap * 2 : 16) * sizeof(*bigger));
            if (*n)
                memcpy(bigger, *rows, *n * sizeof(*bigger));
            *rows = bigger;
        }
        row_read(c, st, &(*rows)[(*n)++]);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

const char crm_prow_list_select[] = "SELECT " ROW_COLS ROW_FROM;
const char crm_prow_list_count[] = "SELECT COUNT(*) FROM crm_product_row r";

json_t *crm_prow_list_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    struct crm_prow r;
    (void)ctx;
    row_read(c, st, &r);
    return crm_prow_json(&r, true);
}

static int bind_row(struct db_stmt *st, const struct crm_prow *r)
{
    const struct crm_price *p = &r->p;
    int i = 1;
    db_bind_text(st, i++, r->owner_type, -1);
    db_bind_int(st, i++, r->owner_id);
    db_bind_int(st, i++, r->product_id);
    db_bind_text(st, i++, r->product_name ? r->product_name : "", -1);
    db_bind_double(st, i++, p->price);
    db_bind_double(st, i++, p->exclusive);
    db_bind_double(st, i++, p->netto);
    db_bind_double(st, i++, p->brutto);
    db_bind_double(st, i++, p->quantity);
    db_bind_int(st, i++, p->discount_type);
    db_bind_double(st, i++, p->discount_rate);
    db_bind_double(st, i++, p->discount_sum);
    db_bind_double(st, i++, p->tax_rate);
    db_bind_text(st, i++, r->tax_included ? "Y" : "N", 1);
    if (r->measure_code >= 0)
        db_bind_int(st, i++, r->measure_code);
    else
        db_bind_null(st, i++);
    if (r->measure_name)
        db_bind_text(st, i++, r->measure_name, -1);
    else
        db_bind_null(st, i++);
    db_bind_int(st, i++, r->sort);
    return i;
}

static int step_done(struct db_stmt *st)
{
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

int crm_prow_insert(struct rest_call *c, struct crm_prow *r)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_INSERT, &st);
    if (rc)
        return rc;
    bind_row(st, r);
    if ((rc = step_done(st)))
        return rc;
    r->id = db_last_id(c->db);
    return 0;
}

int crm_prow_update(struct rest_call *c, const struct crm_prow *r)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_UPDATE, &st);
    if (rc)
        return rc;
    db_bind_int(st, bind_row(st, r), r->id);
    return step_done(st);
}

static int exec_id(struct db *db, const char *sql, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return step_done(st);
}

int crm_prow_delete(struct db *db, int64_t id)
{
    return exec_id(db, SQL_DELETE, id);
}

int crm_productrow_unlink_product(struct db *db, int64_t product_id)
{
    return exec_id(db, SQL_UNLINK_PRODUCT, product_id);
}

static int drop_owner(struct db *db, const char *code, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DROP_OWNER, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, code, -1);
    db_bind_int(st, 2, id);
    return step_done(st);
}

int crm_productrow_drop(struct db *db, int type_id, int64_t id)
{
    const char *code = crm_prow_owner_code(type_id);
    return code ? drop_owner(db, code, id) : 0;
}

/* ---- the owner's amount ------------------------------------------------------------------- */

static bool amount_equal(const json_t *stored, double v)
{
    double d = json_number_value(stored) - v;
    return json_is_number(stored) && d < 0.005 && d > -0.005;
}

int crm_prow_sync_owner(struct rest_call *c, const struct crm_entity_def *def, int64_t id)
{
    const char *code = crm_prow_owner_code(def->type_id), *manual;
    struct crm_prow *rows;
    size_t n;
    double total = 0, tax = 0;
    json_t *row = NULL, *fields;
    int rc = crm_prow_load_owner(c, code, id, &rows, &n);
    if (!rc)
        rc = crm_sql_row_load(c->db, def, id, &row);
    if (rc)
        return rest_fail_db(c, rc);
    for (size_t i = 0; i < n; i++) {
        total += crm_price_total(&rows[i].p);
        tax += crm_price_tax(&rows[i].p);
    }
    total = crm_round2(total);
    tax = crm_round2(tax);
    manual = crm_row_str(row, "IS_MANUAL_OPPORTUNITY");
    bool has_tax = crm_field_find(def, "TAX_VALUE") != NULL;
    if ((manual && !strcmp(manual, "Y")) ||
        (amount_equal(json_object_get(row, "OPPORTUNITY"), total) &&
         (!has_tax || amount_equal(json_object_get(row, "TAX_VALUE"), tax)))) {
        json_decref(row);
        return 0;
    }
    json_decref(row);
    fields = json_pack("{s:f}", "OPPORTUNITY", total);
    if (has_tax)
        json_object_set_new(fields, "TAX_VALUE", json_real(tax));
    rc = crm_entity_write(c, def, id, fields, CRM_NO_PERM, NULL);
    json_decref(fields);
    return rc;
}

/* ---- output ------------------------------------------------------------------------------- */

static json_t *measure_code_json(const struct crm_prow *r)
{
    return r->measure_code >= 0 ? json_integer(r->measure_code) : json_null();
}

static json_t *legacy_json(const struct crm_prow *r)
{
    char id[24], owner[24], account[40];
    const struct crm_price *p = &r->p;
    snprintf(id, sizeof(id), "%lld", (long long)r->id);
    snprintf(owner, sizeof(owner), "%lld", (long long)r->owner_id);
    snprintf(account, sizeof(account), "%.2f", p->price);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:I, s:s?, s:s?, s:s?, s:f, s:f, s:f, s:f, s:s, s:f, s:i, s:f, s:f, s:f,"
        " s:s, s:s}",
        "ID", id, "OWNER_ID", owner, "OWNER_TYPE", r->owner_type, "PRODUCT_ID",
        (json_int_t)r->product_id, "PRODUCT_NAME", r->product_name, "ORIGINAL_PRODUCT_NAME",
        r->original_name ? r->original_name : r->product_name, "PRODUCT_DESCRIPTION",
        r->description, "PRICE", p->price, "PRICE_EXCLUSIVE", p->exclusive, "PRICE_NETTO", p->netto,
        "PRICE_BRUTTO", p->brutto, "PRICE_ACCOUNT", account, "QUANTITY", p->quantity,
        "DISCOUNT_TYPE_ID", p->discount_type, "DISCOUNT_RATE", p->discount_rate, "DISCOUNT_SUM",
        p->discount_sum, "TAX_RATE", p->tax_rate, "TAX_INCLUDED", r->tax_included ? "Y" : "N",
        "CUSTOMIZED", "Y");
    json_object_set_new(o, "MEASURE_CODE", measure_code_json(r));
    json_object_set_new(o, "MEASURE_NAME",
                        r->measure_name ? json_string(r->measure_name) : json_null());
    json_object_set_new(o, "SORT", json_integer(r->sort));
    json_object_set_new(o, "XML_ID", json_null());
    json_object_set_new(o, "TYPE", json_integer(1));
    json_object_set_new(o, "STORE_ID", json_null());
    json_object_set_new(o, "RESERVE_ID", json_null());
    json_object_set_new(o, "DATE_RESERVE_END", json_null());
    json_object_set_new(o, "RESERVE_QUANTITY", json_null());
    return o;
}

static json_t *typed_json(const struct crm_prow *r)
{
    const struct crm_price *p = &r->p;
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:I, s:s?, s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:f, s:f, s:f, s:s, s:s}",
        "id", (json_int_t)r->id, "ownerId", (json_int_t)r->owner_id, "ownerType", r->owner_type,
        "productId", (json_int_t)r->product_id, "productName", r->product_name, "price", p->price,
        "priceAccount", p->price, "priceExclusive", p->exclusive, "priceNetto", p->netto,
        "priceBrutto", p->brutto, "quantity", p->quantity, "discountTypeId", p->discount_type,
        "discountRate", p->discount_rate, "discountSum", p->discount_sum, "taxRate", p->tax_rate,
        "taxIncluded", r->tax_included ? "Y" : "N", "customized", "Y");
    json_object_set_new(o, "measureCode", measure_code_json(r));
    json_object_set_new(o, "measureName",
                        r->measure_name ? json_string(r->measure_name) : json_null());
    json_object_set_new(o, "sort", json_integer(r->sort));
    json_object_set_new(o, "xmlId", json_null());
    json_object_set_new(o, "type", json_integer(1));
    json_object_set_new(o, "storeId", json_null());
    return o;
}

json_t *crm_prow_json(const struct crm_prow *r, bool typed)
{
    return typed ? typed_json(r) : legacy_json(r);
}

/* ---- legacy methods (method data: the owner's entity def) --------------------------------- */

static int productrows_get(struct rest_call *c)
{
    const struct crm_entity_def *def = c->method->data;
    struct crm_prow *rows;
    size_t n;
    int64_t id;
    int rc;
    if ((rc = crm_param_id(c, "id", &id)) ||
        (rc = crm_prow_owner_check(c, def, id, PERM_READ, "Not found")))
        return rc;
    if ((rc = crm_prow_load_owner(c, crm_prow_owner_code(def->type_id), id, &rows, &n)))
        return rest_fail_db(c, rc);
    c->result = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(c->result, crm_prow_json(&rows[i], false));
    return 0;
}

/* The client's rows as a list: an array, an object of rows ({"0": ..} from forms) or empty. */
static int rows_param(struct rest_call *c, const char *name, json_t **out)
{
    json_t *v = rest_param(c, name), *m;
    const char *key;
    *out = NULL;
    if (!v)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' is required", name);
    if (json_is_array(v)) {
        *out = json_incref(v);
    } else if (json_is_object(v)) {
        *out = json_array();
        json_object_foreach(v, key, m) json_array_append(*out, m);
    } else if (json_is_null(v) || (json_is_string(v) && !json_string_length(v))) {
        *out = json_array();
    } else {
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' must be a list of rows",
                         name);
    }
    if (json_array_size(*out) > PROW_MAX) {
        json_decref(*out);
        *out = NULL;
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' has more than %d rows", name,
                         PROW_MAX);
    }
    return 0;
}

/* Replaces the rows of owner (def, id) with the client's list under param; checks every row
 * before writing any, then syncs the owner's amount. *out (may be NULL) gets the stored rows
 * (arena) and their count. */
static int rows_replace(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                        const char *param, struct crm_prow **out, size_t *n_out)
{
    const char *code = crm_prow_owner_code(def->type_id);
    json_t *list, *item;
    size_t i;
    int rc = rows_param(c, param, &list);
    if (rc)
        return rc;
    size_t n = json_array_size(list);
    struct crm_prow *rows = arena_alloc(c->arena, (n ? n : 1) * sizeof(*rows));
    json_array_foreach(list, i, item)
    {
        char what[32];
        snprintf(what, sizeof(what), "row %zu", i + 1);
        if ((rc = crm_prow_parse(c, item, NULL, (int64_t)(i + 1) * 10, what, &rows[i])))
            goto out;
        rows[i].owner_type = code;
        rows[i].owner_id = id;
    }
    if ((rc = drop_owner(c->db, code, id))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    for (i = 0; i < n; i++)
        if ((rc = crm_prow_insert(c, &rows[i]))) {
            rc = rest_fail_db(c, rc);
            goto out;
        }
    rc = crm_prow_sync_owner(c, def, id);
    if (!rc && out) {
        *out = rows;
        *n_out = n;
    }
out:
    json_decref(list);
    return rc;
}

static int productrows_set(struct rest_call *c)
{
    const struct crm_entity_def *def = c->method->data;
    int64_t id;
    int rc;
    if ((rc = crm_param_id(c, "id", &id)) ||
        (rc = crm_prow_owner_check(c, def, id, PERM_UPDATE, "Not found")) ||
        (rc = rows_replace(c, def, id, "rows", NULL, NULL)))
        return rc;
    c->result = json_true();
    return 0;
}

/* For crm.item.productrow.set (crm_productrow_item.c): same replacement, typed answer. */
int crm_prow_replace(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                     const char *param, json_t **out)
{
    struct crm_prow *rows = NULL;
    size_t n = 0;
    int rc = rows_replace(c, def, id, param, &rows, &n);
    if (rc)
        return rc;
    *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(*out, crm_prow_json(&rows[i], true));
    return 0;
}

#define PROW_METHODS(N, PERM, DEF)                                                                 \
    {"crm." N ".productrows.get", "crm", productrows_get, PERM, PERM_READ, 0, DEF},                \
    {                                                                                              \
        "crm." N ".productrows.set", "crm", productrows_set, PERM, PERM_UPDATE, REST_WRITE, DEF    \
    }

const struct rest_method crm_productrow_methods[] = {
    PROW_METHODS("deal", "crm_deal", &crm_deal_def),
    PROW_METHODS("lead", "crm_lead", &crm_lead_def),
    PROW_METHODS("quote", "crm_quote", &crm_quote_def),
    {0},
};
