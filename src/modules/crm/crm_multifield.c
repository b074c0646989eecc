/* Multi-fields of CRM records (PHONE, EMAIL, WEB, IM, LINK) in one table, crm_fm, with the
 * legacy update semantics: an item without ID adds, ID with VALUE changes, ID with an empty
 * VALUE (or DELETE=Y) deletes, items not named stay. value_norm holds the value as matched
 * (digits of a phone, lower-case e-mail) for filters and duplicate search. Also
 * crm.multifield.fields. It does not validate that an e-mail is deliverable or a phone real. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

#define FM_VALUE_MAX 250
#define FM_TYPE_MAX 50

static const char SQL_ADD[] = "INSERT INTO crm_fm (owner_type, owner_id, type_id, value_type,"
                              " value, value_norm) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_ONE[] = "SELECT value, value_type FROM crm_fm WHERE id = ? AND owner_type = ?"
                              " AND owner_id = ? AND type_id = ?";
static const char SQL_CHANGE[] =
    "UPDATE crm_fm SET value = ?, value_type = ?, value_norm = ? WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM crm_fm WHERE id = ?";
static const char SQL_DROP[] = "DELETE FROM crm_fm WHERE owner_type = ? AND owner_id = ?";
static const char SQL_LOAD_ONE[] =
    "SELECT id, owner_id, type_id, value_type, value FROM crm_fm WHERE owner_type = ?"
    " AND owner_id = ? ORDER BY type_id, id";

static const char *const fm_types[] = {"PHONE", "EMAIL", "WEB", "IM", "LINK"};

bool crm_fm_type_valid(const char *type_id)
{
    for (size_t i = 0; i < ARRAY_SIZE(fm_types); i++)
        if (!strcasecmp(fm_types[i], type_id))
            return true;
    return false;
}

/* The item's VALUE_TYPE upper-cased into buf, or the type's default when absent. */
static int value_type(const char *type_id, const json_t *item, char *buf, size_t len)
{
    char num[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(params_get((json_t *)item, "VALUE_TYPE"), num, sizeof(num));
    if (!s || !*s) {
        snprintf(buf, len, "%s", !strcasecmp(type_id, "IM") ? "OTHER" : "WORK");
        return 0;
    }
    size_t n = strlen(s);
    if (n > FM_TYPE_MAX || n >= len)
        return -E_INVAL;
    for (size_t i = 0; i <= n; i++) {
        if (s[i] && !isalnum((unsigned char)s[i]) && s[i] != '_')
            return -E_INVAL;
        buf[i] = (char)toupper((unsigned char)s[i]);
    }
    return 0;
}

static int fm_insert(struct db *db, int owner_type, int64_t owner_id, const char *type_id,
                     const char *vtype, const char *value)
{
    char norm[FM_VALUE_MAX + 1];
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ADD, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, owner_type);
    db_bind_int(st, 2, owner_id);
    db_bind_text(st, 3, type_id, -1);
    db_bind_text(st, 4, vtype, -1);
    db_bind_text(st, 5, value, -1);
    db_bind_text(st, 6, crm_fm_normalize(type_id, value, norm, sizeof(norm)), -1);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* Changes (value given) or deletes (value NULL) entry id; *found is false when the record
 * has no such entry of type_id. old receives the previous value (caller's buffer). */
static int fm_change(struct db *db, int owner_type, int64_t owner_id, const char *type_id,
                     int64_t id, const char *vtype, const char *value, bool *found)
{
    char norm[FM_VALUE_MAX + 1], old_type[FM_TYPE_MAX + 1] = "";
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ONE, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, owner_type);
    db_bind_int(st, 3, owner_id);
    db_bind_text(st, 4, type_id, -1);
    rc = db_step(st);
    *found = rc == DB_ROW;
    if (*found)
        snprintf(old_type, sizeof(old_type), "%s", db_col_text(st, 1));
    db_reset(st);
    if (rc < 0 || !*found)
        return rc < 0 ? rc : 0;
    if (!value)
        return db_run_ints(db, SQL_DELETE, 1, &id);
    if ((rc = db_prepare(db, SQL_CHANGE, &st)))
        return rc;
    db_bind_text(st, 1, value, -1);
    db_bind_text(st, 2, vtype ? vtype : old_type, -1);
    db_bind_text(st, 3, crm_fm_normalize(type_id, value, norm, sizeof(norm)), -1);
    db_bind_int(st, 4, id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* One item of a PHONE/EMAIL/... list. */
static int apply_item(struct rest_call *c, int owner_type, int64_t owner_id, const char *type_id,
                      const json_t *item, bool is_add)
{
    char num[PARAMS_STR_BUFSIZE], vtype[FM_TYPE_MAX + 1];
    int64_t id = 0;
    bool del = false, found = true;
    int rc;
    if (!json_is_object(item))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' items must be objects", type_id);
    json_t *idv = params_get((json_t *)item, "ID"), *vv = params_get((json_t *)item, "VALUE");
    const char *value = params_to_str(vv, num, sizeof(num));
    if (vv && !json_is_null(vv) && !value)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' VALUE must be a string", type_id);
    if (value && strlen(value) > FM_VALUE_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' VALUE is longer than %d bytes",
                         type_id, FM_VALUE_MAX);
    if (value_type(type_id, item, vtype, sizeof(vtype)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has an invalid VALUE_TYPE",
                         type_id);
    params_to_bool(params_get((json_t *)item, "DELETE"), &del);
    bool has_id = idv && !json_is_null(idv) && !(json_is_string(idv) && !json_string_length(idv));
    if (has_id && !is_add && (params_to_int64(idv, &id) || id <= 0))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has an invalid ID", type_id);
    if (is_add || !has_id) {
        if (!value || !*value || del)
            return 0;
        rc = fm_insert(c->db, owner_type, owner_id, type_id, vtype, value);
    } else {
        bool keep_type = !params_get((json_t *)item, "VALUE_TYPE");
        rc = fm_change(c->db, owner_type, owner_id, type_id, id, keep_type ? NULL : vtype,
                       (del || !value || !*value) ? NULL : value, &found);
    }
    if (rc)
        return rest_fail_db(c, rc);
    if (!found)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' has no item with ID %lld",
                         type_id, (long long)id);
    return 0;
}

int crm_fm_apply(struct rest_call *c, int owner_type, int64_t owner_id, const char *type_id,
                 const json_t *items, bool is_add)
{
    const char *key;
    json_t *v;
    size_t i;
    int rc = 0;
    if (!items || json_is_null(items) || (json_is_string(items) && !json_string_length(items)))
        return 0;
    if (json_is_object(items) &&
        (params_get((json_t *)items, "VALUE") || params_get((json_t *)items, "ID")))
        return apply_item(c, owner_type, owner_id, type_id, items, is_add);
    if (json_is_array(items)) {
        json_array_foreach(items, i, v)
        {
            if ((rc = apply_item(c, owner_type, owner_id, type_id, v, is_add)))
                return rc;
        }
        return 0;
    }
    if (json_is_object(items)) {
        json_object_foreach((json_t *)items, key, v)
        {
            if ((rc = apply_item(c, owner_type, owner_id, type_id, v, is_add)))
                return rc;
        }
        return 0;
    }
    return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' must be a list of items", type_id);
}

static bool wanted(const char *const *want, const char *type_id)
{
    if (!want)
        return true;
    for (; *want; want++)
        if (!strcasecmp(*want, type_id))
            return true;
    return false;
}

int crm_fm_load(struct db *db, int owner_type, const int64_t *ids, size_t n,
                const char *const *want, json_t *rows)
{
    struct strbuf sql;
    struct db_stmt *st = NULL;
    bool dyn = n > 1;
    int rc;
    if (!n)
        return 0;
    strbuf_init(&sql, 0);
    if (dyn) {
        strbuf_addstr(&sql, "SELECT id, owner_id, type_id, value_type, value FROM crm_fm"
                            " WHERE owner_type = ? AND owner_id IN (");
        for (size_t i = 0; i < n; i++)
            strbuf_addstr(&sql, i ? ", ?" : "?");
        strbuf_addstr(&sql, ") ORDER BY owner_id, type_id, id");
        rc = db_prepare_dyn(db, sql.buf, &st);
    } else {
        rc = db_prepare(db, SQL_LOAD_ONE, &st);
    }
    if (rc)
        goto out;
    db_bind_int(st, 1, owner_type);
    for (size_t i = 0; i < n; i++)
        db_bind_int(st, (int)i + 2, ids[i]);
    while ((rc = db_step(st)) == DB_ROW) {
        char key[24], id[24];
        const char *type_id = db_col_text(st, 2);
        snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 1));
        json_t *row = json_object_get(rows, key);
        if (!row || !type_id || !wanted(want, type_id))
            continue;
        json_t *list = json_object_get(row, type_id);
        if (!list) {
            list = json_array();
            json_object_set_new(row, type_id, list);
        }
        snprintf(id, sizeof(id), "%lld", (long long)db_col_int(st, 0));
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "ID", id, "VALUE_TYPE",
                                              db_col_text(st, 3), "VALUE", db_col_text(st, 4),
                                              "TYPE_ID", type_id));
    }
    rc = rc < 0 ? rc : 0;
