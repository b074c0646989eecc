/* tasks.task.list and tasks.task.counters.get. A list is one SQL query narrowed to what the
 * caller may see: administrators read tasks_task, everyone else walks their own range of the
 * visibility table (task_access.c), so the first page and the count cost what the caller
 * sees, not what the portal holds. The client's filter is rewritten before it is compiled:
 * Bitrix24's meta statuses (STATUS -1 overdue, -3 almost overdue, -2 unviewed), "now" as a
 * date, camelCase names and "::LOGIC". No rows are filtered after the query. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

#define FILTER_PREP_DEPTH 8
#define NAME_MAX_LEN 64
#define ALMOST_OVERDUE_SECONDS 86400
#define TASKS_INDEX_PLAN_MAX 2000 /* matches a viewer's page may sort */

static const char FROM_ADMIN[] = " FROM tasks_task t";
static const char FROM_VIEWER[] = " FROM tasks_access a JOIN tasks_task t ON t.id = a.task_id";
/* CROSS JOIN keeps the visibility rows as the outer loop, as task_fields_scan intends. */
static const char FROM_VIEWER_PAGE[] =
    " FROM tasks_access a CROSS JOIN tasks_task t ON t.id = a.task_id";
static const char WHERE_ADMIN[] = "1=1";
static const char WHERE_VIEWER[] = "a.user_id = ?";
static const char COUNT_ADMIN_ALL[] = "SELECT COUNT(*) FROM tasks_task t";
static const char COUNT_VIEWER_ALL[] =
    "SELECT COALESCE((SELECT n FROM tasks_access_count WHERE user_id = ?), 0)";

/* Counters of one user, over the open tasks they take part in. */
static const char SQL_COUNTERS[] =
    "SELECT COALESCE(SUM(CASE WHEN m.role IN ('R', 'A') THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN m.role IN ('R', 'A') AND t.deadline < ?2 THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN m.role = 'R' AND t.deadline < ?2 THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN m.role = 'O' AND t.responsible_id <> ?1 AND t.deadline < ?2"
    " THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN m.role = 'A' AND t.deadline < ?2 THEN 1 ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN m.role = 'U' AND t.deadline < ?2 THEN 1 ELSE 0 END), 0)"
    " FROM tasks_member m JOIN tasks_task t ON t.id = m.task_id"
    " WHERE m.user_id = ?1 AND t.status IN (1, 2, 3) AND (?3 = 0 OR t.group_id = ?3)";
/* 1 when ?2 heads a department of ?1 or one above it. */
static const char SQL_IS_HEAD[] =
    "SELECT 1 FROM core_user_department ud"
    " JOIN tasks_dept_tree c ON c.department_id = ud.department_id"
    " JOIN core_department d ON d.id = c.ancestor_id WHERE ud.user_id = ? AND d.head_id = ?"
    " LIMIT 1";

/* "responsibleId" -> "RESPONSIBLE_ID"; names without lower-case letters are kept. */
static void upper_name(const char *in, char *out, size_t size)
{
    bool lower = false;
    size_t n = 0;
    for (const char *p = in; *p; p++)
        lower |= islower((unsigned char)*p) != 0;
    for (const char *p = in; *p && n + 2 < size; p++) {
        if (lower && isupper((unsigned char)*p) && p != in)
            out[n++] = '_';
        out[n++] = (char)toupper((unsigned char)*p);
    }
    out[n] = '\0';
}

static const struct field_def *field_of(const char *name)
{
    return filter_field_find(task_fields, task_fields_n, name);
}

/* Values of v (a scalar or a list) as integers into out; returns the count or -1. */
static int status_values(const json_t *v, int64_t *out, int max)
{
    const char *k;
    json_t *m;
    size_t i;
    int n = 0;
    if (json_is_array(v)) {
        json_array_foreach(v, i, m)
        {
            if (n >= max || params_to_int64(m, &out[n++]))
                return -1;
        }
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, m)
        {
            if (n >= max || params_to_int64(m, &out[n++]))
                return -1;
        }
    } else if (params_to_int64(v, &out[n++])) {
        return -1;
    }
    return n;
}

