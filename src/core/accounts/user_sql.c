/* The user object of the user.* methods: its field whitelist (for the filter compiler), the
 * SQL that reads it, the Bitrix24 rendering of a row ("ID":"1", ACTIVE as a JSON bool,
 * UF_DEPARTMENT as integers, times in ISO 8601) and the checked write of profile fields. It
 * does not decide who may call what (user_methods.c and the dispatcher do). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/accounts/ident.h"
#include "core/accounts/user_internal.h"
#include "core/auth/users.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"

#define ALL (FIELD_FILTER | FIELD_SORT | FIELD_SELECT)
#define DEPS_SQL "u.id IN (SELECT user_id FROM core_user_department WHERE department_id = ?)"

/* The order of this table is the order of USER_COLUMNS. */
const struct field_def user_fields[] = {
    {"ID", "u.id", FIELD_INT, ALL, NULL},
    {"ACTIVE", "u.active", FIELD_BOOL, ALL, NULL},
    {"EMAIL", "u.email", FIELD_STRING, ALL, NULL},
    {"NAME", "u.name", FIELD_STRING, ALL, NULL},
    {"LAST_NAME", "u.last_name", FIELD_STRING, ALL, NULL},
    {"SECOND_NAME", "u.second_name", FIELD_STRING, ALL, NULL},
    {"PERSONAL_GENDER", "u.personal_gender", FIELD_STRING, ALL, NULL},
    {"PERSONAL_BIRTHDAY", "u.personal_birthday", FIELD_DATE, ALL, NULL},
    {"PERSONAL_PHOTO", "u.photo", FIELD_STRING, FIELD_SELECT, NULL},
    {"PERSONAL_PHONE", "u.phone", FIELD_STRING, ALL, NULL},
    {"PERSONAL_MOBILE", "u.personal_mobile", FIELD_STRING, ALL, NULL},
    {"PERSONAL_CITY", "u.personal_city", FIELD_STRING, ALL, NULL},
    {"WORK_POSITION", "u.position", FIELD_STRING, ALL, NULL},
    {"WORK_PHONE", "u.work_phone", FIELD_STRING, ALL, NULL},
    {"UF_PHONE_INNER", "u.phone_inner", FIELD_STRING, ALL | FIELD_UF, NULL},
    {"TIME_ZONE", "u.time_zone", FIELD_STRING, ALL, NULL},
    {"LANGUAGE_ID", "u.language", FIELD_STRING, ALL, NULL},
    {"DATE_REGISTER", "u.created_at", FIELD_DATETIME, ALL, NULL},
    {"LAST_LOGIN", "u.last_login", FIELD_DATETIME, ALL, NULL},
    {"TIMESTAMP_X", "u.updated_at", FIELD_DATETIME, ALL, NULL},
    {"IS_ONLINE", "'N'", FIELD_CHAR, FIELD_FILTER | FIELD_SELECT, NULL},
    {"USER_TYPE", "'employee'", FIELD_STRING, FIELD_FILTER | FIELD_SELECT, NULL},
    {"IS_ADMIN", "u.is_admin", FIELD_BOOL, ALL, NULL},
    {"UF_DEPARTMENT", "NULL", FIELD_INT, FIELD_FILTER | FIELD_SELECT | FIELD_MULTI | FIELD_UF,
     DEPS_SQL},
};
const size_t user_fields_n = ARRAY_SIZE(user_fields);
const size_t user_field_departments = ARRAY_SIZE(user_fields) - 1;

#define USER_COLUMNS                                                                               \
    "u.id, u.active, u.email, u.name, u.last_name, u.second_name, u.personal_gender,"              \
    " u.personal_birthday, u.photo, u.phone, u.personal_mobile, u.personal_city, u.position,"      \
    " u.work_phone, u.phone_inner, u.time_zone, u.language, u.created_at, u.last_login,"           \
    " u.updated_at, 'N', 'employee', u.is_admin, NULL"

const char user_select_sql[] = "SELECT " USER_COLUMNS " FROM core_user u";
const char user_count_sql[] = "SELECT COUNT(*) FROM core_user u";
static const char SQL_LOAD[] = "SELECT " USER_COLUMNS " FROM core_user u WHERE u.id = ?";
static const char SQL_DEPS[] =
    "SELECT department_id FROM core_user_department WHERE user_id = ? ORDER BY department_id";
