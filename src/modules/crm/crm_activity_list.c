/* Reading activities: the field table, loading and formatting rows with their communications
 * and bindings, crm.activity.get and crm.activity.list. A list is narrowed in SQL to
 * activities whose owner record the caller may read (per owner entity, perm_sql on the
 * owner's responsible column); filter/order/select go through the filter compiler with a
 * whitelist, plus the BINDINGS filter of the protocol. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/rest/filter.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_activity.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_timeline.h"

#define ACT_FIELD(n, col, t, ft, fl, d, ttl)                                                       \
    {.name = n, .column = #col, .type = t, .flags = fl, .def = d, .title = ttl},
#define ACT_COLNAME(n, col, t, ft, fl, d, ttl) ", " #col
#define ACT_FDEF(n, col, t, ft, fl, d, ttl)                                                        \
    {n, "a." #col, ft,                                                                             \
     ((fl)&CRM_F_FILTER ? FIELD_FILTER : 0) | ((fl)&CRM_F_SORT ? FIELD_SORT : 0) | FIELD_SELECT,   \
     NULL},

const struct crm_field crm_activity_fields[] = {
    {.name = "ID", .column = "id", .type = CRM_T_ID, .flags = CRM_F_RO | ACT_FS, .title = "ID"},
    {.name = "OWNER_TYPE_ID",
     .column = "owner_type_id",
     .type = CRM_T_INT,
     .flags = CRM_F_REQUIRED | CRM_F_IMMUTABLE | ACT_FS,
     .title = "Owner type"},
    CRM_ACTIVITY_COLUMNS(ACT_FIELD)};
const size_t crm_activity_n_fields = ARRAY_SIZE(crm_activity_fields);

static const char SQL_ROW[] =
    "SELECT id, owner_type_id" CRM_ACTIVITY_COLUMNS(ACT_COLNAME) " FROM crm_activity WHERE id = ?";
static const char SQL_COMMS[] =
    "SELECT id, activity_id, type, value, entity_type_id, entity_id FROM crm_activity_comm"
    " WHERE activity_id = ? ORDER BY id";
static const char SQL_BINDINGS[] =
    "SELECT activity_id, owner_type_id, owner_id FROM crm_activity_binding WHERE activity_id = ?"
    " ORDER BY owner_type_id, owner_id";

/* The list whitelist: the column fields, then COMMUNICATIONS and BINDINGS (select only). */
static const struct field_def list_fields[] = {
    {"ID", "a.id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"OWNER_TYPE_ID", "a.owner_type_id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    CRM_ACTIVITY_COLUMNS(ACT_FDEF){"COMMUNICATIONS", "NULL", FIELD_STRING,
                                   FIELD_SELECT | FIELD_MULTI, "1=0"},
    {"BINDINGS", "NULL", FIELD_STRING, FIELD_SELECT | FIELD_MULTI, "1=0"},
};
#define N_LIST_FIELDS ARRAY_SIZE(list_fields)
#define LIST_COMMS (N_LIST_FIELDS - 2)
#define LIST_BINDINGS (N_LIST_FIELDS - 1)

/* ---- rows ------------------------------------------------------------------------------------ */

static json_t *row_from(struct db_stmt *st)
{
    json_t *row = json_object();
    for (size_t i = 0; i < crm_activity_n_fields; i++)
        json_object_set_new(row, crm_activity_fields[i].name,
                            crm_sql_col_value(st, (int)i, crm_activity_fields[i].type));
    return row;
}

int crm_activity_row_load(struct db *db, int64_t id, json_t **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ROW, &st);
    *out = NULL;
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW)
        *out = row_from(st);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? -E_NOTFOUND : rc < 0 ? rc : -E_DB;
}

static json_t *format_settings(const json_t *stored)
{
    const char *text = json_string_value(stored);
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (json_is_object(v) && json_object_size(v))
        return v;
    json_decref(v);
    return json_array(); /* an empty map, as PHP encodes it */
}

json_t *crm_activity_format(const json_t *row, const unsigned char *chosen)
{
    json_t *o = json_object();
    for (size_t i = 0; i < crm_activity_n_fields; i++) {
        const struct crm_field *f = &crm_activity_fields[i];
        json_t *v = json_object_get(row, f->name);
        if (chosen && !chosen[i])
            continue;
        json_object_set_new(o, f->name,
                            !strcmp(f->name, "SETTINGS") ? format_settings(v)
                                                         : crm_value_format(f, v, CRM_FMT_LEGACY));
    }
    return o;
}

static json_t *str_int(int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return json_string(buf);
}