/* Rewrites [op]STATUS holding meta statuses into an OR group over REAL_STATUS and DEADLINE.
 * *group is NULL when v has no meta status (the key stays as it is). */
static int status_group(struct rest_call *c, const char *op, const json_t *v, json_t **group)
{
    int64_t vals[64], now = (int64_t)time_now_real();
    json_t *reals = json_array(), *g;
    bool overdue = false, almost = false, meta = false;
    int n = status_values(v, vals, 64), idx = 0;
    char key[8];
    *group = NULL;
    if (n < 0) {
        json_decref(reals);
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "filter value for '%sSTATUS' must be "
                         "status numbers",
                         op);
    }
    for (int i = 0; i < n; i++) {
        meta |= vals[i] < 0;
        overdue |= vals[i] == -1;
        almost |= vals[i] == -3;
        if (vals[i] >= 0)
            json_array_append_new(reals, json_integer(vals[i]));
    }
    if (!meta) {
        json_decref(reals);
        return 0;
    }
    if (strcmp(op, "") && strcmp(op, "=") && strcmp(op, "@")) {
        json_decref(reals);
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "filter '%sSTATUS': meta statuses (-1, "
                         "-2, -3) work only with equality",
                         op);
    }
    g = json_pack("{s:s}", "logic", "OR");
    if (json_array_size(reals)) {
        snprintf(key, sizeof(key), "%d", idx++);
        json_object_set_new(g, key, json_pack("{s:o}", "@REAL_STATUS", reals));
    } else {
        json_decref(reals);
    }
    if (overdue) {
        snprintf(key, sizeof(key), "%d", idx++);
        json_object_set_new(
            g, key,
            json_pack("{s:I, s:[iii]}", "<DEADLINE", (json_int_t)now, "@REAL_STATUS", 1, 2, 3));
    }
    if (almost) {
        snprintf(key, sizeof(key), "%d", idx++);
        json_object_set_new(g, key,
                            json_pack("{s:I, s:I, s:[iii]}", ">=DEADLINE", (json_int_t)now,
                                      "<DEADLINE", (json_int_t)(now + ALMOST_OVERDUE_SECONDS),
                                      "@REAL_STATUS", 1, 2, 3));
    }
    if (!idx) /* only -2, unviewed: views are not tracked, so nothing matches */
        json_object_set_new(g, "0", json_pack("{s:i}", "ID", 0));
    *group = g;
    return 0;
}

/* "now" for a date field, also inside a [from, to] list. New reference. */
static json_t *date_value(const json_t *v)
{
    int64_t now = (int64_t)time_now_real();
    if (json_is_string(v) && !strcasecmp(json_string_value(v), "now"))
        return json_integer(now);
    if (json_is_array(v)) {
        json_t *out = json_array(), *m;
        size_t i;
        json_array_foreach(v, i, m) json_array_append_new(out, date_value(m));
        return out;
    }
    return json_incref((json_t *)v);
}

static int filter_prep(struct rest_call *c, const json_t *in, int depth, json_t *out);

