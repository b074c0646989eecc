/* Duplicates by phone and e-mail: crm.duplicate.findbycomm, and the kazi extension of
 * crm.lead/contact/company.add that refuses a record whose PHONE or EMAIL is already known
 * (params[CHECK_DUPLICATES]=Y). Matching compares crm_fm.value_norm, the normalised form the
 * engine stores (digits of a phone, a lower-case e-mail), so "+49 (30) 1234" and "49301234"
 * are the same number but "030 1234" is not. Only records the caller may read are reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_timeline.h"

#define DUP_MAX_VALUES 20
#define DUP_VALUE_MAX 250

/* The entities duplicates are looked for in, with their answer keys. */
static const struct crm_entity_def *const dup_entities[] = {&crm_lead_def, &crm_contact_def,
                                                            &crm_company_def};
#define N_DUP ARRAY_SIZE(dup_entities)

/* The ids of records of def the caller may read with a type_id value among norms. */
static int find_in(struct rest_call *c, const struct crm_entity_def *def, const char *type_id,
                   json_t *norms, json_t *ids)
{
    enum perm_level lvl = PERM_LEVEL_ALL;
    struct strbuf sql;
    struct db_stmt *st = NULL;
    json_t *binds = json_array(), *v;
    size_t i;
    int rc = 0;
    if (c->auth && !c->auth->is_admin &&
        (rc = perm_level(c->db, c->auth, def->perm_entity, PERM_READ, &lvl)))
        goto done;
    if (lvl == PERM_LEVEL_NONE)
        goto done;
    strbuf_init(&sql, CRM_SQL_CAP);
    strbuf_addf(&sql,
                "SELECT DISTINCT f.owner_id FROM crm_fm f JOIN %s t ON t.id = f.owner_id"
                " WHERE f.owner_type = ? AND f.type_id = ? AND f.value_norm IN (",
                def->table);
    json_array_append_new(binds, json_integer(def->type_id));
    json_array_append_new(binds, json_string(type_id));
    json_array_foreach(norms, i, v)
    {
        strbuf_addstr(&sql, i ? ", ?" : "?");
        json_array_append(binds, v);
    }
    strbuf_addstr(&sql, ") AND ");
    char col[96];
    snprintf(col, sizeof(col), "t.%s", def->owner_column);
    if (!(rc = perm_sql(c->auth, lvl, col, &sql, binds)) &&
        !(rc = strbuf_addstr(&sql, " ORDER BY f.owner_id")) &&
        !(rc = db_prepare_dyn(c->db, sql.buf, &st)) && (rc = db_bind_json(st, binds, 1)) > 0) {
        while ((rc = db_step(st)) == DB_ROW)
            json_array_append_new(ids, json_integer(db_col_int(st, 0)));
        rc = rc < 0 ? rc : 0;
    }
    if (st)
        db_finalize(st);
    strbuf_release(&sql);
done:
    json_decref(binds);
    return rc;
}

/* {"LEAD": [ids], "CONTACT": [...], ...} for the entities in want that have matches; an
 * empty object when none has. New reference in *out. */
static int find(struct rest_call *c, const char *type_id, json_t *norms, const bool *want,
                json_t **out)
{
    int rc = 0;
    *out = json_object();
    for (size_t e = 0; e < N_DUP && !rc; e++) {
        json_t *ids = json_array();
        if (want[e] && json_array_size(norms))
            rc = find_in(c, dup_entities[e], type_id, norms, ids);
        if (json_array_size(ids))
            json_object_set(*out, dup_entities[e]->upper, ids);
        json_decref(ids);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
        return rest_fail_db(c, rc);
    }
    return 0;
}

/* Adds the normalised form of value to norms (once; empty forms are skipped). */
static void add_norm(json_t *norms, const char *type_id, const char *value)
{
    char buf[DUP_VALUE_MAX + 1];
    json_t *v;
    size_t i;
    crm_fm_normalize(type_id, value, buf, sizeof(buf));
    if (!*buf)
        return;
    json_array_foreach(norms, i, v)
    {
        if (!strcmp(json_string_value(v), buf))
            return;
    }
    json_array_append_new(norms, json_string(buf));
}

/* ---- crm.duplicate.findbycomm ------------------------------------------------------------- */

