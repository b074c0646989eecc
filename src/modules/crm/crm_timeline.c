/* The timeline of CRM records: rows of crm_timeline written outside the engine (comments,
 * activities, tasks, conversions, merges) with a reference to the object they are about, the
 * owner-record checks the record-centred methods share, LAST_ACTIVITY_* upkeep, the kazi
 * method crm.timeline.list (every row of one record, newest first, for the web UI) and the
 * start-up that wires the bus listeners. Comments are in crm_timeline_comment.c, the task
 * listener in crm_timeline_task.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/events/bus.h"
#include "core/json/params.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_timeline.h"

#define TL_MAX_ENTITIES 16

static const char SQL_ADD[] =
    "INSERT INTO crm_timeline (owner_type, owner_id, type, author_id, created_at, data,"
    " ref_type, ref_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_REF_ROWS[] =
    "SELECT id, data FROM crm_timeline WHERE ref_type = ? AND ref_id = ? AND type = ?";
static const char SQL_SET_DATA[] = "UPDATE crm_timeline SET data = ? WHERE id = ?";
static const char SQL_REF_DROP[] = "DELETE FROM crm_timeline WHERE ref_type = ? AND ref_id = ?";
static const char SQL_MOVE[] =
    "UPDATE crm_timeline SET owner_id = ? WHERE owner_type = ? AND owner_id = ?";
static const char SQL_COUNT[] =
    "SELECT COUNT(*) FROM crm_timeline WHERE owner_type = ? AND owner_id = ?";
static const char SQL_PAGE[] =
    "SELECT id, type, author_id, created_at, data, ref_type, ref_id FROM crm_timeline"
    " WHERE owner_type = ? AND owner_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

/* UPDATE <table> SET last_activity_time = ?, last_activity_by = ? WHERE id = ?, per entity */
static char *touch_sql[TL_MAX_ENTITIES];

/* ---- rows ------------------------------------------------------------------------------------ */

int crm_timeline_add(struct db *db, int owner_type, int64_t owner_id, const char *kind,
                     int64_t author_id, int64_t at, const char *ref_type, int64_t ref_id,
                     json_t *data, int64_t *id_out)
{
    struct db_stmt *st;
    char *text = json_dumps(data ? data : json_object(), JSON_COMPACT);
    int rc = db_prepare(db, SQL_ADD, &st);
    json_decref(data);
    if (!rc) {
        db_bind_int(st, 1, owner_type);
        db_bind_int(st, 2, owner_id);
        db_bind_text(st, 3, kind, -1);
        db_bind_int(st, 4, author_id);
        db_bind_int(st, 5, at);
        db_bind_text(st, 6, text ? text : "{}", -1);
        if (ref_type) {
            db_bind_text(st, 7, ref_type, -1);
            db_bind_int(st, 8, ref_id);
        } else {
            db_bind_null(st, 7);
            db_bind_null(st, 8);
        }
        rc = db_step(st);
        db_reset(st);
        rc = rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
    }
    if (!rc && id_out)
        *id_out = db_last_id(db);
    free(text);
    return rc;
}

static int set_data(struct db *db, int64_t id, const json_t *data)
{
    struct db_stmt *st;
    char *text = json_dumps(data, JSON_COMPACT);
    int rc = db_prepare(db, SQL_SET_DATA, &st);
    if (!rc) {
        db_bind_text(st, 1, text ? text : "{}", -1);
        db_bind_int(st, 2, id);
        rc = db_step(st);
        db_reset(st);
        rc = rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
    }
    free(text);
    return rc;
}

int crm_timeline_ref_patch(struct db *db, const char *kind, const char *ref_type, int64_t ref_id,
                           const json_t *patch)
{
    struct db_stmt *st;
    json_t *rows = json_array(), *r;
    size_t i;
    int rc = db_prepare(db, SQL_REF_ROWS, &st);
    if (rc)
        goto out;
    db_bind_text(st, 1, ref_type, -1);
    db_bind_int(st, 2, ref_id);
    db_bind_text(st, 3, kind, -1);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *text = db_col_text(st, 1);
        json_t *data = text ? json_loads(text, 0, NULL) : NULL;
        if (!json_is_object(data)) {
            json_decref(data);
            data = json_object();
        }
        json_array_append_new(rows, json_pack("[I, o]", (json_int_t)db_col_int(st, 0), data));
    }
    db_reset(st);
    rc = rc < 0 ? rc : 0;
    json_array_foreach(rows, i, r)
    {
        json_t *data = json_array_get(r, 1);
        json_object_update(data, (json_t *)patch);
        if (!rc)
            rc = set_data(db, json_integer_value(json_array_get(r, 0)), data);
    }
