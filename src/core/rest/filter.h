/* List-query compiler for the Bitrix24 protocol: turns a client's decoded `filter`, `order`,
 * `select` and `start` parameters into parameterised SQL pieces through a per-entity field
 * whitelist. Client strings never reach SQL text: only whitelisted column expressions, a fixed
 * set of operators and "?" placeholders. It does not run queries or bind values (the db layer
 * does), and it knows nothing about any particular entity. */
#ifndef KAZI_REST_FILTER_H
#define KAZI_REST_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/db/db.h" /* enum sql_dialect */

#define REST_PAGE_SIZE 50  /* rows per list page, fixed by the protocol */
#define FILTER_MAX_DEPTH 8 /* nested filter groups below the top level */
#define FILTER_MAX_CONDITIONS 200
#define FILTER_MAX_BINDS 1000 /* placeholders in one WHERE (long IN lists) */
#define ORDER_MAX_FIELDS 20
#define SELECT_MAX_ITEMS 500

enum field_type {
    FIELD_INT,
    FIELD_DOUBLE,
    FIELD_STRING,
    FIELD_BOOL,     /* stored 0/1; input Y/N, true/false, 1/0 */
    FIELD_DATETIME, /* stored INTEGER Unix seconds; input ISO 8601, YYYY-MM-DD or DD.MM.YYYY */
    FIELD_DATE,     /* stored TEXT YYYY-MM-DD */
    FIELD_CHAR,     /* Y/N stored as the text 'Y' / 'N' */
};

enum field_flags {
    FIELD_FILTER = 1,
    FIELD_SORT = 2,
    FIELD_SELECT = 4,
    FIELD_MULTI = 8, /* multi-value (PHONE, EMAIL): not in "*"; filtered by exact value only,
                        through multi_sql */
    FIELD_UF = 16,   /* user field: chosen by "UF_*", not by "*" */
};

/* One whitelisted field. Entities keep these in static tables (user fields are appended at run
 * time), so every function takes a pointer and a count. By convention entry 0 is the id. */
struct field_def {
    const char *name;   /* canonical client name, e.g. "OPPORTUNITY" or "stageId" */
    const char *column; /* trusted SQL expression, e.g. "t.opportunity" */
    enum field_type type;
    unsigned flags;        /* enum field_flags */
    const char *multi_sql; /* FIELD_MULTI only: a boolean SQL expression with exactly one "?"
                              for the value, e.g. "t.id IN (SELECT owner_id FROM crm_fm WHERE
                              type='PHONE' AND value = ?)" */
};

/* Finds a field by client name, case-insensitively (legacy clients send UPPER_CASE, crm.item.*
 * camelCase). Returns a pointer into fields (borrowed) or NULL. */
const struct field_def *filter_field_find(const struct field_def *fields, size_t n,
                                          const char *name);

/* Compiles a filter tree (object; arrays and {"0":..} objects are the same thing) into a
 * boolean SQL expression appended to where, and its values appended to the JSON array binds in
 * placeholder order. The expression is self-contained (parenthesised when compound), so it
 * can be combined with AND; an empty, null or missing filter gives "1=1".
 *
 * Bind representation (the code that runs the query binds them, in order, so): JSON integer
 * -> db_bind_int, JSON real -> db_bind_double, JSON string -> db_bind_text (may contain NUL
 * bytes; use json_string_length), JSON null -> db_bind_null. Values are already in the stored form:
 * datetimes as Unix seconds, FIELD_BOOL as 0/1, FIELD_CHAR as "Y"/"N", FIELD_DATE as "YYYY-MM-DD",
 * LIKE patterns escaped with '\'. A FIELD_INT value that is fractional or beyond int64 ("1.5",
 * "1e30") stays a real, so a backend must bind typed parameters rather than text for the server to
 * parse.
 *
 * Keys are "[op]FIELD" with the operators of the protocol (none, =, !, !=, >, >=, <, <=, @,
 * !@, %, =%, %=, !%, !=%, !%=, ><, !><, ?); negated operators also match NULL columns, as
 * Bitrix does. A "logic" key ("AND"/"OR") sets a group's connector; a value under a numeric
 * key, or under a key that names no field, is a nested group (crm.item.list); depth is capped.
 * Unknown fields are errors, unlike real Bitrix, which ignores them.
 *
 * Returns 0, -E_INVAL (unknown field, operator not allowed for the field, bad value) or
 * -E_TOOBIG (nesting deeper than FILTER_MAX_DEPTH, more than FILTER_MAX_CONDITIONS conditions
 * or FILTER_MAX_BINDS values, or where's cap reached). On error a lower-case message naming the
 * key is written to err (if errlen > 0), and where and binds are restored to what they held
 * on entry. */
int filter_compile(const struct field_def *fields, size_t n, const json_t *filter,
                   enum sql_dialect d, struct strbuf *where, json_t *binds, char *err,
                   size_t errlen);

/* Compiles {FIELD: "ASC"|"DESC", ...} (direction case-insensitive, keys in the order given;
 * fields need FIELD_SORT) and appends " ORDER BY a ASC, b DESC" (with a leading space) to
 * sql. When tiebreak_column is not NULL and no chosen field has that column, ", <tiebreak>
 * ASC" is added last so paging is stable; with an empty order only the tie-breaker is
 * emitted, and with neither nothing is appended. Only the object form is accepted (an empty
 * array counts as empty). Returns 0, -E_INVAL or -E_TOOBIG (more than ORDER_MAX_FIELDS keys or
 * sql's cap); on error err holds the message and sql is unchanged. */
int order_compile(const struct field_def *fields, size_t n, const json_t *order,
                  const char *tiebreak_column, struct strbuf *sql, char *err, size_t errlen);

/* Chooses the fields a list returns: chosen (n bytes, caller-owned) is cleared, then set to 1
 * for each chosen field. Items: field names (need FIELD_SELECT; multi fields only this way),
 * "*" (FIELD_SELECT fields that are neither FIELD_MULTI nor FIELD_UF) and "UF_*" (FIELD_UF
 * fields that are selectable and not FIELD_MULTI). Unknown or unselectable names are ignored
 * silently, as Bitrix does. A missing, null or empty select means "*" plus "UF_*" when
 * default_all is true and "*" alone otherwise. A single string counts as a one-item list.
 * Field 0 (the id) is always chosen. Returns 0, -E_INVAL (select is not a list of strings)
 * or -E_TOOBIG (more than SELECT_MAX_ITEMS items); err holds the message. */
int select_compile(const struct field_def *fields, size_t n, const json_t *select, bool default_all,
                   unsigned char *chosen, char *err, size_t errlen);

/* Parses the `start` parameter (JSON integer or numeric string; NULL or null or "" when
 * missing). Missing gives offset 0; -1 gives offset 0 with *count_total false (no `total`,
 * no `next`); otherwise *count_total is true. Other negative or non-numeric values give
 * -E_INVAL. Page size is REST_PAGE_SIZE. */
int paging_parse(const json_t *start_param, int64_t *offset, bool *count_total);

#endif