out:
    if (st) {
        if (dyn)
            db_finalize(st);
        else
            db_reset(st);
    }
    strbuf_release(&sql);
    return rc;
}

/* One item {"ID":"…","VALUE_TYPE":…,"VALUE":…,"TYPE_ID":…} of the current row of st at the end
 * of b, after a comma when comma is set; -E_INVAL (b as it was) when a text is missing or not
 * UTF-8, which crm_fm_load also leaves out. */
static int write_item(struct strbuf *b, struct db_stmt *st, const char *type_id, bool comma)
{
    static const char *const keys[] = {"{\"ID\":", ",\"VALUE_TYPE\":", ",\"VALUE\":"};
    char id[STRBUF_INT_MAX + 1];
    size_t start = b->len;
    int rc = comma ? strbuf_addch(b, ',') : 0;
    strbuf_fmt_int(id, db_col_int(st, 0));
    const char *vals[] = {id, db_col_text(st, 3), db_col_text(st, 4)};
    for (int i = 0; i < 3 && !rc; i++)
        if (!(rc = vals[i] ? strbuf_addstr(b, keys[i]) : -E_INVAL))
            rc = jsonout_str(b, vals[i], strlen(vals[i]));
    if (!rc && !(rc = strbuf_addstr(b, ",\"TYPE_ID\":")) &&
        !(rc = jsonout_str(b, type_id, strlen(type_id))))
        rc = strbuf_addch(b, '}');
    if (rc)
        strbuf_truncate(b, start);
    return rc;
}

