/* Workgroup membership: sonet_group.user.get, .add, .delete and .update. Roles are A (owner),
 * E (moderator) and K (member). Owners, moderators and administrators add and remove members
 * (ordinary members too when the group's INITIATE_PERMS is K); anyone may join an open group
 * or leave any group by themselves; the owner cannot be removed. Joining and leaving change
 * which of the group's tasks the user sees (task_access.c). */
#include <string.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

static const char SQL_MEMBERS[] =
    "SELECT user_id, role FROM tasks_group_member WHERE group_id = ?"
    " ORDER BY CASE role WHEN 'A' THEN 0 WHEN 'E' THEN 1 ELSE 2 END, user_id";
static const char SQL_REMOVE[] =
    "DELETE FROM tasks_group_member WHERE group_id = ? AND user_id = ?";

static int member_role(struct rest_call *c, int64_t group_id, int64_t user_id, char *role)
{
    int rc = task_access_group_role(c->db, user_id, group_id, role);
    return rc ? rest_fail_db(c, rc) : 0;
}

static int users_arg(struct rest_call *c, int64_t *ids, size_t *n)
{
    if (tasks_id_list(c, rest_param(c, "USER_ID"), "USER_ID", ids, TASKS_MAX_IDS, n))
        return -1;
    if (!*n)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'USER_ID' is required");
    return 0;
}

/* May the caller manage other people's membership of g? */
static bool manages(struct rest_call *c, const struct group *g, char my_role)
{
    return c->auth->is_admin || my_role == 'A' || my_role == 'E' ||
           (my_role == 'K' && g->initiate_perms == 'K');
}

static int group_user_get(struct rest_call *c)
{
    struct group g;
    struct db_stmt *st;
    int rc;
    if (tasks_group_open(c, "ID", &g))
        return -1;
    if ((rc = db_prepare(c->db, SQL_MEMBERS, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, g.id);
    c->result = json_array();
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(c->result,
                              json_pack("{s:o, s:o}", "USER_ID", jsonout_int_str(db_col_int(st, 0)),
                                        "ROLE", db_col_json_text(st, 1)));
    db_reset(st);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

static int group_user_add(struct rest_call *c)
{
    struct group g;
    int64_t ids[TASKS_MAX_IDS];
    size_t n;
    char mine = 0;
    json_t *added;
    int rc;
    if (tasks_group_open(c, "GROUP_ID", &g) || users_arg(c, ids, &n) ||
        member_role(c, g.id, c->auth->user_id, &mine))
        return -1;
    if (!manages(c, &g, mine) &&
        !(n == 1 && ids[0] == c->auth->user_id && g.opened == 'Y' && g.visible == 'Y'))
        return rest_fail(c, 403, "ACCESS_DENIED",
                         "you may not add members to socialnetwork "
                         "group %lld",
                         (long long)g.id);
    for (size_t i = 0; i < n; i++) {
        bool active = false;
        if ((rc = tasks_user_active(c->db, ids[i], &active)))
            return rest_fail_db(c, rc);
        if (!active)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "parameter 'USER_ID': user %lld does "
                             "not exist",
                             (long long)ids[i]);
    }
    added = json_array();
    for (size_t i = 0; i < n; i++) {
        char role = 0;
        if ((rc = task_access_group_role(c->db, ids[i], g.id, &role)) ||
            (!role && (rc = tasks_group_member_set(c, g.id, ids[i], 'K')))) {
            json_decref(added);
            return rest_fail_db(c, rc);
        }
        if (!role)
            json_array_append_new(added, jsonout_int_str(ids[i]));
    }
    c->result = added;
    return 0;
}

static int group_user_delete(struct rest_call *c)
{
    struct group g;
    int64_t ids[TASKS_MAX_IDS], args[2];
    size_t n;
    char mine = 0;
    json_t *removed;
    int rc;
    if (tasks_group_open(c, "GROUP_ID", &g) || users_arg(c, ids, &n) ||
        member_role(c, g.id, c->auth->user_id, &mine))
        return -1;
    if (!c->auth->is_admin && mine != 'A' && mine != 'E' && !(n == 1 && ids[0] == c->auth->user_id))
        return rest_fail(c, 403, "ACCESS_DENIED",
                         "you may not remove members of socialnetwork "
                         "group %lld",
                         (long long)g.id);
    removed = json_array();
    for (size_t i = 0; i < n; i++) {
        char role = 0;
        if ((rc = task_access_group_role(c->db, ids[i], g.id, &role)))
            goto fail;
        /* the owner stays; a moderator does not remove another moderator */
        if (!role || role == 'A' ||
            (role == 'E' && mine == 'E' && ids[i] != c->auth->user_id && !c->auth->is_admin))
            continue;
        args[0] = g.id;
        args[1] = ids[i];
        if ((rc = db_run_ints(c->db, SQL_REMOVE, 2, args)) ||
            (rc = task_access_group_leave(c->db, ids[i], g.id)))
            goto fail;
        json_array_append_new(removed, jsonout_int_str(ids[i]));
    }
    c->result = removed;
    return 0;
fail:
    json_decref(removed);
    return rest_fail_db(c, rc);
}

/* sonet_group.user.update(GROUP_ID, USER_ID, ROLE): the owner (or an administrator) makes
 * members moderators (E) or plain members (K) again. */
static int group_user_update(struct rest_call *c)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *role = params_to_str(rest_param(c, "ROLE"), buf, sizeof(buf));
    struct group g;
    int64_t ids[TASKS_MAX_IDS];
    size_t n;
    json_t *changed;
    int rc;
    if (tasks_group_open(c, "GROUP_ID", &g) || users_arg(c, ids, &n))
        return -1;
    if (!role || (strcmp(role, "E") && strcmp(role, "K")))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'ROLE' must be E or K");
    if (!c->auth->is_admin && g.owner_id != c->auth->user_id)
        return rest_fail(c, 403, "ACCESS_DENIED",
                         "only the owner of socialnetwork group %lld "
                         "may change roles",
                         (long long)g.id);
    changed = json_array();
    for (size_t i = 0; i < n; i++) {
        char cur = 0;
        if ((rc = task_access_group_role(c->db, ids[i], g.id, &cur)) ||
            (cur && cur != 'A' && (rc = tasks_group_member_set(c, g.id, ids[i], *role)))) {
            json_decref(changed);
            return rest_fail_db(c, rc);
        }
        if (cur && cur != 'A')
            json_array_append_new(changed, jsonout_int_str(ids[i]));
    }
    c->result = changed;
    return 0;
}

#define MEMBER_METHOD(n, f, act, fl)                                                               \
    {                                                                                              \
        .name = "sonet_group.user." n, .scope = "sonet", .fn = f, .entity = "sonet_group",         \
        .action = act, .flags = fl                                                                 \
    }

const struct rest_method tasks_group_member_methods[] = {
    MEMBER_METHOD("get", group_user_get, PERM_READ, 0),
    MEMBER_METHOD("add", group_user_add, PERM_UPDATE, REST_WRITE),
    MEMBER_METHOD("delete", group_user_delete, PERM_UPDATE, REST_WRITE),
    MEMBER_METHOD("update", group_user_update, PERM_UPDATE, REST_WRITE),
    {0},
};
