/* Many-to-many bindings between CRM records (deal/lead/quote -> contacts, contact ->
 * companies) in crm_binding: the CONTACT_IDS / CONTACT_ID input of add and update, the primary
 * row and its mirror column, cleanup when a record goes, and the crm.<x>.<y>.* methods
 * (items.get/set/delete, add, delete, fields) from either side. Roles (ROLE_ID) are stored and
 * returned but mean nothing yet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

#define BINDING_MAX_ITEMS 500

static const char SQL_IDS[] =
    "SELECT dst_id FROM crm_binding WHERE src_type = ? AND src_id = ? AND dst_type = ?"
    " ORDER BY is_primary DESC, sort, dst_id";
static const char SQL_ITEMS[] =
    "SELECT dst_id, sort, role_id, is_primary FROM crm_binding WHERE src_type = ? AND src_id = ?"
    " AND dst_type = ? ORDER BY sort, dst_id";
static const char SQL_ITEMS_REV[] =
    "SELECT src_id, sort, role_id, is_primary FROM crm_binding WHERE dst_type = ? AND dst_id = ?"
    " AND src_type = ? ORDER BY sort, src_id";
static const char SQL_INSERT[] =
    "INSERT INTO crm_binding (src_type, src_id, dst_type, dst_id, sort, role_id, is_primary)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_IS_BOUND[] = "SELECT 1 FROM crm_binding WHERE src_type = ? AND src_id = ?"
                                   " AND dst_type = ? AND dst_id = ?";
static const char SQL_DELETE_ONE[] = "DELETE FROM crm_binding WHERE src_type = ? AND src_id = ?"
                                     " AND dst_type = ? AND dst_id = ?";
static const char SQL_CLEAR[] =
    "DELETE FROM crm_binding WHERE src_type = ? AND src_id = ? AND dst_type = ?";
static const char SQL_CLEAR_REV[] =
    "DELETE FROM crm_binding WHERE dst_type = ? AND dst_id = ? AND src_type = ?";
static const char SQL_PRIMARY[] =
    "SELECT dst_id FROM crm_binding WHERE src_type = ? AND src_id = ? AND dst_type = ?"
    " ORDER BY is_primary DESC, sort, dst_id LIMIT 1";
static const char SQL_SET_PRIMARY[] =
    "UPDATE crm_binding SET is_primary = CASE WHEN dst_id = ? THEN 1 ELSE 0 END"
    " WHERE src_type = ? AND src_id = ? AND dst_type = ?";
static const char SQL_MAX_SORT[] =
    "SELECT COALESCE(MAX(sort), 0) FROM crm_binding WHERE src_type = ? AND src_id = ?"
    " AND dst_type = ?";
static const char SQL_DROP_SRC[] = "DELETE FROM crm_binding WHERE src_type = ? AND src_id = ?";
static const char SQL_DST_USERS[] =
    "SELECT src_type, src_id FROM crm_binding WHERE dst_type = ? AND dst_id = ?";
static const char SQL_DROP_DST[] = "DELETE FROM crm_binding WHERE dst_type = ? AND dst_id = ?";

/* Runs sql with up to four integer parameters (a NULL-free list ending at count). */
static int exec4(struct db *db, const char *sql, int count, int64_t a, int64_t b, int64_t c,
                 int64_t d)
{
    struct db_stmt *st;
    int64_t v[4] = {a, b, c, d};
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    for (int i = 0; i < count; i++)
        db_bind_int(st, i + 1, v[i]);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int insert_row(struct db *db, const struct crm_binding_def *b, int64_t src, int64_t dst,
                      int64_t sort, int64_t role, bool primary)
{
    struct db_stmt *st;
    int rc = exec4(db, SQL_DELETE_ONE, 4, b->src_type, src, b->dst_type, dst);
    if (rc || (rc = db_prepare(db, SQL_INSERT, &st)))
        return rc;
    db_bind_int(st, 1, b->src_type);
    db_bind_int(st, 2, src);
    db_bind_int(st, 3, b->dst_type);
    db_bind_int(st, 4, dst);
    db_bind_int(st, 5, sort);
    db_bind_int(st, 6, role);
    db_bind_int(st, 7, primary);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int query_int(struct db *db, const char *sql, int64_t a, int64_t b, int64_t c, int64_t *out,
                     bool *found)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, a);
    db_bind_int(st, 2, b);
    db_bind_int(st, 3, c);
    rc = db_step(st);
    *found = rc == DB_ROW;
    *out = *found ? db_col_int(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_binding_normalize(struct db *db, const struct crm_binding_def *b, int64_t src_id)
{
    const struct crm_entity_def *def = crm_entity_by_type(b->src_type);
    int64_t primary = 0;
    bool found;
    size_t idx = 0;
    int rc = query_int(db, SQL_PRIMARY, b->src_type, src_id, b->dst_type, &primary, &found);
    if (rc ||
        (found && (rc = exec4(db, SQL_SET_PRIMARY, 4, primary, b->src_type, src_id, b->dst_type))))
        return rc;
    while (def && def->bindings && def->bindings[idx] && def->bindings[idx] != b)
        idx++;
    if (!def || !def->bindings || !def->bindings[idx] || idx >= CRM_MAX_BINDINGS ||
        !def->sql->mirror[idx])
        return 0;
    struct db_stmt *st;
    if ((rc = db_prepare(db, def->sql->mirror[idx], &st)))
        return rc;
    db_bind_int(st, 1, primary);
    db_bind_int(st, 2, src_id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_binding_ids(struct db *db, const struct crm_binding_def *b, int64_t src_id,
                    enum crm_format fmt, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_IDS, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, b->src_type);
    db_bind_int(st, 2, src_id);
    db_bind_int(st, 3, b->dst_type);
    *out = json_array();
    while ((rc = db_step(st)) == DB_ROW) {
        char buf[24];
        snprintf(buf, sizeof(buf), "%lld", (long long)db_col_int(st, 0));
        json_array_append_new(*out, fmt == CRM_FMT_LEGACY ? json_string(buf)
                                                          : json_integer(db_col_int(st, 0)));
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    return 0;
}

int crm_binding_drop_record(struct db *db, int type_id, int64_t id)
{
    struct db_stmt *st;
    json_t *users = json_array(), *u;
    size_t i;
    int rc = exec4(db, SQL_DROP_SRC, 2, type_id, id, 0, 0);
    if (rc || (rc = db_prepare(db, SQL_DST_USERS, &st)))
        goto out;
    db_bind_int(st, 1, type_id);
    db_bind_int(st, 2, id);
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(users, json_pack("[I, I]", (json_int_t)db_col_int(st, 0),
                                               (json_int_t)db_col_int(st, 1)));
    db_reset(st);
    if (rc < 0 || (rc = exec4(db, SQL_DROP_DST, 2, type_id, id, 0, 0)))
        goto out;
    rc = 0;
    /* records that lost a binding get a new primary and mirror */
    json_array_foreach(users, i, u)
    {
        int src_type = (int)json_integer_value(json_array_get(u, 0));
        const struct crm_entity_def *def = crm_entity_by_type(src_type);
        for (const struct crm_binding_def *const *b = def ? def->bindings : NULL; !rc && b && *b;
             b++)
            if ((*b)->dst_type == type_id)
                rc = crm_binding_normalize(db, *b, json_integer_value(json_array_get(u, 1)));
    }
out:
    json_decref(users);
    return rc;
}

/* ---- input -------------------------------------------------------------------------------- */

/* The value of field name of def in the client's fields (UPPER or camelCase key). */
static json_t *input_get(const struct crm_entity_def *def, const json_t *fields, const char *name)
{
    const char *key;
    json_t *v;
    if (!json_is_object(fields) || !name)
        return NULL;
    json_object_foreach((json_t *)fields, key, v)
    {
        const struct crm_field *f = crm_field_find(def, key);
        if (f && !strcmp(f->name, name))
            return v;
    }
    return NULL;
}

/* Checks the record a new row src -> dst of b would bind: the other side (dst, or src when
 * reverse) must be a record the caller can see (crm_check_link). A row that is already there
 * stays whoever made it, so only new ones are checked. */
static int check_new(struct rest_call *c, const struct crm_binding_def *b, int64_t src, int64_t dst,
                     bool reverse, const char *what)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_IS_BOUND, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, b->src_type);
    db_bind_int(st, 2, src);
    db_bind_int(st, 3, b->dst_type);
    db_bind_int(st, 4, dst);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0)
        return rest_fail_db(c, rc);
    if (rc == DB_ROW)
        return 0;
    return crm_check_link(c, crm_entity_by_type(reverse ? b->src_type : b->dst_type),
                          reverse ? src : dst, PERM_READ, what);
}

/* Parses a list of ids (array, {"0":..} object, a single id or ""); ids is caller-owned,
 * BINDING_MAX_ITEMS long. */
static int parse_ids(struct rest_call *c, const json_t *v, const char *what, int64_t *ids,
                     size_t *n)
{
    const char *key;
    json_t *m;
    size_t i;
    *n = 0;
    if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
        return 0;
    json_t *list = json_is_array(v) ? json_incref((json_t *)v) : json_array();
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, m) json_array_append(list, m);
    } else if (!json_is_array(v)) {
        json_array_append(list, (json_t *)v);
    }
    int rc = 0;
    json_array_foreach(list, i, m)
    {
        int64_t id;
        if (params_to_int64(m, &id) || id <= 0) {
            rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' must hold positive ids", what);
            break;
        }
        if (*n >= BINDING_MAX_ITEMS) {
            rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has too many ids", what);
            break;
        }
        bool dup = false;
        for (size_t j = 0; j < *n; j++)
            dup |= ids[j] == id;
        if (!dup)
            ids[(*n)++] = id;
    }
    json_decref(list);
    return rc;
}

