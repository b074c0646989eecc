/* tasks.task.add, .update, .get, .delete and .getFields: who may change a task, writing it
 * with its participants, tags and CRM links, keeping visibility rows current and emitting
 * ONTASKADD / ONTASKUPDATE / ONTASKDELETE (with the UF_CRM_TASK links, so the CRM can show the
 * task on the records' timelines). Input checks are in task_input.c, lists in task_list.c,
 * status changes in task_status.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

static const char SQL_UNPARENT[] = "UPDATE tasks_task SET parent_id = 0 WHERE parent_id = ?";
static const char SQL_DELETE[] = "DELETE FROM tasks_task WHERE id = ?";

/* Writes the participants, tags and links ch changes, and the visibility rows. */
static int write_related(struct db *db, const struct task_row *r, const struct task_change *ch)
{
    int rc = 0;
    if (ch->creator)
        rc = task_members_set(db, r->id, 'O', &r->created_by, 1);
    if (!rc && ch->responsible)
        rc = task_members_set(db, r->id, 'R', &r->responsible_id, 1);
    if (!rc && ch->accomplices)
        rc = task_members_set(db, r->id, 'A', ch->acc, ch->n_acc);
    if (!rc && ch->auditors)
        rc = task_members_set(db, r->id, 'U', ch->aud, ch->n_aud);
    if (!rc && ch->tags)
        rc = task_tags_set(db, r->id, ch->tags);
    if (!rc && ch->crm)
        rc = task_crm_set(db, r->id, ch->crm);
    if (!rc && (ch->creator || ch->responsible || ch->accomplices || ch->auditors || ch->group))
        rc = task_access_refresh_task(db, r->id);
    return rc;
}

int task_event(struct rest_call *c, const char *name, const struct task_row *r, bool before,
               bool after)
{
    json_t *crm = task_crm_get(c->db, r->id), *fields;
    char deadline[40];
    if (!crm)
        return rest_fail_db(c, -E_DB);
    if (!after) {
        return tasks_emit(c, name,
                          json_pack("{s:{s:I, s:o}, s:s, s:s, s:s}", "FIELDS_BEFORE", "ID",
                                    (json_int_t)r->id, "UF_CRM_TASK", crm, "FIELDS_AFTER",
                                    "undefined", "IS_ACCESSIBLE_BEFORE", "undefined",
                                    "IS_ACCESSIBLE_AFTER", "undefined"));
    }
    if (r->deadline == TASKS_NO_TIME ||
        time_fmt_iso(deadline, sizeof(deadline), (double)r->deadline, 1) < 0)
        deadline[0] = '\0';
    fields =
        json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:s, s:o}", "ID", (json_int_t)r->id, "TITLE",
                  r->title, "STATUS", (json_int_t)r->status, "CREATED_BY",
                  (json_int_t)r->created_by, "RESPONSIBLE_ID", (json_int_t)r->responsible_id,
                  "GROUP_ID", (json_int_t)r->group_id, "DEADLINE", deadline, "UF_CRM_TASK", crm);
    return tasks_emit(
        c, name,
        json_pack("{s:o, s:o, s:s, s:s}", "FIELDS_BEFORE",
                  before ? json_pack("{s:I}", "ID", (json_int_t)r->id) : json_string("undefined"),
                  "FIELDS_AFTER", fields, "IS_ACCESSIBLE_BEFORE", before ? "undefined" : "N",
                  "IS_ACCESSIBLE_AFTER", "undefined"));
}

int task_answer(struct rest_call *c, int64_t id)
{
    json_t *t;
    int rc = task_fetch(c->db, id, NULL, &t);
    if (rc)
        return rest_fail_db(c, rc);
    c->result = json_pack("{s:o}", "task", t);
    return 0;
}

static int task_add(struct rest_call *c)
{
    json_t *f = tasks_fields_param(c, "fields");
    int64_t now = (int64_t)time_now_real();
    struct task_row r = {
        .priority = 1,
        .status = TASK_PENDING,
        .created_by = c->auth->user_id,
        .changed_by = c->auth->user_id,
        .created_date = now,
        .changed_date = now,
        .activity_date = now,
        .date_start = TASKS_NO_TIME,
        .deadline = TASKS_NO_TIME,
        .start_date_plan = TASKS_NO_TIME,
        .end_date_plan = TASKS_NO_TIME,
        .status_changed_date = TASKS_NO_TIME,
        .closed_date = TASKS_NO_TIME,
        .description = "",
        .task_control = 'N',
        .allow_change_deadline = 'N',
        .allow_time_tracking = 'N',
        .add_in_report = 'N',
    };
    struct task_change ch;
    int rc;
    if (!f)
        return -1;
    if (!params_get(f, "TITLE"))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'TITLE' is required");
    if (!params_get(f, "RESPONSIBLE_ID"))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'RESPONSIBLE_ID' is required");
    if (task_input(c, f, &r, &ch)) {
        task_change_release(&ch);
        return -1;
    }
    ch.creator = ch.responsible = true;
    if (r.status == TASK_COMPLETED || r.status == TASK_SUPPOSEDLY_COMPLETED) {
        r.closed_by = c->auth->user_id;
        r.closed_date = now;
    }
    rc = task_row_insert(c->db, &r);
    if (!rc)
        rc = write_related(c->db, &r, &ch);
    task_change_release(&ch);
    if (rc)
        return rest_fail_db(c, rc);
    if (task_event(c, "ONTASKADD", &r, false, true))
        return -1;
    return task_answer(c, r.id);
}

