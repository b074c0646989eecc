/* The list of a CRM entity (crm.lead.list, crm.item.list, ...): the entity's whitelist with
 * its user fields, select checking, the caller's read level as a condition on the owner
 * column, and the multi-fields and user fields of the page's rows. Paging, the count and the
 * result are core's list runner (core/rest/list.h); the SQL of the page is crm_sql.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/db/db.h"
#include "core/rest/list.h"
#include "core/rest/rest.h"
#include "core/rest/rest_perm.h"
#include "modules/crm/crm_internal.h"

struct list_plan {
    struct rest_call *c;
    const struct crm_entity_def *def;
    enum crm_format fmt;
    struct field_def *fd; /* the entity's static entries, then its user fields (arena) */
    size_t n, n_static;
    struct crm_uf *ufs; /* heap */
    size_t n_uf;
    unsigned char *chosen;         /* arena, n entries */
    const struct crm_field **cols; /* the page's columns after the id (arena) */
    size_t n_cols;
    json_t *by_id; /* the page's rows by id, for the loaders */
    int64_t ids[REST_PAGE_SIZE];
    size_t n_ids;
};

static bool param_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)) ||
           ((json_is_array(v) || json_is_object(v)) && !json_array_size(v) && !json_object_size(v));
}

/* Checks every select item names a field (or a mask), then compiles the choice. User fields
 * come with "UF_*" or the default select, multiple ones included. */
static int plan_select(struct list_plan *p, const json_t *select)
{
    char err[256];
    bool all_uf = param_empty(select);
    json_t *items =
        json_is_string(select) ? json_pack("[O]", select) : json_incref((json_t *)select);
    json_t *v;
    const char *key;
    size_t i;
    int rc = 0;
    if (json_is_array(items)) {
        json_array_foreach(items, i, v)
        {
            const char *s = json_string_value(v);
            if (s && !strcmp(s, "*"))
                continue;
            if (s && !strcasecmp(s, "UF_*")) {
                all_uf = true;
                continue;
            }
            if (s && !filter_field_find(p->fd, p->n, s)) {
                rc = rest_fail(p->c, 400, "INVALID_ARG_VALUE", "select field '%s' is unknown", s);
                goto out;
            }
        }
    } else if (json_is_object(items)) {
        json_object_foreach(items, key, v)
        {
            const char *s = json_string_value(v);
            all_uf |= s && !strcasecmp(s, "UF_*");
            if (s && strcmp(s, "*") && strcasecmp(s, "UF_*") &&
                !filter_field_find(p->fd, p->n, s)) {
                rc = rest_fail(p->c, 400, "INVALID_ARG_VALUE", "select field '%s' is unknown", s);
                goto out;
            }
        }
    }
    if (select_compile(p->fd, p->n, items, true, p->chosen, err, sizeof(err))) {
        rc = rest_fail(p->c, 400, "INVALID_ARG_VALUE", "%s", err);
        goto out;
    }
    for (size_t u = p->n_static; all_uf && u < p->n; u++)
        p->chosen[u] = 1;
out:
    json_decref(items);
    return rc;
}

static int plan_where(struct list_plan *p, const struct crm_query *q, struct rest_list *l)
{
    char err[256];
    enum perm_level lvl = PERM_LEVEL_ALL;
    int rc = filter_compile(p->fd, p->n, q->filter, db_dialect(p->c->db), &l->where, l->binds, err,
                            sizeof(err));
    if (rc)
        return rest_fail(p->c, 400, "INVALID_ARG_VALUE", "%s", err);
    if ((rc = rest_perm_level(p->c, p->def->perm_entity, PERM_READ, &lvl)))
        return rest_fail_db(p->c, rc);
    if (lvl == PERM_LEVEL_ALL)
        return 0;
    char col[96];
    snprintf(col, sizeof(col), "t.%s", p->def->owner_column);
    if (strbuf_addstr(&l->where, " AND ") || perm_sql(p->c->auth, lvl, col, &l->where, l->binds))
        return rest_fail(p->c, 400, "INVALID_ARG_VALUE", "filter is too long");
    return 0;
}

