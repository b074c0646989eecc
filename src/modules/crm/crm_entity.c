/* The CRM entity engine (contract in crm_entity.h): the entity registry, reading a record,
 * deleting it, describing fields and the generic REST handlers every entity's method table
 * points at. Adding and updating (the write pipeline) is in crm_write.c, the SQL in
 * crm_sql.c. Nothing here knows a particular entity: differences live in the def's tables and
 * hooks. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/events/bus.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "core/rest/rest_perm.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_productrow.h"
#include "modules/crm/crm_timeline.h"

const struct crm_entity_def *const crm_entities[] = {
    &crm_lead_def,    &crm_deal_def, &crm_contact_def, &crm_company_def, &crm_quote_def,
    &crm_invoice_def, NULL,
};

const struct crm_entity_def *crm_entity_by_type(int type_id)
{
    for (const struct crm_entity_def *const *e = crm_entities; *e; e++)
        if ((*e)->type_id == type_id)
            return *e;
    return NULL;
}

const struct crm_field *crm_field_find(const struct crm_entity_def *def, const char *name)
{
    char buf[128];
    for (size_t i = 0; i < def->n_fields; i++)
        if (!strcasecmp(def->fields[i].name, name))
            return &def->fields[i];
    for (size_t i = 0; i < def->n_fields; i++)
        if (!strcmp(crm_field_out_name(&def->fields[i], CRM_FMT_TYPED, buf, sizeof(buf)), name))
            return &def->fields[i];
    return NULL;
}

/* Letters, digits and '_' only: written into replies without escaping (jsonout_name). */
static bool plain_name(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

int crm_entity_init(const struct crm_entity_def *def)
{
    const struct crm_field *f = def->fields;
    if (!def->n_fields || f[0].type != CRM_T_ID || !f[0].column || strcmp(f[0].column, "id"))
        return error("crm entity '%s': field 0 must be ID in column 'id'", def->name);
    for (size_t i = 0; i < def->n_fields; i++) {
        for (size_t j = i + 1; j < def->n_fields; j++)
            if (!strcmp(f[i].name, f[j].name))
                return error("crm entity '%s': field '%s' is declared twice", def->name, f[i].name);
        if (!f[i].column && f[i].type != CRM_T_MULTIFIELD && f[i].type != CRM_T_LINKS)
            return error("crm entity '%s': field '%s' has no column", def->name, f[i].name);
        if (!plain_name(f[i].name) || (f[i].alias && !plain_name(f[i].alias)))
            return error("crm entity '%s': field '%s' has a name JSON would need to escape",
                         def->name, f[i].name);
    }
    return crm_sql_build(def);
}

void crm_entity_fini(const struct crm_entity_def *def)
{
    crm_sql_free(def);
}

/* ---- helpers ------------------------------------------------------------------------------- */

int crm_param_id(struct rest_call *c, const char *name, int64_t *out)
{
    json_t *v = rest_param(c, name);
    *out = 0;
    if (!v || params_to_int64(v, out) || *out <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "ID is not defined or invalid");
    return 0;
}

int crm_fail_not_found(struct rest_call *c)
{
    return rest_fail(c, 400, "NOT_FOUND", "Not found");
}

int crm_check_owner(struct rest_call *c, const struct crm_entity_def *def, enum perm_action action,
                    int64_t owner)
{
    enum perm_level lvl = PERM_LEVEL_NONE;
    bool ok = false;
    int rc;
    if (!c->auth || c->auth->is_admin)
        return 0;
    if ((rc = rest_perm_level(c, def->perm_entity, action, &lvl)) ||
        (rc = perm_allows_owner(c->db, c->auth, lvl, owner, &ok)))
        return rest_fail_db(c, rc);
    if (!ok)
        return rest_fail(c, 403, "ACCESS_DENIED", "Access denied.");
    return 0;
}

/* Whether record id of def exists and the caller may read it (READ level on def's permission
 * entity, checked against its owner); administrators and CRM_NO_PERM writes only need it to
 * exist. *owner receives the owner when it exists. Returns 0 or a database error. */
static int link_visible(struct rest_call *c, const struct crm_entity_def *def, int64_t id, bool *ok,
                        int64_t *owner)
{
    enum perm_level lvl = PERM_LEVEL_NONE;
    int rc = id > 0 ? crm_sql_owner(c->db, def, id, owner) : -E_NOTFOUND;
    *ok = false;
    if (rc == -E_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (!c->auth || c->auth->is_admin) {
        *ok = true;
        return 0;
    }
    if ((rc = perm_level(c->db, c->auth, def->perm_entity, PERM_READ, &lvl)))
        return rc;
    return perm_allows_owner(c->db, c->auth, lvl, *owner, ok);
}

int crm_link_fail(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                  const char *field)
{
    return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s': %s %lld is not a record you can see",
                     field, def->name, (long long)id);
}

int crm_check_link(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                   enum perm_action action, const char *field)
{
    bool ok = false;
    int64_t owner = 0;
    int rc = link_visible(c, def, id, &ok, &owner);
    if (rc)
        return rest_fail_db(c, rc);
    if (!ok) /* the same answer whether the record is missing or hidden */
        return crm_link_fail(c, def, id, field);
    /* the caller may read it, so a refusal of more tells nothing new */
    return action == PERM_READ ? 0 : crm_check_owner(c, def, action, owner);
}

int crm_ref_check(struct rest_call *c, const char *field, const char *ref)
{
    const char *us = ref ? strrchr(ref, '_') : NULL;
    const struct crm_entity_def *def = us ? crm_entity_by_abbr(ref, (size_t)(us - ref)) : NULL;
    char *end = NULL;
    long long id = def && isdigit((unsigned char)us[1]) ? strtoll(us + 1, &end, 10) : 0;
    if (id <= 0 || *end)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field '%s': '%s' is not a record you can see", field, ref ? ref : "");
    return crm_check_link(c, def, id, PERM_READ, field);
}

/* ---- reading ------------------------------------------------------------------------------- */

/* The binding whose list field is f (CONTACT_IDS), or NULL. */
static const struct crm_binding_def *binding_of(const struct crm_entity_def *def,
                                                const struct crm_field *f)
{
    for (const struct crm_binding_def *const *b = def->bindings; b && *b; b++)
        if ((*b)->list_field && !strcmp((*b)->list_field, f->name))
            return *b;
    return NULL;
}

/* {"<id>": o}, the shape the multi-field and user-field loaders fill. New reference. */
static json_t *by_id_of(int64_t id, json_t *o)
{
    char key[24];
    json_t *by_id = json_object();
    snprintf(key, sizeof(key), "%lld", (long long)id);
    json_object_set(by_id, key, o);
    return by_id;
}

/* Adds the user fields of record id (if its type has any) to o. */
static int load_user_fields(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                            enum crm_format fmt, json_t *o)
{
    struct crm_uf *ufs = NULL;
    size_t n_uf = 0;
    int rc = crm_uf_defs(c->db, def->type_id, &ufs, &n_uf);
    if (!rc && n_uf) {
        json_t *by_id = by_id_of(id, o);
        rc = crm_uf_load(c->db, ufs, n_uf, NULL, &id, 1, fmt, by_id);
        json_decref(by_id);
    }
    free(ufs);
    return rc;
}

/* Adds the multi-fields and user fields of record id to o, the record formatted so far. */
static int load_extras(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                       enum crm_format fmt, json_t *o)
{
    json_t *by_id = by_id_of(id, o);
    int rc = crm_fm_load(c->db, def->type_id, &id, 1, NULL, by_id);
    json_decref(by_id);
    return rc ? rc : load_user_fields(c, def, id, fmt, o);
}

/* Formats a record with its bindings, multi-fields and user fields; row is its select_row
 * statement stepped to the row (columns in field order, see crm_sql_row_open). */
static int format_record(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                         struct db_stmt *row, enum crm_format fmt, json_t **out)
{
    int col = 0;
    char name[128];
    json_t *o = json_object();
    int rc = 0;
    for (size_t i = 0; i < def->n_fields && !rc; i++) {
        const struct crm_field *f = &def->fields[i];
        const struct crm_binding_def *b;
        json_t *v = NULL;
        if (f->column)
            v = crm_sql_col_format(row, col++, f, fmt);
        else if (f->type == CRM_T_LINKS && (b = binding_of(def, f)))
            rc = crm_binding_ids(c->db, b, id, fmt, &v);
        if (v)
            json_object_set_new(o, crm_field_out_name(f, fmt, name, sizeof(name)), v);
    }
    if (!rc)
        rc = load_extras(c, def, id, fmt, o);
    if (rc) {
        json_decref(o);
        return rest_fail_db(c, rc);
    }
    *out = o;
    return 0;
}

/* The same record as format_record gives, written as JSON text into b without building it:
 * columns and bindings in field order, then multi-fields and user fields in the order their
 * loaders add them (user fields, rare and varied, still go through a JSON object). */
static int write_record(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                        struct db_stmt *row, enum crm_format fmt, struct strbuf *b)
{
    int col = 0;
    char name[128];
    const char *key;
    json_t *extras = json_object(), *v;
    int rc = strbuf_addch(b, '{');
    bool first = true;
    for (size_t i = 0; i < def->n_fields && !rc; i++) {
        const struct crm_field *f = &def->fields[i];
        const struct crm_binding_def *bd = NULL;
        if (!f->column && !(f->type == CRM_T_LINKS && (bd = binding_of(def, f))))
            continue;
        /* names from the definition table are plain (crm_entity_init checks) */
        if ((!first && (rc = strbuf_addch(b, ','))) ||
            (rc = jsonout_name(b, crm_field_out_name(f, fmt, name, sizeof(name)))))
            break;
        first = false;
        if (f->column) {
            rc = crm_sql_col_write(b, row, col++, f, fmt);
        } else if (!(rc = crm_binding_ids(c->db, bd, id, fmt, &v))) {
            rc = jsonout_value(b, v);
            json_decref(v);
        }
    }
    if (!rc)
        rc = crm_fm_write(c->db, def->type_id, id, b, &first);
    if (!rc)
        rc = load_user_fields(c, def, id, fmt, extras);
    json_object_foreach(extras, key, v)
    {
        if (rc || (!first && (rc = strbuf_addch(b, ','))) || (rc = jsonout_key(b, key)) ||
            (rc = jsonout_value(b, v)))
            break;
        first = false;
    }
    if (!rc)
        rc = strbuf_addch(b, '}');
    json_decref(extras);
    return rc ? rest_fail_db(c, rc) : 0;
}

const struct crm_field *crm_owner_field(const struct crm_entity_def *def)
{
    return def->sql->cols[def->sql->owner_col];
}

/* crm_entity_read into *out, or as JSON text into text when that is not NULL. */
static int read_record(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                       enum crm_format fmt, unsigned opts, json_t **out, struct strbuf *text)
{
    struct db_stmt *row;
    int64_t owner;
    int rc = crm_sql_row_open(c->db, def, id, &row, &owner);
    if (out)
        *out = NULL;
    if (rc == -E_NOTFOUND)
        return crm_fail_not_found(c);
    if (rc)
        return rest_fail_db(c, rc);
    /* the row stays current while the record is formatted: the queries of bindings,
     * multi-fields and user fields below use other statements */
    if (!(opts & CRM_NO_PERM) && (rc = crm_check_owner(c, def, PERM_READ, owner)))
        goto out;
    rc = text ? write_record(c, def, id, row, fmt, text) : format_record(c, def, id, row, fmt, out);
out:
    crm_sql_row_close(row);
    return rc;
}

int crm_entity_read(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                    enum crm_format fmt, unsigned opts, json_t **out)
{
    return read_record(c, def, id, fmt, opts, out, NULL);
}

/* ---- deleting ------------------------------------------------------------------------------ */

int crm_entity_emit(struct rest_call *c, const struct crm_entity_def *def, const char *what,
                    int64_t id)
{
    char name[64];
    snprintf(name, sizeof(name), "%s%s", def->event_prefix, what);
    if (events_emit_id(c->db, name, id, c->auth ? c->auth->user_id : 0))
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                         "event '%s' handler failed, nothing was written", name);
    return 0;
}

