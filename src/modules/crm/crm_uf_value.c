/* Values of CRM user fields (UF_CRM_*): parsing client input per field type, storing one row
 * per value in crm_uf_value (text kinds in value_text, numeric kinds in value_num), loading
 * them for get and list pages, and the list whitelist entries that let filters and order use
 * them through correlated subqueries. Field definitions and the userfield methods are in
 * crm_userfield.c. File values keep their bytes (base64) in crm_file; serving them is not
 * done here. A value that names something else (a CRM record, a stored file) is a link: a
 * record must pass crm_check_link, a file must be one this field of this record already holds
 * or one uploaded in the same call, and a file goes only when no value names it any more. */
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
#include "modules/crm/crm_internal.h"

#define UF_TEXT_MAX 65535
#define UF_MULTI_MAX 100      /* values of one multiple field */
#define UF_FILE_MAX (8 << 20) /* bytes of one file */

static const char SQL_DEFS[] =
    "SELECT id, field_name, user_type_id, multiple, mandatory FROM crm_uf WHERE entity_type = ?"
    " ORDER BY sort, id";
static const char SQL_ENUM_OK[] = "SELECT 1 FROM crm_uf_enum WHERE id = ? AND field_id = ?";
static const char SQL_CLEAR[] = "DELETE FROM crm_uf_value WHERE field_id = ? AND owner_id = ?";
static const char SQL_INSERT[] = "INSERT INTO crm_uf_value (entity_type, owner_id, field_id,"
                                 " value_text, value_num) VALUES (?, ?, ?, ?, ?)";
static const char SQL_FILE_ADD[] = "INSERT INTO crm_file (name, size, content, created_by,"
                                   " created_at) VALUES (?, ?, ?, ?, ?)";
static const char SQL_FILE_NAME[] = "SELECT name FROM crm_file WHERE id = ?";
static const char SQL_OLD_VALUES[] =
    "SELECT value_num, value_text FROM crm_uf_value WHERE field_id = ? AND owner_id = ?";
/* a file named by no value of a file field */
#define SQL_FILE_UNUSED                                                                            \
    " NOT EXISTS (SELECT 1 FROM crm_uf_value v JOIN crm_uf u ON u.id = v.field_id"                 \
    " WHERE u.user_type_id = 'file' AND v.value_num = crm_file.id)"
static const char SQL_FILE_DROP[] = "DELETE FROM crm_file WHERE id = ? AND" SQL_FILE_UNUSED;
static const char SQL_OWNER_FILES[] =
    "SELECT v.value_num FROM crm_uf_value v JOIN crm_uf u ON u.id = v.field_id"
    " WHERE v.entity_type = ? AND v.owner_id = ? AND u.user_type_id = 'file'";
static const char SQL_DROP_OWNER[] =
    "DELETE FROM crm_uf_value WHERE entity_type = ? AND owner_id = ?";

static const struct {
    const char *name;
    enum crm_uf_kind kind;
} kinds[] = {
    {"string", CRM_UF_STRING},     {"integer", CRM_UF_INTEGER}, {"double", CRM_UF_DOUBLE},
    {"boolean", CRM_UF_BOOLEAN},   {"date", CRM_UF_DATE},       {"datetime", CRM_UF_DATETIME},
    {"enumeration", CRM_UF_ENUM},  {"money", CRM_UF_MONEY},     {"crm", CRM_UF_CRM},
    {"file", CRM_UF_FILE},         {"url", CRM_UF_URL},         {"employee", CRM_UF_EMPLOYEE},
    {"crm_status", CRM_UF_STATUS}, {"address", CRM_UF_ADDRESS},
};

int crm_uf_kind_parse(const char *type, enum crm_uf_kind *out)
{
    for (size_t i = 0; type && i < ARRAY_SIZE(kinds); i++) {
        if (!strcasecmp(kinds[i].name, type)) {
            *out = kinds[i].kind;
            return 0;
        }
    }
    return -E_INVAL;
}

