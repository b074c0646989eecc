/* The user.* REST methods and `profile`: lists (user.get, user.search) narrowed by the
 * caller's READ level on the "user" entity, the caller's own record, and writes. user.add
 * creates the user without a password (no invitation e-mail is sent) and returns its id; the
 * user signs in once an administrator or the sign-in flow sets a password. Field rules live
 * in user_sql.c; scope, admin and entity checks in the dispatcher. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/accounts/ident.h"
#include "core/accounts/user_internal.h"
#include "core/auth/perm.h"
#include "core/auth/users.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"

#define SEARCH_MAX_WORDS 8
#define SEARCH_MAX_LEN 200

static const char SQL_PROFILE[] =
    "SELECT u.name, u.last_name, u.personal_gender, u.photo, u.time_zone, u.is_admin, u.active"
    " FROM core_user u WHERE u.id = ?";
static const char SQL_EXISTS[] = "SELECT 1 FROM core_user WHERE id = ?";

/* Columns FIND / NAME_SEARCH look in; one "?" each. */
static const char SEARCH_SQL[] =
    "(LOWER(u.name) LIKE LOWER(?) ESCAPE '\\' OR LOWER(u.last_name) LIKE LOWER(?) ESCAPE '\\'"
    " OR LOWER(u.second_name) LIKE LOWER(?) ESCAPE '\\' OR LOWER(u.email) LIKE LOWER(?)"
    " ESCAPE '\\' OR LOWER(u.position) LIKE LOWER(?) ESCAPE '\\')";
#define SEARCH_BINDS 5
static const char DEP_NAME_SQL[] =
    "u.id IN (SELECT sud.user_id FROM core_user_department sud JOIN core_department sd"
    " ON sd.id = sud.department_id WHERE LOWER(sd.name) LIKE LOWER(?) ESCAPE '\\')";

static const struct ident_title user_titles[] = {
    {"ID", "ID"},
    {"ACTIVE", "Active"},
    {"EMAIL", "E-mail"},
    {"NAME", "First name"},
    {"LAST_NAME", "Last name"},
    {"SECOND_NAME", "Second name"},
    {"PERSONAL_GENDER", "Gender"},
    {"PERSONAL_BIRTHDAY", "Date of birth"},
    {"PERSONAL_PHOTO", "Photo"},
    {"PERSONAL_PHONE", "Phone"},
    {"PERSONAL_MOBILE", "Mobile phone"},
    {"PERSONAL_CITY", "City"},
    {"WORK_POSITION", "Position"},
    {"WORK_PHONE", "Work phone"},
    {"UF_PHONE_INNER", "Extension number"},
    {"TIME_ZONE", "Time zone"},
    {"LANGUAGE_ID", "Language"},
    {"DATE_REGISTER", "Registered"},
    {"LAST_LOGIN", "Last login"},
    {"TIMESTAMP_X", "Modified"},
    {"IS_ONLINE", "Online"},
    {"USER_TYPE", "User type"},
    {"IS_ADMIN", "Administrator"},
    {"UF_DEPARTMENT", "Departments"},
    {NULL, NULL},
};

/* "%word%" with the word's own LIKE wildcards escaped. */
static json_t *like_word(const char *w, size_t len)
{
    char buf[2 * SEARCH_MAX_LEN + 3];
    size_t n = 0;
    buf[n++] = '%';
    for (size_t i = 0; i < len; i++) {
        if (w[i] == '%' || w[i] == '_' || w[i] == '\\')
            buf[n++] = '\\';
        buf[n++] = w[i];
    }
    buf[n++] = '%';
    return json_stringn(buf, n);
}

/* Every word of text must appear in one of the searched columns. */
static int search_sql(struct rest_call *c, const char *key, const json_t *v, struct rest_list *l)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(v, buf, sizeof(buf)), *p;
    int words = 0;
    if (!s || strlen(s) > SEARCH_MAX_LEN)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter '%s' must be a string of at most %d bytes", key,
                         SEARCH_MAX_LEN);
    for (p = s; *p;) {
        size_t len;
        p += strspn(p, " \t\r\n");
        if (!(len = strcspn(p, " \t\r\n")))
            break;
        if (++words > SEARCH_MAX_WORDS)
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' has more than %d words",
                             key, SEARCH_MAX_WORDS);
        strbuf_addf(&l->where, " AND %s", SEARCH_SQL);
        for (int i = 0; i < SEARCH_BINDS; i++)
            json_array_append_new(l->binds, like_word(p, len));
        p += len;
    }
    return 0;
}