int crm_entity_remove(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                      unsigned opts)
{
    int64_t owner = 0;
    int rc = crm_sql_owner(c->db, def, id, &owner);
    if (rc == -E_NOTFOUND)
        return crm_fail_not_found(c);
    if (rc)
        return rest_fail_db(c, rc);
    if (!(opts & CRM_NO_PERM) && (rc = crm_check_owner(c, def, PERM_DELETE, owner)))
        return rc;
    if ((rc = crm_fm_drop(c->db, def->type_id, id)) ||
        (rc = crm_uf_drop_owner(c->db, def->type_id, id)) ||
        (rc = crm_binding_drop_record(c->db, def->type_id, id)) ||
        (rc = crm_history_drop(c->db, def->type_id, id)) ||
        (rc = crm_productrow_drop(c->db, def->type_id, id)) ||
        (rc = crm_sql_row_delete(c->db, def, id)))
        return rest_fail_db(c, rc);
    if (!(opts & CRM_NO_EVENT))
        return crm_entity_emit(c, def, "DELETE", id);
    return 0;
}

/* ---- describing ---------------------------------------------------------------------------- */

static json_t *describe_field(const struct crm_field *f, enum crm_format fmt)
{
    bool ro = (f->flags & CRM_F_RO) || f->type == CRM_T_ID;
    bool multiple =
        (f->flags & CRM_F_MULTIPLE) || f->type == CRM_T_MULTIFIELD || f->type == CRM_T_LINKS;
    json_t *d = json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:s}", "type", crm_type_name(f),
                          "isRequired", (f->flags & CRM_F_REQUIRED) != 0, "isReadOnly", ro,
                          "isImmutable", (f->flags & CRM_F_IMMUTABLE) != 0, "isMultiple", multiple,
                          "isDynamic", false, "title", f->title ? f->title : f->name);
    if (f->type == CRM_T_STATUS && f->dict)
        json_object_set_new(d, "statusType", json_string(f->dict));
    if (fmt == CRM_FMT_TYPED)
        json_object_set_new(d, "upperName", json_string(f->name));
    return d;
}

