/* The legacy, positional task.checklistitem.* methods: add(TASKID, FIELDS), update(TASKID,
 * ITEMID, FIELDS), get, getlist(TASKID, ORDER), delete, complete, renew, moveafteritem(TASKID,
 * ITEMID, AFTERITEMID) and isactionallowed(TASKID, ITEMID, ACTIONID). Arguments come by
 * position (JSON array or ?0=..&1[..]=..) or by their documented names. Whoever sees the task
 * reads its checklist; its creator, responsible and accomplices (and administrators) change
 * it. Items answer with UPPER_CASE keys and string values, as Bitrix24 writes them. */
#include <string.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

#define CHECKLIST_TITLE_MAX 2000
#define CHECKLIST_LIST_MAX 1000
#define EDITORS (TASK_ROLE_CREATOR | TASK_ROLE_RESPONSIBLE | TASK_ROLE_ACCOMPLICE)

enum { ACTION_ADD = 1, ACTION_MODIFY, ACTION_REMOVE, ACTION_TOGGLE, ACTION_REORDER };

#define ITEM_COLUMNS                                                                               \
    "c.id, c.task_id, c.parent_id, c.created_by, c.title, c.sort_index, c.is_complete,"            \
    " c.is_important, c.toggled_by, c.toggled_date"

static const char SQL_GET[] =
    "SELECT " ITEM_COLUMNS " FROM tasks_checklist c WHERE c.id = ? AND c.task_id = ?";
static const char SQL_LIST[] = "SELECT " ITEM_COLUMNS " FROM tasks_checklist c";
static const char SQL_NEXT_SORT[] =
    "SELECT COALESCE(MAX(sort_index) + 1, 0) FROM tasks_checklist WHERE task_id = ?"
    " AND parent_id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO tasks_checklist (task_id, parent_id, title, sort_index, is_complete,"
    " is_important, created_by, toggled_by, toggled_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SAVE[] =
    "UPDATE tasks_checklist SET parent_id = ?, title = ?, sort_index = ?, is_complete = ?,"
    " is_important = ?, toggled_by = ?, toggled_date = ? WHERE id = ?";
/* The item and everything below it. */
static const char SQL_DELETE[] =
    "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM tasks_checklist c"
    " JOIN sub ON c.parent_id = sub.id) DELETE FROM tasks_checklist WHERE id IN sub";
static const char SQL_SHIFT[] =
    "UPDATE tasks_checklist SET sort_index = sort_index + 1 WHERE task_id = ? AND parent_id = ?"
    " AND sort_index > ? AND id <> ?";

static const struct field_def item_fields[] = {
    {"ID", "c.id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"PARENT_ID", "c.parent_id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"CREATED_BY", "c.created_by", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"TITLE", "c.title", FIELD_STRING, FIELD_FILTER | FIELD_SORT, NULL},
    {"SORT_INDEX", "c.sort_index", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"IS_COMPLETE", "c.is_complete", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"IS_IMPORTANT", "c.is_important", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"TOGGLED_BY", "c.toggled_by", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"TOGGLED_DATE", "c.toggled_date", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
};

struct item {
    int64_t id, task_id, parent_id, created_by, sort_index, toggled_by, toggled_date;
    const char *title;
    char is_complete, is_important;
};

static json_t *item_json(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    (void)c;
    (void)ctx;
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:[], s:[]}", "ID",
        jsonout_int_str(db_col_int(st, 0)), "TASK_ID", jsonout_int_str(db_col_int(st, 1)),
        "PARENT_ID", jsonout_int_str(db_col_int(st, 2)), "CREATED_BY",
        jsonout_int_str(db_col_int(st, 3)), "TITLE", db_col_json_text(st, 4), "SORT_INDEX",
        jsonout_int_str(db_col_int(st, 5)), "IS_COMPLETE", db_col_json_text(st, 6), "IS_IMPORTANT",
        db_col_json_text(st, 7), "TOGGLED_BY",
        db_col_type(st, 8) == DB_NULL ? json_null() : jsonout_int_str(db_col_int(st, 8)),
        "TOGGLED_DATE", db_col_json_time(st, 9, true), "MEMBERS", "ATTACHMENTS");
}