bool crm_uf_numeric(enum crm_uf_kind kind)
{
    switch (kind) {
    case CRM_UF_INTEGER:
    case CRM_UF_DOUBLE:
    case CRM_UF_BOOLEAN:
    case CRM_UF_DATETIME:
    case CRM_UF_ENUM:
    case CRM_UF_EMPLOYEE:
    case CRM_UF_FILE:
        return true;
    default:
        return false;
    }
}

int crm_uf_defs(struct db *db, int entity_type, struct crm_uf **out, size_t *n)
{
    struct db_stmt *st;
    size_t cap = 0;
    int rc = db_prepare(db, SQL_DEFS, &st);
    *out = NULL;
    *n = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, entity_type);
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            struct crm_uf *p = realloc(*out, cap * sizeof(**out));
            if (!p)
                abort();
            *out = p;
        }
        struct crm_uf *u = &(*out)[(*n)++];
        memset(u, 0, sizeof(*u));
        u->id = db_col_int(st, 0);
        snprintf(u->name, sizeof(u->name), "%s", db_col_text(st, 1));
        snprintf(u->type, sizeof(u->type), "%s", db_col_text(st, 2));
        if (crm_uf_kind_parse(u->type, &u->kind))
            u->kind = CRM_UF_STRING;
        u->multiple = db_col_int(st, 3) != 0;
        u->mandatory = db_col_int(st, 4) != 0;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static enum field_type kind_filter_type(enum crm_uf_kind kind)
{
    switch (kind) {
    case CRM_UF_INTEGER:
    case CRM_UF_ENUM:
    case CRM_UF_EMPLOYEE:
    case CRM_UF_FILE:
        return FIELD_INT;
    case CRM_UF_DOUBLE:
        return FIELD_DOUBLE;
    case CRM_UF_BOOLEAN:
        return FIELD_BOOL;
    case CRM_UF_DATE:
        return FIELD_DATE;
    case CRM_UF_DATETIME:
        return FIELD_DATETIME;
    default:
        return FIELD_STRING;
    }
}

void crm_uf_field_defs(struct rest_call *c, const struct crm_uf *ufs, size_t n, enum crm_format fmt,
                       struct field_def *out)
{
    char buf[96];
    for (size_t i = 0; i < n; i++) {
        const struct crm_uf *u = &ufs[i];
        const char *col = crm_uf_numeric(u->kind) ? "value_num" : "value_text";
        struct field_def *f = &out[i];
        memset(f, 0, sizeof(*f));
        f->name = fmt == CRM_FMT_LEGACY || !crm_camel_name(u->name, buf, sizeof(buf))
                      ? arena_strdup(c->arena, u->name)
                      : arena_strdup(c->arena, buf);
        f->type = kind_filter_type(u->kind);
        if (u->multiple) {
            f->column = "NULL";
            f->flags = FIELD_MULTI | FIELD_FILTER | FIELD_SELECT | FIELD_UF;
            f->multi_sql = arena_printf(c->arena,
                                        "t.id IN (SELECT v.owner_id FROM crm_uf_value v"
                                        " WHERE v.field_id = %lld AND v.%s = ?)",
                                        (long long)u->id, col);
        } else {
            f->column = arena_printf(c->arena,
                                     "(SELECT v.%s FROM crm_uf_value v WHERE v.field_id = %lld"
                                     " AND v.owner_id = t.id)",
                                     col, (long long)u->id);
            f->flags =
                FIELD_SELECT | FIELD_UF | (u->kind == CRM_UF_FILE ? 0 : FIELD_FILTER | FIELD_SORT);
        }
    }
}

/* ---- parsing -------------------------------------------------------------------------------- */

static bool empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
           (json_is_array(v) && !json_array_size(v)) || (json_is_object(v) && !json_object_size(v));
}

