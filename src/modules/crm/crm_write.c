/* The engine's write pipeline for add and update (contract of crm_entity_write in
 * crm_entity.h): merge the client's fields into the stored row through the field table,
 * keep system fields, check required fields and references, run the stage rules and the
 * entity's hooks, store the row, its multi-fields, user fields and bindings, write history and
 * emit the event. It never commits: the dispatcher's transaction makes a failure leave nothing
 * behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"

struct wctx {
    struct crm_write w;
    struct crm_uf *ufs; /* the entity's user fields (heap) */
    size_t n_uf;
    json_t *uf_vals; /* UF name -> stored value, for the user fields in the input */
    json_t *fm;      /* PHONE/EMAIL/... -> the client's items */
    json_t *before;  /* update: the record as get answered it before */
};

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

static void set_field(struct crm_write *w, const char *name, json_t *v)
{
    const struct crm_field *f = crm_field_find(w->def, name);
    if (f && f->column)
        json_object_set_new(w->row, f->name, v);
    else
        json_decref(v);
}

static const struct crm_uf *uf_find(const struct wctx *x, const char *name)
{
    char buf[96];
    for (size_t i = 0; i < x->n_uf; i++)
        if (!strcasecmp(x->ufs[i].name, name) ||
            (crm_camel_name(x->ufs[i].name, buf, sizeof(buf)) && !strcmp(buf, name)))
            return &x->ufs[i];
    return NULL;
}

/* ---- the row before and after input -------------------------------------------------------- */

static int start_add(struct wctx *x)
{
    struct crm_write *w = &x->w;
    char err[128];
    w->row = json_object();
    for (size_t i = 1; i < w->def->n_fields; i++) {
        const struct crm_field *f = &w->def->fields[i];
        json_t *v = NULL, *d;
        if (!f->column)
            continue;
        if (f->def) {
            d = json_string(f->def);
            crm_value_parse(f, d, &v, err, sizeof(err));
            json_decref(d);
        }
        json_object_set_new(w->row, f->name, v ? v : json_null());
    }
    return 0;
}

static int start_update(struct wctx *x)
{
    struct crm_write *w = &x->w;
    int rc = crm_sql_row_load(w->c->db, w->def, w->id, &w->old);
    if (rc == -E_NOTFOUND)
        return crm_fail_not_found(w->c);
    if (rc)
        return rest_fail_db(w->c, rc);
    const struct crm_field *of = crm_owner_field(w->def);
    if ((rc = crm_check_owner(w->c, w->def, PERM_UPDATE, crm_row_int(w->old, of->name, 0))))
        return rc;
    w->row = json_deep_copy(w->old);
    return crm_entity_read(w->c, w->def, w->id, CRM_FMT_LEGACY, CRM_NO_PERM, &x->before);
}

static int merge_one(struct wctx *x, const char *key, json_t *v)
{
    struct crm_write *w = &x->w;
    const struct crm_field *f = crm_field_find(w->def, key);
    const struct crm_uf *uf;
    json_t *stored = NULL;
    char err[128];
    if (!f) {
        if (!(uf = uf_find(x, key)))
            return 0; /* unknown keys are ignored, as Bitrix does */
        if (crm_uf_parse(w->c, uf, v, &stored))
            return -1;
        json_object_set_new(x->uf_vals, uf->name, stored);
        return 0;
    }
    if (f->type == CRM_T_ID || (f->flags & CRM_F_RO) ||
        ((f->flags & CRM_F_IMMUTABLE) && !w->is_add))
        return 0;
    if (f->type == CRM_T_MULTIFIELD) {
        json_object_set(x->fm, f->name, v);
        return 0;
    }
    if (f->type == CRM_T_LINKS)
        return 0; /* crm_binding_write reads it */
    if (crm_value_parse(f, v, &stored, err, sizeof(err)))
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field '%s' %s", f->name, err);
    json_object_set_new(w->row, f->name, stored);
    return 0;
}