out:
    json_decref(rows);
    return rc;
}

int crm_timeline_ref_drop(struct db *db, const char *ref_type, int64_t ref_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_REF_DROP, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, ref_type, -1);
    db_bind_int(st, 2, ref_id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_timeline_move(struct db *db, int type, int64_t from, int64_t to)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MOVE, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, to);
    db_bind_int(st, 2, type);
    db_bind_int(st, 3, from);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int entity_index(int type)
{
    for (int i = 0; crm_entities[i] && i < TL_MAX_ENTITIES; i++)
        if (crm_entities[i]->type_id == type)
            return i;
    return -1;
}

int crm_timeline_touch(struct db *db, int type, int64_t id, int64_t at, int64_t user_id)
{
    struct db_stmt *st;
    int i = entity_index(type), rc;
    if (i < 0 || !touch_sql[i])
        return 0;
    if ((rc = db_prepare(db, touch_sql[i], &st)))
        return rc;
    db_bind_int(st, 1, at);
    db_bind_int(st, 2, user_id);
    db_bind_int(st, 3, id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* ---- records ------------------------------------------------------------------------------ */

const struct crm_entity_def *crm_entity_by_name(const char *name)
{
    char *end;
    if (!name || !*name)
        return NULL;
    long n = strtol(name, &end, 10);
    if (!*end)
        return crm_entity_by_type((int)n);
    for (const struct crm_entity_def *const *e = crm_entities; *e; e++)
        if (!strcasecmp((*e)->name, name))
            return *e;
    return NULL;
}

const struct crm_entity_def *crm_entity_by_abbr(const char *abbr, size_t len)
{
    for (const struct crm_entity_def *const *e = crm_entities; *e; e++)
        if ((*e)->abbr && strlen((*e)->abbr) == len && !strncasecmp((*e)->abbr, abbr, len))
            return *e;
    return NULL;
}

int crm_record_check(struct rest_call *c, int type, int64_t id, enum perm_action action,
                     const struct crm_entity_def **def_out)
{
    const struct crm_entity_def *def = crm_entity_by_type(type);
    int64_t owner = 0;
    int rc;
    if (!def)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "entity type %d is not supported", type);
    if (def_out)
        *def_out = def;
    if (id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "the %s id is not defined or invalid",
                         def->name);
    rc = crm_sql_owner(c->db, def, id, &owner);
    if (rc == -E_NOTFOUND)
        return crm_fail_not_found(c);
    if (rc)
        return rest_fail_db(c, rc);
    return crm_check_owner(c, def, action, owner);
}

int crm_record_link(struct rest_call *c, int type, int64_t id, enum perm_action action,
                    const char *field)
{
    const struct crm_entity_def *def = crm_entity_by_type(type);
    if (!def)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "entity type %d is not supported", type);
    if (id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "the %s id is not defined or invalid",
                         def->name);
    return crm_check_link(c, def, id, action, field);
}

/* ---- crm.timeline.list ------------------------------------------------------------------- */

/* The record a kazi timeline method names: entityTypeId (or ENTITY_TYPE, a name or number)
 * and entityId (or ENTITY_ID). */
