/* CRM field values: client input to the stored form, stored form to the legacy (strings) or
 * typed output, type names for *.fields and camelCase names for crm.item.*. Pure functions:
 * no database, no request state, so they are unit-tested directly. Dictionary membership and
 * the existence of linked records are checked by the engine, not here. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "modules/crm/crm_entity.h"

#define CRM_STRING_MAX 65535 /* bytes of one text value */
#define CRM_CODE_MAX 50      /* bytes of a dictionary code */

static int fail(char *err, size_t errlen, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", why);
    return -E_INVAL;
}

static bool value_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
           (json_is_array(v) && !json_array_size(v)) || (json_is_object(v) && !json_object_size(v));
}

static int parse_time(const json_t *in, bool date_only, json_t **out)
{
    char buf[64];
    int64_t t;
    const char *s = json_string_value(in);
    if (!s) {
        if (date_only || !json_is_integer(in))
            return -E_INVAL;
        *out = json_integer(json_integer_value(in));
        return 0;
    }
    if (strlen(s) != json_string_length(in))
        return -E_INVAL;
    s = time_date_normalise(s, buf, sizeof(buf));
    if (!s || time_parse_iso(s, &t))
        return -E_INVAL;
    /* a date keeps the calendar day as written, whatever the offset */
    *out = date_only ? json_stringn(s, 10) : json_integer(t);
    return 0;
}

static int parse_currency(const char *s, size_t len, json_t **out, char *err, size_t errlen)
{
    char code[4];
    if (len != 3)
        return fail(err, errlen, "is not a currency code");
    for (int i = 0; i < 3; i++) {
        if (!isalpha((unsigned char)s[i]))
            return fail(err, errlen, "is not a currency code");
        code[i] = (char)toupper((unsigned char)s[i]);
    }
    code[3] = '\0';
    *out = json_string(code);
    return 0;
}

static int parse_text(const struct crm_field *f, const json_t *in, json_t **out, char *err,
                      size_t errlen)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(in, buf, sizeof(buf));
    if (!s)
        return fail(err, errlen, "must be a string");
    size_t len = strlen(s);
    if (len > CRM_STRING_MAX)
        return fail(err, errlen, "is too long");
    if (f->type == CRM_T_STATUS && len > CRM_CODE_MAX)
        return fail(err, errlen, "is not a known code");
    if (f->type == CRM_T_CURRENCY)
        return parse_currency(s, len, out, err, errlen);
    *out = json_stringn(s, len);
    return 0;
}

int crm_value_parse(const struct crm_field *f, const json_t *in, json_t **out, char *err,
                    size_t errlen)
{
    int64_t i;
    double d;
    bool b;
    *out = NULL;
    if (f->type == CRM_T_MULTIFIELD || f->type == CRM_T_LINKS)
        return fail(err, errlen, "is not a single value");
    if (value_empty(in)) {
        *out = json_null();
        return 0;
    }
    if (json_is_object(in) || json_is_array(in))
        return fail(err, errlen, "must be a single value");
    switch (f->type) {
    case CRM_T_ID:
    case CRM_T_INT:
    case CRM_T_USER:
    case CRM_T_LINK:
    case CRM_T_CATEGORY:
        if (params_to_int64(in, &i))
            return fail(err, errlen, "must be an integer");
        if (f->type != CRM_T_INT && i < 0)
            return fail(err, errlen, "must not be negative");
        *out = json_integer(i);
        return 0;
    case CRM_T_DOUBLE:
        if (params_to_double(in, &d))
            return fail(err, errlen, "must be a number");
        *out = json_real(d);
        return 0;
    case CRM_T_CHAR:
        if (params_to_bool(in, &b))
            return fail(err, errlen, "must be Y or N");
        *out = json_string(b ? "Y" : "N");
        return 0;
    case CRM_T_DATE:
    case CRM_T_DATETIME:
        if (parse_time(in, f->type == CRM_T_DATE, out))
            return fail(err, errlen,
                        f->type == CRM_T_DATE ? "must be a date (YYYY-MM-DD)"
                                              : "must be a date and time (ISO 8601)");
        return 0;
    case CRM_T_STRING:
    case CRM_T_STATUS:
    case CRM_T_CURRENCY:
        return parse_text(f, in, out, err, errlen);
    case CRM_T_MULTIFIELD:
    case CRM_T_LINKS:
        break;
    }
    return fail(err, errlen, "has an unsupported type");
}

