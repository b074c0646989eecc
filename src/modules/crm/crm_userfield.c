/* User-field definitions of CRM entities: crm.<entity>.userfield.add/get/list/update/delete
 * (method data: the entity def), their list items (enumeration), and the field descriptions
 * *.fields shows for them. Names are normalised to UF_CRM_*; labels are kept in one language.
 * Values are crm_uf_value.c's business; types beyond those crm_uf_kind_parse knows are
 * refused. */
#include <ctype.h>
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
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

#define UF_NAME_MAX 50
#define UF_LIST_MAX 1000

#define UF_COLS                                                                                    \
    "u.id, u.entity_type, u.field_name, u.user_type_id, u.xml_id, u.sort, u.multiple,"             \
    " u.mandatory, u.show_filter, u.show_in_list, u.edit_in_list, u.is_searchable, u.settings,"    \
    " u.edit_form_label, u.list_column_label, u.list_filter_label, u.error_message,"               \
    " u.help_message"

static const char SQL_GET[] =
    "SELECT " UF_COLS " FROM crm_uf u WHERE u.id = ? AND u.entity_type = ?";
static const char SQL_ALL[] =
    "SELECT " UF_COLS " FROM crm_uf u WHERE u.entity_type = ? ORDER BY u.sort, u.id";
static const char SQL_NAME_USED[] = "SELECT 1 FROM crm_uf WHERE entity_type = ? AND field_name = ?";
static const char SQL_ADD[] =
    "INSERT INTO crm_uf (entity_type, field_name, user_type_id, xml_id, sort, multiple,"
    " mandatory, show_filter, show_in_list, edit_in_list, is_searchable, settings,"
    " edit_form_label, list_column_label, list_filter_label, error_message, help_message)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_UPDATE[] =
    "UPDATE crm_uf SET xml_id = ?, sort = ?, mandatory = ?, show_filter = ?, show_in_list = ?,"
    " edit_in_list = ?, is_searchable = ?, settings = ?, edit_form_label = ?,"
    " list_column_label = ?, list_filter_label = ?, error_message = ?, help_message = ?"
    " WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM crm_uf WHERE id = ?";
/* the field's files that no value of another file field names */
static const char SQL_DROP_FILES[] =
    "DELETE FROM crm_file WHERE id IN (SELECT value_num FROM crm_uf_value WHERE field_id = ?)"
    " AND NOT EXISTS (SELECT 1 FROM crm_uf_value v JOIN crm_uf u ON u.id = v.field_id"
    " WHERE u.user_type_id = 'file' AND v.value_num = crm_file.id AND v.field_id <> ?)";
static const char SQL_DROP_VALUES[] = "DELETE FROM crm_uf_value WHERE field_id = ?";
static const char SQL_ENUM_LIST[] =
    "SELECT id, value, def, sort, xml_id FROM crm_uf_enum WHERE field_id = ? ORDER BY sort, id";
static const char SQL_ENUM_ADD[] =
    "INSERT INTO crm_uf_enum (field_id, value, def, sort, xml_id) VALUES (?, ?, ?, ?, ?)";
static const char SQL_ENUM_GET[] =
    "SELECT value, def, sort, xml_id FROM crm_uf_enum WHERE id = ? AND field_id = ?";
static const char SQL_ENUM_UPDATE[] =
    "UPDATE crm_uf_enum SET value = ?, def = ?, sort = ?, xml_id = ? WHERE id = ?";
static const char SQL_ENUM_DELETE[] = "DELETE FROM crm_uf_enum WHERE id = ?";
static const char SQL_ENUM_UNSET[] =
    "DELETE FROM crm_uf_value WHERE field_id = ? AND value_num = ?";
static const char SQL_ENUM_DROP[] = "DELETE FROM crm_uf_enum WHERE field_id = ?";

enum { LBL_FORM, LBL_COLUMN, LBL_FILTER, LBL_ERROR, LBL_HELP, LBL_N };
static const char *const label_keys[LBL_N] = {"EDIT_FORM_LABEL", "LIST_COLUMN_LABEL",
                                              "LIST_FILTER_LABEL", "ERROR_MESSAGE", "HELP_MESSAGE"};
static const char *const flag_keys[] = {"SHOW_FILTER", "SHOW_IN_LIST", "EDIT_IN_LIST",
                                        "IS_SEARCHABLE"};

