/* The module contract. A module states everything it adds to the server as data in one
 * `const struct module`: REST methods, HTTP routes, permission entities, migrations and the
 * events it emits. Core registers the tables of enabled modules at start-up and enforces auth,
 * scopes, permissions, limits and decoding for every entry; a disabled module registers
 * nothing, runs nothing and allocates nothing. Modules never include each other's headers. */
#ifndef KAZI_MODULE_H
#define KAZI_MODULE_H

#include <stdbool.h>

#include "core/http/http.h"

struct rest_call; /* core/rest/rest.h */

/* REST handler: reads call->params, sets call->result (or calls rest_fail) and returns 0 on
 * success or the negative value rest_fail returned. */
typedef int (*rest_handler_fn)(struct rest_call *call);

enum perm_action {
    PERM_NONE_ACTION = 0,
    PERM_READ,
    PERM_ADD,
    PERM_UPDATE,
    PERM_DELETE,
    PERM_ADMIN
};

enum rest_flags {
    REST_WRITE = 1 << 0,    /* runs in a write transaction */
    REST_NO_BATCH = 1 << 1, /* refused inside batch */
    REST_PUBLIC = 1 << 2,   /* needs no authentication (server.time) */
    REST_LIST = 1 << 3,     /* list method: result is an array, total/next apply */
    REST_NO_TXN = 1 << 4,   /* the handler manages transactions itself (batch) */
    REST_ADMIN = 1 << 5,    /* only administrators may call it */
};

struct rest_method {
    const char *name;  /* lower-case method name, "crm.lead.add" */
    const char *scope; /* scope a webhook/token needs, "crm" */
    rest_handler_fn fn;
    const char *entity;      /* permission entity checked before the handler, or NULL */
    enum perm_action action; /* what the handler does to entity */
    unsigned flags;          /* enum rest_flags */
    const void *data;        /* handler's own table entry (e.g. which CRM entity); may be NULL */
};

struct module_route {
    const char *method;  /* "GET", "POST", "*" */
    const char *pattern; /* router pattern, e.g. "/dav/:user/" followed by a rest capture */
    http_handler_fn fn;
};

/* A kind of reference other modules may store to this module's records ("crm": "D_12", "C_3"),
 * and the check that decides whether the caller may make one: it fails the call (rest_fail)
 * with the module's one answer for a record that is missing or that the caller may not read,
 * naming field, and returns 0 when the reference may be written. Modules that store such a
 * reference ask core (rest_ref_check), never the owner module. */
struct module_ref {
    const char *kind; /* "crm" */
    int (*check)(struct rest_call *call, const char *field, const char *ref);
};

/* A permission entity. When its rows have an owning user (owned), the levels own, department
 * and subdepartment narrow them to rows owned by the caller, by their departments' members, or
 * also by sub-departments' members. An entity without an owner (settings, catalogues, a
 * tree everyone shares) has only none and all: core treats a stored own, department or
 * subdepartment as none there and role.add/update refuse them, so a level meant to narrow
 * never grants the whole entity. Leaving owned out (false) is the safe default. */
struct perm_entity {
    const char *entity; /* "crm_lead" */
    const char *title;  /* "Leads", for the role editor */
    bool owned;         /* rows have an owner (ASSIGNED_BY_ID, ...): every level applies */
};

struct migration {
    int version;      /* 1, 2, ... in order; never renumbered */
    const char *name; /* file name it came from, for the record */
    const char *sql;  /* one or more statements, applied in one transaction */
};

struct module {
    const char *name;  /* "crm"; also the run-time switch name */
    const char *title; /* "CRM" */
    bool always_on;    /* core: cannot be switched off */
    /* REST method tables, one per resource file, NULL-terminated; may be NULL. Each table
     * ends with an entry whose name is NULL. */
    const struct rest_method *const *method_tables;
    const struct module_route *routes;  /* terminated by method == NULL */
    const struct perm_entity *perms;    /* terminated by entity == NULL */
    const struct module_ref *refs;      /* terminated by kind == NULL; may be NULL */
    const struct migration *migrations; /* terminated by version == 0 */
    const char *const *events;          /* event names emitted, NULL-terminated; the
                                           `events` REST method lists them */
    int (*init)(void);                  /* after migrations, before serving; may be NULL */
    void (*fini)(void);                 /* at shutdown, after the last request; may be NULL */
};

/* Every compiled-in module, NULL-terminated, in start-up order (src/modules/modules.c). */
extern const struct module *const kazi_modules[];

#endif
