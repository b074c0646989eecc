/* Tasks on the CRM timeline, without knowing the tasks module: a listener on the core bus for
 * ONTASKADD, ONTASKUPDATE and ONTASKDELETE writes 'task' rows on every CRM record a task is
 * bound to (UF_CRM_TASK, "D_12", "C_3", ...). The payload contract is in docs/crm.md. Rows
 * for records that do not exist are skipped; the task's own rules are not checked here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/events/bus.h"
#include "core/json/params.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_timeline.h"

#define TASK_STATUS_COMPLETED 5
#define TASK_MAX_BINDINGS 100

static const char SQL_LAST[] =
    "SELECT data FROM crm_timeline WHERE type = 'task' AND ref_type = 'task' AND ref_id = ?"
    " AND owner_type = ? AND owner_id = ? ORDER BY id DESC LIMIT 1";

/* Reads an integer that may come as a number or a numeric string; def when absent. */
static int64_t get_int(json_t *o, const char *key, int64_t def)
{
    int64_t v;
    return params_to_int64(params_get(o, key), &v) ? def : v;
}

/* The task as its timeline rows show it. New reference. */
static json_t *snapshot(json_t *after, int64_t task_id)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *title = params_to_str(params_get(after, "TITLE"), buf, sizeof(buf));
    json_t *deadline = params_get(after, "DEADLINE");
    json_t *o = json_pack("{s:I, s:s}", "taskId", (json_int_t)task_id, "title", title ? title : "");
    int64_t v = get_int(after, "STATUS", -1);
    if (v >= 0)
        json_object_set_new(o, "status", json_integer(v));
    if ((v = get_int(after, "RESPONSIBLE_ID", -1)) >= 0)
        json_object_set_new(o, "responsibleId", json_integer(v));
    if (json_is_string(deadline) && json_string_length(deadline))
        json_object_set(o, "deadline", deadline);
    return o;
}

/* The status of the newest row of the task on record (type, id): -1 with no row, 0 when the
 * row has none. */
static int last_status(struct db *db, int64_t task_id, int type, int64_t id, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LAST, &st);
    *out = -1;
    if (rc)
        return rc;
    db_bind_int(st, 1, task_id);
    db_bind_int(st, 2, type);
    db_bind_int(st, 3, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        const char *text = db_col_text(st, 0);
        json_t *data = text ? json_loads(text, 0, NULL) : NULL;
        *out = json_is_integer(json_object_get(data, "status"))
                   ? json_integer_value(json_object_get(data, "status"))
                   : 0;
        json_decref(data);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* One bound record: a row when the task is new there, or when it was just completed. */
static int bind_one(const struct event *ev, const struct crm_entity_def *def, int64_t id,
                    int64_t task_id, json_t *snap, int64_t author, int64_t now)
{
    int64_t owner, before = -1;
    int64_t status = json_integer_value(json_object_get(snap, "status"));
    int rc = crm_sql_owner(ev->db, def, id, &owner);
    if (rc == -E_NOTFOUND)
        return 0;
    if (rc || (rc = last_status(ev->db, task_id, def->type_id, id, &before)))
        return rc;
    const char *action = NULL;
    if (before < 0)
        action = strcmp(ev->name, "ONTASKADD") ? "bound" : "added";
    else if (before != TASK_STATUS_COMPLETED && status == TASK_STATUS_COMPLETED)
        action = "completed";
    if (!action)
        return 0;
    json_t *data = json_deep_copy(snap);
    json_object_set_new(data, "action", json_string(action));
    if ((rc = crm_timeline_add(ev->db, def->type_id, id, CRM_TL_TASK, author, now, CRM_TL_TASK,
                               task_id, data, NULL)))
        return rc;
    return crm_timeline_touch(ev->db, def->type_id, id, now, author);
}

/* "D_12" -> the deal entity and 12. */
static const struct crm_entity_def *parse_binding(const char *s, int64_t *id)
{
    const char *us = s ? strrchr(s, '_') : NULL;
    char *end;
    if (!us || us == s)
        return NULL;
    long long n = strtoll(us + 1, &end, 10);
    if (*end || n <= 0)
        return NULL;
    *id = n;
    return crm_entity_by_abbr(s, (size_t)(us - s));
}

static int on_task_write(const struct event *ev, void *ctx)
{
    (void)ctx;
    json_t *after = params_get(ev->data, "FIELDS_AFTER");
    json_t *bindings = params_get(after, "UF_CRM_TASK"), *b;
    int64_t task_id = get_int(after, "ID", 0);
    int64_t author = ev->user_id ? ev->user_id : get_int(after, "CREATED_BY", 0);
    int64_t now = (int64_t)time_now_real();
    size_t i;
    int rc = 0;
    if (task_id <= 0 || !bindings)
        return 0;
    json_t *list = json_is_array(bindings) ? json_incref(bindings) : json_pack("[O]", bindings);
    json_t *snap = snapshot(after, task_id);
    json_array_foreach(list, i, b)
    {
        int64_t id = 0;
        const struct crm_entity_def *def = parse_binding(json_string_value(b), &id);
        if (i >= TASK_MAX_BINDINGS)
            break;
        if (def && (rc = bind_one(ev, def, id, task_id, snap, author, now)))
            break;
    }
    /* every row of the task shows its current title, status, responsible and deadline */
    if (!rc && !strcmp(ev->name, "ONTASKUPDATE"))
        rc = crm_timeline_ref_patch(ev->db, CRM_TL_TASK, CRM_TL_TASK, task_id, snap);
    if (rc)
        log_error("crm: timeline of task %lld cannot be written: %s", (long long)task_id,
                  error_str(rc));
    json_decref(snap);
    json_decref(list);
    return rc;
}

static int on_task_delete(const struct event *ev, void *ctx)
{
    (void)ctx;
    json_t *before = params_get(ev->data, "FIELDS_BEFORE");
    int64_t task_id = get_int(before ? before : params_get(ev->data, "FIELDS"), "ID", 0);
    int rc = task_id > 0 ? crm_timeline_ref_drop(ev->db, CRM_TL_TASK, task_id) : 0;
    if (rc)
        log_error("crm: timeline of task %lld cannot be deleted: %s", (long long)task_id,
                  error_str(rc));
    return rc;
}

int crm_timeline_task_init(void)
{
    int rc = events_subscribe("ONTASKADD", on_task_write, NULL);
    if (!rc)
        rc = events_subscribe("ONTASKUPDATE", on_task_write, NULL);
    if (!rc)
        rc = events_subscribe("ONTASKDELETE", on_task_delete, NULL);
    return rc;
}
