/* The department.* REST methods: the company's department tree (core_department) with its
 * heads. Rows as Bitrix24 writes them: {"ID":"2","NAME":"Sales","SORT":500,"PARENT":"1",
 * "UF_HEAD":"3"}, PARENT left out for a top-level department and UF_HEAD "0" when there is
 * no head. A department may have no PARENT (several top-level departments are allowed). The
 * whole tree is visible to anyone with any READ level on "department"; writes are for
 * administrators. Memberships are set through user.add / user.update (UF_DEPARTMENT). */
#include <stdio.h>
#include <string.h>

#include "core/accounts/ident.h"
#include "core/base/error.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"

#define ALL (FIELD_FILTER | FIELD_SORT | FIELD_SELECT)
#define DEP_NAME_MAX 255
#define DEP_SORT_DEFAULT 500

static const struct field_def dep_fields[] = {
    {"ID", "d.id", FIELD_INT, ALL, NULL},           {"NAME", "d.name", FIELD_STRING, ALL, NULL},
    {"SORT", "d.sort", FIELD_INT, ALL, NULL},       {"PARENT", "d.parent_id", FIELD_INT, ALL, NULL},
    {"UF_HEAD", "d.head_id", FIELD_INT, ALL, NULL},
};
#define N_DEP_FIELDS ARRAY_SIZE(dep_fields)

static const struct ident_title dep_titles[] = {
    {"ID", "ID"},        {"NAME", "Name"}, {"SORT", "Sort"}, {"PARENT", "Parent department"},
    {"UF_HEAD", "Head"}, {NULL, NULL},
};

static const char SQL_SELECT[] = "SELECT d.id, d.name, d.sort, d.parent_id, d.head_id"
                                 " FROM core_department d";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM core_department d";
static const char SQL_EXISTS[] = "SELECT 1 FROM core_department WHERE id = ?";
static const char SQL_USER_EXISTS[] = "SELECT 1 FROM core_user WHERE id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO core_department (name, parent_id, head_id, sort) VALUES (?, ?, ?, ?)";
static const char SQL_LOAD[] =
    "SELECT name, parent_id, head_id, sort FROM core_department WHERE id = ?";
static const char SQL_UPDATE[] =
    "UPDATE core_department SET name = ?, parent_id = ?, head_id = ?, sort = ? WHERE id = ?";
/* Is ? (the new parent) the department ? itself or below it? */
static const char SQL_BELOW[] =
    "WITH RECURSIVE dep_sub(id) AS (SELECT CAST(? AS BIGINT)"
    " UNION SELECT d.id FROM core_department d JOIN dep_sub ON d.parent_id = dep_sub.id)"
    " SELECT 1 FROM dep_sub WHERE id = ?";
static const char SQL_CHILDREN[] = "SELECT COUNT(*) FROM core_department WHERE parent_id = ?";
static const char SQL_DEL_MEMBERS[] = "DELETE FROM core_user_department WHERE department_id = ?";
static const char SQL_DEL_ROLES[] = "DELETE FROM core_role_assign WHERE department_id = ?";
static const char SQL_DELETE[] = "DELETE FROM core_department WHERE id = ?";

/* A department being written: 0 ids mean NULL. */
struct dep {
    char name[DEP_NAME_MAX + 1];
    int64_t parent, head, sort;
};

static json_t *dep_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    (void)c;
    (void)ctx;
    json_t *o = json_object();
    json_object_set_new(o, "ID", jsonout_int_str(db_col_int(st, 0)));
    json_object_set_new(o, "NAME", db_col_json_text(st, 1));
    json_object_set_new(o, "SORT", json_integer(db_col_int(st, 2)));
    if (db_col_type(st, 3) != DB_NULL)
        json_object_set_new(o, "PARENT", jsonout_int_str(db_col_int(st, 3)));
    json_object_set_new(o, "UF_HEAD", jsonout_int_str(db_col_int(st, 4)));
    return o;
}

