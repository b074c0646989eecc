/* Filter, order, select and paging compiler for list methods (contracts in filter.h). SQL text
 * is built only from whitelisted column expressions, fixed operator strings and "?"; every
 * client value goes to the binds array, converted to its stored form. It neither binds nor
 * runs SQL, and keeps no state between calls. */
#include "filter.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/base/textfold.h"
#include "core/base/timeutil.h"

#define FILTER_MAX_LIKE_LEN 1024 /* bytes of one LIKE value; SQLite caps patterns at 50000 */
#define PAGING_MAX_OFFSET ((int64_t)1 << 53)

enum op {
    OP_EQ,
    OP_NE,
    OP_GT,
    OP_GE,
    OP_LT,
    OP_LE,
    OP_IN,
    OP_NOTIN,
    OP_LIKE,     /* substring: the value's own % _ \ are escaped */
    OP_LIKE_RAW, /* the value is a pattern with the client's own % and _ */
    OP_NOTLIKE,
    OP_NOTLIKE_RAW,
    OP_BETWEEN,
    OP_NOTBETWEEN,
};

/* Longest first, so "!=%" wins over "!=" and "!". */
static const struct {
    const char *text;
    enum op op;
} filter_ops[] = {
    {"!=%", OP_NOTLIKE_RAW},
    {"!%=", OP_NOTLIKE_RAW},
    {"!><", OP_NOTBETWEEN},
    {">=", OP_GE},
    {"<=", OP_LE},
    {"><", OP_BETWEEN},
    {"!@", OP_NOTIN},
    {"=%", OP_LIKE_RAW},
    {"%=", OP_LIKE_RAW},
    {"!%", OP_NOTLIKE},
    {"!=", OP_NE},
    {"@", OP_IN},
    {">", OP_GT},
    {"<", OP_LT},
    {"=", OP_EQ},
    {"%", OP_LIKE},
    {"!", OP_NE},
    {"?", OP_LIKE},
};

#define OPS(x) (1u << (x))
#define OPS_EQUALITY (OPS(OP_EQ) | OPS(OP_NE) | OPS(OP_IN) | OPS(OP_NOTIN))
#define OPS_ORDERED                                                                                \
    (OPS_EQUALITY | OPS(OP_GT) | OPS(OP_GE) | OPS(OP_LT) | OPS(OP_LE) | OPS(OP_BETWEEN) |          \
     OPS(OP_NOTBETWEEN))
#define OPS_TEXT                                                                                   \
    (OPS_ORDERED | OPS(OP_LIKE) | OPS(OP_LIKE_RAW) | OPS(OP_NOTLIKE) | OPS(OP_NOTLIKE_RAW))

struct fctx {
    const struct field_def *fields;
    size_t n;
    enum sql_dialect d;
    struct strbuf *sb;
    json_t *binds;
    char *err;
    size_t errlen;
    int sb_rc; /* sticky: the first strbuf failure (cap reached) */
    int conds;
    size_t nbinds;
};

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int rc,
                                                      const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

#define CFAIL(c, rc, ...) fail((c)->err, (c)->errlen, (rc), __VA_ARGS__)

static void emit(struct fctx *c, const char *s)
{
    if (!c->sb_rc)
        c->sb_rc = strbuf_addstr(c->sb, s);
}

static void emit_col(struct fctx *c, const struct field_def *f, const char *tail)
{
    emit(c, f->column);
    emit(c, tail);
}

/* Appends v (a new reference, always consumed) to the binds array. */
static int bind(struct fctx *c, json_t *v)
{
    if (++c->nbinds > FILTER_MAX_BINDS) {
        json_decref(v);
        return CFAIL(c, -E_TOOBIG, "filter has more than %d values", FILTER_MAX_BINDS);
    }
    json_array_append_new(c->binds, v);
    return 0;
}

const struct field_def *filter_field_find(const struct field_def *fields, size_t n,
                                          const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(fields[i].name, name))
            return &fields[i];
    return NULL;
}

/* ---- values ------------------------------------------------------------------------------ */