static const char SQL_DEP_EXISTS[] = "SELECT 1 FROM core_department WHERE id = ?";
static const char SQL_DEPS_CLEAR[] = "DELETE FROM core_user_department WHERE user_id = ?";
static const char SQL_DEP_ADD[] =
    "INSERT INTO core_user_department (user_id, department_id) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING";
static const char SQL_ADMINS_LEFT[] =
    "SELECT COUNT(*) FROM core_user WHERE is_admin = 1 AND active = 1";

static json_t *departments_of(struct db *db, int64_t id)
{
    struct db_stmt *st;
    json_t *a;
    int rc;
    if (db_prepare(db, SQL_DEPS, &st))
        return NULL;
    a = json_array();
    db_bind_int(st, 1, id);
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(a, json_integer(db_col_int(st, 0)));
    db_reset(st);
    if (rc < 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

json_t *user_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    const struct user_view *v = ctx;
    json_t *o = json_object(), *val;
    for (size_t i = 0; i < user_fields_n; i++) {
        const struct field_def *f = &user_fields[i];
        if (v && !v->chosen[i])
            continue;
        if (i == 0)
            val = jsonout_int_str(db_col_int(st, 0));
        else if (i == user_field_departments)
            val = departments_of(c->db, db_col_int(st, 0));
        else if (f->type == FIELD_BOOL)
            val = json_boolean(db_col_int(st, (int)i));
        else if (f->type == FIELD_DATETIME)
            val = db_col_json_time(st, (int)i, true);
        else
            val = db_col_json_text(st, (int)i);
        if (!val) {
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, f->name, val);
    }
    return o;
}

int user_load(struct rest_call *c, int64_t id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_LOAD, &st);
    *out = NULL;
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *out = user_row(c, st, NULL);
        rc = *out ? 0 : -E_DB;
    } else {
        rc = rc < 0 ? rc : -E_NOTFOUND;
    }
    db_reset(st);
    return rc;
}

/* ---- writes ------------------------------------------------------------------------------ */

enum wkind { W_TEXT, W_EMAIL, W_BOOL, W_GENDER, W_DATE, W_TZ, W_LANG, W_PHOTO, W_DEPTS };

static const struct wfield {
    const char *name, *column;
    enum wkind kind;
    size_t max; /* bytes, for text */
    bool admin; /* only administrators may set it */
} wfields[] = {
    {"EMAIL", "email", W_EMAIL, 254, true},
    {"ACTIVE", "active", W_BOOL, 0, true},
    {"IS_ADMIN", "is_admin", W_BOOL, 0, true},
    {"UF_DEPARTMENT", NULL, W_DEPTS, 0, true},
    {"NAME", "name", W_TEXT, 100, false},
    {"LAST_NAME", "last_name", W_TEXT, 100, false},
    {"SECOND_NAME", "second_name", W_TEXT, 100, false},
    {"PERSONAL_GENDER", "personal_gender", W_GENDER, 1, false},
    {"PERSONAL_BIRTHDAY", "personal_birthday", W_DATE, 0, false},
    {"PERSONAL_PHOTO", "photo", W_PHOTO, 1000, false},
    {"PERSONAL_PHONE", "phone", W_TEXT, 50, false},
    {"PERSONAL_MOBILE", "personal_mobile", W_TEXT, 50, false},
    {"PERSONAL_CITY", "personal_city", W_TEXT, 100, false},
    {"WORK_POSITION", "position", W_TEXT, 255, false},
    {"WORK_PHONE", "work_phone", W_TEXT, 50, false},
    {"UF_PHONE_INNER", "phone_inner", W_TEXT, 20, false},
    {"TIME_ZONE", "time_zone", W_TZ, 64, false},
    {"LANGUAGE_ID", "language", W_LANG, 5, false},
};
#define N_WFIELDS ARRAY_SIZE(wfields)

