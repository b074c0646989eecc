/* Deal pipelines: crm.category.* (entityTypeId 2, typed {"categories": [...]} answers) and the
 * legacy crm.dealcategory.* (UPPER_CASE, strings). Pipeline 0 ("General") always exists; a new
 * pipeline n gets its stage dictionary DEAL_STAGE_n with C<n>: stages, and deleting one drops
 * them (refused while deals use it). Other entity types' pipelines (smart processes) are not
 * supported yet: they get ENTITY_TYPE_NOT_SUPPORTED. */
#include <stdio.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

#define CAT_COLS                                                                                   \
    "c.id, c.name, c.sort, c.is_default, c.is_locked, c.origin_id, c.originator_id,"               \
    " c.created_at"

static const char SQL_EXISTS[] = "SELECT 1 FROM crm_category WHERE entity_type_id = ? AND id = ?";
static const char SQL_DEFAULT[] = "SELECT id FROM crm_category WHERE entity_type_id = ?"
                                  " AND is_default = 1 ORDER BY id LIMIT 1";
static const char SQL_LIST[] = "SELECT " CAT_COLS " FROM crm_category c"
                               " WHERE c.entity_type_id = ? ORDER BY c.sort, c.id";
static const char SQL_GET[] = "SELECT " CAT_COLS " FROM crm_category c"
                              " WHERE c.entity_type_id = ? AND c.id = ?";
static const char SQL_ADD[] =
    "INSERT INTO crm_category (entity_type_id, name, sort, is_default, is_locked, origin_id,"
    " originator_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_UPDATE[] =
    "UPDATE crm_category SET name = ?, sort = ?, is_default = ?, is_locked = ?, origin_id = ?,"
    " originator_id = ? WHERE entity_type_id = ? AND id = ?";
static const char SQL_CLEAR_DEFAULT[] =
    "UPDATE crm_category SET is_default = 0 WHERE entity_type_id = ? AND id <> ?";
static const char SQL_DELETE[] = "DELETE FROM crm_category WHERE entity_type_id = ? AND id = ?";
static const char SQL_DEALS[] = "SELECT 1 FROM crm_deal WHERE category_id = ? LIMIT 1";

/* A pipeline as stored. */
struct cat {
    int64_t id, sort, created_at;
    bool is_default, is_locked;
    char name[256], origin_id[128], originator_id[128];
};

/* ---- helpers (crm_internal.h) ------------------------------------------------------------ */

static int exists_query(struct db *db, const char *sql, int64_t a, int64_t b, bool two, bool *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, a);
    if (two)
        db_bind_int(st, 2, b);
    rc = db_step(st);
    *out = rc == DB_ROW;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_category_exists(struct db *db, int entity_type, int64_t id, bool *out)
{
    return exists_query(db, SQL_EXISTS, entity_type, id, true, out);
}

int crm_category_default(struct db *db, int entity_type, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DEFAULT, &st);
    *out = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, entity_type);
    rc = db_step(st);
    if (rc == DB_ROW)
        *out = db_col_int(st, 0);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

const char *crm_category_stage_dict(int64_t category_id, char *buf, size_t len)
{
    if (category_id <= 0)
        snprintf(buf, len, "DEAL_STAGE");
    else
        snprintf(buf, len, "DEAL_STAGE_%lld", (long long)category_id);
    return buf;
}

/* ---- storage ------------------------------------------------------------------------------ */

static void cat_read(struct db_stmt *st, struct cat *k)
{
    const char *s;
    k->id = db_col_int(st, 0);
    snprintf(k->name, sizeof(k->name), "%s", db_col_text(st, 1) ? db_col_text(st, 1) : "");
    k->sort = db_col_int(st, 2);
    k->is_default = db_col_int(st, 3) != 0;
    k->is_locked = db_col_int(st, 4) != 0;
    s = db_col_text(st, 5);
    snprintf(k->origin_id, sizeof(k->origin_id), "%s", s ? s : "");
    s = db_col_text(st, 6);
    snprintf(k->originator_id, sizeof(k->originator_id), "%s", s ? s : "");
    k->created_at = db_col_int(st, 7);
}

/* Loads pipeline id of deals; 400 NOT_FOUND when absent. */
static int cat_load(struct rest_call *c, int64_t id, struct cat *k)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_GET, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, CRM_TYPE_DEAL);
    db_bind_int(st, 2, id);
    rc = db_step(st);
    if (rc == DB_ROW)
        cat_read(st, k);
    db_reset(st);
    if (rc == DB_DONE)
        return crm_fail_not_found(c);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

