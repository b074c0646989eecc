/* Tests of the CRM engine below the HTTP layer, on a database migrated with core's and the CRM
 * module's schema: the events a write emits (and a failing subscriber failing the write), the
 * typed (crm.item.*) format of a record, camelCase field lookup, and history rows. */
#ifdef KAZI_WITH_CRM
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/arena.h"
#include "core/base/log.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "core/events/bus.h"
#include "core/registry.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_entity.h"
#include "t.h"

extern const struct module crm_module;

static char seen[512]; /* "NAME:ID," per event */
static int fail_next;

static int on_event(const struct event *ev, void *ctx)
{
    (void)ctx;
    size_t n = strlen(seen);
    json_t *id = json_object_get(json_object_get(ev->data, "FIELDS"), "ID");
    snprintf(seen + n, sizeof(seen) - n, "%s:%lld,", ev->name, (long long)json_integer_value(id));
    if (fail_next) {
        fail_next = 0;
        return -1;
    }
    return 0;
}

/* Opens a fresh database with core and CRM migrations, starts the module and runs body as an
 * administrator inside a write transaction. */
static void with_crm(const char *name, void (*body)(struct rest_call *c))
{
    char path[300];
    struct arena arena = ARENA_INIT;
    struct auth_identity admin = {.kind = AUTH_WEBHOOK, .user_id = 1, .is_admin = true};
    const struct module *mods[] = {&core_module, &crm_module};
    snprintf(path, sizeof(path), "%s/%s.db", t_tmpdir(), name);
    unlink(path);
    struct db_options o = {.path = path};
    log_set_level(LOG_WARN);
    struct db *db = db_global_open(&o) ? NULL : db_conn();
    if (!db || migrate_all(db, mods, 2) || crm_module.init() ||
        db_exec(db, "INSERT INTO core_user (id, email, created_at, updated_at)"
                    " VALUES (1, 'a@x.io', 0, 0)") ||
        db_begin_write(db)) {
        t_fail(__FILE__, __LINE__, "database '%s' cannot be prepared", name);
    } else {
        struct rest_call c = {.arena = &arena, .db = db, .auth = &admin, .total = -1, .next = -1};
        seen[0] = '\0';
        events_subscribe("*", on_event, NULL);
        body(&c);
        json_decref(c.result);
        if (db_in_transaction(db))
            db_rollback(db);
        crm_module.fini();
    }
    events_reset();
    arena_release(&arena);
    log_set_level(LOG_INFO);
    db_global_close();
}

static json_t *fields(const char *text)
{
    return json_loads(text, 0, NULL);
}

static void events_body(struct rest_call *c)
{
    int64_t id = 0;
    json_t *f = fields("{\"TITLE\":\"x\"}"), *g = fields("{\"STAGE_ID\":\"WON\"}");
    int add = crm_entity_write(c, &crm_deal_def, 0, f, 0, &id);
    int upd = crm_entity_write(c, &crm_deal_def, id, g, 0, NULL);
    int del = crm_entity_remove(c, &crm_deal_def, id, 0);
    json_decref(f);
    json_decref(g);
    if (add || upd || del || id != 1)
        t_fail(__FILE__, __LINE__, "writes failed: %d %d %d (%s)", add, upd, del,
               c->error_description);
    else if (strcmp(seen, "ONCRMDEALADD:1,ONCRMDEALUPDATE:1,ONCRMDEALDELETE:1,"))
        t_fail(__FILE__, __LINE__, "events: %s", seen);
}

TEST(crm_engine_events)
{
    with_crm("crm_events", events_body);
}

static void failing_body(struct rest_call *c)
{
    json_t *f = fields("{\"TITLE\":\"x\"}");
    fail_next = 1;
    int rc = crm_entity_write(c, &crm_lead_def, 0, f, 0, NULL);
    json_decref(f);
    if (rc != -1 || c->status != 500 || strcmp(seen, "ONCRMLEADADD:1,"))
        t_fail(__FILE__, __LINE__, "a failing subscriber fails the write: %d %d %s", rc, c->status,
               seen);
    c->status = 0;
    f = fields("{\"TITLE\":\"y\"}");
    rc = crm_entity_write(c, &crm_lead_def, 0, f, CRM_NO_EVENT, NULL);
    json_decref(f);
    if (rc || strcmp(seen, "ONCRMLEADADD:1,"))
        t_fail(__FILE__, __LINE__, "CRM_NO_EVENT emits nothing: %d %s", rc, seen);
}

