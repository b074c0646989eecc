/* The REST method table, the checks every call passes (scope, admin, permission), the
 * transaction around a handler, and the helpers handlers use. The table is built once at
 * start-up from the enabled modules and is read-only afterwards, so lookups take no lock. */
#include "core/rest/rest.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/xalloc.h"
#include "core/db/db.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/filter.h"
#include "core/rest/rest_internal.h"

#define REST_TABLE_SIZE 2048 /* power of two, well above twice the method count */
#define REST_NAME_MAX 128

struct rest_entry {
    const struct rest_method *m;
    const struct module *mod;
};

static struct rest_entry table[REST_TABLE_SIZE];
static const struct rest_method **order; /* registration order, for `methods` */
static const struct module **order_mod;
static int n_methods;

static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static int add_method(const struct rest_method *m, const struct module *mod)
{
    uint32_t i = hash_name(m->name) & (REST_TABLE_SIZE - 1);
    while (table[i].m) {
        if (!strcmp(table[i].m->name, m->name))
            return error("rest method '%s' is declared by '%s' and '%s'", m->name,
                         table[i].mod->name, mod->name);
        i = (i + 1) & (REST_TABLE_SIZE - 1);
    }
    if (n_methods >= REST_TABLE_SIZE / 2)
        return error("rest method table is full");
    table[i] = (struct rest_entry){m, mod};
    order = xrealloc(order, sizeof(*order) * (size_t)(n_methods + 1));
    order_mod = xrealloc(order_mod, sizeof(*order_mod) * (size_t)(n_methods + 1));
    order[n_methods] = m;
    order_mod[n_methods++] = mod;
    return 0;
}

static int add_table(const struct rest_method *t, const struct module *mod)
{
    for (; t && t->name; t++)
        if (add_method(t, mod))
            return -E_EXISTS;
    return 0;
}

int rest_table_build(const struct module *const *mods, int n_mods)
{
    for (int i = 0; i < n_mods; i++) {
        if (add_table(mods[i]->methods, mods[i]))
            return -E_EXISTS;
        for (const struct rest_method *const *t = mods[i]->method_tables; t && *t; t++)
            if (add_table(*t, mods[i]))
                return -E_EXISTS;
    }
    return 0;
}

void rest_table_free(void)
{
    memset(table, 0, sizeof(table));
    free(order);
    free(order_mod);
    order = NULL;
    order_mod = NULL;
    n_methods = 0;
}

const struct rest_method *rest_find(const char *name, const struct module **module_out)
{
    char lower[REST_NAME_MAX];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof(lower))
        return NULL;
    for (size_t j = 0; j <= n; j++)
        lower[j] = (char)tolower((unsigned char)name[j]);
    uint32_t i = hash_name(lower) & (REST_TABLE_SIZE - 1);
    while (table[i].m) {
        if (!strcmp(table[i].m->name, lower)) {
            if (module_out)
                *module_out = table[i].mod;
            return table[i].m;
        }
        i = (i + 1) & (REST_TABLE_SIZE - 1);
    }
    return NULL;
}

void rest_each(void (*fn)(void *ctx, const struct rest_method *m, const struct module *mod),
               void *ctx)
{
    for (int i = 0; i < n_methods; i++)
        fn(ctx, order[i], order_mod[i]);
}

int rest_fail(struct rest_call *c, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    c->status = status;
    c->error = code;
    va_start(ap, fmt);
    vsnprintf(c->error_description, sizeof(c->error_description), fmt, ap);
    va_end(ap);
    /* messages quote client input, which may not be UTF-8 or may be cut inside a character;
     * the envelope could not be rendered then */
    jsonout_scrub(c->error_description);
    return -1;
}

json_t *rest_param(struct rest_call *c, const char *name)
{
    return params_get(c->params, name);
}

int rest_param_int(struct rest_call *c, const char *name, int64_t *out)
{
    json_t *v = params_get(c->params, name);
    if (!v)
        return -E_NOTFOUND;
    return params_to_int64(v, out);
}

const char *rest_param_str(struct rest_call *c, const char *name)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(params_get(c->params, name), buf, sizeof(buf));
    return s ? arena_strdup(c->arena, s) : NULL;
}

