/* Who may see a task, and the caller's roles in it (contracts in tasks_internal.h).
 *
 * A user sees a task when they take part in it (creator, responsible, accomplice, auditor),
 * belong to its workgroup, head the department of a participant or any department above it,
 * or are an administrator. Lists must be narrowed in SQL and stay fast with a million tasks,
 * so the rule is materialised in tasks_access(user_id, task_id): this file rewrites a task's
 * rows when its participants or workgroup change and a user's rows when they join or leave a
 * workgroup, and triggers of migration 001 do the same when departments or their members or
 * heads change. The rule itself is written once, as the view tasks_viewer. */
#include <string.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

static const char SQL_VISIBLE[] = "SELECT 1 FROM tasks_access WHERE user_id = ? AND task_id = ?";
static const char SQL_ROLES[] = "SELECT role FROM tasks_member WHERE task_id = ? AND user_id = ?";
static const char SQL_TASK_CLEAR[] = "DELETE FROM tasks_access WHERE task_id = ?";
static const char SQL_TASK_FILL[] =
    "INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)"
    " SELECT user_id, task_id, status, deadline FROM tasks_viewer WHERE task_id = ?";
static const char SQL_JOIN[] =
    "INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)"
    " SELECT ?, id, status, deadline FROM tasks_task WHERE group_id = ?";
static const char SQL_LEAVE_CLEAR[] =
    "DELETE FROM tasks_access WHERE user_id = ?"
    " AND task_id IN (SELECT id FROM tasks_task WHERE group_id = ?)";
static const char SQL_LEAVE_FILL[] =
    "INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)"
    " SELECT user_id, task_id, status, deadline FROM tasks_viewer WHERE user_id = ?"
    " AND task_id IN (SELECT id FROM tasks_task WHERE group_id = ?)";
static const char SQL_GROUP_CLEAR[] =
    "DELETE FROM tasks_access WHERE task_id IN (SELECT id FROM tasks_task WHERE group_id = ?)";
static const char SQL_GROUP_FILL[] =
    "INSERT OR IGNORE INTO tasks_access (user_id, task_id, status, deadline)"
    " SELECT user_id, task_id, status, deadline FROM tasks_viewer"
    " WHERE task_id IN (SELECT id FROM tasks_task WHERE group_id = ?)";
static const char SQL_GROUP_ROLE[] =
    "SELECT role FROM tasks_group_member WHERE user_id = ? AND group_id = ?";

int task_access_visible(struct rest_call *c, int64_t id, bool *visible)
{
    int64_t args[2] = {c->auth ? c->auth->user_id : 0, id}, one;
    int rc;
    *visible = c->auth && c->auth->is_admin;
    if (*visible)
        return 0;
    rc = tasks_query_int(c->db, SQL_VISIBLE, 2, args, &one);
    if (rc == -E_NOTFOUND)
        return 0;
    *visible = !rc;
    return rc;
}

static int load_roles(struct rest_call *c, struct task_access *a)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_ROLES, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, a->row.id);
    db_bind_int(st, 2, c->auth ? c->auth->user_id : 0);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *r = db_col_text(st, 0);
        switch (r ? *r : 0) {
        case 'O':
            a->roles |= TASK_ROLE_CREATOR;
            break;
        case 'R':
            a->roles |= TASK_ROLE_RESPONSIBLE;
            break;
        case 'A':
            a->roles |= TASK_ROLE_ACCOMPLICE;
            break;
        case 'U':
            a->roles |= TASK_ROLE_AUDITOR;
            break;
        default:
            break;
        }
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int task_access_open_id(struct rest_call *c, int64_t id, struct task_access *a)
{
    bool visible = false;
    int rc;
    memset(a, 0, sizeof(*a));
    a->admin = c->auth && c->auth->is_admin;
    rc = task_row_load(c->db, c->arena, id, &a->row);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "NOT_FOUND", "task %lld does not exist", (long long)id);
    if (rc || (rc = task_access_visible(c, id, &visible)) || (rc = load_roles(c, a)))
        return rest_fail_db(c, rc);
    if (!visible)
        return rest_fail(c, 403, "ACCESS_DENIED", "task %lld is not visible to you", (long long)id);
    return 0;
}

int task_access_open(struct rest_call *c, const json_t *idv, const char *name,
                     struct task_access *a)
{
    int64_t id;
    if (rest_param_id(c, idv, name, true, &id))
        return -1;
    return task_access_open_id(c, id, a);
}

int task_access_require(struct rest_call *c, const struct task_access *a, unsigned mask,
                        const char *action)
{
    if (a->admin || (a->roles & mask))
        return 0;
    return rest_fail(c, 403, "ACCESS_DENIED", "you may not %s task %lld", action,
                     (long long)a->row.id);
}

/* Runs clear then fill, each with the same two (or one) integer binds. */
static int rewrite(struct db *db, const char *clear, const char *fill, int n, const int64_t *args)
{
    int rc = db_run_ints(db, clear, n, args);
    return rc ? rc : db_run_ints(db, fill, n, args);
}

int task_access_refresh_task(struct db *db, int64_t task_id)
{
    return rewrite(db, SQL_TASK_CLEAR, SQL_TASK_FILL, 1, &task_id);
}

int task_access_group_join(struct db *db, int64_t user_id, int64_t group_id)
{
    int64_t args[2] = {user_id, group_id};
    return db_run_ints(db, SQL_JOIN, 2, args);
}

int task_access_group_leave(struct db *db, int64_t user_id, int64_t group_id)
{
    int64_t args[2] = {user_id, group_id};
    return rewrite(db, SQL_LEAVE_CLEAR, SQL_LEAVE_FILL, 2, args);
}

int task_access_refresh_group(struct db *db, int64_t group_id)
{
    return rewrite(db, SQL_GROUP_CLEAR, SQL_GROUP_FILL, 1, &group_id);
}

int task_access_group_role(struct db *db, int64_t user_id, int64_t group_id, char *role)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GROUP_ROLE, &st);
    *role = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, user_id);
    db_bind_int(st, 2, group_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        const char *r = db_col_text(st, 0);
        *role = r ? *r : 0;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}
