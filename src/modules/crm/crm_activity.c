/* Writing activities (crm.activity.add/update/delete, crm.activity.todo.add, *.fields): input
 * through the field table of crm_activity.h, derived fields (STATUS, DEADLINE, provider),
 * communications and bindings (the owner plus every record a communication names), timeline
 * rows on each bound record, LAST_ACTIVITY_* of the owner and the ONCRMACTIVITY* events.
 * Permission is the owner record's: UPDATE on it to write, as the engine decides for that
 * record. Files, custom activity types and reminders (NOTIFY_*) are stored only as given. */
#include <ctype.h>
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
#include "modules/crm/crm_activity.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_timeline.h"

#define ACT_MAX_COMMS 50
#define ACT_COMM_VALUE_MAX 250

#define ACT_COLNAME(n, col, t, ft, fl, d, ttl) ", " #col
#define ACT_QMARK(n, col, t, ft, fl, d, ttl) ", ?"
#define ACT_SET(n, col, t, ft, fl, d, ttl) ", " #col " = ?"

static const char SQL_INSERT[] = "INSERT INTO crm_activity (owner_type_id" CRM_ACTIVITY_COLUMNS(
    ACT_COLNAME) ") VALUES (?" CRM_ACTIVITY_COLUMNS(ACT_QMARK) ")";
static const char SQL_UPDATE[] =
    "UPDATE crm_activity SET owner_type_id = ?" CRM_ACTIVITY_COLUMNS(ACT_SET) " WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM crm_activity WHERE id = ?";
static const char SQL_COMM_DROP[] = "DELETE FROM crm_activity_comm WHERE activity_id = ?";
static const char SQL_COMM_ADD[] =
    "INSERT INTO crm_activity_comm (activity_id, type, value, entity_type_id, entity_id)"
    " VALUES (?, ?, ?, ?, ?)";
static const char SQL_BIND_DROP[] = "DELETE FROM crm_activity_binding WHERE activity_id = ?";
static const char SQL_BIND_ADD[] =
    "INSERT INTO crm_activity_binding (activity_id, owner_type_id, owner_id) VALUES (?, ?, ?)";
static const char SQL_BIND_LIST[] =
    "SELECT owner_type_id, owner_id FROM crm_activity_binding WHERE activity_id = ?";
static const char SQL_OWNED[] =
    "SELECT id FROM crm_activity WHERE owner_type_id = ? AND owner_id = ?";
static const char SQL_BIND_DROP_OWNER[] =
    "DELETE FROM crm_activity_binding WHERE owner_type_id = ? AND owner_id = ?";
static const char SQL_MOVE_OWNER[] =
    "UPDATE crm_activity SET owner_id = ? WHERE owner_type_id = ? AND owner_id = ?";
static const char SQL_MOVE_BIND[] =
    "UPDATE crm_activity_binding SET owner_id = ? WHERE owner_type_id = ? AND owner_id = ?"
    " AND NOT EXISTS (SELECT 1 FROM crm_activity_binding b WHERE"
    " b.activity_id = crm_activity_binding.activity_id AND b.owner_type_id = ? AND b.owner_id = ?)";
static const char SQL_MOVE_COMM[] =
    "UPDATE crm_activity_comm SET entity_id = ? WHERE entity_type_id = ? AND entity_id = ?";

/* Runs sql with up to five integer parameters. */
static int exec_ints(struct db *db, const char *sql, int n, const int64_t *v)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        db_bind_int(st, i + 1, v[i]);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static const struct crm_field *field_find(const char *name)
{
    for (size_t i = 0; i < crm_activity_n_fields; i++)
        if (!strcasecmp(crm_activity_fields[i].name, name))
            return &crm_activity_fields[i];
    return NULL;
}

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

/* ---- one write -------------------------------------------------------------------------- */

struct act_write {
    struct rest_call *c;
    int64_t id;
    bool is_add;
    json_t *row;   /* FIELD -> stored value (owned) */
    json_t *old;   /* update: the row before (owned) */
    json_t *comms; /* parsed communications [{type, value, etype, eid}], NULL: unchanged */
    int64_t now, user;
};

