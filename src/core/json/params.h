/* Request parameter decoding: query strings, form bodies, multipart parts and JSON bodies all
 * become one jansson object, so handlers never see the wire encoding. Bracket keys follow PHP's
 * parse_str (`a[b][]=1`); a few coercion helpers read values whichever way they arrived.
 * It knows no method's parameters and does no HTTP: the HTTP layer hands it bytes. */
#ifndef KAZI_PARAMS_H
#define KAZI_PARAMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps on what one request may build. Exceeding one is -E_TOOBIG (a 413 for the client). */
struct params_limits {
    size_t max_depth;   /* bracket levels in a name; containers nested below the top level */
    size_t max_keys;    /* pairs in one query string; values in one JSON body; entries in any
                         * one object built from brackets */
    size_t max_key_len; /* bytes of one decoded parameter name or JSON object key */
};

/* depth 32, keys 10000, key length 1024 */
extern const struct params_limits params_default_limits;

/* A buffer this large always holds what params_to_str formats. */
#define PARAMS_STR_BUFSIZE 32

/*
 * Decoding. Every function below that takes `lim` uses params_default_limits when it is NULL,
 * writes a lower-case message naming the offending parameter to err (when err is not NULL and
 * errlen > 0) and returns 0, -E_INVAL or -E_TOOBIG. On error obj may hold part of the input:
 * the caller drops the whole tree. obj stays owned by the caller throughout.
 *
 * Bracket semantics (PHP): `a[b][c]=v` nests objects; `a[]=v` appends at the next integer
 * index (largest non-negative integer key + 1); a later value for the same name replaces the
 * earlier one, scalar or container (`a=1&a[b]=2` gives {"a":{"b":"2"}}). In the name before the
 * first '[', leading spaces are dropped and ' ' and '.' become '_'; a name that is empty there
 * is ignored. An unclosed first bracket is part of the name (`a[b.c=1` gives "a_b_c"); an
 * unclosed later bracket is ignored (`a[x][y=1` gives a.x); text after a ']' that does not
 * start another '[' is ignored. A name is cut at its first NUL byte. Names and values must be
 * valid UTF-8 (else -E_INVAL): charset guessing is not done.
 */

/* Decodes a query string or an application/x-www-form-urlencoded body ("a=1&b[c]=2", no
 * leading '?') into obj, a JSON object. Pairs are split at '&' (empty pairs skipped); the name
 * ends at the first '=' outside brackets, so an unencoded `filter[>=X]=5` keeps its operator
 * (PHP cuts at any '='); a pair without '=' has the value "". Names and values are
 * percent-decoded with '+' as space (a '%' not followed by two hex digits stays as it is).
 * Every value becomes a JSON string. Call params_finish afterwards. A batch command's query
 * (the part after '?') decodes the same way. */
int params_parse_query(json_t *obj, const char *qs, size_t len, const struct params_limits *lim,
                       char *err, size_t errlen);

/* Inserts one already-decoded pair with bracket semantics: what params_parse_query does per
 * pair, and what the HTTP layer calls for each non-file multipart part. val (vallen bytes, may
 * contain NUL) becomes a JSON string. Enforces max_key_len, max_depth and the per-object part
 * of max_keys; a caller feeding many pairs counts them against lim->max_keys itself. */
int params_insert(json_t *obj, const char *key, size_t keylen, const char *val, size_t vallen,
                  const struct params_limits *lim, char *err, size_t errlen);

/* Inserts a multipart file part with bracket semantics as ["<filename>", "<base64 of data>"],
 * the pair form Bitrix24 methods take for files in JSON bodies, so handlers see one shape.
 * filename must be UTF-8 (else -E_INVAL); data is any bytes, already capped by the caller. */
int params_insert_file(json_t *obj, const char *key, size_t keylen, const char *filename,
                       const void *data, size_t len, const struct params_limits *lim, char *err,
                       size_t errlen);

/* Parses a JSON body into obj. A top-level object's members are set into obj (replacing
 * members of the same name); a top-level array (positional legacy methods) is set as members
 * "0", "1", ... An empty or all-whitespace body adds nothing. Values keep their JSON types.
 * Malformed JSON or another top-level type is -E_INVAL with the parser's message. */
int params_parse_json(json_t *obj, const char *body, size_t len, const struct params_limits *lim,
                      char *err, size_t errlen);

/* After all inserts (and merges): below the top level, every object whose keys are exactly
 * "0", "1", ... "n-1" in that order (n >= 1) becomes a JSON array, recursively, so
 * `select[]=ID&select[]=NAME` and `select[0]=ID&select[1]=NAME` both give ["ID","NAME"]. Other
 * objects, empty ones included, stay objects; obj itself always stays an object. Idempotent. */
void params_finish(json_t *obj);

/* Merges src into dst (both objects), src winning, as PHP merges $_GET and $_POST into
 * $_REQUEST: where both hold an object under a name the two are merged recursively, anything
 * else is replaced by src's value. Afterwards dst may share children with src (reference
 * counted): the caller still drops its reference to each. Returns 0 or -E_INVAL. */
int params_merge(json_t *dst, json_t *src);

/* Finds a top-level member: exact name first, then ASCII case-insensitively (legacy methods
 * take `fields` and `FIELDS` alike). Returns a borrowed reference or NULL. */
json_t *params_get(json_t *params, const char *name);

/*
 * Coercion, for handlers reading values that may have arrived typed (JSON) or as strings
 * (forms). Each returns 0 and sets *out, or -E_INVAL (NULL v included) leaving *out alone.
 * Whitespace around numbers in strings is allowed.
 */

/* JSON integer; real with an integral value in range; string of an optional sign and digits. */
int params_to_int64(const json_t *v, int64_t *out);
/* JSON integer or real; decimal string ("1.5", "-2e3"); never NaN or infinite. */
int params_to_double(const json_t *v, double *out);
/* true/false; integer or real 1/0; strings "Y"/"N", "y"/"n", "1"/"0", "true"/"false" (any
 * case). */
int params_to_bool(const json_t *v, bool *out);

/* A string value as is (borrowed from v, cut at a NUL); an integer, real or boolean formatted
 * into buf (reals shortest round-trip, booleans "1"/"0" as PHP casts them). NULL for objects,
 * arrays, null, NULL v, or when buf is too small (PARAMS_STR_BUFSIZE always suffices). */
const char *params_to_str(const json_t *v, char *buf, size_t bufsize);

/* Percent-decodes s[0..len) in place as PHP's urldecode: "%XY" with two hex digits becomes
 * that byte, any other '%' stays; '+' becomes ' ' when plus_is_space. Returns the new length;
 * when it is shorter than len, s[new length] is set to NUL. */
size_t params_url_decode(char *s, size_t len, int plus_is_space);

#endif