int crm_fm_write(struct db *db, int owner_type, int64_t id, struct strbuf *b, bool *first)
{
    struct db_stmt *st;
    char type[FM_TYPE_MAX + 1] = "";
    bool item = false;
    int rc = db_prepare(db, SQL_LOAD_ONE, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, owner_type);
    db_bind_int(st, 2, id);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *type_id = db_col_text(st, 2);
        if (!type_id || strlen(type_id) > FM_TYPE_MAX)
            continue;
        if (strcmp(type_id, type)) { /* rows come grouped by type: a new list */
            size_t before = b->len;
            if ((type[0] && (rc = strbuf_addch(b, ']'))) ||
                (!*first && (rc = strbuf_addch(b, ','))) || (rc = jsonout_key(b, type_id)) ||
                (rc = strbuf_addch(b, '['))) {
                if (rc != -E_INVAL)
                    break;
                strbuf_truncate(b, before); /* a name that is not UTF-8: left out */
                rc = 0;
                continue;
            }
            *first = false;
            item = false;
            snprintf(type, sizeof(type), "%s", type_id);
        }
        rc = write_item(b, st, type_id, item);
        if (rc == -E_INVAL) { /* left out, as crm_fm_load does */
            rc = 0;
            continue;
        }
        if (rc)
            break;
        item = true;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    return type[0] ? strbuf_addch(b, ']') : 0;
}

int crm_fm_drop(struct db *db, int owner_type, int64_t owner_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DROP, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, owner_type);
    db_bind_int(st, 2, owner_id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int multifield_fields(struct rest_call *c)
{
    json_t *o = json_object();
    static const char *const names[][2] = {
        {"ID", "int"},
        {"TYPE_ID", "string"},
        {"VALUE", "string"},
        {"VALUE_TYPE", "string"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        json_object_set_new(o, names[i][0],
                            json_pack("{s:s, s:b, s:b, s:b, s:b, s:s}", "type", names[i][1],
                                      "isRequired", false, "isReadOnly", i == 0, "isImmutable",
                                      false, "isMultiple", false, "title", names[i][0]));
    c->result = o;
    return 0;
}

const struct rest_method crm_multifield_methods[] = {
    {"crm.multifield.fields", "crm", multifield_fields, NULL, PERM_NONE_ACTION, 0, NULL},
    {0},
};