/* Creators and administrators change anything; a responsible person may move the deadline
 * when the task allows it, and nothing else. */
static int may_update(struct rest_call *c, const struct task_access *a, json_t *f, int n_known)
{
    if (a->admin || (a->roles & TASK_ROLE_CREATOR))
        return 0;
    if ((a->roles & TASK_ROLE_RESPONSIBLE) && a->row.allow_change_deadline == 'Y' && n_known == 1 &&
        params_get(f, "DEADLINE"))
        return 0;
    return rest_fail(c, 403, "ACCESS_DENIED", "you may not change task %lld", (long long)a->row.id);
}

static int task_update(struct rest_call *c)
{
    struct task_access a;
    struct task_change ch;
    json_t *f;
    int64_t now = (int64_t)time_now_real(), old_status;
    int n = 0, rc;
    if (task_access_open(c, rest_param(c, "taskId"), "taskId", &a))
        return -1;
    if (!(f = tasks_fields_param(c, "fields")))
        return -1;
    n = task_input_count(f);
    if (!n)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' changes nothing");
    if (may_update(c, &a, f, n))
        return -1;
    old_status = a.row.status;
    if (task_input(c, f, &a.row, &ch)) {
        task_change_release(&ch);
        return -1;
    }
    a.row.changed_by = c->auth->user_id;
    a.row.changed_date = a.row.activity_date = now;
    if (a.row.status != old_status) {
        a.row.status_changed_by = c->auth->user_id;
        a.row.status_changed_date = now;
        bool closed = a.row.status == TASK_COMPLETED || a.row.status == TASK_SUPPOSEDLY_COMPLETED;
        a.row.closed_by = closed ? c->auth->user_id : 0;
        a.row.closed_date = closed ? now : TASKS_NO_TIME;
    }
    rc = task_row_save(c->db, &a.row);
    if (!rc)
        rc = write_related(c->db, &a.row, &ch);
    task_change_release(&ch);
    if (rc)
        return rest_fail_db(c, rc);
    if (task_event(c, "ONTASKUPDATE", &a.row, true, true))
        return -1;
    return task_answer(c, a.row.id);
}

/* tasks.task.get: a missing task answers [] as Bitrix24 does; an invisible one 403. */
static int task_get(struct rest_call *c)
{
    unsigned char *chosen = NULL;
    json_t *sel = rest_param(c, "select"), *t;
    struct task_access a;
    int64_t id;
    char err[200] = "";
    int rc;
    if (rest_param_id(c, rest_param(c, "taskId"), "taskId", true, &id))
        return -1;
    rc = task_access_open_id(c, id, &a);
    if (rc && c->status == 400 && !strcmp(c->error, "NOT_FOUND")) {
        c->status = 0;
        c->error = NULL;
        c->result = json_array();
        return 0;
    }
    if (rc)
        return -1;
    if (sel && !(json_is_array(sel) && !json_array_size(sel))) {
        chosen = arena_alloc(c->arena, task_fields_n);
        if (select_compile(task_fields, task_fields_n, sel, false, chosen, err, sizeof(err)))
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    }
    if ((rc = task_fetch(c->db, id, chosen, &t)))
        return rest_fail_db(c, rc);
    c->result = json_pack("{s:o}", "task", t);
    return 0;
}

static int task_delete(struct rest_call *c)
{
    struct task_access a;
    int rc;
    if (task_access_open(c, rest_param(c, "taskId"), "taskId", &a) ||
        task_access_require(c, &a, TASK_ROLE_CREATOR, "delete"))
        return -1;
    if (task_event(c, "ONTASKDELETE", &a.row, true, false))
        return -1;
    if ((rc = db_run_ints(c->db, SQL_UNPARENT, 1, &a.row.id)) ||
        (rc = db_run_ints(c->db, SQL_DELETE, 1, &a.row.id)))
        return rest_fail_db(c, rc);
    c->result = json_pack("{s:b}", "task", 1);
    return 0;
}

/* ---- tasks.task.getFields -------------------------------------------------------------- */

struct field_info {
    const char *name, *title, *type;
    unsigned flags;     /* 1 primary, 2 required */
    const char *values; /* enum values "k=v|k=v", or NULL */
    const char *def;    /* default as JSON text, or NULL */
};

