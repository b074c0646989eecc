/* Dictionaries (crm.status.*): statuses, sources, types, deal stages per pipeline, quote
 * statuses. Stage semantics follow Bitrix: the stage marked 'S' is the success, stages sorted
 * after it (or marked 'F') are failures, the rest are in progress; the effective value is
 * computed in SQL so a SORT change takes effect at once. Reading needs only the crm scope;
 * writing needs crm_config. It does not rewrite records when a stage's semantics change. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

/* Effective semantics: 'S', 'F' or NULL (in progress). */
#define SQL_SEMANTICS                                                                              \
    "CASE WHEN s.semantics = 'S' THEN 'S' WHEN s.semantics = 'F' THEN 'F'"                         \
    " WHEN s.sort > (SELECT MIN(x.sort) FROM crm_status x WHERE x.entity_id = s.entity_id"         \
    " AND x.semantics = 'S') THEN 'F' ELSE NULL END"
#define SQL_STATUS_COLS                                                                            \
    "s.id, s.entity_id, s.status_id, s.name, s.name_init, s.sort, s.system, s.category_id,"        \
    " s.color, " SQL_SEMANTICS

static const char SQL_DICT[] = "SELECT s.id, s.status_id, s.sort, " SQL_SEMANTICS
                               " FROM crm_status s WHERE s.entity_id = ? ORDER BY s.sort, s.id";
static const char SQL_EXISTS[] = "SELECT 1 FROM crm_status WHERE entity_id = ? AND status_id = ?";
static const char SQL_GET[] = "SELECT " SQL_STATUS_COLS " FROM crm_status s WHERE s.id = ?";
static const char SQL_ADD[] =
    "INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id,"
    " color, semantics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_UPDATE[] = "UPDATE crm_status SET name = ?, sort = ?, color = ? WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM crm_status WHERE id = ?";
static const char SQL_DROP_DICT[] = "DELETE FROM crm_status WHERE entity_id = ?";
static const char SQL_HAS_SUCCESS[] =
    "SELECT 1 FROM crm_status WHERE entity_id = ? AND semantics = 'S'";
static const char SQL_LEAD_USES[] = "SELECT 1 FROM crm_lead WHERE status_id = ? LIMIT 1";
static const char SQL_DEAL_USES[] =
    "SELECT 1 FROM crm_deal WHERE stage_id = ? AND category_id = ? LIMIT 1";
static const char SQL_QUOTE_USES[] = "SELECT 1 FROM crm_quote WHERE status_id = ? LIMIT 1";
static const char SQL_PIPELINES[] =
    "SELECT id, name FROM crm_category WHERE entity_type_id = 2 AND id > 0 ORDER BY sort, id";

/* The dictionaries that exist whatever the pipelines. */
static const struct {
    const char *id, *name;
    int entity_type;
} dicts[] = {
    {"STATUS", "Lead statuses", CRM_TYPE_LEAD},
    {"SOURCE", "Sources", 0},
    {"CONTACT_TYPE", "Contact type", 0},
    {"COMPANY_TYPE", "Company type", 0},
    {"EMPLOYEES", "Employees", 0},
    {"INDUSTRY", "Industry", 0},
    {"DEAL_TYPE", "Deal type", 0},
    {"DEAL_STAGE", "Deal stages", CRM_TYPE_DEAL},
    {"QUOTE_STATUS", "Quote statuses", CRM_TYPE_QUOTE},
    {"HONORIFIC", "Salutations", 0},
};

/* Stages a new pipeline starts with. */
static const struct {
    const char *code, *name, *color, *semantics;
    int sort;
    bool system;
} pipeline_stages[] = {
    {"NEW", "New", "#39A8EF", NULL, 10, true},
    {"PREPARATION", "Document preparation", "#2FC6F6", NULL, 20, false},
    {"PREPAYMENT_INVOICE", "Invoice", "#55D0E0", NULL, 30, false},
    {"EXECUTING", "In progress", "#47E4C2", NULL, 40, false},
    {"FINAL_INVOICE", "Final invoice", "#FFA900", NULL, 50, false},
    {"WON", "Deal won", "#7BD500", "S", 60, true},
    {"LOSE", "Deal lost", "#FF5752", "F", 70, true},
    {"APOLOGY", "Analyze failure", "#FF5752", "F", 80, false},
};