/* A definition as stored; strings are arena copies or NULL. */
struct ufdef {
    int64_t id, sort;
    const char *name, *type, *xml_id, *settings;
    bool multiple, mandatory;
    char flags[4][2]; /* SHOW_FILTER, SHOW_IN_LIST, EDIT_IN_LIST, IS_SEARCHABLE: "Y"/"N" */
    const char *labels[LBL_N];
};

static const struct crm_entity_def *def_of(struct rest_call *c)
{
    return c->method->data;
}

static const char *col_str(struct rest_call *c, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? arena_strdup(c->arena, s) : NULL;
}

static void def_read(struct rest_call *c, struct db_stmt *st, struct ufdef *d)
{
    memset(d, 0, sizeof(*d));
    d->id = db_col_int(st, 0);
    d->name = col_str(c, st, 2);
    d->type = col_str(c, st, 3);
    d->xml_id = col_str(c, st, 4);
    d->sort = db_col_int(st, 5);
    d->multiple = db_col_int(st, 6) != 0;
    d->mandatory = db_col_int(st, 7) != 0;
    for (int i = 0; i < 4; i++) {
        const char *s = db_col_text(st, 8 + i);
        d->flags[i][0] = s && *s == 'Y' ? 'Y' : 'N';
    }
    d->settings = col_str(c, st, 12);
    for (int i = 0; i < LBL_N; i++)
        d->labels[i] = col_str(c, st, 13 + i);
}

static int def_load(struct rest_call *c, const struct crm_entity_def *e, int64_t id,
                    struct ufdef *d)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_GET, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, e->type_id);
    rc = db_step(st);
    if (rc == DB_ROW)
        def_read(c, st, d);
    db_reset(st);
    if (rc == DB_DONE)
        return crm_fail_not_found(c);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

static json_t *enum_items(struct db *db, int64_t field_id, bool legacy, int *rc)
{
    struct db_stmt *st;
    json_t *list = json_array();
    char id[24], sort[24];
    if ((*rc = db_prepare(db, SQL_ENUM_LIST, &st)))
        return list;
    db_bind_int(st, 1, field_id);
    while ((*rc = db_step(st)) == DB_ROW) {
        snprintf(id, sizeof(id), "%lld", (long long)db_col_int(st, 0));
        snprintf(sort, sizeof(sort), "%lld", (long long)db_col_int(st, 3));
        const char *xml = db_col_text(st, 4);
        if (legacy)
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "ID", id, "SORT",
                                                  sort, "VALUE", db_col_text(st, 1), "DEF",
                                                  db_col_int(st, 2) ? "Y" : "N", "XML_ID",
                                                  xml ? xml : ""));
        else
            json_array_append_new(list,
                                  json_pack("{s:s, s:s}", "ID", id, "VALUE", db_col_text(st, 1)));
    }
    db_reset(st);
    *rc = *rc < 0 ? *rc : 0;
    return list;
}

static json_t *settings_json(const char *text)
{
    json_t *s = text ? json_loads(text, 0, NULL) : NULL;
    return s ? s : json_object();
}

static json_t *def_json(struct rest_call *c, const struct crm_entity_def *e, const struct ufdef *d,
                        int *rc)
{
    char id[24], sort[24], entity[32];
    snprintf(id, sizeof(id), "%lld", (long long)d->id);
    snprintf(sort, sizeof(sort), "%lld", (long long)d->sort);
    snprintf(entity, sizeof(entity), "CRM_%s", e->upper);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID", id, "ENTITY_ID", entity,
                          "FIELD_NAME", d->name, "USER_TYPE_ID", d->type, "XML_ID",
                          d->xml_id ? d->xml_id : "", "SORT", sort, "MULTIPLE",
                          d->multiple ? "Y" : "N", "MANDATORY", d->mandatory ? "Y" : "N");
    for (int i = 0; i < 4; i++)
        json_object_set_new(o, flag_keys[i], json_string(d->flags[i]));
    json_object_set_new(o, "SETTINGS", settings_json(d->settings));
    for (int i = 0; i < LBL_N; i++)
        json_object_set_new(o, label_keys[i], json_string(d->labels[i] ? d->labels[i] : ""));
    *rc = 0;
    if (!strcmp(d->type, "enumeration"))
        json_object_set_new(o, "LIST", enum_items(c->db, d->id, true, rc));
    return o;
}

/* ---- input ---------------------------------------------------------------------------------- */

