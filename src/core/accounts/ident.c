/* Shared helpers of the identity methods (contracts in ident.h): JSON binds, list parameters,
 * the paged list runner and value formatting. It holds no state and knows no entity. */
#include "core/accounts/ident.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/rest/rest.h"

/* Top-level parameters of list methods that are never filters. */
static const char *const list_reserved[] = {
    "filter", "order", "sort", "select", "start", "auth", "admin_mode", "find", "name_search", NULL,
};

int ident_bind_json(struct db_stmt *st, const json_t *binds, int first)
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
        else if (json_is_true(v) || json_is_false(v))
            rc = db_bind_int(st, idx, json_is_true(v));
        else
            rc = db_bind_null(st, idx);
        if (rc)
            return rc < 0 ? rc : -E_DB;
        idx++;
    }
    return idx;
}

json_t *ident_id_str(int64_t id)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)id);
    return json_string(buf);
}

json_t *ident_time(struct db_stmt *st, int col)
{
    char buf[40];
    if (db_col_type(st, col) == DB_NULL)
        return json_string("");
    if (time_fmt_iso(buf, sizeof(buf), (double)db_col_int(st, col), 1) < 0)
        return json_string("");
    return json_string(buf);
}

json_t *ident_text(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return json_string(s ? s : "");
}

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

int ident_param_id(struct rest_call *c, const json_t *v, const char *name, bool required,
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

static bool reserved(const char *key)
{
    for (int i = 0; list_reserved[i]; i++)
        if (!strcasecmp(key, list_reserved[i]))
            return true;
    return false;
}

json_t *ident_list_filter(struct rest_call *c, const struct field_def *fields, size_t n)
{
    json_t *f = json_object(), *fp = rest_param(c, "filter"), *v;
    const char *key;
    if (json_is_object(fp)) {
        json_object_update(f, fp);
    } else if (json_is_array(fp)) {
        if (json_array_size(fp))
            json_object_set(f, "0", fp); /* a list of groups */
    } else if (!is_empty(fp)) {
        json_decref(f);
        rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'FILTER' must be an object");
        return NULL;
    }
    json_object_foreach(c->params, key, v)
    {
        const char *name = key + strspn(key, "!=<>%@?");
        const struct field_def *fd;
        if (reserved(key) || name - key > 3 || json_object_get(f, key))
            continue;
        if ((fd = filter_field_find(fields, n, name)) && (fd->flags & FIELD_FILTER))
            json_object_set(f, key, v);
    }
    return f;
}

int ident_list_order(struct rest_call *c, const struct field_def *fields, size_t n,
                     const char *tiebreak, struct strbuf *sql)
{
    json_t *order = rest_param(c, "order"), *sort = rest_param(c, "sort"), *tmp = NULL;
    char err[256] = "", buf[PARAMS_STR_BUFSIZE];
    int rc;
    if (!json_is_object(order) && !json_is_array(order) && (!is_empty(sort) || !is_empty(order))) {
        const char *field = is_empty(sort) ? fields[0].name : params_to_str(sort, buf, sizeof(buf));
        const char *dir = is_empty(order) ? "ASC" : json_string_value(order);
        if (!field || !dir)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "parameters 'sort' and 'order' must be a field name and ASC or DESC");
        tmp = json_object();
        json_object_set_new(tmp, field, json_string(dir));
        order = tmp;
    }
    rc = order_compile(fields, n, order, tiebreak, sql, err, sizeof(err));
    json_decref(tmp);
    if (rc)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

void ident_list_init(struct ident_list *l, const char *select, const char *count)
{
    memset(l, 0, sizeof(*l));
    l->select = select;
    l->count = count;
    strbuf_init(&l->where, IDENT_SQL_CAP);
    strbuf_init(&l->order, IDENT_SQL_CAP);
    l->binds = json_array();
}

void ident_list_release(struct ident_list *l)
{
    strbuf_release(&l->where);
    strbuf_release(&l->order);
    json_decref(l->binds);
    l->binds = NULL;
}

static int list_count(struct db *db, struct ident_list *l, int64_t *total)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    int rc;
    strbuf_init(&sql, 0);
    strbuf_addf(&sql, "%s WHERE %s", l->count, l->where.buf);
    if ((rc = db_prepare_dyn(db, sql.buf, &st)))
        goto out;
    if ((rc = ident_bind_json(st, l->binds, 1)) < 0)
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

static int list_page(struct rest_call *c, struct ident_list *l, int64_t offset, json_t *rows)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    int rc, idx;
    strbuf_init(&sql, 0);
    strbuf_addf(&sql, "%s WHERE %s%s LIMIT %d OFFSET ?", l->select, l->where.buf, l->order.buf,
                REST_PAGE_SIZE);
    if ((rc = db_prepare_dyn(c->db, sql.buf, &st)))
        goto out;
    if ((idx = rc = ident_bind_json(st, l->binds, 1)) < 0)
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
    return rc;
}

int ident_list_run(struct rest_call *c, struct ident_list *l)
{
    int64_t offset = 0, total = -1;
    bool count = true;
    json_t *rows = NULL;
    int rc;
    if (paging_parse(rest_param(c, "start"), &offset, &count)) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE",
                       "parameter 'start' must be a non-negative offset or -1");
        goto out;
    }
    rows = json_array();
    if ((rc = list_page(c, l, offset, rows))) {
        json_decref(rows);
        rc = c->status ? -1 : ident_db_fail(c, rc);
        goto out;
    }
    if (count && !rest_total_from_page(offset, json_array_size(rows), &total) &&
        (rc = list_count(c->db, l, &total))) {
        json_decref(rows);
        rc = ident_db_fail(c, rc);
        goto out;
    }
    rest_set_list(c, rows, total, count ? offset : -1);
out:
    ident_list_release(l);
    return rc;
}

json_t *ident_titles(const struct ident_title *t)
{
    json_t *o = json_object();
    for (; t->name; t++)
        json_object_set_new(o, t->name, json_string(t->title));
    return o;
}

int ident_db_fail(struct rest_call *c, int rc)
{
    return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "the query failed (%s), nothing was written",
                     error_str(rc));
}
