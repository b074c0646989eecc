/* The Bitrix24-compatible REST layer as handlers see it. The dispatcher (dispatch.c) resolves
 * the method, authenticates, checks scope, permission and rate limit, decodes parameters into
 * one JSON tree, opens the transaction the method's flags ask for, calls the handler, and
 * renders the envelope ({"result", "total", "next", "time"}) or the error. Handlers only read
 * call->params and set call->result, or fail with rest_fail(). */
#ifndef KAZI_REST_H
#define KAZI_REST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/auth/identity.h"
#include "core/base/arena.h"
#include "core/base/strbuf.h"
#include "core/module.h"

struct db;
struct config;
struct router;

struct rest_call {
    struct arena *arena; /* request arena: everything here lives until the reply is sent */
    struct db *db;       /* the thread's connection, in the transaction the flags asked for */
    const struct rest_method *method;
    const struct auth_identity *auth;
    json_t *params; /* decoded parameters, an object (borrowed) */
    json_t *result; /* set by the handler; the dispatcher takes the reference */
    int64_t total;  /* list methods: rows matching, or -1 when not counted */
    int64_t next;   /* list methods: next start, or -1 when this is the last page */
    bool in_batch;
    bool txn_open;        /* the caller already opened the read transaction and ends it */
    struct strbuf *reply; /* the reply body, for rest_result_text (NULL inside batch) */
    bool result_written;  /* the handler wrote its result into reply */
    /* the caller's enum perm_level for the method's entity and action, decided once by the
     * dispatcher; valid when perm_known (read it with rest_perm_level, rest_perm.h) */
    int perm_level;
    bool perm_known;
    /* error state, set by rest_fail */
    int status;
    const char *error;
    char error_description[512];
};

/* Records an error (HTTP status, Bitrix24 code, message) and returns -1 for the handler to
 * return. The message is lower case with the subject in quotes. */
int rest_fail(struct rest_call *c, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parameter helpers: case-insensitive top-level lookup (legacy methods accept `fields` and
 * `FIELDS`), and typed reads with the protocol's coercions. Return NULL / -E_NOTFOUND when
 * the parameter is absent, -E_INVAL when it has the wrong type. Borrowed. */
json_t *rest_param(struct rest_call *c, const char *name);
int rest_param_int(struct rest_call *c, const char *name, int64_t *out);
const char *rest_param_str(struct rest_call *c, const char *name); /* arena copy or NULL */
/* Reads v (a parameter named name) as a positive id. Absent, null or "": *out = 0, and 0 when
 * !required, else rest_fail 400 BX_EMPTY_REQUIRED "parameter '<name>' is required". Anything
 * else that is not a positive integer: rest_fail 400 INVALID_ARG_VALUE. Returns 0 or
 * rest_fail's value. */
int rest_param_id(struct rest_call *c, const json_t *v, const char *name, bool required,
                  int64_t *out);

/* Fails the call for the database error rc (the dispatcher rolls back), unless it has failed
 * already with a reason: 503 DATABASE_BUSY for -E_BUSY, 507 INSUFFICIENT_STORAGE for -E_NOSPC,
 * else 500 INTERNAL_SERVER_ERROR "database error: <what>, nothing was written". Returns -1,
 * rest_fail's value. */
int rest_fail_db(struct rest_call *c, int rc);

/* Sets the result of a list method: rows (reference stolen), the total when counted (or -1)
 * and the offset of this page; computes `next`. */
void rest_set_list(struct rest_call *c, json_t *rows, int64_t total, int64_t start);

/* For a handler that writes its result as JSON text rather than building it (a hot read):
 * returns the buffer to append exactly one JSON value to, or NULL when the caller needs
 * result as a value (inside batch); then the handler sets result as usual. Call it once. If
 * the handler then fails, the text is dropped and the error rendered as usual. Borrowed. */
struct strbuf *rest_result_text(struct rest_call *c);

/* Returns true when the call's credential carries scope (sessions carry every scope). */
bool rest_has_scope(const struct rest_call *c, const char *scope);

/* Whether the credential's administrator flag and roles let it call m (its scope aside):
 * *allowed is false for an administrators-only method or a permission entity and action its
 * roles grant at level none. Returns 0, or a database error (then *allowed is false). */
int rest_role_allows(struct rest_call *c, const struct rest_method *m, bool *allowed);

/* Start-up: builds the method table from the enabled modules, reads limits from cfg and adds
 * the /rest/ routes to router. Returns 0 or -E_EXISTS for a method declared twice (logged). */
int rest_init(const struct config *cfg, const struct module *const *mods, int n_mods,
              struct router *router);
void rest_fini(void);
/* While serving, from any thread (a reload): the rate limit from now on, as rate_limit_burst
 * and rate_limit_rate in the configuration (burst 0: off). Buckets keep their levels. */
void rest_set_rate_limit(int64_t burst, double rate_per_s);

/* Finds a method by case-insensitive name among the enabled modules; NULL when unknown.
 * *module_out (optional) receives its module. Borrowed. */
const struct rest_method *rest_find(const char *name, const struct module **module_out);
/* rest_find that also sets *family (when not NULL) to the method's family index for /metrics
 * (metrics_family_id); left alone when the method is not found. */
const struct rest_method *rest_find_family(const char *name, const struct module **module_out,
                                           int *family);
/* Visits every registered method in registration order. */
void rest_each(void (*fn)(void *ctx, const struct rest_method *m, const struct module *mod),
               void *ctx);

/* A page shorter than REST_PAGE_SIZE is the last one, so the total is offset plus its rows
 * and the count query can be skipped (same transaction, same snapshot). Returns true and
 * sets *total when that holds: a short page that is the first or holds rows. */
bool rest_total_from_page(int64_t offset, size_t rows, int64_t *total);

/* Checks a reference to another module's record before a handler stores it (tasks'
 * UF_CRM_TASK "D_12"): the enabled module that declares kind in its refs decides, and fails
 * the call with its answer for a record that is missing or hidden. With no enabled module for
 * kind there is nothing the caller could read: 400 INVALID_ARG_VALUE "field '<field>': '<ref>'
 * is not a record you can see". Returns 0 or rest_fail's value. */
int rest_ref_check(struct rest_call *c, const char *kind, const char *field, const char *ref);

/* Runs one method call as the dispatcher does (auth already resolved): scope, permission,
 * transaction, handler. Used by the HTTP entry point and by batch. On return either
 * c->result is set (0) or c->status/error are (-1). */
int rest_invoke(struct rest_call *c, const struct rest_method *m);

#endif