/* The string of v, or NULL when v is not a string or holds a NUL byte. */
static const char *text_of(const json_t *v)
{
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    return strlen(s) == json_string_length(v) ? s : NULL;
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static const char *skip_digits(const char *p, size_t *count)
{
    while (is_digit(*p)) {
        p++;
        (*count)++;
    }
    return p;
}

/* Strict decimal: [+-]digits[.digits][(e|E)[+-]digits]. Integers that fit int64 come back
 * in *i with *is_int set; everything else finite in *d. */
static int number_parse(const char *s, bool *is_int, int64_t *i, double *d)
{
    const char *p = s;
    size_t digits = 0, exp_digits = 0;
    bool integral = true;
    if (*p == '+' || *p == '-')
        p++;
    p = skip_digits(p, &digits);
    if (*p == '.') {
        integral = false;
        p = skip_digits(p + 1, &digits);
    }
    if (!digits)
        return -E_INVAL;
    if (*p == 'e' || *p == 'E') {
        integral = false;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        p = skip_digits(p, &exp_digits);
        if (!exp_digits)
            return -E_INVAL;
    }
    if (*p)
        return -E_INVAL;
    if (integral) {
        errno = 0;
        long long x = strtoll(s, NULL, 10);
        if (!errno) {
            *is_int = true;
            *i = x;
            return 0;
        }
    }
    double x = strtod(s, NULL);
    if (!isfinite(x))
        return -E_INVAL;
    *is_int = false;
    *d = x;
    return 0;
}

static json_t *number_convert(const json_t *v, bool want_int)
{
    bool is_int = true;
    int64_t i = 0;
    double d = 0;
    const char *s;
    if (json_is_integer(v)) {
        i = json_integer_value(v);
    } else if (json_is_boolean(v)) {
        i = json_is_true(v);
    } else if (json_is_real(v)) {
        d = json_real_value(v);
        is_int = want_int && d == floor(d) && d >= -9.0e18 && d <= 9.0e18;
        if (is_int)
            i = (int64_t)d;
    } else if (!(s = text_of(v)) || number_parse(s, &is_int, &i, &d)) {
        return NULL;
    }
    if (is_int)
        return want_int ? json_integer(i) : json_real((double)i);
    return json_real(d);
}

/* Y/N, true/false, 1/0 as strings (any case), JSON booleans or the integers 0 and 1. */
static int bool_parse(const json_t *v, int *out)
{
    const char *s;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
        return 0;
    }
    if (!(s = text_of(v)))
        return -E_INVAL;
    if (!strcasecmp(s, "y") || !strcasecmp(s, "true") || !strcmp(s, "1"))
        *out = 1;
    else if (!strcasecmp(s, "n") || !strcasecmp(s, "false") || !strcmp(s, "0"))
        *out = 0;
    else
        return -E_INVAL;
    return 0;
}

static json_t *datetime_convert(const json_t *v, bool date_only)
{
    char buf[48];
    int64_t t;
    const char *s = text_of(v);
    if (!s)
        return (json_is_integer(v) && !date_only) ? json_integer(json_integer_value(v)) : NULL;
    s = time_date_normalise(s, buf, sizeof(buf));
    if (!s || time_parse_iso(s, &t))
        return NULL;
    /* a date keeps the calendar day as written, whatever the offset */
    return date_only ? json_stringn(s, 10) : json_integer(t);
}

static json_t *string_convert(const json_t *v)
{
    char buf[64];
    if (json_is_string(v))
        return json_stringn(json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, sizeof(buf), "%d", json_is_true(v) ? 1 : 0);
    else
        return NULL;
    return json_string(buf);
}

/* Converts one scalar to f's stored form: a new reference, or NULL with *why set. */
static json_t *value_convert(const struct field_def *f, const json_t *v, const char **why)
{
    json_t *out = NULL;
    int b;
    switch (f->type) {
    case FIELD_INT:
    case FIELD_DOUBLE:
        out = number_convert(v, f->type == FIELD_INT);
        *why = "is not a number";
        break;
    case FIELD_STRING:
        out = string_convert(v);
        *why = "is not a string";
        break;
    case FIELD_BOOL:
    case FIELD_CHAR:
        if (!bool_parse(v, &b))
            out = f->type == FIELD_BOOL ? json_integer(b) : json_string(b ? "Y" : "N");
        *why = "is not Y or N";
        break;
    case FIELD_DATETIME:
    case FIELD_DATE:
        out = datetime_convert(v, f->type == FIELD_DATE);
        *why = "is not a date";
        break;
    }
    return out;
}

/* ---- value lists: arrays, {"0":..,"1":..} objects, or a scalar as a one-item list ------- */