static int prep_member(struct rest_call *c, const char *key, const json_t *v, int depth,
                       json_t *out, int *groups)
{
    char name[NAME_MAX_LEN], full[NAME_MAX_LEN + 4], op[4];
    size_t oplen = strspn(key, "!=<>%@?");
    const struct field_def *f;
    json_t *g = NULL;
    if (!strcasecmp(key, "::LOGIC") || !strcasecmp(key, "LOGIC"))
        return json_object_set(out, "logic", (json_t *)v) ? -1 : 0;
    if (!strncmp(key, "::", 2) || (key[0] >= '0' && key[0] <= '9')) {
        json_t *sub;
        int rc;
        if (!json_is_object(v))
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "filter item '%.80s' must be an object",
                             key);
        sub = json_object();
        if (!(rc = filter_prep(c, v, depth + 1, sub)))
            json_object_set(out, key, sub);
        json_decref(sub);
        return rc;
    }
    if (oplen > 3 || strlen(key + oplen) >= sizeof(name))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "filter key '%.80s' is not valid", key);
    memcpy(op, key, oplen);
    op[oplen] = '\0';
    upper_name(key + oplen, name, sizeof(name));
    if (!strcmp(name, "CHECK_PERMISSIONS"))
        return 0;
    snprintf(full, sizeof(full), "%s%s", op, name);
    if (!strcmp(name, "STATUS")) {
        if (status_group(c, op, v, &g))
            return -1;
        if (g) {
            snprintf(full, sizeof(full), "::STATUS-%d", (*groups)++);
            json_object_set_new(out, full, g);
            return 0;
        }
    }
    f = field_of(name);
    if (f && f->type == FIELD_DATETIME)
        json_object_set_new(out, full, date_value(v));
    else
        json_object_set(out, full, (json_t *)v);
    return 0;
}

/* Copies the client's filter into out with the rewrites above. */
static int filter_prep(struct rest_call *c, const json_t *in, int depth, json_t *out)
{
    const char *key;
    json_t *v;
    int groups = 0;
    if (depth > FILTER_PREP_DEPTH)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "filter is nested too deeply");
    json_object_foreach((json_t *)in, key, v)
    {
        if (prep_member(c, key, v, depth, out, &groups))
            return -1;
    }
    return 0;
}

/* select names may come in camelCase ("subStatus"); a single string is one name. */
static json_t *select_names(const json_t *sel)
{
    json_t *out = json_array(), *m;
    char name[NAME_MAX_LEN];
    size_t i;
    if (json_is_string(sel)) {
        upper_name(json_string_value(sel), name, sizeof(name));
        json_array_append_new(out, json_string(name));
        return out;
    }
    if (!json_is_array(sel)) {
        json_decref(out);
        return json_incref((json_t *)sel);
    }
    json_array_foreach(sel, i, m)
    {
        if (json_is_string(m)) {
            upper_name(json_string_value(m), name, sizeof(name));
            json_array_append_new(out, json_string(name));
        } else {
            json_array_append(out, m);
        }
    }
    return out;
}

/* order keys may be camelCase too ("id" with the SDK cursor). */
static json_t *order_names(const json_t *order)
{
    json_t *out, *v;
    const char *key;
    char name[NAME_MAX_LEN];
    if (!json_is_object(order))
        return json_incref((json_t *)order);
    out = json_object();
    json_object_foreach((json_t *)order, key, v)
    {
        upper_name(key, name, sizeof(name));
        json_object_set(out, name, v);
    }
    return out;
}

/* A list's query, the context of its rest_list. The filter is compiled twice when the caller
 * is not an administrator: for the count with the index-friendly viewer table, and for the
 * page with whichever table the count says is cheaper (see page_fields). */
struct list_query {
    json_t *filter;        /* the rewritten filter (owned) */
    json_t *order;         /* order with upper-case names (owned) */
    unsigned char *chosen; /* selected fields (arena) */
    struct strbuf select;  /* the page's select, written by list_begin */
    bool viewer, filtered, by_id;
};

static void list_release(struct list_query *q)
{
    json_decref(q->filter);
    json_decref(q->order);
    strbuf_release(&q->select);
}

