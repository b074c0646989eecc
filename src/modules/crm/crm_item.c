/* The universal CRM API, crm.item.*, over the entity engine for leads (1), deals (2), contacts
 * (3), companies (4), quotes (7) and smart invoices (31): typed values and camelCase names
 * ({"item": ...}, {"items": [...]}, {"fields": ...}), multi-fields as `fm`, filters with nested
 * logic groups, and moving a deal to another pipeline (categoryId), which emits
 * ONCRMDEALMOVETOCATEGORY instead of ONCRMDEALUPDATE. Permissions follow the entity's role
 * entry, checked here because one method serves every type. Smart processes (128 and up), the
 * old invoices (5) and useOriginalUfNames are not supported. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/events/bus.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"

static const char SQL_SET_CATEGORY[] = "UPDATE crm_deal SET category_id = ? WHERE id = ?";

/* ---- parameters ---------------------------------------------------------------------------- */

static int item_def(struct rest_call *c, const struct crm_entity_def **def)
{
    int64_t t = 0;
    json_t *v = rest_param(c, "entityTypeId");
    if (!v || params_to_int64(v, &t))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'entityTypeId' is required");
    if (t < 1 || t > INT_MAX || !(*def = crm_entity_by_type((int)t)))
        return rest_fail(c, 400, "ENTITY_TYPE_NOT_SUPPORTED", "entity type %lld is not supported",
                         (long long)t);
    return 0;
}

/* The role check the dispatcher does for rows that name an entity. */
static int item_access(struct rest_call *c, const struct crm_entity_def *def,
                       enum perm_action action)
{
    enum perm_level lvl = PERM_LEVEL_NONE;
    int rc;
    if (!c->auth || c->auth->is_admin)
        return 0;
    if ((rc = perm_level(c->db, c->auth, def->perm_entity, action, &lvl)))
        return rest_fail_db(c, rc);
    if (lvl == PERM_LEVEL_NONE)
        return rest_fail(c, 403, "ACCESS_DENIED", "Access denied.");
    return 0;
}

/* entityTypeId, the role check and, when want_id, an existing id. */
static int item_start(struct rest_call *c, enum perm_action action, bool want_id,
                      const struct crm_entity_def **def, int64_t *id)
{
    int64_t owner;
    json_t *v;
    int rc;
    if ((rc = item_def(c, def)) || (rc = item_access(c, *def, action)) || !want_id)
        return rc;
    v = rest_param(c, "id");
    if (!v || params_to_int64(v, id) || *id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'id' must be a positive integer");
    rc = crm_sql_owner(c->db, *def, *id, &owner);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "NOT_FOUND", "Item not found");
    return rc ? rest_fail_db(c, rc) : 0;
}

static int fields_param(struct rest_call *c, json_t **out)
{
    *out = rest_param(c, "fields");
    if (!json_is_object(*out))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    return 0;
}

/* The key of fields naming def's field `name` (UPPER or camelCase), or NULL. */
static const char *input_key(const struct crm_entity_def *def, json_t *fields, const char *name)
{
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
    {
        const struct crm_field *f = crm_field_find(def, key);
        if (f && !strcmp(f->name, name))
            return key;
    }
    return NULL;
}

/* ---- multi-fields: `fm` in, `fm` out --------------------------------------------------------- */

static bool has_fm(const struct crm_entity_def *def)
{
    for (size_t i = 0; i < def->n_fields; i++)
        if (def->fields[i].type == CRM_T_MULTIFIELD)
            return true;
    return false;
}

/* One `fm` entry as a legacy multi-field item under out[TYPE]; id_key is the entry's id when
 * it came as an update key ("12"), NULL for new ones ("n0"). Entries without a known typeId
 * are ignored, as Bitrix24 does. */