struct vals {
    const json_t *v;
    size_t idx;
    void *it;
};

static bool key_is_index(const char *k)
{
    if (!*k)
        return false;
    for (; *k; k++)
        if (!is_digit(*k))
            return false;
    return true;
}

/* True for an array of scalars or an object with index keys and scalar values. */
static bool is_value_list(const json_t *v)
{
    const char *k;
    json_t *m;
    size_t i;
    if (json_is_array(v)) {
        json_array_foreach(v, i, m)
        {
            if (json_is_object(m) || json_is_array(m))
                return false;
        }
        return true;
    }
    if (!json_is_object(v))
        return false;
    json_object_foreach((json_t *)v, k, m)
    {
        if (!key_is_index(k) || json_is_object(m) || json_is_array(m))
            return false;
    }
    return true;
}

static size_t vals_count(const json_t *v)
{
    if (json_is_array(v))
        return json_array_size(v);
    return json_is_object(v) ? json_object_size(v) : 1;
}

static void vals_init(struct vals *it, const json_t *v)
{
    it->v = v;
    it->idx = 0;
    it->it = json_is_object(v) ? json_object_iter((json_t *)v) : NULL;
}

static const json_t *vals_next(struct vals *it)
{
    const json_t *m = NULL;
    if (json_is_array(it->v)) {
        m = json_array_get(it->v, it->idx);
    } else if (json_is_object(it->v)) {
        if (it->it) {
            m = json_object_iter_value(it->it);
            it->it = json_object_iter_next((json_t *)it->v, it->it);
        }
    } else if (it->idx == 0) {
        m = it->v;
    }
    it->idx++;
    return m;
}

/* Converts the next list item and appends it to binds. */
static int bind_item(struct fctx *c, const char *key, const struct field_def *f, const json_t *m)
{
    const char *why = "";
    json_t *b;
    if (!m || json_is_null(m) || json_is_object(m) || json_is_array(m))
        return CFAIL(c, -E_INVAL, "filter value for '%s' must be a value or a list of values", key);
    if (!(b = value_convert(f, m, &why)))
        return CFAIL(c, -E_INVAL, "filter value for '%s' %s", key, why);
    return bind(c, b);
}

/* ---- conditions -------------------------------------------------------------------------- */

static unsigned ops_allowed(const struct field_def *f)
{
    if (f->flags & FIELD_MULTI)
        return OPS(OP_EQ) | OPS(OP_IN);
    switch (f->type) {
    case FIELD_STRING:
        return OPS_TEXT;
    case FIELD_BOOL:
    case FIELD_CHAR:
        return OPS_EQUALITY;
    default:
        return OPS_ORDERED;
    }
}

static bool is_text_column(const struct field_def *f)
{
    return f->type == FIELD_STRING || f->type == FIELD_CHAR || f->type == FIELD_DATE;
}

/* "" means empty: NULL or '' for text columns, NULL for the others. */
static void empty_compile(struct fctx *c, const struct field_def *f, bool neg)
{
    if (!is_text_column(f)) {
        emit_col(c, f, neg ? " IS NOT NULL" : " IS NULL");
        return;
    }
    emit(c, "(");
    emit_col(c, f, neg ? " IS NOT NULL AND " : " IS NULL OR ");
    emit_col(c, f, neg ? " <> '')" : " = '')");
}

/* Negated comparisons also match NULL, as Bitrix's do: "(col IS NULL OR col <op> ...)". */
static void neg_open(struct fctx *c, const struct field_def *f)
{
    emit(c, "(");
    emit_col(c, f, " IS NULL OR ");
}

static int in_compile(struct fctx *c, const char *key, const struct field_def *f, bool neg,
                      const json_t *v)
{
    struct vals it;
    size_t count = vals_count(v);
    if (!count) {
        emit(c, neg ? "1=1" : "1=0");
        return 0;
    }
    if (neg)
        neg_open(c, f);
    emit_col(c, f, neg ? " NOT IN (" : " IN (");
    vals_init(&it, v);
    for (size_t i = 0; i < count; i++) {
        int rc = bind_item(c, key, f, vals_next(&it));
        if (rc)
            return rc;
        emit(c, i ? ", ?" : "?");
    }
    emit(c, neg ? "))" : ")");
    return 0;
}