static int start(struct act_write *w)
{
    char err[128];
    if (!w->is_add) {
        int rc = crm_activity_row_load(w->c->db, w->id, &w->old);
        if (rc)
            return rc == -E_NOTFOUND ? crm_fail_not_found(w->c) : rest_fail_db(w->c, rc);
        w->row = json_deep_copy(w->old);
        return 0;
    }
    w->row = json_object();
    for (size_t i = 1; i < crm_activity_n_fields; i++) {
        const struct crm_field *f = &crm_activity_fields[i];
        json_t *v = NULL, *d = f->def ? json_string(f->def) : NULL;
        if (d)
            crm_value_parse(f, d, &v, err, sizeof(err));
        json_decref(d);
        json_object_set_new(w->row, f->name, v ? v : json_null());
    }
    return 0;
}

static int merge_settings(struct act_write *w, json_t *v)
{
    if (is_empty(v) || (json_is_array(v) && !json_array_size(v))) {
        json_object_set_new(w->row, "SETTINGS", json_null());
        return 0;
    }
    if (!json_is_object(v))
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field 'SETTINGS' must be an object");
    char *text = json_dumps(v, JSON_COMPACT);
    json_object_set_new(w->row, "SETTINGS", json_string(text ? text : "{}"));
    free(text);
    return 0;
}

static int merge(struct act_write *w, json_t *fields)
{
    const char *key;
    json_t *v;
    char err[128];
    json_object_foreach(fields, key, v)
    {
        const struct crm_field *f = field_find(key);
        json_t *stored = NULL;
        if (!f) {
            if (!strcasecmp(key, "COMMUNICATIONS"))
                json_object_set(w->row, "COMMUNICATIONS", v); /* parsed later */
            continue; /* unknown keys are ignored, as Bitrix does */
        }
        if ((f->flags & CRM_F_RO) || ((f->flags & CRM_F_IMMUTABLE) && !w->is_add))
            continue;
        if (!strcmp(f->name, "SETTINGS")) {
            if (merge_settings(w, v))
                return -1;
            continue;
        }
        if (crm_value_parse(f, v, &stored, err, sizeof(err)))
            return rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field '%s' %s", f->name, err);
        json_object_set_new(w->row, f->name, stored);
    }
    return 0;
}

/* Field name -> [min, max] of the small enumerations. */
static int check_ranges(struct act_write *w)
{
    static const struct {
        const char *name;
        int64_t min, max;
    } r[] = {
        {"TYPE_ID", 1, 6},          {"PRIORITY", 1, 3},    {"DIRECTION", 0, 2},
        {"DESCRIPTION_TYPE", 1, 3}, {"NOTIFY_TYPE", 0, 3}, {"OWNER_TYPE_ID", 1, 255},
    };
    for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
        json_t *v = json_object_get(w->row, r[i].name);
        if (v && json_is_integer(v) &&
            (json_integer_value(v) < r[i].min || json_integer_value(v) > r[i].max))
            return rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field '%s' must be %lld to %lld",
                             r[i].name, (long long)r[i].min, (long long)r[i].max);
    }
    return 0;
}

static int check_user(struct act_write *w, const char *name)
{
    json_t *v = json_object_get(w->row, name);
    bool ok = false;
    if (!w->is_add && json_equal(v, json_object_get(w->old, name)))
        return 0;
    int rc = crm_sql_user_exists(w->c->db, json_integer_value(v), &ok);
    if (rc)
        return rest_fail_db(w->c, rc);
    return ok ? 0 : rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field '%s' is not a user", name);
}

static void set_default(json_t *row, const char *name, json_t *v)
{
    json_t *cur = json_object_get(row, name);
    if (is_empty(cur) || (json_is_integer(cur) && !json_integer_value(cur)))
        json_object_set_new(row, name, v);
    else
        json_decref(v);
}