/* ---- dictionary helpers (crm_internal.h) ------------------------------------------------ */

/* The pipeline of DEAL_STAGE_<n>, or -1 for other names; 0 for DEAL_STAGE. */
static int64_t deal_stage_pipeline(const char *dict)
{
    if (!strcmp(dict, "DEAL_STAGE"))
        return 0;
    if (strncmp(dict, "DEAL_STAGE_", 11) || !dict[11])
        return -1;
    for (const char *p = dict + 11; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    return strtoll(dict + 11, NULL, 10);
}

bool crm_status_is_stage_dict(const char *dict)
{
    return !strcmp(dict, "STATUS") || !strcmp(dict, "QUOTE_STATUS") ||
           deal_stage_pipeline(dict) >= 0;
}

int crm_status_dict_load(struct db *db, const char *dict, struct crm_dict_row **rows, size_t *n)
{
    struct db_stmt *st;
    size_t cap = 0;
    bool stages = crm_status_is_stage_dict(dict);
    int rc = db_prepare(db, SQL_DICT, &st);
    *rows = NULL;
    *n = 0;
    if (rc)
        return rc;
    db_bind_text(st, 1, dict, -1);
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *rows = realloc(*rows, cap * sizeof(**rows));
            if (!*rows)
                abort();
        }
        struct crm_dict_row *r = &(*rows)[(*n)++];
        const char *sem = db_col_text(st, 3);
        r->id = db_col_int(st, 0);
        snprintf(r->status_id, sizeof(r->status_id), "%s", db_col_text(st, 1));
        r->sort = db_col_int(st, 2);
        r->semantic = !stages ? 0 : sem ? sem[0] : 'P';
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int query_exists(struct db *db, const char *sql, const char *a, const char *b, int64_t num,
                        bool *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, a, -1);
    if (b)
        db_bind_text(st, 2, b, -1);
    else if (num >= 0)
        db_bind_int(st, 2, num);
    rc = db_step(st);
    *out = rc == DB_ROW;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int crm_status_exists(struct db *db, const char *dict, const char *value, bool *out)
{
    return query_exists(db, SQL_EXISTS, dict, value ? value : "", -1, out);
}

static int status_insert(struct db *db, const char *dict, const char *code, const char *name,
                         int64_t sort, bool system, int64_t category, const char *color,
                         const char *semantics, int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ADD, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, dict, -1);
    db_bind_text(st, 2, code, -1);
    db_bind_text(st, 3, name, -1);
    db_bind_text(st, 4, name, -1);
    db_bind_int(st, 5, sort);
    db_bind_int(st, 6, system);
    if (category >= 0)
        db_bind_int(st, 7, category);
    else
        db_bind_null(st, 7);
    if (color)
        db_bind_text(st, 8, color, -1);
    else
        db_bind_null(st, 8);
    if (semantics)
        db_bind_text(st, 9, semantics, -1);
    else
        db_bind_null(st, 9);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    if (id)
        *id = db_last_id(db);
    return 0;
}

int crm_status_seed_pipeline(struct db *db, int64_t category_id)
{
    char dict[48], code[64];
    int rc = 0;
    crm_category_stage_dict(category_id, dict, sizeof(dict));
    for (size_t i = 0; !rc && i < ARRAY_SIZE(pipeline_stages); i++) {
        snprintf(code, sizeof(code), "C%lld:%s", (long long)category_id, pipeline_stages[i].code);
        rc = status_insert(db, dict, code, pipeline_stages[i].name, pipeline_stages[i].sort,
                           pipeline_stages[i].system, category_id, pipeline_stages[i].color,
                           pipeline_stages[i].semantics, NULL);
    }
    return rc;
}