/* A multi-value field: its template once per value, ORed. */
static int multi_compile(struct fctx *c, const char *key, const struct field_def *f,
                         const json_t *v)
{
    struct vals it;
    size_t count = vals_count(v);
    const char *q = f->multi_sql ? strchr(f->multi_sql, '?') : NULL;
    if (!q || strchr(q + 1, '?'))
        return CFAIL(c, -E_INVAL, "filter field '%s' has no usable value query", f->name);
    if (!count) {
        emit(c, "1=0");
        return 0;
    }
    if (count > 1)
        emit(c, "(");
    vals_init(&it, v);
    for (size_t i = 0; i < count; i++) {
        int rc = bind_item(c, key, f, vals_next(&it));
        if (rc)
            return rc;
        emit(c, i ? " OR (" : "(");
        emit(c, f->multi_sql);
        emit(c, ")");
    }
    if (count > 1)
        emit(c, ")");
    return 0;
}

static int compare_compile(struct fctx *c, const char *key, const struct field_def *f, enum op op,
                           const json_t *v)
{
    static const char *const sql[] = {
        [OP_EQ] = " = ?", [OP_GT] = " > ?", [OP_GE] = " >= ?", [OP_LT] = " < ?", [OP_LE] = " <= ?",
    };
    if (json_is_null(v))
        return CFAIL(c, -E_INVAL, "filter value for '%s' must not be null", key);
    int rc = bind_item(c, key, f, v);
    if (rc)
        return rc;
    if (op == OP_NE) {
        neg_open(c, f);
        emit_col(c, f, " <> ?)");
    } else {
        emit_col(c, f, sql[op]);
    }
    return 0;
}

static int between_compile(struct fctx *c, const char *key, const struct field_def *f, bool neg,
                           const json_t *v)
{
    struct vals it;
    int rc;
    if (!(json_is_array(v) || json_is_object(v)) || vals_count(v) != 2)
        return CFAIL(c, -E_INVAL, "filter value for '%s' must be a list of two values", key);
    vals_init(&it, v);
    if ((rc = bind_item(c, key, f, vals_next(&it))) || (rc = bind_item(c, key, f, vals_next(&it))))
        return rc;
    if (neg)
        neg_open(c, f);
    emit_col(c, f, neg ? " NOT BETWEEN ? AND ?)" : " BETWEEN ? AND ?");
    return 0;
}

/* Builds the LIKE pattern: substring mode escapes the value's own wildcards and wraps it in
 * %; raw mode keeps % and _ as the client's wildcards and only makes '\' literal. With fold,
 * the value is lower-cased first (the column is then compared through kazi_fold). */
static json_t *like_pattern(const json_t *s, bool raw, bool fold)
{
    struct strbuf sb, folded;
    const char *p = json_string_value(s);
    size_t len = json_string_length(s);
    strbuf_init(&folded, 0);
    if (fold && !text_fold(p, len, &folded)) {
        p = folded.buf;
        len = folded.len;
    }
    strbuf_init(&sb, 0);
    if (!raw)
        strbuf_addch(&sb, '%');
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\\' || (!raw && (p[i] == '%' || p[i] == '_')))
            strbuf_addch(&sb, '\\');
        strbuf_addch(&sb, p[i]);
    }
    if (!raw)
        strbuf_addch(&sb, '%');
    json_t *out = json_stringn(sb.buf, sb.len);
    strbuf_release(&sb);
    strbuf_release(&folded);
    return out;
}

