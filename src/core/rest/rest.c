/* The REST method table, the checks every call passes (scope, admin, permission), the
 * transaction around a handler, and the helpers handlers use. The table (and the reference
 * kinds modules declare) is built once at start-up from the enabled modules and is read-only
 * afterwards, so lookups take no lock. */
#include "core/rest/rest.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/xalloc.h"
#include "core/db/db.h"
#include "core/http/metrics.h"
#include "core/json/jsonout.h"
#include "core/json/params.h"
#include "core/rest/filter.h"
#include "core/rest/rest_internal.h"
#include "core/rest/rest_perm.h"

#define REST_TABLE_SIZE 2048 /* power of two, well above twice the method count */

struct rest_entry {
    const struct rest_method *m;
    const struct module *mod;
    int family; /* metrics_family_id of the name */
};

static struct rest_entry table[REST_TABLE_SIZE];
static const struct rest_method **order; /* registration order, for `methods` */
static const struct module **order_mod;
static int n_methods;

#define REST_REFS_MAX 16
static const struct module_ref *refs[REST_REFS_MAX]; /* reference kinds of enabled modules */
static int n_refs;

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
    table[i] = (struct rest_entry){m, mod, metrics_family_id(m->name)};
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

static int add_refs(const struct module *mod)
{
    for (const struct module_ref *r = mod->refs; r && r->kind; r++) {
        for (int i = 0; i < n_refs; i++)
            if (!strcmp(refs[i]->kind, r->kind))
                return error("reference kind '%s' is declared twice (module '%s')", r->kind,
                             mod->name);
        if (n_refs >= REST_REFS_MAX)
            return error("too many reference kinds (module '%s')", mod->name);
        refs[n_refs++] = r;
    }
    return 0;
}

int rest_table_build(const struct module *const *mods, int n_mods)
{
    for (int i = 0; i < n_mods; i++) {
        if (add_refs(mods[i]))
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
    memset(refs, 0, sizeof(refs));
    n_refs = 0;
}

int rest_ref_check(struct rest_call *c, const char *kind, const char *field, const char *ref)
{
    for (int i = 0; i < n_refs; i++)
        if (!strcmp(refs[i]->kind, kind))
            return refs[i]->check(c, field, ref);
    return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s': '%s' is not a record you can see",
                     field, ref);
}

int rest_method_name(const char *s, size_t len, char *out, size_t outlen)
{
    while (len && s[len - 1] == '/')
        len--;
    if (len > 5 && !strncasecmp(s + len - 5, ".json", 5))
        len -= 5;
    else if (len > 4 && !strncasecmp(s + len - 4, ".xml", 4))
        return -E_INVAL;
    if (len == 0 || len >= outlen || len >= REST_METHOD_NAME_MAX)
        return -E_INVAL;
    for (size_t i = 0; i < len; i++) {
        char ch = (char)tolower((unsigned char)s[i]);
        if (!isalnum((unsigned char)ch) && ch != '.' && ch != '_')
            return -E_INVAL;
        out[i] = ch;
    }
    out[len] = '\0';
    return 0;
}

const struct rest_method *rest_find(const char *name, const struct module **module_out)
{
    return rest_find_family(name, module_out, NULL);
}

const struct rest_method *rest_find_family(const char *name, const struct module **module_out,
                                           int *family)
{
    char lower[REST_METHOD_NAME_MAX];
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
            if (family)
                *family = table[i].family;
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

/* How a storage error reads to a client: the one table from -E_* to HTTP status and code. */
static const struct {
    int rc, status;
    const char *code, *message;
} db_errors[] = {
    {-E_BUSY, 503, "DATABASE_BUSY", "database is busy, nothing was written"},
    {-E_NOSPC, 507, "INSUFFICIENT_STORAGE", "disk is full: nothing was written"},
};

int rest_fail_db(struct rest_call *c, int rc)
{
    if (c->status) /* already failed with a reason */
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(db_errors); i++)
        if (db_errors[i].rc == rc)
            return rest_fail(c, db_errors[i].status, db_errors[i].code, "%s", db_errors[i].message);
    return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "database error: %s, nothing was written",
                     error_str(rc));
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

