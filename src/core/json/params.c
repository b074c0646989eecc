/* Parameter decoding into one jansson object (see params.h): the PHP bracket-key inserter that
 * query strings, form bodies and multipart parts share, the JSON body reader, the pass that
 * turns 0..n-1 keyed objects into arrays, merging, and coercion for handlers. It does not read
 * HTTP headers or pick the encoding; the HTTP layer does that and calls in here. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/base/error.h"
#include "core/base/xalloc.h"
#include "core/json/params.h"

const struct params_limits params_default_limits = {
    .max_depth = 32,
    .max_keys = 10000,
    .max_key_len = 1024,
};

/* The next append index of the objects appended to last, so n appends cost O(n), not O(n^2)
 * scans for the largest integer key. Cleared whenever a stored value is replaced: that is the
 * only way a decode frees an object, whose address could then come back for a new one. */
#define HINTS 4
struct hints {
    json_t *obj[HINTS];
    long long next[HINTS];
    unsigned rr;
};

/* One insertion's context: limits, hints (NULL outside params_parse_query), the parameter
 * name for messages, and where messages go. */
struct ins {
    const struct params_limits *lim;
    struct hints *hints;
    const char *name;
    size_t namelen;
    char *err;
    size_t errlen;
};

#define QUOTE_MAX 64

/* Copies at most QUOTE_MAX bytes of s for a message; bytes that are not printable ASCII become
 * '?' so the message stays valid UTF-8 whatever the input was. out has QUOTE_MAX + 4 bytes. */
static void quote(char *out, const char *s, size_t n)
{
    size_t i, m = n < QUOTE_MAX ? n : QUOTE_MAX;
    for (i = 0; i < m; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
    }
    if (m < n) {
        memcpy(out + m, "...", 3);
        m += 3;
    }
    out[m] = 0;
}

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int code,
                                                      const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* "<problem> '<name>'", with " (limit N)" when limit is not 0. */
static int ins_fail(const struct ins *in, int code, const char *problem, size_t limit)
{
    char q[QUOTE_MAX + 4];
    quote(q, in->name, in->namelen);
    if (limit)
        return fail(in->err, in->errlen, code, "%s '%s' (limit %zu)", problem, q, limit);
    return fail(in->err, in->errlen, code, "%s '%s'", problem, q);
}

/* jansson reports allocation failure as NULL; abort as xmalloc does. */
static json_t *must(json_t *v)
{
    if (!v) {
        fputs("kazi: out of memory in json\n", stderr);
        abort();
    }
    return v;
}

static int utf8_ok(const char *s, size_t n)
{
    json_t *t = json_stringn(s, n);
    json_decref(t);
    return t != NULL;
}

/* PHP's integer-key test, non-negative keys only: "0" or digits without a leading zero (up to
 * 18 of them, so arithmetic never overflows). Returns the index or -1. */
