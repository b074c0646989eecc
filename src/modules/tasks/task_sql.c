/* The SQL of tasks (contracts in tasks_internal.h): the field table clients filter, sort and
 * select by, the camelCase rendering of a task row, and loading and writing a task with its
 * participants, tags and CRM links. Who may see or change a task is task_access.c's job;
 * validating client input is task.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "modules/tasks/tasks_internal.h"

#define F FIELD_FILTER
#define S FIELD_SORT
#define SEL FIELD_SELECT
#define M FIELD_MULTI

/* The three tables differ in where ID, STATUS and DEADLINE are read from (a viewer's come from
 * the visibility table, whose indexes answer them) and in P, "+" in the scan table: a unary
 * plus keeps SQLite from using an index for a term, so a viewer's page walks their visibility
 * rows in ID order and stops at 50 matches instead of sorting every match. */
#define TASK_FIELDS_REST(P, status, deadline)                                                      \
    {"PARENT_ID", P "t.parent_id", FIELD_INT, F | S | SEL, NULL},                                  \
        {"TITLE", P "t.title", FIELD_STRING, F | S | SEL, NULL},                                   \
        {"DESCRIPTION", P "t.description", FIELD_STRING, F | SEL, NULL},                           \
        {"MARK", P "t.mark", FIELD_STRING, F | S | SEL, NULL},                                     \
        {"PRIORITY", P "t.priority", FIELD_INT, F | S | SEL, NULL},                                \
        {"STATUS", P status, FIELD_INT, F | S | SEL, NULL},                                        \
        {"SUB_STATUS", P "t.status", FIELD_INT, SEL, NULL},                                        \
        {"GROUP_ID", P "t.group_id", FIELD_INT, F | S | SEL, NULL},                                \
        {"CREATED_BY", P "t.created_by", FIELD_INT, F | S | SEL, NULL},                            \
        {"RESPONSIBLE_ID", P "t.responsible_id", FIELD_INT, F | S | SEL, NULL},                    \
        {"CHANGED_BY", P "t.changed_by", FIELD_INT, F | S | SEL, NULL},                            \
        {"STATUS_CHANGED_BY", P "t.status_changed_by", FIELD_INT, F | S | SEL, NULL},              \
        {"CLOSED_BY", P "t.closed_by", FIELD_INT, F | S | SEL, NULL},                              \
        {"CREATED_DATE", P "t.created_date", FIELD_DATETIME, F | S | SEL, NULL},                   \
        {"CHANGED_DATE", P "t.changed_date", FIELD_DATETIME, F | S | SEL, NULL},                   \
        {"STATUS_CHANGED_DATE", P "t.status_changed_date", FIELD_DATETIME, F | S | SEL, NULL},     \
        {"CLOSED_DATE", P "t.closed_date", FIELD_DATETIME, F | S | SEL, NULL},                     \
        {"ACTIVITY_DATE", P "t.activity_date", FIELD_DATETIME, F | S | SEL, NULL},                 \
        {"DATE_START", P "t.date_start", FIELD_DATETIME, F | S | SEL, NULL},                       \
        {"DEADLINE", P deadline, FIELD_DATETIME, F | S | SEL, NULL},                               \
        {"START_DATE_PLAN", P "t.start_date_plan", FIELD_DATETIME, F | S | SEL, NULL},             \
        {"END_DATE_PLAN", P "t.end_date_plan", FIELD_DATETIME, F | S | SEL, NULL},                 \
        {"TASK_CONTROL", P "t.task_control", FIELD_CHAR, F | S | SEL, NULL},                       \
        {"ALLOW_CHANGE_DEADLINE", P "t.allow_change_deadline", FIELD_CHAR, F | S | SEL, NULL},     \
        {"ALLOW_TIME_TRACKING", P "t.allow_time_tracking", FIELD_CHAR, F | S | SEL, NULL},         \
        {"ADD_IN_REPORT", P "t.add_in_report", FIELD_CHAR, F | S | SEL, NULL},                     \
        {"TIME_ESTIMATE", P "t.time_estimate", FIELD_INT, F | S | SEL, NULL},                      \
        {"TIME_SPENT_IN_LOGS", P "t.time_spent", FIELD_INT, F | S | SEL, NULL},                    \
        {"COMMENTS_COUNT", P "t.comments_count", FIELD_INT, F | S | SEL, NULL},                    \
        {"XML_ID", P "t.xml_id", FIELD_STRING, F | S | SEL, NULL},                                 \
        {"ACCOMPLICES",                                                                            \
         P "(SELECT group_concat(m.user_id) FROM tasks_member m WHERE m.task_id = t.id"            \
           " AND m.role = 'A')",                                                                   \
         FIELD_STRING, SEL, NULL},                                                                 \
        {"AUDITORS",                                                                               \
         P "(SELECT group_concat(m.user_id) FROM tasks_member m WHERE m.task_id = t.id"            \
           " AND m.role = 'U')",                                                                   \
         FIELD_STRING, SEL, NULL},                                                                 \
        {"TAGS",                                                                                   \
         P "(SELECT group_concat(g.name, char(31)) FROM tasks_tag g WHERE g.task_id = t.id)",      \
         FIELD_STRING, SEL | M, NULL},                                                             \
        {"UF_CRM_TASK",                                                                            \
         P "(SELECT group_concat(r.ref, char(31)) FROM tasks_crm r WHERE r.task_id = t.id)",       \
         FIELD_STRING, F | SEL | M, "t.id IN (SELECT task_id FROM tasks_crm WHERE ref = ?)"},      \
        {"REAL_STATUS", P status, FIELD_INT, F | S, NULL},                                         \
        {"MEMBER", P "t.id", FIELD_INT, F | M,                                                     \
         "t.id IN (SELECT task_id FROM tasks_member WHERE user_id = ?)"},                          \
        {"ACCOMPLICE", P "t.id", FIELD_INT, F | M,                                                 \
         "t.id IN (SELECT task_id FROM tasks_member WHERE user_id = ? AND role = 'A')"},           \
        {"AUDITOR", P "t.id", FIELD_INT, F | M,                                                    \
         "t.id IN (SELECT task_id FROM tasks_member WHERE user_id = ? AND role = 'U')"},           \
        {"TAG", P "t.id", FIELD_STRING, F | M,                                                     \
         "t.id IN (SELECT task_id FROM tasks_tag WHERE name = ?)"},                                \
        {"ONLY_ROOT_TASKS", P "(CASE WHEN t.parent_id = 0 THEN 'Y' ELSE 'N' END)", FIELD_CHAR, F,  \
         NULL},                                                                                    \
        {"FAVORITE", P "'N'", FIELD_CHAR, F, NULL},