static int dep_name_sql(struct rest_call *c, const json_t *v, struct rest_list *l)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(v, buf, sizeof(buf));
    if (!s || strlen(s) > SEARCH_MAX_LEN)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "filter 'UF_DEPARTMENT_NAME' must be a string of at most %d bytes",
                         SEARCH_MAX_LEN);
    strbuf_addf(&l->where, " AND %s", DEP_NAME_SQL);
    json_array_append_new(l->binds, like_word(s, strlen(s)));
    return 0;
}

/* Takes the search keys out of the filter (or the top level) and adds their conditions. */
static int search_terms(struct rest_call *c, json_t *filter, struct rest_list *l)
{
    static const char *const keys[] = {"FIND", "NAME_SEARCH", "UF_DEPARTMENT_NAME"};
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        json_t *v = params_get(filter, keys[i]);
        int rc;
        if (v) {
            json_incref(v);
            json_object_del(filter, keys[i]);
        } else if ((v = rest_param(c, keys[i]))) {
            json_incref(v);
        } else {
            continue;
        }
        rc = i == 2 ? dep_name_sql(c, v, l) : search_sql(c, keys[i], v, l);
        json_decref(v);
        if (rc)
            return rc;
    }
    return 0;
}

/* UF_DEPARTMENT is a multi field, which select_compile leaves out of the default select and
 * of "UF_*"; Bitrix24 includes it in both. */
static bool selects_departments(const json_t *sel)
{
    json_t *m;
    size_t i;
    if (!sel || json_is_null(sel) || (json_is_string(sel) && !json_string_length(sel)) ||
        (json_is_array(sel) && !json_array_size(sel)) ||
        (json_is_object(sel) && !json_object_size(sel)))
        return true;
    if (json_is_string(sel))
        return !strcasecmp(json_string_value(sel), "UF_*");
    json_array_foreach(sel, i, m)
    {
        if (json_is_string(m) && !strcasecmp(json_string_value(m), "UF_*"))
            return true;
    }
    return false;
}

/* The columns a list shows, from `select`. */
static int user_view_build(struct rest_call *c, struct user_view *v)
{
    json_t *sel = rest_param(c, "select");
    char err[200] = "";
    v->chosen = arena_alloc(c->arena, user_fields_n);
    if (select_compile(user_fields, user_fields_n, sel, true, v->chosen, err, sizeof(err)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    if (selects_departments(sel))
        v->chosen[user_field_departments] = 1;
    return 0;
}

static int user_list(struct rest_call *c)
{
    struct rest_list l;
    struct user_view *view = arena_alloc(c->arena, sizeof(*view));
    enum perm_level level = PERM_LEVEL_NONE;
    char err[256] = "";
    json_t *filter;
    int rc;
    if ((rc = perm_level(c->db, c->auth, "user", PERM_READ, &level)))
        return rest_fail_db(c, rc);
    if (user_view_build(c, view) || !(filter = ident_list_filter(c, user_fields, user_fields_n)))
        return -1;
    rest_list_init(&l, user_select_sql, user_count_sql);
    strbuf_addstr(&l.where, "1=1");
    rc = search_terms(c, filter, &l);
    if (!rc && strbuf_addstr(&l.where, " AND "))
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "filter is too long");
    if (!rc && filter_compile(user_fields, user_fields_n, filter, db_dialect(c->db), &l.where,
                              l.binds, err, sizeof(err)))
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    json_decref(filter);
    if (!rc &&
        (strbuf_addstr(&l.where, " AND ") || perm_sql(c->auth, level, "u.id", &l.where, l.binds)))
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "filter is too long");
    if (!rc)
        rc = ident_list_order(c, user_fields, user_fields_n, "u.id", &l.order);
    if (rc) {
        rest_list_release(&l);
        return rc;
    }
    l.row = user_row;
    l.ctx = view;
    return rest_list_run(c, &l);
}

static int user_current(struct rest_call *c)
{
    int rc = user_load(c, c->auth->user_id, &c->result);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "NOT_FOUND", "user %lld does not exist",
                         (long long)c->auth->user_id);
    return rc ? rest_fail_db(c, rc) : 0;
}

static int user_is_admin(struct rest_call *c)
{
    c->result = json_boolean(c->auth->is_admin);
    return 0;
}

