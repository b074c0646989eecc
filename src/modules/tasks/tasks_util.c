/* Helpers shared by the tasks module's method files (contracts in tasks_internal.h): binding
 * filter values, reading ids, id lists, dates and positional arguments, formatting values as
 * Bitrix24 writes them, small queries, paged lists and events. No method logic lives here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/events/bus.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

static const char SQL_USER_ACTIVE[] = "SELECT active FROM core_user WHERE id = ?";

int tasks_bind_json(struct db_stmt *st, const json_t *binds, int first)
{
    size_t i;
    json_t *v;
    int idx = first, rc = 0;
    json_array_foreach(binds, i, v)
    {
        if (json_is_integer(v))
            rc = db_bind_int(st, idx, json_integer_value(v));
        else if (json_is_real(v))
            rc = db_bind_double(st, idx, json_real_value(v));
        else if (json_is_string(v))
            rc = db_bind_text(st, idx, json_string_value(v), (ssize_t)json_string_length(v));
        else if (json_is_boolean(v))
            rc = db_bind_int(st, idx, json_is_true(v));
        else
            rc = db_bind_null(st, idx);
        if (rc)
            return rc < 0 ? rc : -E_DB;
        idx++;
    }
    return idx;
}

/* Written by hand: a task list formats some 800 numbers a page, and snprintf was a visible
 * share of its time. */
json_t *tasks_num(int64_t v)
{
    char buf[24];
    char *p = buf + sizeof(buf);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return json_stringn_nocheck(p, (size_t)(buf + sizeof(buf) - p));
}

json_t *tasks_col_time(struct db_stmt *st, int col, bool empty_string)
{
    char buf[40];
    if (db_col_type(st, col) == DB_NULL ||
        time_fmt_iso(buf, sizeof(buf), (double)db_col_int(st, col), 1) < 0)
        return empty_string ? json_string("") : json_null();
    return json_string(buf);
}

json_t *tasks_col_text(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return json_string(s ? s : "");
}

int tasks_db_fail(struct rest_call *c, int rc)
{
    return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "the query failed (%s), nothing was written",
                     error_str(rc));
}

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

int tasks_param_id(struct rest_call *c, const json_t *v, const char *name, bool required,
                   int64_t *out)
{
    int64_t id = 0;
    *out = 0;
    if (is_empty(v)) {
        if (!required)
            return 0;
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter '%s' is required", name);
    }
    if (params_to_int64(v, &id) || id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' must be a positive id", name);
    *out = id;
    return 0;
}

json_t *tasks_arg(struct rest_call *c, int index, const char *name)
{
    char key[16];
    const char *k;
    json_t *v;
    int i = 0;
    snprintf(key, sizeof(key), "%d", index);
    if ((v = json_object_get(c->params, key)))
        return v;
    if (name && (v = params_get(c->params, name)))
        return v;
    json_object_foreach(c->params, k, v)
    {
        if (!strcasecmp(k, "auth"))
            continue;
        if (i++ == index)
            return v;
    }
    return NULL;
}

static int id_add(int64_t *ids, size_t max, size_t *n, int64_t id)
{
    for (size_t i = 0; i < *n; i++)
        if (ids[i] == id)
            return 0;
    if (*n >= max)
        return -E_TOOBIG;
    ids[(*n)++] = id;
    return 0;
}

/* Splits "1, 2,3" into ids. */
static int id_string(const char *s, int64_t *ids, size_t max, size_t *n)
{
    while (*s) {
        char *end;
        long long v;
        s += strspn(s, " ,");
        if (!*s)
            break;
        v = strtoll(s, &end, 10);
        if (end == s || v <= 0 || (*end && *end != ',' && *end != ' '))
            return -E_INVAL;
        if (id_add(ids, max, n, v))
            return -E_TOOBIG;
        s = end;
    }
    return 0;
}

int tasks_id_list(struct rest_call *c, const json_t *v, const char *name, int64_t *ids, size_t max,
                  size_t *n)
{
    const char *k;
    json_t *m;
    size_t i;
    int64_t id;
    int rc = 0;
    *n = 0;
    if (is_empty(v))
        return 0;
    if (json_is_string(v)) {
        rc = id_string(json_string_value(v), ids, max, n);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, m)
        {
            if (is_empty(m))
                continue;
            if (params_to_int64(m, &id) || id <= 0 || (rc = id_add(ids, max, n, id)))
                break;
        }
        if (!rc && i < json_array_size(v))
            rc = -E_INVAL;
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, m)
        {
            if (is_empty(m))
                continue;
            if (params_to_int64(m, &id) || id <= 0) {
                rc = -E_INVAL;
                break;
            }
            if ((rc = id_add(ids, max, n, id)))
                break;
        }
    } else if (!params_to_int64(v, &id) && id > 0) {
        rc = id_add(ids, max, n, id);
    } else {
        rc = -E_INVAL;
    }
    if (rc == -E_TOOBIG)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'%s' holds more than %zu users", name, max);
    if (rc)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "'%s' must be a list of user ids", name);
    return 0;
}