static long long key_index(const char *k, size_t n)
{
    long long v = 0;
    if (n == 0 || n > 18 || (n > 1 && k[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9')
            return -1;
        v = v * 10 + (k[i] - '0');
    }
    return v;
}

/* PHP's next free index: the largest non-negative integer key + 1, or 0. */
static long long next_index(json_t *o, struct hints *h)
{
    const char *k;
    size_t kn;
    json_t *v;
    long long next = 0, i;
    unsigned j;

    for (j = 0; h && j < HINTS; j++)
        if (h->obj[j] == o)
            return h->next[j];
    json_object_keylen_foreach(o, k, kn, v)
    {
        i = key_index(k, kn);
        if (i >= next)
            next = i + 1;
    }
    if (h) {
        j = h->rr++ % HINTS;
        h->obj[j] = o;
        h->next[j] = next;
    }
    return next;
}

/* Sets o[k] = v, stealing v. */
static int put(json_t *o, const char *k, size_t kn, json_t *v, const struct ins *in)
{
    long long i;
    if (!json_object_getn(o, k, kn)) {
        if (json_object_size(o) >= in->lim->max_keys) {
            json_decref(v);
            return ins_fail(in, -E_TOOBIG, "too many entries in parameter", in->lim->max_keys);
        }
    } else if (in->hints) {
        memset(in->hints, 0, sizeof(*in->hints));
    }
    if (json_object_setn_new(o, k, kn, v))
        return ins_fail(in, -E_INVAL, "invalid utf-8 in parameter name", 0);
    i = key_index(k, kn);
    for (unsigned j = 0; in->hints && i >= 0 && j < HINTS; j++)
        if (in->hints->obj[j] == o && in->hints->next[j] <= i)
            in->hints->next[j] = i + 1;
    return 0;
}

/* o[] = v (PHP's append), stealing v. */
static int append(json_t *o, json_t *v, const struct ins *in)
{
    char k[24];
    int n = snprintf(k, sizeof(k), "%lld", next_index(o, in->hints));
    return put(o, k, (size_t)n, v, in);
}

/* A new object holding arr's elements under "0".."n-1". */
static json_t *array_to_object(json_t *arr)
{
    json_t *o = must(json_object()), *v;
    char k[24];
    size_t i;
    json_array_foreach(arr, i, v)
    {
        snprintf(k, sizeof(k), "%zu", i);
        json_object_set(o, k, v);
    }
    return o;
}

/* Sets *child to the object stored at o[k] (a new one appended when k is NULL), creating it,
 * replacing a scalar, or turning an array into an object as PHP would index it. */
static int descend(json_t *o, const char *k, size_t kn, json_t **child, const struct ins *in)
{
    json_t *c;
    if (!k) {
        *child = must(json_object());
        return append(o, *child, in);
    }
    c = json_object_getn(o, k, kn);
    if (json_is_object(c)) {
        *child = c;
        return 0;
    }
    *child = json_is_array(c) ? array_to_object(c) : must(json_object());
    return put(o, k, kn, *child, in);
}

/* The bracket walk of PHP's php_register_variable_ex; stores val (stolen) under key. */
static int insert(json_t *root, const char *key, size_t keylen, json_t *val, struct ins *in)
{
    char *buf = NULL, *s, *p, *q, *close, *seg = NULL;
    const char *idx;
    size_t idxlen, seglen = 0, level;
    json_t *cur = root;
    int rc = 0;

    if (!key)
        key = "", keylen = 0;
    in->name = key;
    in->namelen = keylen;
    if (!json_is_object(root)) {
        rc = fail(in->err, in->errlen, -E_INVAL, "parameters are not a json object");
        goto out;
    }
    if (keylen > in->lim->max_key_len) {
        rc = ins_fail(in, -E_TOOBIG, "too long parameter name", in->lim->max_key_len);
        goto out;
    }
    buf = xstrndup(key, keylen); /* cut at a NUL, as PHP's C strings are */
    if (!utf8_ok(buf, strlen(buf))) {
        rc = ins_fail(in, -E_INVAL, "invalid utf-8 in parameter name", 0);
        goto out;
    }
    for (s = buf; *s == ' '; s++)
        ;
    for (p = s; *p && *p != '['; p++)
        if (*p == ' ' || *p == '.')
            *p = '_';
    if (p == s)
        goto out; /* PHP drops pairs without a name */
    idx = s;
    idxlen = (size_t)(p - s);
    for (level = 1; *p == '['; level++) {
        if (level > in->lim->max_depth) {
            rc = ins_fail(in, -E_TOOBIG, "too many levels in parameter", in->lim->max_depth);
            goto out;
        }
        q = p + 1;
        if (isspace((unsigned char)*q))
            q++;
        if (*q == ']') {
            seg = NULL; /* `[]` or `[ ]`: append */
            close = q;
        } else if ((close = strchr(q, ']'))) {
            seg = p + 1;
            seglen = (size_t)(close - seg);
        } else {
            if (level == 1) { /* `a[b` is the plain name "a_b" */
                for (q = p; *q; q++)
                    if (*q == ' ' || *q == '.' || *q == '[')
                        *q = '_';
                idxlen = strlen(idx);
            }
            break;
        }
        rc = descend(cur, idx, idxlen, &cur, in);
        if (rc)
            goto out;
        idx = seg;
        idxlen = seglen;
        p = close + 1;
    }
    rc = idx ? put(cur, idx, idxlen, val, in) : append(cur, val, in);
    val = NULL;
out:
    json_decref(val);
    free(buf);
    return rc;
}

int params_insert(json_t *obj, const char *key, size_t keylen, const char *val, size_t vallen,
                  const struct params_limits *lim, char *err, size_t errlen)
{
    struct ins in = {lim ? lim : &params_default_limits, NULL, key, keylen, err, errlen};
    json_t *v = json_stringn(val ? val : "", val ? vallen : 0);
    if (!v)
        return ins_fail(&in, -E_INVAL, "invalid utf-8 in parameter", 0);
    return insert(obj, key, keylen, v, &in);
}

int params_insert_file(json_t *obj, const char *key, size_t keylen, const char *filename,
                       const void *data, size_t len, const struct params_limits *lim, char *err,
                       size_t errlen)
{
    struct ins in = {lim ? lim : &params_default_limits, NULL, key, keylen, err, errlen};
    size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64;
    json_t *name = json_string(filename ? filename : ""), *pair;

    if (!name)
        return ins_fail(&in, -E_INVAL, "invalid utf-8 in the file name of parameter", 0);
    b64 = xmalloc(b64len);
    b64[0] = 0;
    if (len)
        sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
    pair = must(json_array());
    json_array_append_new(pair, name);
    json_array_append_new(pair, must(json_string_nocheck(b64)));
    free(b64);
    return insert(obj, key, keylen, pair, &in);
}

/* Where a pair's name ends: the first '=' outside brackets, so `filter[>=X]=5` sent without
 * encoding keeps its operator (PHP would cut the name at that '='); when a bracket is still
 * open at the end, the first '=' (`a[b=1` as PHP); else NULL, the pair is all name. */
static const char *name_end(const char *s, size_t n)
{
    int in_bracket = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[')
            in_bracket = 1;
        else if (s[i] == ']')
            in_bracket = 0;
        else if (s[i] == '=' && !in_bracket)
            return s + i;
    }
    return in_bracket ? memchr(s, '=', n) : NULL;
}

/* One "name=value" of a query string: decodes both and inserts. */
static int query_pair(json_t *obj, const char *s, size_t n, struct ins *in)
{
    const char *eq = name_end(s, n);
    size_t kn = eq ? (size_t)(eq - s) : n, vn = eq ? n - kn - 1 : 0;
    char *k = xmalloc(kn + 1), *v = xmalloc(vn + 1);
    json_t *jv;
    int rc;

    memcpy(k, s, kn);
    memcpy(v, eq ? eq + 1 : "", vn);
    kn = params_url_decode(k, kn, 1);
    vn = params_url_decode(v, vn, 1);
    in->name = k;
    in->namelen = kn;
    jv = json_stringn(v, vn);
    if (jv)
        rc = insert(obj, k, kn, jv, in);
    else
        rc = ins_fail(in, -E_INVAL, "invalid utf-8 in parameter", 0);
    free(k);
    free(v);
    return rc;
}

int params_parse_query(json_t *obj, const char *qs, size_t len, const struct params_limits *lim,
                       char *err, size_t errlen)
{
    struct hints hints;
    struct ins in = {lim ? lim : &params_default_limits, &hints, "", 0, err, errlen};
    const char *p, *end, *amp;
    size_t pairs = 0;
    int rc = 0;

    memset(&hints, 0, sizeof(hints));
    if (!json_is_object(obj))
        return fail(err, errlen, -E_INVAL, "parameters are not a json object");
    if (!qs)
        return 0;
    for (p = qs, end = qs + len; rc == 0 && p < end; p = amp + 1) {
        amp = memchr(p, '&', (size_t)(end - p));
        if (!amp)
            amp = end;
        if (amp == p)
            continue;
        if (++pairs > in.lim->max_keys)
            rc = fail(err, errlen, -E_TOOBIG, "too many parameters (limit %zu)", in.lim->max_keys);
        else
            rc = query_pair(obj, p, (size_t)(amp - p), &in);
    }
    return rc;
}

static int check_json(json_t *v, size_t depth, size_t *count, const struct params_limits *lim,
                      char *err, size_t errlen);

/* Counts one member or element c of a container at depth, then checks c. */
static int check_child(json_t *c, size_t depth, size_t *count, const struct params_limits *lim,
                       char *err, size_t errlen)
{
    if (++*count > lim->max_keys)
        return fail(err, errlen, -E_TOOBIG, "too many values in json body (limit %zu)",
                    lim->max_keys);
    return check_json(c, depth + 1, count, lim, err, errlen);
}

/* Checks depth (containers below the top level), value count and key length of a parsed
 * JSON body against lim. */
static int check_json(json_t *v, size_t depth, size_t *count, const struct params_limits *lim,
                      char *err, size_t errlen)
{
    const char *k;
    size_t kn, i;
    json_t *c;
    char q[QUOTE_MAX + 4];
    int rc;

    if (!json_is_object(v) && !json_is_array(v))
        return 0;
    if (depth > lim->max_depth)
        return fail(err, errlen, -E_TOOBIG, "too deeply nested json body (limit %zu levels)",
                    lim->max_depth);
    if (json_is_object(v)) {
        json_object_keylen_foreach(v, k, kn, c)
        {
            if (kn > lim->max_key_len) {
                quote(q, k, kn);
                return fail(err, errlen, -E_TOOBIG, "too long json key '%s' (limit %zu bytes)", q,
                            lim->max_key_len);
            }
            if ((rc = check_child(c, depth, count, lim, err, errlen)))
                return rc;
        }
    } else {
        json_array_foreach(v, i, c)
        {
            if ((rc = check_child(c, depth, count, lim, err, errlen)))
                return rc;
        }
    }
    return 0;
}

/* One linear pass over a JSON text before it is parsed: counts values and nesting and
 * measures keys as check_json does, without allocating, so a body over the limits is refused
 * at the cost of reading it, never of building its tree. It does not validate: jansson does,
 * and check_json repeats the checks on the tree (a key's length here is a lower bound of its
 * decoded length: an escape counts one byte). */
static int prescan_json(const char *s, size_t n, const struct params_limits *lim, char *err,
                        size_t errlen)
{
    size_t depth = 0, count = 0, i, j, klen, start;
    char q[QUOTE_MAX + 4];
    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '{':
        case '[':
            if (depth > lim->max_depth)
                return fail(err, errlen, -E_TOOBIG,
                            "too deeply nested json body (limit %zu levels)", lim->max_depth);
            if (depth++ && ++count > lim->max_keys)
                goto too_many;
            break;
        case '}':
        case ']':
            if (depth)
                depth--;
            break;
        case ',':
        case ':':
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            break;
        case '"':
            start = i + 1;
            for (j = start, klen = 0; j < n && s[j] != '"'; klen++)
                j += s[j] != '\\' ? 1 : (j + 1 < n && s[j + 1] == 'u') ? 6 : 2;
            i = j < n ? j : n; /* the closing quote */
            for (j = i + 1; j < n && s[j] && strchr(" \t\r\n", s[j]); j++)
                ;
            if (j < n && s[j] == ':') {
                if (klen > lim->max_key_len) {
                    quote(q, s + start, i - start);
                    return fail(err, errlen, -E_TOOBIG, "too long json key '%s' (limit %zu bytes)",
                                q, lim->max_key_len);
                }
            } else if (depth && ++count > lim->max_keys) {
                goto too_many;
            }
            break;
        default: /* a number or a literal */
            if (depth && ++count > lim->max_keys)
                goto too_many;
            while (i + 1 < n && !strchr(",:]}[{\" \t\r\n", s[i + 1]))
                i++;
            break;
        }
    }
    return 0;
too_many:
    return fail(err, errlen, -E_TOOBIG, "too many values in json body (limit %zu)", lim->max_keys);
}