/* Applies list_field (replace) or mirror_field (make primary) input of one binding. */
static int write_one(struct rest_call *c, const struct crm_entity_def *def,
                     const struct crm_binding_def *b, int64_t src_id, const json_t *fields)
{
    json_t *list = input_get(def, fields, b->list_field);
    json_t *single = input_get(def, fields, b->mirror_field);
    int64_t ids[BINDING_MAX_ITEMS], one = 0;
    size_t n = 0;
    int rc;
    if (!list && !single)
        return 0;
    if (single && !json_is_null(single) &&
        !(json_is_string(single) && !json_string_length(single)) && params_to_int64(single, &one))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' must be an id", b->mirror_field);
    if (list) {
        if ((rc = parse_ids(c, list, b->list_field, ids, &n)))
            return rc;
        for (size_t i = 0; i < n; i++)
            if ((rc = check_new(c, b, src_id, ids[i], false, b->list_field)))
                return rc;
        if ((rc = exec4(c->db, SQL_CLEAR, 3, b->src_type, src_id, b->dst_type, 0)))
            return rest_fail_db(c, rc);
        for (size_t i = 0; i < n; i++)
            if ((rc = insert_row(c->db, b, src_id, ids[i], (int64_t)(i + 1) * 10, 0,
                                 single ? ids[i] == one : i == 0)))
                return rest_fail_db(c, rc);
    } else if (one <= 0) {
        if ((rc = exec4(c->db, SQL_CLEAR, 3, b->src_type, src_id, b->dst_type, 0)))
            return rest_fail_db(c, rc);
    } else {
        int64_t max = 0;
        bool found;
        if ((rc = query_int(c->db, SQL_MAX_SORT, b->src_type, src_id, b->dst_type, &max, &found)) ||
            (rc = exec4(c->db, SQL_SET_PRIMARY, 4, -1, b->src_type, src_id, b->dst_type)) ||
            (rc = insert_row(c->db, b, src_id, one, max + 10, 0, true)))
            return rest_fail_db(c, rc);
    }
    rc = crm_binding_normalize(c->db, b, src_id);
    return rc ? rest_fail_db(c, rc) : 0;
}