static int like_compile(struct fctx *c, const char *key, const struct field_def *f, enum op op,
                        const json_t *v)
{
    bool neg = op == OP_NOTLIKE || op == OP_NOTLIKE_RAW;
    bool raw = op == OP_LIKE_RAW || op == OP_NOTLIKE_RAW;
    const char *like = c->d == SQL_POSTGRES ? "ILIKE ? ESCAPE '\\'" : "LIKE ? ESCAPE '\\'";
    struct vals it;
    size_t count = vals_count(v);
    if (!count) {
        emit(c, neg ? "1=1" : "1=0");
        return 0;
    }
    if (count > 1)
        emit(c, "(");
    vals_init(&it, v);
    for (size_t i = 0; i < count; i++) {
        const json_t *m = vals_next(&it);
        const char *why = "";
        json_t *s = m && !json_is_null(m) && !json_is_object(m) && !json_is_array(m)
                        ? value_convert(f, m, &why)
                        : NULL;
        if (!s)
            return CFAIL(c, -E_INVAL, "filter value for '%s' must be a string or a list of strings",
                         key);
        if (json_string_length(s) > FILTER_MAX_LIKE_LEN) {
            json_decref(s);
            return CFAIL(c, -E_TOOBIG, "filter value for '%s' is longer than %d bytes", key,
                         FILTER_MAX_LIKE_LEN);
        }
        /* SQLite's LIKE folds ASCII only; other letters go through kazi_fold (PostgreSQL's
         * ILIKE folds every script) */
        bool fold =
            c->d == SQL_SQLITE && !text_is_ascii(json_string_value(s), json_string_length(s));
        int rc = bind(c, like_pattern(s, raw, fold));
        json_decref(s);
        if (rc)
            return rc;
        if (i)
            emit(c, neg ? " AND " : " OR ");
        if (neg)
            neg_open(c, f);
        if (fold) {
            emit(c, "kazi_fold(");
            emit_col(c, f, neg ? ") NOT " : ") ");
        } else {
            emit_col(c, f, neg ? " NOT " : " ");
        }
        emit(c, like);
        if (neg)
            emit(c, ")");
    }
    if (count > 1)
        emit(c, ")");
    return 0;
}

static int cond_compile(struct fctx *c, const char *key, size_t oplen, const struct field_def *f,
                        enum op op, const json_t *v)
{
    bool list = json_is_array(v) || json_is_object(v);
    if (!(f->flags & FIELD_FILTER))
        return CFAIL(c, -E_INVAL, "filter field '%s' is not filterable", f->name);
    if (!(ops_allowed(f) & OPS(op)))
        return CFAIL(c, -E_INVAL, "filter operator '%.*s' is not allowed for '%s'", (int)oplen, key,
                     f->name);
    if (++c->conds > FILTER_MAX_CONDITIONS)
        return CFAIL(c, -E_TOOBIG, "filter has more than %d conditions", FILTER_MAX_CONDITIONS);
    if (list && !is_value_list(v))
        return CFAIL(c, -E_INVAL, "filter value for '%s' must be a value or a list of values", key);
    switch (op) {
    case OP_EQ:
    case OP_NE:
        if (list || (f->flags & FIELD_MULTI))
            break; /* IN / NOT IN below */
        if (json_is_null(v)) {
            emit_col(c, f, op == OP_NE ? " IS NOT NULL" : " IS NULL");
            return 0;
        }
        if (json_is_string(v) && !json_string_length(v)) {
            empty_compile(c, f, op == OP_NE);
            return 0;
        }
        return compare_compile(c, key, f, op, v);
    case OP_GT:
    case OP_GE:
    case OP_LT:
    case OP_LE:
        if (list)
            return CFAIL(c, -E_INVAL, "filter value for '%s' must be a single value", key);
        return compare_compile(c, key, f, op, v);
    case OP_BETWEEN:
    case OP_NOTBETWEEN:
        return between_compile(c, key, f, op == OP_NOTBETWEEN, v);
    case OP_LIKE:
    case OP_LIKE_RAW:
    case OP_NOTLIKE:
    case OP_NOTLIKE_RAW:
        return like_compile(c, key, f, op, v);
    case OP_IN:
    case OP_NOTIN:
        break;
    }
    if (f->flags & FIELD_MULTI)
        return multi_compile(c, key, f, v);
    return in_compile(c, key, f, op == OP_NE || op == OP_NOTIN, v);
}

/* ---- groups ------------------------------------------------------------------------------ */

static int group_compile(struct fctx *c, const json_t *g, int depth);

static int member_compile(struct fctx *c, const char *key, const json_t *v, int depth)
{
    const char *name = key;
    enum op op = OP_EQ;
    for (size_t i = 0; i < ARRAY_SIZE(filter_ops); i++) {
        size_t l = strlen(filter_ops[i].text);
        if (!strncmp(key, filter_ops[i].text, l)) {
            name = key + l;
            op = filter_ops[i].op;
            break;
        }
    }
    const struct field_def *f = filter_field_find(c->fields, c->n, name);
    if (f)
        return cond_compile(c, key, (size_t)(name - key), f, op, v);
    bool nested = json_is_object(v) || json_is_array(v);
    if (nested && (key_is_index(key) || (name == key && !is_value_list(v))))
        return group_compile(c, v, depth + 1);
    if (name != key && *name && strchr("!=<>%@?", *name))
        return CFAIL(c, -E_INVAL, "filter operator in '%s' is not supported", key);
    if (key_is_index(key))
        return CFAIL(c, -E_INVAL, "filter item '%s' is not a group of conditions", key);
    return CFAIL(c, -E_INVAL, "filter field '%s' is unknown", name);
}