/* Defaults and derived fields: authors, times, STATUS, the provider and DEADLINE. */
static void derive(struct act_write *w)
{
    static const char *const providers[][2] = {
        {NULL, NULL},
        {"CRM_MEETING", "MEETING"},
        {"VOXIMPLANT_CALL", "CALL"},
        {"CRM_TASKS_TASK", "TASK"},
        {"CRM_EMAIL", "EMAIL"},
        {NULL, NULL},
        {"CRM_TODO", "TODO"},
    };
    json_t *row = w->row;
    int64_t type = crm_row_int(row, "TYPE_ID", 0);
    set_default(row, "RESPONSIBLE_ID", json_integer(w->user));
    if (w->is_add) {
        set_default(row, "AUTHOR_ID", json_integer(w->user));
        json_object_set_new(row, "CREATED", json_integer(w->now));
        if (type > 0 && type <= 6 && providers[type][0]) {
            set_default(row, "PROVIDER_ID", json_string(providers[type][0]));
            set_default(row, "PROVIDER_TYPE_ID", json_string(providers[type][1]));
        }
    }
    json_object_set_new(row, "EDITOR_ID", json_integer(w->user));
    json_object_set_new(row, "LAST_UPDATED", json_integer(w->now));
    bool done = !strcmp(crm_row_str(row, "COMPLETED") ? crm_row_str(row, "COMPLETED") : "N", "Y");
    json_object_set_new(row, "COMPLETED", json_string(done ? "Y" : "N"));
    json_object_set_new(row, "STATUS", json_integer(done ? 2 : 1));
    /* a to-do given only a deadline starts and ends there, so lists order it by time */
    if (is_empty(json_object_get(row, "START_TIME")) && !is_empty(json_object_get(row, "DEADLINE")))
        json_object_set(row, "START_TIME", json_object_get(row, "DEADLINE"));
    if (is_empty(json_object_get(row, "END_TIME")) && !is_empty(json_object_get(row, "START_TIME")))
        json_object_set(row, "END_TIME", json_object_get(row, "START_TIME"));
    /* DEADLINE: the start of calls and meetings, the end of anything else */
    const char *from = (type == 1 || type == 2) ? "START_TIME" : "END_TIME";
    if (is_empty(json_object_get(row, "DEADLINE")) && !is_empty(json_object_get(row, from)))
        json_object_set(row, "DEADLINE", json_object_get(row, from));
}

static int check(struct act_write *w)
{
    static const char *const required[] = {"OWNER_TYPE_ID", "OWNER_ID", "TYPE_ID"};
    int rc;
    for (size_t i = 0; i < ARRAY_SIZE(required); i++)
        if (is_empty(json_object_get(w->row, required[i])))
            return rest_fail(w->c, 400, "BX_EMPTY_REQUIRED", "field '%s' is required", required[i]);
    if ((rc = check_ranges(w)) || (rc = check_user(w, "RESPONSIBLE_ID")) ||
        (w->is_add && (rc = check_user(w, "AUTHOR_ID"))))
        return rc;
    /* a new activity links to its owner; an update changes an activity of that owner */
    int type = (int)crm_row_int(w->row, "OWNER_TYPE_ID", 0);
    int64_t owner = crm_row_int(w->row, "OWNER_ID", 0);
    return w->is_add ? crm_record_link(w->c, type, owner, PERM_UPDATE, "OWNER_ID")
                     : crm_record_check(w->c, type, owner, PERM_UPDATE, NULL);
}

/* ---- communications and bindings ----------------------------------------------------------- */

static int comm_item(struct act_write *w, json_t *it, json_t *out)
{
    char buf[PARAMS_STR_BUFSIZE], type[16] = "";
    int64_t etype = crm_row_int(w->row, "OWNER_TYPE_ID", 0);
    int64_t eid = crm_row_int(w->row, "OWNER_ID", 0);
    if (!json_is_object(it))
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE",
                         "field 'COMMUNICATIONS' items must be objects");
    const char *value = params_to_str(params_get(it, "VALUE"), buf, sizeof(buf));
    if (!value || strlen(value) > ACT_COMM_VALUE_MAX)
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE",
                         "field 'COMMUNICATIONS' items need a VALUE of up to %d bytes",
                         ACT_COMM_VALUE_MAX);
    const char *t = json_string_value(params_get(it, "TYPE"));
    for (size_t i = 0; t && t[i] && i + 1 < sizeof(type); i++)
        type[i] = (char)toupper((unsigned char)t[i]);
    if (t && (strlen(t) >= sizeof(type) || !crm_fm_type_valid(type)))
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE",
                         "field 'COMMUNICATIONS' TYPE must be PHONE, EMAIL, WEB, IM or LINK");
    json_t *tv = params_get(it, "ENTITY_TYPE_ID"), *iv = params_get(it, "ENTITY_ID");
    if ((!is_empty(tv) && params_to_int64(tv, &etype)) ||
        (!is_empty(iv) && params_to_int64(iv, &eid)))
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE",
                         "field 'COMMUNICATIONS' ENTITY_TYPE_ID and ENTITY_ID must be ids");
    /* the record a communication names must exist and be readable: the activity shows there */
    int rc = crm_record_link(w->c, (int)etype, eid, PERM_READ, "COMMUNICATIONS");
    if (rc)
        return rc;
    json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:I}", "type", type, "value", value,
                                         "etype", (json_int_t)etype, "eid", (json_int_t)eid));
    return 0;
}