static int merge(struct wctx *x)
{
    const char *key;
    json_t *v;
    int rc;
    if (x->w.input && !json_is_object(x->w.input))
        return rest_fail(x->w.c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if ((rc = crm_uf_defs(x->w.c->db, x->w.def->type_id, &x->ufs, &x->n_uf)))
        return rest_fail_db(x->w.c, rc);
    if (!x->w.input)
        return 0;
    json_object_foreach((json_t *)x->w.input, key, v)
    {
        if ((rc = merge_one(x, key, v)))
            return rc;
    }
    return 0;
}

/* CREATED_BY_ID, DATE_CREATE, MODIFY_BY_ID, DATE_MODIFY, the owner and the currency. */
static int system_fields(struct wctx *x)
{
    struct crm_write *w = &x->w;
    const struct crm_field *of = crm_owner_field(w->def);
    char base[8] = "";
    if (is_empty(json_object_get(w->row, of->name)) || crm_row_int(w->row, of->name, 0) == 0)
        json_object_set_new(w->row, of->name,
                            w->is_add ? json_integer(w->user_id)
                                      : json_deep_copy(json_object_get(w->old, of->name)));
    if (w->is_add) {
        set_field(w, "CREATED_BY_ID", json_integer(w->user_id));
        set_field(w, "DATE_CREATE", json_integer(w->now));
    }
    set_field(w, "MODIFY_BY_ID", json_integer(w->user_id));
    set_field(w, "DATE_MODIFY", json_integer(w->now));
    for (size_t i = 0; i < w->def->n_fields; i++) {
        const struct crm_field *f = &w->def->fields[i];
        if (f->type != CRM_T_CURRENCY || !f->column || !is_empty(json_object_get(w->row, f->name)))
            continue;
        if (!base[0]) {
            int rc = crm_currency_base(w->c->db, base, sizeof(base));
            if (rc)
                return rest_fail_db(w->c, rc);
        }
        json_object_set_new(w->row, f->name, json_string(base));
    }
    return 0;
}

static int check_required(struct wctx *x)
{
    struct crm_write *w = &x->w;
    for (size_t i = 0; i < w->def->n_fields; i++) {
        const struct crm_field *f = &w->def->fields[i];
        if ((f->flags & CRM_F_REQUIRED) && f->column && is_empty(json_object_get(w->row, f->name)))
            return rest_fail(w->c, 400, "BX_EMPTY_REQUIRED", "field '%s' is required", f->name);
    }
    for (size_t i = 0; i < x->n_uf; i++) {
        const struct crm_uf *uf = &x->ufs[i];
        json_t *v = json_object_get(x->uf_vals, uf->name);
        if (uf->mandatory && (w->is_add || v) && (!v || json_is_null(v)))
            return rest_fail(w->c, 400, "BX_EMPTY_REQUIRED", "field '%s' is required", uf->name);
    }
    return 0;
}

/* ---- references ------------------------------------------------------------------------- */

static int check_ref(struct crm_write *w, const struct crm_field *f, const json_t *v)
{
    const struct crm_entity_def *target;
    bool ok = true;
    int64_t n = json_integer_value(v);
    int rc = 0;
    switch (f->type) {
    case CRM_T_STATUS:
        if (f->dict && !(f->flags & CRM_F_STAGE))
            rc = crm_status_exists(w->c->db, f->dict, json_string_value(v), &ok);
        break;
    case CRM_T_CURRENCY:
        rc = crm_currency_exists(w->c->db, json_string_value(v), &ok);
        break;
    case CRM_T_USER:
        rc = n > 0 ? crm_sql_user_exists(w->c->db, n, &ok) : 0;
        ok = ok && n > 0;
        break;
    case CRM_T_LINK: /* the caller must be able to see what the record will point at */
        if (n > 0 && (target = crm_entity_by_type(f->link_type)))
            return crm_check_link(w->c, target, n, PERM_READ, f->name);
        break;
    default:
        break;
    }
    if (rc)
        return rest_fail_db(w->c, rc);
    if (!ok) {
        char buf[32];
        const char *s = json_is_string(v) ? json_string_value(v) : buf;
        snprintf(buf, sizeof(buf), "%lld", (long long)n);
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field '%s' has an unknown value '%s'",
                         f->name, s);
    }
    return 0;
}

/* Only values the write sets or changes are checked: a link to a record the caller cannot see,
 * set by someone who could, stays when the caller updates other fields. */
