/* Timeline comments (crm.timeline.comment.*): rows of crm_timeline of type 'comment' whose
 * data is {"comment": text}; the row id is the comment's ID. Reading needs READ on the record
 * the comment is on, writing (add, update, delete) UPDATE on it. Files attached to comments
 * (FILES) are not stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/events/bus.h"
#include "core/json/params.h"
#include "core/rest/filter.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_timeline.h"

#define COMMENT_MAX 65535

static const char SQL_ONE[] =
    "SELECT owner_type, owner_id, author_id, created_at, data FROM crm_timeline"
    " WHERE id = ? AND type = 'comment'";
static const char SQL_DELETE[] = "DELETE FROM crm_timeline WHERE id = ?";
static const char SQL_SET_DATA[] = "UPDATE crm_timeline SET data = ? WHERE id = ?";

struct comment {
    int64_t id, owner_id, author_id, created;
    int owner_type;
    json_t *data; /* owned */
};

/* ---- rows ---------------------------------------------------------------------------------- */

static int comment_load(struct rest_call *c, int64_t id, enum perm_action action,
                        struct comment *out)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_ONE, &st);
    memset(out, 0, sizeof(*out));
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        const char *text = db_col_text(st, 4);
        out->id = id;
        out->owner_type = (int)db_col_int(st, 0);
        out->owner_id = db_col_int(st, 1);
        out->author_id = db_col_int(st, 2);
        out->created = db_col_int(st, 3);
        out->data = text ? json_loads(text, 0, NULL) : NULL;
        if (!json_is_object(out->data)) {
            json_decref(out->data);
            out->data = json_object();
        }
    }
    db_reset(st);
    if (rc < 0)
        return rest_fail_db(c, rc);
    if (rc != DB_ROW)
        return crm_fail_not_found(c);
    rc = crm_record_check(c, out->owner_type, out->owner_id, action, NULL);
    if (rc) {
        json_decref(out->data);
        out->data = NULL;
    }
    return rc;
}

static const char *type_name(int type)
{
    const struct crm_entity_def *def = crm_entity_by_type(type);
    return def ? def->name : "";
}

/* The comment as crm.timeline.comment.get answers it. */
static json_t *comment_json(const struct comment *cm)
{
    static const struct crm_field created = {.name = "CREATED", .type = CRM_T_DATETIME};
    char id[24], owner[24], author[24];
    json_t *at = json_integer(cm->created);
    const char *text = json_string_value(json_object_get(cm->data, "comment"));
    snprintf(id, sizeof(id), "%lld", (long long)cm->id);
    snprintf(owner, sizeof(owner), "%lld", (long long)cm->owner_id);
    snprintf(author, sizeof(author), "%lld", (long long)cm->author_id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "ID", id, "ENTITY_ID", owner,
                          "ENTITY_TYPE", type_name(cm->owner_type), "CREATED",
                          crm_value_format(&created, at, CRM_FMT_LEGACY), "COMMENT",
                          text ? text : "", "AUTHOR_ID", author);
    json_decref(at);
    return o;
}

static int emit(struct rest_call *c, const char *name, int64_t id)
{
    /* data.ID as the protocol documents it, and data.FIELDS.ID as every other CRM event */
    json_t *data =
        json_pack("{s:I, s:{s:I}}", "ID", (json_int_t)id, "FIELDS", "ID", (json_int_t)id);
    struct event ev = {name, data, c->db, c->auth ? c->auth->user_id : 0};
    int rc = events_emit(&ev);
    json_decref(data);
    if (rc)
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                         "event '%s' handler failed, nothing was written", name);
    return 0;
}

/* The COMMENT of fields: a non-empty string. */
static int comment_text(struct rest_call *c, json_t *fields, const char **out)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *v = params_get(fields, "COMMENT");
    const char *s = params_to_str(v, buf, sizeof(buf));
    if (!s || !*s)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'COMMENT' is required");
    if (strlen(s) > COMMENT_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'COMMENT' is too long");
    *out = arena_strdup(c->arena, s);
    return 0;
}

static int fields_param(struct rest_call *c, json_t **out)
{
    *out = rest_param(c, "fields");
    if (!json_is_object(*out))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    return 0;
}

/* ---- methods ------------------------------------------------------------------------------- */