static int cat_store(struct rest_call *c, struct cat *k, bool is_add)
{
    struct db_stmt *st;
    int i = 1, rc = db_prepare(c->db, is_add ? SQL_ADD : SQL_UPDATE, &st);
    if (rc)
        return rest_fail_db(c, rc);
    if (is_add)
        db_bind_int(st, i++, CRM_TYPE_DEAL);
    db_bind_text(st, i++, k->name, -1);
    db_bind_int(st, i++, k->sort);
    db_bind_int(st, i++, k->is_default);
    db_bind_int(st, i++, k->is_locked);
    db_bind_text(st, i++, k->origin_id, -1);
    db_bind_text(st, i++, k->originator_id, -1);
    if (is_add) {
        db_bind_int(st, i++, k->created_at);
    } else {
        db_bind_int(st, i++, CRM_TYPE_DEAL);
        db_bind_int(st, i++, k->id);
    }
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    if (is_add) {
        k->id = db_last_id(c->db);
        if ((rc = crm_status_seed_pipeline(c->db, k->id)))
            return rest_fail_db(c, rc);
    }
    if (k->is_default && (rc = db_prepare(c->db, SQL_CLEAR_DEFAULT, &st)) == 0) {
        db_bind_int(st, 1, CRM_TYPE_DEAL);
        db_bind_int(st, 2, k->id);
        rc = db_step(st);
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    return rc ? rest_fail_db(c, rc) : 0;
}

static int cat_remove(struct rest_call *c, const struct cat *k)
{
    char dict[48];
    struct db_stmt *st;
    bool used = false;
    int rc;
    if (k->id == 0 || k->is_default)
        return rest_fail(c, 400, "ERROR_ARGUMENT", "the default pipeline cannot be deleted");
    if ((rc = exists_query(c->db, SQL_DEALS, k->id, 0, false, &used)))
        return rest_fail_db(c, rc);
    if (used)
        return rest_fail(c, 400, "ERROR_ARGUMENT", "pipeline %lld has deals: move them first",
                         (long long)k->id);
    if ((rc = db_prepare(c->db, SQL_DELETE, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, CRM_TYPE_DEAL);
    db_bind_int(st, 2, k->id);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0 ||
        (rc = crm_status_drop_dict(c->db, crm_category_stage_dict(k->id, dict, sizeof(dict)))))
        return rest_fail_db(c, rc);
    return 0;
}

/* Applies fields (name/NAME, sort/SORT, isDefault/IS_DEFAULT, isLocked/IS_LOCKED, originId,
 * originatorId) to k. */
static int cat_apply(struct rest_call *c, const json_t *fields, struct cat *k)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *v;
    const char *s;
    if (fields && !json_is_object(fields))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if ((v = params_get((json_t *)fields, "name"))) {
        if (!(s = params_to_str(v, buf, sizeof(buf))) || !*s)
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'name' must not be empty");
        snprintf(k->name, sizeof(k->name), "%s", s);
    }
    if ((v = params_get((json_t *)fields, "sort")) && params_to_int64(v, &k->sort))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'sort' must be an integer");
    if ((v = params_get((json_t *)fields, "isDefault")) && params_to_bool(v, &k->is_default))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'isDefault' must be Y or N");
    if (!(v = params_get((json_t *)fields, "isLocked")))
        v = params_get((json_t *)fields, "IS_LOCKED");
    if (v && params_to_bool(v, &k->is_locked))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'isLocked' must be Y or N");
    if ((s = params_to_str(params_get((json_t *)fields, "originId"), buf, sizeof(buf))))
        snprintf(k->origin_id, sizeof(k->origin_id), "%s", s);
    if ((s = params_to_str(params_get((json_t *)fields, "originatorId"), buf, sizeof(buf))))
        snprintf(k->originator_id, sizeof(k->originator_id), "%s", s);
    return 0;
}

/* ---- crm.category.* ------------------------------------------------------------------------- */

static json_t *cat_json(const struct cat *k)
{
    return json_pack("{s:I, s:s, s:I, s:i, s:s, s:s, s:s}", "id", (json_int_t)k->id, "name",
                     k->name, "sort", (json_int_t)k->sort, "entityTypeId", CRM_TYPE_DEAL,
                     "isDefault", k->is_default ? "Y" : "N", "originId", k->origin_id,
                     "originatorId", k->originator_id);
}

/* entityTypeId must be 2 (deals). */
static int entity_type(struct rest_call *c)
{
    int64_t t = 0;
    json_t *v = rest_param(c, "entityTypeId");
    if (!v || params_to_int64(v, &t))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'entityTypeId' is required");
    if (t != CRM_TYPE_DEAL)
        return rest_fail(c, 400, "ENTITY_TYPE_NOT_SUPPORTED",
                         "entity type %lld has no pipelines here", (long long)t);
    return 0;
}

/* The `id` of crm.category.*: 0 is a valid pipeline. */
static int cat_param_id(struct rest_call *c, int64_t *id)
{
    json_t *v = rest_param(c, "id");
    if (!v || params_to_int64(v, id) || *id < 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "ID is not defined or invalid");
    return 0;
}

static int load_all(struct rest_call *c, json_t **list, bool typed, bool skip_default_0)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_LIST, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, CRM_TYPE_DEAL);
    *list = json_array();
    while ((rc = db_step(st)) == DB_ROW) {
        struct cat k;
        char sort[24], id[24], date[40];
        cat_read(st, &k);
        if (skip_default_0 && k.id == 0)
            continue;
        if (typed) {
            json_array_append_new(*list, cat_json(&k));
            continue;
        }
        snprintf(sort, sizeof(sort), "%lld", (long long)k.sort);
        snprintf(id, sizeof(id), "%lld", (long long)k.id);
        time_fmt_iso(date, sizeof(date), (double)k.created_at, 1);
        json_array_append_new(*list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "ID", id,
                                               "CREATED_DATE", date, "NAME", k.name, "IS_LOCKED",
                                               k.is_locked ? "Y" : "N", "SORT", sort));
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(*list);
        return rest_fail_db(c, rc);
    }
    return 0;
}

