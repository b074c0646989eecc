/* Declarations shared by the files of the tasks module: method tables, the task field table,
 * the task row as it is read and written, the visibility rules, and small helpers for
 * parameters, values, lists and events. Internal to src/modules/tasks/; nothing outside the
 * module includes it. */
#ifndef KAZI_TASKS_INTERNAL_H
#define KAZI_TASKS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/module.h"
#include "core/rest/filter.h"
#include "core/rest/list.h"

struct arena;
struct db;
struct db_stmt;
struct rest_call;

/* Method tables, one per resource file. */
extern const struct rest_method task_methods[];               /* task.c */
extern const struct rest_method task_list_methods[];          /* task_list.c */
extern const struct rest_method task_status_methods[];        /* task_status.c */
extern const struct rest_method tasks_checklist_methods[];    /* tasks_checklist.c */
extern const struct rest_method tasks_comment_methods[];      /* tasks_comment.c */
extern const struct rest_method tasks_elapsed_methods[];      /* tasks_elapsed.c */
extern const struct rest_method tasks_group_methods[];        /* tasks_group.c */
extern const struct rest_method tasks_group_member_methods[]; /* tasks_group_member.c */

#define TASKS_SQL_CAP (256 * 1024) /* bytes of one built-up query */
#define TASKS_NO_TIME INT64_MIN    /* an unset date column */
#define TASKS_MAX_IDS 200          /* users in ACCOMPLICES, AUDITORS, USER_ID lists */

/* Task statuses (Bitrix24 numbering). */
enum task_status {
    TASK_NEW = 1,
    TASK_PENDING = 2,
    TASK_IN_PROGRESS = 3,
    TASK_SUPPOSEDLY_COMPLETED = 4, /* awaiting the creator's control */
    TASK_COMPLETED = 5,
    TASK_DEFERRED = 6,
};

/* ---- values and parameters (tasks_util.c) ---------------------------------------------- */

/* Argument index of a positional legacy method (task.checklistitem.add(TASKID, FIELDS)):
 * the parameter named by the number ("0", "1", ... as a JSON array body or ?0=..&1=..
 * gives), else the parameter with the documented name (any case), else the index-th
 * parameter in the order the client sent them ("auth" not counted). Borrowed or NULL. */
json_t *tasks_arg(struct rest_call *c, int index, const char *name);
/* A list of user ids: a JSON array, an object {"0":..}, a single id or a comma-separated
 * string; "" or an empty list gives none. Duplicates are dropped. Fails with rest_fail 400
 * INVALID_ARG_VALUE naming name for anything else or more than max ids. */
int tasks_id_list(struct rest_call *c, const json_t *v, const char *name, int64_t *ids, size_t max,
                  size_t *n);
/* A date-time value: null or "" give TASKS_NO_TIME; "now" the current time; ISO 8601 or
 * YYYY-MM-DD; a JSON integer is Unix seconds. Returns 0 or -E_INVAL. */
int tasks_time_value(const json_t *v, int64_t *out);
/* Y/N from any boolean spelling (Y/N, true/false, 1/0). Returns 0 or -E_INVAL. */
int tasks_yn_value(const json_t *v, char *out);
/* True when the user exists and is active. Returns 0 or a database error. */
int tasks_user_active(struct db *db, int64_t user_id, bool *active);
/* Runs a one-row, one-column query with n integer binds into *out. Returns 0, -E_NOTFOUND
 * when there is no row, or -E_*. */
int tasks_query_int(struct db *db, const char *sql, int n, const int64_t *args, int64_t *out);
/* Emits name on the event bus with data (reference stolen) in the caller's transaction;
 * a failing subscriber fails the call (rest_fail 500) so the change rolls back. */
int tasks_emit(struct rest_call *c, const char *name, json_t *data);
/* The object the fields arrive in: `fields` (any case) when it is an object. Borrowed; NULL
 * with rest_fail 400 when absent or not an object. */
json_t *tasks_fields_param(struct rest_call *c, const char *name);

/* Appends " ORDER BY ..." from an {FIELD: DIR} object, or {default_field: default_dir} when
 * it is empty, with tiebreak last. Returns 0 or rest_fail 400. */
int tasks_list_order(struct rest_call *c, const struct field_def *fields, size_t n,
                     const json_t *order, const char *default_field, const char *default_dir,
                     const char *tiebreak, struct strbuf *sql);
/* The list of a task's items (task.commentitem.getlist, task.elapseditem.getlist): l's rows
 * with <alias>.task_id = task_id, narrowed by the FILTER argument (index 2) and ordered by
 * ORDER (index 1; by ID ascending when empty, <alias>.id last), then run. Releases l. Returns
 * 0 or rest_fail's value. */
int tasks_item_list(struct rest_call *c, struct rest_list *l, const struct field_def *fields,
                    size_t n, const char *alias, int64_t task_id);
