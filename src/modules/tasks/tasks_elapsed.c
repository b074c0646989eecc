/* The legacy, positional task.elapseditem.* methods: add(TASKID, ARFIELDS{SECONDS,
 * COMMENT_TEXT, USER_ID}), update(TASKID, ITEMID, ARFIELDS), get(TASKID, ITEMID),
 * getlist(TASKID, ORDER, FILTER) with total and paging, and delete(TASKID, ITEMID). Whoever
 * sees a task reads its time records; its creator, responsible and accomplices add their own;
 * a record's owner, the task's creator and administrators change or remove it. The task's
 * TIME_SPENT_IN_LOGS is kept equal to the sum of its records. */
#include <string.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

#define COMMENT_MAX (64 * 1024)
#define SECONDS_MAX (100LL * 24 * 3600) /* one record: at most 100 days */
#define ADDERS (TASK_ROLE_CREATOR | TASK_ROLE_RESPONSIBLE | TASK_ROLE_ACCOMPLICE)

#define ELAPSED_COLUMNS                                                                            \
    "e.id, e.task_id, e.user_id, e.comment_text, e.seconds, e.source, e.created_date,"             \
    " e.date_start, e.date_stop"

static const char SQL_GET[] =
    "SELECT " ELAPSED_COLUMNS " FROM tasks_elapsed e WHERE e.id = ? AND e.task_id = ?";
static const char SQL_LIST[] = "SELECT " ELAPSED_COLUMNS " FROM tasks_elapsed e";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM tasks_elapsed e";
static const char SQL_INSERT[] =
    "INSERT INTO tasks_elapsed (task_id, user_id, seconds, comment_text, source, created_date,"
    " date_start, date_stop) VALUES (?, ?, ?, ?, 2, ?, ?, ?)";
static const char SQL_UPDATE[] =
    "UPDATE tasks_elapsed SET seconds = ?, comment_text = ?, created_date = ? WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM tasks_elapsed WHERE id = ?";
static const char SQL_SPENT[] =
    "UPDATE tasks_task SET time_spent = (SELECT COALESCE(SUM(seconds), 0) FROM tasks_elapsed"
    " WHERE task_id = ?1) WHERE id = ?1";

static const struct field_def elapsed_fields[] = {
    {"ID", "e.id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"USER_ID", "e.user_id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"SECONDS", "e.seconds", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"MINUTES", "(e.seconds / 60)", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"CREATED_DATE", "e.created_date", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
    {"DATE_START", "e.date_start", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
    {"DATE_STOP", "e.date_stop", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
};

struct record {
    int64_t id, user_id, seconds, created_date;
    const char *comment;
};

static json_t *elapsed_json(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    (void)c;
    (void)ctx;
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "ID",
        jsonout_int_str(db_col_int(st, 0)), "TASK_ID", jsonout_int_str(db_col_int(st, 1)),
        "USER_ID", jsonout_int_str(db_col_int(st, 2)), "COMMENT_TEXT", db_col_json_text(st, 3),
        "SECONDS", jsonout_int_str(db_col_int(st, 4)), "MINUTES",
        jsonout_int_str(db_col_int(st, 4) / 60), "SOURCE", jsonout_int_str(db_col_int(st, 5)),
        "CREATED_DATE", db_col_json_time(st, 6, true), "DATE_START", db_col_json_time(st, 7, true),
        "DATE_STOP", db_col_json_time(st, 8, true));
}

/* Loads record id of the task; 400 NOT_FOUND when the task has no such record. */
static int load_record(struct rest_call *c, int64_t task_id, int64_t id, struct record *r,
                       json_t **json)
{
    struct db_stmt *st;
    const char *s;
    int rc = db_prepare(c->db, SQL_GET, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, task_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        r->id = id;
        r->user_id = db_col_int(st, 2);
        r->comment = arena_strdup(c->arena, (s = db_col_text(st, 3)) ? s : "");
        r->seconds = db_col_int(st, 4);
        r->created_date = db_col_int(st, 6);
        if (json)
            *json = elapsed_json(c, st, NULL);
    }
    db_reset(st);
    if (rc == DB_ROW)
        return 0;
    return rc < 0 ? rest_fail_db(c, rc)
                  : rest_fail(c, 400, "NOT_FOUND", "task %lld has no time record %lld",
                              (long long)task_id, (long long)id);
}

/* SECONDS, COMMENT_TEXT and CREATED_DATE of f into r. */
static int apply_fields(struct rest_call *c, json_t *f, struct record *r)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s;
    json_t *v;
    if ((v = params_get(f, "SECONDS")) &&
        (params_to_int64(v, &r->seconds) || r->seconds <= 0 || r->seconds > SECONDS_MAX))
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'SECONDS' must be a positive "
                         "number of seconds up to %lld",
                         SECONDS_MAX);
    if ((v = params_get(f, "COMMENT_TEXT"))) {
        if (!(s = params_to_str(v, buf, sizeof(buf))) || strlen(s) > COMMENT_MAX)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field 'COMMENT_TEXT' must be a string "
                             "of at most %d bytes",
                             COMMENT_MAX);
        r->comment = arena_strdup(c->arena, s);
    }
    if ((v = params_get(f, "CREATED_DATE")) &&
        (tasks_time_value(v, &r->created_date) || r->created_date == TASKS_NO_TIME))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'CREATED_DATE' must be a date-time");
    return 0;
}

