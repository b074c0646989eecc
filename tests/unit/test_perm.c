/* Tests for the permission engine on a database migrated with core's schema: level and action
 * names, the seeded roles, levels from direct and department assignments (highest wins, the
 * entity's row beats the role's '*' row, default role only without other roles), and the rows
 * perm_sql and perm_allows_owner keep for OWN / DEPT / SUBDEPT over a department tree, and
 * that a level narrowing by owner reads as none on an entity without an owner. */
#include <stdio.h>
#include <unistd.h>

#include "core/accounts/ident.h"
#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/config/config.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/db/migrate.h"
#include "core/registry.h"
#include "core/rest/rest.h"
#include "t.h"

/* Every compiled-in module runs, so their permission entities are declared. */
static void registry_all(void)
{
    struct config cfg = {0};
    char err[200];
    snprintf(cfg.modules, sizeof(cfg.modules), "all");
    if (registry_init(&cfg, err, sizeof(err)))
        t_fail(__FILE__, __LINE__, "registry: %s", err);
}

/* Opens a fresh database with core's migrations and runs body inside a write transaction. */
static void with_db(const char *name, void (*body)(struct db *db))
{
    const struct module *mods[] = {&core_module};
    registry_all();
    t_with_db(name, mods, 1, T_DB_WRITE, body);
}

static int exec(struct db *db, const char *sql)
{
    int rc = db_exec(db, sql);
    if (rc)
        fprintf(stdout, "    sql failed: %s: %s\n", sql, db_errmsg(db));
    return rc;
}

/* Users 1-8; departments 1 Company (head 1) > 2 Sales (head 2) > 3 East (head 3) > 4 Team,
 * and 1 > 5 Support (head 8, who is not a member). Members: 1:{1} 2:{2,6} 3:{3} 4:{4}
 * 5:{5,6}; user 7 is in no department. Items 1-8 are owned by users 1-8, item 9 by nobody. */
static const char TREE[] =
    "INSERT INTO core_user (id, email, created_at, updated_at) VALUES"
    " (1,'u1@x.io',0,0),(2,'u2@x.io',0,0),(3,'u3@x.io',0,0),(4,'u4@x.io',0,0),"
    " (5,'u5@x.io',0,0),(6,'u6@x.io',0,0),(7,'u7@x.io',0,0),(8,'u8@x.io',0,0);"
    "INSERT INTO core_department (id, name, parent_id, head_id) VALUES"
    " (1,'Company',NULL,1),(2,'Sales',1,2),(3,'East',2,3),(4,'Team',3,NULL),(5,'Support',1,8);"
    "INSERT INTO core_user_department (user_id, department_id) VALUES"
    " (1,1),(2,2),(6,2),(3,3),(4,4),(5,5),(6,5);"
    "CREATE TABLE test_item (id INTEGER PRIMARY KEY, owner INTEGER);"
    "INSERT INTO test_item VALUES (1,1),(2,2),(3,3),(4,4),(5,5),(6,6),(7,7),(8,8),(9,NULL);";

static struct auth_identity as_user(int64_t id)
{
    return (struct auth_identity){.kind = AUTH_WEBHOOK, .user_id = id};
}

static int level_of(struct db *db, int64_t uid, const char *entity, enum perm_action a)
{
    struct auth_identity au = as_user(uid);
    enum perm_level l = PERM_LEVEL_ALL;
    if (perm_level(db, &au, entity, a, &l))
        return -1;
    return (int)l;
}

/* The ids of test_item rows perm_sql keeps, as "1,2,3". */
static const char *visible(struct db *db, int64_t uid, enum perm_level level)
{
    static char out[256];
    struct auth_identity au = as_user(uid);
    struct strbuf sql;
    struct db_stmt *st = NULL;
    json_t *binds = json_array();
    size_t len = 0;
    out[0] = '\0';
    strbuf_init(&sql, 0);
    strbuf_addstr(&sql, "SELECT t.id FROM test_item t WHERE ");
    if (perm_sql(&au, level, "t.owner", &sql, binds) || strbuf_addstr(&sql, " ORDER BY t.id") ||
        db_prepare_dyn(db, sql.buf, &st) || db_bind_json(st, binds, 1) < 0) {
        snprintf(out, sizeof(out), "error");
        goto out;
    }
    while (db_step(st) == DB_ROW && len < sizeof(out) - 24)
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%lld", len ? "," : "",
                                (long long)db_col_int(st, 0));
