/* Merging duplicates, the kazi methods crm.contact.merge, crm.company.merge and
 * crm.lead.merge: `id` survives, the records in `ids` go. In the call's one transaction their
 * activities, timeline, links from other records (deals, leads, quotes, contacts), bindings,
 * multi-field values the survivor lacks and product rows move to the survivor, then the
 * victims are deleted through the engine and a 'merge' row is written. The survivor's own
 * fields and user fields stay as they are: nothing is copied field by field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_productrow.h"
#include "modules/crm/crm_timeline.h"

#define MERGE_MAX 50

static const char SQL_FM_MOVE[] =
    "UPDATE crm_fm SET owner_id = ? WHERE owner_type = ? AND owner_id = ? AND NOT EXISTS"
    " (SELECT 1 FROM crm_fm g WHERE g.owner_type = crm_fm.owner_type AND g.owner_id = ?"
    " AND g.type_id = crm_fm.type_id AND g.value_norm = crm_fm.value_norm)";
static const char SQL_BIND_DST_USERS[] =
    "SELECT DISTINCT src_type, src_id FROM crm_binding WHERE dst_type = ? AND dst_id = ?";
static const char SQL_BIND_MOVE_DST[] =
    "UPDATE crm_binding SET dst_id = ? WHERE dst_type = ? AND dst_id = ? AND NOT EXISTS"
    " (SELECT 1 FROM crm_binding b WHERE b.src_type = crm_binding.src_type"
    " AND b.src_id = crm_binding.src_id AND b.dst_type = crm_binding.dst_type AND b.dst_id = ?)";
static const char SQL_BIND_MOVE_SRC[] =
    "UPDATE crm_binding SET src_id = ? WHERE src_type = ? AND src_id = ? AND NOT EXISTS"
    " (SELECT 1 FROM crm_binding b WHERE b.src_type = crm_binding.src_type AND b.src_id = ?"
    " AND b.dst_type = crm_binding.dst_type AND b.dst_id = crm_binding.dst_id)";

static int exec4(struct db *db, const char *sql, int64_t a, int64_t b, int64_t c, int64_t d)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, a);
    db_bind_int(st, 2, b);
    db_bind_int(st, 3, c);
    db_bind_int(st, 4, d);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* Every column of any entity that links to an entity of type: victim becomes survivor. */
static int move_links(struct db *db, int type, int64_t victim, int64_t survivor)
{
    int rc = 0;
    for (const struct crm_entity_def *const *e = crm_entities; *e && !rc; e++) {
        for (size_t i = 0; i < (*e)->n_fields && !rc; i++) {
            const struct crm_field *f = &(*e)->fields[i];
            struct strbuf sql;
            struct db_stmt *st;
            if (f->type != CRM_T_LINK || f->link_type != type || !f->column)
                continue;
            strbuf_init(&sql, 0);
            strbuf_addf(&sql, "UPDATE %s SET %s = ? WHERE %s = ?", (*e)->table, f->column,
                        f->column);
            if (!(rc = db_prepare_dyn(db, sql.buf, &st))) {
                db_bind_int(st, 1, survivor);
                db_bind_int(st, 2, victim);
                rc = db_step(st);
                rc = rc < 0 ? rc : 0;
                db_finalize(st);
            }
            strbuf_release(&sql);
        }
    }
    return rc;
}

/* Bindings from other records to the victim and from the victim to others, then one primary
 * per record again. */
