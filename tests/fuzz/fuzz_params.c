/* libFuzzer target for the parameter decoder. The first input byte picks the path (query
 * string, JSON body, both merged, or multipart-style inserts) and default or small limits; the
 * rest is the input. It checks memory safety, leaks and the tree's invariants, not PHP
 * fidelity (the unit tests do that). */
// fuzz-sources: src/core/json/params.c
// fuzz-pkgs: jansson libsodium
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct params_limits small_limits = {4, 64, 64};

/* Every failure must come with a non-empty, printable message. */
static void check_error(int rc, const char *err)
{
    if (!rc)
        return;
    if (!err[0])
        abort();
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            abort();
}

/* After params_finish no object below the top is keyed exactly "0".."n-1". */
static void check_tree(json_t *v, int top)
{
    const char *k;
    json_t *c;
    size_t i = 0;
    int dense = !top && json_object_size(v) > 0;
    char num[24];

    if (json_is_object(v)) {
        json_object_foreach(v, k, c)
        {
            snprintf(num, sizeof(num), "%zu", i++);
            if (strcmp(num, k))
                dense = 0;
            check_tree(c, 0);
        }
        if (dense)
            abort();
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c)
        {
            check_tree(c, 0);
        }
    }
}

/* Reads every top-level value the ways handlers do. */
static void exercise(json_t *o)
{
    const char *k;
    json_t *v;
    char buf[PARAMS_STR_BUFSIZE], *s;
    int64_t i;
    double d;
    bool b;

    json_object_foreach(o, k, v)
    {
        if (params_get(o, k) == NULL)
            abort();
        params_to_int64(v, &i);
        params_to_double(v, &d);
        params_to_bool(v, &b);
        if (!params_to_str(v, buf, sizeof(buf)) && (json_is_number(v) || json_is_boolean(v)))
            abort();
    }
    params_get(o, "FIELDS");
    s = json_dumps(o, JSON_COMPACT);
    if (!s)
        abort();
    free(s);
}

/* NUL-separated "name=value" records, as multipart parts; with file set, as file parts. */
static void inserts(json_t *o, const char *s, size_t n, int file, const struct params_limits *lim)
{
    char err[256];
    const char *end = s + n, *rec, *eq, *nul;
    int rc;

    for (rec = s; rec < end; rec = nul + 1) {
        nul = memchr(rec, 0, (size_t)(end - rec));
        if (!nul)
            nul = end;
        eq = memchr(rec, '=', (size_t)(nul - rec));
        if (!eq)
            eq = nul;
        err[0] = 0;
        if (file)
            rc = params_insert_file(o, rec, (size_t)(eq - rec), "f.bin", eq, (size_t)(nul - eq),
                                    lim, err, sizeof(err));
        else
            rc = params_insert(o, rec, (size_t)(eq - rec), eq == nul ? "" : eq + 1,
                               eq == nul ? 0 : (size_t)(nul - eq - 1), lim, err, sizeof(err));
        check_error(rc, err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct params_limits *lim;
    const char *s, *nl;
    json_t *o, *b;
    char err[256] = "";
    size_t n;

    if (size < 1)
        return 0;
    s = (const char *)data + 1;
    n = size - 1;
    lim = data[0] & 4 ? &small_limits : NULL;
    o = json_object();
    switch (data[0] & 3) {
    case 0:
        check_error(params_parse_query(o, s, n, lim, err, sizeof(err)), err);
        break;
    case 1:
        check_error(params_parse_json(o, s, n, lim, err, sizeof(err)), err);
        break;
    case 2: /* query '\n' json body, merged as the HTTP layer does */
        nl = memchr(s, '\n', n);
        b = json_object();
        check_error(params_parse_query(o, s, nl ? (size_t)(nl - s) : n, lim, err, sizeof(err)),
                    err);
        err[0] = 0;
        if (nl)
            check_error(
                params_parse_json(b, nl + 1, n - (size_t)(nl + 1 - s), lim, err, sizeof(err)), err);
        if (params_merge(o, b))
            abort();
        json_decref(b);
        break;
    default:
        inserts(o, s, n, data[0] & 8, lim);
        break;
    }
    params_finish(o);
    check_tree(o, 1);
    exercise(o);
    json_decref(o);
    return 0;
}