int crm_status_drop_dict(struct db *db, const char *dict)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DROP_DICT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, dict, -1);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* ---- rows ------------------------------------------------------------------------------- */

static json_t *str_or_null(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? json_string(s) : json_null();
}

static json_t *id_str(int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return json_string(buf);
}

static json_t *status_row(struct db_stmt *st)
{
    const char *dict = db_col_text(st, 1);
    const char *sem = db_col_text(st, 9);
    json_t *o = json_object();
    json_object_set_new(o, "ID", id_str(db_col_int(st, 0)));
    json_object_set_new(o, "ENTITY_ID", str_or_null(st, 1));
    json_object_set_new(o, "STATUS_ID", str_or_null(st, 2));
    json_object_set_new(o, "NAME", str_or_null(st, 3));
    json_object_set_new(o, "NAME_INIT", str_or_null(st, 4));
    json_object_set_new(o, "SORT", id_str(db_col_int(st, 5)));
    json_object_set_new(o, "SYSTEM", json_string(db_col_int(st, 6) ? "Y" : "N"));
    json_object_set_new(o, "CATEGORY_ID",
                        db_col_type(st, 7) == DB_NULL ? json_null() : id_str(db_col_int(st, 7)));
    json_object_set_new(o, "COLOR", str_or_null(st, 8));
    json_object_set_new(o, "SEMANTICS", sem ? json_string(sem) : json_null());
    if (dict && crm_status_is_stage_dict(dict)) {
        const char *word = !sem ? "process" : sem[0] == 'S' ? "success" : "failure";
        json_object_set_new(
            o, "EXTRA", json_pack("{s:s, s:o}", "SEMANTICS", word, "COLOR", str_or_null(st, 8)));
    }
    return o;
}

static const struct field_def status_fdefs[] = {
    {"ID", "s.id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"ENTITY_ID", "s.entity_id", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"STATUS_ID", "s.status_id", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"NAME", "s.name", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"NAME_INIT", "s.name_init", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"SORT", "s.sort", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"SYSTEM", "s.system", FIELD_BOOL, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"CATEGORY_ID", "s.category_id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"COLOR", "s.color", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"SEMANTICS", "(" SQL_SEMANTICS ")", FIELD_STRING, FIELD_FILTER | FIELD_SORT | FIELD_SELECT,
     NULL},
};
#define N_STATUS_FDEFS ARRAY_SIZE(status_fdefs)

/* Runs "SELECT cols FROM crm_status s WHERE <where> <order>" and collects the rows. */
static int status_query(struct rest_call *c, const json_t *filter, const json_t *order,
                        json_t **rows)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    json_t *binds = json_array(), *dflt = NULL;
    char err[256];
    int rc;
    strbuf_init(&sql, CRM_SQL_CAP);
    strbuf_addstr(&sql, "SELECT " SQL_STATUS_COLS " FROM crm_status s WHERE ");
    if (filter_compile(status_fdefs, N_STATUS_FDEFS, filter, db_dialect(c->db), &sql, binds, err,
                       sizeof(err))) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
        goto out;
    }
    if (!order || !json_object_size(order))
        order = dflt = json_pack("{s:s}", "SORT", "ASC");
    if (order_compile(status_fdefs, N_STATUS_FDEFS, order, "s.id", &sql, err, sizeof(err))) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
        goto out;
    }
    if ((rc = db_prepare_dyn(c->db, sql.buf, &st)) || (rc = db_bind_json(st, binds, 1)) < 0) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    *rows = json_array();
    while ((rc = db_step(st)) == DB_ROW)
        json_array_append_new(*rows, status_row(st));
    rc = rc < 0 ? rest_fail_db(c, rc) : 0;
out:
    if (st)
        db_finalize(st);
    json_decref(binds);
    json_decref(dflt);
    strbuf_release(&sql);
    return rc;
}

/* Loads status id as its JSON row; 400 NOT_FOUND when absent. */
static int status_load(struct rest_call *c, int64_t id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_GET, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW)
        *out = status_row(st);
    db_reset(st);
    if (rc == DB_DONE)
        return crm_fail_not_found(c);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