static int comment_add(struct rest_call *c)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *fields;
    const char *text = NULL;
    const struct crm_entity_def *def;
    int64_t owner_id = 0, author = c->auth ? c->auth->user_id : 0, id = 0;
    int64_t now = (int64_t)time_now_real();
    bool known = false;
    int rc;
    if ((rc = fields_param(c, &fields)))
        return rc;
    def = crm_entity_by_name(params_to_str(params_get(fields, "ENTITY_TYPE"), buf, sizeof(buf)));
    if (!def)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'ENTITY_TYPE' must name a CRM entity (lead, deal, contact, ...)");
    if (params_to_int64(params_get(fields, "ENTITY_ID"), &owner_id) || owner_id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'ENTITY_ID' must be a positive id");
    if ((rc = comment_text(c, fields, &text)))
        return rc;
    json_t *av = params_get(fields, "AUTHOR_ID");
    if (av && !json_is_null(av) && !(json_is_string(av) && !json_string_length(av))) {
        if (params_to_int64(av, &author) || author <= 0 ||
            (rc = crm_sql_user_exists(c->db, author, &known)) || !known)
            return rc ? rest_fail_db(c, rc)
                      : rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'AUTHOR_ID' is not a user");
    }
    if ((rc = crm_record_link(c, def->type_id, owner_id, PERM_UPDATE, "ENTITY_ID")))
        return rc;
    if ((rc = crm_timeline_add(c->db, def->type_id, owner_id, CRM_TL_COMMENT, author, now, NULL, 0,
                               json_pack("{s:s}", "comment", text), &id)) ||
        (rc = crm_timeline_touch(c->db, def->type_id, owner_id, now, author)))
        return rest_fail_db(c, rc);
    if ((rc = emit(c, "ONCRMTIMELINECOMMENTADD", id)))
        return rc;
    c->result = json_integer(id);
    return 0;
}

static int comment_get(struct rest_call *c)
{
    struct comment cm;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = comment_load(c, id, PERM_READ, &cm)))
        return rc;
    c->result = comment_json(&cm);
    json_decref(cm.data);
    return 0;
}

static int comment_update(struct rest_call *c)
{
    struct comment cm;
    json_t *fields;
    const char *text = NULL;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = fields_param(c, &fields)) || (rc = comment_text(c, fields, &text)) ||
        (rc = comment_load(c, id, PERM_UPDATE, &cm)))
        return rc;
    json_object_set_new(cm.data, "comment", json_string(text));
    struct db_stmt *st;
    char *dump = json_dumps(cm.data, JSON_COMPACT);
    rc = db_prepare(c->db, SQL_SET_DATA, &st);
    if (!rc) {
        db_bind_text(st, 1, dump, -1);
        db_bind_int(st, 2, id);
        rc = db_step(st);
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    free(dump);
    json_decref(cm.data);
    if (rc)
        return rest_fail_db(c, rc);
    if ((rc = emit(c, "ONCRMTIMELINECOMMENTUPDATE", id)))
        return rc;
    c->result = json_true();
    return 0;
}

