/* Workgroups and projects: sonet_group.create, .update, .delete, .get, .setowner and
 * sonet_group.user.groups. Open groups (VISIBLE=Y, OPENED=Y) are listed to everyone and anyone
 * may join them; closed ones (VISIBLE=Y, OPENED=N) are listed but joined only by invitation;
 * secret ones (VISIBLE=N) are seen by their members and administrators only. The creator
 * owns a new group; owners and administrators change or dissolve it. A workgroup's tasks are
 * visible to its members (task_access.c). Membership methods are in group_member.c. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

#define NAME_MAX_LEN 255
#define TEXT_MAX (64 * 1024)

#define GROUP_COLUMNS                                                                              \
    "g.id, g.name, g.description, g.created_at, g.updated_at, g.active, g.visible, g.opened,"      \
    " g.closed, g.owner_id, g.keywords, (SELECT COUNT(*) FROM tasks_group_member m"                \
    " WHERE m.group_id = g.id), g.activity_at, g.project, g.initiate_perms,"                       \
    " g.project_date_start, g.project_date_finish"

static const char SQL_LIST[] = "SELECT " GROUP_COLUMNS " FROM tasks_group g";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM tasks_group g";
static const char SQL_LOAD[] =
    "SELECT g.name, g.description, g.keywords, g.visible, g.opened, g.closed, g.project,"
    " g.initiate_perms, g.owner_id, g.project_date_start, g.project_date_finish, g.active"
    " FROM tasks_group g WHERE g.id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO tasks_group (name, description, keywords, visible, opened, closed, project,"
    " initiate_perms, owner_id, project_date_start, project_date_finish, active, created_at,"
    " updated_at, activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SAVE[] =
    "UPDATE tasks_group SET name = ?, description = ?, keywords = ?, visible = ?, opened = ?,"
    " closed = ?, project = ?, initiate_perms = ?, owner_id = ?, project_date_start = ?,"
    " project_date_finish = ?, active = ?, updated_at = ?, activity_at = ? WHERE id = ?";
static const char SQL_MEMBER_SET[] =
    "INSERT INTO tasks_group_member (group_id, user_id, role, created_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (group_id, user_id) DO UPDATE SET role = ?3";
static const char SQL_MEMBERS_CLEAR[] = "DELETE FROM tasks_group_member WHERE group_id = ?";
static const char SQL_UNGROUP[] = "UPDATE tasks_task SET group_id = 0 WHERE group_id = ?";
static const char SQL_DELETE[] = "DELETE FROM tasks_group WHERE id = ?";
static const char SQL_MY_GROUPS[] =
    "SELECT g.id, g.name, m.role FROM tasks_group_member m JOIN tasks_group g"
    " ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.id";
static const char SQL_VISIBLE[] =
    "SELECT g.visible = 'Y' OR EXISTS (SELECT 1 FROM tasks_group_member m"
    " WHERE m.group_id = g.id AND m.user_id = ?) FROM tasks_group g WHERE g.id = ?";

static const struct field_def group_fields[] = {
    {"ID", "g.id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"NAME", "g.name", FIELD_STRING, FIELD_FILTER | FIELD_SORT, NULL},
    {"DESCRIPTION", "g.description", FIELD_STRING, FIELD_FILTER, NULL},
    {"OWNER_ID", "g.owner_id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"ACTIVE", "g.active", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"VISIBLE", "g.visible", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"OPENED", "g.opened", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"CLOSED", "g.closed", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"PROJECT", "g.project", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"KEYWORDS", "g.keywords", FIELD_STRING, FIELD_FILTER, NULL},
    {"DATE_CREATE", "g.created_at", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
    {"DATE_UPDATE", "g.updated_at", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
    {"DATE_ACTIVITY", "g.activity_at", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT, NULL},
    {"NUMBER_OF_MEMBERS", "(SELECT COUNT(*) FROM tasks_group_member m WHERE m.group_id = g.id)",
     FIELD_INT, FIELD_SORT, NULL},
    {"IS_EXTRANET", "'N'", FIELD_CHAR, FIELD_FILTER, NULL},
};

static json_t *group_json(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    (void)c;
    (void)ctx;
    return json_pack(
        "{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o,"
        " s:o, s:s, s:o, s:s, s:o, s:o, s:o}",
        "ID", jsonout_int_str(db_col_int(st, 0)), "SITE_ID", "s1", "NAME", db_col_json_text(st, 1),
        "DESCRIPTION", db_col_json_text(st, 2), "DATE_CREATE", db_col_json_time(st, 3, true),
        "DATE_UPDATE", db_col_json_time(st, 4, true), "ACTIVE", db_col_json_text(st, 5), "VISIBLE",
        db_col_json_text(st, 6), "OPENED", db_col_json_text(st, 7), "CLOSED",
        db_col_json_text(st, 8), "SUBJECT_ID", "1", "OWNER_ID", jsonout_int_str(db_col_int(st, 9)),
        "KEYWORDS", db_col_json_text(st, 10), "NUMBER_OF_MEMBERS",
        jsonout_int_str(db_col_int(st, 11)), "DATE_ACTIVITY", db_col_json_time(st, 12, true),
        "SUBJECT_NAME", "Workgroups", "PROJECT", db_col_json_text(st, 13), "IS_EXTRANET", "N",
        "INITIATE_PERMS", db_col_json_text(st, 14), "PROJECT_DATE_START",
        db_col_json_time(st, 15, true), "PROJECT_DATE_FINISH", db_col_json_time(st, 16, true));
}

int tasks_group_visible(struct db *db, const struct rest_call *c, int64_t id, bool *exists,
                        bool *visible)
{
    int64_t args[2] = {c->auth ? c->auth->user_id : 0, id}, v = 0;
    int rc = tasks_query_int(db, SQL_VISIBLE, 2, args, &v);
    *exists = rc != -E_NOTFOUND;
    *visible = !rc && (v || (c->auth && c->auth->is_admin));
    return rc == -E_NOTFOUND ? 0 : rc;
}

static char yn_col(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s && *s ? *s : 'N';
}

static int64_t time_col(struct db_stmt *st, int col)
{
    return db_col_type(st, col) == DB_NULL ? TASKS_NO_TIME : db_col_int(st, col);
}

/* Loads group id; a missing one is rest_fail 400 with Bitrix24's empty code. */
static int load_group(struct rest_call *c, int64_t id, struct group *g)
{
    struct db_stmt *st;
    const char *s;
    int rc = db_prepare(c->db, SQL_LOAD, &st);
    memset(g, 0, sizeof(*g));
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        g->id = id;
        g->name = arena_strdup(c->arena, (s = db_col_text(st, 0)) ? s : "");
        g->description = arena_strdup(c->arena, (s = db_col_text(st, 1)) ? s : "");
        g->keywords = arena_strdup(c->arena, (s = db_col_text(st, 2)) ? s : "");
        g->visible = yn_col(st, 3);
        g->opened = yn_col(st, 4);
        g->closed = yn_col(st, 5);
        g->project = yn_col(st, 6);
        g->initiate_perms = yn_col(st, 7);
        g->owner_id = db_col_int(st, 8);
        g->date_start = time_col(st, 9);
        g->date_finish = time_col(st, 10);
        g->active = yn_col(st, 11);
    }
    db_reset(st);
    if (rc == DB_ROW)
        return 0;
    return rc < 0 ? rest_fail_db(c, rc)
                  : rest_fail(c, 400, "", "socialnetwork group %lld not found", (long long)id);
}

