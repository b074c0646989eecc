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
 * and the count "<count> WHERE <where>", with binds bound in order (the offset last).
 *
 * With `cached`, select and count are instead whole static statements, prepared once per
 * connection (db_prepare: string constants, each always the same array): binds fill their
 * first parameters, then the page size and the offset the select's last two ("... LIMIT ?
 * OFFSET ?"); where and order are not used. That keeps a hot list with fixed conditions off
 * the compiler.
 *
 * The page normally comes first and the count only when the page does not tell the total.
 * With `count_first` the count comes first (when `start` is not -1): a page at or past the
 * total is not read, and page_begin sees the total, e.g. to choose a plan that suits it. */
struct rest_list {
    const char *select;         /* "SELECT ... FROM t x" */
    const char *count;          /* "SELECT COUNT(*) FROM t x"; NULL: never counted */
    struct strbuf where, order; /* where without WHERE; order " ORDER BY ..." */
    json_t *binds;              /* owned; filter.h's representation */
    int page_size;              /* REST_PAGE_SIZE unless set */
    bool plain;                 /* result is the rows alone: no start, total or next */
    bool have_start;            /* offset/count_total already read (rest_list_start) */
    bool cached;                /* select and count are static statements (above) */
    bool count_first;           /* count before the page (above) */
    int64_t offset;
    bool count_total;
    /* One result row from the current row of st: a new reference, or NULL to fail the call
     * (with rest_fail already called, or a database error reply). */
    json_t *(*row)(struct rest_call *c, struct db_stmt *st, void *ctx);
    /* Optional: called with the page's rows before the count (to load what the rows need from
     * other tables); not called when the page is not read. Returns 0, rest_fail's value or a
     * negative -E_*. */
    int (*page_done)(struct rest_call *c, json_t *rows, void *ctx);
    /* Optional: called just before the page is read, with the total (-1 when not counted, or
     * not yet), to set select, where, binds or order then: a select or conditions that vary
     * with the caller, or a plan chosen by the total. A select it sets must outlive the run.
     * Returns 0, rest_fail's value or a negative -E_*. */
    int (*page_begin)(struct rest_call *c, struct rest_list *l, int64_t total);
    /* Optional: counts instead of "<count> WHERE <where>" (a total kept elsewhere, or counted
     * over other tables than the page reads); a list with count_fn is counted even when count
     * is NULL. Sets *total; returns 0, rest_fail's value or a negative -E_*. */
    int (*count_fn)(struct rest_call *c, struct rest_list *l, int64_t *total);
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
 * not -1, there is a count and the page does not tell the total (or first, with count_first),
 * and sets the result. A database error fails the call with 500. Releases l. Returns 0 or
 * rest_fail's value. */
int rest_list_run(struct rest_call *c, struct rest_list *l);
/* Releases l without running it (error paths before rest_list_run). */
void rest_list_release(struct rest_list *l);

#endif