/* A date: typed output keeps "YYYY-MM-DD"; legacy answers the local midnight of that day,
 * with the offset. */
static void out_date(const char *s, enum crm_format fmt, struct crm_out *o)
{
    int64_t t;
    o->kind = CRM_OUT_TEXT;
    o->s = s;
    if (fmt == CRM_FMT_LEGACY && !time_parse_iso(s, &t) &&
        time_fmt_iso(o->buf, sizeof(o->buf), (double)t, 1) >= 0)
        o->s = o->buf;
}

static void out_cell(const struct crm_cell *v, struct crm_out *o)
{
    switch (v->kind) {
    case CRM_CELL_INT:
        o->kind = CRM_OUT_INT;
        o->i = v->i;
        return;
    case CRM_CELL_REAL:
        o->kind = CRM_OUT_REAL;
        o->d = v->d;
        return;
    case CRM_CELL_TEXT:
        break;
    }
    o->kind = CRM_OUT_TEXT;
    o->s = v->s;
}

json_t *crm_cell_json(const struct crm_cell *v)
{
    if (v->null)
        return json_null();
    switch (v->kind) {
    case CRM_CELL_INT:
        return json_integer(v->i);
    case CRM_CELL_REAL:
        return json_real(v->d);
    case CRM_CELL_TEXT:
        break;
    }
    return json_string(v->s); /* NULL for bytes that are not UTF-8 */
}

void crm_value_out(const struct crm_field *f, const struct crm_cell *v, enum crm_format fmt,
                   struct crm_out *o)
{
    bool legacy = fmt == CRM_FMT_LEGACY;
    o->kind = CRM_OUT_NULL;
    if (v->null) {
        if (legacy && (f->type == CRM_T_DATETIME || f->type == CRM_T_DATE)) {
            o->kind = CRM_OUT_TEXT;
            o->s = "";
        }
        return;
    }
    switch (f->type) {
    case CRM_T_ID:
    case CRM_T_INT:
    case CRM_T_USER:
    case CRM_T_LINK:
    case CRM_T_CATEGORY:
        o->kind = CRM_OUT_INT;
        o->i = v->kind == CRM_CELL_REAL ? (int64_t)v->d : v->i;
        if (legacy) { /* as a string */
            o->kind = CRM_OUT_TEXT;
            o->s = o->buf;
            strbuf_fmt_int(o->buf, o->i);
        }
        return;
    case CRM_T_DOUBLE:
        o->kind = CRM_OUT_REAL;
        o->d = v->kind == CRM_CELL_INT ? (double)v->i : v->d;
        if (legacy) {
            o->kind = CRM_OUT_TEXT;
            o->s = o->buf;
            snprintf(o->buf, sizeof(o->buf), "%.2f", o->d);
        }
        return;
    case CRM_T_DATE:
        if (v->kind == CRM_CELL_TEXT)
            out_date(v->s, fmt, o);
        return;
    case CRM_T_DATETIME:
        o->kind = CRM_OUT_TEXT;
        o->s = o->buf;
        if (v->kind != CRM_CELL_INT || time_fmt_iso(o->buf, sizeof(o->buf), (double)v->i, 1) < 0)
            o->s = "";
        return;
    case CRM_T_STRING:
    case CRM_T_STATUS:
    case CRM_T_CURRENCY:
    case CRM_T_CHAR:
    case CRM_T_MULTIFIELD:
    case CRM_T_LINKS:
        break;
    }
    out_cell(v, o);
}