const struct field_def task_fields[] = {{"ID", "t.id", FIELD_INT, F | S | SEL, NULL},
                                        TASK_FIELDS_REST("", "t.status", "t.deadline")};

const struct field_def task_fields_viewer[] = {{"ID", "a.task_id", FIELD_INT, F | S | SEL, NULL},
                                               TASK_FIELDS_REST("", "a.status", "a.deadline")};

const struct field_def task_fields_scan[] = {{"ID", "a.task_id", FIELD_INT, F | S | SEL, NULL},
                                             TASK_FIELDS_REST("+", "a.status", "a.deadline")};

const size_t task_fields_n = ARRAY_SIZE(task_fields);

/* In the order of task_fields. */
const struct task_out_def task_outs[] = {
    {"id", TASK_OUT_NUM},
    {"parentId", TASK_OUT_NUM_NULL0},
    {"title", TASK_OUT_TEXT},
    {"description", TASK_OUT_TEXT},
    {"mark", TASK_OUT_TEXT_NULL},
    {"priority", TASK_OUT_NUM},
    {"status", TASK_OUT_NUM},
    {"subStatus", TASK_OUT_SUBSTATUS},
    {"groupId", TASK_OUT_NUM},
    {"createdBy", TASK_OUT_NUM},
    {"responsibleId", TASK_OUT_NUM},
    {"changedBy", TASK_OUT_NUM_NULL0},
    {"statusChangedBy", TASK_OUT_NUM_NULL0},
    {"closedBy", TASK_OUT_NUM_NULL0},
    {"createdDate", TASK_OUT_TIME},
    {"changedDate", TASK_OUT_TIME},
    {"statusChangedDate", TASK_OUT_TIME},
    {"closedDate", TASK_OUT_TIME},
    {"activityDate", TASK_OUT_TIME},
    {"dateStart", TASK_OUT_TIME},
    {"deadline", TASK_OUT_TIME},
    {"startDatePlan", TASK_OUT_TIME},
    {"endDatePlan", TASK_OUT_TIME},
    {"taskControl", TASK_OUT_TEXT},
    {"allowChangeDeadline", TASK_OUT_TEXT},
    {"allowTimeTracking", TASK_OUT_TEXT},
    {"addInReport", TASK_OUT_TEXT},
    {"timeEstimate", TASK_OUT_NUM},
    {"timeSpentInLogs", TASK_OUT_NUM},
    {"commentsCount", TASK_OUT_NUM},
    {"xmlId", TASK_OUT_TEXT_NULL},
    {"accomplices", TASK_OUT_IDS},
    {"auditors", TASK_OUT_IDS},
    {"tags", TASK_OUT_LIST},
    {"ufCrmTask", TASK_OUT_LIST},
    {NULL, TASK_OUT_NONE},
    {NULL, TASK_OUT_NONE},
    {NULL, TASK_OUT_NONE},
    {NULL, TASK_OUT_NONE},
    {NULL, TASK_OUT_NONE},
    {NULL, TASK_OUT_NONE},
    {NULL, TASK_OUT_NONE},
};