static void fm_entry(json_t *out, json_t *e, const char *id_key, bool is_add)
{
    const char *type = json_string_value(json_object_get(e, "typeId"));
    char upper[16];
    size_t i;
    if (!json_is_object(e) || !type || strlen(type) >= sizeof(upper))
        return;
    for (i = 0; type[i]; i++)
        upper[i] = (char)((type[i] >= 'a' && type[i] <= 'z') ? type[i] - 32 : type[i]);
    upper[i] = '\0';
    if (!crm_fm_type_valid(upper))
        return;
    json_t *item = json_object(), *v;
    if ((v = json_object_get(e, "value")))
        json_object_set(item, "VALUE", v);
    else
        json_object_set_new(item, "VALUE", json_string(""));
    if ((v = json_object_get(e, "valueType")))
        json_object_set(item, "VALUE_TYPE", v);
    if (!is_add && id_key)
        json_object_set_new(item, "ID", json_string(id_key));
    else if (!is_add && (v = json_object_get(e, "id")))
        json_object_set(item, "ID", v);
    json_t *list = json_object_get(out, upper);
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(out, upper, list);
    }
    json_array_append_new(list, item);
}

/* A copy of fields with `fm` turned into PHONE/EMAIL/... items. New reference. */
static json_t *fields_in(json_t *fields, bool is_add)
{
    json_t *fm = json_object_get(fields, "fm"), *out, *e, *mine = json_object();
    const char *key;
    size_t i;
    if (!fm) {
        json_decref(mine);
        return json_incref(fields);
    }
    if (json_is_array(fm)) {
        json_array_foreach(fm, i, e) fm_entry(mine, e, NULL, is_add);
    } else if (json_is_object(fm)) {
        json_object_foreach(fm, key, e) fm_entry(mine, e, key[0] == 'n' ? NULL : key, is_add);
    }
    out = json_copy(fields);
    json_object_del(out, "fm");
    json_object_foreach(mine, key, e)
    {
        json_t *had = json_object_get(out, key);
        if (json_is_array(had))
            json_array_extend(e, had);
        json_object_set(out, key, e);
    }
    json_decref(mine);
    return out;
}

/* Moves PHONE/EMAIL/... of an output item into `fm` and adds entityTypeId. */
static void item_out(const struct crm_entity_def *def, json_t *item)
{
    static const char *const types[] = {"PHONE", "EMAIL", "WEB", "IM", "LINK"};
    json_t *fm = json_array(), *list, *e;
    size_t i;
    for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
        if (!(list = json_object_get(item, types[t])))
            continue;
        json_array_foreach(list, i, e)
        {
            const char *id = json_string_value(json_object_get(e, "ID"));
            json_array_append_new(fm,
                                  json_pack("{s:I, s:s, s:O?, s:O?}", "id",
                                            (json_int_t)(id ? strtoll(id, NULL, 10) : 0), "typeId",
                                            types[t], "valueType", json_object_get(e, "VALUE_TYPE"),
                                            "value", json_object_get(e, "VALUE")));
        }
        json_object_del(item, types[t]);
    }
    if (has_fm(def))
        json_object_set_new(item, "fm", fm);
    else
        json_decref(fm);
    json_object_set_new(item, "entityTypeId", json_integer(def->type_id));
}

static int item_reply(struct rest_call *c, const struct crm_entity_def *def, int64_t id)
{
    json_t *item = NULL;
    int rc = crm_entity_read(c, def, id, CRM_FMT_TYPED, CRM_NO_PERM, &item);
    if (rc)
        return rc;
    item_out(def, item);
    c->result = json_pack("{s:o}", "item", item);
    return 0;
}

/* ---- moving a deal between pipelines ------------------------------------------------------ */

/* The stage a moved deal gets: the client's (it must belong to the new pipeline) or the
 * pipeline's first. Arena string in *out. */
