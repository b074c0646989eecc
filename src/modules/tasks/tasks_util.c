/* Helpers shared by the tasks module's method files (contracts in tasks_internal.h): reading
 * id lists, dates and positional arguments, formatting values as Bitrix24 writes them, small
 * queries, list order and events. Lists run through core's rest/list.h. No method logic lives
 * here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/events/bus.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

static const char SQL_USER_ACTIVE[] = "SELECT active FROM core_user WHERE id = ?";

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
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

int tasks_item_list(struct rest_call *c, struct rest_list *l, const struct field_def *fields,
                    size_t n, const char *alias, int64_t task_id)
{
    char tiebreak[32];
    snprintf(tiebreak, sizeof(tiebreak), "%s.id", alias);
    strbuf_addf(&l->where, "%s.task_id = ?", alias);
    json_array_append_new(l->binds, json_integer(task_id));
    if (rest_list_filter(c, fields, n, tasks_arg(c, 2, "FILTER"), l) ||
        tasks_list_order(c, fields, n, tasks_arg(c, 1, "ORDER"), "ID", "ASC", tiebreak,
                         &l->order)) {
        rest_list_release(l);
        return -1;
    }
    return rest_list_run(c, l);
}