/* ---- tasks: fields and rows (task_sql.c) ----------------------------------------------- */

/* How a task field is written in the camelCase answer of tasks.task.*. */
enum task_out {
    TASK_OUT_NONE,      /* filter only */
    TASK_OUT_NUM,       /* "42" */
    TASK_OUT_NUM_NULL0, /* "42", null for 0 (parentId) */
    TASK_OUT_TEXT,      /* string, "" for NULL */
    TASK_OUT_TEXT_NULL, /* string or null */
    TASK_OUT_TIME,      /* ISO 8601 or null */
    TASK_OUT_IDS,       /* comma list of ids -> ["1","2"] */
    TASK_OUT_LIST,      /* char(31)-separated strings -> ["a","b"] */
    TASK_OUT_SUBSTATUS, /* status, or "-1" when overdue (also writes "overdue") */
};

struct task_out_def {
    const char *camel; /* "responsibleId" */
    enum task_out out;
};

/* The field table of tasks.task.list and .get: filter, order and select names (UPPER_CASE),
 * with task_outs[i] telling how field i is answered. Entry 0 is ID. task_fields reads
 * tasks_task t directly (administrators); task_fields_viewer has the same entries but takes
 * ID, STATUS and DEADLINE from the visibility table a, whose indexes answer them;
 * task_fields_scan is task_fields_viewer with every column but ID behind a unary plus, so
 * that SQLite walks a viewer's rows in ID order instead of using another index. */
extern const struct field_def task_fields[];
extern const struct field_def task_fields_viewer[];
extern const struct field_def task_fields_scan[];
extern const struct task_out_def task_outs[];
extern const size_t task_fields_n;

/* Writes one row of a query built by task_select_sql into a new camelCase object. */
json_t *task_row_json(struct db_stmt *st, const unsigned char *chosen);
/* Appends the select list for the chosen fields to sql ("t.id, t.title, ..."), followed by the
 * columns task_row_json needs besides them. Returns 0 or -E_TOOBIG. */
int task_select_sql(const unsigned char *chosen, struct strbuf *sql);
/* The task as tasks.task.get answers it: the fields only chooses (task_fields_n flags), or
 * every selectable field when only is NULL, plus its workgroup. *out: new reference. Returns
 * 0, -E_NOTFOUND or a database error. */
int task_fetch(struct db *db, int64_t id, const unsigned char *only, json_t **out);

/* The writable state of one task. Dates are Unix seconds or TASKS_NO_TIME; strings are owned
 * by the call's arena. */
struct task_row {
    int64_t id, parent_id, priority, status, group_id, created_by, responsible_id;
    int64_t time_estimate, changed_by, status_changed_by, closed_by;
    int64_t created_date, changed_date, status_changed_date, closed_date, activity_date;
    int64_t date_start, deadline, start_date_plan, end_date_plan;
    const char *title, *description, *mark, *xml_id; /* mark and xml_id may be NULL */
    char task_control, allow_change_deadline, allow_time_tracking, add_in_report;
};

/* Loads task id into row, its strings in a. Returns 0, -E_NOTFOUND or a database error. */
int task_row_load(struct db *db, struct arena *a, int64_t id, struct task_row *row);
/* Inserts row (row->id set on return) / writes every column of row back. */
int task_row_insert(struct db *db, struct task_row *row);
int task_row_save(struct db *db, const struct task_row *row);
/* Replaces the participants of one role ('O', 'R', 'A', 'U') with ids. */
int task_members_set(struct db *db, int64_t task_id, char role, const int64_t *ids, size_t n);
/* Replaces the task's tags / CRM links with the strings of arr (a JSON array). */
int task_tags_set(struct db *db, int64_t task_id, const json_t *arr);
int task_crm_set(struct db *db, int64_t task_id, const json_t *arr);
/* The task's CRM links as a JSON array of strings. New reference, NULL on error. */
json_t *task_crm_get(struct db *db, int64_t task_id);
/* The ids of the participants of one role. Returns the count or a negative -E_*. */
int task_members_get(struct db *db, int64_t task_id, char role, int64_t *ids, size_t max);

/* ---- task input (task_input.c) -------------------------------------------------------- */

/* What an add or update changes besides the task row. */
struct task_change {
    int n_known;                /* recognised keys given */
    bool creator, responsible;  /* the 'O' / 'R' participant changes */
    bool accomplices, auditors; /* lists given */
    int64_t *acc, *aud;         /* arena arrays of TASKS_MAX_IDS */
    size_t n_acc, n_aud;
    bool group;         /* workgroup changed */
    json_t *tags, *crm; /* new sets (owned) or NULL */
};

/* Reads every key of f that tasks.task.add/update understand into r (r->id 0 for a new
 * task) and ch, checking each value; nothing is written. Returns 0 or rest_fail's value (400
 * for bad values and CRM links to records the caller cannot read, 403 for a workgroup the
 * caller is not in or another user as CREATED_BY, unless the caller is an administrator).
 * Call task_change_release afterwards either way. */