static int load_one_extra(struct db *db, const char *sql, int64_t id, json_t *row, bool comms)
{
    struct db_stmt *st;
    json_t *list = json_array();
    int rc = db_prepare(db, sql, &st);
    if (rc) {
        json_decref(list);
        return rc;
    }
    db_bind_int(st, 1, id);
    while ((rc = db_step(st)) == DB_ROW) {
        if (comms)
            json_array_append_new(list, json_pack("{s:o, s:o, s:s, s:s, s:o, s:o}", "ID",
                                                  str_int(db_col_int(st, 0)), "ACTIVITY_ID",
                                                  str_int(db_col_int(st, 1)), "TYPE",
                                                  db_col_text(st, 2), "VALUE", db_col_text(st, 3),
                                                  "ENTITY_TYPE_ID", str_int(db_col_int(st, 4)),
                                                  "ENTITY_ID", str_int(db_col_int(st, 5))));
        else
            json_array_append_new(list, json_pack("{s:o, s:o}", "OWNER_TYPE_ID",
                                                  str_int(db_col_int(st, 1)), "OWNER_ID",
                                                  str_int(db_col_int(st, 2))));
    }
    db_reset(st);
    json_object_set_new(row, comms ? "COMMUNICATIONS" : "BINDINGS", list);
    return rc < 0 ? rc : 0;
}

int crm_activity_load_extras(struct db *db, json_t *by_id, const int64_t *ids, size_t n, bool comms,
                             bool bindings)
{
    int rc = 0;
    /* one cached statement per activity: pages are at most REST_PAGE_SIZE rows */
    for (size_t i = 0; i < n && !rc; i++) {
        char key[24];
        snprintf(key, sizeof(key), "%lld", (long long)ids[i]);
        json_t *row = json_object_get(by_id, key);
        if (!row)
            continue;
        if (comms)
            rc = load_one_extra(db, SQL_COMMS, ids[i], row, true);
        if (!rc && bindings)
            rc = load_one_extra(db, SQL_BINDINGS, ids[i], row, false);
    }
    return rc;
}

/* ---- crm.activity.get ---------------------------------------------------------------------- */

int crm_activity_get(struct rest_call *c)
{
    char key[24];
    json_t *row = NULL, *by_id = NULL, *o = NULL;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc)
        return rc;
    if ((rc = crm_activity_row_load(c->db, id, &row)))
        return rc == -E_NOTFOUND ? crm_fail_not_found(c) : rest_fail_db(c, rc);
    rc = crm_record_check(c, (int)crm_row_int(row, "OWNER_TYPE_ID", 0),
                          crm_row_int(row, "OWNER_ID", 0), PERM_READ, NULL);
    if (rc)
        goto out;
    o = crm_activity_format(row, NULL);
    by_id = json_object();
    snprintf(key, sizeof(key), "%lld", (long long)id);
    json_object_set(by_id, key, o);
    if ((rc = crm_activity_load_extras(c->db, by_id, &id, 1, true, true))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    c->result = o;
    o = NULL;
out:
    json_decref(o);
    json_decref(row);
    json_decref(by_id);
    return rc;
}

/* ---- crm.activity.list --------------------------------------------------------------------- */

/* Appends "(<condition on owners the caller may read>)" for every owner entity. */
static int narrow(struct rest_call *c, struct strbuf *where, json_t *binds)
{
    int n = 0, rc = 0;
    if (!c->auth || c->auth->is_admin)
        return strbuf_addstr(where, "1=1");
    strbuf_addch(where, '(');
    for (const struct crm_entity_def *const *e = crm_entities; *e && !rc; e++) {
        enum perm_level lvl = PERM_LEVEL_NONE;
        char col[96];
        if ((rc = perm_level(c->db, c->auth, (*e)->perm_entity, PERM_READ, &lvl)))
            return rc;
        if (lvl == PERM_LEVEL_NONE)
            continue;
        strbuf_addf(where, "%s(a.owner_type_id = %d", n++ ? " OR " : "", (*e)->type_id);
        if (lvl != PERM_LEVEL_ALL) {
            snprintf(col, sizeof(col), "o.%s", (*e)->owner_column);
            strbuf_addf(where, " AND a.owner_id IN (SELECT o.id FROM %s o WHERE ", (*e)->table);
            rc = perm_sql(c->auth, lvl, col, where, binds);
            strbuf_addch(where, ')');
        }
        strbuf_addch(where, ')');
    }
    if (!n)
        strbuf_addstr(where, "1=0");
    return rc ? rc : strbuf_addch(where, ')');
}