int params_parse_json(json_t *obj, const char *body, size_t len, const struct params_limits *lim,
                      char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = NULL, *v;
    char q[QUOTE_MAX + 4], k[24];
    size_t i, count = 0;
    int rc = 0;

    if (!lim)
        lim = &params_default_limits;
    if (!json_is_object(obj))
        return fail(err, errlen, -E_INVAL, "parameters are not a json object");
    for (i = 0; body && i < len && isspace((unsigned char)body[i]); i++)
        ;
    if (!body || i == len)
        return 0;
    if ((rc = prescan_json(body, len, lim, err, errlen)))
        return rc;
    doc = json_loadb(body, len, JSON_ALLOW_NUL, &je);
    if (!doc) {
        quote(q, je.text, strlen(je.text));
        rc = json_error_code(&je) == json_error_stack_overflow ? -E_TOOBIG : -E_INVAL;
        return fail(err, errlen, rc, "invalid json body: %s (line %d, column %d)", q, je.line,
                    je.column);
    }
    rc = check_json(doc, 0, &count, lim, err, errlen);
    if (rc)
        goto out;
    if (json_is_object(doc)) {
        json_object_update(obj, doc);
    } else {
        json_array_foreach(doc, i, v)
        {
            snprintf(k, sizeof(k), "%zu", i);
            json_object_set(obj, k, v);
        }
    }
out:
    json_decref(doc);
    return rc;
}