_Static_assert(ARRAY_SIZE(task_outs) == ARRAY_SIZE(task_fields),
               "task_outs must have one entry per task field");

enum { FIELD_CREATED_BY = 9, FIELD_RESPONSIBLE_ID = 10 };

/* The user objects of creator and responsible: "name" US "position" US "photo". */
#define USER_INFO(col)                                                                             \
    "(SELECT trim(u.name || ' ' || u.last_name) || char(31) || u.position || char(31) ||"          \
    " u.photo FROM core_user u WHERE u.id = " col ")"

static const char SQL_LOAD[] =
    "SELECT t.id, t.parent_id, t.title, t.description, t.priority, t.status, t.mark, t.group_id,"
    " t.created_by, t.responsible_id, t.changed_by, t.status_changed_by, t.closed_by,"
    " t.created_date, t.changed_date, t.status_changed_date, t.closed_date, t.activity_date,"
    " t.date_start, t.deadline, t.start_date_plan, t.end_date_plan, t.task_control,"
    " t.allow_change_deadline, t.allow_time_tracking, t.add_in_report, t.time_estimate,"
    " t.xml_id FROM tasks_task t WHERE t.id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO tasks_task (parent_id, title, description, priority, status, mark, group_id,"
    " created_by, responsible_id, changed_by, status_changed_by, closed_by, created_date,"
    " changed_date, status_changed_date, closed_date, activity_date, date_start, deadline,"
    " start_date_plan, end_date_plan, task_control, allow_change_deadline, allow_time_tracking,"
    " add_in_report, time_estimate, xml_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SAVE[] =
    "UPDATE tasks_task SET parent_id = ?, title = ?, description = ?, priority = ?, status = ?,"
    " mark = ?, group_id = ?, created_by = ?, responsible_id = ?, changed_by = ?,"
    " status_changed_by = ?, closed_by = ?, created_date = ?, changed_date = ?,"
    " status_changed_date = ?, closed_date = ?, activity_date = ?, date_start = ?, deadline = ?,"
    " start_date_plan = ?, end_date_plan = ?, task_control = ?, allow_change_deadline = ?,"
    " allow_time_tracking = ?, add_in_report = ?, time_estimate = ?, xml_id = ? WHERE id = ?";