static int findbycomm(struct rest_call *c)
{
    char buf[PARAMS_STR_BUFSIZE];
    bool want[N_DUP] = {false};
    const char *type = rest_param_str(c, "type");
    json_t *values = rest_param(c, "values"), *v, *norms = NULL, *found = NULL;
    size_t i;
    int rc = 0;
    if (!type || (strcasecmp(type, "PHONE") && strcasecmp(type, "EMAIL")))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'type' must be PHONE or EMAIL");
    const char *type_id = strcasecmp(type, "PHONE") ? "EMAIL" : "PHONE";
    const char *et = rest_param_str(c, "entity_type");
    for (size_t e = 0; e < N_DUP; e++)
        want[e] = !et || !*et || !strcasecmp(et, dup_entities[e]->upper);
    if (et && *et && !want[0] && !want[1] && !want[2])
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'entity_type' must be LEAD, CONTACT or COMPANY");
    if (json_is_string(values))
        values = json_pack("[O]", values);
    else if (json_is_array(values))
        json_incref(values);
    else
        values = NULL;
    if (!json_array_size(values) || json_array_size(values) > DUP_MAX_VALUES) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'values' must list 1 to %d values",
                       DUP_MAX_VALUES);
        goto out;
    }
    norms = json_array();
    json_array_foreach(values, i, v)
    {
        const char *s = params_to_str(v, buf, sizeof(buf));
        if (!s || strlen(s) > DUP_VALUE_MAX) {
            rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'values' must hold strings");
            goto out;
        }
        add_norm(norms, type_id, s);
    }
    if ((rc = find(c, type_id, norms, want, &found)))
        goto out;
    /* PHP encodes an empty map as [] */
    c->result = json_object_size(found) ? json_incref(found) : json_array();
out:
    json_decref(values);
    json_decref(norms);
    json_decref(found);
    return rc;
}

/* ---- the duplicate check of add ------------------------------------------------------------ */

/* Collects the normalised VALUEs of a PHONE/EMAIL input (a list of items, an object of
 * items, or one item). */
static void collect(json_t *items, const char *type_id, json_t *norms)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *key;
    json_t *it;
    size_t i;
    if (json_is_object(items) && params_get(items, "VALUE")) {
        const char *s = params_to_str(params_get(items, "VALUE"), buf, sizeof(buf));
        if (s)
            add_norm(norms, type_id, s);
        return;
    }
    if (json_is_array(items)) {
        json_array_foreach(items, i, it) collect(it, type_id, norms);
    } else if (json_is_object(items)) {
        json_object_foreach(items, key, it) collect(it, type_id, norms);
    }
}

int crm_duplicate_check_add(struct rest_call *c, const struct crm_entity_def *def,
                            const json_t *fields)
{
    static const char *const types[] = {"PHONE", "EMAIL"};
    bool want[N_DUP] = {true, true, true}, on = false, known = false;
    json_t *dups = json_object();
    int rc = 0;
    for (size_t e = 0; e < N_DUP; e++)
        known |= dup_entities[e] == def;
    params_to_bool(params_get(rest_param(c, "params"), "CHECK_DUPLICATES"), &on);
    if (!on || !known || !json_is_object(fields))
        goto out;
    for (size_t t = 0; t < 2 && !rc; t++) {
        json_t *norms = json_array(), *found = NULL, *ids;
        const char *key;
        collect(params_get((json_t *)fields, types[t]), types[t], norms);
        if (json_array_size(norms) > DUP_MAX_VALUES)
            rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has too many values", types[t]);
        else if (!(rc = find(c, types[t], norms, want, &found)))
            json_object_foreach(found, key, ids)
            {
                json_t *all = json_object_get(dups, key), *id;
                size_t i, j;
                if (!all)
                    json_object_set_new(dups, key, all = json_array());
                json_array_foreach(ids, i, id)
                {
                    for (j = 0; j < json_array_size(all) && !json_equal(json_array_get(all, j), id);
                         j++)
                        ;
                    if (j == json_array_size(all))
                        json_array_append(all, id);
                }
            }
        json_decref(norms);
        json_decref(found);
    }
    if (!rc && json_object_size(dups)) {
        char *text = json_dumps(dups, JSON_COMPACT | JSON_SORT_KEYS);
        rc = rest_fail(c, 400, "DUPLICATE_FOUND", "duplicates found: %s", text ? text : "{}");
        free(text);
    }
out:
    json_decref(dups);
    return rc;
}

/* Matches are narrowed per entity by the handler (entity NULL). */
const struct rest_method crm_duplicate_methods[] = {
    {"crm.duplicate.findbycomm", "crm", findbycomm, NULL, PERM_READ, 0, NULL},
    {0},
};