static int parse_comms(struct act_write *w)
{
    json_t *v = json_object_get(w->row, "COMMUNICATIONS"), *it;
    const char *key;
    size_t i;
    int rc = 0;
    if (!v)
        return 0;
    w->comms = json_array();
    if (json_is_object(v) && params_get(v, "VALUE"))
        rc = comm_item(w, v, w->comms);
    else if (json_is_object(v))
        json_object_foreach(v, key, it)
        {
            if (!rc)
                rc = comm_item(w, it, w->comms);
        }
    else if (json_is_array(v))
        json_array_foreach(v, i, it)
        {
            if (!rc)
                rc = comm_item(w, it, w->comms);
        }
    else if (!is_empty(v))
        rc = rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field 'COMMUNICATIONS' must be a list");
    if (!rc && json_array_size(w->comms) > ACT_MAX_COMMS)
        rc = rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field 'COMMUNICATIONS' has too many items");
    json_object_del(w->row, "COMMUNICATIONS");
    return rc;
}

static int store_comms(struct act_write *w)
{
    struct db_stmt *st;
    json_t *it;
    size_t i;
    int rc = exec_ints(w->c->db, SQL_COMM_DROP, 1, &w->id);
    json_array_foreach(w->comms, i, it)
    {
        if (rc || (rc = db_prepare(w->c->db, SQL_COMM_ADD, &st)))
            break;
        db_bind_int(st, 1, w->id);
        db_bind_text(st, 2, json_string_value(json_object_get(it, "type")), -1);
        db_bind_text(st, 3, json_string_value(json_object_get(it, "value")), -1);
        db_bind_int(st, 4, json_integer_value(json_object_get(it, "etype")));
        db_bind_int(st, 5, json_integer_value(json_object_get(it, "eid")));
        rc = db_step(st);
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    return rc;
}

/* The owner and every record a communication names, each once. */
static int store_bindings(struct act_write *w)
{
    json_t *it;
    size_t i;
    int64_t v[3] = {w->id, crm_row_int(w->row, "OWNER_TYPE_ID", 0),
                    crm_row_int(w->row, "OWNER_ID", 0)};
    int rc = exec_ints(w->c->db, SQL_BIND_DROP, 1, &w->id);
    if (!rc)
        rc = exec_ints(w->c->db, SQL_BIND_ADD, 3, v);
    json_array_foreach(w->comms, i, it)
    {
        int64_t b[3] = {w->id, json_integer_value(json_object_get(it, "etype")),
                        json_integer_value(json_object_get(it, "eid"))};
        bool seen = b[1] == v[1] && b[2] == v[2];
        for (size_t j = 0; j < i && !seen; j++) {
            json_t *p = json_array_get(w->comms, j);
            seen = json_integer_value(json_object_get(p, "etype")) == b[1] &&
                   json_integer_value(json_object_get(p, "eid")) == b[2];
        }
        if (!rc && !seen)
            rc = exec_ints(w->c->db, SQL_BIND_ADD, 3, b);
    }
    return rc;
}

static int bind_row(struct db_stmt *st, const json_t *row)
{
    for (size_t i = 1; i < crm_activity_n_fields; i++) {
        int rc = db_bind_json_value(st, (int)i, json_object_get(row, crm_activity_fields[i].name));
        if (rc)
            return rc < 0 ? rc : -E_DB;
    }
    return (int)crm_activity_n_fields;
}

static int store_row(struct act_write *w)
{
    struct db_stmt *st;
    int rc = db_prepare(w->c->db, w->is_add ? SQL_INSERT : SQL_UPDATE, &st);
    if (rc)
        return rc;
    int idx = bind_row(st, w->row);
    if (idx < 0) {
        db_reset(st);
        return idx;
    }
    if (!w->is_add)
        db_bind_int(st, idx, w->id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    if (w->is_add)
        w->id = db_last_id(w->c->db);
    return 0;
}

/* ---- timeline and events ------------------------------------------------------------------- */

static json_t *snapshot(const struct act_write *w)
{
    static const struct crm_field deadline = {.name = "DEADLINE", .type = CRM_T_DATETIME};
    json_t *dl = json_object_get(w->row, "DEADLINE");
    return json_pack("{s:I, s:I, s:s?, s:s?, s:s, s:I, s:I, s:o, s:I}", "activityId",
                     (json_int_t)w->id, "typeId", (json_int_t)crm_row_int(w->row, "TYPE_ID", 0),
                     "providerId", crm_row_str(w->row, "PROVIDER_ID"), "subject",
                     crm_row_str(w->row, "SUBJECT"), "completed", crm_row_str(w->row, "COMPLETED"),
                     "direction", (json_int_t)crm_row_int(w->row, "DIRECTION", 0), "priority",
                     (json_int_t)crm_row_int(w->row, "PRIORITY", 0), "deadline",
                     is_empty(dl) ? json_null() : crm_value_format(&deadline, dl, CRM_FMT_LEGACY),
                     "responsibleId", (json_int_t)crm_row_int(w->row, "RESPONSIBLE_ID", 0));
}

/* A row with action on every record the activity is bound to, and the owner's last activity. */
static int timeline_rows(struct act_write *w, const char *action)
{
    struct db_stmt *st;
    json_t *snap = snapshot(w), *bound = json_array(), *b;
    size_t i;
    int rc = db_prepare(w->c->db, SQL_BIND_LIST, &st);
    if (!rc) {
        db_bind_int(st, 1, w->id);
        while ((rc = db_step(st)) == DB_ROW)
            json_array_append_new(bound, json_pack("[I, I]", (json_int_t)db_col_int(st, 0),
                                                   (json_int_t)db_col_int(st, 1)));
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    json_object_set_new(snap, "action", json_string(action));
    json_array_foreach(bound, i, b)
    {
        if (!rc)
            rc = crm_timeline_add(w->c->db, (int)json_integer_value(json_array_get(b, 0)),
                                  json_integer_value(json_array_get(b, 1)), CRM_TL_ACTIVITY,
                                  w->user, w->now, CRM_TL_ACTIVITY, w->id, json_incref(snap), NULL);
    }
    if (!rc)
        rc = crm_timeline_touch(w->c->db, (int)crm_row_int(w->row, "OWNER_TYPE_ID", 0),
                                crm_row_int(w->row, "OWNER_ID", 0), w->now, w->user);
    json_decref(snap);
    json_decref(bound);
    return rc;
}

static int history(struct act_write *w)
{
    if (w->is_add)
        return timeline_rows(w, "added");
    json_t *snap = snapshot(w);
    int rc = crm_timeline_ref_patch(w->c->db, CRM_TL_ACTIVITY, CRM_TL_ACTIVITY, w->id, snap);
    json_decref(snap);
    const char *was = crm_row_str(w->old, "COMPLETED");
    if (!rc && !strcmp(crm_row_str(w->row, "COMPLETED"), "Y") && (!was || strcmp(was, "Y")))
        rc = timeline_rows(w, "completed");
    return rc;
}

static int emit(struct rest_call *c, const char *name, int64_t id)
{
    if (events_emit_id(c->db, name, id, c->auth ? c->auth->user_id : 0))
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                         "event '%s' handler failed, nothing was written", name);
    return 0;
}

/* Adds (id 0) or updates activity id from fields; *id_out receives the id. Fails the call. */
static int activity_write(struct rest_call *c, int64_t id, json_t *fields, int64_t *id_out)
{
    struct act_write w = {.c = c,
                          .id = id,
                          .is_add = id == 0,
                          .now = (int64_t)time_now_real(),
                          .user = c->auth ? c->auth->user_id : 0};
    int rc;
    if (!json_is_object(fields)) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
        goto out;
    }
    if ((rc = start(&w)) || (rc = merge(&w, fields)))
        goto out;
    derive(&w);
    if ((rc = check(&w)) || (rc = parse_comms(&w)))
        goto out;
    if (w.is_add && !w.comms)
        w.comms = json_array();
    if ((rc = store_row(&w)) ||
        (w.comms && ((rc = store_comms(&w)) || (rc = store_bindings(&w)))) || (rc = history(&w))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    if ((rc = emit(c, w.is_add ? "ONCRMACTIVITYADD" : "ONCRMACTIVITYUPDATE", w.id)))
        goto out;
    if (id_out)
        *id_out = w.id;
out:
    json_decref(w.row);
    json_decref(w.old);
    json_decref(w.comms);
    return rc;
}

/* ---- methods ------------------------------------------------------------------------------- */

static int activity_add(struct rest_call *c)
{
    int64_t id = 0;
    int rc = activity_write(c, 0, rest_param(c, "fields"), &id);
    if (!rc)
        c->result = json_integer(id);
    return rc;
}

static int activity_update(struct rest_call *c)
{
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (!rc)
        rc = activity_write(c, id, rest_param(c, "fields"), NULL);
    if (!rc)
        c->result = json_true();
    return rc;
}

/* Deletes one activity with its communications, bindings and timeline rows. */
static int drop_one(struct db *db, int64_t id)
{
    int rc = crm_timeline_ref_drop(db, CRM_TL_ACTIVITY, id);
    if (!rc)
        rc = exec_ints(db, SQL_COMM_DROP, 1, &id);
    if (!rc)
        rc = exec_ints(db, SQL_BIND_DROP, 1, &id);
    if (!rc)
        rc = exec_ints(db, SQL_DELETE, 1, &id);
    return rc;
}

static int activity_delete(struct rest_call *c)
{
    json_t *row = NULL;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc)
        return rc;
    if ((rc = crm_activity_row_load(c->db, id, &row)))
        return rc == -E_NOTFOUND ? crm_fail_not_found(c) : rest_fail_db(c, rc);
    rc = crm_record_check(c, (int)crm_row_int(row, "OWNER_TYPE_ID", 0),
                          crm_row_int(row, "OWNER_ID", 0), PERM_UPDATE, NULL);
    json_decref(row);
    if (rc)
        return rc;
    if ((rc = drop_one(c->db, id)))
        return rest_fail_db(c, rc);
    if ((rc = emit(c, "ONCRMACTIVITYDELETE", id)))
        return rc;
    c->result = json_true();
    return 0;
}

/* crm.activity.todo.add(ownerTypeId, ownerId, deadline, title, description, responsibleId):
 * a to-do (TYPE_ID 6, provider CRM_TODO); answers {"id": N}. */
static int activity_todo_add(struct rest_call *c)
{
    static const char *const map[][2] = {
        {"ownerTypeId", "OWNER_TYPE_ID"}, {"ownerId", "OWNER_ID"},
        {"deadline", "DEADLINE"},         {"title", "SUBJECT"},
        {"description", "DESCRIPTION"},   {"responsibleId", "RESPONSIBLE_ID"},
    };
    json_t *fields = json_pack("{s:i, s:s, s:s}", "TYPE_ID", 6, "PROVIDER_ID", "CRM_TODO",
                               "PROVIDER_TYPE_ID", "TODO");
    int64_t id = 0;
    int rc = 0;
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        json_t *v = rest_param(c, map[i][0]);
        if (v)
            json_object_set(fields, map[i][1], v);
    }
    if (is_empty(json_object_get(fields, "DEADLINE")))
        rc = rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'deadline' is required");
    if (!rc)
        rc = activity_write(c, 0, fields, &id);
    json_decref(fields);
    if (!rc)
        c->result = json_pack("{s:I}", "id", (json_int_t)id);
    return rc;
}

