/* The SQL of the CRM entity engine: statements built once per entity from its field table
 * (row select, insert, update, delete, derived flags, link clearing), value binding, the
 * history table, and the select of a list page. Column names come only from the static field
 * tables and user-field ids; client values reach SQL only as bound parameters. It knows
 * nothing of REST (lists run in crm_list.c). Dictionaries, multi-fields, user fields and
 * bindings keep their own statements in their files. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/xalloc.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "modules/crm/crm_internal.h"

static const char SQL_USER_EXISTS[] = "SELECT 1 FROM core_user WHERE id = ?";
static const char SQL_HISTORY_ADD[] =
    "INSERT INTO crm_timeline (owner_type, owner_id, type, author_id, created_at, data)"
    " VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_HISTORY_DROP[] =
    "DELETE FROM crm_timeline WHERE owner_type = ? AND owner_id = ?";

/* ---- statements built at start-up ---------------------------------------------------------- */

__attribute__((format(printf, 1, 2))) static char *heap_printf(const char *fmt, ...)
{
    struct strbuf sb;
    va_list ap;
    strbuf_init(&sb, 0);
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    return strbuf_detach(&sb, NULL);
}

static bool is_mirror(const struct crm_entity_def *def, const struct crm_field *f)
{
    for (const struct crm_binding_def *const *b = def->bindings; b && *b; b++)
        if ((*b)->mirror_field && !strcmp((*b)->mirror_field, f->name))
            return true;
    return false;
}

static void build_rows(const struct crm_entity_def *def, struct crm_entity_sql *s)
{
    struct strbuf sel, ins, vals, upd;
    strbuf_init(&sel, 0);
    strbuf_init(&ins, 0);
    strbuf_init(&vals, 0);
    strbuf_init(&upd, 0);
    s->cols = xcalloc(def->n_fields, sizeof(*s->cols));
    strbuf_addstr(&sel, "SELECT ");
    strbuf_addf(&ins, "INSERT INTO %s (", def->table);
    strbuf_addf(&upd, "UPDATE %s SET ", def->table);
    for (size_t i = 0; i < def->n_fields; i++) {
        const struct crm_field *f = &def->fields[i];
        if (!f->column)
            continue;
        strbuf_addf(&sel, "%s%s", s->n_cols ? ", " : "", f->column);
        if (s->n_cols) {
            strbuf_addf(&ins, "%s%s", s->n_cols > 1 ? ", " : "", f->column);
            strbuf_addstr(&vals, s->n_cols > 1 ? ", ?" : "?");
            strbuf_addf(&upd, "%s%s = ?", s->n_cols > 1 ? ", " : "", f->column);
        }
        if (!strcmp(f->column, def->owner_column))
            s->owner_col = (int)s->n_cols;
        s->cols[s->n_cols++] = f;
    }
    strbuf_addf(&sel, " FROM %s WHERE id = ?", def->table);
    strbuf_addf(&ins, ") VALUES (%s)", vals.buf);
    strbuf_addstr(&upd, " WHERE id = ?");
    s->select_row = strbuf_detach(&sel, NULL);
    s->insert = strbuf_detach(&ins, NULL);
    s->update = strbuf_detach(&upd, NULL);
    strbuf_release(&vals);
}

/* HAS_PHONE / HAS_EMAIL / HAS_IMOL from crm_fm, for entities that have those fields. */
static void build_fm_flags(const struct crm_entity_def *def, struct crm_entity_sql *s)
{
    static const struct {
        const char *field, *cond;
    } flags[] = {
        {"HAS_PHONE", "f.type_id = 'PHONE'"},
        {"HAS_EMAIL", "f.type_id = 'EMAIL'"},
        {"HAS_IMOL", "f.type_id = 'IM' AND f.value_type IN ('IMOL', 'OPENLINE')"},
    };
    struct strbuf sb;
    int n = 0;
    strbuf_init(&sb, 0);
    strbuf_addf(&sb, "UPDATE %s SET ", def->table);
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        const struct crm_field *f = crm_field_find(def, flags[i].field);
        if (!f || !f->column)
            continue;
        strbuf_addf(&sb,
                    "%s%s = CASE WHEN EXISTS (SELECT 1 FROM crm_fm f WHERE f.owner_type = %d"
                    " AND f.owner_id = %s.id AND %s) THEN 'Y' ELSE 'N' END",
                    n++ ? ", " : "", f->column, def->type_id, def->table, flags[i].cond);
    }
    strbuf_addstr(&sb, " WHERE id = ?");
    s->fm_flags = n ? strbuf_detach(&sb, NULL) : NULL;
    strbuf_release(&sb);
}

