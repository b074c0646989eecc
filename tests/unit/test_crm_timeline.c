/* Tests of the CRM timeline's task listener below the HTTP layer: the tasks module is not
 * linked in, so the events it emits (ONTASKADD, ONTASKUPDATE, ONTASKDELETE with the payload
 * documented in docs/crm.md) are emitted here on a migrated database, and the 'task' rows on
 * the bound records are checked. */
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

/* "type:action:status:title" of every task row of task_id, oldest first, ';'-separated. */
static const char *task_rows(struct db *db, int64_t task_id, char *buf, size_t len)
{
    struct db_stmt *st;
    size_t n = 0;
    buf[0] = '\0';
    if (db_prepare_dyn(db,
                       "SELECT owner_type, data FROM crm_timeline WHERE type = 'task' AND"
                       " ref_type = 'task' AND ref_id = ? ORDER BY id",
                       &st))
        return "error";
    db_bind_int(st, 1, task_id);
    while (db_step(st) == DB_ROW && n < len) {
        json_t *d = json_loads(db_col_text(st, 1), 0, NULL);
        n += (size_t)snprintf(buf + n, len - n, "%lld:%s:%lld:%s;", (long long)db_col_int(st, 0),
                              json_string_value(json_object_get(d, "action")),
                              (long long)json_integer_value(json_object_get(d, "status")),
                              json_string_value(json_object_get(d, "title")));
        json_decref(d);
    }
    db_finalize(st);
    return buf;
}

static int emit(struct db *db, const char *name, const char *payload)
{
    json_t *data = json_loads(payload, 0, NULL);
    struct event ev = {name, data, db, 1};
    int rc = events_emit(&ev);
    json_decref(data);
    return rc;
}

static void tasks_body(struct rest_call *c)
{
    char buf[512], payload[512];
    int64_t deal = 0, contact = 0;
    json_t *f = json_loads("{\"TITLE\":\"d\"}", 0, NULL);
    json_t *g = json_loads("{\"NAME\":\"n\"}", 0, NULL);
    if (crm_entity_write(c, &crm_deal_def, 0, f, 0, &deal) ||
        crm_entity_write(c, &crm_contact_def, 0, g, 0, &contact)) {
        t_fail(__FILE__, __LINE__, "records cannot be added: %s", c->error_description);
        goto out;
    }
    /* bound to the deal, the contact and a lead that does not exist */
    snprintf(payload, sizeof(payload),
             "{\"FIELDS_AFTER\":{\"ID\":42,\"TITLE\":\"Call back\",\"STATUS\":2,"
             "\"UF_CRM_TASK\":[\"D_%lld\",\"C_%lld\",\"L_999\",\"bogus\"],\"CREATED_BY\":1}}",
             (long long)deal, (long long)contact);
    if (emit(c->db, "ONTASKADD", payload) ||
        strcmp(task_rows(c->db, 42, buf, sizeof(buf)), "2:added:2:Call back;3:added:2:Call back;"))
        t_fail(__FILE__, __LINE__, "add: %s", buf);
    /* completed and renamed; the rows on the contact follow too */
    snprintf(payload, sizeof(payload),
             "{\"FIELDS_AFTER\":{\"ID\":\"42\",\"TITLE\":\"Called\",\"STATUS\":\"5\","
             "\"UF_CRM_TASK\":[\"D_%lld\"]}}",
             (long long)deal);
    if (emit(c->db, "ONTASKUPDATE", payload) ||
        strcmp(task_rows(c->db, 42, buf, sizeof(buf)),
               "2:added:5:Called;3:added:5:Called;2:completed:5:Called;"))
        t_fail(__FILE__, __LINE__, "update: %s", buf);
    /* a second update while completed adds nothing */
    if (emit(c->db, "ONTASKUPDATE", payload) ||
        strcmp(task_rows(c->db, 42, buf, sizeof(buf)),
               "2:added:5:Called;3:added:5:Called;2:completed:5:Called;"))
        t_fail(__FILE__, __LINE__, "repeated update: %s", buf);
    if (emit(c->db, "ONTASKDELETE", "{\"FIELDS_BEFORE\":{\"ID\":42}}") ||
        strcmp(task_rows(c->db, 42, buf, sizeof(buf)), ""))
        t_fail(__FILE__, __LINE__, "delete: %s", buf);
    /* a task without bindings or with a malformed payload writes nothing and fails nothing */
    if (emit(c->db, "ONTASKADD", "{\"FIELDS_AFTER\":{\"ID\":7,\"TITLE\":\"x\"}}") ||
        emit(c->db, "ONTASKADD", "{\"FIELDS\":{}}") ||
        strcmp(task_rows(c->db, 7, buf, sizeof(buf)), ""))
        t_fail(__FILE__, __LINE__, "unbound: %s", buf);
out:
    json_decref(f);
    json_decref(g);
}

TEST(crm_timeline_tasks)
{
    char path[300];
    struct arena arena = ARENA_INIT;
    struct auth_identity admin = {.kind = AUTH_WEBHOOK, .user_id = 1, .is_admin = true};
    const struct module *mods[] = {&core_module, &crm_module};
    snprintf(path, sizeof(path), "%s/crm_timeline_tasks.db", t_tmpdir());
    unlink(path);
    struct db_options o = {.path = path};
    log_set_level(LOG_WARN);
    struct db *db = db_global_open(&o) ? NULL : db_conn();
    if (!db || migrate_all(db, mods, 2) || crm_module.init() ||
        db_exec(db, "INSERT INTO core_user (id, email, created_at, updated_at)"
                    " VALUES (1, 'a@x.io', 0, 0)") ||
        db_begin_write(db)) {
        t_fail(__FILE__, __LINE__, "database cannot be prepared");
    } else {
        struct rest_call c = {.arena = &arena, .db = db, .auth = &admin, .total = -1, .next = -1};
        tasks_body(&c);
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
#endif