int crm_binding_write(struct rest_call *c, const struct crm_entity_def *def, int64_t src_id,
                      const json_t *fields)
{
    for (const struct crm_binding_def *const *b = def->bindings; b && *b; b++) {
        int rc = write_one(c, def, *b, src_id, fields);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- methods: crm.<owner>.<other>.* --------------------------------------------------------- */

struct side {
    const struct crm_binding_side *s;
    const struct crm_binding_def *b;
    const struct crm_entity_def *owner, *other;
    char key[32]; /* "CONTACT_ID" */
    int64_t id;   /* the owner record */
};

/* Resolves the method's side, reads `id`, checks the record exists and the caller may do
 * action on it. */
static int side_open(struct rest_call *c, enum perm_action action, struct side *sd)
{
    int64_t owner = 0;
    int rc;
    sd->s = c->method->data;
    sd->b = sd->s->b;
    sd->owner = crm_entity_by_type(sd->s->reverse ? sd->b->dst_type : sd->b->src_type);
    sd->other = crm_entity_by_type(sd->s->reverse ? sd->b->src_type : sd->b->dst_type);
    snprintf(sd->key, sizeof(sd->key), "%s_ID", sd->other->upper);
    if ((rc = crm_param_id(c, "id", &sd->id)))
        return rc;
    rc = crm_sql_owner(c->db, sd->owner, sd->id, &owner);
    if (rc == -E_NOTFOUND)
        return crm_fail_not_found(c);
    if (rc)
        return rest_fail_db(c, rc);
    return crm_check_owner(c, sd->owner, action, owner);
}

/* Rows bound to the owner: ids of the other side (reverse: the src ids). */
static int side_items(struct rest_call *c, const struct side *sd, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, sd->s->reverse ? SQL_ITEMS_REV : SQL_ITEMS, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, sd->s->reverse ? sd->b->dst_type : sd->b->src_type);
    db_bind_int(st, 2, sd->id);
    db_bind_int(st, 3, sd->s->reverse ? sd->b->src_type : sd->b->dst_type);
    *out = json_array();
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(
            *out, json_pack("{s:I, s:I, s:I, s:s}", sd->key, (json_int_t)db_col_int(st, 0), "SORT",
                            (json_int_t)db_col_int(st, 1), "ROLE_ID", (json_int_t)db_col_int(st, 2),
                            "IS_PRIMARY", db_col_int(st, 3) ? "Y" : "N"));
    db_reset(st);
    if (rc < 0) {
        json_decref(*out);
        return rest_fail_db(c, rc);
    }
    return 0;
}

/* Binds other to the owner (either direction) and re-normalises the src. */
static int side_bind(struct rest_call *c, const struct side *sd, int64_t other, int64_t sort,
                     bool primary)
{
    int64_t src = sd->s->reverse ? other : sd->id, dst = sd->s->reverse ? sd->id : other;
    int rc = 0;
    if (primary)
        rc = exec4(c->db, SQL_SET_PRIMARY, 4, -1, sd->b->src_type, src, sd->b->dst_type);
    if (!rc)
        rc = insert_row(c->db, sd->b, src, dst, sort, 0, primary);
    if (!rc)
        rc = crm_binding_normalize(c->db, sd->b, src);
    return rc ? rest_fail_db(c, rc) : 0;
}

/* Removes every binding of the owner; srcs that lose one are re-normalised. */
static int side_clear(struct rest_call *c, const struct side *sd)
{
    json_t *items = NULL, *it;
    size_t i;
    int rc;
    if (!sd->s->reverse) {
        rc = exec4(c->db, SQL_CLEAR, 3, sd->b->src_type, sd->id, sd->b->dst_type, 0);
        if (!rc)
            rc = crm_binding_normalize(c->db, sd->b, sd->id);
        return rc ? rest_fail_db(c, rc) : 0;
    }
    if ((rc = side_items(c, sd, &items)))
        return rc;
    rc = exec4(c->db, SQL_CLEAR_REV, 3, sd->b->dst_type, sd->id, sd->b->src_type, 0);
    json_array_foreach(items, i, it)
    {
        if (!rc)
            rc = crm_binding_normalize(c->db, sd->b,
                                       json_integer_value(json_object_get(it, sd->key)));
    }
    json_decref(items);
    return rc ? rest_fail_db(c, rc) : 0;
}

/* One item {KEY, SORT, IS_PRIMARY}: the other id, its sort and primary flag. With check, an
 * other record not yet bound must be one the caller can see (check_new). */
static int item_read(struct rest_call *c, const struct side *sd, const json_t *item, bool check,
                     int64_t def_sort, int64_t *other, int64_t *sort, bool *primary)
{
    json_t *v;
    int rc;
    *sort = def_sort;
    *primary = false;
    if (!json_is_object(item) || params_to_int64(params_get((json_t *)item, sd->key), other) ||
        *other <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "each item needs a positive '%s'", sd->key);
    if ((v = params_get((json_t *)item, "SORT")) && !json_is_null(v) && params_to_int64(v, sort))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "item 'SORT' must be an integer");
    if ((v = params_get((json_t *)item, "IS_PRIMARY")) && params_to_bool(v, primary))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "item 'IS_PRIMARY' must be Y or N");
    if (check && (rc = check_new(c, sd->b, sd->s->reverse ? *other : sd->id,
                                 sd->s->reverse ? sd->id : *other, sd->s->reverse, sd->key)))
        return rc;
    return 0;
}