int crm_status_rows(struct rest_call *c, const char *dict, json_t **rows)
{
    json_t *filter = json_pack("{s:s}", "ENTITY_ID", dict);
    int rc = status_query(c, filter, NULL, rows);
    json_decref(filter);
    return rc;
}

/* ---- methods ------------------------------------------------------------------------------ */

static int status_list(struct rest_call *c)
{
    json_t *rows = NULL;
    int rc = status_query(c, rest_param(c, "filter"), rest_param(c, "order"), &rows);
    if (!rc)
        rest_set_list(c, rows, (int64_t)json_array_size(rows), 0);
    return rc;
}

static int status_get(struct rest_call *c)
{
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    return rc ? rc : status_load(c, id, &c->result);
}

/* Which dictionaries take new rows: the fixed ones and DEAL_STAGE_<n> of existing pipelines.
 * *category is the pipeline (-1 when the dictionary is not a deal stage one). */
static int dict_known(struct rest_call *c, const char *dict, int64_t *category, bool *ok)
{
    *category = deal_stage_pipeline(dict);
    *ok = false;
    if (*category > 0)
        return crm_category_exists(c->db, CRM_TYPE_DEAL, *category, ok);
    for (size_t i = 0; i < ARRAY_SIZE(dicts); i++)
        if (!strcmp(dicts[i].id, dict))
            *ok = true;
    return 0;
}

/* STATUS_ID rules: stage codes are [A-Za-z0-9_-] (21 bytes for STATUS, 22 for the others),
 * other codes any text up to 50 bytes. */
static bool code_valid(const char *dict, const char *code)
{
    size_t len = strlen(code);
    if (!len)
        return false;
    if (!crm_status_is_stage_dict(dict))
        return len <= 50;
    if (len > (strcmp(dict, "STATUS") ? 22u : 21u))
        return false;
    for (const char *p = code; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return false;
    return true;
}

static const char *field_str(struct rest_call *c, const json_t *fields, const char *name)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(params_get((json_t *)fields, name), buf, sizeof(buf));
    return s ? arena_strdup(c->arena, s) : NULL;
}

/* SEMANTICS ("S"/"F") or EXTRA.SEMANTICS ("success"/"failure"/"apology"); NULL otherwise. */
static const char *semantics_in(const json_t *fields)
{
    const char *s = json_string_value(params_get((json_t *)fields, "SEMANTICS"));
    const json_t *extra = params_get((json_t *)fields, "EXTRA");
    const char *w = json_string_value(params_get((json_t *)extra, "SEMANTICS"));
    if ((s && !strcasecmp(s, "S")) || (w && !strcasecmp(w, "success")))
        return "S";
    if ((s && !strcasecmp(s, "F")) ||
        (w && (!strcasecmp(w, "failure") || !strcasecmp(w, "apology"))))
        return "F";
    return NULL;
}

static int add_checks(struct rest_call *c, const char *dict, const char *code, const char *name,
                      const char *sem, int64_t *category)
{
    bool ok = false;
    int rc;
    if (!dict || !*dict)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'ENTITY_ID' is required");
    if (!code || !*code)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'STATUS_ID' is required");
    if (!name || !*name)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'NAME' is required");
    if ((rc = dict_known(c, dict, category, &ok)))
        return rest_fail_db(c, rc);
    if (!ok)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "dictionary '%s' is unknown", dict);
    if (sem && sem[0] == 'S' && crm_status_is_stage_dict(dict)) {
        if ((rc = query_exists(c->db, SQL_HAS_SUCCESS, dict, NULL, -1, &ok)))
            return rest_fail_db(c, rc);
        if (ok)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "dictionary '%s' already has a success stage", dict);
    }
    return 0;
}