/* Reads filter, order and select. */
static int list_build(struct rest_call *c, struct list_query *q)
{
    json_t *fp = rest_param(c, "filter"), *sel;
    char err[256] = "";
    const char *first = NULL;
    void *it;
    int rc = 0;
    q->viewer = !c->auth->is_admin;
    q->filter = json_object();
    if (json_is_array(fp) && json_array_size(fp)) {
        json_t *m, *obj = json_object();
        char key[24];
        size_t i;
        json_array_foreach(fp, i, m)
        {
            snprintf(key, sizeof(key), "%zu", i);
            json_object_set(obj, key, m);
        }
        rc = filter_prep(c, obj, 0, q->filter);
        json_decref(obj);
    } else if (json_is_object(fp)) {
        rc = filter_prep(c, fp, 0, q->filter);
    } else if (fp && !json_is_null(fp) && !json_is_array(fp) &&
               !(json_is_string(fp) && !json_string_length(fp))) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'filter' must be an object");
    }
    if (rc)
        return rc;
    q->filtered = json_object_size(q->filter) > 0;
    q->order = order_names(rest_param(c, "order"));
    it = json_is_object(q->order) ? json_object_iter(q->order) : NULL;
    first = it ? json_object_iter_key(it) : NULL;
    q->by_id = !first || !strcmp(first, "ID");
    sel = select_names(rest_param(c, "select"));
    q->chosen = arena_alloc(c->arena, task_fields_n);
    rc = select_compile(task_fields, task_fields_n, sel, false, q->chosen, err, sizeof(err));
    json_decref(sel);
    if (rc)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

/* where: "<visibility> AND <filter>" for fields, with binds. */
static int list_where(struct rest_call *c, const struct list_query *q,
                      const struct field_def *fields, struct strbuf *where, json_t *binds)
{
    char err[256] = "";
    if (q->viewer)
        json_array_append_new(binds, json_integer(c->auth->user_id));
    if (strbuf_addstr(where, q->viewer ? WHERE_VIEWER : WHERE_ADMIN) ||
        strbuf_addstr(where, " AND "))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "filter is too long");
    if (filter_compile(fields, task_fields_n, q->filter, db_dialect(c->db), where, binds, err,
                       sizeof(err)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

/* Runs a one-number query. */
static int query_number(struct rest_call *c, const char *sql, const json_t *binds, int64_t *out)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare_dyn(c->db, sql, &st);
    if (!rc && (rc = db_bind_json(st, binds, 1)) > 0)
        rc = db_step(st);
    if (rc == DB_ROW) {
        *out = db_col_int(st, 0);
        rc = 0;
    } else if (rc >= 0) {
        rc = -E_DB;
    }
    if (st)
        db_finalize(st);
    return rc;
}

/* The list's count (rest_list count_fn), taken before the page. A viewer's unfiltered total
 * is kept per user; a filter that reads only the visibility table (status, deadline, id) is
 * counted without touching tasks_task. */
static int list_count(struct rest_call *c, struct rest_list *l, int64_t *total)
{
    const struct list_query *q = l->ctx;
    struct strbuf where, sql;
    json_t *binds = json_array();
    int rc;
    strbuf_init(&where, TASKS_SQL_CAP);
    strbuf_init(&sql, 0);
    if (!q->filtered) {
        if (q->viewer)
            json_array_append_new(binds, json_integer(c->auth->user_id));
        rc = query_number(c, q->viewer ? COUNT_VIEWER_ALL : COUNT_ADMIN_ALL, binds, total);
        goto out;
    }
    if ((rc = list_where(c, q, q->viewer ? task_fields_viewer : task_fields, &where, binds)))
        goto out;
    if (!q->viewer)
        strbuf_addf(&sql, "SELECT COUNT(*)%s WHERE %s", FROM_ADMIN, where.buf);
    else if (!strstr(where.buf, "t."))
        strbuf_addf(&sql, "SELECT COUNT(*) FROM tasks_access a WHERE %s", where.buf);
    else
        strbuf_addf(&sql, "SELECT COUNT(*)%s WHERE %s", FROM_VIEWER, where.buf);
    rc = query_number(c, sql.buf, binds, total);
out:
    json_decref(binds);
    strbuf_release(&where);
    strbuf_release(&sql);
    return rc;
}

/* Which table a viewer's page uses. SQLite's statistics describe an average user, so for a
 * user who sees a large share of all tasks it would often pick a filter's index and sort
 * every match. In ID order with many matches (or an unknown count) the scan table makes it
 * walk the user's rows in order and stop after one page; few matches, or another order, are
 * left to the planner. */
static const struct field_def *page_fields(const struct list_query *q, int64_t total)
{
    if (!q->viewer)
        return task_fields;
    if (q->filtered && q->by_id && (total < 0 || total > TASKS_INDEX_PLAN_MAX))
        return task_fields_scan;
    return task_fields_viewer;
}

/* The page's select, conditions and order (rest_list page_begin), for the table the total
 * chooses. */
static int list_begin(struct rest_call *c, struct rest_list *l, int64_t total)
{
    struct list_query *q = l->ctx;
    const struct field_def *fields = page_fields(q, total);
    int rc;
    if ((rc = list_where(c, q, fields, &l->where, l->binds)) ||
        (rc = tasks_list_order(c, fields, task_fields_n, q->order, "ID", "DESC", fields[0].column,
                               &l->order)))
        return rc;
    strbuf_addstr(&q->select, "SELECT ");
    if ((rc = task_select_sql(q->chosen, &q->select)) ||
        (rc = strbuf_addstr(&q->select, !q->viewer                   ? FROM_ADMIN
                                        : fields == task_fields_scan ? FROM_VIEWER_PAGE
                                                                     : FROM_VIEWER)))
        return rc;
    l->select = q->select.buf;
    return 0;
}

static json_t *list_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    const struct list_query *q = ctx;
    (void)c;
    return task_row_json(st, q->chosen);
}