static void build_links(const struct crm_entity_def *def, struct crm_entity_sql *s)
{
    size_t nb = 0;
    for (const struct crm_binding_def *const *b = def->bindings; b && *b; b++, nb++) {
        const struct crm_field *f =
            (*b)->mirror_field ? crm_field_find(def, (*b)->mirror_field) : NULL;
        if (nb < CRM_MAX_BINDINGS && f && f->column)
            s->mirror[nb] = heap_printf("UPDATE %s SET %s = ? WHERE id = ?", def->table, f->column);
    }
    for (size_t i = 0; i < def->n_fields; i++) {
        const struct crm_field *f = &def->fields[i];
        if (f->type != CRM_T_LINK || !f->column || is_mirror(def, f) ||
            s->n_unlink >= CRM_MAX_UNLINK)
            continue;
        s->unlink[s->n_unlink].link_type = f->link_type;
        s->unlink[s->n_unlink++].sql =
            heap_printf("UPDATE %s SET %s = 0 WHERE %s = ?", def->table, f->column, f->column);
    }
    if (crm_field_find(def, "TITLE") && def->title_prefix)
        s->title = heap_printf("UPDATE %s SET title = ? WHERE id = ?", def->table);
    s->delete_row = heap_printf("DELETE FROM %s WHERE id = ?", def->table);
    s->owner = heap_printf("SELECT %s FROM %s WHERE id = ?", def->owner_column, def->table);
}

/* One whitelist entry of field f for the filter compiler. */
static void build_fdef(const struct crm_entity_def *def, const struct crm_field *f,
                       struct field_def *out, char **multi_sql)
{
    unsigned fl = 0;
    if (f->flags & CRM_F_FILTER)
        fl |= FIELD_FILTER;
    if (f->flags & CRM_F_SORT)
        fl |= FIELD_SORT;
    if (!(f->flags & CRM_F_NOSELECT) && f->type != CRM_T_LINKS)
        fl |= FIELD_SELECT;
    out->name = f->name;
    out->type = crm_filter_type(f->type);
    out->column = f->column ? heap_printf("t.%s", f->column) : xstrdup("NULL");
    if (f->type == CRM_T_MULTIFIELD) {
        fl = (fl & ~(unsigned)FIELD_SORT) | FIELD_MULTI;
        *multi_sql = heap_printf("t.id IN (SELECT f.owner_id FROM crm_fm f WHERE f.owner_type = %d"
                                 " AND f.type_id = '%s' AND f.value = ?)",
                                 def->type_id, f->name);
        out->multi_sql = *multi_sql;
    } else if (f->type == CRM_T_LINKS) {
        fl = 0;
    }
    out->flags = fl;
}

static void build_fdefs(const struct crm_entity_def *def, struct crm_entity_sql *s)
{
    char buf[128];
    s->n_fdefs = def->n_fields;
    s->fdefs[0] = xcalloc(def->n_fields, sizeof(struct field_def));
    s->fdefs[1] = xcalloc(def->n_fields, sizeof(struct field_def));
    s->fdef_field = xcalloc(def->n_fields, sizeof(*s->fdef_field));
    for (size_t i = 0; i < def->n_fields; i++) {
        const struct crm_field *f = &def->fields[i];
        char *multi = NULL;
        build_fdef(def, f, &s->fdefs[CRM_FMT_LEGACY][i], &multi);
        s->fdefs[CRM_FMT_TYPED][i] = s->fdefs[CRM_FMT_LEGACY][i];
        s->fdefs[CRM_FMT_TYPED][i].name =
            xstrdup(crm_field_out_name(f, CRM_FMT_TYPED, buf, sizeof(buf)));
        s->fdef_field[i] = f;
    }
}

int crm_sql_build(const struct crm_entity_def *def)
{
    struct crm_entity_sql *s = def->sql;
    memset(s, 0, sizeof(*s));
    build_rows(def, s);
    build_fm_flags(def, s);
    build_links(def, s);
    build_fdefs(def, s);
    return 0;
}