/* What a write will do: "col = ?" pieces with their values, and the new departments. */
struct wplan {
    struct strbuf set;
    json_t *binds;
    json_t *deps; /* array of ids, or NULL when UF_DEPARTMENT was not given */
    bool admin_fields;
    const char *email;
};

static int bad(struct rest_call *c, const struct wfield *w, const char *why)
{
    return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' %s", w->name, why);
}

static bool is_blank(const json_t *v)
{
    return json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
           (json_is_array(v) && !json_array_size(v));
}

static int conv_depts(struct rest_call *c, const struct wfield *w, const json_t *v, json_t **out)
{
    json_t *one = NULL;
    size_t i;
    json_t *m;
    *out = json_array();
    if (is_blank(v))
        return 0;
    if (!json_is_array(v))
        v = one = json_pack("[O]", v);
    json_array_foreach(v, i, m)
    {
        int64_t id = 0;
        struct db_stmt *st;
        int rc;
        if (params_to_int64(m, &id) || id <= 0) {
            json_decref(one);
            return bad(c, w, "must be a list of department ids");
        }
        if ((rc = db_prepare(c->db, SQL_DEP_EXISTS, &st))) {
            json_decref(one);
            return rest_fail_db(c, rc);
        }
        db_bind_int(st, 1, id);
        rc = db_step(st);
        db_reset(st);
        if (rc != DB_ROW) {
            json_decref(one);
            return rc < 0 ? rest_fail_db(c, rc)
                          : rest_fail(
                                c, 400, "INVALID_ARG_VALUE",
                                "field 'UF_DEPARTMENT' names department %lld, which does not exist",
                                (long long)id);
        }
        json_array_append_new(*out, json_integer(id));
    }
    json_decref(one);
    return 0;
}

/* Normalises "DD.MM.YYYY" and ISO dates to "YYYY-MM-DD" in out (11 bytes). */
static int conv_date(const char *s, char *out)
{
    char buf[40];
    int64_t t;
    if (strlen(s) >= 10 && s[2] == '.' && s[5] == '.') {
        snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2s", s + 6, s + 3, s);
        s = buf;
    }
    if (strlen(s) > 32 || time_parse_iso(s, &t))
        return -E_INVAL;
    snprintf(out, 11, "%.10s", s);
    return 0;
}

/* Converts one value to its stored form (a new JSON reference in *out). */
static int conv_scalar(struct rest_call *c, const struct wfield *w, const json_t *v, json_t **out)
{
    char buf[PARAMS_STR_BUFSIZE], date[11];
    bool b;
    const char *s;
    if (w->kind == W_BOOL) {
        if (params_to_bool(v, &b))
            return bad(c, w, "must be Y or N");
        *out = json_integer(b);
        return 0;
    }
    if (json_is_null(v))
        v = NULL; /* null clears, as "" does */
    else if (w->kind == W_PHOTO && json_is_object(v) &&
             json_is_string(params_get((json_t *)v, "remove")))
        v = NULL; /* {"remove":"Y"} */
    else if (w->kind == W_PHOTO && (json_is_array(v) || json_is_object(v)))
        return bad(c, w, "must be a URL: uploading photos is not supported");
    s = v ? params_to_str(v, buf, sizeof(buf)) : "";
    if (!s || json_is_boolean(v))
        return bad(c, w, "must be a string");
    if (w->max && strlen(s) > w->max)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' is longer than %zu bytes",
                         w->name, w->max);
    switch (w->kind) {
    case W_EMAIL:
        if (!users_email_valid(s))
            return bad(c, w, "is not a valid e-mail address");
        break;
    case W_GENDER:
        if (*s && strcasecmp(s, "M") && strcasecmp(s, "F"))
            return bad(c, w, "must be M, F or empty");
        *out = json_string(!*s ? "" : (*s == 'm' || *s == 'M') ? "M" : "F");
        return 0;
    case W_DATE:
        if (!*s) {
            *out = json_null();
            return 0;
        }
        if (conv_date(s, date))
            return bad(c, w, "is not a date (YYYY-MM-DD)");
        *out = json_string(date);
        return 0;
    case W_TZ:
        if (!user_tz_valid(s))
            return bad(c, w, "is not a known time zone such as Europe/Berlin");
        break;
    case W_LANG:
        if (strlen(s) < 2 || strspn(s, "abcdefghijklmnopqrstuvwxyz_") != strlen(s))
            return bad(c, w, "must be a language code such as en or de");
        break;
    default:
        break;
    }
    *out = json_string(s);
    return 0;
}