static int category_list(struct rest_call *c)
{
    json_t *list;
    int rc = entity_type(c);
    if (rc || (rc = load_all(c, &list, true, false)))
        return rc;
    c->total = (int64_t)json_array_size(list);
    c->result = json_pack("{s:o}", "categories", list);
    return 0;
}

static int category_get(struct rest_call *c)
{
    struct cat k;
    int64_t id;
    int rc = entity_type(c);
    if (rc || (rc = cat_param_id(c, &id)) || (rc = cat_load(c, id, &k)))
        return rc;
    c->result = json_pack("{s:o}", "category", cat_json(&k));
    return 0;
}

static int category_add(struct rest_call *c)
{
    struct cat k = {.sort = 500, .created_at = (int64_t)time_now_real()};
    int rc = entity_type(c);
    snprintf(k.name, sizeof(k.name), "New pipeline");
    if (rc || (rc = cat_apply(c, rest_param(c, "fields"), &k)) || (rc = cat_store(c, &k, true)))
        return rc;
    c->result = json_pack("{s:o}", "category", cat_json(&k));
    return 0;
}

static int category_update(struct rest_call *c)
{
    struct cat k;
    int64_t id;
    int rc = entity_type(c);
    if (rc || (rc = cat_param_id(c, &id)) || (rc = cat_load(c, id, &k)))
        return rc;
    bool was_default = k.is_default;
    if ((rc = cat_apply(c, rest_param(c, "fields"), &k)))
        return rc;
    k.is_default |= was_default; /* one pipeline stays the default */
    if ((rc = cat_store(c, &k, false)))
        return rc;
    c->result = json_pack("{s:o}", "category", cat_json(&k));
    return 0;
}

static int category_delete(struct rest_call *c)
{
    struct cat k;
    int64_t id;
    int rc = entity_type(c);
    if (rc || (rc = cat_param_id(c, &id)) || (rc = cat_load(c, id, &k)) || (rc = cat_remove(c, &k)))
        return rc;
    c->result = json_array();
    return 0;
}

static json_t *fdesc(const char *type, bool required, bool ro, const char *title)
{
    return json_pack("{s:s, s:b, s:b, s:b, s:b, s:s}", "type", type, "isRequired", required,
                     "isReadOnly", ro, "isImmutable", false, "isMultiple", false, "title", title);
}