static int status_add(struct rest_call *c)
{
    const json_t *fields = rest_param(c, "fields");
    const char *dict = field_str(c, fields, "ENTITY_ID"), *code = field_str(c, fields, "STATUS_ID");
    const char *name = field_str(c, fields, "NAME"), *color = field_str(c, fields, "COLOR");
    const char *sem = semantics_in(fields);
    int64_t sort = 10, category = -1, id;
    json_t *sv = params_get((json_t *)fields, "SORT");
    bool dup = false;
    int rc;
    if (!json_is_object(fields))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if ((rc = add_checks(c, dict, code, name, sem, &category)))
        return rc;
    if (sv && !json_is_null(sv) && params_to_int64(sv, &sort))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'SORT' must be an integer");
    if (category > 0) { /* pipeline stages carry the pipeline's prefix */
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "C%lld:", (long long)category);
        if (strncmp(code, prefix, strlen(prefix)))
            code = arena_printf(c->arena, "%s%s", prefix, code);
    }
    const char *bare = category > 0 ? strchr(code, ':') + 1 : code;
    if (!code_valid(dict, bare))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'STATUS_ID' has an invalid value '%s'",
                         code);
    if ((rc = crm_status_exists(c->db, dict, code, &dup)))
        return rest_fail_db(c, rc);
    if (dup)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "status '%s' already exists in '%s'", code,
                         dict);
    if (!crm_status_is_stage_dict(dict))
        sem = NULL;
    if ((rc = status_insert(c->db, dict, code, name, sort, false, category >= 0 ? category : -1,
                            color, sem, &id)))
        return rest_fail_db(c, rc);
    c->result = json_integer(id);
    return 0;
}

/* Only NAME, SORT and COLOR change; ENTITY_ID and STATUS_ID are immutable. */
static int status_update(struct rest_call *c)
{
    const json_t *fields = rest_param(c, "fields");
    json_t *cur = NULL, *sv;
    struct db_stmt *st;
    int64_t id, sort;
    int rc;
    if ((rc = crm_param_id(c, "id", &id)) || (rc = status_load(c, id, &cur)))
        return rc;
    const char *name = field_str(c, fields, "NAME"), *color = field_str(c, fields, "COLOR");
    const json_t *extra = params_get((json_t *)fields, "EXTRA");
    if (!color && json_string_value(params_get((json_t *)extra, "COLOR")))
        color = json_string_value(params_get((json_t *)extra, "COLOR"));
    params_to_int64(json_object_get(cur, "SORT"), &sort);
    if ((sv = params_get((json_t *)fields, "SORT")) && params_to_int64(sv, &sort)) {
        json_decref(cur);
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'SORT' must be an integer");
    }
    if (name && !*name) {
        json_decref(cur);
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'NAME' is required");
    }
    if (!(rc = db_prepare(c->db, SQL_UPDATE, &st))) {
        db_bind_text(st, 1, name ? name : json_string_value(json_object_get(cur, "NAME")), -1);
        db_bind_int(st, 2, sort);
        if (color || json_string_value(json_object_get(cur, "COLOR")))
            db_bind_text(st, 3, color ? color : json_string_value(json_object_get(cur, "COLOR")),
                         -1);
        else
            db_bind_null(st, 3);
        db_bind_int(st, 4, id);
        rc = db_step(st);
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    json_decref(cur);
    return rc ? rest_fail_db(c, rc) : 0;
}

/* Whether records still use stage code of dictionary dict. */
static int stage_in_use(struct db *db, const char *dict, const char *code, bool *out)
{
    int64_t pipeline = deal_stage_pipeline(dict);
    *out = false;
    if (!strcmp(dict, "STATUS"))
        return query_exists(db, SQL_LEAD_USES, code, NULL, -1, out);
    if (!strcmp(dict, "QUOTE_STATUS"))
        return query_exists(db, SQL_QUOTE_USES, code, NULL, -1, out);
    if (pipeline >= 0)
        return query_exists(db, SQL_DEAL_USES, code, NULL, pipeline, out);
    return 0;
}

static int status_delete(struct rest_call *c)
{
    json_t *cur = NULL, *params;
    struct db_stmt *st;
    bool forced = false, used = false;
    int64_t id;
    int rc;
    if ((rc = crm_param_id(c, "id", &id)) || (rc = status_load(c, id, &cur)))
        return rc;
    params = rest_param(c, "params");
    params_to_bool(params_get(params, "FORCED"), &forced);
    const char *dict = json_string_value(json_object_get(cur, "ENTITY_ID"));
    const char *code = json_string_value(json_object_get(cur, "STATUS_ID"));
    const char *sem = json_string_value(json_object_get(cur, "SEMANTICS"));
    bool system = !strcmp(json_string_value(json_object_get(cur, "SYSTEM")), "Y");
    if (system && !forced)
        rc = rest_fail(c, 400, "ERROR_ARGUMENT",
                       "status '%s' is a system one: delete it with params[FORCED]=Y", code);
    else if (sem && sem[0] == 'S' && crm_status_is_stage_dict(dict))
        rc = rest_fail(c, 400, "ERROR_ARGUMENT", "the success stage '%s' cannot be deleted", code);
    else if ((rc = stage_in_use(c->db, dict, code, &used)))
        rc = rest_fail_db(c, rc);
    else if (used)
        rc = rest_fail(c, 400, "ERROR_ARGUMENT", "stage '%s' is used by records", code);
    else if (!(rc = db_prepare(c->db, SQL_DELETE, &st))) {
        db_bind_int(st, 1, id);
        rc = db_step(st);
        db_reset(st);
        rc = rc < 0 ? rest_fail_db(c, rc) : 0;
    } else {
        rc = rest_fail_db(c, rc);
    }
    json_decref(cur);
    return rc;
}

static json_t *fdesc(const char *type, bool required, bool ro, bool immutable, const char *title)
{
    return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:s}", "type", type, "isRequired", required,
                     "isReadOnly", ro, "isImmutable", immutable, "isMultiple", false, "isDynamic",
                     false, "title", title);
}