/* Reads the group's "logic" keys; returns the connector or NULL on a bad value. */
static const char *group_logic(const json_t *g, size_t *members)
{
    const char *k, *conn = " AND ";
    json_t *m;
    *members = vals_count(g);
    if (!json_is_object(g))
        return conn;
    json_object_foreach((json_t *)g, k, m)
    {
        if (strcasecmp(k, "logic"))
            continue;
        const char *s = text_of(m);
        if (!s || (strcasecmp(s, "and") && strcasecmp(s, "or")))
            return NULL;
        conn = strcasecmp(s, "or") ? " AND " : " OR ";
        (*members)--;
    }
    return conn;
}

static int group_compile(struct fctx *c, const json_t *g, int depth)
{
    size_t members, done = 0;
    const char *conn;
    if (depth > FILTER_MAX_DEPTH)
        return CFAIL(c, -E_TOOBIG, "filter nesting is deeper than %d levels", FILTER_MAX_DEPTH);
    if (!(conn = group_logic(g, &members)))
        return CFAIL(c, -E_INVAL, "filter logic must be AND or OR");
    if (!members) {
        emit(c, "1=1");
        return 0;
    }
    if (members > 1)
        emit(c, "(");
    struct vals it;
    vals_init(&it, g);
    for (size_t i = 0; i < vals_count(g) && !c->sb_rc; i++) {
        char idx[24];
        const char *key = idx;
        if (json_is_object(g))
            key = json_object_iter_key(it.it);
        else
            snprintf(idx, sizeof(idx), "%zu", i);
        const json_t *v = vals_next(&it);
        if (json_is_object(g) && !strcasecmp(key, "logic"))
            continue;
        if (done++)
            emit(c, conn);
        int rc = member_compile(c, key, v, depth);
        if (rc)
            return rc;
    }
    if (members > 1)
        emit(c, ")");
    return 0;
}

int filter_compile(const struct field_def *fields, size_t n, const json_t *filter,
                   enum sql_dialect d, struct strbuf *where, json_t *binds, char *err,
                   size_t errlen)
{
    struct fctx c = {fields, n, d, where, binds, err, errlen, 0, 0, 0};
    size_t where_len = where->len, binds_len = json_array_size(binds);
    int rc = 0;
    if (!json_is_array(binds))
        return fail(err, errlen, -E_INVAL, "filter binds must be an array");
    if (!filter || json_is_null(filter) || (json_is_string(filter) && !json_string_length(filter)))
        emit(&c, "1=1");
    else if (json_is_object(filter) || json_is_array(filter))
        rc = group_compile(&c, filter, 0);
    else
        rc = fail(err, errlen, -E_INVAL, "filter must be an object");
    if (!rc && c.sb_rc)
        rc = fail(err, errlen, c.sb_rc, "filter is too long");
    if (rc) {
        strbuf_truncate(where, where_len);
        while (json_array_size(binds) > binds_len)
            json_array_remove(binds, json_array_size(binds) - 1);
    }
    return rc;
}

/* ---- order, select, paging ---------------------------------------------------------------- */

static bool is_empty_param(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
           ((json_is_array(v) || json_is_object(v)) && !vals_count(v));
}

static int order_add(struct strbuf *sql, bool first, const char *column, const char *dir)
{
    int rc = strbuf_addstr(sql, first ? " ORDER BY " : ", ");
    if (!rc)
        rc = strbuf_addstr(sql, column);
    if (!rc)
        rc = strbuf_addstr(sql, dir);
    return rc;
}