static int category_fields(struct rest_call *c)
{
    int rc = entity_type(c);
    if (rc)
        return rc;
    json_t *f = json_object();
    json_object_set_new(f, "id", fdesc("integer", false, true, "ID"));
    json_object_set_new(f, "name", fdesc("string", true, false, "Name"));
    json_object_set_new(f, "sort", fdesc("integer", false, false, "Sort"));
    json_object_set_new(f, "entityTypeId", fdesc("integer", true, true, "Entity type"));
    json_object_set_new(f, "isDefault", fdesc("boolean", false, false, "Default"));
    json_object_set_new(f, "originId", fdesc("string", false, false, "Origin ID"));
    json_object_set_new(f, "originatorId", fdesc("string", false, false, "Originator ID"));
    c->result = json_pack("{s:o}", "fields", f);
    return 0;
}

/* ---- crm.dealcategory.* (legacy) ------------------------------------------------------------ */

static json_t *legacy_json(const struct cat *k)
{
    char id[24], sort[24], date[40];
    snprintf(id, sizeof(id), "%lld", (long long)k->id);
    snprintf(sort, sizeof(sort), "%lld", (long long)k->sort);
    time_fmt_iso(date, sizeof(date), (double)k->created_at, 1);
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "ID", id, "CREATED_DATE", date, "NAME", k->name,
                     "IS_LOCKED", k->is_locked ? "Y" : "N", "SORT", sort);
}

static const struct field_def legacy_fdefs[] = {
    {"ID", "c.id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"NAME", "c.name", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"SORT", "c.sort", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"IS_LOCKED", "c.is_locked", FIELD_BOOL, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"CREATED_DATE", "c.created_at", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT | FIELD_SELECT,
     NULL},
};
#define N_LEGACY_FDEFS ARRAY_SIZE(legacy_fdefs)

static json_t *legacy_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    struct cat k;
    (void)c;
    (void)ctx;
    cat_read(st, &k);
    return legacy_json(&k);
}

/* Pipelines but the default one (id 0), as Bitrix lists them. */
static int dealcategory_list(struct rest_call *c)
{
    struct rest_list l;
    char err[256];
    rest_list_init(&l, "SELECT " CAT_COLS " FROM crm_category c",
                   "SELECT COUNT(*) FROM crm_category c");
    strbuf_addstr(&l.where, "c.entity_type_id = 2 AND c.id > 0 AND ");
    if (filter_compile(legacy_fdefs, N_LEGACY_FDEFS, rest_param(c, "filter"), db_dialect(c->db),
                       &l.where, l.binds, err, sizeof(err)) ||
        order_compile(legacy_fdefs, N_LEGACY_FDEFS, rest_param(c, "order"), "c.id", &l.order, err,
                      sizeof(err))) {
        rest_list_release(&l);
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    }
    l.row = legacy_row;
    return rest_list_run(c, &l);
}

static int dealcategory_get(struct rest_call *c)
{
    struct cat k;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = cat_load(c, id, &k)))
        return rc;
    c->result = legacy_json(&k);
    return 0;
}

static int legacy_apply(struct rest_call *c, struct cat *k)
{
    json_t *f = rest_param(c, "fields");
    json_t *copy = json_object();
    json_t *v;
    int rc;
    if (f && !json_is_object(f)) {
        json_decref(copy);
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    }
    if ((v = params_get(f, "NAME")))
        json_object_set(copy, "name", v);
    if ((v = params_get(f, "SORT")))
        json_object_set(copy, "sort", v);
    if ((v = params_get(f, "IS_LOCKED")))
        json_object_set(copy, "isLocked", v);
    rc = cat_apply(c, copy, k);
    json_decref(copy);
    return rc;
}

static int dealcategory_add(struct rest_call *c)
{
    struct cat k = {.sort = 500, .created_at = (int64_t)time_now_real()};
    int rc;
    if (!json_string_value(params_get(rest_param(c, "fields"), "NAME")))
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'NAME' is required");
    if ((rc = legacy_apply(c, &k)) || (rc = cat_store(c, &k, true)))
        return rc;
    c->result = json_integer(k.id);
    return 0;
}

static int dealcategory_update(struct rest_call *c)
{
    struct cat k;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = cat_load(c, id, &k)) || (rc = legacy_apply(c, &k)) ||
        (rc = cat_store(c, &k, false)))
        return rc;
    c->result = json_true();
    return 0;
}