static const char SQL_MEMBERS_CLEAR[] = "DELETE FROM tasks_member WHERE task_id = ? AND role = ?";
static const char SQL_MEMBER_ADD[] =
    "INSERT OR IGNORE INTO tasks_member (task_id, user_id, role) VALUES (?, ?, ?)";
static const char SQL_MEMBERS_GET[] =
    "SELECT user_id FROM tasks_member WHERE task_id = ? AND role = ? ORDER BY user_id";
static const char SQL_TAGS_CLEAR[] = "DELETE FROM tasks_tag WHERE task_id = ?";
static const char SQL_TAG_ADD[] = "INSERT OR IGNORE INTO tasks_tag (task_id, name) VALUES (?, ?)";
static const char SQL_CRM_CLEAR[] = "DELETE FROM tasks_crm WHERE task_id = ?";
static const char SQL_CRM_ADD[] = "INSERT OR IGNORE INTO tasks_crm (task_id, ref) VALUES (?, ?)";
static const char SQL_CRM_GET[] = "SELECT ref FROM tasks_crm WHERE task_id = ? ORDER BY ref";
static const char SQL_GROUP_BRIEF[] =
    "SELECT g.name, g.opened, (SELECT COUNT(*) FROM tasks_group_member m"
    " WHERE m.group_id = g.id) FROM tasks_group g WHERE g.id = ?";

/* ---- rendering ------------------------------------------------------------------------- */

static bool shown(const unsigned char *chosen, size_t i)
{
    return chosen[i] && task_outs[i].out != TASK_OUT_NONE;
}

int task_select_sql(const unsigned char *chosen, struct strbuf *sql)
{
    int rc = 0;
    for (size_t i = 0; i < task_fields_n; i++)
        if (shown(chosen, i))
            rc |= strbuf_addf(sql, "%s, ", task_fields[i].column);
    rc |= strbuf_addstr(sql, "t.status, t.deadline, t.created_by, t.responsible_id");
    if (chosen[FIELD_CREATED_BY])
        rc |= strbuf_addstr(sql, ", " USER_INFO("t.created_by"));
    if (chosen[FIELD_RESPONSIBLE_ID])
        rc |= strbuf_addstr(sql, ", " USER_INFO("t.responsible_id"));
    return rc ? -E_TOOBIG : 0;
}

/* "a<US>b" (or "1,2" for ids) as a JSON array of strings. */
static json_t *split_list(const char *s, char sep)
{
    json_t *arr = json_array();
    while (s && *s) {
        size_t len = strcspn(s, (char[]){sep, '\0'});
        json_array_append_new(arr, json_stringn(s, len));
        s += len + (s[len] ? 1 : 0);
    }
    return arr;
}

/* {id, name, link, icon, workPosition} from a USER_INFO column. */
static json_t *user_object(int64_t id, const char *info)
{
    const char *name = info ? info : "", *pos = strchr(name, 31);
    const char *photo = pos ? strchr(pos + 1, 31) : NULL;
    size_t name_len = pos ? (size_t)(pos - name) : strlen(name);
    size_t pos_len = pos && photo ? (size_t)(photo - pos - 1) : 0;
    char link[64];
    snprintf(link, sizeof(link), "/company/personal/user/%lld/", (long long)id);
    return json_pack("{s:o, s:s%, s:s, s:s, s:s%}", "id", jsonout_int_str(id), "name", name,
                     name_len, "link", link, "icon", photo ? photo + 1 : "", "workPosition",
                     pos ? pos + 1 : "", pos_len);
}