void crm_sql_free(const struct crm_entity_def *def)
{
    struct crm_entity_sql *s = def->sql;
    if (!s)
        return;
    for (size_t i = 0; i < s->n_fdefs && s->fdefs[0]; i++) {
        free((char *)s->fdefs[CRM_FMT_LEGACY][i].column);
        free((char *)s->fdefs[CRM_FMT_LEGACY][i].multi_sql);
        free((char *)s->fdefs[CRM_FMT_TYPED][i].name);
    }
    free(s->fdefs[0]);
    free(s->fdefs[1]);
    free(s->fdef_field);
    for (size_t i = 0; i < CRM_MAX_BINDINGS; i++)
        free(s->mirror[i]);
    for (size_t i = 0; i < s->n_unlink; i++)
        free(s->unlink[i].sql);
    free(s->cols);
    free(s->select_row);
    free(s->insert);
    free(s->update);
    free(s->delete_row);
    free(s->owner);
    free(s->fm_flags);
    free(s->title);
    memset(s, 0, sizeof(*s));
}

/* ---- values -------------------------------------------------------------------------------- */

/* Column col of st as a cell of the stored form of type t. */
static void col_cell(struct db_stmt *st, int col, enum crm_type t, struct crm_cell *v)
{
    memset(v, 0, sizeof(*v));
    v->null = db_col_type(st, col) == DB_NULL;
    switch (t) {
    case CRM_T_ID:
    case CRM_T_INT:
    case CRM_T_USER:
    case CRM_T_LINK:
    case CRM_T_LINKS:
    case CRM_T_CATEGORY:
    case CRM_T_DATETIME:
        v->kind = CRM_CELL_INT;
        v->i = db_col_int(st, col);
        return;
    case CRM_T_DOUBLE:
        v->kind = CRM_CELL_REAL;
        v->d = db_col_double(st, col);
        return;
    case CRM_T_STRING:
    case CRM_T_CHAR:
    case CRM_T_DATE:
    case CRM_T_STATUS:
    case CRM_T_CURRENCY:
    case CRM_T_MULTIFIELD:
        break;
    }
    v->kind = CRM_CELL_TEXT;
    v->s = db_col_text(st, col);
    v->null = v->null || !v->s;
}

json_t *crm_sql_col_value(struct db_stmt *st, int col, enum crm_type t)
{
    struct crm_cell v;
    col_cell(st, col, t, &v);
    return crm_cell_json(&v);
}

json_t *crm_sql_col_format(struct db_stmt *st, int col, const struct crm_field *f,
                           enum crm_format fmt)
{
    struct crm_cell v;
    col_cell(st, col, f->type, &v);
    return crm_value_format_cell(f, &v, fmt);
}

int crm_sql_col_write(struct strbuf *b, struct db_stmt *st, int col, const struct crm_field *f,
                      enum crm_format fmt)
{
    struct crm_cell v;
    struct crm_out o;
    col_cell(st, col, f->type, &v);
    crm_value_out(f, &v, fmt, &o);
    return crm_value_write(b, &o);
}

/* ---- rows ---------------------------------------------------------------------------------- */

static int step_done(struct db_stmt *st)
{
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : -E_DB;
}

int crm_sql_row_load(struct db *db, const struct crm_entity_def *def, int64_t id, json_t **out)
{
    struct crm_entity_sql *s = def->sql;
    struct db_stmt *st;
    int rc;
    *out = NULL;
    if ((rc = db_prepare(db, s->select_row, &st)))
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        json_t *row = json_object();
        for (size_t i = 0; i < s->n_cols; i++)
            json_object_set_new(row, s->cols[i]->name,
                                crm_sql_col_value(st, (int)i, s->cols[i]->type));
        *out = row;
        rc = 0;
    } else {
        rc = rc == DB_DONE ? -E_NOTFOUND : rc < 0 ? rc : -E_DB;
    }
    db_reset(st);
    return rc;
}

int crm_sql_row_open(struct db *db, const struct crm_entity_def *def, int64_t id,
                     struct db_stmt **row, int64_t *owner)
{
    int rc = db_prepare(db, def->sql->select_row, row);
    if (rc)
        return rc;
    db_bind_int(*row, 1, id);
    rc = db_step(*row);
    if (rc != DB_ROW) {
        db_reset(*row);
        return rc == DB_DONE ? -E_NOTFOUND : rc < 0 ? rc : -E_DB;
    }
    *owner = db_col_int(*row, def->sql->owner_col);
    return 0;
}

void crm_sql_row_close(struct db_stmt *row)
{
    db_reset(row);
}

/* Binds every column but ID from row, starting at parameter 1; returns the next index. */
static int bind_row(struct db_stmt *st, const struct crm_entity_sql *s, const json_t *row)
{
    int idx = 1;
    for (size_t i = 1; i < s->n_cols; i++) {
        int rc = db_bind_json_value(st, idx++, json_object_get(row, s->cols[i]->name));
        if (rc)
            return rc < 0 ? rc : -E_DB;
    }
    return idx;
}