/* Opens the task of argument 0, requiring edit roles when edit is set. */
static int open_task(struct rest_call *c, bool edit, struct task_access *a)
{
    if (task_access_open(c, tasks_arg(c, 0, "TASKID"), "TASKID", a))
        return -1;
    return edit ? task_access_require(c, a, EDITORS, "change the checklist of") : 0;
}

/* Loads item id of task into it; 400 NOT_FOUND when the task has no such item. When json is
 * not NULL it receives the item as the methods answer it. */
static int load_item(struct rest_call *c, int64_t task_id, int64_t id, struct item *it,
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
    if (rc != DB_ROW) {
        db_reset(st);
        return rc < 0 ? rest_fail_db(c, rc)
                      : rest_fail(c, 400, "NOT_FOUND", "task %lld has no checklist item %lld",
                                  (long long)task_id, (long long)id);
    }
    it->id = id;
    it->task_id = task_id;
    it->parent_id = db_col_int(st, 2);
    it->created_by = db_col_int(st, 3);
    it->title = arena_strdup(c->arena, (s = db_col_text(st, 4)) ? s : "");
    it->sort_index = db_col_int(st, 5);
    it->is_complete = (s = db_col_text(st, 6)) && *s == 'Y' ? 'Y' : 'N';
    it->is_important = (s = db_col_text(st, 7)) && *s == 'Y' ? 'Y' : 'N';
    it->toggled_by = db_col_int(st, 8);
    it->toggled_date = db_col_type(st, 9) == DB_NULL ? TASKS_NO_TIME : db_col_int(st, 9);
    if (json)
        *json = item_json(c, st, NULL);
    db_reset(st);
    return 0;
}

static int item_arg(struct rest_call *c, int index, const char *name, int64_t task_id,
                    struct item *it)
{
    int64_t id;
    if (rest_param_id(c, tasks_arg(c, index, name), name, true, &id))
        return -1;
    return load_item(c, task_id, id, it, NULL);
}

static void toggle(struct rest_call *c, struct item *it, char complete)
{
    if (it->is_complete == complete)
        return;
    it->is_complete = complete;
    it->toggled_by = c->auth->user_id;
    it->toggled_date = (int64_t)time_now_real();
}

/* TITLE, SORT_INDEX, IS_COMPLETE, IS_IMPORTANT and PARENT_ID of f into it. */
static int apply_fields(struct rest_call *c, json_t *f, struct item *it)
{
    char buf[PARAMS_STR_BUFSIZE], yn;
    struct item parent;
    json_t *v;
    int64_t x;
    if ((v = params_get(f, "TITLE"))) {
        const char *s = params_to_str(v, buf, sizeof(buf));
        if (!s || !*s || strlen(s) > CHECKLIST_TITLE_MAX)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field 'TITLE' must be a non-empty "
                             "string of at most %d bytes",
                             CHECKLIST_TITLE_MAX);
        it->title = arena_strdup(c->arena, s);
    }
    if ((v = params_get(f, "SORT_INDEX"))) {
        if (params_to_int64(v, &x) || x < 0 || x > INT32_MAX)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field 'SORT_INDEX' must be a "
                             "non-negative integer");
        it->sort_index = x;
    }
    if ((v = params_get(f, "IS_COMPLETE"))) {
        if (tasks_yn_value(v, &yn))
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'IS_COMPLETE' must be Y or N");
        toggle(c, it, yn);
    }
    if ((v = params_get(f, "IS_IMPORTANT")) && tasks_yn_value(v, &it->is_important))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'IS_IMPORTANT' must be Y or N");
    if ((v = params_get(f, "PARENT_ID"))) {
        if (params_to_int64(v, &x) || x < 0)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field 'PARENT_ID' must be an item id "
                             "or 0");
        if (x && (x == it->id || load_item(c, it->task_id, x, &parent, NULL)))
            return c->status ? -1
                             : rest_fail(c, 400, "INVALID_ARG_VALUE",
                                         "field 'PARENT_ID' must "
                                         "be another item of the task");
        it->parent_id = x;
    }
    return 0;
}