out:
    if (st)
        db_finalize(st);
    json_decref(binds);
    strbuf_release(&sql);
    return out;
}

static bool allows(struct db *db, int64_t uid, enum perm_level level, int64_t owner)
{
    struct auth_identity au = as_user(uid);
    bool ok = false;
    if (perm_allows_owner(db, &au, level, owner, &ok))
        return false;
    return ok;
}

TEST(perm_names)
{
    enum perm_level l = PERM_LEVEL_NONE;
    enum perm_action a = PERM_NONE_ACTION;
    CHECK_STR(perm_level_name(PERM_LEVEL_SUBDEPT), "subdepartment");
    CHECK_STR(perm_action_name(PERM_UPDATE), "UPDATE");
    CHECK(perm_action_name(PERM_ADMIN) == NULL);
    CHECK_INT(perm_level_parse("Department", &l), 0);
    CHECK_INT(l, PERM_LEVEL_DEPT);
    CHECK_INT(perm_level_parse("X", &l), 0);
    CHECK_INT(l, PERM_LEVEL_ALL);
    CHECK_INT(perm_level_parse("", &l), 0);
    CHECK_INT(l, PERM_LEVEL_NONE);
    CHECK_INT(perm_level_parse("everything", &l), -E_INVAL);
    CHECK_INT(perm_action_parse("delete", &a), 0);
    CHECK_INT(a, PERM_DELETE);
    CHECK_INT(perm_action_parse("ADMIN", &a), -E_INVAL);
}

static void body_levels(struct db *db)
{
    struct auth_identity admin = {.kind = AUTH_WEBHOOK, .user_id = 7, .is_admin = true};
    enum perm_level l = PERM_LEVEL_NONE;
    CHECK_INT(exec(db, TREE), 0);
    /* fresh install: everybody has the default role "Employee", ALL for everything */
    CHECK_INT(level_of(db, 7, "crm_lead", PERM_READ), PERM_LEVEL_ALL);
    CHECK_INT(level_of(db, 3, "user", PERM_DELETE), PERM_LEVEL_ALL);
    CHECK_INT(level_of(db, 3, "user", PERM_ADMIN), PERM_LEVEL_NONE);
    CHECK_INT(perm_level(db, &admin, "user", PERM_ADMIN, &l), 0);
    CHECK_INT(l, PERM_LEVEL_ALL);
    /* a role of user 3's own replaces the default role */
    CHECK_INT(exec(db, "INSERT INTO core_role (id, name) VALUES (10, 'Own users');"
                       "INSERT INTO core_role_perm VALUES (10, 'user', 'READ', 1);"
                       "INSERT INTO core_role_assign (role_id, user_id) VALUES (10, 3);"),
              0);
    CHECK_INT(level_of(db, 3, "user", PERM_READ), PERM_LEVEL_OWN);
    CHECK_INT(level_of(db, 3, "user", PERM_ADD), PERM_LEVEL_NONE);
    CHECK_INT(level_of(db, 3, "crm_lead", PERM_READ), PERM_LEVEL_NONE);
    CHECK_INT(level_of(db, 4, "crm_lead", PERM_READ), PERM_LEVEL_ALL);
    /* "Read only" (id 2) on Sales reaches its members, not the sub-department East */
    CHECK_INT(exec(db, "INSERT INTO core_role_assign (role_id, department_id) VALUES (2, 2)"), 0);
    CHECK_INT(level_of(db, 2, "crm_lead", PERM_READ), PERM_LEVEL_ALL);
    CHECK_INT(level_of(db, 6, "crm_lead", PERM_UPDATE), PERM_LEVEL_NONE);
    CHECK_INT(level_of(db, 3, "crm_lead", PERM_READ), PERM_LEVEL_NONE);
    CHECK_INT(level_of(db, 5, "crm_lead", PERM_UPDATE), PERM_LEVEL_ALL);
    /* the highest level of all the user's roles wins */
    CHECK_INT(exec(db, "INSERT INTO core_role_assign (role_id, user_id) VALUES (2, 3)"), 0);
    CHECK_INT(level_of(db, 3, "user", PERM_READ), PERM_LEVEL_ALL);
    CHECK_INT(level_of(db, 3, "user", PERM_UPDATE), PERM_LEVEL_NONE);
    /* within a role, the entity's own row beats '*' */
    CHECK_INT(exec(db, "INSERT INTO core_role_perm VALUES (2, 'user', 'READ', 2)"), 0);
    CHECK_INT(level_of(db, 2, "user", PERM_READ), PERM_LEVEL_DEPT);
    CHECK_INT(level_of(db, 2, "task", PERM_READ), PERM_LEVEL_ALL);
    /* no default role: users without roles get nothing */
    CHECK_INT(exec(db, "UPDATE core_role SET is_default = 0"), 0);
    CHECK_INT(level_of(db, 7, "crm_lead", PERM_READ), PERM_LEVEL_NONE);
}

