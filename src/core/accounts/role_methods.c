/* The role.* REST methods (kazi's own, for administrators): roles, the levels they grant and
 * who holds them. PERMISSIONS is {entity: {action: level}} with actions READ, ADD, UPDATE,
 * DELETE and levels none, own, department, subdepartment, all (Bitrix's letters -, A, D, F, X
 * are accepted too); entity "*" is the role's level for every entity it does not name. An entity
 * without an owner (role.entities: OWNED false) takes none or all only; own, department or
 * subdepartment under "*" mean none for it (perm.c). Ids are JSON integers. How levels combine is
 * perm.c's business, not this file's. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/accounts/ident.h"
#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/registry.h"
#include "core/rest/rest.h"

#define ROLE_NAME_MAX 100
#define ROLE_MAX_RULES 2000

static const char SQL_ROLES[] = "SELECT id, name, is_default FROM core_role ORDER BY id";
static const char SQL_PERMS[] = "SELECT entity, action, level FROM core_role_perm"
                                " WHERE role_id = ? ORDER BY entity, action";
static const char SQL_ASSIGNS[] =
    "SELECT user_id, department_id FROM core_role_assign WHERE role_id = ? ORDER BY id";
static const char SQL_ROLE_DEFAULT[] = "SELECT is_default FROM core_role WHERE id = ?";
static const char SQL_INSERT[] = "INSERT INTO core_role (name, is_default) VALUES (?, 0)";
static const char SQL_RENAME[] = "UPDATE core_role SET name = ? WHERE id = ?";
static const char SQL_CLEAR_DEFAULT[] = "UPDATE core_role SET is_default = 0 WHERE is_default = 1";
static const char SQL_SET_DEFAULT[] = "UPDATE core_role SET is_default = ? WHERE id = ?";
static const char SQL_PERMS_CLEAR[] = "DELETE FROM core_role_perm WHERE role_id = ?";
static const char SQL_PERM_ADD[] =
    "INSERT INTO core_role_perm (role_id, entity, action, level) VALUES (?, ?, ?, ?)";
static const char SQL_ASSIGNS_CLEAR[] = "DELETE FROM core_role_assign WHERE role_id = ?";
static const char SQL_DELETE[] = "DELETE FROM core_role WHERE id = ?";
static const char SQL_USER_EXISTS[] = "SELECT 1 FROM core_user WHERE id = ?";
static const char SQL_DEP_EXISTS[] = "SELECT 1 FROM core_department WHERE id = ?";
static const char SQL_ASSIGN_USER[] =
    "INSERT INTO core_role_assign (role_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char SQL_ASSIGN_DEP[] =
    "INSERT INTO core_role_assign (role_id, department_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char SQL_UNASSIGN_USER[] =
    "DELETE FROM core_role_assign WHERE role_id = ? AND user_id = ?";
static const char SQL_UNASSIGN_DEP[] =
    "DELETE FROM core_role_assign WHERE role_id = ? AND department_id = ?";

/* Runs sql with its n (0-2) integer parameters a, b; DB_ROW, DB_DONE or -E_*. */
static int run2(struct db *db, const char *sql, int n, int64_t a, int64_t b)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    if (n > 0)
        db_bind_int(st, 1, a);
    if (n > 1)
        db_bind_int(st, 2, b);
    rc = db_step(st);
    db_reset(st);
    return rc;
}

/* The declared entity matching name (case-insensitive), "*", or NULL. Borrowed, static. */
static const char *entity_find(const char *name)
{
    const struct perm_entity *p;
    if (!strcmp(name, "*"))
        return "*";
    p = perm_entity_find(name);
    return p ? p->entity : NULL;
}