int tasks_group_open(struct rest_call *c, const char *name, struct group *g)
{
    bool exists, visible;
    int64_t id;
    int rc;
    if (rest_param_id(c, rest_param(c, name), name, true, &id))
        return -1;
    if ((rc = tasks_group_visible(c->db, c, id, &exists, &visible)))
        return rest_fail_db(c, rc);
    if (!exists)
        return rest_fail(c, 400, "", "socialnetwork group %lld not found", (long long)id);
    if (!visible)
        return rest_fail(c, 403, "ACCESS_DENIED", "socialnetwork group %lld is not visible to you",
                         (long long)id);
    return load_group(c, id, g);
}

static int yn_param(struct rest_call *c, const char *key, char *out)
{
    json_t *v = rest_param(c, key);
    if (v && tasks_yn_value(v, out))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' must be Y or N", key);
    return 0;
}

static int text_param(struct rest_call *c, const char *key, size_t max, const char **out)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *v = rest_param(c, key);
    const char *s;
    if (!v)
        return 0;
    if (!(s = json_is_null(v) ? "" : params_to_str(v, buf, sizeof(buf))) || strlen(s) > max)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter '%s' must be a string of at "
                         "most %zu bytes",
                         key, max);
    *out = arena_strdup(c->arena, s);
    return 0;
}