/* "300|EUR", "300.50" (the base currency is added). */
static int parse_money(struct rest_call *c, const char *s, json_t **out)
{
    char amount[64], code[8] = "";
    double d;
    const char *bar = strchr(s, '|');
    size_t alen = bar ? (size_t)(bar - s) : strlen(s);
    if (!alen || alen >= sizeof(amount))
        return -E_INVAL;
    memcpy(amount, s, alen);
    amount[alen] = '\0';
    json_t *a = json_string(amount);
    int bad = params_to_double(a, &d);
    json_decref(a);
    if (bad)
        return -E_INVAL;
    if (bar) {
        if (strlen(bar + 1) != 3)
            return -E_INVAL;
        for (int i = 0; i < 3; i++) {
            if (!isalpha((unsigned char)bar[1 + i]))
                return -E_INVAL;
            code[i] = (char)toupper((unsigned char)bar[1 + i]);
        }
    } else if (crm_currency_base(c->db, code, sizeof(code))) {
        return -E_INVAL;
    }
    *out = json_string(arena_printf(c->arena, "%s|%s", amount, code));
    return 0;
}

/* "D_12", "co_3": a record of a CRM entity, as "<ABBR>_<id>". Whether the caller may link to
 * it is crm_uf_store's question (check_new_value), asked only of values the field did not hold. */
static int parse_crm_link(struct rest_call *c, const char *s, json_t **out)
{
    const char *us = strchr(s, '_');
    int64_t id;
    char *end;
    if (!us || us == s || (size_t)(us - s) > 3)
        return -E_INVAL;
    id = strtoll(us + 1, &end, 10);
    if (*end || id <= 0)
        return -E_INVAL;
    for (const struct crm_entity_def *const *e = crm_entities; *e; e++) {
        if (strlen((*e)->abbr) != (size_t)(us - s) || strncasecmp((*e)->abbr, s, (size_t)(us - s)))
            continue;
        *out = json_string(arena_printf(c->arena, "%s_%lld", (*e)->abbr, (long long)id));
        return 0;
    }
    return -E_INVAL;
}

/* A file: ["name", "base64"], {"fileData": [...]}, or an id already stored (kept). The new
 * file is {"name", "content"} until crm_uf_store writes it. */
static int parse_file(const json_t *v, json_t **out)
{
    int64_t id;
    const json_t *pair = json_is_object(v) ? json_object_get(v, "fileData") : v;
    if (json_is_object(v) && !pair && !params_to_int64(json_object_get(v, "id"), &id)) {
        *out = json_integer(id);
        return 0;
    }
    if (!json_is_object(v) && !json_is_array(v) && !params_to_int64(v, &id)) {
        *out = json_integer(id);
        return 0;
    }
    if (!json_is_array(pair) || json_array_size(pair) < 2)
        return -E_INVAL;
    const char *name = json_string_value(json_array_get(pair, 0));
    const char *data = json_string_value(json_array_get(pair, 1));
    size_t len = data ? strlen(data) : 0;
    if (!name || !*name || !data || len > UF_FILE_MAX / 3 * 4 + 4)
        return -E_INVAL;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)data[i]) && !strchr("+/=\r\n", data[i]))
            return -E_INVAL;
    *out = json_pack("{s:s, s:s}", "name", name, "content", data);
    return 0;
}

static int parse_scalar(struct rest_call *c, const struct crm_uf *uf, const json_t *v, json_t **out)
{
    char buf[PARAMS_STR_BUFSIZE], err[64];
    const char *s;
    int64_t i;
    double d;
    bool b;
    struct crm_field f = {.name = uf->name};
    *out = NULL;
    switch (uf->kind) {
    case CRM_UF_INTEGER:
    case CRM_UF_EMPLOYEE:
    case CRM_UF_ENUM:
        if (params_to_int64(v, &i))
            return -E_INVAL;
        *out = json_integer(i);
        break;
    case CRM_UF_DOUBLE:
        if (params_to_double(v, &d))
            return -E_INVAL;
        *out = json_real(d);
        break;
    case CRM_UF_BOOLEAN:
        if (params_to_bool(v, &b))
            return -E_INVAL;
        *out = json_integer(b);
        break;
    case CRM_UF_DATE:
    case CRM_UF_DATETIME:
        f.type = uf->kind == CRM_UF_DATE ? CRM_T_DATE : CRM_T_DATETIME;
        return crm_value_parse(&f, v, out, err, sizeof(err));
    case CRM_UF_FILE:
        return parse_file(v, out);
    default:
        if (!(s = params_to_str(v, buf, sizeof(buf))) || strlen(s) > UF_TEXT_MAX)
            return -E_INVAL;
        if (uf->kind == CRM_UF_MONEY)
            return parse_money(c, s, out);
        if (uf->kind == CRM_UF_CRM)
            return parse_crm_link(c, s, out);
        *out = json_string(s);
        break;
    }
    return 0;
}