static int dep_get(struct rest_call *c)
{
    struct rest_list l;
    char err[256] = "";
    json_t *filter = ident_list_filter(c, dep_fields, N_DEP_FIELDS);
    int rc = 0;
    if (!filter)
        return -1;
    rest_list_init(&l, SQL_SELECT, SQL_COUNT);
    if (filter_compile(dep_fields, N_DEP_FIELDS, filter, db_dialect(c->db), &l.where, l.binds, err,
                       sizeof(err)))
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    json_decref(filter);
    if (!rc)
        rc = ident_list_order(c, dep_fields, N_DEP_FIELDS, "d.id", &l.order);
    if (rc) {
        rest_list_release(&l);
        return rc;
    }
    l.row = dep_row;
    return rest_list_run(c, &l);
}

static int dep_fields_method(struct rest_call *c)
{
    c->result = ident_titles(dep_titles);
    return 0;
}

/* 1 when sql (one id parameter) finds a row, 0 when not, or a negative -E_*. */
static int exists(struct db *db, const char *sql, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    db_reset(st);
    return rc == DB_ROW ? 1 : rc < 0 ? rc : 0;
}

static json_t *fields_param(struct rest_call *c)
{
    json_t *f = rest_param(c, "fields");
    return json_is_object(f) ? f : c->params;
}

/* Reads an optional reference (PARENT, UF_HEAD): "", 0 and null clear it. */
static int read_ref(struct rest_call *c, json_t *f, const char *name, const char *sql, int64_t *out)
{
    json_t *v = params_get(f, name);
    int64_t id = 0;
    int rc;
    if (!v)
        return 0;
    if (json_is_null(v) || (json_is_string(v) && !json_string_length(v))) {
        *out = 0;
        return 0;
    }
    if (params_to_int64(v, &id) || id < 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' must be an id", name);
    if (id && (rc = exists(c->db, sql, id)) <= 0)
        return rc < 0
                   ? rest_fail_db(c, rc)
                   : rest_fail(c, 400, "INVALID_ARG_VALUE",
                               "field '%s' names %lld, which does not exist", name, (long long)id);
    *out = id;
    return 0;
}

/* Reads NAME, PARENT, UF_HEAD and SORT from the call over d (which holds current values). */
static int dep_read(struct rest_call *c, struct dep *d, bool adding)
{
    json_t *f = fields_param(c), *v;
    char buf[PARAMS_STR_BUFSIZE];
    const char *s;
    if ((v = params_get(f, "NAME")) || adding) {
        if (!v || !(s = params_to_str(v, buf, sizeof(buf))) || !*s)
            return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'NAME' is required");
        if (strlen(s) > DEP_NAME_MAX)
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'NAME' is longer than %d bytes",
                             DEP_NAME_MAX);
        snprintf(d->name, sizeof(d->name), "%s", s);
    }
    if ((v = params_get(f, "SORT")) && params_to_int64(v, &d->sort))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'SORT' must be an integer");
    if (read_ref(c, f, "PARENT", SQL_EXISTS, &d->parent) ||
        read_ref(c, f, "UF_HEAD", SQL_USER_EXISTS, &d->head))
        return -1;
    return 0;
}

static void bind_ref(struct db_stmt *st, int idx, int64_t id)
{
    if (id)
        db_bind_int(st, idx, id);
    else
        db_bind_null(st, idx);
}

static int dep_add(struct rest_call *c)
{
    struct dep d = {.sort = DEP_SORT_DEFAULT};
    struct db_stmt *st;
    int rc;
    if (dep_read(c, &d, true))
        return -1;
    if ((rc = db_prepare(c->db, SQL_INSERT, &st)))
        return rest_fail_db(c, rc);
    db_bind_text(st, 1, d.name, -1);
    bind_ref(st, 2, d.parent);
    bind_ref(st, 3, d.head);
    db_bind_int(st, 4, d.sort);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    c->result = json_integer(db_last_id(c->db));
    return 0;
}

