/* The legacy, positional task.commentitem.* methods: add(TASKID, FIELDS{POST_MESSAGE}),
 * update(TASKID, ITEMID, FIELDS), get(TASKID, ITEMID), getlist(TASKID, ORDER, FILTER) and
 * delete(TASKID, ITEMID). Whoever sees a task may read and add comments; authors (and
 * administrators) change or remove their own. Adding emits ONTASKCOMMENTADD with
 * {ID, TASK_ID}, as do update and delete with their events. No files are attached. */
#include <string.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

#define MESSAGE_MAX (64 * 1024)
#define COMMENT_LIST_MAX 1000

#define COMMENT_COLUMNS                                                                            \
    "m.id, m.author_id, trim(COALESCE(u.name, '') || ' ' || COALESCE(u.last_name, '')),"           \
    " COALESCE(u.email, ''), m.post_date, m.message"
#define COMMENT_FROM " FROM tasks_comment m LEFT JOIN core_user u ON u.id = m.author_id"

static const char SQL_GET[] =
    "SELECT " COMMENT_COLUMNS COMMENT_FROM " WHERE m.id = ? AND m.task_id = ?";
static const char SQL_LIST[] = "SELECT " COMMENT_COLUMNS COMMENT_FROM;
static const char SQL_INSERT[] =
    "INSERT INTO tasks_comment (task_id, author_id, post_date, message) VALUES (?, ?, ?, ?)";
static const char SQL_UPDATE[] = "UPDATE tasks_comment SET message = ? WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM tasks_comment WHERE id = ?";
static const char SQL_COUNT[] =
    "UPDATE tasks_task SET comments_count = (SELECT COUNT(*) FROM tasks_comment"
    " WHERE task_id = ?1), activity_date = ?2 WHERE id = ?1";

static const struct field_def comment_fields[] = {
    {"ID", "m.id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"AUTHOR_ID", "m.author_id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"AUTHOR_NAME", "trim(COALESCE(u.name, '') || ' ' || COALESCE(u.last_name, ''))", FIELD_STRING,
     FIELD_FILTER | FIELD_SORT, NULL},
    {"AUTHOR_EMAIL", "u.email", FIELD_STRING, FIELD_SORT, NULL},
    {"POST_DATE", "m.post_date", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
};

static json_t *comment_json(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    (void)c;
    (void)ctx;
    return json_pack("{s:n, s:o, s:o, s:o, s:o, s:o, s:o, s:[]}", "POST_MESSAGE_HTML", "ID",
                     jsonout_int_str(db_col_int(st, 0)), "AUTHOR_ID",
                     jsonout_int_str(db_col_int(st, 1)), "AUTHOR_NAME", db_col_json_text(st, 2),
                     "AUTHOR_EMAIL", db_col_json_text(st, 3), "POST_DATE",
                     db_col_json_time(st, 4, true), "POST_MESSAGE", db_col_json_text(st, 5),
                     "ATTACHED_OBJECTS");
}

/* Loads comment id of the task: its author into *author and, when json is not NULL, the
 * comment as the methods answer it. 400 NOT_FOUND when the task has no such comment. */
static int load_comment(struct rest_call *c, int64_t task_id, int64_t id, int64_t *author,
                        json_t **json)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_GET, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, task_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *author = db_col_int(st, 1);
        if (json)
            *json = comment_json(c, st, NULL);
    }
    db_reset(st);
    if (rc == DB_ROW)
        return 0;
    return rc < 0 ? rest_fail_db(c, rc)
                  : rest_fail(c, 400, "NOT_FOUND", "task %lld has no comment %lld",
                              (long long)task_id, (long long)id);
}

/* Opens the task (argument 0) and, for update and delete, the comment (argument 1), which
 * only its author or an administrator may change. */
static int open_comment(struct rest_call *c, struct task_access *a, int64_t *id)
{
    int64_t author = 0;
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", a) ||
        rest_param_id(c, tasks_arg(c, 1, "ITEMID"), "ITEMID", true, id) ||
        load_comment(c, a->row.id, *id, &author, NULL))
        return -1;
    if (!a->admin && author != c->auth->user_id)
        return rest_fail(c, 403, "ACCESS_DENIED", "only its author may change comment %lld",
                         (long long)*id);
    return 0;
}

static int message_of(struct rest_call *c, json_t *f, const char **out)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *v = json_is_object(f) ? params_get(f, "POST_MESSAGE") : NULL;
    const char *s;
    if (!json_is_object(f))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "argument 'FIELDS' must be an object");
    if (!v || !(s = params_to_str(v, buf, sizeof(buf))) || !*s)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'POST_MESSAGE' is required");
    if (strlen(s) > MESSAGE_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'POST_MESSAGE' is longer than %d "
                         "bytes",
                         MESSAGE_MAX);
    *out = arena_strdup(c->arena, s);
    return 0;
}

