/* The list runner of the REST layer: one paged list query, as every `*.list` method of the
 * protocol answers it. The caller builds the pieces (a select, a count, the conditions the
 * filter compiler and the permission clause wrote, the order) and formats rows; the runner
 * reads `start` (an offset, or -1 for no `total`/`next`), runs the page, skips the count when
 * the page is short, and sets the result with `total` and `next`. It knows no entity. */
#ifndef KAZI_REST_LIST_H
#define KAZI_REST_LIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/rest/filter.h"

struct db_stmt;
struct rest_call;

#define REST_LIST_SQL_CAP (256 * 1024) /* bytes of one built-up where or order clause */

/* Reads the call's `start` parameter (filter.h's paging_parse): *offset, and *count_total
 * false for -1. Anything else that is not a row offset fails the call with 400
 * INVALID_ARG_VALUE "parameter 'start' must be a non-negative offset or -1". Returns 0 or
 * rest_fail's value. */
int rest_param_start(struct rest_call *c, int64_t *offset, bool *count_total);

/* A paged list query: the page is "<select> WHERE <where><order> LIMIT <page_size> OFFSET ?"
 * and the count "<count> WHERE <where>", with binds bound in order (the offset last). */
struct rest_list {
    const char *select;         /* "SELECT ... FROM t x" */
    const char *count;          /* "SELECT COUNT(*) FROM t x"; NULL: never counted */
    struct strbuf where, order; /* where without WHERE; order " ORDER BY ..." */
    json_t *binds;              /* owned; filter.h's representation */
    int page_size;              /* REST_PAGE_SIZE unless set */
    bool plain;                 /* result is the rows alone: no start, total or next */
    bool have_start;            /* offset/count_total already read (rest_list_start) */
    int64_t offset;
    bool count_total;
    /* One result row from the current row of st: a new reference, or NULL to fail the call
     * (with rest_fail already called, or a database error reply). */
    json_t *(*row)(struct rest_call *c, struct db_stmt *st, void *ctx);
    /* Optional: called with the page's rows before the count (to load what the rows need from
     * other tables). Returns 0, rest_fail's value or a negative -E_*. */
    int (*page_done)(struct rest_call *c, json_t *rows, void *ctx);
    void *ctx;
};

/* Initialises l for select and count (static strings or strings that outlive the run). */
void rest_list_init(struct rest_list *l, const char *select, const char *count);
/* Reads `start` into l now (rest_param_start), for a method that refuses a bad offset before
 * it looks at its other parameters. Returns 0 or rest_fail's value. */
int rest_list_start(struct rest_call *c, struct rest_list *l);
/* Compiles filter (an object; NULL, null, "" or [] for none) into l's where and binds, after
 * " AND ". Anything else fails with 400 "parameter 'filter' must be an object"; a compile
 * error with the compiler's message. Returns 0 or rest_fail's value. */
int rest_list_filter(struct rest_call *c, const struct field_def *fields, size_t n,
                     const json_t *filter, struct rest_list *l);
/* Runs l: reads `start` (unless plain or have_start), reads the page, counts when `start` is
 * not -1, there is a count and the page does not tell the total, and sets the result. A
 * database error fails the call with 500. Releases l. Returns 0 or rest_fail's value. */
int rest_list_run(struct rest_call *c, struct rest_list *l);
/* Releases l without running it (error paths before rest_list_run). */
void rest_list_release(struct rest_list *l);

#endif