/* A label: a string, or {"en": "...", ...} (English or the first language). */
static const char *label_of(struct rest_call *c, const json_t *v)
{
    const char *k;
    json_t *m;
    if (json_is_string(v))
        return arena_strdup(c->arena, json_string_value(v));
    if (!json_is_object(v))
        return NULL;
    if (json_is_string(json_object_get(v, "en")))
        return arena_strdup(c->arena, json_string_value(json_object_get(v, "en")));
    json_object_foreach((json_t *)v, k, m)
    {
        if (json_is_string(m))
            return arena_strdup(c->arena, json_string_value(m));
    }
    return NULL;
}

static int flag_in(struct rest_call *c, const json_t *fields, const char *key, bool *out)
{
    json_t *v = params_get((json_t *)fields, key);
    if (v && !json_is_null(v) && params_to_bool(v, out))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' must be Y or N", key);
    return 0;
}

/* Fields every add and update may set: XML_ID, SORT, MANDATORY, the Y/N display flags,
 * SETTINGS and labels (LABEL sets all that are not given). */
static int def_apply(struct rest_call *c, const json_t *fields, struct ufdef *d)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *v;
    const char *s, *label;
    int rc;
    if ((s = params_to_str(params_get((json_t *)fields, "XML_ID"), buf, sizeof(buf))))
        d->xml_id = arena_strdup(c->arena, s);
    if ((v = params_get((json_t *)fields, "SORT")) && !json_is_null(v) &&
        params_to_int64(v, &d->sort))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'SORT' must be an integer");
    if ((rc = flag_in(c, fields, "MANDATORY", &d->mandatory)))
        return rc;
    for (int i = 0; i < 4; i++) {
        bool b = d->flags[i][0] == 'Y';
        if ((rc = flag_in(c, fields, flag_keys[i], &b)))
            return rc;
        d->flags[i][0] = b ? 'Y' : 'N';
    }
    if ((v = params_get((json_t *)fields, "SETTINGS"))) {
        if (!json_is_object(v) && !json_is_array(v))
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'SETTINGS' must be an object");
        char *text = json_dumps(v, JSON_COMPACT);
        d->settings = arena_strdup(c->arena, text ? text : "{}");
        free(text);
    }
    label = label_of(c, params_get((json_t *)fields, "LABEL"));
    for (int i = 0; i < LBL_N; i++) {
        const char *l = label_of(c, params_get((json_t *)fields, label_keys[i]));
        if (l)
            d->labels[i] = l;
        else if (label && i <= LBL_FILTER)
            d->labels[i] = label;
    }
    return 0;
}

/* FIELD_NAME: upper case, UF_CRM_ prefix, [A-Z0-9_], at most UF_NAME_MAX bytes; a timestamp
 * code when absent. */
static int name_normalise(struct rest_call *c, const struct crm_entity_def *e, const char *in,
                          const char **out)
{
    char buf[UF_NAME_MAX + 32];
    struct db_stmt *st;
    size_t pos = 0;
    if (!in || !*in) {
        snprintf(buf, sizeof(buf), "UF_CRM_%lld", (long long)time_now_real());
    } else {
        const char *rest = !strncasecmp(in, "UF_CRM_", 7) ? in + 7
                           : !strncasecmp(in, "UF_", 3)   ? in + 3
                                                          : in;
        pos = (size_t)snprintf(buf, sizeof(buf), "UF_CRM_");
        for (const char *p = rest; *p && pos + 1 < sizeof(buf); p++) {
            if (!isalnum((unsigned char)*p) && *p != '_')
                return rest_fail(c, 400, "INVALID_ARG_VALUE",
                                 "field 'FIELD_NAME' may hold only letters, digits and '_'");
            buf[pos++] = (char)toupper((unsigned char)*p);
        }
        buf[pos] = '\0';
        if (pos == 7 || pos > UF_NAME_MAX)
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'FIELD_NAME' is invalid");
    }
    int rc = db_prepare(c->db, SQL_NAME_USED, &st);
    if (rc)
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, e->type_id);
    db_bind_text(st, 2, buf, -1);
    rc = db_step(st);
    db_reset(st);
    if (rc == DB_ROW)
        return rest_fail(c, 400, "ERROR_ARGUMENT", "user field '%s' already exists", buf);
    if (rc < 0)
        return rest_fail_db(c, rc);
    *out = arena_strdup(c->arena, buf);
    return 0;
}

/* ---- storing -------------------------------------------------------------------------------- */

static void bind_opt(struct db_stmt *st, int idx, const char *s)
{
    if (s)
        db_bind_text(st, idx, s, -1);
    else
        db_bind_null(st, idx);
}

