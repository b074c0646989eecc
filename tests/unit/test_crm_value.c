/* Unit tests of the CRM engine's pure parts: input conversion to the stored form, legacy and
 * typed output, type names, camelCase names and multi-field normalisation. */
#ifdef KAZI_WITH_CRM
#include <stdlib.h>
#include <time.h>

#include "modules/crm/crm_entity.h"
#include "t.h"

static const struct crm_field f_int = CRM_FIELD("PROBABILITY", "probability", CRM_T_INT, 0, "P");
static const struct crm_field f_link =
    CRM_FIELD_LINK("COMPANY_ID", "company_id", 0, CRM_TYPE_COMPANY, "Company");
static const struct crm_field f_dbl = CRM_FIELD("OPPORTUNITY", "opportunity", CRM_T_DOUBLE, 0, "O");
static const struct crm_field f_char = CRM_FIELD("OPENED", "opened", CRM_T_CHAR, 0, "Opened");
static const struct crm_field f_date = CRM_FIELD("BEGINDATE", "begindate", CRM_T_DATE, 0, "B");
static const struct crm_field f_dt =
    CRM_FIELD("DATE_CREATE", "date_create", CRM_T_DATETIME, 0, "D");
static const struct crm_field f_str = CRM_FIELD("TITLE", "title", CRM_T_STRING, 0, "T");
static const struct crm_field f_cur =
    CRM_FIELD("CURRENCY_ID", "currency_id", CRM_T_CURRENCY, 0, "C");
static const struct crm_field f_st = CRM_FIELD_STATUS("SOURCE_ID", "source_id", 0, "SOURCE", "S");

/* Parses the JSON text in as a value of f; returns the stored value's JSON text (caller
 * frees) or NULL on error. */