static int status_fields(struct rest_call *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "ID", fdesc("integer", false, true, false, "ID"));
    json_object_set_new(o, "ENTITY_ID", fdesc("string", true, false, true, "Dictionary"));
    json_object_set_new(o, "STATUS_ID", fdesc("string", true, false, true, "Code"));
    json_object_set_new(o, "NAME", fdesc("string", true, false, false, "Name"));
    json_object_set_new(o, "NAME_INIT", fdesc("string", false, true, false, "Original name"));
    json_object_set_new(o, "SORT", fdesc("integer", false, false, false, "Sort"));
    json_object_set_new(o, "SYSTEM", fdesc("char", false, true, false, "System"));
    json_object_set_new(o, "CATEGORY_ID", fdesc("integer", false, true, true, "Pipeline"));
    json_object_set_new(o, "COLOR", fdesc("string", false, false, false, "Color"));
    json_object_set_new(o, "SEMANTICS", fdesc("string", false, true, false, "Semantics"));
    json_object_set_new(o, "EXTRA", fdesc("object", false, true, false, "Extra"));
    c->result = o;
    return 0;
}

/* SEMANTIC_INFO of a stage dictionary: its first, success and first failure stages. */
static int semantic_info(struct db *db, const char *dict, json_t **out)
{
    struct crm_dict_row *rows = NULL;
    size_t n = 0;
    const char *success = "", *fail = "";
    int64_t final_sort = 0;
    int rc = crm_status_dict_load(db, dict, &rows, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].semantic == 'S') {
            success = rows[i].status_id;
            final_sort = rows[i].sort;
        } else if (rows[i].semantic == 'F' && !*fail) {
            fail = rows[i].status_id;
        }
    }
    *out = json_pack("{s:s, s:s, s:s, s:I}", "START_FIELD", n ? rows[0].status_id : "",
                     "FINAL_SUCCESS_FIELD", success, "FINAL_UNSUCCESS_FIELD", fail, "FINAL_SORT",
                     (json_int_t)final_sort);
    free(rows);
    return 0;
}