/* filter[BINDINGS] = [{OWNER_TYPE_ID, OWNER_ID?}, ...]: activities bound to any of them. */
static int bindings_filter(struct rest_call *c, json_t *v, struct strbuf *where, json_t *binds)
{
    json_t *items = json_is_array(v) ? json_incref(v) : json_array(), *it;
    const char *key;
    size_t i;
    int n = 0, rc = 0;
    if (json_is_object(v)) {
        if (params_get(v, "OWNER_TYPE_ID"))
            json_array_append(items, v);
        else
            json_object_foreach(v, key, it) json_array_append(items, it);
    }
    strbuf_addstr(where, " AND a.id IN (SELECT b.activity_id FROM crm_activity_binding b WHERE ");
    json_array_foreach(items, i, it)
    {
        int64_t type = 0, id = 0;
        json_t *idv = params_get(it, "OWNER_ID");
        if (params_to_int64(params_get(it, "OWNER_TYPE_ID"), &type) || type <= 0 ||
            (idv && (params_to_int64(idv, &id) || id <= 0))) {
            rc = rest_fail(c, 400, "INVALID_ARG_VALUE",
                           "filter 'BINDINGS' items need OWNER_TYPE_ID and an optional OWNER_ID");
            break;
        }
        strbuf_addf(where, "%s(b.owner_type_id = ?%s)", n++ ? " OR " : "",
                    idv ? " AND b.owner_id = ?" : "");
        json_array_append_new(binds, json_integer(type));
        if (idv)
            json_array_append_new(binds, json_integer(id));
    }
    if (!rc && !n)
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "filter 'BINDINGS' must list owners");
    json_decref(items);
    return rc                         ? rc
           : strbuf_addch(where, ')') ? rest_fail(c, 400, "INVALID_ARG_VALUE", "filter is too long")
                                      : 0;
}

struct list_req {
    unsigned char chosen[N_LIST_FIELDS];
    json_t *by_id; /* the page's rows by id, for the extras */
    int64_t ids[REST_PAGE_SIZE];
    size_t n;
};

static int list_plan(struct rest_call *c, struct list_req *q, struct rest_list *l)
{
    char err[256];
    json_t *filter = rest_param(c, "filter"), *rest = json_object(), *bind_f = NULL, *v;
    json_t *order = rest_param(c, "order");
    const char *key;
    int rc = 0;
    if (filter && !json_is_object(filter) && !(json_is_array(filter) && !json_array_size(filter)))
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'filter' must be an object");
    json_object_foreach(filter, key, v)
    {
        if (!strcasecmp(key, "BINDINGS"))
            bind_f = v;
        else
            json_object_set(rest, key, v);
    }
    if (!rc && (rc = narrow(c, &l->where, l->binds)))
        rc = rest_fail_db(c, rc);
    if (!rc && (strbuf_addstr(&l->where, " AND ") ||
                filter_compile(list_fields, N_LIST_FIELDS, rest, db_dialect(c->db), &l->where,
                               l->binds, err, sizeof(err)) ||
                select_compile(list_fields, N_LIST_FIELDS, rest_param(c, "select"), false,
                               q->chosen, err, sizeof(err))))
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    if (!rc && bind_f)
        rc = bindings_filter(c, bind_f, &l->where, l->binds);
    json_decref(rest);
    if (rc)
        return rc;
    bool no_order = !order || json_is_null(order) ||
                    (json_is_string(order) && !*json_string_value(order)) ||
                    (json_is_array(order) && !json_array_size(order)) ||
                    (json_is_object(order) && !json_object_size(order));
    json_t *def = no_order ? json_pack("{s:s}", "START_TIME", "ASC") : json_incref(order);
    rc = order_compile(list_fields, N_LIST_FIELDS, def, "a.id", &l->order, err, sizeof(err));
    json_decref(def);
    return rc ? rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err) : 0;
}

static json_t *list_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    struct list_req *q = ctx;
    char key[24];
    json_t *row = row_from(st);
    json_t *o = crm_activity_format(row, q->chosen);
    (void)c;
    if (q->n < REST_PAGE_SIZE) {
        q->ids[q->n] = crm_row_int(row, "ID", 0);
        snprintf(key, sizeof(key), "%lld", (long long)q->ids[q->n++]);
        json_object_set(q->by_id, key, o);
    }
    json_decref(row);
    return o;
}

static int list_extras(struct rest_call *c, json_t *rows, void *ctx)
{
    struct list_req *q = ctx;
    (void)rows;
    return crm_activity_load_extras(c->db, q->by_id, q->ids, q->n, q->chosen[LIST_COMMS],
                                    q->chosen[LIST_BINDINGS]);
}

int crm_activity_list(struct rest_call *c)
{
    struct list_req *q = arena_alloc(c->arena, sizeof(*q));
    struct rest_list l;
    int rc;
    rest_list_init(
        &l, "SELECT id, owner_type_id" CRM_ACTIVITY_COLUMNS(ACT_COLNAME) " FROM crm_activity a",
        "SELECT COUNT(*) FROM crm_activity a");
    memset(q, 0, sizeof(*q));
    if ((rc = rest_list_start(c, &l)) || (rc = list_plan(c, q, &l))) {
        rest_list_release(&l);
        return rc;
    }
    q->by_id = json_object();
    l.row = list_row;
    l.page_done = list_extras;
    l.ctx = q;
    rc = rest_list_run(c, &l);
    json_decref(q->by_id);
    return rc;
}