static bool blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return !*s;
}

/* The group's parameters (create and update take the same ones); a name of only spaces is
 * as empty as no name. */
static int group_input(struct rest_call *c, struct group *g)
{
    static const struct {
        const char *key;
        size_t off;
    } flags[] = {
        {"VISIBLE", offsetof(struct group, visible)}, {"OPENED", offsetof(struct group, opened)},
        {"CLOSED", offsetof(struct group, closed)},   {"PROJECT", offsetof(struct group, project)},
        {"ACTIVE", offsetof(struct group, active)},
    };
    const char *perms = NULL;
    json_t *v;
    if (text_param(c, "NAME", NAME_MAX_LEN, &g->name) ||
        text_param(c, "DESCRIPTION", TEXT_MAX, &g->description) ||
        text_param(c, "KEYWORDS", NAME_MAX_LEN, &g->keywords) ||
        text_param(c, "INITIATE_PERMS", 1, &perms))
        return -1;
    if (blank(g->name))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'NAME' must not be empty");
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
        if (yn_param(c, flags[i].key, (char *)g + flags[i].off))
            return -1;
    if (perms) {
        if (strcmp(perms, "A") && strcmp(perms, "E") && strcmp(perms, "K"))
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "parameter 'INITIATE_PERMS' must be "
                             "A, E or K");
        g->initiate_perms = *perms;
    }
    if (((v = rest_param(c, "PROJECT_DATE_START")) && tasks_time_value(v, &g->date_start)) ||
        ((v = rest_param(c, "PROJECT_DATE_FINISH")) && tasks_time_value(v, &g->date_finish)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "project dates must be ISO 8601 dates");
    return 0;
}

static int owner_param(struct rest_call *c, struct group *g)
{
    json_t *v = rest_param(c, "OWNER_ID");
    bool active = false;
    int64_t id;
    int rc;
    if (!v)
        return 0;
    if (rest_param_id(c, v, "OWNER_ID", true, &id))
        return -1;
    if (id == g->owner_id)
        return 0;
    if (!c->auth->is_admin && g->id == 0)
        return rest_fail(c, 403, "ACCESS_DENIED", "only administrators may set 'OWNER_ID'");
    if ((rc = tasks_user_active(c->db, id, &active)))
        return rest_fail_db(c, rc);
    if (!active)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'OWNER_ID': user %lld does not "
                         "exist",
                         (long long)id);
    g->owner_id = id;
    return 0;
}

static void bind_time(struct db_stmt *st, int idx, int64_t t)
{
    if (t == TASKS_NO_TIME)
        db_bind_null(st, idx);
    else
        db_bind_int(st, idx, t);
}

/* Binds the columns shared by SQL_INSERT and SQL_SAVE (1..12). */
static void bind_group(struct db_stmt *st, const struct group *g)
{
    char yn[6][2] = {{g->visible, 0}, {g->opened, 0},         {g->closed, 0},
                     {g->project, 0}, {g->initiate_perms, 0}, {g->active, 0}};
    db_bind_text(st, 1, g->name, -1);
    db_bind_text(st, 2, g->description, -1);
    db_bind_text(st, 3, g->keywords, -1);
    for (int i = 0; i < 5; i++)
        db_bind_text(st, 4 + i, yn[i], 1);
    db_bind_int(st, 9, g->owner_id);
    bind_time(st, 10, g->date_start);
    bind_time(st, 11, g->date_finish);
    db_bind_text(st, 12, yn[5], 1);
}