static void put(json_t *o, const char *key, struct db_stmt *st, int col, enum task_out out,
                int64_t status, int64_t deadline)
{
    const char *s = db_col_text(st, col);
    bool null = db_col_type(st, col) == DB_NULL;
    switch (out) {
    case TASK_OUT_NUM:
        json_object_set_new(o, key, jsonout_int_str(null ? 0 : db_col_int(st, col)));
        break;
    case TASK_OUT_NUM_NULL0:
        json_object_set_new(o, key,
                            null || !db_col_int(st, col) ? json_null()
                                                         : jsonout_int_str(db_col_int(st, col)));
        break;
    case TASK_OUT_TEXT:
        json_object_set_new(o, key, json_string(s ? s : ""));
        break;
    case TASK_OUT_TEXT_NULL:
        json_object_set_new(o, key, s ? json_string(s) : json_null());
        break;
    case TASK_OUT_TIME:
        json_object_set_new(o, key, db_col_json_time(st, col, false));
        break;
    case TASK_OUT_IDS:
        json_object_set_new(o, key, split_list(s, ','));
        break;
    case TASK_OUT_LIST:
        json_object_set_new(o, key, split_list(s, 31));
        break;
    case TASK_OUT_SUBSTATUS: {
        bool overdue = deadline != TASKS_NO_TIME && deadline < (int64_t)time_now_real() &&
                       status >= TASK_NEW && status <= TASK_IN_PROGRESS;
        json_object_set_new(o, key, jsonout_int_str(overdue ? -1 : status));
        json_object_set_new(o, "overdue", json_string(overdue ? "Y" : "N"));
        break;
    }
    case TASK_OUT_NONE:
        break;
    }
}

json_t *task_row_json(struct db_stmt *st, const unsigned char *chosen)
{
    json_t *o = json_object();
    int col = 0, hidden;
    int64_t status, deadline;
    for (size_t i = 0; i < task_fields_n; i++)
        col += shown(chosen, i);
    hidden = col;
    status = db_col_int(st, hidden);
    deadline = db_col_type(st, hidden + 1) == DB_NULL ? TASKS_NO_TIME : db_col_int(st, hidden + 1);
    col = 0;
    for (size_t i = 0; i < task_fields_n; i++) {
        if (!shown(chosen, i))
            continue;
        put(o, task_outs[i].camel, st, col++, task_outs[i].out, status, deadline);
    }
    col = hidden + 4;
    if (chosen[FIELD_CREATED_BY])
        json_object_set_new(o, "creator",
                            user_object(db_col_int(st, hidden + 2), db_col_text(st, col++)));
    if (chosen[FIELD_RESPONSIBLE_ID])
        json_object_set_new(o, "responsible",
                            user_object(db_col_int(st, hidden + 3), db_col_text(st, col++)));
    return o;
}

/* group: {id, name, opened, membersCount} or [] as Bitrix24 writes an empty one. */
static json_t *group_brief(struct db *db, int64_t group_id)
{
    struct db_stmt *st;
    json_t *g = NULL;
    if (group_id <= 0 || db_prepare(db, SQL_GROUP_BRIEF, &st))
        return json_array();
    db_bind_int(st, 1, group_id);
    if (db_step(st) == DB_ROW)
        g = json_pack("{s:o, s:o, s:o, s:o}", "id", jsonout_int_str(group_id), "name",
                      db_col_json_text(st, 0), "opened",
                      json_boolean(db_col_text(st, 1) && *db_col_text(st, 1) == 'Y'),
                      "membersCount", json_integer(db_col_int(st, 2)));
    db_reset(st);
    return g ? g : json_array();
}

int task_fetch(struct db *db, int64_t id, const unsigned char *only, json_t **out)
{
    unsigned char chosen[ARRAY_SIZE(task_fields)];
    struct strbuf sql;
    struct db_stmt *st = NULL;
    json_t *gid;
    int rc;
    *out = NULL;
    for (size_t i = 0; i < task_fields_n; i++)
        chosen[i] = only ? only[i] : (task_fields[i].flags & FIELD_SELECT) != 0;
    strbuf_init(&sql, 0);
    strbuf_addstr(&sql, "SELECT ");
    task_select_sql(chosen, &sql);
    strbuf_addstr(&sql, " FROM tasks_task t WHERE t.id = ?");
    if ((rc = db_prepare_dyn(db, sql.buf, &st)))
        goto out;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *out = task_row_json(st, chosen);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = -E_NOTFOUND;
    }