static int user_fields_method(struct rest_call *c)
{
    c->result = ident_titles(user_titles);
    return 0;
}

/* The object the fields come in: `fields` when given, else the top-level parameters. */
static json_t *fields_param(struct rest_call *c)
{
    json_t *f = rest_param(c, "fields");
    return json_is_object(f) ? f : c->params;
}

static int user_add(struct rest_call *c)
{
    json_t *f = fields_param(c), *email = params_get(f, "EMAIL");
    char buf[PARAMS_STR_BUFSIZE], err[300] = "";
    const char *s = email ? params_to_str(email, buf, sizeof(buf)) : NULL;
    struct user_new u = {.email = s};
    int64_t id = 0;
    int rc;
    if (!s || !*s)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'EMAIL' is required");
    if ((rc = user_write_check(c, f, true)))
        return rc;
    rc = users_create(c->db, &u, &id, err, sizeof(err));
    if (rc == -E_INVAL || rc == -E_EXISTS)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    if (rc)
        return rest_fail_db(c, rc);
    if ((rc = user_write(c, id, f, true)))
        return rc;
    c->result = json_integer(id);
    return 0;
}

static int user_update(struct rest_call *c)
{
    json_t *f = fields_param(c), *idv = rest_param(c, "ID");
    struct db_stmt *st;
    int64_t id = 0;
    int rc;
    if (!idv && f != c->params)
        idv = params_get(f, "ID");
    if (rest_param_id(c, idv, "ID", true, &id))
        return -1;
    if ((rc = db_prepare(c->db, SQL_EXISTS, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_ROW)
        return rc < 0 ? rest_fail_db(c, rc)
                      : rest_fail(c, 400, "NOT_FOUND", "user %lld does not exist", (long long)id);
    if (!c->auth->is_admin && id != c->auth->user_id)
        return rest_fail(c, 403, "ACCESS_DENIED", "only administrators can change other users");
    if ((rc = user_write(c, id, f, c->auth->is_admin)))
        return rc;
    c->result = json_true();
    return 0;
}

static int profile(struct rest_call *c)
{
    struct db_stmt *st;
    json_t *o;
    int rc = db_prepare(c->db, SQL_PROFILE, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, c->auth->user_id);
    rc = db_step(st);
    if (rc != DB_ROW || !db_col_int(st, 6)) {
        db_reset(st);
        if (rc < 0)
            return rest_fail_db(c, rc);
        c->result = json_array(); /* PHP's empty map, for an unknown or inactive user */
        return 0;
    }
    o = json_object();
    json_object_set_new(o, "ID", jsonout_int_str(c->auth->user_id));
    json_object_set_new(o, "ADMIN", json_boolean(c->auth->is_admin || db_col_int(st, 5)));
    json_object_set_new(o, "NAME", db_col_json_text(st, 0));
    json_object_set_new(o, "LAST_NAME", db_col_json_text(st, 1));
    json_object_set_new(o, "PERSONAL_GENDER", db_col_json_text(st, 2));
    if (db_col_text(st, 3) && *db_col_text(st, 3))
        json_object_set_new(o, "PERSONAL_PHOTO", db_col_json_text(st, 3));
    json_object_set_new(o, "TIME_ZONE", db_col_json_text(st, 4));
    json_object_set_new(o, "TIME_ZONE_OFFSET",
                        json_integer(user_tz_offset(db_col_text(st, 4) ? db_col_text(st, 4) : "",
                                                    (int64_t)time_now_real())));
    db_reset(st);
    c->result = o;
    return 0;
}

const struct rest_method user_methods[] = {
    {.name = "user.current", .scope = "user", .fn = user_current},
    {.name = "user.admin", .scope = "user", .fn = user_is_admin},
    {.name = "user.get",
     .scope = "user",
     .fn = user_list,
     .entity = "user",
     .action = PERM_READ,
     .flags = REST_LIST},
    {.name = "user.search",
     .scope = "user",
     .fn = user_list,
     .entity = "user",
     .action = PERM_READ,
     .flags = REST_LIST},
    {.name = "user.fields", .scope = "user", .fn = user_fields_method},
    {.name = "user.add", .scope = "user", .fn = user_add, .flags = REST_WRITE | REST_ADMIN},
    {.name = "user.update", .scope = "user", .fn = user_update, .flags = REST_WRITE},
    {.name = "profile", .scope = "basic", .fn = profile},
    {0},
};