static int save_item(struct rest_call *c, const struct item *it)
{
    struct db_stmt *st;
    char yn[2][2] = {{it->is_complete, 0}, {it->is_important, 0}};
    int rc = db_prepare(c->db, SQL_SAVE, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, it->parent_id);
    db_bind_text(st, 2, it->title, -1);
    db_bind_int(st, 3, it->sort_index);
    db_bind_text(st, 4, yn[0], 1);
    db_bind_text(st, 5, yn[1], 1);
    if (it->toggled_by)
        db_bind_int(st, 6, it->toggled_by);
    else
        db_bind_null(st, 6);
    if (it->toggled_date != TASKS_NO_TIME)
        db_bind_int(st, 7, it->toggled_date);
    else
        db_bind_null(st, 7);
    db_bind_int(st, 8, it->id);
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rest_fail_db(c, rc < 0 ? rc : -E_DB);
}

static int insert_item(struct rest_call *c, struct item *it)
{
    struct db_stmt *st;
    char yn[2][2] = {{it->is_complete, 0}, {it->is_important, 0}};
    int rc = db_prepare(c->db, SQL_INSERT, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, it->task_id);
    db_bind_int(st, 2, it->parent_id);
    db_bind_text(st, 3, it->title, -1);
    db_bind_int(st, 4, it->sort_index);
    db_bind_text(st, 5, yn[0], 1);
    db_bind_text(st, 6, yn[1], 1);
    db_bind_int(st, 7, it->created_by);
    if (it->toggled_by) {
        db_bind_int(st, 8, it->toggled_by);
        db_bind_int(st, 9, it->toggled_date);
    } else {
        db_bind_null(st, 8);
        db_bind_null(st, 9);
    }
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    it->id = db_last_id(c->db);
    return 0;
}

static int checklist_add(struct rest_call *c)
{
    struct task_access a;
    struct item it = {
        .is_complete = 'N', .is_important = 'N', .sort_index = -1, .toggled_date = TASKS_NO_TIME};
    json_t *f;
    int64_t args[2];
    int rc;
    if (open_task(c, true, &a))
        return -1;
    if (!json_is_object(f = tasks_arg(c, 1, "FIELDS")))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "argument 'FIELDS' must be an object");
    if (!params_get(f, "TITLE"))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'TITLE' is required");
    it.task_id = a.row.id;
    it.created_by = c->auth->user_id;
    if (apply_fields(c, f, &it))
        return -1;
    if (it.sort_index < 0) {
        args[0] = it.task_id;
        args[1] = it.parent_id;
        if ((rc = tasks_query_int(c->db, SQL_NEXT_SORT, 2, args, &it.sort_index)))
            return rest_fail_db(c, rc);
    }
    if (insert_item(c, &it))
        return -1;
    c->result = json_integer(it.id);
    return 0;
}

static int checklist_update(struct rest_call *c)
{
    struct task_access a;
    struct item it;
    json_t *f;
    if (open_task(c, true, &a) || item_arg(c, 1, "ITEMID", a.row.id, &it))
        return -1;
    if (!json_is_object(f = tasks_arg(c, 2, "FIELDS")))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "argument 'FIELDS' must be an object");
    if (apply_fields(c, f, &it) || save_item(c, &it))
        return -1;
    c->result = json_null();
    return 0;
}

static int checklist_get(struct rest_call *c)
{
    struct task_access a;
    struct item it;
    int64_t id;
    json_t *j = NULL;
    if (open_task(c, false, &a) ||
        rest_param_id(c, tasks_arg(c, 1, "ITEMID"), "ITEMID", true, &id) ||
        load_item(c, a.row.id, id, &it, &j))
        return -1;
    c->result = j;
    return 0;
}