out:
    if (st)
        db_finalize(st);
    strbuf_release(&sql);
    if (!rc && (gid = json_object_get(*out, "groupId"))) {
        json_object_set_new(*out, "group",
                            group_brief(db, strtoll(json_string_value(gid), NULL, 10)));
    }
    return rc;
}

/* ---- rows ------------------------------------------------------------------------------ */

static int64_t col_time(struct db_stmt *st, int col)
{
    return db_col_type(st, col) == DB_NULL ? TASKS_NO_TIME : db_col_int(st, col);
}

static const char *col_dup(struct arena *a, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? arena_strdup(a, s) : NULL;
}

static char col_yn(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s && *s == 'Y' ? 'Y' : 'N';
}

int task_row_load(struct db *db, struct arena *a, int64_t id, struct task_row *r)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LOAD, &st);
    memset(r, 0, sizeof(*r));
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc != DB_ROW) {
        db_reset(st);
        return rc == DB_DONE ? -E_NOTFOUND : rc < 0 ? rc : -E_DB;
    }
    r->id = db_col_int(st, 0);
    r->parent_id = db_col_int(st, 1);
    r->title = col_dup(a, st, 2);
    r->description = col_dup(a, st, 3);
    r->priority = db_col_int(st, 4);
    r->status = db_col_int(st, 5);
    r->mark = col_dup(a, st, 6);
    r->group_id = db_col_int(st, 7);
    r->created_by = db_col_int(st, 8);
    r->responsible_id = db_col_int(st, 9);
    r->changed_by = db_col_int(st, 10);
    r->status_changed_by = db_col_int(st, 11);
    r->closed_by = db_col_int(st, 12);
    r->created_date = col_time(st, 13);
    r->changed_date = col_time(st, 14);
    r->status_changed_date = col_time(st, 15);
    r->closed_date = col_time(st, 16);
    r->activity_date = col_time(st, 17);
    r->date_start = col_time(st, 18);
    r->deadline = col_time(st, 19);
    r->start_date_plan = col_time(st, 20);
    r->end_date_plan = col_time(st, 21);
    r->task_control = col_yn(st, 22);
    r->allow_change_deadline = col_yn(st, 23);
    r->allow_time_tracking = col_yn(st, 24);
    r->add_in_report = col_yn(st, 25);
    r->time_estimate = db_col_int(st, 26);
    r->xml_id = col_dup(a, st, 27);
    db_reset(st);
    if (!r->title)
        r->title = "";
    if (!r->description)
        r->description = "";
    return 0;
}

static void bind_time(struct db_stmt *st, int idx, int64_t t)
{
    if (t == TASKS_NO_TIME)
        db_bind_null(st, idx);
    else
        db_bind_int(st, idx, t);
}

static void bind_id(struct db_stmt *st, int idx, int64_t id)
{
    if (id > 0)
        db_bind_int(st, idx, id);
    else
        db_bind_null(st, idx);
}

static void bind_text(struct db_stmt *st, int idx, const char *s)
{
    if (s)
        db_bind_text(st, idx, s, -1);
    else
        db_bind_null(st, idx);
}