static int entity_type_add(struct db *db, json_t *list, const char *id, const char *name,
                           int entity_type, int64_t category)
{
    json_t *o = json_pack("{s:s, s:s}", "ID", id, "NAME", name), *info = NULL;
    int rc = 0;
    if (crm_status_is_stage_dict(id) && (rc = semantic_info(db, id, &info))) {
        json_decref(o);
        return rc;
    }
    if (info)
        json_object_set_new(o, "SEMANTIC_INFO", info);
    if (entity_type)
        json_object_set_new(o, "ENTITY_TYPE_ID", json_integer(entity_type));
    if (category > 0) {
        char prefix[24];
        snprintf(prefix, sizeof(prefix), "C%lld", (long long)category);
        json_object_set_new(o, "PARENT_ID", json_string("DEAL_STAGE"));
        json_object_set_new(o, "PREFIX", json_string(prefix));
    }
    if (category >= 0)
        json_object_set_new(o, "CATEGORY_ID", json_integer(category));
    json_object_set_new(o, "IS_ENABLED", json_true());
    json_array_append_new(list, o);
    return 0;
}

static int status_entity_types(struct rest_call *c)
{
    json_t *list = json_array();
    struct db_stmt *st;
    int rc = 0;
    for (size_t i = 0; !rc && i < ARRAY_SIZE(dicts); i++)
        rc = entity_type_add(c->db, list, dicts[i].id, dicts[i].name, dicts[i].entity_type,
                             !strcmp(dicts[i].id, "DEAL_STAGE") ? 0 : -1);
    if (!rc && !(rc = db_prepare(c->db, SQL_PIPELINES, &st))) {
        json_t *cats = json_array();
        while ((rc = db_step(st)) == DB_ROW)
            json_array_append_new(cats, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 0),
                                                  "name", db_col_text(st, 1)));
        db_reset(st);
        rc = rc < 0 ? rc : 0;
        size_t i;
        json_t *cat;
        json_array_foreach(cats, i, cat)
        {
            char id[48], *name;
            int64_t cid = json_integer_value(json_object_get(cat, "id"));
            crm_category_stage_dict(cid, id, sizeof(id));
            name = arena_printf(c->arena, "Deal stages (%s)",
                                json_string_value(json_object_get(cat, "name")));
            if (!rc)
                rc = entity_type_add(c->db, list, id, name, CRM_TYPE_DEAL, cid);
        }
        json_decref(cats);
    }
    if (rc) {
        json_decref(list);
        return rest_fail_db(c, rc);
    }
    c->result = list;
    return 0;
}

static int status_entity_items(struct rest_call *c)
{
    const char *dict = rest_param_str(c, "entityId");
    if (!dict || !*dict)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'entityId' is required");
    json_t *all = NULL;
    int rc = crm_status_rows(c, dict, &all);
    if (rc)
        return rc;
    json_t *list = json_array(), *r;
    size_t i;
    json_array_foreach(all, i, r)
    {
        json_array_append_new(list, json_pack("{s:O, s:O, s:O}", "NAME", json_object_get(r, "NAME"),
                                              "SORT", json_object_get(r, "SORT"), "STATUS_ID",
                                              json_object_get(r, "STATUS_ID")));
    }
    json_decref(all);
    c->result = list;
    return 0;
}

const struct rest_method crm_status_methods[] = {
    {"crm.status.fields", "crm", status_fields, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.status.list", "crm", status_list, NULL, PERM_NONE_ACTION, REST_LIST, NULL},
    {"crm.status.get", "crm", status_get, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.status.add", "crm", status_add, "crm_config", PERM_ADD, REST_WRITE, NULL},
    {"crm.status.update", "crm", status_update, "crm_config", PERM_UPDATE, REST_WRITE, NULL},
    {"crm.status.delete", "crm", status_delete, "crm_config", PERM_DELETE, REST_WRITE, NULL},
    {"crm.status.entity.types", "crm", status_entity_types, NULL, PERM_NONE_ACTION, 0, NULL},
    {"crm.status.entity.items", "crm", status_entity_items, NULL, PERM_NONE_ACTION, 0, NULL},
    {0},
};