json_t *crm_value_format_cell(const struct crm_field *f, const struct crm_cell *v,
                              enum crm_format fmt)
{
    struct crm_out o;
    json_t *j = NULL;
    crm_value_out(f, v, fmt, &o);
    switch (o.kind) {
    case CRM_OUT_NULL:
        break;
    case CRM_OUT_INT:
        j = json_integer(o.i);
        break;
    case CRM_OUT_REAL:
        j = json_real(o.d);
        break;
    case CRM_OUT_TEXT:
        j = json_string(o.s); /* NULL for bytes that are not UTF-8: then null */
        break;
    }
    return j ? j : json_null();
}

int crm_value_write(struct strbuf *b, const struct crm_out *o)
{
    int rc = 0;
    json_t *real;
    switch (o->kind) {
    case CRM_OUT_NULL:
        break;
    case CRM_OUT_INT:
        return strbuf_add_int(b, o->i);
    case CRM_OUT_REAL: /* rare (typed output): jansson's own formatting of reals */
        real = json_real(o->d);
        rc = real ? jsonout_value(b, real) : -E_INVAL;
        json_decref(real);
        return rc == -E_INVAL ? strbuf_addstr(b, "null") : rc;
    case CRM_OUT_TEXT:
        rc = jsonout_str(b, o->s, strlen(o->s));
        return rc == -E_INVAL ? strbuf_addstr(b, "null") : rc;
    }
    return strbuf_addstr(b, "null");
}

json_t *crm_value_format(const struct crm_field *f, const json_t *stored, enum crm_format fmt)
{
    struct crm_cell v = {.null = !stored || json_is_null(stored)};
    if (json_is_integer(stored)) {
        v.kind = CRM_CELL_INT;
        v.i = json_integer_value(stored);
    } else if (json_is_real(stored)) {
        v.kind = CRM_CELL_REAL;
        v.d = json_real_value(stored);
    } else if (json_is_string(stored)) {
        v.kind = CRM_CELL_TEXT;
        v.s = json_string_value(stored);
    } else if (!v.null) {
        return json_deep_copy(stored); /* arrays and objects of multi-value fields */
    }
    return crm_value_format_cell(f, &v, fmt);
}

static const char *link_type_name(int type_id)
{
    switch (type_id) {
    case CRM_TYPE_LEAD:
        return "crm_lead";
    case CRM_TYPE_DEAL:
        return "crm_deal";
    case CRM_TYPE_CONTACT:
        return "crm_contact";
    case CRM_TYPE_COMPANY:
        return "crm_company";
    case CRM_TYPE_QUOTE:
        return "crm_quote";
    default:
        return "integer";
    }
}

const char *crm_type_name(const struct crm_field *f)
{
    static const char *const names[] = {
        [CRM_T_ID] = "integer",
        [CRM_T_INT] = "integer",
        [CRM_T_DOUBLE] = "double",
        [CRM_T_STRING] = "string",
        [CRM_T_CHAR] = "char",
        [CRM_T_DATE] = "date",
        [CRM_T_DATETIME] = "datetime",
        [CRM_T_STATUS] = "crm_status",
        [CRM_T_USER] = "user",
        [CRM_T_CURRENCY] = "crm_currency",
        [CRM_T_CATEGORY] = "crm_category",
        [CRM_T_MULTIFIELD] = "crm_multifield",
    };
    if (f->type == CRM_T_LINK || f->type == CRM_T_LINKS)
        return link_type_name(f->link_type);
    if ((size_t)f->type < ARRAY_SIZE(names) && names[f->type])
        return names[f->type];
    return "string";
}