static int plan_field(struct rest_call *c, const struct wfield *w, const json_t *v, bool admin,
                      struct wplan *p)
{
    json_t *val = NULL;
    int rc;
    if (w->admin && !admin)
        return rest_fail(c, 403, "ACCESS_DENIED",
                         "field '%s' can only be changed by an administrator", w->name);
    p->admin_fields |= w->admin;
    if (w->kind == W_DEPTS) {
        json_decref(p->deps);
        return conv_depts(c, w, v, &p->deps);
    }
    if ((rc = conv_scalar(c, w, v, &val)))
        return rc;
    if (w->kind == W_EMAIL)
        p->email = json_string_value(val);
    strbuf_addf(&p->set, "%s = ?, ", w->column);
    json_array_append_new(p->binds, val);
    return 0;
}

static int plan_build(struct rest_call *c, const json_t *fields, bool admin, struct wplan *p)
{
    memset(p, 0, sizeof(*p));
    strbuf_init(&p->set, 0);
    p->binds = json_array();
    for (size_t i = 0; i < N_WFIELDS; i++) {
        const json_t *v = params_get((json_t *)fields, wfields[i].name);
        int rc;
        if (v && (rc = plan_field(c, &wfields[i], v, admin, p)))
            return rc;
    }
    return 0;
}

static void plan_release(struct wplan *p)
{
    strbuf_release(&p->set);
    json_decref(p->binds);
    json_decref(p->deps);
}

int user_write_check(struct rest_call *c, const json_t *fields, bool admin)
{
    struct wplan p;
    int rc = plan_build(c, fields, admin, &p);
    plan_release(&p);
    return rc;
}

static int set_departments(struct rest_call *c, int64_t id, const json_t *deps)
{
    struct db_stmt *st;
    size_t i;
    json_t *m;
    int rc = db_prepare(c->db, SQL_DEPS_CLEAR, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    db_reset(st);
    json_array_foreach(deps, i, m)
    {
        if (rc != DB_DONE || (rc = db_prepare(c->db, SQL_DEP_ADD, &st)))
            break;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, json_integer_value(m));
        rc = db_step(st);
        db_reset(st);
    }
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

static int64_t admins_left(struct db *db)
{
    struct db_stmt *st;
    int64_t n = -1;
    if (db_prepare(db, SQL_ADMINS_LEFT, &st))
        return -1;
    if (db_step(st) == DB_ROW)
        n = db_col_int(st, 0);
    db_reset(st);
    return n;
}

static int run_update(struct rest_call *c, int64_t id, struct wplan *p)
{
    struct db_stmt *st = NULL;
    struct strbuf sql;
    int rc, idx;
    strbuf_init(&sql, 0);
    strbuf_addf(&sql, "UPDATE core_user SET %supdated_at = ? WHERE id = ?", p->set.buf);
    if ((rc = db_prepare_dyn(c->db, sql.buf, &st)))
        goto out;
    if ((idx = rc = db_bind_json(st, p->binds, 1)) < 0)
        goto out;
    db_bind_int(st, idx, (int64_t)time_now_real());
    db_bind_int(st, idx + 1, id);
    rc = db_step(st);
    rc = rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
out:
    if (st)
        db_finalize(st);
    strbuf_release(&sql);
    return rc;
}

int user_write(struct rest_call *c, int64_t id, const json_t *fields, bool admin)
{
    struct wplan p;
    int rc = plan_build(c, fields, admin, &p);
    if (rc)
        goto out;
    rc = run_update(c, id, &p);
    if (rc == -E_EXISTS) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "e-mail '%s' is already used by another user",
                       p.email ? p.email : "");
        goto out;
    }
    if (!rc && p.deps)
        rc = set_departments(c, id, p.deps);
    if (rc) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    if (p.admin_fields && admins_left(c->db) < 1)
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE",
                       "the change would leave no active administrator");
out:
    plan_release(&p);
    return rc;
}
