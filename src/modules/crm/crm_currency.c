/* Currencies (crm.currency.list/get/fields, crm.currency.base.get/set): the seeded table of
 * codes with their rate to the base currency. Rates are kept as set; nothing here fetches
 * exchange rates or converts amounts. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

#define CUR_COLS                                                                                   \
    "currency, full_name, amount_cnt, amount, sort, base, format_string, dec_point,"               \
    " thousands_sep, decimals, date_update"

static const char SQL_EXISTS[] = "SELECT 1 FROM crm_currency WHERE currency = ?";
static const char SQL_BASE[] = "SELECT currency FROM crm_currency WHERE base = 1";
static const char SQL_LIST[] = "SELECT " CUR_COLS " FROM crm_currency ORDER BY sort, currency";
static const char SQL_GET[] = "SELECT " CUR_COLS " FROM crm_currency WHERE currency = ?";
static const char SQL_SET_BASE[] =
    "UPDATE crm_currency SET base = CASE WHEN currency = ? THEN 1 ELSE 0 END, date_update = ?";

int crm_currency_exists(struct db *db, const char *code, bool *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_EXISTS, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, code ? code : "", -1);
    rc = db_step(st);
    *out = rc == DB_ROW;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_currency_base(struct db *db, char *buf, size_t len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_BASE, &st);
    snprintf(buf, len, "USD");
    if (rc)
        return rc;
    rc = db_step(st);
    if (rc == DB_ROW && db_col_text(st, 0))
        snprintf(buf, len, "%s", db_col_text(st, 0));
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static json_t *int_str(int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return json_string(buf);
}

static json_t *rate_str(double v)
{
    char buf[48];
    snprintf(buf, sizeof(buf), "%.4f", v);
    return json_string(buf);
}

static json_t *currency_row(struct db_stmt *st, bool with_lang)
{
    char date[40];
    const char *code = db_col_text(st, 0);
    json_t *o = json_object();
    time_fmt_iso(date, sizeof(date), (double)db_col_int(st, 10), 1);
    json_object_set_new(o, "CURRENCY", json_string(code));
    json_object_set_new(o, "AMOUNT_CNT", int_str(db_col_int(st, 2)));
    json_object_set_new(o, "AMOUNT", rate_str(db_col_double(st, 3)));
    json_object_set_new(o, "SORT", int_str(db_col_int(st, 4)));
    json_object_set_new(o, "BASE", json_string(db_col_int(st, 5) ? "Y" : "N"));
    json_object_set_new(o, "FULL_NAME", json_string(db_col_text(st, 1)));
    json_object_set_new(o, "LID", json_string("en"));
    json_object_set_new(o, "FORMAT_STRING", json_string(db_col_text(st, 6)));
    json_object_set_new(o, "DEC_POINT", json_string(db_col_text(st, 7)));
    json_object_set_new(o, "THOUSANDS_SEP", json_string(db_col_text(st, 8)));
    json_object_set_new(o, "DECIMALS", int_str(db_col_int(st, 9)));
    json_object_set_new(o, "DATE_UPDATE", json_string(date));
    if (with_lang) {
        json_t *en = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "FULL_NAME", db_col_text(st, 1),
                               "FORMAT_STRING", db_col_text(st, 6), "DEC_POINT", db_col_text(st, 7),
                               "THOUSANDS_SEP", db_col_text(st, 8), "LID", "en", "DECIMALS",
                               json_object_get(o, "DECIMALS"));
        json_object_set_new(o, "LANG", json_pack("{s:o}", "en", en));
    }
    return o;
}

static int currency_list(struct rest_call *c)
{
    struct db_stmt *st;
    json_t *rows = json_array();
    int rc = db_prepare(c->db, SQL_LIST, &st);
    if (rc) {
        json_decref(rows);
        return rest_fail_db(c, rc);
    }
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(rows, currency_row(st, false));
    db_reset(st);
    if (rc < 0) {
        json_decref(rows);
        return rest_fail_db(c, rc);
    }
    rest_set_list(c, rows, (int64_t)json_array_size(rows), 0);
    return 0;
}

/* The currency code parameter `id`, upper-cased into buf. */
static int code_param(struct rest_call *c, char *buf, size_t len)
{
    const char *s = rest_param_str(c, "id");
    size_t n = s ? strlen(s) : 0;
    if (!n || n >= len)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "ID is not defined or invalid");
    for (size_t i = 0; i <= n; i++)
        buf[i] = (char)toupper((unsigned char)s[i]);
    return 0;
}

static int currency_get(struct rest_call *c)
{
    char code[8];
    struct db_stmt *st;
    int rc = code_param(c, code, sizeof(code));
    if (rc)
        return rc;
    if ((rc = db_prepare(c->db, SQL_GET, &st)))
        return rest_fail_db(c, rc);
    db_bind_text(st, 1, code, -1);
    rc = db_step(st);
    if (rc == DB_ROW)
        c->result = currency_row(st, true);
    db_reset(st);
    if (rc == DB_DONE)
        return crm_fail_not_found(c);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

static int currency_base_get(struct rest_call *c)
{
    char code[8];
    int rc = crm_currency_base(c->db, code, sizeof(code));
    if (rc)
        return rest_fail_db(c, rc);
    c->result = json_string(code);
    return 0;
}

static int currency_base_set(struct rest_call *c)
{
    char code[8];
    struct db_stmt *st;
    bool ok = false;
    int rc = code_param(c, code, sizeof(code));
    if (rc)
        return rc;
    if ((rc = crm_currency_exists(c->db, code, &ok)))
        return rest_fail_db(c, rc);
    if (!ok)
        return crm_fail_not_found(c);
    if ((rc = db_prepare(c->db, SQL_SET_BASE, &st)))
        return rest_fail_db(c, rc);
    db_bind_text(st, 1, code, -1);
    db_bind_int(st, 2, (int64_t)time_now_real());
    rc = db_step(st);
    db_reset(st);
    if (rc < 0)
        return rest_fail_db(c, rc);
    c->result = json_true();
    return 0;
}

static int currency_fields(struct rest_call *c)
{
    static const char *const names[][2] = {
        {"CURRENCY", "string"},  {"AMOUNT_CNT", "integer"},
        {"AMOUNT", "double"},    {"SORT", "integer"},
        {"BASE", "char"},        {"FULL_NAME", "string"},
        {"LID", "string"},       {"FORMAT_STRING", "string"},
        {"DEC_POINT", "string"}, {"THOUSANDS_SEP", "string"},
        {"DECIMALS", "integer"}, {"DATE_UPDATE", "datetime"},
    };
    json_t *o = json_object();
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        json_object_set_new(o, names[i][0],
                            json_pack("{s:s, s:b, s:b, s:b, s:b, s:s}", "type", names[i][1],
                                      "isRequired", i == 0, "isReadOnly", true, "isImmutable",
                                      i == 0, "isMultiple", false, "title", names[i][0]));
    c->result = o;
    return 0;
}

const struct rest_method crm_currency_methods[] = {
    {"crm.currency.fields", "crm", currency_fields, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.currency.list", "crm", currency_list, NULL, PERM_NONE_ACTION, REST_LIST, NULL},
    {"crm.currency.get", "crm", currency_get, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.currency.base.get", "crm", currency_base_get, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.currency.base.set", "crm", currency_base_set, "crm_config", PERM_UPDATE, REST_WRITE,
     NULL},
    {0},
};