/* Binds every column but id, in SQL_COLUMNS order less id, from parameter 1; returns the next. */
static int bind_row(struct db_stmt *st, const struct task_row *r)
{
    char yn[4][2] = {{r->task_control, 0},
                     {r->allow_change_deadline, 0},
                     {r->allow_time_tracking, 0},
                     {r->add_in_report, 0}};
    db_bind_int(st, 1, r->parent_id);
    db_bind_text(st, 2, r->title, -1);
    db_bind_text(st, 3, r->description ? r->description : "", -1);
    db_bind_int(st, 4, r->priority);
    db_bind_int(st, 5, r->status);
    bind_text(st, 6, r->mark && *r->mark ? r->mark : NULL);
    db_bind_int(st, 7, r->group_id);
    db_bind_int(st, 8, r->created_by);
    db_bind_int(st, 9, r->responsible_id);
    bind_id(st, 10, r->changed_by);
    bind_id(st, 11, r->status_changed_by);
    bind_id(st, 12, r->closed_by);
    bind_time(st, 13, r->created_date);
    bind_time(st, 14, r->changed_date);
    bind_time(st, 15, r->status_changed_date);
    bind_time(st, 16, r->closed_date);
    bind_time(st, 17, r->activity_date);
    bind_time(st, 18, r->date_start);
    bind_time(st, 19, r->deadline);
    bind_time(st, 20, r->start_date_plan);
    bind_time(st, 21, r->end_date_plan);
    for (int i = 0; i < 4; i++)
        db_bind_text(st, 22 + i, yn[i], 1);
    db_bind_int(st, 26, r->time_estimate);
    bind_text(st, 27, r->xml_id);
    return 28;
}

int task_row_insert(struct db *db, struct task_row *r)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_INSERT, &st);
    if (rc)
        return rc;
    bind_row(st, r);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    r->id = db_last_id(db);
    return 0;
}

int task_row_save(struct db *db, const struct task_row *r)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SAVE, &st);
    if (rc)
        return rc;
    db_bind_int(st, bind_row(st, r), r->id);
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

int task_members_set(struct db *db, int64_t task_id, char role, const int64_t *ids, size_t n)
{
    struct db_stmt *st;
    char r[2] = {role, 0};
    int rc = db_prepare(db, SQL_MEMBERS_CLEAR, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, task_id);
    db_bind_text(st, 2, r, 1);
    rc = db_step(st);
    db_reset(st);
    for (size_t i = 0; rc == DB_DONE && i < n; i++) {
        if ((rc = db_prepare(db, SQL_MEMBER_ADD, &st)))
            return rc;
        db_bind_int(st, 1, task_id);
        db_bind_int(st, 2, ids[i]);
        db_bind_text(st, 3, r, 1);
        rc = db_step(st);
        db_reset(st);
    }
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

int task_members_get(struct db *db, int64_t task_id, char role, int64_t *ids, size_t max)
{
    struct db_stmt *st;
    char r[2] = {role, 0};
    size_t n = 0;
    int rc = db_prepare(db, SQL_MEMBERS_GET, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, task_id);
    db_bind_text(st, 2, r, 1);
    while ((rc = db_step(st)) == DB_ROW)
        if (n < max)
            ids[n++] = db_col_int(st, 0);
    db_reset(st);
    return rc < 0 ? rc : (int)n;
}

/* Clears the task's rows with clear_sql, then adds each string of arr with add_sql. */
static int strings_set(struct db *db, int64_t task_id, const json_t *arr, const char *clear_sql,
                       const char *add_sql)
{
    struct db_stmt *st;
    size_t i;
    json_t *v;
    int rc = db_run_ints(db, clear_sql, 1, &task_id);
    json_array_foreach(arr, i, v)
    {
        if (rc || (rc = db_prepare(db, add_sql, &st)))
            break;
        db_bind_int(st, 1, task_id);
        db_bind_text(st, 2, json_string_value(v), (ssize_t)json_string_length(v));
        rc = db_step(st);
        db_reset(st);
        rc = rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
    }
    return rc;
}

int task_tags_set(struct db *db, int64_t task_id, const json_t *arr)
{
    return strings_set(db, task_id, arr, SQL_TAGS_CLEAR, SQL_TAG_ADD);
}

int task_crm_set(struct db *db, int64_t task_id, const json_t *arr)
{
    return strings_set(db, task_id, arr, SQL_CRM_CLEAR, SQL_CRM_ADD);
}

json_t *task_crm_get(struct db *db, int64_t task_id)
{
    struct db_stmt *st;
    json_t *arr;
    int rc;
    if (db_prepare(db, SQL_CRM_GET, &st))
        return NULL;
    arr = json_array();
    db_bind_int(st, 1, task_id);
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(arr, db_col_json_text(st, 0));
    db_reset(st);
    if (rc < 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}