/* A new array when o is an object whose keys are "0".."n-1" in order (n >= 1), else NULL. */
static json_t *dense_array(json_t *o)
{
    const char *k;
    size_t kn, i = 0;
    json_t *v, *arr;
    char num[24];

    if (!json_is_object(o) || !json_object_size(o))
        return NULL;
    json_object_keylen_foreach(o, k, kn, v)
    {
        int n = snprintf(num, sizeof(num), "%zu", i++);
        if ((size_t)n != kn || memcmp(num, k, kn))
            return NULL;
    }
    arr = must(json_array());
    json_object_foreach(o, k, v)
    {
        json_array_append(arr, v);
    }
    return arr;
}

static void finish_node(json_t *v)
{
    json_t *c, *arr;
    size_t i;

    if (json_is_object(v)) {
        for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
            c = json_object_iter_value(it);
            finish_node(c);
            if ((arr = dense_array(c)))
                json_object_iter_set_new(v, it, arr);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c)
        {
            finish_node(c);
            if ((arr = dense_array(c)))
                json_array_set_new(v, i, arr);
        }
    }
}

void params_finish(json_t *obj)
{
    if (json_is_object(obj))
        finish_node(obj);
}

int params_merge(json_t *dst, json_t *src)
{
    if (!json_is_object(dst) || !json_is_object(src))
        return -E_INVAL;
    return json_object_update_recursive(dst, src) ? -E_INVAL : 0;
}