static int comment_delete(struct rest_call *c)
{
    struct comment cm;
    struct db_stmt *st;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = comment_load(c, id, PERM_UPDATE, &cm)))
        return rc;
    json_decref(cm.data);
    if ((rc = db_prepare(c->db, SQL_DELETE, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0)
        return rest_fail_db(c, rc);
    if ((rc = emit(c, "ONCRMTIMELINECOMMENTDELETE", id)))
        return rc;
    c->result = json_true();
    return 0;
}

/* ---- list ---------------------------------------------------------------------------------- */

static const struct field_def list_fields[] = {
    {"ID", "t.id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"CREATED", "t.created_at", FIELD_DATETIME, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"AUTHOR_ID", "t.author_id", FIELD_INT, FIELD_FILTER | FIELD_SORT | FIELD_SELECT, NULL},
    {"ENTITY_ID", "t.owner_id", FIELD_INT, FIELD_SELECT, NULL},
    {"ENTITY_TYPE", "t.owner_type", FIELD_INT, FIELD_SELECT, NULL},
    {"COMMENT", "t.data", FIELD_STRING, FIELD_SELECT, NULL},
};
#define N_LIST_FIELDS ARRAY_SIZE(list_fields)

/* Takes ENTITY_ID and ENTITY_TYPE (required, equality) out of the filter; the rest goes to
 * the filter compiler. *rest is a new reference. */
static int split_filter(struct rest_call *c, json_t *filter, int *type, int64_t *owner,
                        json_t **rest)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *key;
    json_t *v;
    const struct crm_entity_def *def = NULL;
    *rest = json_object();
    *owner = 0;
    if (filter && !json_is_object(filter) && !(json_is_array(filter) && !json_array_size(filter)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'filter' must be an object");
    json_object_foreach(filter, key, v)
    {
        const char *name = key + (key[0] == '=' ? 1 : 0);
        if (!strcasecmp(name, "ENTITY_TYPE"))
            def = crm_entity_by_name(params_to_str(v, buf, sizeof(buf)));
        else if (!strcasecmp(name, "ENTITY_ID"))
            params_to_int64(v, owner);
        else
            json_object_set(*rest, key, v);
    }
    if (!def || *owner <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "filter must name the record: 'ENTITY_TYPE' and 'ENTITY_ID'");
    *type = def->type_id;
    return 0;
}

static json_t *list_row(struct db_stmt *st, const unsigned char *chosen)
{
    struct comment cm = {
        .id = db_col_int(st, 0),
        .created = db_col_int(st, 1),
        .author_id = db_col_int(st, 2),
        .owner_id = db_col_int(st, 3),
        .owner_type = (int)db_col_int(st, 4),
    };
    const char *text = db_col_text(st, 5);
    cm.data = text ? json_loads(text, 0, NULL) : NULL;
    json_t *full = comment_json(&cm), *o = json_object();
    json_decref(cm.data);
    for (size_t i = 0; i < N_LIST_FIELDS; i++)
        if (chosen[i])
            json_object_set(o, list_fields[i].name, json_object_get(full, list_fields[i].name));
    json_decref(full);
    return o;
}

static json_t *list_page_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    (void)c;
    return list_row(st, ctx);
}

static int comment_list(struct rest_call *c)
{
    char err[256];
    unsigned char *chosen = arena_alloc(c->arena, N_LIST_FIELDS);
    struct rest_list l;
    json_t *rest = NULL;
    int64_t owner = 0;
    int type = 0, rc;
    rest_list_init(&l,
                   "SELECT t.id, t.created_at, t.author_id, t.owner_id, t.owner_type, t.data"
                   " FROM crm_timeline t",
                   "SELECT COUNT(*) FROM crm_timeline t");
    if ((rc = split_filter(c, rest_param(c, "filter"), &type, &owner, &rest)) ||
        (rc = crm_record_check(c, type, owner, PERM_READ, NULL)) || (rc = rest_list_start(c, &l)))
        goto fail;
    strbuf_addstr(&l.where, "t.type = 'comment' AND t.owner_type = ? AND t.owner_id = ? AND ");
    json_array_append_new(l.binds, json_integer(type));
    json_array_append_new(l.binds, json_integer(owner));
    if (filter_compile(list_fields, N_LIST_FIELDS, rest, db_dialect(c->db), &l.where, l.binds, err,
                       sizeof(err)) ||
        select_compile(list_fields, N_LIST_FIELDS, rest_param(c, "select"), true, chosen, err,
                       sizeof(err)) ||
        order_compile(list_fields, N_LIST_FIELDS, rest_param(c, "order"), "t.id", &l.order, err,
                      sizeof(err))) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
        goto fail;
    }
    json_decref(rest);
    l.row = list_page_row;
    l.ctx = chosen;
    return rest_list_run(c, &l);
fail:
    json_decref(rest);
    rest_list_release(&l);
    return rc;
}

static int comment_fields(struct rest_call *c)
{
    static const struct {
        const char *name, *type, *title;
        bool required, ro;
    } f[] = {
        {"ID", "integer", "ID", false, true},
        {"ENTITY_ID", "integer", "Record ID", true, false},
        {"ENTITY_TYPE", "string", "Record type", true, false},
        {"CREATED", "datetime", "Created on", false, true},
        {"COMMENT", "string", "Comment", true, false},
        {"AUTHOR_ID", "user", "Author", false, false},
        {"FILES", "attached_diskfile", "Files", false, false},
    };
    json_t *o = json_object();
    for (size_t i = 0; i < ARRAY_SIZE(f); i++)
        json_object_set_new(o, f[i].name,
                            json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:s}", "type", f[i].type,
                                      "isRequired", f[i].required, "isReadOnly", f[i].ro,
                                      "isImmutable", i == 1 || i == 2, "isMultiple", i == 6,
                                      "isDynamic", false, "title", f[i].title));
    c->result = o;
    return 0;
}

/* Permissions depend on the record a comment is on, so the handlers check them. */
const struct rest_method crm_comment_methods[] = {
    {"crm.timeline.comment.add", "crm", comment_add, NULL, PERM_UPDATE, REST_WRITE, NULL},
    {"crm.timeline.comment.get", "crm", comment_get, NULL, PERM_READ, 0, NULL},
    {"crm.timeline.comment.list", "crm", comment_list, NULL, PERM_READ, REST_LIST, NULL},
    {"crm.timeline.comment.update", "crm", comment_update, NULL, PERM_UPDATE, REST_WRITE, NULL},
    {"crm.timeline.comment.delete", "crm", comment_delete, NULL, PERM_UPDATE, REST_WRITE, NULL},
    {"crm.timeline.comment.fields", "crm", comment_fields, NULL, PERM_READ, 0, NULL},
    {0},
};