static int check_enum(struct rest_call *c, const struct crm_uf *uf, const json_t *v, bool *ok)
{
    struct db_stmt *st;
    int rc = db_prepare(c->db, SQL_ENUM_OK, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, json_integer_value(v));
    db_bind_int(st, 2, uf->id);
    rc = db_step(st);
    *ok = rc == DB_ROW;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int parse_one(struct rest_call *c, const struct crm_uf *uf, const json_t *v, json_t **out)
{
    bool ok = true;
    int rc;
    if (parse_scalar(c, uf, v, out) || !*out) {
        json_decref(*out);
        *out = NULL;
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has an invalid %s value",
                         uf->name, uf->type);
    }
    if (uf->kind == CRM_UF_ENUM && (rc = check_enum(c, uf, *out, &ok)))
        return rest_fail_db(c, rc);
    if (!ok) {
        long long item = (long long)json_integer_value(*out);
        json_decref(*out);
        *out = NULL;
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has no list item %lld", uf->name,
                         item);
    }
    return 0;
}

/* A file pair ["name", "data"] given to a multiple field is one value, not two. */
static bool is_file_pair(const struct crm_uf *uf, const json_t *v)
{
    return uf->kind == CRM_UF_FILE && json_is_array(v) && json_array_size(v) == 2 &&
           json_is_string(json_array_get(v, 0)) && json_is_string(json_array_get(v, 1)) &&
           json_string_length(json_array_get(v, 1)) > 0 && !json_is_array(json_array_get(v, 0));
}

int crm_uf_parse(struct rest_call *c, const struct crm_uf *uf, const json_t *in, json_t **out)
{
    const char *key;
    json_t *m, *one;
    size_t i;
    *out = NULL;
    if (uf->kind == CRM_UF_FILE && json_is_object(in)) {
        bool remove = false;
        params_to_bool(json_object_get(in, "remove"), &remove);
        if (remove) {
            *out = json_null();
            return 0;
        }
    }
    if (!uf->multiple || is_file_pair(uf, in)) {
        if (empty(in)) {
            *out = json_null();
            return 0;
        }
        if (!uf->multiple)
            return parse_one(c, uf, in, out);
    }
    json_t *items = json_array(), *list = json_array();
    if (is_file_pair(uf, in) || (!json_is_array(in) && !json_is_object(in)))
        json_array_append(items, (json_t *)in);
    else if (json_is_array(in))
        json_array_extend(items, (json_t *)in);
    else if (uf->kind == CRM_UF_FILE && json_object_get(in, "fileData"))
        json_array_append(items, (json_t *)in);
    else
        json_object_foreach((json_t *)in, key, m) json_array_append(items, m);
    json_array_foreach(items, i, m)
    {
        if (empty(m))
            continue;
        if (json_array_size(list) >= UF_MULTI_MAX || parse_one(c, uf, m, &one)) {
            json_decref(items);
            json_decref(list);
            if (!c->status)
                return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has too many values",
                                 uf->name);
            return -1;
        }
        json_array_append_new(list, one);
    }
    json_decref(items);
    *out = list;
    return 0;
}

/* ---- storing -------------------------------------------------------------------------------- */