static int def_store(struct rest_call *c, const struct crm_entity_def *e, struct ufdef *d,
                     bool is_add)
{
    struct db_stmt *st;
    int i = 1, rc = db_prepare(c->db, is_add ? SQL_ADD : SQL_UPDATE, &st);
    if (rc)
        return rest_fail_db(c, rc);
    if (is_add) {
        db_bind_int(st, i++, e->type_id);
        db_bind_text(st, i++, d->name, -1);
        db_bind_text(st, i++, d->type, -1);
    }
    bind_opt(st, i++, d->xml_id);
    db_bind_int(st, i++, d->sort);
    if (is_add)
        db_bind_int(st, i++, d->multiple);
    db_bind_int(st, i++, d->mandatory);
    for (int f = 0; f < 4; f++)
        db_bind_text(st, i++, d->flags[f], -1);
    db_bind_text(st, i++, d->settings ? d->settings : "{}", -1);
    for (int l = 0; l < LBL_N; l++)
        bind_opt(st, i++, d->labels[l]);
    if (!is_add)
        db_bind_int(st, i++, d->id);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rest_fail_db(c, rc < 0 ? rc : -E_DB);
    if (is_add)
        d->id = db_last_id(c->db);
    return 0;
}

static int exec_ids(struct db *db, const char *sql, int64_t a, int64_t b, int n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, a);
    if (n > 1)
        db_bind_int(st, 2, b);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* One LIST item: with ID it changes (DEL=Y deletes it and the values naming it), without it
 * adds. */
static int enum_item(struct rest_call *c, int64_t field_id, const json_t *item)
{
    char buf[PARAMS_STR_BUFSIZE], xml[256] = "", value[1024] = "";
    struct db_stmt *st;
    int64_t id = 0, sort = 500;
    bool def = false, del = false, has_id;
    int rc;
    if (!json_is_object(item))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'LIST' items must be objects");
    has_id = !params_to_int64(params_get((json_t *)item, "ID"), &id) && id > 0;
    params_to_bool(params_get((json_t *)item, "DEL"), &del);
    if (has_id) { /* start from the stored item */
        if ((rc = db_prepare(c->db, SQL_ENUM_GET, &st)))
            return rest_fail_db(c, rc);
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, field_id);
        rc = db_step(st);
        if (rc == DB_ROW) {
            snprintf(value, sizeof(value), "%s", db_col_text(st, 0));
            def = db_col_int(st, 1) != 0;
            sort = db_col_int(st, 2);
            snprintf(xml, sizeof(xml), "%s", db_col_text(st, 3) ? db_col_text(st, 3) : "");
        }
        db_reset(st);
        if (rc != DB_ROW)
            return rc < 0 ? rest_fail_db(c, rc)
                          : rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'LIST' has no item %lld",
                                      (long long)id);
        if (del) {
            if ((rc = exec_ids(c->db, SQL_ENUM_UNSET, field_id, id, 2)) ||
                (rc = exec_ids(c->db, SQL_ENUM_DELETE, id, 0, 1)))
                return rest_fail_db(c, rc);
            return 0;
        }
    }
    const char *s = params_to_str(params_get((json_t *)item, "VALUE"), buf, sizeof(buf));
    if (s)
        snprintf(value, sizeof(value), "%s", s);
    if ((s = params_to_str(params_get((json_t *)item, "XML_ID"), buf, sizeof(buf))))
        snprintf(xml, sizeof(xml), "%s", s);
    params_to_bool(params_get((json_t *)item, "DEF"), &def);
    json_t *sv = params_get((json_t *)item, "SORT");
    if (sv && !json_is_null(sv) && params_to_int64(sv, &sort))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'LIST' item SORT must be an integer");
    if (!*value)
        return del ? 0 : rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'LIST' items need a VALUE");
    if ((rc = db_prepare(c->db, has_id ? SQL_ENUM_UPDATE : SQL_ENUM_ADD, &st)))
        return rest_fail_db(c, rc);
    int i = 1;
    if (!has_id)
        db_bind_int(st, i++, field_id);
    db_bind_text(st, i++, value, -1);
    db_bind_int(st, i++, def);
    db_bind_int(st, i++, sort);
    db_bind_text(st, i++, xml, -1);
    if (has_id)
        db_bind_int(st, i++, id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

static int enum_apply(struct rest_call *c, int64_t field_id, const json_t *list)
{
    const char *k;
    json_t *it;
    size_t i, n = 0;
    int rc = 0;
    if (!list || json_is_null(list))
        return 0;
    if (!json_is_array(list) && !json_is_object(list))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'LIST' must be a list");
    if (json_is_array(list)) {
        json_array_foreach(list, i, it)
        {
            if (++n > UF_LIST_MAX || (rc = enum_item(c, field_id, it)))
                break;
        }
    } else {
        json_object_foreach((json_t *)list, k, it)
        {
            if (++n > UF_LIST_MAX || (rc = enum_item(c, field_id, it)))
                break;
        }
    }
    if (!rc && n > UF_LIST_MAX)
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "field 'LIST' has too many items");
    return rc;
}