/* rest_role_allows, with the level of m's entity and action in *lvl (ALL without one). */
static int role_level(struct rest_call *c, const struct rest_method *m, bool *allowed,
                      enum perm_level *lvl)
{
    int rc = 0;
    *lvl = PERM_LEVEL_ALL;
    *allowed = !(m->flags & REST_ADMIN) || (c->auth && c->auth->is_admin);
    if (*allowed && m->entity && c->auth && !c->auth->is_admin) {
        rc = perm_level(c->db, c->auth, m->entity, m->action, lvl);
        *allowed = !rc && *lvl != PERM_LEVEL_NONE;
    }
    return rc;
}

int rest_role_allows(struct rest_call *c, const struct rest_method *m, bool *allowed)
{
    enum perm_level lvl;
    return role_level(c, m, allowed, &lvl);
}

int rest_perm_level(struct rest_call *c, const char *entity, enum perm_action action,
                    enum perm_level *out)
{
    const struct rest_method *m = c->method;
    *out = PERM_LEVEL_ALL;
    if (!c->auth || c->auth->is_admin)
        return 0;
    if (c->perm_known && m && m->entity && entity && m->action == action &&
        !strcasecmp(m->entity, entity)) {
        *out = (enum perm_level)c->perm_level;
        return 0;
    }
    return perm_level(c->db, c->auth, entity, action, out);
}

/* Scope, administrator and permission checks, in that order. */
static int check_access(struct rest_call *c, const struct rest_method *m)
{
    bool allowed = false;
    enum perm_level lvl;
    if (!rest_has_scope(c, m->scope))
        return rest_fail(c, 403, "insufficient_scope",
                         "method '%s' needs scope '%s', which this credential does not have",
                         m->name, m->scope);
    if (role_level(c, m, &allowed, &lvl))
        return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "permissions cannot be read");
    c->perm_level = (int)lvl;
    c->perm_known = true;
    if (!allowed && (m->flags & REST_ADMIN))
        return rest_fail(c, 403, "ACCESS_DENIED", "method '%s' is for administrators only",
                         m->name);
    if (!allowed)
        return rest_fail(c, 403, "ACCESS_DENIED", "access to '%s' is denied by your role",
                         m->entity);
    return 0;
}

/* A call that failed because the disk is full answers 507 whatever error its handler chose:
 * the one place a full disk becomes a reply, so every write path reports it the same way. */
static int fail_if_disk_full(struct rest_call *c, int rc, unsigned nospc_before)
{
    if (rc != -E_NOSPC && db_nospc_count(c->db) == nospc_before)
        return 0;
    c->status = 0; /* replaces the handler's error */
    return rest_fail_db(c, -E_NOSPC);
}

int rest_invoke(struct rest_call *c, const struct rest_method *m)
{
    int rc;
    c->method = m;
    c->perm_known = false;
    c->total = -1;
    c->next = -1;
    c->db = db_conn();
    if (!c->db)
        return rest_fail(c, 503, "DATABASE_UNAVAILABLE", "database is not available");
    unsigned nospc = db_nospc_count(c->db);
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
        if (rc && fail_if_disk_full(c, rc, nospc))
            return -1;
        if (rc)
            return rest_fail_db(c, -E_BUSY);
    }
    rc = check_access(c, m);
    if (!rc)
        rc = m->fn(c);
    if (!own) {
        /* the caller ends the transaction */
    } else if (rc) {
        db_rollback(c->db);
    } else if ((rc = db_commit(c->db)) && !fail_if_disk_full(c, rc, nospc)) {
        rc = rest_fail(c, 500, "INTERNAL_SERVER_ERROR",
                       "the change cannot be committed, nothing was written");
    }
out:
    if (rc) {
        json_decref(c->result);
        c->result = NULL;
        fail_if_disk_full(c, rc, nospc);
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