/* Reads the id parameter and loads the department into d. */
static int dep_load(struct rest_call *c, int64_t *id, struct dep *d)
{
    json_t *idv = rest_param(c, "ID");
    struct db_stmt *st;
    int rc;
    if (!idv && fields_param(c) != c->params)
        idv = params_get(fields_param(c), "ID");
    if (rest_param_id(c, idv, "ID", true, id))
        return -1;
    if ((rc = db_prepare(c->db, SQL_LOAD, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, *id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        snprintf(d->name, sizeof(d->name), "%s", db_col_text(st, 0) ? db_col_text(st, 0) : "");
        d->parent = db_col_int(st, 1);
        d->head = db_col_int(st, 2);
        d->sort = db_col_int(st, 3);
    }
    db_reset(st);
    if (rc != DB_ROW)
        return rc < 0 ? rest_fail_db(c, rc)
                      : rest_fail(c, 400, "NOT_FOUND", "department %lld does not exist",
                                  (long long)*id);
    return 0;
}

static int dep_update(struct rest_call *c)
{
    struct dep d;
    struct db_stmt *st;
    int64_t id = 0;
    int rc;
    if (dep_load(c, &id, &d) || dep_read(c, &d, false))
        return -1;
    if (d.parent) {
        if ((rc = db_prepare(c->db, SQL_BELOW, &st)))
            return rest_fail_db(c, rc);
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, d.parent);
        rc = db_step(st);
        db_reset(st);
        if (rc == DB_ROW)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field 'PARENT' would make department %lld its own ancestor",
                             (long long)id);
        if (rc < 0)
            return rest_fail_db(c, rc);
    }
    if ((rc = db_prepare(c->db, SQL_UPDATE, &st)))
        return rest_fail_db(c, rc);
    db_bind_text(st, 1, d.name, -1);
    bind_ref(st, 2, d.parent);
    bind_ref(st, 3, d.head);
    db_bind_int(st, 4, d.sort);
    db_bind_int(st, 5, id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    c->result = json_true();
    return 0;
}

static int dep_delete(struct rest_call *c)
{
    struct dep d;
    struct db_stmt *st;
    int64_t id = 0, children = 0;
    int rc;
    if (dep_load(c, &id, &d))
        return -1;
    if ((rc = db_prepare(c->db, SQL_CHILDREN, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    if ((rc = db_step(st)) == DB_ROW)
        children = db_col_int(st, 0);
    db_reset(st);
    if (rc != DB_ROW)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    if (children)
        return rest_fail(c, 400, "ERROR_ARGUMENT",
                         "department %lld has %lld sub-departments: move or delete them first",
                         (long long)id, (long long)children);
    if ((rc = db_run_ints(c->db, SQL_DEL_MEMBERS, 1, &id)) ||
        (rc = db_run_ints(c->db, SQL_DEL_ROLES, 1, &id)))
        return rest_fail_db(c, rc);
    if ((rc = db_run_ints(c->db, SQL_DELETE, 1, &id)) == -E_EXISTS)
        return rest_fail(c, 400, "ERROR_ARGUMENT", "department %lld is still referenced",
                         (long long)id);
    if (rc)
        return rest_fail_db(c, rc);
    c->result = json_true();
    return 0;
}

const struct rest_method department_methods[] = {
    {.name = "department.get",
     .scope = "department",
     .fn = dep_get,
     .entity = "department",
     .action = PERM_READ,
     .flags = REST_LIST},
    {.name = "department.fields", .scope = "department", .fn = dep_fields_method},
    {.name = "department.add",
     .scope = "department",
     .fn = dep_add,
     .flags = REST_WRITE | REST_ADMIN},
    {.name = "department.update",
     .scope = "department",
     .fn = dep_update,
     .flags = REST_WRITE | REST_ADMIN},
    {.name = "department.delete",
     .scope = "department",
     .fn = dep_delete,
     .flags = REST_WRITE | REST_ADMIN},
    {0},
};