static json_t *describe(const char *type, bool required, bool ro, bool immutable, bool multiple,
                        const char *title)
{
    return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:s}", "type", type, "isRequired", required,
                     "isReadOnly", ro, "isImmutable", immutable, "isMultiple", multiple,
                     "isDynamic", false, "title", title);
}

static int activity_fields(struct rest_call *c)
{
    json_t *o = json_object();
    for (size_t i = 0; i < crm_activity_n_fields; i++) {
        const struct crm_field *f = &crm_activity_fields[i];
        json_object_set_new(o, f->name,
                            describe(!strcmp(f->name, "SETTINGS") ? "object" : crm_type_name(f),
                                     f->flags & CRM_F_REQUIRED, f->flags & CRM_F_RO,
                                     f->flags & CRM_F_IMMUTABLE, false, f->title));
    }
    json_object_set_new(
        o, "COMMUNICATIONS",
        describe("crm_activity_communication", false, false, false, true, "Communications"));
    json_object_set_new(o, "BINDINGS",
                        describe("crm_activity_binding", false, true, false, true, "Bindings"));
    c->result = o;
    return 0;
}

static int communication_fields(struct rest_call *c)
{
    c->result = json_pack(
        "{s:o, s:o, s:o, s:o, s:o}", "ID", describe("integer", false, true, false, false, "ID"),
        "TYPE", describe("string", false, false, false, false, "Type"), "VALUE",
        describe("string", true, false, false, false, "Value"), "ENTITY_ID",
        describe("integer", false, false, false, false, "Record ID"), "ENTITY_TYPE_ID",
        describe("integer", false, false, false, false, "Record type"));
    return 0;
}