TEST(crm_engine_failing_subscriber)
{
    with_crm("crm_failing", failing_body);
}

static void typed_body(struct rest_call *c)
{
    int64_t id = 0;
    json_t *f = fields("{\"title\":\"Typed\",\"opportunity\":12.5,\"assignedById\":1,"
                       "\"stageId\":\"PREPARATION\"}");
    json_t *out = NULL;
    int rc = crm_entity_write(c, &crm_deal_def, 0, f, 0, &id);
    json_decref(f);
    if (!rc)
        rc = crm_entity_read(c, &crm_deal_def, id, CRM_FMT_TYPED, 0, &out);
    if (rc) {
        t_fail(__FILE__, __LINE__, "typed write/read failed: %s", c->error_description);
        return;
    }
    int ok = json_integer_value(json_object_get(out, "id")) == id &&
             json_real_value(json_object_get(out, "opportunity")) == 12.5 &&
             !strcmp(json_string_value(json_object_get(out, "stageId")), "PREPARATION") &&
             !strcmp(json_string_value(json_object_get(out, "title")), "Typed") &&
             json_is_string(json_object_get(out, "createdTime")) &&
             json_integer_value(json_object_get(out, "categoryId")) == 0;
    if (!ok) {
        char *s = json_dumps(out, JSON_COMPACT);
        t_fail(__FILE__, __LINE__, "typed record: %s", s);
        free(s);
    }
    json_decref(out);
    if (crm_field_find(&crm_lead_def, "stageId") != crm_field_find(&crm_lead_def, "status_id"))
        t_fail(__FILE__, __LINE__, "camelCase alias lookup");
    /* a typed list: camelCase names in filter, select and rows */
    json_t *filter = json_pack("{s:s}", "stageId", "PREPARATION"),
           *select = json_pack("[s]", "title");
    struct crm_query q = {.filter = filter, .select = select, .fmt = CRM_FMT_TYPED};
    rc = crm_entity_query(c, &crm_deal_def, &q);
    char *rows = rc ? NULL : json_dumps(c->result, JSON_COMPACT);
    if (!rows || strcmp(rows, "[{\"id\":1,\"title\":\"Typed\"}]"))
        t_fail(__FILE__, __LINE__, "typed list: %s", rows ? rows : c->error_description);
    free(rows);
    json_decref(filter);
    json_decref(select);
}

TEST(crm_engine_typed_format)
{
    with_crm("crm_typed", typed_body);
}

static void history_body(struct rest_call *c)
{
    struct db_stmt *st;
    int64_t id = 0;
    json_t *f = fields("{\"TITLE\":\"a\"}"),
           *g = fields("{\"TITLE\":\"b\",\"STATUS_ID\":\"JUNK\"}");
    int rc = crm_entity_write(c, &crm_lead_def, 0, f, 0, &id);
    if (!rc)
        rc = crm_entity_write(c, &crm_lead_def, id, g, 0, NULL);
    json_decref(f);
    json_decref(g);
    char got[256] = "";
    if (!rc &&
        !db_prepare(c->db, "SELECT type || ':' || data FROM crm_timeline ORDER BY id", &st)) {
        while (db_step(st) == DB_ROW) {
            size_t n = strlen(got);
            snprintf(got + n, sizeof(got) - n, "%s;", db_col_text(st, 0));
        }
        db_reset(st);
    }
    CHECK_STR(got, "created:{\"title\":\"a\"};"
                   "field_changed:{\"field\":\"TITLE\",\"old\":\"a\",\"new\":\"b\"};"
                   "stage_changed:{\"field\":\"STATUS_ID\",\"old\":\"NEW\",\"new\":\"JUNK\","
                   "\"semantic\":\"F\",\"dictionary\":\"STATUS\"};");
}

TEST(crm_engine_history)
{
    with_crm("crm_history", history_body);
}
#endif