static int dealcategory_delete(struct rest_call *c)
{
    struct cat k;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = cat_load(c, id, &k)) || (rc = cat_remove(c, &k)))
        return rc;
    c->result = json_true();
    return 0;
}

static int dealcategory_fields(struct rest_call *c)
{
    json_t *f = json_object();
    json_object_set_new(f, "ID", fdesc("integer", false, true, "ID"));
    json_object_set_new(f, "CREATED_DATE", fdesc("datetime", false, true, "Created on"));
    json_object_set_new(f, "NAME", fdesc("string", true, false, "Name"));
    json_object_set_new(f, "IS_LOCKED", fdesc("char", false, false, "Locked"));
    json_object_set_new(f, "SORT", fdesc("integer", false, false, "Sort"));
    c->result = f;
    return 0;
}

static int dealcategory_default_get(struct rest_call *c)
{
    struct cat k;
    int rc = cat_load(c, 0, &k);
    if (rc)
        return rc;
    c->result = json_pack("{s:i, s:s}", "ID", 0, "NAME", k.name);
    return 0;
}

static int dealcategory_default_set(struct rest_call *c)
{
    struct cat k;
    const char *name = rest_param_str(c, "NAME");
    int rc;
    if (!name || !*name)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'NAME' is required");
    if ((rc = cat_load(c, 0, &k)))
        return rc;
    snprintf(k.name, sizeof(k.name), "%s", name);
    if ((rc = cat_store(c, &k, false)))
        return rc;
    c->result = json_true();
    return 0;
}

/* The pipeline id of dealcategory.status / stage.list: absent or empty means 0. */
static int legacy_pipeline(struct rest_call *c, int64_t *id)
{
    struct cat k;
    json_t *v = rest_param(c, "id");
    *id = 0;
    if (v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v)) &&
        (params_to_int64(v, id) || *id < 0))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "ID is not defined or invalid");
    return cat_load(c, *id, &k);
}

static int dealcategory_status(struct rest_call *c)
{
    char dict[48];
    int64_t id;
    int rc = legacy_pipeline(c, &id);
    if (rc)
        return rc;
    c->result = json_string(crm_category_stage_dict(id, dict, sizeof(dict)));
    return 0;
}

static int dealcategory_stage_list(struct rest_call *c)
{
    char dict[48];
    json_t *rows;
    int64_t id;
    int rc = legacy_pipeline(c, &id);
    if (rc || (rc = crm_status_rows(c, crm_category_stage_dict(id, dict, sizeof(dict)), &rows)))
        return rc;
    rest_set_list(c, rows, (int64_t)json_array_size(rows), 0);
    return 0;
}

const struct rest_method crm_category_methods[] = {
    {"crm.category.fields", "crm", category_fields, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.category.list", "crm", category_list, NULL, PERM_NONE_ACTION, REST_LIST, NULL},
    {"crm.category.get", "crm", category_get, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.category.add", "crm", category_add, "crm_config", PERM_ADD, REST_WRITE, NULL},
    {"crm.category.update", "crm", category_update, "crm_config", PERM_UPDATE, REST_WRITE, NULL},
    {"crm.category.delete", "crm", category_delete, "crm_config", PERM_DELETE, REST_WRITE, NULL},
    {"crm.dealcategory.fields", "crm", dealcategory_fields, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.dealcategory.list", "crm", dealcategory_list, NULL, PERM_NONE_ACTION, REST_LIST, NULL},
    {"crm.dealcategory.get", "crm", dealcategory_get, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.dealcategory.add", "crm", dealcategory_add, "crm_config", PERM_ADD, REST_WRITE, NULL},
    {"crm.dealcategory.update", "crm", dealcategory_update, "crm_config", PERM_UPDATE, REST_WRITE,
     NULL},
    {"crm.dealcategory.delete", "crm", dealcategory_delete, "crm_config", PERM_DELETE, REST_WRITE,
     NULL},
    {"crm.dealcategory.default.get", "crm", dealcategory_default_get, NULL, PERM_NONE_ACTION, 0,
     NULL},
    {"crm.dealcategory.default.set", "crm", dealcategory_default_set, "crm_config", PERM_UPDATE,
     REST_WRITE, NULL},
    {"crm.dealcategory.status", "crm", dealcategory_status, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.dealcategory.stage.list", "crm", dealcategory_stage_list, NULL, PERM_NONE_ACTION,
     REST_LIST, NULL},
    {0},
};