int crm_sql_row_insert(struct db *db, const struct crm_entity_def *def, const json_t *row,
                       int64_t *id)
{
    struct db_stmt *st;
    int rc;
    if ((rc = db_prepare(db, def->sql->insert, &st)))
        return rc;
    if ((rc = bind_row(st, def->sql, row)) < 0) {
        db_reset(st);
        return rc;
    }
    if ((rc = step_done(st)))
        return rc;
    *id = db_last_id(db);
    return 0;
}

int crm_sql_row_update(struct db *db, const struct crm_entity_def *def, int64_t id,
                       const json_t *row)
{
    struct db_stmt *st;
    int rc, idx;
    if ((rc = db_prepare(db, def->sql->update, &st)))
        return rc;
    if ((idx = bind_row(st, def->sql, row)) < 0) {
        db_reset(st);
        return idx;
    }
    db_bind_int(st, idx, id);
    return step_done(st);
}

static int exec_id(struct db *db, const char *sql, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    return step_done(st);
}

int crm_sql_row_delete(struct db *db, const struct crm_entity_def *def, int64_t id)
{
    int rc = exec_id(db, def->sql->delete_row, id);
    /* records of every entity that point at this one lose the link */
    for (const struct crm_entity_def *const *e = crm_entities; !rc && *e; e++)
        for (size_t i = 0; !rc && i < (*e)->sql->n_unlink; i++)
            if ((*e)->sql->unlink[i].link_type == def->type_id)
                rc = exec_id(db, (*e)->sql->unlink[i].sql, id);
    return rc;
}

int crm_sql_owner(struct db *db, const struct crm_entity_def *def, int64_t id, int64_t *owner)
{
    struct db_stmt *st;
    int rc = db_prepare(db, def->sql->owner, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *owner = db_col_int(st, 0);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? -E_NOTFOUND : rc < 0 ? rc : -E_DB;
    }
    db_reset(st);
    return rc;
}

int crm_sql_fm_flags(struct db *db, const struct crm_entity_def *def, int64_t id)
{
    return def->sql->fm_flags ? exec_id(db, def->sql->fm_flags, id) : 0;
}

int crm_sql_set_title(struct db *db, const struct crm_entity_def *def, int64_t id,
                      const char *title)
{
    struct db_stmt *st;
    int rc;
    if (!def->sql->title)
        return 0;
    if ((rc = db_prepare(db, def->sql->title, &st)))
        return rc;
    db_bind_text(st, 1, title, -1);
    db_bind_int(st, 2, id);
    return step_done(st);
}

int crm_sql_user_exists(struct db *db, int64_t id, bool *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_USER_EXISTS, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    *out = rc == DB_ROW;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* ---- history ------------------------------------------------------------------------------- */

int crm_history_add(struct db *db, int owner_type, int64_t owner_id, const char *kind,
                    int64_t author_id, int64_t at, json_t *data)
{
    struct db_stmt *st;
    char *text = json_dumps(data, JSON_COMPACT);
    int rc = db_prepare(db, SQL_HISTORY_ADD, &st);
    json_decref(data);
    if (!rc) {
        db_bind_int(st, 1, owner_type);
        db_bind_int(st, 2, owner_id);
        db_bind_text(st, 3, kind, -1);
        db_bind_int(st, 4, author_id);
        db_bind_int(st, 5, at);
        db_bind_text(st, 6, text ? text : "{}", -1);
        rc = step_done(st);
    }
    free(text);
    return rc;
}

int crm_history_drop(struct db *db, int owner_type, int64_t owner_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_HISTORY_DROP, &st);
    if (rc)
        return rc;
    db_bind_int(st, 1, owner_type);
    db_bind_int(st, 2, owner_id);
    return step_done(st);
}

/* ---- lists --------------------------------------------------------------------------------- */

int crm_sql_list_select(const struct crm_entity_def *def, const unsigned char *chosen,
                        struct strbuf *sql, const struct crm_field **cols, size_t *n_cols)
{
    const struct crm_entity_sql *s = def->sql;
    *n_cols = 0;
    strbuf_addstr(sql, "SELECT t.id");
    for (size_t i = 1; i < s->n_fdefs; i++) {
        const struct crm_field *f = s->fdef_field[i];
        if (chosen[i] && f->column) {
            strbuf_addf(sql, ", t.%s", f->column);
            cols[(*n_cols)++] = f;
        }
    }
    return strbuf_addf(sql, " FROM %s t", def->table);
}