/* Writes a new file (json {"name", "content"}) and returns its id in *id, its name in name. */
static int file_add(struct rest_call *c, const json_t *file, int64_t *id)
{
    struct db_stmt *st;
    const char *data = json_string_value(json_object_get(file, "content"));
    size_t len = strlen(data), pad = 0, ws = 0;
    for (size_t i = 0; i < len; i++)
        ws += data[i] == '\r' || data[i] == '\n';
    while (len > ws && pad < 2 && data[len - 1 - pad] == '=')
        pad++;
    int rc = db_prepare(c->db, SQL_FILE_ADD, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, json_string_value(json_object_get(file, "name")), -1);
    db_bind_int(st, 2, (int64_t)((len - ws) / 4 * 3) - (int64_t)pad);
    db_bind_text(st, 3, data, (ssize_t)len);
    db_bind_int(st, 4, c->auth ? c->auth->user_id : 0);
    db_bind_int(st, 5, (int64_t)time_now_real());
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_DONE)
        return rc < 0 ? rc : -E_DB;
    *id = db_last_id(c->db);
    return 0;
}

static int file_name(struct db *db, int64_t id, char *buf, size_t len)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_FILE_NAME, &st);
    buf[0] = '\0';
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW)
        snprintf(buf, len, "%s", db_col_text(st, 0));
    db_reset(st);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : -E_NOTFOUND;
}

/* Whether list holds v (integers compared as integers, strings as strings). */
static bool list_has(const json_t *list, const json_t *v)
{
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
        if (json_is_integer(v) ? json_integer_value(m) == json_integer_value(v) : json_equal(m, v))
            return true;
    }
    return false;
}

/* A value the field of this record did not hold before (before: its old values) must name
 * something the caller may link to: a CRM record it can see (crm_check_link), or a file
 * uploaded in this call. A file id the record does not hold gets one answer whether the file
 * is missing or another record's, so ids cannot be probed. */
static int check_new_value(struct rest_call *c, const struct crm_uf *uf, const json_t *v,
                           const json_t *before)
{
    if (uf->kind == CRM_UF_FILE) {
        if (json_is_object(v) || list_has(before, v))
            return 0;
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field '%s': file %lld is not a file of this record", uf->name,
                         (long long)json_integer_value(v));
    }
    if (uf->kind != CRM_UF_CRM || list_has(before, v))
        return 0;
    const char *s = json_string_value(v), *us = s ? strchr(s, '_') : NULL;
    const struct crm_entity_def *def = NULL;
    for (const struct crm_entity_def *const *e = crm_entities; us && *e && !def; e++)
        if (strlen((*e)->abbr) == (size_t)(us - s) && !strncmp((*e)->abbr, s, (size_t)(us - s)))
            def = *e;
    if (!def) /* parse_crm_link gave something else */
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has an invalid %s value",
                         uf->name, uf->type);
    return crm_check_link(c, def, strtoll(us + 1, NULL, 10), PERM_READ, uf->name);
}

static int insert_value(struct rest_call *c, int entity_type, const struct crm_uf *uf,
                        int64_t owner_id, const json_t *v)
{
    struct db_stmt *st;
    char name[256];
    int64_t file_id = 0;
    int rc = 0;
    if (uf->kind == CRM_UF_FILE) {
        rc = json_is_object(v) ? file_add(c, v, &file_id) : 0;
        if (!json_is_object(v))
            file_id = json_integer_value(v);
        if (!rc && (rc = file_name(c->db, file_id, name, sizeof(name))) == -E_NOTFOUND)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "field '%s': file %lld is not a file of this record", uf->name,
                             (long long)file_id);
        if (rc)
            return rest_fail_db(c, rc);
    }
    if ((rc = db_prepare(c->db, SQL_INSERT, &st)))
        return rest_fail_db(c, rc);
    db_bind_int(st, 1, entity_type);
    db_bind_int(st, 2, owner_id);
    db_bind_int(st, 3, uf->id);
    if (uf->kind == CRM_UF_FILE) {
        db_bind_text(st, 4, name, -1);
        db_bind_int(st, 5, file_id);
    } else if (crm_uf_numeric(uf->kind)) {
        db_bind_null(st, 4);
        db_bind_json_value(st, 5, v);
    } else {
        db_bind_json_value(st, 4, v);
        db_bind_null(st, 5);
    }
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rest_fail_db(c, rc) : 0;
}