void rest_set_list(struct rest_call *c, json_t *rows, int64_t total, int64_t start)
{
    c->result = rows;
    c->total = total;
    c->next = -1;
    size_t n = json_array_size(rows);
    if (total >= 0 && start >= 0 && start + (int64_t)n < total)
        c->next = start + (int64_t)n;
}

bool rest_total_from_page(int64_t offset, size_t rows, int64_t *total)
{
    if (offset < 0 || rows >= REST_PAGE_SIZE || (offset > 0 && rows == 0))
        return false;
    *total = offset + (int64_t)rows;
    return true;
}

bool rest_has_scope(const struct rest_call *c, const char *scope)
{
    if (!c->auth || !c->auth->scopes || !scope || !strcmp(scope, "basic"))
        return true;
    size_t sl = strlen(scope);
    for (const char *p = c->auth->scopes; *p;) {
        size_t l = strcspn(p, ",");
        if (l == sl && !strncmp(p, scope, l))
            return true;
        p += l + (p[l] ? 1 : 0);
    }
    return false;
}

int rest_role_allows(struct rest_call *c, const struct rest_method *m, bool *allowed)
{
    enum perm_level lvl = PERM_LEVEL_ALL;
    int rc = 0;
    *allowed = !(m->flags & REST_ADMIN) || (c->auth && c->auth->is_admin);
    if (*allowed && m->entity && c->auth && !c->auth->is_admin) {
        rc = perm_level(c->db, c->auth, m->entity, m->action, &lvl);
        *allowed = !rc && lvl != PERM_LEVEL_NONE;
    }
    return rc;
}

/* Scope, administrator and permission checks, in that order. */
static int check_access(struct rest_call *c, const struct rest_method *m)
{
    bool allowed = false;
    if (!rest_has_scope(c, m->scope))
        return rest_fail(c, 403, "insufficient_scope",
                         "method '%s' needs scope '%s', which this credential does not have",
                         m->name, m->scope);
    if (rest_role_allows(c, m, &allowed))
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "permissions cannot be read");
    if (!allowed && (m->flags & REST_ADMIN))
        return rest_fail(c, 403, "ACCESS_DENIED", "method '%s' is for administrators only",
                         m->name);
    if (!allowed)
        return rest_fail(c, 403, "ACCESS_DENIED", "access to '%s' is denied by your role",
                         m->entity);
    return 0;
}

int rest_invoke(struct rest_call *c, const struct rest_method *m)
{
    int rc;
    c->method = m;
    c->total = -1;
    c->next = -1;
    c->db = db_conn();
    if (!c->db)
        return rest_fail(c, 503, "DATABASE_UNAVAILABLE", "database is not available");
    if (m->flags & REST_NO_TXN) {
        if (check_access(c, m))
            return -1;
        rc = m->fn(c);
        goto out;
    }
    /* a read-only call whose credentials were checked in a read transaction runs in it */
    bool own = !(c->txn_open && !(m->flags & REST_WRITE));
    if (own) {
        rc = (m->flags & REST_WRITE) ? db_begin_write(c->db) : db_begin_read(c->db);
        if (rc)
            return rest_fail(c, 503, "DATABASE_BUSY", "database is busy, nothing was written");
    }
    rc = check_access(c, m);
    if (!rc)
        rc = m->fn(c);
    if (!own) {
        /* the caller ends the transaction */
    } else if (rc) {
        db_rollback(c->db);
    } else if (db_commit(c->db)) {
        rc = rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                       "the change cannot be committed, nothing was written");
    }
out:
    if (rc) {
        json_decref(c->result);
        c->result = NULL;
        if (!c->status)
            rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "method '%s' failed", m->name);
        return -1;
    }
    if (!c->result && !c->result_written)
        c->result = json_true();
    return 0;
}

struct strbuf *rest_result_text(struct rest_call *c)
{
    if (!c->reply)
        return NULL;
    strbuf_reset(c->reply);
    if (strbuf_addstr(c->reply, "{\"result\":"))
        return NULL;
    c->result_written = true;
    return c->reply;
}