TEST(perm_levels)
{
    with_db("perm_levels", body_levels);
}

static void body_ownerless(struct db *db)
{
    CHECK_INT(exec(db, TREE), 0);
    /* "department" (core) has no owner; "user" has; an undeclared entity counts as ownerless */
    CHECK(perm_entity_find("Department") && !perm_entity_find("department")->owned);
    CHECK(perm_entity_find("user") && perm_entity_find("user")->owned);
    CHECK(perm_entity_find("no_such_entity") == NULL);
    CHECK_INT(perm_level_effective("department", PERM_LEVEL_OWN), PERM_LEVEL_NONE);
    CHECK_INT(perm_level_effective("department", PERM_LEVEL_SUBDEPT), PERM_LEVEL_NONE);
    CHECK_INT(perm_level_effective("department", PERM_LEVEL_ALL), PERM_LEVEL_ALL);
    CHECK_INT(perm_level_effective("user", PERM_LEVEL_DEPT), PERM_LEVEL_DEPT);
    CHECK_INT(perm_level_effective("no_such_entity", PERM_LEVEL_OWN), PERM_LEVEL_NONE);
    CHECK_INT(perm_level_effective("*", PERM_LEVEL_OWN), PERM_LEVEL_OWN);
    /* the editor's new-role shape: READ all, ADD/UPDATE own, through '*' */
    CHECK_INT(exec(db,
                   "INSERT INTO core_role (id, name) VALUES (10, 'New');"
                   "INSERT INTO core_role_perm VALUES (10, '*', 'READ', 4), (10, '*', 'ADD', 1),"
                   " (10, '*', 'UPDATE', 2);"
                   "INSERT INTO core_role_assign (role_id, user_id) VALUES (10, 3);"),
              0);
    CHECK_INT(level_of(db, 3, "department", PERM_READ), PERM_LEVEL_ALL);
    CHECK_INT(level_of(db, 3, "department", PERM_ADD), PERM_LEVEL_NONE);
    CHECK_INT(level_of(db, 3, "department", PERM_UPDATE), PERM_LEVEL_NONE);
    CHECK_INT(level_of(db, 3, "user", PERM_ADD), PERM_LEVEL_OWN);
    CHECK_INT(level_of(db, 3, "user", PERM_UPDATE), PERM_LEVEL_DEPT);
    /* a row stored on the entity itself (before roles were checked) means none too, and a
     * second role granting all still wins */
    CHECK_INT(exec(db, "INSERT INTO core_role_perm VALUES (10, 'department', 'DELETE', 3)"), 0);
    CHECK_INT(level_of(db, 3, "department", PERM_DELETE), PERM_LEVEL_NONE);
    CHECK_INT(exec(db, "INSERT INTO core_role (id, name) VALUES (11, 'Admin of tree');"
                       "INSERT INTO core_role_perm VALUES (11, 'department', 'DELETE', 4);"
                       "INSERT INTO core_role_assign (role_id, user_id) VALUES (11, 3);"),
              0);
    CHECK_INT(level_of(db, 3, "department", PERM_DELETE), PERM_LEVEL_ALL);
}