int order_compile(const struct field_def *fields, size_t n, const json_t *order,
                  const char *tiebreak_column, struct strbuf *sql, char *err, size_t errlen)
{
    size_t start = sql->len, count = 0;
    bool have_tiebreak = false;
    const char *k;
    json_t *v;
    int rc = 0;
    if (!is_empty_param(order) && !json_is_object(order))
        return fail(err, errlen, -E_INVAL, "order must be an object of FIELD: ASC or DESC");
    if (json_is_object(order) && json_object_size(order) > ORDER_MAX_FIELDS)
        return fail(err, errlen, -E_TOOBIG, "order has more than %d fields", ORDER_MAX_FIELDS);
    if (json_is_object(order)) {
        json_object_foreach((json_t *)order, k, v)
        {
            const struct field_def *f = filter_field_find(fields, n, k);
            const char *dir = text_of(v);
            if (!f) {
                rc = fail(err, errlen, -E_INVAL, "order field '%s' is unknown", k);
                goto out;
            }
            if (!(f->flags & FIELD_SORT)) {
                rc = fail(err, errlen, -E_INVAL, "order field '%s' is not sortable", f->name);
                goto out;
            }
            if (!dir || (strcasecmp(dir, "asc") && strcasecmp(dir, "desc"))) {
                rc = fail(err, errlen, -E_INVAL, "order direction for '%s' must be ASC or DESC", k);
                goto out;
            }
            if (tiebreak_column && !strcmp(f->column, tiebreak_column))
                have_tiebreak = true;
            if ((rc = order_add(sql, !count++, f->column,
                                strcasecmp(dir, "asc") ? " DESC" : " ASC")))
                goto too_long;
        }
    }
    if (tiebreak_column && !have_tiebreak && (rc = order_add(sql, !count, tiebreak_column, " ASC")))
        goto too_long;
    return 0;
too_long:
    rc = fail(err, errlen, rc, "order is too long");
out:
    strbuf_truncate(sql, start);
    return rc;
}

static void select_mask(const struct field_def *fields, size_t n, unsigned char *chosen,
                        unsigned want)
{
    for (size_t i = 0; i < n; i++) {
        unsigned fl = fields[i].flags;
        if ((fl & FIELD_SELECT) && !(fl & FIELD_MULTI) && (fl & FIELD_UF) == want)
            chosen[i] = 1;
    }
}

static void select_name(const struct field_def *fields, size_t n, unsigned char *chosen,
                        const char *name)
{
    const struct field_def *f;
    if (!strcmp(name, "*"))
        select_mask(fields, n, chosen, 0);
    else if (!strcasecmp(name, "UF_*"))
        select_mask(fields, n, chosen, FIELD_UF);
    else if ((f = filter_field_find(fields, n, name)) && (f->flags & FIELD_SELECT))
        chosen[f - fields] = 1;
}

int select_compile(const struct field_def *fields, size_t n, const json_t *select, bool default_all,
                   unsigned char *chosen, char *err, size_t errlen)
{
    struct vals it;
    if (!n)
        return 0;
    memset(chosen, 0, n);
    chosen[0] = 1;
    if (is_empty_param(select)) {
        select_mask(fields, n, chosen, 0);
        if (default_all)
            select_mask(fields, n, chosen, FIELD_UF);
        return 0;
    }
    if (!json_is_string(select) && !json_is_array(select) && !json_is_object(select))
        return fail(err, errlen, -E_INVAL, "select must be a list of field names");
    size_t count = vals_count(select);
    if (count > SELECT_MAX_ITEMS)
        return fail(err, errlen, -E_TOOBIG, "select has more than %d items", SELECT_MAX_ITEMS);
    vals_init(&it, select);
    for (size_t i = 0; i < count; i++) {
        const json_t *m = vals_next(&it);
        if (!json_is_string(m))
            return fail(err, errlen, -E_INVAL, "select item %zu is not a field name", i);
        if (text_of(m))
            select_name(fields, n, chosen, json_string_value(m));
    }
    return 0;
}

int paging_parse(const json_t *start_param, int64_t *offset, bool *count_total)
{
    int64_t v = 0;
    double d = 0;
    bool is_int = true;
    const char *s;
    *offset = 0;
    *count_total = true;
    if (is_empty_param(start_param))
        return 0;
    if (json_is_integer(start_param)) {
        v = json_integer_value(start_param);
    } else if (json_is_real(start_param)) {
        d = json_real_value(start_param);
        if (d != floor(d) || d < -1 || d > (double)PAGING_MAX_OFFSET)
            return -E_INVAL;
        v = (int64_t)d;
    } else if (!(s = text_of(start_param)) || number_parse(s, &is_int, &v, &d) || !is_int) {
        return -E_INVAL;
    }
    if (v == -1) {
        *count_total = false;
        return 0;
    }
    if (v < 0 || v > PAGING_MAX_OFFSET)
        return -E_INVAL;
    *offset = v;
    return 0;
}