int tasks_time_value(const json_t *v, int64_t *out)
{
    const char *s;
    if (is_empty(v)) {
        *out = TASKS_NO_TIME;
        return 0;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (!(s = json_string_value(v)))
        return -E_INVAL;
    if (!strcasecmp(s, "now")) {
        *out = (int64_t)time_now_real();
        return 0;
    }
    return time_parse_iso(s, out);
}

int tasks_yn_value(const json_t *v, char *out)
{
    bool b;
    if (params_to_bool(v, &b))
        return -E_INVAL;
    *out = b ? 'Y' : 'N';
    return 0;
}

int tasks_user_active(struct db *db, int64_t user_id, bool *active)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_USER_ACTIVE, &st);
    *active = false;
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    rc = db_step(st);
    if (rc == DB_ROW)
        *active = db_col_int(st, 0) != 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int tasks_exec_ints(struct db *db, const char *sql, int n, const int64_t *args)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        db_bind_int(st, i + 1, args[i]);
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

int tasks_query_int(struct db *db, const char *sql, int n, const int64_t *args, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        db_bind_int(st, i + 1, args[i]);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *out = db_col_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = -E_NOTFOUND;
    }
    db_reset(st);
    return rc;
}

int tasks_emit(struct rest_call *c, const char *name, json_t *data)
{
    struct event ev = {name, data, c->db, c->auth ? c->auth->user_id : 0};
    int rc = events_emit(&ev);
    json_decref(data);
    if (rc)
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                         "a subscriber of '%s' failed, nothing was written", name);
    return 0;
}

json_t *tasks_fields_param(struct rest_call *c, const char *name)
{
    json_t *f = rest_param(c, name);
    if (!f) {
        rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter '%s' is required", name);
        return NULL;
    }
    if (!json_is_object(f)) {
        rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' must be an object", name);
        return NULL;
    }
    return f;
}

/* ---- paged lists ----------------------------------------------------------------------- */

void tasks_list_init(struct tasks_list *l, const char *select, const char *count)
{
    memset(l, 0, sizeof(*l));
    l->select = select;
    l->count = count;
    l->page_size = REST_PAGE_SIZE;
    l->list = true;
    strbuf_init(&l->where, TASKS_SQL_CAP);
    strbuf_init(&l->order, TASKS_SQL_CAP);
    l->binds = json_array();
}

void tasks_list_release(struct tasks_list *l)
{
    strbuf_release(&l->where);
    strbuf_release(&l->order);
    json_decref(l->binds);
    l->binds = NULL;
}

static int list_count(struct db *db, struct tasks_list *l, int64_t *total)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    int rc;
    strbuf_init(&sql, 0);
    strbuf_addf(&sql, "%s WHERE %s", l->count, l->where.buf);
    if ((rc = db_prepare_dyn(db, sql.buf, &st)))
        goto out;
    if ((rc = tasks_bind_json(st, l->binds, 1)) < 0)
        goto out;
    rc = db_step(st);
    if (rc == DB_ROW) {
        *total = db_col_int(st, 0);
        rc = 0;
    } else {
        rc = rc < 0 ? rc : -E_DB;
    }
out:
    if (st)
        db_finalize(st);
    strbuf_release(&sql);
    return rc;
}

static int list_page(struct rest_call *c, struct tasks_list *l, int64_t offset, json_t *rows)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    int rc, idx;
    strbuf_init(&sql, 0);
    strbuf_addf(&sql, "%s WHERE %s%s LIMIT %d OFFSET ?", l->select, l->where.buf, l->order.buf,
                l->page_size);
    if ((rc = db_prepare_dyn(c->db, sql.buf, &st)))
        goto out;
    if ((idx = rc = tasks_bind_json(st, l->binds, 1)) < 0)
        goto out;
    db_bind_int(st, idx, offset);
    while ((rc = db_step(st)) == DB_ROW) {
        json_t *row = l->row(c, st, l->ctx);
        if (!row) {
            rc = -E_DB;
            goto out;
        }
        json_array_append_new(rows, row);
    }
out:
    if (st)
        db_finalize(st);
    strbuf_release(&sql);
    return rc < 0 ? rc : 0;
}

int tasks_list_run(struct rest_call *c, struct tasks_list *l)
{
    int64_t offset = 0, total = -1;
    bool count = l->list && l->count;
    json_t *rows = NULL;
    int rc = 0;
    if (l->list && paging_parse(rest_param(c, "start"), &offset, &count)) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE",
                       "parameter 'start' must be a non-negative offset or -1");
        goto out;
    }
    count = count && l->count;
    if (count && (rc = list_count(c->db, l, &total))) {
        rc = tasks_db_fail(c, rc);
        goto out;
    }
    rows = json_array();
    if ((rc = list_page(c, l, offset, rows))) {
        json_decref(rows);
        rc = c->status ? -1 : tasks_db_fail(c, rc);
        goto out;
    }
    if (l->list)
        rest_set_list(c, rows, total, count ? offset : -1);
    else
        c->result = rows;
out:
    tasks_list_release(l);
    return rc;
}

int tasks_list_order(struct rest_call *c, const struct field_def *fields, size_t n,
                     const json_t *order, const char *default_field, const char *default_dir,
                     const char *tiebreak, struct strbuf *sql)
{
    char err[256] = "";
    json_t *tmp = NULL;
    int rc;
    if (!order || json_is_null(order) || (json_is_array(order) && !json_array_size(order)) ||
        (json_is_string(order) && !json_string_length(order)) ||
        (json_is_object(order) && !json_object_size(order))) {
        order = tmp = json_pack("{s:s}", default_field, default_dir);
    } else if (!json_is_object(order)) {
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'order' must be an object");
    }
    rc = order_compile(fields, n, order, tiebreak, sql, err, sizeof(err));
    json_decref(tmp);
    if (rc)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

int tasks_list_filter(struct rest_call *c, const struct field_def *fields, size_t n,
                      const json_t *filter, struct tasks_list *l)
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