static int task_list(struct rest_call *c)
{
    struct list_query q = {0};
    struct rest_list l;
    int rc;
    strbuf_init(&q.select, TASKS_SQL_CAP);
    rest_list_init(&l, NULL, NULL);
    l.count_first = true;
    l.count_fn = list_count;
    l.page_begin = list_begin;
    l.row = list_row;
    l.ctx = &q;
    if ((rc = rest_list_start(c, &l)) || (rc = list_build(c, &q))) {
        rest_list_release(&l);
        goto out;
    }
    if (!(rc = rest_list_run(c, &l)))
        c->result = json_pack("{s:o}", "tasks", c->result);
out:
    list_release(&q);
    return rc;
}

static json_t *counter(int64_t n)
{
    return json_pack("{s:I, s:s}", "counter", (json_int_t)n, "code", "");
}

/* tasks.task.counters.get: the caller's own counters, or those of a user they head (or any
 * user, for administrators); [] otherwise, as Bitrix24 answers. */
static int task_counters(struct rest_call *c)
{
    static const char *const names[] = {
        "total",          "expired", "my_expired", "originator_expired", "accomplices_expired",
        "auditor_expired"};
    int64_t user = 0, group = 0, args[2], one;
    struct db_stmt *st;
    int rc;
    if (rest_param_id(c, rest_param(c, "userId"), "userId", false, &user) ||
        rest_param_id(c, rest_param(c, "groupId"), "groupId", false, &group))
        return -1;
    if (!user)
        user = c->auth->user_id;
    if (user != c->auth->user_id && !c->auth->is_admin) {
        args[0] = user;
        args[1] = c->auth->user_id;
        rc = tasks_query_int(c->db, SQL_IS_HEAD, 2, args, &one);
        if (rc == -E_NOTFOUND) {
            c->result = json_array();
            return 0;
        }
        if (rc)
            return rest_fail_db(c, rc);
    }
    if ((rc = db_prepare(c->db, SQL_COUNTERS, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, user);
    db_bind_int(st, 2, (int64_t)time_now_real());
    db_bind_int(st, 3, group);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    }
    c->result = json_object();
    for (int i = 0; i < 6; i++)
        json_object_set_new(c->result, names[i], counter(db_col_int(st, i)));
    json_object_set_new(c->result, "new_comments", counter(0));
    db_reset(st);
    return 0;
}

const struct rest_method task_list_methods[] = {
    {.name = "tasks.task.list",
     .scope = "task",
     .fn = task_list,
     .entity = "task",
     .action = PERM_READ,
     .flags = REST_LIST},
    {.name = "tasks.task.counters.get",
     .scope = "task",
     .fn = task_counters,
     .entity = "task",
     .action = PERM_READ},
    {0},
};