/* ---- methods ------------------------------------------------------------------------------ */

int crm_uf_method_add(struct rest_call *c)
{
    const struct crm_entity_def *e = def_of(c);
    const json_t *fields = rest_param(c, "fields");
    char buf[PARAMS_STR_BUFSIZE];
    struct ufdef d = {.sort = 100, .flags = {"N", "Y", "Y", "N"}};
    enum crm_uf_kind kind;
    int rc;
    if (!json_is_object(fields))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    const char *type =
        params_to_str(params_get((json_t *)fields, "USER_TYPE_ID"), buf, sizeof(buf));
    if (!type || !*type)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'USER_TYPE_ID' is required");
    if (crm_uf_kind_parse(type, &kind))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "user field type '%s' is not supported",
                         type);
    d.type = arena_strdup(c->arena, type);
    for (char *p = (char *)d.type; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    char nbuf[PARAMS_STR_BUFSIZE];
    const char *name =
        params_to_str(params_get((json_t *)fields, "FIELD_NAME"), nbuf, sizeof(nbuf));
    if ((rc = name_normalise(c, e, name, &d.name)) ||
        (rc = flag_in(c, fields, "MULTIPLE", &d.multiple)) || (rc = def_apply(c, fields, &d)) ||
        (rc = def_store(c, e, &d, true)))
        return rc;
    if (kind == CRM_UF_ENUM && (rc = enum_apply(c, d.id, params_get((json_t *)fields, "LIST"))))
        return rc;
    if ((rc = crm_entity_emit(c, e, "USERFIELDADD", d.id)))
        return rc;
    c->result = json_integer(d.id);
    return 0;
}

int crm_uf_method_get(struct rest_call *c)
{
    const struct crm_entity_def *e = def_of(c);
    struct ufdef d;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = def_load(c, e, id, &d)))
        return rc;
    c->result = def_json(c, e, &d, &rc);
    return rc ? rest_fail_db(c, rc) : 0;
}