/* Checks PERMISSIONS and turns it into [[entity, action, level], ...] (new reference). */
static int perms_parse(struct rest_call *c, const json_t *v, json_t **out)
{
    const char *ent, *act;
    json_t *acts, *lv;
    *out = json_array();
    if (json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
        (json_is_array(v) && !json_array_size(v)))
        return 0;
    if (!json_is_object(v))
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'PERMISSIONS' must be an object {entity: {action: level}}");
    json_object_foreach((json_t *)v, ent, acts)
    {
        const char *e = entity_find(ent);
        if (!e)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "permission entity '%s' is unknown (see role.entities)", ent);
        if (!json_is_object(acts))
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "permissions of '%s' must be an object {action: level}", ent);
        json_object_foreach(acts, act, lv)
        {
            char buf[PARAMS_STR_BUFSIZE];
            const char *ls = json_is_string(lv) ? params_to_str(lv, buf, sizeof(buf)) : NULL;
            enum perm_action a;
            enum perm_level l;
            if (perm_action_parse(act, &a))
                return rest_fail(
                    c, 400, "INVALID_ARG_VALUE",
                    "permission action '%s' of '%s' must be READ, ADD, UPDATE or DELETE", act, ent);
            if (!ls || perm_level_parse(ls, &l))
                return rest_fail(c, 400, "INVALID_ARG_VALUE",
                                 "permission level of '%s' %s must be none, own, department, "
                                 "subdepartment or all",
                                 ent, act);
            if (perm_level_effective(e, l) != l)
                return rest_fail(c, 400, "INVALID_ARG_VALUE",
                                 "permission level '%s' of '%s' %s is not allowed: '%s' has no "
                                 "owner, so its levels are none and all",
                                 perm_level_name(l), e, perm_action_name(a), e);
            if (json_array_size(*out) >= ROLE_MAX_RULES)
                return rest_fail(c, 400, "INVALID_ARG_VALUE",
                                 "'PERMISSIONS' has more than %d entries", ROLE_MAX_RULES);
            json_array_append_new(*out, json_pack("[ssi]", e, perm_action_name(a), (int)l));
        }
    }
    return 0;
}