static int plan_build(struct list_plan *p, const struct crm_query *q, struct rest_list *l)
{
    char err[256];
    struct crm_entity_sql *s = p->def->sql;
    int rc = crm_uf_defs(p->c->db, p->def->type_id, &p->ufs, &p->n_uf);
    if (rc)
        return rest_fail_db(p->c, rc);
    p->n_static = s->n_fdefs;
    p->n = s->n_fdefs + p->n_uf;
    p->fd = arena_alloc(p->c->arena, p->n * sizeof(*p->fd));
    p->chosen = arena_alloc(p->c->arena, p->n);
    p->cols = arena_alloc(p->c->arena, p->n_static * sizeof(*p->cols));
    memcpy(p->fd, s->fdefs[p->fmt], s->n_fdefs * sizeof(*p->fd));
    crm_uf_field_defs(p->c, p->ufs, p->n_uf, p->fmt, p->fd + p->n_static);
    if ((rc = plan_select(p, q->select)) || (rc = plan_where(p, q, l)))
        return rc;
    if (order_compile(p->fd, p->n, q->order, "t.id", &l->order, err, sizeof(err)))
        return rest_fail(p->c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

/* One row of the page: the chosen column fields, formatted; kept by id for the loaders. */
static json_t *list_row(struct rest_call *c, struct db_stmt *st, void *ctx)
{
    struct list_plan *p = ctx;
    const struct crm_field *idf = &p->def->fields[0];
    json_t *row = json_object();
    int64_t id = db_col_int(st, 0);
    char name[128], key[24];
    (void)c;
    json_object_set_new(row, crm_field_out_name(idf, p->fmt, name, sizeof(name)),
                        crm_sql_col_format(st, 0, idf, p->fmt));
    for (size_t i = 0; i < p->n_cols; i++)
        json_object_set_new(row, crm_field_out_name(p->cols[i], p->fmt, name, sizeof(name)),
                            crm_sql_col_format(st, (int)i + 1, p->cols[i], p->fmt));
    if (p->n_ids < REST_PAGE_SIZE) {
        snprintf(key, sizeof(key), "%lld", (long long)id);
        json_object_set(p->by_id, key, row);
        p->ids[p->n_ids++] = id;
    }
    return row;
}

/* Multi-fields and user fields of the page's rows. */
static int list_extras(struct rest_call *c, json_t *rows, void *ctx)
{
    struct list_plan *p = ctx;
    const char *want[8];
    size_t n_want = 0;
    int rc = 0;
    (void)rows;
    for (size_t i = 0; i < p->n_static && n_want < 7; i++) {
        const struct crm_field *f = p->def->sql->fdef_field[i];
        if (p->chosen[i] && f->type == CRM_T_MULTIFIELD)
            want[n_want++] = f->name;
    }
    want[n_want] = NULL;
    if (p->n_ids && n_want)
        rc = crm_fm_load(c->db, p->def->type_id, p->ids, p->n_ids, want, p->by_id);
    if (!rc && p->n_ids && p->n_uf)
        rc = crm_uf_load(c->db, p->ufs, p->n_uf, p->chosen + p->n_static, p->ids, p->n_ids, p->fmt,
                         p->by_id);
    return rc;
}

int crm_entity_query(struct rest_call *c, const struct crm_entity_def *def,
                     const struct crm_query *q)
{
    struct list_plan *p = arena_alloc(c->arena, sizeof(*p));
    struct strbuf select;
    struct rest_list l;
    int rc;
    memset(p, 0, sizeof(*p));
    p->c = c;
    p->def = def;
    p->fmt = q->fmt;
    strbuf_init(&select, 0);
    rest_list_init(&l, NULL, arena_printf(c->arena, "SELECT COUNT(*) FROM %s t", def->table));
    if ((rc = rest_list_start(c, &l)) || (rc = plan_build(p, q, &l))) {
        rest_list_release(&l);
        goto out;
    }
    crm_sql_list_select(def, p->chosen, &select, p->cols, &p->n_cols);
    p->by_id = json_object();
    l.select = select.buf;
    l.row = list_row;
    l.page_done = list_extras;
    l.ctx = p;
    rc = rest_list_run(c, &l);
out:
    json_decref(p->by_id);
    strbuf_release(&select);
    free(p->ufs);
    return rc;
}