static int comment_event(struct rest_call *c, const char *name, int64_t id, int64_t task_id,
                         bool after)
{
    json_t *fields = json_pack("{s:I, s:I}", "ID", (json_int_t)id, "TASK_ID", (json_int_t)task_id);
    json_t *undef = json_string("undefined");
    json_t *data = json_pack("{s:O, s:O, s:s, s:s}", "FIELDS_BEFORE", after ? undef : fields,
                             "FIELDS_AFTER", after ? fields : undef, "IS_ACCESSIBLE_BEFORE",
                             "undefined", "IS_ACCESSIBLE_AFTER", "undefined");
    json_decref(fields);
    json_decref(undef);
    return tasks_emit(c, name, data);
}

static int recount(struct rest_call *c, int64_t task_id)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_COUNT, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, task_id);
    db_bind_int(st, 2, (int64_t)time_now_real());
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rest_fail_db(c, rc < 0 ? rc : -E_DB);
}

static int comment_add(struct rest_call *c)
{
    struct task_access a;
    struct db_stmt *st;
    json_t *f, *v;
    const char *msg;
    int64_t author = c->auth->user_id, when = (int64_t)time_now_real(), id;
    int rc;
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", &a) ||
        message_of(c, f = tasks_arg(c, 1, "FIELDS"), &msg))
        return -1;
    if ((v = params_get(f, "AUTHOR_ID"))) {
        bool active = false;
        if (rest_param_id(c, v, "AUTHOR_ID", true, &author))
            return -1;
        if (author != c->auth->user_id && !a.admin)
            return rest_fail(c, 403, "ACCESS_DENIED",
                             "only administrators may comment on behalf of other users");
        if ((rc = tasks_user_active(c->db, author, &active)))
            return rest_fail_db(c, rc);
        if (!active)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field 'AUTHOR_ID': user %lld does "
                             "not exist",
                             (long long)author);
    }
    if ((v = params_get(f, "POST_DATE")) && (tasks_time_value(v, &when) || when == TASKS_NO_TIME))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'POST_DATE' must be a date-time");
    if ((rc = db_prepare(c->db, SQL_INSERT, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, a.row.id);
    db_bind_int(st, 2, author);
    db_bind_int(st, 3, when);
    db_bind_text(st, 4, msg, -1);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    id = db_last_id(c->db);
    if (recount(c, a.row.id) || comment_event(c, "ONTASKCOMMENTADD", id, a.row.id, true))
        return -1;
    c->result = json_integer(id);
    return 0;
}

static int comment_update(struct rest_call *c)
{
    struct task_access a;
    struct db_stmt *st;
    const char *msg;
    int64_t id;
    int rc;
    if (open_comment(c, &a, &id) || message_of(c, tasks_arg(c, 2, "FIELDS"), &msg))
        return -1;
    if ((rc = db_prepare(c->db, SQL_UPDATE, &st)))
        return rest_fail_db(c, rc);
    db_bind_text(st, 1, msg, -1);
    db_bind_int(st, 2, id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    if (comment_event(c, "ONTASKCOMMENTUPDATE", id, a.row.id, true))
        return -1;
    c->result = json_true();
    return 0;
}

static int comment_delete(struct rest_call *c)
{
    struct task_access a;
    int64_t id;
    int rc;
    if (open_comment(c, &a, &id))
        return -1;
    if (comment_event(c, "ONTASKCOMMENTDELETE", id, a.row.id, false))
        return -1;
    if ((rc = db_run_ints(c->db, SQL_DELETE, 1, &id)))
        return rest_fail_db(c, rc);
    if (recount(c, a.row.id))
        return -1;
    c->result = json_true();
    return 0;
}

static int comment_get(struct rest_call *c)
{
    struct task_access a;
    int64_t id, author;
    json_t *j = NULL;
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", &a) ||
        rest_param_id(c, tasks_arg(c, 1, "ITEMID"), "ITEMID", true, &id) ||
        load_comment(c, a.row.id, id, &author, &j))
        return -1;
    c->result = j;
    return 0;
}

static int comment_getlist(struct rest_call *c)
{
    struct task_access a;
    struct rest_list l;
    const size_t n = ARRAY_SIZE(comment_fields);
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", &a))
        return -1;
    rest_list_init(&l, SQL_LIST, NULL);
    l.plain = true;
    l.page_size = COMMENT_LIST_MAX;
    l.row = comment_json;
    return tasks_item_list(c, &l, comment_fields, n, "m", a.row.id);
}

#define COMMENT_METHOD(n, f, act, fl)                                                              \
    {                                                                                              \
        .name = "task.commentitem." n, .scope = "task", .fn = f, .entity = "task", .action = act,  \
        .flags = fl                                                                                \
    }

const struct rest_method tasks_comment_methods[] = {
    COMMENT_METHOD("add", comment_add, PERM_UPDATE, REST_WRITE),
    COMMENT_METHOD("update", comment_update, PERM_UPDATE, REST_WRITE),
    COMMENT_METHOD("get", comment_get, PERM_READ, 0),
    COMMENT_METHOD("getlist", comment_getlist, PERM_READ, 0),
    COMMENT_METHOD("delete", comment_delete, PERM_UPDATE, REST_WRITE),
    {0},
};