static int move_stage(struct rest_call *c, json_t *fields, const char *stage_key, int64_t cat,
                      const char **out)
{
    char dict[48], buf[PARAMS_STR_BUFSIZE];
    const char *want =
        stage_key ? params_to_str(json_object_get(fields, stage_key), buf, sizeof(buf)) : NULL;
    struct crm_dict_row *rows = NULL;
    size_t n = 0, i;
    int rc;
    crm_category_stage_dict(cat, dict, sizeof(dict));
    if ((rc = crm_status_dict_load(c->db, dict, &rows, &n)))
        return rest_fail_db(c, rc);
    for (i = 0; want && *want && i < n && strcmp(rows[i].status_id, want); i++)
        ;
    if (want && *want && i == n)
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE",
                       "field 'stageId': '%s' is not a stage of pipeline %lld", want,
                       (long long)cat);
    else if (!n)
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "pipeline %lld has no stages", (long long)cat);
    else
        *out = arena_strdup(c->arena, want && *want ? want : rows[0].status_id);
    free(rows);
    return rc;
}

static int move_emit(struct rest_call *c, int64_t id, int64_t cat, const char *stage)
{
    json_t *data = json_pack("{s:{s:I, s:I, s:s}}", "FIELDS", "ID", (json_int_t)id, "CATEGORY_ID",
                             (json_int_t)cat, "STAGE_ID", stage);
    struct event ev = {.name = "ONCRMDEALMOVETOCATEGORY",
                       .data = data,
                       .db = c->db,
                       .user_id = c->auth ? c->auth->user_id : 0};
    int rc = events_emit(&ev);
    json_decref(data);
    if (rc)
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                         "event 'ONCRMDEALMOVETOCATEGORY' handler failed, nothing was written");
    return 0;
}

/* Stores the new pipeline with its history row, then the rest of fields with the stage. */
static int move_write(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                      json_t *fields, int64_t old_cat, int64_t cat, const char *stage)
{
    const char *stage_key = input_key(def, fields, "STAGE_ID");
    struct db_stmt *st;
    char from[24], to[24];
    int rc = db_prepare(c->db, SQL_SET_CATEGORY, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, cat);
    db_bind_int(st, 2, id);
    rc = db_step(st);
    db_reset(st);
    snprintf(from, sizeof(from), "%lld", (long long)old_cat);
    snprintf(to, sizeof(to), "%lld", (long long)cat);
    if (rc < 0 || (rc = crm_history_add(c->db, def->type_id, id, "field_changed",
                                        c->auth ? c->auth->user_id : 0, (int64_t)time_now_real(),
                                        json_pack("{s:s, s:s, s:s}", "field", "CATEGORY_ID", "old",
                                                  from, "new", to))))
        return rest_fail_db(c, rc);
    json_t *rest = json_copy(fields);
    if (stage_key)
        json_object_del(rest, stage_key);
    json_object_set_new(rest, "STAGE_ID", json_string(stage));
    rc = crm_entity_write(c, def, id, rest, CRM_NO_EVENT, NULL);
    json_decref(rest);
    return rc ? rc : move_emit(c, id, cat, stage);
}

/* crm.item.update of a deal with a categoryId other than its own. *moved tells whether it
 * was one (then the whole update is done). */