static int perms_store(struct db *db, int64_t role, const json_t *rules)
{
    struct db_stmt *st;
    size_t i;
    json_t *r;
    int rc = run2(db, SQL_PERMS_CLEAR, 1, role, 0);
    json_array_foreach(rules, i, r)
    {
        if (rc != DB_DONE || (rc = db_prepare(db, SQL_PERM_ADD, &st)))
            break;
        db_bind_int(st, 1, role);
        db_bind_text(st, 2, json_string_value(json_array_get(r, 0)), -1);
        db_bind_text(st, 3, json_string_value(json_array_get(r, 1)), -1);
        db_bind_int(st, 4, json_integer_value(json_array_get(r, 2)));
        rc = db_step(st);
        db_reset(st);
    }
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

static json_t *role_perms(struct db *db, int64_t role)
{
    struct db_stmt *st;
    json_t *o = json_object();
    int rc;
    if (db_prepare(db, SQL_PERMS, &st)) {
        json_decref(o);
        return NULL;
    }
    db_bind_int(st, 1, role);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *e = db_col_text(st, 0);
        json_t *acts = json_object_get(o, e);
        if (!acts)
            json_object_set_new(o, e, acts = json_object());
        /* a level stored before the entity's levels were checked is shown as what it means */
        enum perm_level l = perm_level_effective(e, (enum perm_level)db_col_int(st, 2));
        json_object_set_new(acts, db_col_text(st, 1), json_string(perm_level_name(l)));
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Adds USERS and DEPARTMENTS arrays to role object o. */
static int role_assigns(struct db *db, int64_t role, json_t *o)
{
    struct db_stmt *st;
    json_t *users = json_array(), *deps = json_array();
    int rc;
    json_object_set_new(o, "USERS", users);
    json_object_set_new(o, "DEPARTMENTS", deps);
    if ((rc = db_prepare(db, SQL_ASSIGNS, &st)))
        return rc;
    db_bind_int(st, 1, role);
    while ((rc = db_step(st)) == DB_ROW) {
        if (db_col_type(st, 0) != DB_NULL)
            json_array_append_new(users, json_integer(db_col_int(st, 0)));
        else
            json_array_append_new(deps, json_integer(db_col_int(st, 1)));
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int role_list(struct rest_call *c)
{
    struct db_stmt *st;
    json_t *rows;
    int rc = db_prepare(c->db, SQL_ROLES, &st);
    if (rc)
        return rest_fail_db(c, rc);
    rows = json_array();
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        json_t *o = json_object(), *perms = role_perms(c->db, id);
        json_array_append_new(rows, o);
        json_object_set_new(o, "ID", json_integer(id));
        json_object_set_new(o, "NAME", db_col_json_text(st, 1));
        json_object_set_new(o, "IS_DEFAULT", json_boolean(db_col_int(st, 2)));
        if (!perms || (rc = role_assigns(c->db, id, o))) {
            rc = perms ? rc : -E_DB;
            json_decref(perms);
            break;
        }
        json_object_set_new(o, "PERMISSIONS", perms);
    }
    db_reset(st);
    if (rc != DB_DONE) {
        json_decref(rows);
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    }
    c->result = rows;
    return 0;
}

/* role.entities: every entity the enabled modules declare, with whether its rows have an owner
 * and so the levels a role may give it. */
static int role_entities(struct rest_call *c)
{
    int n = 0;
    const struct module *const *mods = registry_modules(&n);
    json_t *rows = json_array();
    for (int i = 0; i < n; i++) {
        for (const struct perm_entity *p = mods[i]->perms; p && p->entity; p++) {
            json_t *levels = json_array();
            for (int l = PERM_LEVEL_NONE; l <= PERM_LEVEL_ALL; l++)
                if (perm_level_effective(p->entity, (enum perm_level)l) == (enum perm_level)l)
                    json_array_append_new(levels, json_string(perm_level_name(l)));
            json_array_append_new(rows,
                                  json_pack("{sssssssbso}", "ENTITY", p->entity, "TITLE",
                                            p->title ? p->title : p->entity, "MODULE",
                                            mods[i]->name, "OWNED", p->owned, "LEVELS", levels));
        }
    }
    c->result = rows;
    return 0;
}

static json_t *fields_param(struct rest_call *c)
{
    json_t *f = rest_param(c, "fields");
    return json_is_object(f) ? f : c->params;
}

/* Reads NAME (required when adding) into *name (arena copy, NULL when absent). */
static int read_name(struct rest_call *c, json_t *f, bool required, const char **name)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *v = params_get(f, "NAME");
    const char *s = v ? params_to_str(v, buf, sizeof(buf)) : NULL;
    *name = NULL;
    if (!v && !required)
        return 0;
    if (!s || !*s)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'NAME' is required");
    if (strlen(s) > ROLE_NAME_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'NAME' is longer than %d bytes",
                         ROLE_NAME_MAX);
    *name = arena_strdup(c->arena, s);
    return 0;
}

/* Applies NAME, PERMISSIONS and IS_DEFAULT of f to role id (checked before anything is
 * written). */
static int role_apply(struct rest_call *c, int64_t id, json_t *f, const char *name)
{
    json_t *pv = params_get(f, "PERMISSIONS"), *dv = params_get(f, "IS_DEFAULT"), *rules = NULL;
    struct db_stmt *st;
    bool def = false;
    int rc = 0;
    if (dv && params_to_bool(dv, &def))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'IS_DEFAULT' must be Y or N");
    if (pv && perms_parse(c, pv, &rules)) {
        json_decref(rules);
        return -1;
    }
    if (name) {
        if ((rc = db_prepare(c->db, SQL_RENAME, &st)))
            goto out;
        db_bind_text(st, 1, name, -1);
        db_bind_int(st, 2, id);
        rc = db_step(st);
        db_reset(st);
        if (rc == -E_EXISTS) {
            json_decref(rules);
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "role name '%s' is taken", name);
        }
        rc = rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
    }
    if (!rc && rules)
        rc = perms_store(c->db, id, rules);
    if (!rc && dv && def)
        rc = run2(c->db, SQL_CLEAR_DEFAULT, 0, 0, 0) == DB_DONE ? 0 : -E_DB;
    if (!rc && dv)
        rc = run2(c->db, SQL_SET_DEFAULT, 2, def, id) == DB_DONE ? 0 : -E_DB;
out:
    json_decref(rules);
    return rc ? rest_fail_db(c, rc) : 0;
}

static int role_add(struct rest_call *c)
{
    json_t *f = fields_param(c);
    const char *name;
    struct db_stmt *st;
    int64_t id;
    int rc;
    if (read_name(c, f, true, &name))
        return -1;
    if ((rc = db_prepare(c->db, SQL_INSERT, &st)))
        return rest_fail_db(c, rc);
    db_bind_text(st, 1, name, -1);
    rc = db_step(st);
    db_reset(st);
    if (rc == -E_EXISTS)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "role name '%s' is taken", name);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    id = db_last_id(c->db);
    if (role_apply(c, id, f, NULL))
        return -1;
    c->result = json_integer(id);
    return 0;
}

/* Reads the role id parameter pname and finds the role; *is_default tells whether it is the
 * default role. */