int crm_entity_describe(struct rest_call *c, const struct crm_entity_def *def, enum crm_format fmt,
                        json_t **out)
{
    char name[128];
    json_t *o = json_object();
    for (size_t i = 0; i < def->n_fields; i++)
        json_object_set_new(o, crm_field_out_name(&def->fields[i], fmt, name, sizeof(name)),
                            describe_field(&def->fields[i], fmt));
    int rc = crm_uf_describe(c->db, def->type_id, fmt, o);
    if (rc) {
        json_decref(o);
        return rest_fail_db(c, rc);
    }
    *out = o;
    return 0;
}

/* ---- REST handlers ------------------------------------------------------------------------- */

static const struct crm_entity_def *def_of(struct rest_call *c)
{
    return c->method->data;
}

int crm_entity_add(struct rest_call *c)
{
    int64_t id = 0;
    /* kazi extension: params[CHECK_DUPLICATES]=Y refuses a known phone or e-mail */
    int rc = crm_duplicate_check_add(c, def_of(c), rest_param(c, "fields"));
    if (!rc)
        rc = crm_entity_write(c, def_of(c), 0, rest_param(c, "fields"), 0, &id);
    if (!rc)
        c->result = json_integer(id);
    return rc;
}

int crm_entity_get(struct rest_call *c)
{
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc)
        return rc;
    /* the hottest read of the CRM: written straight into the reply unless batch needs a value */
    struct strbuf *text = rest_result_text(c);
    return read_record(c, def_of(c), id, CRM_FMT_LEGACY, 0, text ? NULL : &c->result, text);
}

int crm_entity_list(struct rest_call *c)
{
    struct crm_query q = {
        .filter = rest_param(c, "filter"),
        .order = rest_param(c, "order"),
        .select = rest_param(c, "select"),
        .fmt = CRM_FMT_LEGACY,
    };
    return crm_entity_query(c, def_of(c), &q);
}

int crm_entity_update(struct rest_call *c)
{
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (!rc)
        rc = crm_entity_write(c, def_of(c), id, rest_param(c, "fields"), 0, NULL);
    if (!rc)
        c->result = json_true();
    return rc;
}

int crm_entity_delete(struct rest_call *c)
{
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (!rc)
        rc = crm_entity_remove(c, def_of(c), id, 0);
    if (!rc)
        c->result = json_true();
    return rc;
}

int crm_entity_fields(struct rest_call *c)
{
    return crm_entity_describe(c, def_of(c), CRM_FMT_LEGACY, &c->result);
}