static int checklist_getlist(struct rest_call *c)
{
    struct task_access a;
    struct rest_list l;
    if (open_task(c, false, &a))
        return -1;
    rest_list_init(&l, SQL_LIST, NULL);
    l.plain = true;
    l.page_size = CHECKLIST_LIST_MAX;
    l.row = item_json;
    strbuf_addstr(&l.where, "c.task_id = ?");
    json_array_append_new(l.binds, json_integer(a.row.id));
    if (tasks_list_order(c, item_fields, ARRAY_SIZE(item_fields), tasks_arg(c, 1, "ORDER"),
                         "SORT_INDEX", "ASC", "c.id", &l.order)) {
        rest_list_release(&l);
        return -1;
    }
    return rest_list_run(c, &l);
}

static int checklist_delete(struct rest_call *c)
{
    struct task_access a;
    struct item it;
    int rc;
    if (open_task(c, true, &a) || item_arg(c, 1, "ITEMID", a.row.id, &it))
        return -1;
    if ((rc = db_run_ints(c->db, SQL_DELETE, 1, &it.id)))
        return rest_fail_db(c, rc);
    c->result = json_true();
    return 0;
}

static int set_complete(struct rest_call *c, char complete)
{
    struct task_access a;
    struct item it;
    if (open_task(c, true, &a) || item_arg(c, 1, "ITEMID", a.row.id, &it))
        return -1;
    toggle(c, &it, complete);
    if (save_item(c, &it))
        return -1;
    c->result = json_true();
    return 0;
}

static int checklist_complete(struct rest_call *c)
{
    return set_complete(c, 'Y');
}

static int checklist_renew(struct rest_call *c)
{
    return set_complete(c, 'N');
}

/* Puts ITEMID right after AFTERITEMID, under the same parent. */
static int checklist_move(struct rest_call *c)
{
    struct task_access a;
    struct item it, after;
    int64_t args[4];
    int rc;
    if (open_task(c, true, &a) || item_arg(c, 1, "ITEMID", a.row.id, &it) ||
        item_arg(c, 2, "AFTERITEMID", a.row.id, &after))
        return -1;
    if (it.id == after.id)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "an item cannot be moved after itself");
    args[0] = a.row.id;
    args[1] = after.parent_id;
    args[2] = after.sort_index;
    args[3] = it.id;
    if ((rc = db_run_ints(c->db, SQL_SHIFT, 4, args)))
        return rest_fail_db(c, rc);
    it.parent_id = after.parent_id;
    it.sort_index = after.sort_index + 1;
    if (save_item(c, &it))
        return -1;
    c->result = json_null();
    return 0;
}

static int checklist_allowed(struct rest_call *c)
{
    struct task_access a;
    struct item it;
    int64_t action;
    if (open_task(c, false, &a) || item_arg(c, 1, "ITEMID", a.row.id, &it))
        return -1;
    if (params_to_int64(tasks_arg(c, 2, "ACTIONID"), &action) || action < ACTION_ADD ||
        action > ACTION_REORDER)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "argument 'ACTIONID' must be 1 to 5");
    c->result = json_boolean(a.admin || (a.roles & EDITORS));
    return 0;
}

#define ITEM_METHOD(n, f, act, fl)                                                                 \
    {                                                                                              \
        .name = "task.checklistitem." n, .scope = "task", .fn = f, .entity = "task",               \
        .action = act, .flags = fl                                                                 \
    }

const struct rest_method tasks_checklist_methods[] = {
    ITEM_METHOD("add", checklist_add, PERM_UPDATE, REST_WRITE),
    ITEM_METHOD("update", checklist_update, PERM_UPDATE, REST_WRITE),
    ITEM_METHOD("get", checklist_get, PERM_READ, 0),
    ITEM_METHOD("getlist", checklist_getlist, PERM_READ, 0),
    ITEM_METHOD("delete", checklist_delete, PERM_UPDATE, REST_WRITE),
    ITEM_METHOD("complete", checklist_complete, PERM_UPDATE, REST_WRITE),
    ITEM_METHOD("renew", checklist_renew, PERM_UPDATE, REST_WRITE),
    ITEM_METHOD("moveafteritem", checklist_move, PERM_UPDATE, REST_WRITE),
    ITEM_METHOD("isactionallowed", checklist_allowed, PERM_READ, 0),
    {0},
};