static const struct field_info field_infos[] = {
    {"ID", "ID", "integer", 1, NULL, NULL},
    {"PARENT_ID", "Parent task", "integer", 0, NULL, "0"},
    {"TITLE", "Title", "string", 2, NULL, NULL},
    {"DESCRIPTION", "Description", "string", 0, NULL, NULL},
    {"MARK", "Rating", "enum", 0, "N=Negative|P=Positive", "null"},
    {"PRIORITY", "Priority", "enum", 0, "2=High|1=Medium|0=Low", "1"},
    {"STATUS", "Status", "enum", 0,
     "2=Pending|3=In progress|4=Awaiting control|5=Completed|6=Deferred", "2"},
    {"GROUP_ID", "Project", "integer", 0, NULL, "0"},
    {"CREATED_BY", "Created by", "integer", 2, NULL, NULL},
    {"CREATED_DATE", "Created on", "datetime", 0, NULL, NULL},
    {"RESPONSIBLE_ID", "Assignee", "integer", 2, NULL, NULL},
    {"ACCOMPLICES", "Participants", "array", 0, NULL, NULL},
    {"AUDITORS", "Observers", "array", 0, NULL, NULL},
    {"CHANGED_BY", "Modified by", "integer", 0, NULL, NULL},
    {"CHANGED_DATE", "Modified on", "datetime", 0, NULL, NULL},
    {"STATUS_CHANGED_BY", "Status changed by", "integer", 0, NULL, NULL},
    {"STATUS_CHANGED_DATE", "Status changed on", "datetime", 0, NULL, NULL},
    {"CLOSED_BY", "Closed by", "integer", 0, NULL, NULL},
    {"CLOSED_DATE", "Closed on", "datetime", 0, NULL, NULL},
    {"ACTIVITY_DATE", "Last activity", "datetime", 0, NULL, NULL},
    {"DATE_START", "Started on", "datetime", 0, NULL, NULL},
    {"DEADLINE", "Deadline", "datetime", 0, NULL, NULL},
    {"START_DATE_PLAN", "Planned start", "datetime", 0, NULL, NULL},
    {"END_DATE_PLAN", "Planned finish", "datetime", 0, NULL, NULL},
    {"XML_ID", "External ID", "string", 0, NULL, NULL},
    {"COMMENTS_COUNT", "Comments", "integer", 0, NULL, NULL},
    {"ALLOW_CHANGE_DEADLINE", "Assignee can change deadline", "enum", 0, "Y=Yes|N=No", "\"N\""},
    {"ALLOW_TIME_TRACKING", "Time tracking", "enum", 0, "Y=Yes|N=No", "\"N\""},
    {"TASK_CONTROL", "Approve task upon completion", "enum", 0, "Y=Yes|N=No", "\"N\""},
    {"ADD_IN_REPORT", "Add to report", "enum", 0, "Y=Yes|N=No", "\"N\""},
    {"TIME_ESTIMATE", "Estimated time (seconds)", "integer", 0, NULL, "0"},
    {"TIME_SPENT_IN_LOGS", "Time spent (seconds)", "integer", 0, NULL, NULL},
    {"TAGS", "Tags", "array", 0, NULL, NULL},
    {"UF_CRM_TASK", "CRM items", "array", 0, NULL, NULL},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

static json_t *enum_values(const char *spec)
{
    json_t *o = json_object();
    while (spec && *spec) {
        size_t len = strcspn(spec, "|"), eq = strcspn(spec, "=");
        char key[16];
        if (eq < len && eq < sizeof(key)) {
            memcpy(key, spec, eq);
            key[eq] = '\0';
            json_object_set_new(o, key, json_stringn(spec + eq + 1, len - eq - 1));
        }
        spec += len + (spec[len] ? 1 : 0);
    }
    return o;
}

static int task_get_fields(struct rest_call *c)
{
    json_t *fields = json_object();
    for (const struct field_info *fi = field_infos; fi->name; fi++) {
        json_t *o = json_pack("{s:s, s:s}", "title", fi->title, "type", fi->type);
        if (fi->flags & 1)
            json_object_set_new(o, "primary", json_true());
        if (fi->flags & 2)
            json_object_set_new(o, "required", json_true());
        if (fi->values)
            json_object_set_new(o, "values", enum_values(fi->values));
        if (fi->def)
            json_object_set_new(o, "default", json_loads(fi->def, JSON_DECODE_ANY, NULL));
        json_object_set_new(fields, fi->name, o);
    }
    c->result = json_pack("{s:o}", "fields", fields);
    return 0;
}

const struct rest_method task_methods[] = {
    {.name = "tasks.task.add",
     .scope = "task",
     .fn = task_add,
     .entity = "task",
     .action = PERM_ADD,
     .flags = REST_WRITE},
    {.name = "tasks.task.update",
     .scope = "task",
     .fn = task_update,
     .entity = "task",
     .action = PERM_UPDATE,
     .flags = REST_WRITE},
    {.name = "tasks.task.get",
     .scope = "task",
     .fn = task_get,
     .entity = "task",
     .action = PERM_READ},
    {.name = "tasks.task.delete",
     .scope = "task",
     .fn = task_delete,
     .entity = "task",
     .action = PERM_DELETE,
     .flags = REST_WRITE},
    {.name = "tasks.task.getfields",
     .scope = "task",
     .fn = task_get_fields,
     .entity = "task",
     .action = PERM_READ},
    {0},
};