TEST(perm_ownerless_levels)
{
    with_db("perm_ownerless", body_ownerless);
}

static void body_rows(struct db *db)
{
    CHECK_INT(exec(db, TREE), 0);
    CHECK_STR(visible(db, 3, PERM_LEVEL_ALL), "1,2,3,4,5,6,7,8,9");
    CHECK_STR(visible(db, 3, PERM_LEVEL_NONE), "");
    CHECK_STR(visible(db, 3, PERM_LEVEL_OWN), "3");
    CHECK_STR(visible(db, 7, PERM_LEVEL_OWN), "7");
    CHECK_STR(visible(db, 2, PERM_LEVEL_DEPT), "2,6");
    CHECK_STR(visible(db, 6, PERM_LEVEL_DEPT), "2,5,6");
    CHECK_STR(visible(db, 4, PERM_LEVEL_DEPT), "4");
    CHECK_STR(visible(db, 7, PERM_LEVEL_DEPT), "7");
    /* user 8 heads Support without being a member */
    CHECK_STR(visible(db, 8, PERM_LEVEL_DEPT), "5,6,8");
    CHECK_STR(visible(db, 2, PERM_LEVEL_SUBDEPT), "2,3,4,6");
    CHECK_STR(visible(db, 3, PERM_LEVEL_SUBDEPT), "3,4");
    CHECK_STR(visible(db, 1, PERM_LEVEL_SUBDEPT), "1,2,3,4,5,6");
    CHECK_STR(visible(db, 8, PERM_LEVEL_SUBDEPT), "5,6,8");
    CHECK_STR(visible(db, 7, PERM_LEVEL_SUBDEPT), "7");
    /* a cycle in the tree does not make the recursion run away */
    CHECK_INT(exec(db, "UPDATE core_department SET parent_id = 4 WHERE id = 2"), 0);
    CHECK_STR(visible(db, 3, PERM_LEVEL_SUBDEPT), "2,3,4,6");
    CHECK_INT(exec(db, "UPDATE core_department SET parent_id = 1 WHERE id = 2"), 0);

    CHECK(allows(db, 3, PERM_LEVEL_OWN, 3));
    CHECK(!allows(db, 3, PERM_LEVEL_OWN, 4));
    CHECK(!allows(db, 3, PERM_LEVEL_DEPT, 4));
    CHECK(allows(db, 3, PERM_LEVEL_SUBDEPT, 4));
    CHECK(!allows(db, 3, PERM_LEVEL_SUBDEPT, 2));
    CHECK(allows(db, 6, PERM_LEVEL_DEPT, 5));
    CHECK(allows(db, 7, PERM_LEVEL_DEPT, 7));
    CHECK(!allows(db, 7, PERM_LEVEL_NONE, 7));
    CHECK(allows(db, 7, PERM_LEVEL_ALL, 1));
}

TEST(perm_rows)
{
    with_db("perm_rows", body_rows);
}

TEST(perm_sql_text)
{
    struct auth_identity au = as_user(5);
    struct strbuf sb;
    json_t *binds = json_array();
    strbuf_init(&sb, 0);
    CHECK_INT(perm_sql(&au, PERM_LEVEL_ALL, "t.owner", &sb, binds), 0);
    CHECK_STR(sb.buf, "1=1");
    strbuf_reset(&sb);
    CHECK_INT(perm_sql(NULL, PERM_LEVEL_OWN, "t.owner", &sb, binds), 0);
    CHECK_STR(sb.buf, "1=0");
    strbuf_reset(&sb);
    CHECK_INT(perm_sql(&au, PERM_LEVEL_OWN, "t.owner", &sb, binds), 0);
    CHECK_STR(sb.buf, "t.owner = ?");
    CHECK_INT(json_array_size(binds), 1);
    CHECK_INT(json_integer_value(json_array_get(binds, 0)), 5);
    strbuf_reset(&sb);
    CHECK_INT(perm_sql(&au, PERM_LEVEL_SUBDEPT, "t.owner", &sb, binds), 0);
    CHECK(strstr(sb.buf, "WITH RECURSIVE") != NULL);
    CHECK_INT(json_array_size(binds), 4);
    json_decref(binds);
    strbuf_release(&sb);
}