enum field_type crm_filter_type(enum crm_type t)
{
    switch (t) {
    case CRM_T_ID:
    case CRM_T_INT:
    case CRM_T_USER:
    case CRM_T_LINK:
    case CRM_T_LINKS:
    case CRM_T_CATEGORY:
        return FIELD_INT;
    case CRM_T_DOUBLE:
        return FIELD_DOUBLE;
    case CRM_T_CHAR:
        return FIELD_CHAR;
    case CRM_T_DATE:
        return FIELD_DATE;
    case CRM_T_DATETIME:
        return FIELD_DATETIME;
    case CRM_T_STRING:
    case CRM_T_STATUS:
    case CRM_T_CURRENCY:
    case CRM_T_MULTIFIELD:
        break;
    }
    return FIELD_STRING;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

static bool mixed_word(const char *s, size_t n)
{
    bool alpha = false, digit = false;
    for (size_t i = 0; i < n; i++) {
        alpha |= isalpha((unsigned char)s[i]) != 0;
        digit |= isdigit((unsigned char)s[i]) != 0;
    }
    return alpha && digit;
}

/* Appends one word in camel form (the first word all lower case). The caller made buf long
 * enough. */
static size_t camel_word(char *buf, size_t pos, const char *w, size_t n, bool first)
{
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)w[i];
        buf[pos++] = (char)((i == 0 && !first) ? toupper(ch) : tolower(ch));
    }
    return pos;
}

/* User fields: "ufCrm_" + the rest as is when a word mixes letters and digits or the code is
 * one number; otherwise camel case with "_" between two numeric words. */
static char *camel_uf(const char *rest, char *buf, size_t len)
{
    size_t pos = 0, n_words = 0;
    bool simplified = false, prev_digits = false;
    for (const char *p = rest; *p;) {
        size_t n = strcspn(p, "_");
        simplified |= mixed_word(p, n);
        n_words++;
        p += n + (p[n] ? 1 : 0);
    }
    if (n_words == 1 && all_digits(rest, strlen(rest)))
        simplified = true;
    if (simplified) {
        snprintf(buf, len, "ufCrm_%s", rest);
        return buf;
    }
    pos = camel_word(buf, 0, "UF", 2, true);
    pos = camel_word(buf, pos, "CRM", 3, false);
    for (const char *p = rest; *p;) {
        size_t n = strcspn(p, "_");
        bool digits = all_digits(p, n);
        if (digits && prev_digits)
            buf[pos++] = '_';
        pos = camel_word(buf, pos, p, n, false);
        prev_digits = digits;
        p += n + (p[n] ? 1 : 0);
    }
    buf[pos] = '\0';
    return buf;
}

char *crm_camel_name(const char *upper, char *buf, size_t len)
{
    size_t pos = 0;
    bool first = true;
    /* the camel form is never longer than the UPPER one */
    if (strlen(upper) >= len)
        return NULL;
    if (!strncasecmp(upper, "UF_CRM_", 7) && upper[7])
        return camel_uf(upper + 7, buf, len);
    for (const char *p = upper; *p;) {
        size_t n = strcspn(p, "_");
        if (n) {
            pos = camel_word(buf, pos, p, n, first);
            first = false;
        }
        p += n + (p[n] ? 1 : 0);
    }
    buf[pos] = '\0';
    return buf;
}

const char *crm_field_out_name(const struct crm_field *f, enum crm_format fmt, char *buf,
                               size_t len)
{
    if (fmt == CRM_FMT_LEGACY)
        return f->name;
    if (f->alias)
        return f->alias;
    return crm_camel_name(f->name, buf, len) ? buf : f->name;
}

char *crm_fm_normalize(const char *type_id, const char *value, char *buf, size_t len)
{
    size_t pos = 0;
    bool phone = !strcasecmp(type_id, "PHONE");
    if (!len)
        return buf;
    while (*value && isspace((unsigned char)*value))
        value++;
    for (const char *p = value; *p && pos + 1 < len; p++) {
        unsigned char ch = (unsigned char)*p;
        if (phone) {
            if (isdigit(ch))
                buf[pos++] = (char)ch;
        } else {
            buf[pos++] = (char)tolower(ch);
        }
    }
    while (!phone && pos && isspace((unsigned char)buf[pos - 1]))
        pos--;
    buf[pos] = '\0';
    return buf;
}

int64_t crm_row_int(const json_t *row, const char *field, int64_t def)
{
    json_t *v = json_object_get(row, field);
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_real(v))
        return (int64_t)json_real_value(v);
    return def;
}

const char *crm_row_str(const json_t *row, const char *field)
{
    return json_string_value(json_object_get(row, field));
}
