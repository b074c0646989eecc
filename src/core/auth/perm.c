/* The permission engine (contract in perm.h). A lookup is one indexed query and nothing is
 * cached across calls, so a role change applies to the very next request. A role assigned to a
 * department reaches that department's direct members only, not its sub-departments (Bitrix's
 * "department employees" access code); a user with no role at all gets the default role.
 * Managing roles is role_methods.c's job, not this file's. */
#include "core/auth/perm.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/auth/identity.h"
#include "core/base/error.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/registry.h"

/* The roles of user ?: assigned directly or through a department they belong to, else the
 * default role. Per role, the row for the entity wins over the role's '*' row. */
static const char SQL_LEVEL[] =
    "WITH perm_mine(role_id) AS ("
    " SELECT role_id FROM core_role_assign WHERE user_id = ?"
    " UNION SELECT a.role_id FROM core_role_assign a"
    " JOIN core_user_department ud ON ud.department_id = a.department_id WHERE ud.user_id = ?),"
    " perm_roles(role_id) AS ("
    " SELECT role_id FROM perm_mine"
    " UNION SELECT id FROM core_role WHERE is_default = 1 AND NOT EXISTS (SELECT 1 FROM perm_mine))"
    " SELECT COALESCE(MAX(COALESCE("
    "(SELECT p.level FROM core_role_perm p WHERE p.role_id = r.role_id AND p.entity = ?"
    " AND p.action = ?),"
    "(SELECT p.level FROM core_role_perm p WHERE p.role_id = r.role_id AND p.entity = '*'"
    " AND p.action = ?), 0)), 0) FROM perm_roles r";

/* Departments the user belongs to or heads. */
#define PERM_MY_DEPS                                                                               \
    "SELECT department_id FROM core_user_department WHERE user_id = ?"                             \
    " UNION SELECT id FROM core_department WHERE head_id = ?"

/* Members of the user's departments; the owner column goes in front. */
static const char SQL_DEPT_TAIL[] = " IN (SELECT perm_ud.user_id FROM core_user_department perm_ud"
                                    " WHERE perm_ud.department_id IN (" PERM_MY_DEPS "))";

/* Members of the user's departments and of every department below them. UNION (not UNION
 * ALL) makes the recursion stop even if the tree had a cycle. */
static const char SQL_SUBDEPT_TAIL[] =
    " IN (WITH RECURSIVE perm_tree(id) AS ("
    "SELECT id FROM core_department WHERE head_id = ?"
    " OR id IN (SELECT department_id FROM core_user_department WHERE user_id = ?)"
    " UNION SELECT perm_d.id FROM core_department perm_d"
    " JOIN perm_tree ON perm_d.parent_id = perm_tree.id)"
    " SELECT perm_ud.user_id FROM core_user_department perm_ud"
    " WHERE perm_ud.department_id IN (SELECT id FROM perm_tree))";

static const char *const action_names[] = {
    [PERM_READ] = "READ",
    [PERM_ADD] = "ADD",
    [PERM_UPDATE] = "UPDATE",
    [PERM_DELETE] = "DELETE",
};

static const struct {
    const char *word, *letter;
} level_names[] = {
    [PERM_LEVEL_NONE] = {"none", "-"},       [PERM_LEVEL_OWN] = {"own", "A"},
    [PERM_LEVEL_DEPT] = {"department", "D"}, [PERM_LEVEL_SUBDEPT] = {"subdepartment", "F"},
    [PERM_LEVEL_ALL] = {"all", "X"},
};

const char *perm_action_name(enum perm_action action)
{
    if (action < PERM_READ || action > PERM_DELETE)
        return NULL;
    return action_names[action];
}

int perm_action_parse(const char *s, enum perm_action *out)
{
    for (int a = PERM_READ; s && a <= PERM_DELETE; a++) {
        if (!strcasecmp(s, action_names[a])) {
            *out = (enum perm_action)a;
            return 0;
        }
    }
    return -E_INVAL;
}

const char *perm_level_name(enum perm_level level)
{
    if (level < PERM_LEVEL_NONE || level > PERM_LEVEL_ALL)
        return "none";
    return level_names[level].word;
}

int perm_level_parse(const char *s, enum perm_level *out)
{
    if (!s)
        return -E_INVAL;
    if (!*s) {
        *out = PERM_LEVEL_NONE;
        return 0;
    }
    for (int l = PERM_LEVEL_NONE; l <= PERM_LEVEL_ALL; l++) {
        if (!strcasecmp(s, level_names[l].word) || !strcasecmp(s, level_names[l].letter)) {
            *out = (enum perm_level)l;
            return 0;
        }
    }
    return -E_INVAL;
}

