/* Helpers shared by the identity REST methods (user.*, department.*, role.*) and the
 * permission engine: binding the filter compiler's JSON binds, running paged list queries,
 * reading id and list parameters, and formatting values the way Bitrix24 does. No method's
 * logic lives here. Internal to src/core/accounts/. */
#ifndef KAZI_IDENT_H
#define KAZI_IDENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/rest/filter.h"

struct db;
struct db_stmt;
struct rest_call;

#define IDENT_SQL_CAP (256 * 1024) /* bytes of one built-up list query */

/* Binds the values of binds (a JSON array in filter.h's representation) to st, starting at
 * parameter first (1-based). Returns the next free parameter index, or a negative -E_*. */
int ident_bind_json(struct db_stmt *st, const json_t *binds, int first);

/* A string JSON value of id ("42"), as legacy methods write ids. New reference. */
json_t *ident_id_str(int64_t id);
/* Column col of st (Unix seconds) as ISO 8601 with the server's offset, or "" when NULL. */
json_t *ident_time(struct db_stmt *st, int col);
/* Column col of st as a string; "" when NULL. */
json_t *ident_text(struct db_stmt *st, int col);

/* Reads parameter name as a positive id. Absent (or null or ""): *out = 0 and 0 when
 * !required, else rest_fail 400 BX_EMPTY_REQUIRED. Not a positive integer: rest_fail 400
 * INVALID_ARG_VALUE. Returns 0 or the rest_fail value. */
int ident_param_id(struct rest_call *c, const json_t *v, const char *name, bool required,
                   int64_t *out);

/* The object a list method filters by: a copy of the FILTER (any case) object, plus every
 * top-level parameter whose name, less an operator prefix, is a filterable field (FILTER
 * wins). New reference; NULL with rest_fail 400 when FILTER is not an object. */
json_t *ident_list_filter(struct rest_call *c, const struct field_def *fields, size_t n);

/* Appends " ORDER BY ..." from `order` when it is an object ({FIELD: DIR}), else from `sort`
 * (a field name) and `order` (ASC or DESC), with tiebreak last. Returns 0 or rest_fail 400. */
int ident_list_order(struct rest_call *c, const struct field_def *fields, size_t n,
                     const char *tiebreak, struct strbuf *sql);

/* A paged list query: select is "SELECT ... FROM t x" and count "SELECT COUNT(*) FROM t x";
 * where (no leading WHERE) and binds are the conditions, order what ident_list_order built.
 * Runs the count (unless start=-1) and the page of REST_PAGE_SIZE rows, calls row for each
 * and sets the list result. Returns 0 or rest_fail's value. */
struct ident_list {
    const char *select, *count;
    struct strbuf where, order; /* initialised by ident_list_init, released by _run */
    json_t *binds;              /* owned; released by ident_list_run */
    json_t *(*row)(struct rest_call *c, struct db_stmt *st, void *ctx); /* new ref or NULL */
    void *ctx;
};
void ident_list_init(struct ident_list *l, const char *select, const char *count);
int ident_list_run(struct rest_call *c, struct ident_list *l);
/* Releases l without running it (error paths before ident_list_run). */
void ident_list_release(struct ident_list *l);

/* A field title table for *.fields methods: {name, title} pairs ending with {NULL, NULL}. */
struct ident_title {
    const char *name, *title;
};
/* {"NAME": "title", ...} as user.fields and department.fields answer. New reference. */
json_t *ident_titles(const struct ident_title *t);

/* Maps a database error to the reply: rest_fail 500 (nothing is written, the dispatcher
 * rolls back). Returns rest_fail's value. */
int ident_db_fail(struct rest_call *c, int rc);

#endif