int crm_binding_method_get(struct rest_call *c)
{
    struct side sd;
    int rc = side_open(c, PERM_READ, &sd);
    return rc ? rc : side_items(c, &sd, &c->result);
}

int crm_binding_method_set(struct rest_call *c)
{
    struct side sd;
    json_t *items = rest_param(c, "items"), *list, *it;
    const char *k;
    size_t i;
    int rc = side_open(c, PERM_UPDATE, &sd);
    if (rc)
        return rc;
    if (items && !json_is_array(items) && !json_is_object(items) &&
        !(json_is_string(items) && !json_string_length(items)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'items' must be a list");
    list = json_is_array(items) ? json_incref(items) : json_array();
    if (json_is_object(items))
        json_object_foreach(items, k, it) json_array_append(list, it);
    if (json_array_size(list) > BINDING_MAX_ITEMS) {
        json_decref(list);
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'items' has too many items");
    }
    /* validate everything before the first write */
    json_array_foreach(list, i, it)
    {
        int64_t other, sort;
        bool primary;
        if ((rc = item_read(c, &sd, it, true, (int64_t)(i + 1) * 10, &other, &sort, &primary)))
            goto out;
    }
    if ((rc = side_clear(c, &sd)))
        goto out;
    json_array_foreach(list, i, it)
    {
        int64_t other, sort;
        bool primary;
        item_read(c, &sd, it, false, (int64_t)(i + 1) * 10, &other, &sort, &primary);
        if ((rc = side_bind(c, &sd, other, sort, primary)))
            goto out;
    }
    c->result = json_true();
out:
    json_decref(list);
    return rc;
}

int crm_binding_method_clear(struct rest_call *c)
{
    struct side sd;
    int rc = side_open(c, PERM_UPDATE, &sd);
    if (rc || (rc = side_clear(c, &sd)))
        return rc;
    c->result = json_true();
    return 0;
}

int crm_binding_method_add(struct rest_call *c)
{
    struct side sd;
    int64_t other, sort, max = 0;
    bool primary, found;
    int rc = side_open(c, PERM_UPDATE, &sd);
    if (rc)
        return rc;
    int64_t src = 0;
    json_t *fields = rest_param(c, "fields");
    if (params_to_int64(params_get(fields, sd.key), &src) || src <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' is required", sd.key);
    src = sd.s->reverse ? src : sd.id;
    if ((rc = query_int(c->db, SQL_MAX_SORT, sd.b->src_type, src, sd.b->dst_type, &max, &found)))
        return rest_fail_db(c, rc);
    if ((rc = item_read(c, &sd, fields, true, max + 10, &other, &sort, &primary)) ||
        (rc = side_bind(c, &sd, other, sort, primary)))
        return rc;
    c->result = json_true();
    return 0;
}

int crm_binding_method_delete(struct rest_call *c)
{
    struct side sd;
    int64_t other;
    int rc = side_open(c, PERM_UPDATE, &sd);
    if (rc)
        return rc;
    json_t *fields = rest_param(c, "fields");
    if (params_to_int64(params_get(fields, sd.key), &other) || other <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' is required", sd.key);
    int64_t src = sd.s->reverse ? other : sd.id, dst = sd.s->reverse ? sd.id : other;
    if ((rc = exec4(c->db, SQL_DELETE_ONE, 4, sd.b->src_type, src, sd.b->dst_type, dst)) ||
        (rc = crm_binding_normalize(c->db, sd.b, src)))
        return rest_fail_db(c, rc);
    c->result = json_true();
    return 0;
}

int crm_binding_method_fields(struct rest_call *c)
{
    const struct crm_binding_side *s = c->method->data;
    const struct crm_entity_def *other =
        crm_entity_by_type(s->reverse ? s->b->src_type : s->b->dst_type);
    char key[32];
    snprintf(key, sizeof(key), "%s_ID", other->upper);
    json_t *o = json_object();
    json_object_set_new(o, key,
                        json_pack("{s:s, s:b, s:b, s:b, s:b, s:s}", "type", "integer", "isRequired",
                                  true, "isReadOnly", false, "isImmutable", false, "isMultiple",
                                  false, "title", key));
    json_object_set_new(o, "SORT",
                        json_pack("{s:s, s:b, s:b, s:b, s:b, s:s}", "type", "integer", "isRequired",
                                  false, "isReadOnly", false, "isImmutable", false, "isMultiple",
                                  false, "title", "Sort"));
    json_object_set_new(o, "ROLE_ID",
                        json_pack("{s:s, s:b, s:b, s:b, s:b, s:s}", "type", "integer", "isRequired",
                                  false, "isReadOnly", true, "isImmutable", false, "isMultiple",
                                  false, "title", "Role"));
    json_object_set_new(o, "IS_PRIMARY",
                        json_pack("{s:s, s:b, s:b, s:b, s:b, s:s}", "type", "char", "isRequired",
                                  false, "isReadOnly", false, "isImmutable", false, "isMultiple",
                                  false, "title", "Primary"));
    c->result = o;
    return 0;
}