/* ---- records going away or merging --------------------------------------------------------- */

int crm_activity_drop_owner(struct db *db, int type, int64_t id)
{
    struct db_stmt *st;
    json_t *ids = json_array(), *v;
    size_t i;
    int rc = db_prepare(db, SQL_OWNED, &st);
    if (!rc) {
        db_bind_int(st, 1, type);
        db_bind_int(st, 2, id);
        while ((rc = db_step(st)) == DB_ROW)
            json_array_append_new(ids, json_integer(db_col_int(st, 0)));
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    json_array_foreach(ids, i, v)
    {
        if (!rc)
            rc = drop_one(db, json_integer_value(v));
    }
    int64_t args[2] = {type, id};
    if (!rc)
        rc = exec_ints(db, SQL_BIND_DROP_OWNER, 2, args);
    json_decref(ids);
    return rc;
}

int crm_activity_move(struct db *db, int type, int64_t from, int64_t to)
{
    int64_t owner[3] = {to, type, from}, bind[5] = {to, type, from, type, to};
    int64_t rest[2] = {type, from};
    int rc = exec_ints(db, SQL_MOVE_OWNER, 3, owner);
    if (!rc)
        rc = exec_ints(db, SQL_MOVE_BIND, 5, bind);
    if (!rc) /* bindings the survivor already had */
        rc = exec_ints(db, SQL_BIND_DROP_OWNER, 2, rest);
    if (!rc)
        rc = exec_ints(db, SQL_MOVE_COMM, 3, owner);
    return rc;
}

/* Permissions are the owner record's, so the handlers check them (entity NULL). */
const struct rest_method crm_activity_methods[] = {
    {"crm.activity.add", "crm", activity_add, NULL, PERM_UPDATE, REST_WRITE, NULL},
    {"crm.activity.get", "crm", crm_activity_get, NULL, PERM_READ, 0, NULL},
    {"crm.activity.list", "crm", crm_activity_list, NULL, PERM_READ, REST_LIST, NULL},
    {"crm.activity.update", "crm", activity_update, NULL, PERM_UPDATE, REST_WRITE, NULL},
    {"crm.activity.delete", "crm", activity_delete, NULL, PERM_UPDATE, REST_WRITE, NULL},
    {"crm.activity.fields", "crm", activity_fields, NULL, PERM_READ, 0, NULL},
    {"crm.activity.communication.fields", "crm", communication_fields, NULL, PERM_READ, 0, NULL},
    {"crm.activity.todo.add", "crm", activity_todo_add, NULL, PERM_UPDATE, REST_WRITE, NULL},
    {0},
};