static const struct field_def uf_fdefs[] = {
    {"ID", "u.id", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"FIELD_NAME", "u.field_name", FIELD_STRING, FIELD_FILTER | FIELD_SORT, NULL},
    {"USER_TYPE_ID", "u.user_type_id", FIELD_STRING, FIELD_FILTER | FIELD_SORT, NULL},
    {"XML_ID", "u.xml_id", FIELD_STRING, FIELD_FILTER | FIELD_SORT, NULL},
    {"SORT", "u.sort", FIELD_INT, FIELD_FILTER | FIELD_SORT, NULL},
    {"MULTIPLE", "u.multiple", FIELD_BOOL, FIELD_FILTER | FIELD_SORT, NULL},
    {"MANDATORY", "u.mandatory", FIELD_BOOL, FIELD_FILTER | FIELD_SORT, NULL},
    {"SHOW_FILTER", "u.show_filter", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"SHOW_IN_LIST", "u.show_in_list", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"EDIT_IN_LIST", "u.edit_in_list", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
    {"IS_SEARCHABLE", "u.is_searchable", FIELD_CHAR, FIELD_FILTER | FIELD_SORT, NULL},
};

/* Every definition of the entity matching filter (LANG and ENTITY_ID keys are accepted and
 * ignored: labels have one language, the method names the entity). */
int crm_uf_method_list(struct rest_call *c)
{
    const struct crm_entity_def *e = def_of(c);
    struct strbuf sql;
    struct db_stmt *st = NULL;
    json_t *binds = json_array(), *filter = NULL, *rows = NULL, *f = rest_param(c, "filter");
    char err[256];
    int rc = 0;
    strbuf_init(&sql, CRM_SQL_CAP);
    filter = json_is_object(f) ? json_deep_copy(f) : json_incref(f);
    if (json_is_object(filter)) {
        json_object_del(filter, "LANG");
        json_object_del(filter, "ENTITY_ID");
    }
    strbuf_addstr(&sql, "SELECT " UF_COLS " FROM crm_uf u WHERE u.entity_type = ? AND ");
    if (filter_compile(uf_fdefs, ARRAY_SIZE(uf_fdefs), filter, db_dialect(c->db), &sql, binds, err,
                       sizeof(err)) ||
        order_compile(uf_fdefs, ARRAY_SIZE(uf_fdefs), rest_param(c, "order"), "u.id", &sql, err,
                      sizeof(err))) {
        rc = rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
        goto out;
    }
    if ((rc = db_prepare_dyn(c->db, sql.buf, &st))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    db_bind_int(st, 1, e->type_id);
    if ((rc = db_bind_json(st, binds, 2)) < 0) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    rows = json_array();
    while ((rc = db_step(st)) == DB_ROW) {
        struct ufdef d;
        int erc = 0;
        def_read(c, st, &d);
        json_array_append_new(rows, def_json(c, e, &d, &erc));
        if (erc) {
            rc = erc;
            break;
        }
    }
    if (rc < 0) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    rest_set_list(c, rows, (int64_t)json_array_size(rows), 0);
    rows = NULL;
    rc = 0;
out:
    if (st)
        db_finalize(st);
    json_decref(rows);
    json_decref(binds);
    json_decref(filter);
    strbuf_release(&sql);
    return rc;
}

/* FIELD_NAME, USER_TYPE_ID and MULTIPLE cannot change. */
int crm_uf_method_update(struct rest_call *c)
{
    const struct crm_entity_def *e = def_of(c);
    const json_t *fields = rest_param(c, "fields");
    struct ufdef d;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = def_load(c, e, id, &d)))
        return rc;
    if (!json_is_object(fields))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if ((rc = def_apply(c, fields, &d)) || (rc = def_store(c, e, &d, false)))
        return rc;
    if (!strcmp(d.type, "enumeration") &&
        (rc = enum_apply(c, d.id, params_get((json_t *)fields, "LIST"))))
        return rc;
    if ((rc = crm_entity_emit(c, e, "USERFIELDUPDATE", d.id)))
        return rc;
    c->result = json_true();
    return 0;
}

int crm_uf_method_delete(struct rest_call *c)
{
    const struct crm_entity_def *e = def_of(c);
    struct ufdef d;
    int64_t id;
    int rc = crm_param_id(c, "id", &id);
    if (rc || (rc = def_load(c, e, id, &d)))
        return rc;
    if ((rc = exec_ids(c->db, SQL_DROP_FILES, id, id, 2)) ||
        (rc = exec_ids(c->db, SQL_DROP_VALUES, id, 0, 1)) ||
        (rc = exec_ids(c->db, SQL_ENUM_DROP, id, 0, 1)) ||
        (rc = exec_ids(c->db, SQL_DELETE, id, 0, 1)))
        return rest_fail_db(c, rc);
    if ((rc = crm_entity_emit(c, e, "USERFIELDDELETE", id)))
        return rc;
    c->result = json_true();
    return 0;
}

/* ---- *.fields ----------------------------------------------------------------------------- */

int crm_uf_describe(struct db *db, int entity_type, enum crm_format fmt, json_t *out)
{
    struct db_stmt *st;
    char buf[96];
    int rc = db_prepare(db, SQL_ALL, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, entity_type);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        const char *name = db_col_text(st, 2), *type = db_col_text(st, 3);
        const char *form = db_col_text(st, 13), *col = db_col_text(st, 14);
        const char *filt = db_col_text(st, 15);
        json_t *d =
            json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:s, s:s, s:s, s:s}", "type", type,
                      "isRequired", db_col_int(st, 7) != 0, "isReadOnly", false, "isImmutable",
                      false, "isMultiple", db_col_int(st, 6) != 0, "isDynamic", true, "title",
                      form && *form ? form : name, "listLabel", col ? col : "", "formLabel",
                      form ? form : "", "filterLabel", filt ? filt : "");
        json_object_set_new(d, "settings", settings_json(db_col_text(st, 12)));
        if (!strcmp(type, "enumeration")) {
            int erc = 0;
            json_object_set_new(d, "items", enum_items(db, id, false, &erc));
            if (erc) {
                json_decref(d);
                rc = erc;
                break;
            }
        }
        if (fmt == CRM_FMT_TYPED)
            json_object_set_new(d, "upperName", json_string(name));
        const char *key =
            fmt == CRM_FMT_TYPED && crm_camel_name(name, buf, sizeof(buf)) ? buf : name;
        json_object_set_new(out, key, d);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}