int tasks_group_member_set(struct rest_call *c, int64_t group_id, int64_t user_id, char role)
{
    struct db_stmt *st;
    char r[2] = {role, 0};
    int rc = db_prepare(c->db, SQL_MEMBER_SET, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, group_id);
    db_bind_int(st, 2, user_id);
    db_bind_text(st, 3, r, 1);
    db_bind_int(st, 4, (int64_t)time_now_real());
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    return task_access_group_join(c->db, user_id, group_id);
}

static int group_event(struct rest_call *c, const char *name, int64_t id)
{
    return tasks_emit(c, name, json_pack("{s:{s:I}}", "FIELDS", "ID", (json_int_t)id));
}

static int group_create(struct rest_call *c)
{
    int64_t now = (int64_t)time_now_real();
    struct group g = {.name = "",
                      .description = "",
                      .keywords = "",
                      .visible = 'Y',
                      .opened = 'N',
                      .closed = 'N',
                      .project = 'N',
                      .initiate_perms = 'K',
                      .active = 'Y',
                      .owner_id = c->auth->user_id,
                      .date_start = TASKS_NO_TIME,
                      .date_finish = TASKS_NO_TIME};
    struct db_stmt *st;
    int rc;
    if (!rest_param(c, "NAME"))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'NAME' is required");
    if (group_input(c, &g) || owner_param(c, &g))
        return -1;
    if ((rc = db_prepare(c->db, SQL_INSERT, &st)))
        return rest_fail_db(c, rc);
    bind_group(st, &g);
    db_bind_int(st, 13, now);
    db_bind_int(st, 14, now);
    db_bind_int(st, 15, now);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    g.id = db_last_id(c->db);
    if ((rc = tasks_group_member_set(c, g.id, g.owner_id, 'A')))
        return rest_fail_db(c, rc);
    if (group_event(c, "ONSONETGROUPADD", g.id))
        return -1;
    c->result = json_integer(g.id);
    return 0;
}

static int require_owner(struct rest_call *c, const struct group *g, const char *what)
{
    if (c->auth->is_admin || g->owner_id == c->auth->user_id)
        return 0;
    return rest_fail(c, 403, "ACCESS_DENIED",
                     "only the owner of socialnetwork group %lld may %s "
                     "it",
                     (long long)g->id, what);
}

/* Writes g back; a new owner takes role A and the previous one becomes a moderator. */
static int save_group(struct rest_call *c, const struct group *g, int64_t old_owner)
{
    int64_t now = (int64_t)time_now_real();
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_SAVE, &st);
    if (rc)
        return rest_fail_db(c, rc);
    bind_group(st, g);
    db_bind_int(st, 13, now);
    db_bind_int(st, 14, now);
    db_bind_int(st, 15, g->id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    if (old_owner != g->owner_id && ((rc = tasks_group_member_set(c, g->id, g->owner_id, 'A')) ||
                                     (rc = tasks_group_member_set(c, g->id, old_owner, 'E'))))
        return rest_fail_db(c, rc);
    return group_event(c, "ONSONETGROUPUPDATE", g->id);
}

static int group_update(struct rest_call *c)
{
    struct group g;
    int64_t old_owner;
    if (tasks_group_open(c, "GROUP_ID", &g) || require_owner(c, &g, "change"))
        return -1;
    old_owner = g.owner_id;
    if (group_input(c, &g) || owner_param(c, &g) || save_group(c, &g, old_owner))
        return -1;
    c->result = json_integer(g.id);
    return 0;
}