const struct perm_entity *perm_entity_find(const char *entity)
{
    int n = 0;
    const struct module *const *mods = registry_modules(&n);
    for (int i = 0; entity && i < n; i++)
        for (const struct perm_entity *p = mods[i]->perms; p && p->entity; p++)
            if (!strcasecmp(p->entity, entity))
                return p;
    return NULL;
}

enum perm_level perm_level_effective(const char *entity, enum perm_level level)
{
    const struct perm_entity *p;
    if (level <= PERM_LEVEL_NONE || level >= PERM_LEVEL_ALL)
        return level <= PERM_LEVEL_NONE ? PERM_LEVEL_NONE : PERM_LEVEL_ALL;
    if (entity && !strcmp(entity, "*"))
        return level;
    p = perm_entity_find(entity);
    return p && p->owned ? level : PERM_LEVEL_NONE;
}

int perm_level(struct db *db, const struct auth_identity *auth, const char *entity,
               enum perm_action action, enum perm_level *out)
{
    struct db_stmt *st;
    const char *act = perm_action_name(action);
    int rc;
    *out = PERM_LEVEL_NONE;
    if (!auth)
        return 0;
    if (auth->is_admin) {
        *out = PERM_LEVEL_ALL;
        return 0;
    }
    if (!act || !entity || auth->user_id <= 0)
        return 0;
    if ((rc = db_prepare(db, SQL_LEVEL, &st)))
        return rc;
    db_bind_int(st, 1, auth->user_id);
    db_bind_int(st, 2, auth->user_id);
    db_bind_text(st, 3, entity, -1);
    db_bind_text(st, 4, act, -1);
    db_bind_text(st, 5, act, -1);
    rc = db_step(st);
    if (rc == DB_ROW) {
        int64_t v = db_col_int(st, 0);
        *out = perm_level_effective(entity, v < PERM_LEVEL_NONE  ? PERM_LEVEL_NONE
                                            : v > PERM_LEVEL_ALL ? PERM_LEVEL_ALL
                                                                 : (enum perm_level)v);
        rc = 0;
    } else {
        rc = rc < 0 ? rc : -E_DB;
    }
    db_reset(st);
    return rc;
}

static int add_uid(json_t *binds, int64_t uid, int times)
{
    for (int i = 0; i < times; i++)
        if (json_array_append_new(binds, json_integer(uid)))
            return -E_NOMEM;
    return 0;
}

int perm_sql(const struct auth_identity *auth, enum perm_level level, const char *owner_col,
             struct strbuf *where, json_t *binds)
{
    size_t start = where->len;
    int64_t uid = auth ? auth->user_id : 0;
    int rc;
    if (level >= PERM_LEVEL_ALL)
        return strbuf_addstr(where, "1=1");
    if (level <= PERM_LEVEL_NONE || !auth)
        return strbuf_addstr(where, "1=0");
    if (level == PERM_LEVEL_OWN) {
        rc = strbuf_addf(where, "%s = ?", owner_col);
        return rc ? rc : add_uid(binds, uid, 1);
    }
    rc = strbuf_addf(where, "(%s = ? OR %s%s)", owner_col, owner_col,
                     level == PERM_LEVEL_DEPT ? SQL_DEPT_TAIL : SQL_SUBDEPT_TAIL);
    if (rc) {
        strbuf_truncate(where, start);
        return rc;
    }
    return add_uid(binds, uid, 3);
}

int perm_allows_owner(struct db *db, const struct auth_identity *auth, enum perm_level level,
                      int64_t owner_id, bool *allowed)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    json_t *binds = NULL;
    int rc = 0;
    *allowed =
        level >= PERM_LEVEL_ALL || (level == PERM_LEVEL_OWN && auth && owner_id == auth->user_id);
    if (level < PERM_LEVEL_DEPT || level >= PERM_LEVEL_ALL || !auth)
        return 0;
    if (owner_id == auth->user_id) {
        *allowed = true;
        return 0;
    }
    strbuf_init(&sql, 0);
    binds = json_array();
    json_array_append_new(binds, json_integer(owner_id));
    strbuf_addstr(&sql, "SELECT 1 FROM (SELECT CAST(? AS BIGINT) AS perm_owner) perm_o WHERE ");
    if ((rc = perm_sql(auth, level, "perm_o.perm_owner", &sql, binds)))
        goto out;
    if ((rc = db_prepare_dyn(db, sql.buf, &st)))
        goto out;
    if ((rc = db_bind_json(st, binds, 1)) < 0)
        goto out;
    rc = db_step(st);
    *allowed = rc == DB_ROW;
    rc = rc < 0 ? rc : 0;
out:
    if (st)
        db_finalize(st);
    json_decref(binds);
    strbuf_release(&sql);
    return rc;
}