static int move_bindings(struct db *db, const struct crm_entity_def *def, int64_t victim,
                         int64_t survivor)
{
    struct db_stmt *st;
    json_t *users = json_array(), *u;
    size_t i;
    int rc = db_prepare(db, SQL_BIND_DST_USERS, &st);
    if (!rc) {
        db_bind_int(st, 1, def->type_id);
        db_bind_int(st, 2, victim);
        while ((rc = db_step(st)) == DB_ROW)
            json_array_append_new(users, json_pack("[I, I]", (json_int_t)db_col_int(st, 0),
                                                   (json_int_t)db_col_int(st, 1)));
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    if (!rc)
        rc = exec4(db, SQL_BIND_MOVE_DST, survivor, def->type_id, victim, survivor);
    if (!rc)
        rc = exec4(db, SQL_BIND_MOVE_SRC, survivor, def->type_id, victim, survivor);
    json_array_foreach(users, i, u)
    {
        const struct crm_entity_def *src =
            crm_entity_by_type((int)json_integer_value(json_array_get(u, 0)));
        for (const struct crm_binding_def *const *b = src ? src->bindings : NULL; b && *b && !rc;
             b++)
            if ((*b)->dst_type == def->type_id)
                rc = crm_binding_normalize(db, *b, json_integer_value(json_array_get(u, 1)));
    }
    for (const struct crm_binding_def *const *b = def->bindings; b && *b && !rc; b++)
        rc = crm_binding_normalize(db, *b, survivor);
    json_decref(users);
    return rc;
}

/* Product rows of a lead victim (deals and quotes are never merged here). */
static int move_rows(struct rest_call *c, const struct crm_entity_def *def, int64_t victim,
                     int64_t survivor, bool *moved)
{
    const char *code = crm_prow_owner_code(def->type_id);
    struct crm_prow *rows = NULL;
    size_t n = 0;
    int rc = code ? crm_prow_load_owner(c, code, victim, &rows, &n) : 0;
    for (size_t i = 0; !rc && i < n; i++) {
        rows[i].owner_id = survivor;
        rc = crm_prow_update(c, &rows[i]);
    }
    *moved |= n > 0;
    return rc;
}

static int merge_one(struct rest_call *c, const struct crm_entity_def *def, int64_t victim,
                     int64_t survivor, bool *rows_moved)
{
    int rc;
    if ((rc = crm_activity_move(c->db, def->type_id, victim, survivor)) ||
        (rc = crm_timeline_move(c->db, def->type_id, victim, survivor)) ||
        (rc = move_links(c->db, def->type_id, victim, survivor)) ||
        (rc = move_bindings(c->db, def, victim, survivor)) ||
        (rc = exec4(c->db, SQL_FM_MOVE, survivor, def->type_id, victim, survivor)) ||
        (rc = move_rows(c, def, victim, survivor, rows_moved)))
        return rest_fail_db(c, rc);
    /* what did not move (values the survivor has, user fields) goes with the victim */
    return crm_entity_remove(c, def, victim, 0);
}

/* `ids`: a list (or one id) of distinct records other than survivor that the caller can see
 * (crm_check_link) and may delete. */
static int victims(struct rest_call *c, const struct crm_entity_def *def, int64_t survivor,
                   json_t **out)
{
    json_t *v = rest_param(c, "ids"), *it;
    const char *key;
    size_t i;
    int rc = 0;
    *out = json_array();
    if (json_is_array(v)) {
        json_array_foreach(v, i, it) json_array_append(*out, it);
    } else if (json_is_object(v)) {
        json_object_foreach(v, key, it) json_array_append(*out, it);
    } else if (v && !json_is_null(v)) {
        json_array_append(*out, v);
    }
    size_t n = json_array_size(*out);
    if (!n || n > MERGE_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'ids' must list 1 to %d records to merge", MERGE_MAX);
    json_array_foreach(*out, i, it)
    {
        int64_t id = 0;
        if (params_to_int64(it, &id) || id <= 0 || id == survivor)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "parameter 'ids' must hold ids other than 'id'");
        for (size_t j = 0; j < i; j++)
            if (json_integer_value(json_array_get(*out, j)) == id)
                return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'ids' repeats %lld",
                                 (long long)id);
        json_array_set_new(*out, i, json_integer(id));
        if ((rc = crm_check_link(c, def, id, PERM_DELETE, "ids")))
            return rc;
    }
    return 0;
}

static int merge(struct rest_call *c)
{
    const struct crm_entity_def *def = c->method->data;
    json_t *ids = NULL, *v;
    int64_t id, now = (int64_t)time_now_real();
    bool rows_moved = false;
    size_t i;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = crm_record_link(c, def->type_id, id, PERM_UPDATE, "id")) ||
        (rc = victims(c, def, id, &ids)))
        goto out;
    json_array_foreach(ids, i, v)
    {
        if ((rc = merge_one(c, def, json_integer_value(v), id, &rows_moved)))
            goto out;
    }
    if ((rc = crm_sql_fm_flags(c->db, def, id)) ||
        (rc =
             crm_timeline_add(c->db, def->type_id, id, CRM_TL_MERGE, c->auth ? c->auth->user_id : 0,
                              now, NULL, 0, json_pack("{s:O}", "mergedIds", ids), NULL))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    if ((rows_moved && (rc = crm_prow_sync_owner(c, def, id))) ||
        (rc = crm_entity_emit(c, def, "UPDATE", id)))
        goto out;
    c->result = json_pack("{s:I, s:O}", "ID", (json_int_t)id, "MERGED_IDS", ids);
out:
    json_decref(ids);
    return rc;
}

const struct rest_method crm_merge_methods[] = {
    {"crm.lead.merge", "crm", merge, "crm_lead", PERM_UPDATE, REST_WRITE, &crm_lead_def},
    {"crm.contact.merge", "crm", merge, "crm_contact", PERM_UPDATE, REST_WRITE, &crm_contact_def},
    {"crm.company.merge", "crm", merge, "crm_company", PERM_UPDATE, REST_WRITE, &crm_company_def},
    {0},
};