static int group_setowner(struct rest_call *c)
{
    struct group g;
    bool active = false;
    int64_t old_owner, id;
    int rc;
    if (tasks_group_open(c, "GROUP_ID", &g) || require_owner(c, &g, "hand over") ||
        rest_param_id(c, rest_param(c, "USER_ID"), "USER_ID", true, &id))
        return -1;
    if ((rc = tasks_user_active(c->db, id, &active)))
        return rest_fail_db(c, rc);
    if (!active)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'USER_ID': user %lld does not "
                         "exist",
                         (long long)id);
    old_owner = g.owner_id;
    g.owner_id = id;
    if (save_group(c, &g, old_owner))
        return -1;
    c->result = json_true();
    return 0;
}

/* Members leave first, so the tasks' visibility is rebuilt without the group; the tasks
 * then belong to no group. */
static int group_delete(struct rest_call *c)
{
    struct group g;
    int rc;
    if (tasks_group_open(c, "GROUP_ID", &g) || require_owner(c, &g, "delete"))
        return -1;
    if (group_event(c, "ONSONETGROUPDELETE", g.id))
        return -1;
    if ((rc = db_run_ints(c->db, SQL_MEMBERS_CLEAR, 1, &g.id)) ||
        (rc = task_access_refresh_group(c->db, g.id)) ||
        (rc = db_run_ints(c->db, SQL_UNGROUP, 1, &g.id)) ||
        (rc = db_run_ints(c->db, SQL_DELETE, 1, &g.id)))
        return rest_fail_db(c, rc);
    c->result = json_true();
    return 0;
}

static int group_get(struct rest_call *c)
{
    const size_t n = ARRAY_SIZE(group_fields);
    struct rest_list l;
    int64_t id = 0;
    int rc = 0;
    if (rest_param_id(c, rest_param(c, "GROUP_ID"), "GROUP_ID", false, &id))
        return -1;
    rest_list_init(&l, SQL_LIST, SQL_COUNT);
    l.row = group_json;
    if (c->auth->is_admin) {
        strbuf_addstr(&l.where, "1=1");
    } else {
        strbuf_addstr(&l.where, "(g.visible = 'Y' OR g.id IN (SELECT group_id FROM"
                                " tasks_group_member WHERE user_id = ?))");
        json_array_append_new(l.binds, json_integer(c->auth->user_id));
    }
    if (id) {
        strbuf_addstr(&l.where, " AND g.id = ?");
        json_array_append_new(l.binds, json_integer(id));
    }
    if (rest_list_filter(c, group_fields, n, rest_param(c, "FILTER"), &l) ||
        tasks_list_order(c, group_fields, n, rest_param(c, "ORDER"), "ID", "DESC", "g.id",
                         &l.order))
        rc = -1;
    if (rc) {
        rest_list_release(&l);
        return rc;
    }
    return rest_list_run(c, &l);
}

static int user_groups(struct rest_call *c)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_MY_GROUPS, &st);
    if (rc)
        return rest_fail_db(c, rc);
    c->result = json_array();
    db_bind_int(st, 1, c->auth->user_id);
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(c->result,
                              json_pack("{s:o, s:o, s:o, s:n, s:s}", "GROUP_ID",
                                        jsonout_int_str(db_col_int(st, 0)), "GROUP_NAME",
                                        db_col_json_text(st, 1), "ROLE", db_col_json_text(st, 2),
                                        "GROUP_IMAGE_ID", "GROUP_IMAGE", ""));
    db_reset(st);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

#define GROUP_METHOD(n, f, act, fl)                                                                \
    {                                                                                              \
        .name = "sonet_group." n, .scope = "sonet", .fn = f, .entity = "sonet_group",              \
        .action = act, .flags = fl                                                                 \
    }

const struct rest_method tasks_group_methods[] = {
    GROUP_METHOD("create", group_create, PERM_ADD, REST_WRITE),
    GROUP_METHOD("update", group_update, PERM_UPDATE, REST_WRITE),
    GROUP_METHOD("delete", group_delete, PERM_DELETE, REST_WRITE),
    GROUP_METHOD("get", group_get, PERM_READ, REST_LIST),
    GROUP_METHOD("setowner", group_setowner, PERM_UPDATE, REST_WRITE),
    GROUP_METHOD("user.groups", user_groups, PERM_READ, 0),
    {0},
};
