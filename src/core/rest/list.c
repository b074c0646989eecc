/* The paged list runner (contracts in list.h): `start`, the page, the count a short page
 * makes unnecessary, and the list result. Conditions, order and row formats are the caller's. */
#include "core/rest/list.h"

#include <string.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/rest/rest.h"

int rest_param_start(struct rest_call *c, int64_t *offset, bool *count_total)
{
    if (paging_parse(rest_param(c, "start"), offset, count_total))
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'start' must be a non-negative offset or -1");
    return 0;
}

void rest_list_init(struct rest_list *l, const char *select, const char *count)
{
    memset(l, 0, sizeof(*l));
    l->select = select;
    l->count = count;
    l->page_size = REST_PAGE_SIZE;
    strbuf_init(&l->where, REST_LIST_SQL_CAP);
    strbuf_init(&l->order, REST_LIST_SQL_CAP);
    l->binds = json_array();
}

void rest_list_release(struct rest_list *l)
{
    strbuf_release(&l->where);
    strbuf_release(&l->order);
    json_decref(l->binds);
    l->binds = NULL;
}

int rest_list_start(struct rest_call *c, struct rest_list *l)
{
    int rc = rest_param_start(c, &l->offset, &l->count_total);
    l->have_start = !rc;
    return rc;
}

int rest_list_filter(struct rest_call *c, const struct field_def *fields, size_t n,
                     const json_t *filter, struct rest_list *l)
{
    char err[256] = "";
    if (filter && !json_is_null(filter) && !json_is_object(filter) &&
        !(json_is_array(filter) && !json_array_size(filter)) &&
        !(json_is_string(filter) && !json_string_length(filter)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'filter' must be an object");
    if (!json_is_object(filter))
        filter = NULL;
    if (strbuf_addstr(&l->where, " AND "))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "filter is too long");
    if (filter_compile(fields, n, filter, db_dialect(c->db), &l->where, l->binds, err, sizeof(err)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

/* Prepares l's page or count statement: the static one (cached) or one built from l's parts. */
static int list_prepare(struct rest_call *c, const struct rest_list *l, bool page,
                        struct db_stmt **st)
{
    struct strbuf sql;
    int rc;
    if (l->cached)
        return db_prepare(c->db, page ? l->select : l->count, st);
    strbuf_init(&sql, 0);
    if (page)
        strbuf_addf(&sql, "%s WHERE %s%s LIMIT %d OFFSET ?", l->select, l->where.buf, l->order.buf,
                    l->page_size);
    else
        strbuf_addf(&sql, "%s WHERE %s", l->count, l->where.buf);
    rc = db_prepare_dyn(c->db, sql.buf, st);
    strbuf_release(&sql);
    return rc;
}

static void list_stmt_done(const struct rest_list *l, struct db_stmt *st)
{
    if (!st)
        return;
    if (l->cached)
        db_reset(st);
    else
        db_finalize(st);
}

static int list_count(struct rest_call *c, struct rest_list *l, int64_t *total)
{
    struct db_stmt *st = NULL;
    int rc;
    if (l->count_fn)
        return l->count_fn(c, l, total);
    if ((rc = list_prepare(c, l, false, &st)))
        goto out;
    if ((rc = db_bind_json(st, l->binds, 1)) < 0)
        goto out;
    rc = db_step(st);
    if (rc == DB_ROW) {
        *total = db_col_int(st, 0);
        rc = 0;
    } else {
        rc = rc < 0 ? rc : -E_DB;
    }
out:
    list_stmt_done(l, st);
    return rc;
}

static int list_page(struct rest_call *c, struct rest_list *l, json_t *rows)
{
    struct db_stmt *st = NULL;
    int rc, idx;
    if ((rc = list_prepare(c, l, true, &st)))
        goto out;
    if ((idx = rc = db_bind_json(st, l->binds, 1)) < 0)
        goto out;
    if (l->cached)
        db_bind_int(st, idx++, l->page_size);
    db_bind_int(st, idx, l->offset);
    while ((rc = db_step(st)) == DB_ROW) {
        json_t *row = l->row(c, st, l->ctx);
        if (!row) {
            rc = -E_DB;
            goto out;
        }
        json_array_append_new(rows, row);
    }
out:
    list_stmt_done(l, st);
    return rc < 0 ? rc : 0;
}

/* Reads the page unless a count taken first puts it past the end. */
static int list_rows(struct rest_call *c, struct rest_list *l, int64_t total, json_t *rows)
{
    int rc;
    if (l->count_first && l->count_total && total <= l->offset)
        return 0;
    if ((l->page_begin && (rc = l->page_begin(c, l, total))) || (rc = list_page(c, l, rows)) ||
        (l->page_done && (rc = l->page_done(c, rows, l->ctx))))
        return rc;
    return 0;
}

int rest_list_run(struct rest_call *c, struct rest_list *l)
{
    int64_t total = -1;
    json_t *rows = NULL;
    int rc = 0;
    if (l->plain) {
        l->offset = 0;
        l->count_total = false;
    } else if (!l->have_start && (rc = rest_list_start(c, l))) {
        goto out;
    }
    l->count_total = l->count_total && (l->count || l->count_fn);
    rows = json_array();
    if ((l->count_first && l->count_total && (rc = list_count(c, l, &total))) ||
        (rc = list_rows(c, l, total, rows))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    /* a short page is the last one: its total needs no count */
    if (l->count_total && !l->count_first &&
        !(l->page_size == REST_PAGE_SIZE &&
          rest_total_from_page(l->offset, json_array_size(rows), &total)) &&
        (rc = list_count(c, l, &total))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    if (l->plain)
        c->result = rows;
    else
        rest_set_list(c, rows, total, l->count_total ? l->offset : -1);
    rows = NULL;
out:
    json_decref(rows);
    rest_list_release(l);
    return rc;
}