int task_input(struct rest_call *c, json_t *f, struct task_row *r, struct task_change *ch);
void task_change_release(struct task_change *ch);
/* How many keys of f tasks.task.add/update understand. */
int task_input_count(json_t *f);

/* ---- task events and answers (task.c) ------------------------------------------------- */

/* Emits ONTASKADD / ONTASKUPDATE / ONTASKDELETE for r in Bitrix24's shape ({FIELDS_BEFORE,
 * FIELDS_AFTER, IS_ACCESSIBLE_BEFORE, IS_ACCESSIBLE_AFTER}, missing parts "undefined"), with
 * ID, TITLE, STATUS, CREATED_BY, RESPONSIBLE_ID, GROUP_ID, DEADLINE (ISO 8601 or "") and
 * UF_CRM_TASK (the CRM links, ["D_12", ...]) in FIELDS_AFTER, so a subscriber can show the task
 * without reading this module's tables; ONTASKDELETE has ID and UF_CRM_TASK in FIELDS_BEFORE. */
int task_event(struct rest_call *c, const char *name, const struct task_row *r, bool before,
               bool after);
/* Sets the call's result to {"task": {...}} for task id. Returns 0 or rest_fail's value. */
int task_answer(struct rest_call *c, int64_t id);

/* ---- who sees and does what (task_access.c) -------------------------------------------- */

enum task_role {
    TASK_ROLE_CREATOR = 1,
    TASK_ROLE_RESPONSIBLE = 2,
    TASK_ROLE_ACCOMPLICE = 4,
    TASK_ROLE_AUDITOR = 8,
};

/* The caller's standing towards one task. */
struct task_access {
    struct task_row row;
    unsigned roles; /* enum task_role bits of the caller */
    bool admin;     /* the caller is an administrator */
};

/* Reads the task id names (taskId, or a positional argument) and loads it with the caller's
 * roles. A task that does not exist is rest_fail 400 NOT_FOUND; one the caller cannot see
 * is rest_fail 403 ACCESS_DENIED (existing but invisible, so clients can tell the two apart).
 * Returns 0 or rest_fail's value. */
int task_access_open(struct rest_call *c, const json_t *idv, const char *name,
                     struct task_access *a);
/* Same for an id already read. */
int task_access_open_id(struct rest_call *c, int64_t id, struct task_access *a);
/* True when the caller may see task id (administrators always). Returns 0 or -E_*. */
int task_access_visible(struct rest_call *c, int64_t id, bool *visible);
/* rest_fail 403 ACCESS_DENIED unless the caller is an administrator or holds one of the
 * roles in mask. Returns 0 or rest_fail's value. */
int task_access_require(struct rest_call *c, const struct task_access *a, unsigned mask,
                        const char *action);
/* Rewrites the visibility rows of one task from its participants, their department heads and
 * its workgroup's members. Call after any change to those. */
int task_access_refresh_task(struct db *db, int64_t task_id);
/* Visibility after user joined / left workgroup group_id. */
int task_access_group_join(struct db *db, int64_t user_id, int64_t group_id);
int task_access_group_leave(struct db *db, int64_t user_id, int64_t group_id);
/* Rewrites the visibility rows of every task of a workgroup (before it is dissolved). */
int task_access_refresh_group(struct db *db, int64_t group_id);
/* The caller's workgroup role ('A', 'E', 'K') in group_id, or 0 when not a member. */
int task_access_group_role(struct db *db, int64_t user_id, int64_t group_id, char *role);

/* ---- workgroups (tasks_group.c) -------------------------------------------------------- */

/* One workgroup; strings are owned by the call's arena. Y/N flags as 'Y' / 'N'. */
struct group {
    int64_t id, owner_id, date_start, date_finish;
    const char *name, *description, *keywords;
    char visible, opened, closed, project, initiate_perms, active;
};

/* Reads the group id parameter name and loads the group, which the caller must be able to
 * see: missing is rest_fail 400 (Bitrix24's empty code), invisible 403 ACCESS_DENIED. Returns 0
 * or rest_fail's value. */
int tasks_group_open(struct rest_call *c, const char *name, struct group *g);
/* Makes user a member of group with role ('A', 'E', 'K'), inserting or changing the row, and
 * gives them the group's tasks. Returns 0 or -E_*. */
int tasks_group_member_set(struct rest_call *c, int64_t group_id, int64_t user_id, char role);

/* True when user may see group id (visible group, member, or admin); *exists false when there
 * is no such group. Returns 0 or -E_*. */
int tasks_group_visible(struct db *db, const struct rest_call *c, int64_t id, bool *exists,
                        bool *visible);

/* Registers the task events on the live channel (task_live.c). */
int task_live_init(void);

#endif