/* The values field uf of record owner_id holds now: file ids, or the text of crm links. */
static int old_values(struct db *db, const struct crm_uf *uf, int64_t owner_id, json_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_OLD_VALUES, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, uf->id);
    db_bind_int(st, 2, owner_id);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *text = db_col_text(st, 1);
        json_array_append_new(out, uf->kind == CRM_UF_FILE ? json_integer(db_col_int(st, 0))
                                                           : json_string(text ? text : ""));
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* Deletes the files of ids that no value names any more (another record may still hold one,
 * from before links were checked, or a merge). */
static int drop_unused(struct db *db, const json_t *ids)
{
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id)
    {
        struct db_stmt *st;
        int rc = db_prepare(db, SQL_FILE_DROP, &st);
        if (rc)
            return rc;
        db_bind_int(st, 1, json_integer_value(id));
        rc = db_step(st);
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int crm_uf_store(struct rest_call *c, int entity_type, const struct crm_uf *uf, int64_t owner_id,
                 const json_t *stored)
{
    struct db_stmt *st;
    json_t *before = json_array(), *values = json_array(), *v;
    size_t i;
    bool links = uf->kind == CRM_UF_FILE || uf->kind == CRM_UF_CRM;
    int rc = links ? old_values(c->db, uf, owner_id, before) : 0;
    if (json_is_array(stored))
        json_array_extend(values, (json_t *)stored);
    else if (stored && !json_is_null(stored))
        json_array_append(values, (json_t *)stored);
    if (rc) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    json_array_foreach(values, i, v)
    { /* every value checked before anything is written */
        if (links && (rc = check_new_value(c, uf, v, before)))
            goto out;
    }
    if ((rc = db_prepare(c->db, SQL_CLEAR, &st))) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    db_bind_int(st, 1, uf->id);
    db_bind_int(st, 2, owner_id);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0) {
        rc = rest_fail_db(c, rc);
        goto out;
    }
    rc = 0;
    json_array_foreach(values, i, v)
    {
        if ((rc = insert_value(c, entity_type, uf, owner_id, v)))
            goto out;
    }
    if (uf->kind == CRM_UF_FILE && (rc = drop_unused(c->db, before)))
        rc = rest_fail_db(c, rc);
out:
    json_decref(before);
    json_decref(values);
    return rc;
}