static int check_refs(struct crm_write *w)
{
    for (size_t i = 1; i < w->def->n_fields; i++) {
        const struct crm_field *f = &w->def->fields[i];
        json_t *v = f->column ? json_object_get(w->row, f->name) : NULL;
        if (!v || json_is_null(v) || (f->flags & CRM_F_RO))
            continue;
        if (!w->is_add && json_equal(v, json_object_get(w->old, f->name)))
            continue;
        int rc = check_ref(w, f, v);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- stages ----------------------------------------------------------------------------- */

static const struct crm_field *stage_field(const struct crm_entity_def *def)
{
    for (size_t i = 0; i < def->n_fields; i++)
        if (def->fields[i].flags & CRM_F_STAGE)
            return &def->fields[i];
    return NULL;
}

static void stage_apply(struct crm_write *w, const struct crm_dict_row *r, size_t idx)
{
    char sem[2] = {r ? r->semantic : 'P', '\0'};
    w->stage_semantic = sem[0];
    w->stage_first = r && idx == 0;
    if (w->def->semantic_field)
        set_field(w, w->def->semantic_field, json_string(sem));
    if (w->stage_changed) {
        set_field(w, "MOVED_TIME", json_integer(w->now));
        set_field(w, "MOVED_BY_ID", json_integer(w->user_id));
    }
}

/* Defaults the stage to the dictionary's first, checks it belongs to the dictionary and sets
 * the semantics, MOVED_TIME and MOVED_BY_ID. */
static int stage(struct crm_write *w)
{
    const struct crm_field *sf = stage_field(w->def);
    struct crm_dict_row *rows = NULL;
    size_t n = 0, idx;
    int rc;
    if (!sf)
        return 0;
    w->stage_dict = w->def->stage_dict ? w->def->stage_dict(w) : sf->dict;
    if ((rc = crm_status_dict_load(w->c->db, w->stage_dict, &rows, &n)))
        return rest_fail_db(w->c, rc);
    if (is_empty(json_object_get(w->row, sf->name)) && n)
        json_object_set_new(w->row, sf->name, json_string(rows[0].status_id));
    const char *value = crm_row_str(w->row, sf->name);
    w->stage_changed = w->is_add || !json_equal(json_object_get(w->row, sf->name),
                                                json_object_get(w->old, sf->name));
    for (idx = 0; value && idx < n && strcmp(rows[idx].status_id, value); idx++)
        ;
    if (value && idx < n) {
        stage_apply(w, &rows[idx], idx);
    } else if (w->stage_changed) {
        rc = rest_fail(w->c, 400, "INVALID_ARG_VALUE", "field '%s': '%s' is not a stage of '%s'",
                       sf->name, value ? value : "", w->stage_dict);
    } else if (w->def->semantic_field) {
        /* the stored stage left its dictionary: keep what the row says */
        const char *s = crm_row_str(w->row, w->def->semantic_field);
        w->stage_semantic = s && *s ? s[0] : 'P';
    }
    free(rows);
    return rc;
}

/* ---- storing ------------------------------------------------------------------------------ */

static int store_row(struct wctx *x)
{
    struct crm_write *w = &x->w;
    const struct crm_field *of = crm_owner_field(w->def);
    int64_t owner = crm_row_int(w->row, of->name, 0);
    int rc = 0;
    if (w->is_add)
        rc = crm_check_owner(w->c, w->def, PERM_ADD, owner);
    else if (owner != crm_row_int(w->old, of->name, 0))
        rc = crm_check_owner(w->c, w->def, PERM_UPDATE, owner);
    if (rc)
        return rc;
    rc = w->is_add ? crm_sql_row_insert(w->c->db, w->def, w->row, &w->id)
                   : crm_sql_row_update(w->c->db, w->def, w->id, w->row);
    if (!rc && w->def->title_prefix && is_empty(json_object_get(w->row, "TITLE"))) {
        char title[128];
        snprintf(title, sizeof(title), "%s%lld", w->def->title_prefix, (long long)w->id);
        json_object_set_new(w->row, "TITLE", json_string(title));
        rc = crm_sql_set_title(w->c->db, w->def, w->id, title);
    }
    return rc ? rest_fail_db(w->c, rc) : 0;
}

static int store_extras(struct wctx *x)
{
    struct crm_write *w = &x->w;
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(x->fm, key, v)
    {
        if ((rc = crm_fm_apply(w->c, w->def->type_id, w->id, key, v, w->is_add)))
            return rc;
    }
    if (json_object_size(x->fm) && (rc = crm_sql_fm_flags(w->c->db, w->def, w->id)))
        return rest_fail_db(w->c, rc);
    json_object_foreach(x->uf_vals, key, v)
    {
        const struct crm_uf *uf = uf_find(x, key);
        if (uf && (rc = crm_uf_store(w->c, w->def->type_id, uf, w->id, v)))
            return rc;
    }
    return crm_binding_write(w->c, w->def, w->id, w->input);
}

/* ---- history ------------------------------------------------------------------------------ */

static bool history_skips(const struct crm_entity_def *def, const char *key)
{
    const struct crm_field *f = crm_field_find(def, key);
    if (!f)
        return strncasecmp(key, "UF_", 3) != 0;
    return f->type == CRM_T_ID || (f->flags & (CRM_F_RO | CRM_F_NOHISTORY));
}

static int history_change(struct crm_write *w, const char *key, json_t *old, json_t *new_)
{
    const struct crm_field *f = crm_field_find(w->def, key);
    bool is_stage = f && (f->flags & CRM_F_STAGE);
    json_t *data = json_pack("{s:s, s:O, s:O}", "field", key, "old", old ? old : json_null(), "new",
                             new_ ? new_ : json_null());
    if (is_stage) {
        char sem[2] = {w->stage_semantic ? w->stage_semantic : 'P', '\0'};
        json_object_set_new(data, "semantic", json_string(sem));
        if (w->stage_dict)
            json_object_set_new(data, "dictionary", json_string(w->stage_dict));
    }
    return crm_history_add(w->c->db, w->def->type_id, w->id,
                           is_stage ? "stage_changed" : "field_changed", w->user_id, w->now, data);
}

static int history(struct wctx *x)
{
    struct crm_write *w = &x->w;
    json_t *after = NULL, *v;
    const char *key;
    int rc = 0;
    if (w->is_add) {
        const char *title = crm_row_str(w->row, "TITLE");
        json_t *data = json_pack("{s:s?}", "title", title);
        rc = crm_history_add(w->c->db, w->def->type_id, w->id, "created", w->user_id, w->now, data);
        return rc ? rest_fail_db(w->c, rc) : 0;
    }
    if ((rc = crm_entity_read(w->c, w->def, w->id, CRM_FMT_LEGACY, CRM_NO_PERM, &after)))
        return rc;
    json_object_foreach(after, key, v)
    {
        json_t *old = json_object_get(x->before, key);
        if (!history_skips(w->def, key) && !json_equal(old, v) && (old || !json_is_null(v)) &&
            (rc = history_change(w, key, old, v)))
            break;
    }
    json_object_foreach(x->before, key, v)
    {
        if (!rc && !json_object_get(after, key) && !history_skips(w->def, key))
            rc = history_change(w, key, v, NULL);
    }
    json_decref(after);
    return rc ? rest_fail_db(w->c, rc) : 0;
}

/* ---- the pipeline --------------------------------------------------------------------------- */

static int run(struct wctx *x, unsigned opts)
{
    struct crm_write *w = &x->w;
    const struct crm_entity_def *def = w->def;
    int rc;
    if ((rc = w->is_add ? start_add(x) : start_update(x)) || (rc = merge(x)) ||
        (rc = system_fields(x)) || (rc = check_required(x)) || (rc = check_refs(w)))
        return rc;
    if ((def->validate && (rc = def->validate(w))) || (rc = stage(w)) ||
        (def->derive && (rc = def->derive(w))))
        return rc;
    if ((rc = store_row(x)) || (rc = store_extras(x)) || (def->finish && (rc = def->finish(w))) ||
        (rc = history(x)))
        return rc;
    if (!(opts & CRM_NO_EVENT))
        rc = crm_entity_emit(w->c, def, w->is_add ? "ADD" : "UPDATE", w->id);
    return rc;
}

int crm_entity_write(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                     const json_t *fields, unsigned opts, int64_t *id_out)
{
    struct wctx x = {
        .w = {.c = c,
              .def = def,
              .id = id,
              .is_add = id == 0,
              .input = fields,
              .now = (int64_t)time_now_real(),
              .user_id = c->auth ? c->auth->user_id : 0},
        .uf_vals = json_object(),
        .fm = json_object(),
    };
    struct auth_identity system = {0};
    const struct auth_identity *saved = c->auth;
    if (opts & CRM_NO_PERM) { /* checks see an administrator */
        system = saved ? *saved : system;
        system.is_admin = true;
        c->auth = &system;
    }
    int rc = run(&x, opts);
    c->auth = saved;
    if (!rc && id_out)
        *id_out = x.w.id;
    json_decref(x.w.row);
    json_decref(x.w.old);
    json_decref(x.uf_vals);
    json_decref(x.fm);
    json_decref(x.before);
    free(x.ufs);
    return rc;
}

int crm_write_number(struct crm_write *w, const char *sql)
{
    struct db_stmt *st;
    char num[24];
    int rc;
    snprintf(num, sizeof(num), "%lld", (long long)w->id);
    if ((rc = db_prepare(w->c->db, sql, &st)))
        return rest_fail_db(w->c, rc);
    db_bind_text(st, 1, num, -1);
    db_bind_int(st, 2, w->id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rest_fail_db(w->c, rc) : 0;
}