static char *parse(const struct crm_field *f, const char *in)
{
    char err[128];
    json_t *v = json_loads(in, JSON_DECODE_ANY, NULL), *out = NULL;
    char *s = NULL;
    if (v && !crm_value_parse(f, v, &out, err, sizeof(err)))
        s = json_dumps(out, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(v);
    json_decref(out);
    return s;
}

/* Formats the stored value (JSON text) as field f; returns the output's JSON text (caller
 * frees). The text writer (crm_value_out, crm_value_write) must give the same bytes as the
 * JSON value; when it does not, the result says so. */
static char *format(const struct crm_field *f, const char *stored, enum crm_format fmt)
{
    json_t *v = json_loads(stored, JSON_DECODE_ANY, NULL), *out = crm_value_format(f, v, fmt);
    char *s = json_dumps(out, JSON_ENCODE_ANY | JSON_COMPACT);
    struct crm_cell cell = {.null = json_is_null(v), .kind = CRM_CELL_TEXT};
    struct crm_out o;
    struct strbuf b;
    if (json_is_integer(v))
        cell = (struct crm_cell){.kind = CRM_CELL_INT, .i = json_integer_value(v)};
    else if (json_is_real(v))
        cell = (struct crm_cell){.kind = CRM_CELL_REAL, .d = json_real_value(v)};
    else if (json_is_string(v))
        cell.s = json_string_value(v);
    strbuf_init(&b, 0);
    crm_value_out(f, &cell, fmt, &o);
    if (crm_value_write(&b, &o) || strcmp(b.buf, s)) {
        free(s);
        s = strdup("text writer differs");
    }
    strbuf_release(&b);
    json_decref(v);
    json_decref(out);
    return s;
}

#define CHECK_PARSE(f, in, want)                                                                   \
    do {                                                                                           \
        char *got_ = parse(f, in);                                                                 \
        const char *w_ = (want);                                                                   \
        int ok_ = w_ ? (got_ && !strcmp(got_, w_)) : got_ == NULL;                                 \
        if (!ok_)                                                                                  \
            t_fail(__FILE__, __LINE__, "parse %s: got %s, want %s", in, got_ ? got_ : "error",     \
                   w_ ? w_ : "error");                                                             \
        free(got_);                                                                                \
        if (!ok_)                                                                                  \
            return;                                                                                \
    } while (0)

#define CHECK_FORMAT(f, stored, fmt, want)                                                         \
    do {                                                                                           \
        char *got_ = format(f, stored, fmt);                                                       \
        int ok_ = got_ && !strcmp(got_, want);                                                     \
        if (!ok_)                                                                                  \
            t_fail(__FILE__, __LINE__, "format %s: got %s, want %s", stored, got_, want);          \
        free(got_);                                                                                \
        if (!ok_)                                                                                  \
            return;                                                                                \
    } while (0)

TEST(crm_parse_numbers)
{
    CHECK_PARSE(&f_int, "42", "42");
    CHECK_PARSE(&f_int, "\"42\"", "42");
    CHECK_PARSE(&f_int, "\" 7 \"", "7");
    CHECK_PARSE(&f_int, "-3", "-3");
    CHECK_PARSE(&f_int, "\"abc\"", NULL);
    CHECK_PARSE(&f_int, "1.5", NULL);
    CHECK_PARSE(&f_link, "-1", NULL);
    CHECK_PARSE(&f_link, "\"12\"", "12");
    CHECK_PARSE(&f_dbl, "\"15000.5\"", "15000.5");
    CHECK_PARSE(&f_dbl, "100", "100.0");
    CHECK_PARSE(&f_dbl, "\"1e3\"", "1000.0");
    CHECK_PARSE(&f_dbl, "\"12,5\"", NULL);
}

TEST(crm_parse_empty_and_shapes)
{
    CHECK_PARSE(&f_int, "null", "null");
    CHECK_PARSE(&f_int, "\"\"", "null");
    CHECK_PARSE(&f_str, "[]", "null");
    CHECK_PARSE(&f_str, "[1]", NULL);
    CHECK_PARSE(&f_str, "{\"a\":1}", NULL);
    CHECK_PARSE(&f_str, "\"Deal\"", "\"Deal\"");
    CHECK_PARSE(&f_str, "12", "\"12\"");
    CHECK_PARSE(&f_st, "\"WEB\"", "\"WEB\"");
}

TEST(crm_parse_flags_and_codes)
{
    CHECK_PARSE(&f_char, "\"Y\"", "\"Y\"");
    CHECK_PARSE(&f_char, "\"n\"", "\"N\"");
    CHECK_PARSE(&f_char, "true", "\"Y\"");
    CHECK_PARSE(&f_char, "0", "\"N\"");
    CHECK_PARSE(&f_char, "\"maybe\"", NULL);
    CHECK_PARSE(&f_cur, "\"eur\"", "\"EUR\"");
    CHECK_PARSE(&f_cur, "\"EURO\"", NULL);
    CHECK_PARSE(&f_cur, "\"E1R\"", NULL);
}

TEST(crm_parse_dates)
{
    CHECK_PARSE(&f_date, "\"2024-07-23\"", "\"2024-07-23\"");
    CHECK_PARSE(&f_date, "\"2024-07-23T23:30:00+02:00\"", "\"2024-07-23\"");
    CHECK_PARSE(&f_date, "\"23.07.2024\"", "\"2024-07-23\"");
    CHECK_PARSE(&f_date, "\"2024-02-31\"", NULL);
    CHECK_PARSE(&f_date, "\"tomorrow\"", NULL);
    CHECK_PARSE(&f_dt, "\"2024-07-23T08:11:02+02:00\"", "1721715062");
    CHECK_PARSE(&f_dt, "\"2024-07-23T06:11:02Z\"", "1721715062");
    CHECK_PARSE(&f_dt, "1721715062", "1721715062");
    CHECK_PARSE(&f_dt, "\"07/23/2024\"", NULL);
}

TEST(crm_format_legacy_and_typed)
{
    CHECK_FORMAT(&f_int, "42", CRM_FMT_LEGACY, "\"42\"");
    CHECK_FORMAT(&f_int, "42", CRM_FMT_TYPED, "42");
    CHECK_FORMAT(&f_dbl, "15000", CRM_FMT_LEGACY, "\"15000.00\"");
    CHECK_FORMAT(&f_dbl, "0.5", CRM_FMT_LEGACY, "\"0.50\"");
    CHECK_FORMAT(&f_dbl, "15000.25", CRM_FMT_TYPED, "15000.25");
    CHECK_FORMAT(&f_char, "\"Y\"", CRM_FMT_LEGACY, "\"Y\"");
    CHECK_FORMAT(&f_int, "null", CRM_FMT_LEGACY, "null");
    CHECK_FORMAT(&f_dt, "null", CRM_FMT_LEGACY, "\"\"");
    CHECK_FORMAT(&f_dt, "null", CRM_FMT_TYPED, "null");
    CHECK_FORMAT(&f_date, "\"2024-07-23\"", CRM_FMT_TYPED, "\"2024-07-23\"");
    CHECK_FORMAT(&f_str, "\"say \\\"hi\\\"\\n\"", CRM_FMT_LEGACY, "\"say \\\"hi\\\"\\n\"");
    CHECK_FORMAT(&f_str, "12", CRM_FMT_LEGACY, "12");
    CHECK_FORMAT(&f_dbl, "0.1", CRM_FMT_TYPED, "0.10000000000000001");
    CHECK_FORMAT(&f_link, "7", CRM_FMT_TYPED, "7");
    CHECK_FORMAT(&f_link, "7", CRM_FMT_LEGACY, "\"7\"");
}

TEST(crm_format_times_with_offset)
{
    t_tz_set("UTC");
    char *a = format(&f_dt, "1721715062", CRM_FMT_LEGACY);
    char *b = format(&f_date, "\"2024-07-23\"", CRM_FMT_LEGACY);
    t_tz_set("Africa/Nairobi"); /* +03:00 all year */
    char *c = format(&f_date, "\"2024-07-23\"", CRM_FMT_LEGACY);
    int ok = !strcmp(a, "\"2024-07-23T06:11:02+00:00\"") &&
             !strcmp(b, "\"2024-07-23T00:00:00+00:00\"") &&
             !strcmp(c, "\"2024-07-23T00:00:00+03:00\"");
    if (!ok)
        t_fail(__FILE__, __LINE__, "got %s, %s, %s", a, b, c);
    free(a);
    free(b);
    free(c);
}

TEST(crm_type_names)
{
    CHECK_STR(crm_type_name(&f_int), "integer");
    CHECK_STR(crm_type_name(&f_link), "crm_company");
    CHECK_STR(crm_type_name(&f_dbl), "double");
    CHECK_STR(crm_type_name(&f_char), "char");
    CHECK_STR(crm_type_name(&f_st), "crm_status");
    CHECK_STR(crm_type_name(&f_cur), "crm_currency");
    CHECK_INT(crm_filter_type(CRM_T_LINK), FIELD_INT);
    CHECK_INT(crm_filter_type(CRM_T_STATUS), FIELD_STRING);
    CHECK_INT(crm_filter_type(CRM_T_CHAR), FIELD_CHAR);
}

TEST(crm_camel_names)
{
    char buf[64];
    CHECK_STR(crm_camel_name("ASSIGNED_BY_ID", buf, sizeof(buf)), "assignedById");
    CHECK_STR(crm_camel_name("TITLE", buf, sizeof(buf)), "title");
    CHECK_STR(crm_camel_name("UF_CRM_10_DIGIT", buf, sizeof(buf)), "ufCrm10Digit");
    CHECK_STR(crm_camel_name("UF_CRM_10_5186744711", buf, sizeof(buf)), "ufCrm10_5186744711");
    CHECK_STR(crm_camel_name("UF_CRM_3_DIGIT10", buf, sizeof(buf)), "ufCrm_3_DIGIT10");
    CHECK_STR(crm_camel_name("UF_CRM_1747309879", buf, sizeof(buf)), "ufCrm_1747309879");
    CHECK_STR(crm_camel_name("UF_CRM_MANAGER_NOTE", buf, sizeof(buf)), "ufCrmManagerNote");
    CHECK(crm_camel_name("ASSIGNED_BY_ID", buf, 8) == NULL);
    struct crm_field aliased = {.name = "DATE_CREATE", .alias = "createdTime"};
    CHECK_STR(crm_field_out_name(&aliased, CRM_FMT_TYPED, buf, sizeof(buf)), "createdTime");
    CHECK_STR(crm_field_out_name(&aliased, CRM_FMT_LEGACY, buf, sizeof(buf)), "DATE_CREATE");
}

TEST(crm_fm_normalize_values)
{
    char buf[64];
    CHECK_STR(crm_fm_normalize("PHONE", "+1 (555) 123-45", buf, sizeof(buf)), "155512345");
    CHECK_STR(crm_fm_normalize("EMAIL", "  Ann.Lee@Example.COM ", buf, sizeof(buf)),
              "ann.lee@example.com");
    CHECK_STR(crm_fm_normalize("PHONE", "1234567", buf, 4), "123");
}

TEST(crm_row_readers)
{
    json_t *row = json_pack("{s:I, s:f, s:s, s:n}", "A", (json_int_t)5, "B", 2.9, "C", "x", "D");
    CHECK_INT(crm_row_int(row, "A", -1), 5);
    CHECK_INT(crm_row_int(row, "B", -1), 2);
    CHECK_INT(crm_row_int(row, "C", -1), -1);
    CHECK_INT(crm_row_int(row, "D", -1), -1);
    CHECK_STR(crm_row_str(row, "C"), "x");
    CHECK(crm_row_str(row, "D") == NULL);
    json_decref(row);
}
#endif