static int respend(struct rest_call *c, int64_t task_id)
{
    int rc = db_run_ints(c->db, SQL_SPENT, 1, &task_id);
    return rc ? rest_fail_db(c, rc) : 0;
}

static int elapsed_add(struct rest_call *c)
{
    struct task_access a;
    struct record r = {
        .user_id = c->auth->user_id, .comment = "", .created_date = (int64_t)time_now_real()};
    struct db_stmt *st;
    json_t *f, *v;
    int rc;
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", &a) ||
        task_access_require(c, &a, ADDERS, "log time on"))
        return -1;
    if (!json_is_object(f = tasks_arg(c, 1, "ARFIELDS")))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "argument 'ARFIELDS' must be an object");
    if (!params_get(f, "SECONDS"))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'SECONDS' is required");
    if (apply_fields(c, f, &r))
        return -1;
    if ((v = params_get(f, "USER_ID"))) {
        bool active = false;
        if (rest_param_id(c, v, "USER_ID", true, &r.user_id))
            return -1;
        if (r.user_id != c->auth->user_id && !a.admin)
            return rest_fail(c, 403, "ACCESS_DENIED",
                             "only administrators may log time for other users");
        if ((rc = tasks_user_active(c->db, r.user_id, &active)))
            return rest_fail_db(c, rc);
        if (!active)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field 'USER_ID': user %lld does not "
                             "exist",
                             (long long)r.user_id);
    }
    if ((rc = db_prepare(c->db, SQL_INSERT, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, a.row.id);
    db_bind_int(st, 2, r.user_id);
    db_bind_int(st, 3, r.seconds);
    db_bind_text(st, 4, r.comment, -1);
    db_bind_int(st, 5, r.created_date);
    db_bind_int(st, 6, r.created_date - r.seconds);
    db_bind_int(st, 7, r.created_date);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    r.id = db_last_id(c->db);
    if (respend(c, a.row.id))
        return -1;
    c->result = json_integer(r.id);
    return 0;
}

/* Opens the task and record (arguments 0 and 1) for a change by its owner, the task's
 * creator or an administrator. */
static int open_for_change(struct rest_call *c, struct task_access *a, struct record *r)
{
    int64_t id;
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", a) ||
        rest_param_id(c, tasks_arg(c, 1, "ITEMID"), "ITEMID", true, &id) ||
        load_record(c, a->row.id, id, r, NULL))
        return -1;
    if (!a->admin && r->user_id != c->auth->user_id && !(a->roles & TASK_ROLE_CREATOR))
        return rest_fail(c, 403, "ACCESS_DENIED", "you may not change time record %lld",
                         (long long)id);
    return 0;
}

static int elapsed_update(struct rest_call *c)
{
    struct task_access a;
    struct record r;
    struct db_stmt *st;
    json_t *f;
    int rc;
    if (open_for_change(c, &a, &r))
        return -1;
    if (!json_is_object(f = tasks_arg(c, 2, "ARFIELDS")))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "argument 'ARFIELDS' must be an object");
    if (apply_fields(c, f, &r))
        return -1;
    if ((rc = db_prepare(c->db, SQL_UPDATE, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, r.seconds);
    db_bind_text(st, 2, r.comment, -1);
    db_bind_int(st, 3, r.created_date);
    db_bind_int(st, 4, r.id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    if (respend(c, a.row.id))
        return -1;
    c->result = json_null();
    return 0;
}

static int elapsed_delete(struct rest_call *c)
{
    struct task_access a;
    struct record r;
    int rc;
    if (open_for_change(c, &a, &r))
        return -1;
    if ((rc = db_run_ints(c->db, SQL_DELETE, 1, &r.id)))
        return rest_fail_db(c, rc);
    if (respend(c, a.row.id))
        return -1;
    c->result = json_null();
    return 0;
}

static int elapsed_get(struct rest_call *c)
{
    struct task_access a;
    struct record r;
    int64_t id;
    json_t *j = NULL;
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", &a) ||
        rest_param_id(c, tasks_arg(c, 1, "ITEMID"), "ITEMID", true, &id) ||
        load_record(c, a.row.id, id, &r, &j))
        return -1;
    c->result = j;
    return 0;
}

static int elapsed_getlist(struct rest_call *c)
{
    struct task_access a;
    struct rest_list l;
    const size_t n = ARRAY_SIZE(elapsed_fields);
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", &a))
        return -1;
    rest_list_init(&l, SQL_LIST, SQL_COUNT);
    l.row = elapsed_json;
    return tasks_item_list(c, &l, elapsed_fields, n, "e", a.row.id);
}

#define ELAPSED_METHOD(n, f, act, fl)                                                              \
    {                                                                                              \
        .name = "task.elapseditem." n, .scope = "task", .fn = f, .entity = "task", .action = act,  \
        .flags = fl                                                                                \
    }

const struct rest_method tasks_elapsed_methods[] = {
    ELAPSED_METHOD("add", elapsed_add, PERM_UPDATE, REST_WRITE),
    ELAPSED_METHOD("update", elapsed_update, PERM_UPDATE, REST_WRITE),
    ELAPSED_METHOD("get", elapsed_get, PERM_READ, 0),
    ELAPSED_METHOD("getlist", elapsed_getlist, PERM_READ, REST_LIST),
    ELAPSED_METHOD("delete", elapsed_delete, PERM_UPDATE, REST_WRITE),
    {0},
};