static int timeline_record(struct rest_call *c, int *type, int64_t *id)
{
    json_t *tv = rest_param(c, "entityTypeId");
    const struct crm_entity_def *def;
    char buf[PARAMS_STR_BUFSIZE];
    if (!tv)
        tv = rest_param(c, "ENTITY_TYPE");
    def = crm_entity_by_name(params_to_str(tv, buf, sizeof(buf)));
    if (!def)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'entityTypeId' must name a CRM entity type");
    json_t *iv = rest_param(c, "entityId");
    if (!iv)
        iv = rest_param(c, "ENTITY_ID");
    if (!iv || params_to_int64(iv, id) || *id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'entityId' must be a positive id");
    *type = def->type_id;
    return 0;
}

static json_t *row_json(struct db_stmt *st, int type, int64_t owner_id)
{
    static const struct crm_field created = {.name = "CREATED", .type = CRM_T_DATETIME};
    const char *text = db_col_text(st, 4);
    json_t *data = text ? json_loads(text, 0, NULL) : NULL;
    json_t *at = json_integer(db_col_int(st, 3));
    json_t *o = json_pack(
        "{s:I, s:i, s:I, s:s, s:I, s:o, s:o}", "id", (json_int_t)db_col_int(st, 0), "entityTypeId",
        type, "entityId", (json_int_t)owner_id, "type", db_col_text(st, 1), "authorId",
        (json_int_t)db_col_int(st, 2), "created", crm_value_format(&created, at, CRM_FMT_LEGACY),
        "data", json_is_object(data) ? data : json_object());
    if (data && !json_is_object(data))
        json_decref(data);
    json_decref(at);
    if (db_col_type(st, 5) != DB_NULL) {
        json_object_set_new(o, "refType", json_string(db_col_text(st, 5)));
        json_object_set_new(o, "refId", json_integer(db_col_int(st, 6)));
    }
    return o;
}

/* The record a list reads, for its rows. */
struct timeline_owner {
    int type;
    int64_t id;
};

static json_t *list_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    const struct timeline_owner *o = ctx;
    (void)c;
    return row_json(st, o->type, o->id);
}

static int timeline_list(struct rest_call *c)
{
    struct timeline_owner o = {0};
    struct rest_list l;
    int rc = timeline_record(c, &o.type, &o.id);
    if (rc || (rc = crm_record_check(c, o.type, o.id, PERM_READ, NULL)))
        return rc;
    /* static statements, prepared once per connection */
    rest_list_init(&l, SQL_PAGE, SQL_COUNT);
    l.cached = true;
    l.row = list_row;
    l.ctx = &o;
    json_array_append_new(l.binds, json_integer(o.type));
    json_array_append_new(l.binds, json_integer(o.id));
    return rest_list_run(c, &l);
}

/* ---- start-up and the record-deletion listener ---------------------------------------------- */

/* ONCRM<X>DELETE: the record's activities go with it (its own timeline rows were dropped by
 * the engine). */
static int on_record_delete(const struct event *ev, void *ctx)
{
    const struct crm_entity_def *def = ctx;
    json_t *id = json_object_get(json_object_get(ev->data, "FIELDS"), "ID");
    if (!json_is_integer(id))
        return 0;
    int rc = crm_activity_drop_owner(ev->db, def->type_id, json_integer_value(id));
    if (rc)
        log_error("crm: activities of %s %lld cannot be deleted: %s", def->name,
                  (long long)json_integer_value(id), error_str(rc));
    return rc;
}

static char delete_events[TL_MAX_ENTITIES][64];

int crm_timeline_init(void)
{
    int rc = 0;
    for (int i = 0; crm_entities[i] && i < TL_MAX_ENTITIES && !rc; i++) {
        const struct crm_entity_def *def = crm_entities[i];
        const struct crm_field *t = crm_field_find(def, "LAST_ACTIVITY_TIME");
        const struct crm_field *b = crm_field_find(def, "LAST_ACTIVITY_BY");
        if (t && b && t->column && b->column) {
            struct strbuf sb;
            strbuf_init(&sb, 0);
            strbuf_addf(&sb, "UPDATE %s SET %s = ?, %s = ? WHERE id = ?", def->table, t->column,
                        b->column);
            touch_sql[i] = strbuf_detach(&sb, NULL);
        }
        snprintf(delete_events[i], sizeof(delete_events[i]), "%sDELETE", def->event_prefix);
        rc = events_subscribe(delete_events[i], on_record_delete, (void *)def);
    }
    if (!rc)
        rc = crm_timeline_task_init();
    if (rc)
        crm_timeline_fini();
    return rc;
}

void crm_timeline_fini(void)
{
    for (int i = 0; i < TL_MAX_ENTITIES; i++) {
        free(touch_sql[i]);
        touch_sql[i] = NULL;
    }
}

/* Permissions depend on the record a call names, so the handler checks them (entity NULL). */
const struct rest_method crm_timeline_methods[] = {
    {"crm.timeline.list", "crm", timeline_list, NULL, PERM_READ, REST_LIST, NULL},
    {0},
};