json_t *params_get(json_t *params, const char *name)
{
    const char *k;
    json_t *v;

    if (!json_is_object(params) || !name)
        return NULL;
    if ((v = json_object_get(params, name)))
        return v;
    json_object_foreach(params, k, v)
    {
        if (!strcasecmp(k, name))
            return v;
    }
    return NULL;
}

/* --- coercion ------------------------------------------------------------------------------ */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Drops ASCII whitespace at both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
    while (*n && isspace((unsigned char)s[0])) {
        s++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)s[*n - 1]))
        (*n)--;
    return s;
}

static int str_to_int64(const char *s, size_t n, int64_t *out)
{
    uint64_t mag = 0, max = INT64_MAX;
    int neg = 0;

    s = trim(s, &n);
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        max += (uint64_t)neg; /* one more below zero */
        s++;
        n--;
    }
    if (!n)
        return -E_INVAL;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (!is_digit(s[i]) || mag > (max - d) / 10)
            return -E_INVAL;
        mag = mag * 10 + d;
    }
    if (neg)
        *out = mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
    else
        *out = (int64_t)mag;
    return 0;
}

int params_to_int64(const json_t *v, int64_t *out)
{
    double d;

    if (!v)
        return -E_INVAL;
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        *out = json_integer_value(v);
        return 0;
    case JSON_REAL:
        d = json_real_value(v);
        /* 2^63 is exact in a double; the range test is false for NaN too */
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != floor(d))
            return -E_INVAL;
        *out = (int64_t)d;
        return 0;
    case JSON_STRING:
        return str_to_int64(json_string_value(v), json_string_length(v), out);
    default:
        return -E_INVAL;
    }
}