int crm_uf_drop_owner(struct db *db, int entity_type, int64_t owner_id)
{
    struct db_stmt *st;
    json_t *files = json_array();
    int rc = db_prepare(db, SQL_OWNER_FILES, &st);
    if (!rc) {
        db_bind_int(st, 1, entity_type);
        db_bind_int(st, 2, owner_id);
        while ((rc = db_step(st)) == DB_ROW)
            json_array_append_new(files, json_integer(db_col_int(st, 0)));
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    if (!rc && !(rc = db_prepare(db, SQL_DROP_OWNER, &st))) {
        db_bind_int(st, 1, entity_type);
        db_bind_int(st, 2, owner_id);
        rc = db_step(st);
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    if (!rc)
        rc = drop_unused(db, files);
    json_decref(files);
    return rc;
}

/* ---- loading -------------------------------------------------------------------------------- */

static json_t *format_value(const struct crm_uf *uf, struct db_stmt *st, enum crm_format fmt)
{
    char buf[64];
    bool legacy = fmt == CRM_FMT_LEGACY;
    struct crm_field f = {.name = uf->name};
    int64_t i = db_col_int(st, 3);
    double d = db_col_double(st, 3);
    const char *text = db_col_text(st, 2);
    switch (uf->kind) {
    case CRM_UF_INTEGER:
    case CRM_UF_ENUM:
    case CRM_UF_EMPLOYEE:
        snprintf(buf, sizeof(buf), "%lld", (long long)i);
        return legacy ? json_string(buf) : json_integer(i);
    case CRM_UF_DOUBLE:
        snprintf(buf, sizeof(buf), "%.15g", d);
        return legacy ? json_string(buf) : json_real(d);
    case CRM_UF_BOOLEAN:
        return json_string(legacy ? (i ? "1" : "0") : (i ? "Y" : "N"));
    case CRM_UF_DATETIME: {
        json_t *v = json_integer(i), *out;
        f.type = CRM_T_DATETIME;
        out = crm_value_format(&f, v, fmt);
        json_decref(v);
        return out;
    }
    case CRM_UF_DATE: {
        json_t *v = json_string(text ? text : ""), *out;
        f.type = CRM_T_DATE;
        out = crm_value_format(&f, v, fmt);
        json_decref(v);
        return out;
    }
    case CRM_UF_FILE:
        snprintf(buf, sizeof(buf), "%lld", (long long)i);
        return json_pack("{s:o, s:s, s:s, s:s}", "id", legacy ? json_string(buf) : json_integer(i),
                         "name", text ? text : "", "showUrl", "", "downloadUrl", "");
    default:
        return text ? json_string(text) : json_null();
    }
}

/* The key of uf in rows of format fmt. */
static const char *uf_key(const struct crm_uf *uf, enum crm_format fmt, char *buf, size_t len)
{
    if (fmt == CRM_FMT_LEGACY || !crm_camel_name(uf->name, buf, len))
        return uf->name;
    return buf;
}

/* Empty values first, so every chosen field is present even without a stored value. */
static void preset(const struct crm_uf *ufs, size_t n_ufs, const unsigned char *chosen,
                   enum crm_format fmt, json_t *rows)
{
    const char *key;
    json_t *row;
    char buf[96];
    json_object_foreach(rows, key, row)
    {
        for (size_t u = 0; u < n_ufs; u++)
            if (!chosen || chosen[u])
                json_object_set_new(row, uf_key(&ufs[u], fmt, buf, sizeof(buf)),
                                    ufs[u].multiple ? json_array() : json_null());
    }
}

int crm_uf_load(struct db *db, const struct crm_uf *ufs, size_t n_ufs, const unsigned char *chosen,
                const int64_t *ids, size_t n, enum crm_format fmt, json_t *rows)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    size_t n_fields = 0;
    int rc;
    char buf[96], key[24];
    strbuf_init(&sql, 0);
    strbuf_addstr(&sql, "SELECT owner_id, field_id, value_text, value_num FROM crm_uf_value"
                        " WHERE field_id IN (");
    for (size_t u = 0; u < n_ufs; u++)
        if (!chosen || chosen[u])
            strbuf_addf(&sql, "%s%lld", n_fields++ ? ", " : "", (long long)ufs[u].id);
    strbuf_addstr(&sql, ") AND owner_id IN (");
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sql, "%s%lld", i ? ", " : "", (long long)ids[i]);
    strbuf_addstr(&sql, ") ORDER BY owner_id, field_id, id");
    preset(ufs, n_ufs, chosen, fmt, rows);
    if (!n_fields || !n) {
        strbuf_release(&sql);
        return 0;
    }
    if ((rc = db_prepare_dyn(db, sql.buf, &st)))
        goto out;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t field = db_col_int(st, 1);
        const struct crm_uf *uf = NULL;
        for (size_t u = 0; u < n_ufs && !uf; u++)
            if (ufs[u].id == field)
                uf = &ufs[u];
        snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 0));
        json_t *row = json_object_get(rows, key);
        if (!uf || !row)
            continue;
        const char *k = uf_key(uf, fmt, buf, sizeof(buf));
        json_t *v = format_value(uf, st, fmt);
        if (uf->multiple)
            json_array_append_new(json_object_get(row, k), v);
        else
            json_object_set_new(row, k, v);
    }
    rc = rc < 0 ? rc : 0;
out:
    if (st)
        db_finalize(st);
    strbuf_release(&sql);
    return rc;
}
