/* Tests of the REST list runner (src/core/rest/list.c) below the HTTP layer, on a table of
 * numbered rows: static statements (cached), counting first with the count and page hooks,
 * and the page and count it reads or leaves out. The runner's common path is covered by every
 * list method's API test. */
#include <stdio.h>
#include <string.h>

#include "core/base/arena.h"
#include "core/db/db.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "t.h"

#define ROWS 120 /* t.k is id % 2: 60 rows with k = 1 */

static const char SQL_PAGE[] = "SELECT id FROM t WHERE k = ? ORDER BY id LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM t WHERE k = ?";

/* What the hooks saw, for the checks. */
static struct {
    int counts, begins;
    int64_t begin_total;
} seen;

static int fill(struct db *db)
{
    char sql[64];
    if (db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL)"))
        return -1;
    for (int i = 1; i <= ROWS; i++) {
        snprintf(sql, sizeof(sql), "INSERT INTO t VALUES (%d, %d)", i, i % 2);
        if (db_exec(db, sql))
            return -1;
    }
    return 0;
}

static json_t *id_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    (void)c;
    (void)ctx;
    return json_integer(db_col_int(st, 0));
}

/* Runs l for start (NULL: absent); c holds the result. Returns rest_list_run's value. */
static int run(struct rest_call *c, struct rest_list *l, const char *start)
{
    json_t *params = start ? json_pack("{s:s}", "start", start) : json_object();
    int rc;
    json_decref(c->result);
    c->result = NULL;
    c->params = params;
    c->total = c->next = -1;
    rc = rest_list_run(c, l);
    c->params = NULL;
    json_decref(params);
    return rc;
}

/* The case the next t_with_db runs, on a filled table with a call of its own. */
static void (*table_case)(struct rest_call *c);

static void table_body(struct db *db)
{
    struct arena arena = ARENA_INIT;
    struct rest_call c = {.arena = &arena, .db = db, .total = -1, .next = -1};
    if (fill(db))
        t_fail(__FILE__, __LINE__, "the table cannot be filled");
    else
        table_case(&c);
    json_decref(c.result);
    arena_release(&arena);
}

static void cached_init(struct rest_list *l)
{
    rest_list_init(l, SQL_PAGE, SQL_COUNT);
    l->cached = true;
    l->row = id_row;
    json_array_append_new(l->binds, json_integer(1));
}

static void cached_case(struct rest_call *c)
{
    struct rest_list l;
    /* a full page is counted; the statements are prepared once and reused */
    for (int pass = 0; pass < 2; pass++) {
        cached_init(&l);
        if (run(c, &l, "0") || json_array_size(c->result) != 50 ||
            json_integer_value(json_array_get(c->result, 0)) != 1 || c->total != 60 ||
            c->next != 50)
            t_fail(__FILE__, __LINE__, "first page, pass %d: %zu rows, total %lld, next %lld", pass,
                   json_array_size(c->result), (long long)c->total, (long long)c->next);
    }
    /* a short page tells the total itself */
    cached_init(&l);
    if (run(c, &l, "50") || json_array_size(c->result) != 10 ||
        json_integer_value(json_array_get(c->result, 0)) != 101 || c->total != 60 || c->next != -1)
        t_fail(__FILE__, __LINE__, "last page: %zu rows, total %lld", json_array_size(c->result),
               (long long)c->total);
    /* start=-1: no total, no next */
    cached_init(&l);
    if (run(c, &l, "-1") || json_array_size(c->result) != 50 || c->total != -1 || c->next != -1)
        t_fail(__FILE__, __LINE__, "start=-1: total %lld", (long long)c->total);
    /* a bad start fails before any statement */
    cached_init(&l);
    if (run(c, &l, "x") != -1 || c->status != 400)
        t_fail(__FILE__, __LINE__, "a bad start is refused: status %d", c->status);
}

TEST(list_cached_statements)
{
    table_case = cached_case;
    t_with_db("list_cached", NULL, 0, 0, table_body);
}

/* A count of its own that says 70 (the table has 60 rows with k = 1): the total shown is
 * the hook's, so the runner neither counted nor took it from the page. */
static int count_hook(struct rest_call *c, struct rest_list *l, int64_t *total)
{
    (void)c;
    (void)l;
    seen.counts++;
    *total = 70;
    return 0;
}

/* Sets the page's select and conditions as a caller-dependent list would. */
static int begin_hook(struct rest_call *c, struct rest_list *l, int64_t total)
{
    (void)c;
    seen.begins++;
    seen.begin_total = total;
    l->select = "SELECT id FROM t";
    json_array_append_new(l->binds, json_integer(1));
    strbuf_addstr(&l->where, "k = ?");
    strbuf_addstr(&l->order, " ORDER BY id DESC");
    return 0;
}

static void first_init(struct rest_list *l)
{
    rest_list_init(l, NULL, NULL);
    l->count_first = true;
    l->count_fn = count_hook;
    l->page_begin = begin_hook;
    l->row = id_row;
    memset(&seen, 0, sizeof(seen));
}

static void count_first_case(struct rest_call *c)
{
    struct rest_list l;
    /* counted first; the page sees the total */
    first_init(&l);
    if (run(c, &l, NULL) || json_array_size(c->result) != 50 ||
        json_integer_value(json_array_get(c->result, 0)) != 119 || c->total != 70 ||
        c->next != 50 || seen.counts != 1 || seen.begins != 1 || seen.begin_total != 70)
        t_fail(__FILE__, __LINE__, "first page: %zu rows, total %lld, %d counts, begin saw %lld",
               json_array_size(c->result), (long long)c->total, seen.counts,
               (long long)seen.begin_total);
    /* a short page is still counted by the hook, not taken from the page */
    first_init(&l);
    if (run(c, &l, "50") || json_array_size(c->result) != 10 || c->total != 70 || seen.counts != 1)
        t_fail(__FILE__, __LINE__, "short page: total %lld", (long long)c->total);
    /* a page at the total is not read */
    first_init(&l);
    if (run(c, &l, "70") || json_array_size(c->result) != 0 || c->total != 70 || seen.begins)
        t_fail(__FILE__, __LINE__, "past the end: %zu rows, %d begins", json_array_size(c->result),
               seen.begins);
    /* start=-1: no count; the page sees -1 */
    first_init(&l);
    if (run(c, &l, "-1") || json_array_size(c->result) != 50 || c->total != -1 || seen.counts ||
        seen.begin_total != -1)
        t_fail(__FILE__, __LINE__, "start=-1: %d counts, begin saw %lld", seen.counts,
               (long long)seen.begin_total);
}

TEST(list_count_first_with_hooks)
{
    table_case = count_first_case;
    t_with_db("list_count_first", NULL, 0, 0, table_body);
}