/* Accepts [+-]digits[.digits][(e|E)[+-]digits] with at least one mantissa digit. */
static int str_to_double(const char *s, size_t n, double *out)
{
    char buf[128];
    size_t i = 0, mant = 0, exp = 1;
    double d;

    s = trim(s, &n);
    if (!n || n >= sizeof(buf))
        return -E_INVAL;
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; i < n && is_digit(s[i]); i++)
        mant++;
    if (i < n && s[i] == '.')
        for (i++; i < n && is_digit(s[i]); i++)
            mant++;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (exp = 0; i < n && is_digit(s[i]); i++)
            exp++;
    }
    if (!mant || !exp || i != n)
        return -E_INVAL;
    memcpy(buf, s, n);
    buf[n] = 0;
    d = strtod(buf, NULL);
    if (!isfinite(d))
        return -E_INVAL;
    *out = d;
    return 0;
}

int params_to_double(const json_t *v, double *out)
{
    if (!v)
        return -E_INVAL;
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        *out = (double)json_integer_value(v);
        return 0;
    case JSON_REAL:
        *out = json_real_value(v);
        return 0;
    case JSON_STRING:
        return str_to_double(json_string_value(v), json_string_length(v), out);
    default:
        return -E_INVAL;
    }
}

int params_to_bool(const json_t *v, bool *out)
{
    static const struct {
        const char *s;
        bool b;
    } words[] = {
        {"y", true}, {"n", false}, {"1", true}, {"0", false}, {"true", true}, {"false", false},
    };
    const char *s;
    size_t n;
    double d;

    if (!v)
        return -E_INVAL;
    switch (json_typeof(v)) {
    case JSON_TRUE:
    case JSON_FALSE:
        *out = json_is_true(v);
        return 0;
    case JSON_INTEGER:
    case JSON_REAL:
        d = json_number_value(v);
        if (d != 0 && d != 1)
            return -E_INVAL;
        *out = d == 1;
        return 0;
    case JSON_STRING:
        n = json_string_length(v);
        s = trim(json_string_value(v), &n);
        for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
            if (strlen(words[i].s) == n && !strncasecmp(s, words[i].s, n)) {
                *out = words[i].b;
                return 0;
            }
        }
        return -E_INVAL;
    default:
        return -E_INVAL;
    }
}

/* The shortest of %.15g..%.17g that reads back as d. */
static int format_real(char *buf, size_t size, double d)
{
    int n = -1;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (n < 0 || (size_t)n >= size)
            return -1;
        if (strtod(buf, NULL) == d)
            break;
    }
    return n;
}

const char *params_to_str(const json_t *v, char *buf, size_t bufsize)
{
    int n;

    if (!v)
        return NULL;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_value(v);
    case JSON_INTEGER:
        n = snprintf(buf, bufsize, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        n = format_real(buf, bufsize, json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        n = snprintf(buf, bufsize, "%s", json_is_true(v) ? "1" : "0");
        break;
    default:
        return NULL;
    }
    return n < 0 || (size_t)n >= bufsize ? NULL : buf;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t params_url_decode(char *s, size_t len, int plus_is_space)
{
    size_t i, o = 0;
    int hi, lo;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+' && plus_is_space) {
            c = ' ';
        } else if (c == '%' && len - i > 2 && (hi = hex_digit(s[i + 1])) >= 0 &&
                   (lo = hex_digit(s[i + 2])) >= 0) {
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        s[o++] = c;
    }
    if (o < len)
        s[o] = 0;
    return o;
}