static int deal_move(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                     json_t *fields, bool *moved)
{
    const char *cat_key = input_key(def, fields, "CATEGORY_ID"), *stage = NULL;
    int64_t cat, old_cat;
    json_t *row = NULL;
    bool ok = false;
    int rc;
    *moved = false;
    if (def->type_id != CRM_TYPE_DEAL || !cat_key)
        return 0;
    if (params_to_int64(json_object_get(fields, cat_key), &cat) || cat < 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'categoryId' must be a pipeline id");
    if ((rc = crm_sql_row_load(c->db, def, id, &row)))
        return rest_fail_db(c, rc);
    old_cat = crm_row_int(row, "CATEGORY_ID", 0);
    rc = crm_check_owner(c, def, PERM_UPDATE, crm_row_int(row, "ASSIGNED_BY_ID", 0));
    json_decref(row);
    if (rc || cat == old_cat)
        return rc;
    if ((rc = crm_category_exists(c->db, CRM_TYPE_DEAL, cat, &ok)))
        return rest_fail_db(c, rc);
    if (!ok)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'categoryId': pipeline %lld does not exist", (long long)cat);
    if ((rc = move_stage(c, fields, input_key(def, fields, "STAGE_ID"), cat, &stage)) ||
        (rc = move_write(c, def, id, fields, old_cat, cat, stage)))
        return rc;
    *moved = true;
    return 0;
}

/* ---- handlers ------------------------------------------------------------------------------ */

static int item_add(struct rest_call *c)
{
    const struct crm_entity_def *def;
    json_t *fields, *in;
    int64_t id = 0;
    int rc;
    if ((rc = item_start(c, PERM_ADD, false, &def, NULL)) || (rc = fields_param(c, &fields)))
        return rc;
    in = fields_in(fields, true);
    rc = crm_entity_write(c, def, 0, in, 0, &id);
    json_decref(in);
    return rc ? rc : item_reply(c, def, id);
}

static int item_get(struct rest_call *c)
{
    const struct crm_entity_def *def;
    json_t *item = NULL;
    int64_t id;
    int rc;
    if ((rc = item_start(c, PERM_READ, true, &def, &id)) ||
        (rc = crm_entity_read(c, def, id, CRM_FMT_TYPED, 0, &item)))
        return rc;
    item_out(def, item);
    c->result = json_pack("{s:o}", "item", item);
    return 0;
}

static int item_update(struct rest_call *c)
{
    const struct crm_entity_def *def;
    json_t *fields, *in;
    int64_t id;
    bool moved = false;
    int rc;
    if ((rc = item_start(c, PERM_UPDATE, true, &def, &id)) || (rc = fields_param(c, &fields)))
        return rc;
    in = fields_in(fields, false);
    if (!(rc = deal_move(c, def, id, in, &moved)) && !moved)
        rc = crm_entity_write(c, def, id, in, 0, NULL);
    json_decref(in);
    return rc ? rc : item_reply(c, def, id);
}

static int item_delete(struct rest_call *c)
{
    const struct crm_entity_def *def;
    int64_t id;
    int rc;
    if ((rc = item_start(c, PERM_DELETE, true, &def, &id)) ||
        (rc = crm_entity_remove(c, def, id, 0)))
        return rc;
    c->result = json_array(); /* PHP's empty array, as Bitrix24 answers */
    return 0;
}

static int item_list(struct rest_call *c)
{
    const struct crm_entity_def *def;
    json_t *row;
    size_t i;
    int rc;
    if ((rc = item_start(c, PERM_READ, false, &def, NULL)))
        return rc;
    struct crm_query q = {
        .filter = rest_param(c, "filter"),
        .order = rest_param(c, "order"),
        .select = rest_param(c, "select"),
        .fmt = CRM_FMT_TYPED,
    };
    if ((rc = crm_entity_query(c, def, &q)))
        return rc;
    json_array_foreach(c->result, i, row) item_out(def, row);
    c->result = json_pack("{s:o}", "items", c->result);
    return 0;
}

static int item_fields(struct rest_call *c)
{
    const struct crm_entity_def *def;
    json_t *o = NULL;
    int rc;
    if ((rc = item_start(c, PERM_READ, false, &def, NULL)) ||
        (rc = crm_entity_describe(c, def, CRM_FMT_TYPED, &o)))
        return rc;
    c->result = json_pack("{s:o}", "fields", o);
    return 0;
}

const struct rest_method crm_item_methods[] = {
    {"crm.item.add", "crm", item_add, NULL, 0, REST_WRITE, NULL},
    {"crm.item.get", "crm", item_get, NULL, 0, 0, NULL},
    {"crm.item.list", "crm", item_list, NULL, 0, REST_LIST, NULL},
    {"crm.item.update", "crm", item_update, NULL, 0, REST_WRITE, NULL},
    {"crm.item.delete", "crm", item_delete, NULL, 0, REST_WRITE, NULL},
    {"crm.item.fields", "crm", item_fields, NULL, 0, 0, NULL},
    {0},
};