static int role_find(struct rest_call *c, const char *pname, int64_t *id, bool *is_default)
{
    json_t *v = rest_param(c, pname);
    struct db_stmt *st;
    int rc;
    if (!v && fields_param(c) != c->params)
        v = params_get(fields_param(c), pname);
    if (rest_param_id(c, v, pname, true, id))
        return -1;
    if ((rc = db_prepare(c->db, SQL_ROLE_DEFAULT, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, *id);
    rc = db_step(st);
    if (rc == DB_ROW)
        *is_default = db_col_int(st, 0) != 0;
    db_reset(st);
    if (rc != DB_ROW)
        return rc < 0 ? rest_fail_db(c, rc)
                      : rest_fail(c, 400, "NOT_FOUND", "role %lld does not exist", (long long)*id);
    return 0;
}

static int role_update(struct rest_call *c)
{
    json_t *f = fields_param(c);
    const char *name;
    int64_t id = 0;
    bool def = false;
    if (role_find(c, "ID", &id, &def) || read_name(c, f, false, &name) ||
        role_apply(c, id, f, name))
        return -1;
    c->result = json_true();
    return 0;
}

static int role_delete(struct rest_call *c)
{
    int64_t id = 0;
    bool def = false;
    int rc;
    if (role_find(c, "ID", &id, &def))
        return -1;
    if (def)
        return rest_fail(c, 400, "ERROR_ARGUMENT",
                         "role %lld is the default role: make another role the default first",
                         (long long)id);
    if ((rc = run2(c->db, SQL_PERMS_CLEAR, 1, id, 0)) != DB_DONE ||
        (rc = run2(c->db, SQL_ASSIGNS_CLEAR, 1, id, 0)) != DB_DONE ||
        (rc = run2(c->db, SQL_DELETE, 1, id, 0)) != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    c->result = json_true();
    return 0;
}

/* Reads ROLE_ID and exactly one of USER_ID / DEPARTMENT_ID, checking that all exist. */
static int assign_args(struct rest_call *c, int64_t *role, int64_t *user, int64_t *dep)
{
    bool def;
    int rc;
    if (role_find(c, "ROLE_ID", role, &def) ||
        rest_param_id(c, rest_param(c, "USER_ID"), "USER_ID", false, user) ||
        rest_param_id(c, rest_param(c, "DEPARTMENT_ID"), "DEPARTMENT_ID", false, dep))
        return -1;
    if (!*user == !*dep)
        return rest_fail(c, 400, "ERROR_ARGUMENT",
                         "give exactly one of 'USER_ID' and 'DEPARTMENT_ID'");
    rc =
        *user ? run2(c->db, SQL_USER_EXISTS, 1, *user, 0) : run2(c->db, SQL_DEP_EXISTS, 1, *dep, 0);
    if (rc < 0)
        return rest_fail_db(c, rc);
    if (rc != DB_ROW)
        return rest_fail(c, 400, "NOT_FOUND", "%s %lld does not exist",
                         *user ? "user" : "department", (long long)(*user ? *user : *dep));
    return 0;
}

static int role_assign(struct rest_call *c)
{
    int64_t role, user, dep;
    int rc;
    if (assign_args(c, &role, &user, &dep))
        return -1;
    rc = run2(c->db, user ? SQL_ASSIGN_USER : SQL_ASSIGN_DEP, 2, role, user ? user : dep);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    c->result = json_true();
    return 0;
}

static int role_unassign(struct rest_call *c)
{
    int64_t role, user, dep;
    int rc;
    if (assign_args(c, &role, &user, &dep))
        return -1;
    rc = run2(c->db, user ? SQL_UNASSIGN_USER : SQL_UNASSIGN_DEP, 2, role, user ? user : dep);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    if (!db_changes(c->db))
        return rest_fail(c, 400, "NOT_FOUND", "role %lld is not assigned to %s %lld",
                         (long long)role, user ? "user" : "department",
                         (long long)(user ? user : dep));
    c->result = json_true();
    return 0;
}

const struct rest_method role_methods[] = {
    {.name = "role.list", .scope = "user", .fn = role_list, .flags = REST_ADMIN},
    {.name = "role.entities", .scope = "user", .fn = role_entities, .flags = REST_ADMIN},
    {.name = "role.add", .scope = "user", .fn = role_add, .flags = REST_WRITE | REST_ADMIN},
    {.name = "role.update", .scope = "user", .fn = role_update, .flags = REST_WRITE | REST_ADMIN},
    {.name = "role.delete", .scope = "user", .fn = role_delete, .flags = REST_WRITE | REST_ADMIN},
    {.name = "role.assign", .scope = "user", .fn = role_assign, .flags = REST_WRITE | REST_ADMIN},
    {.name = "role.unassign",
     .scope = "user",
     .fn = role_unassign,
     .flags = REST_WRITE | REST_ADMIN},
    {0},
};
