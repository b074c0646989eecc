/* The permission engine: roles grant, per entity and action, an access level (none / own /
 * department / department with sub-departments / all). Roles are assigned to users or to
 * departments (then every member gets them); a user's level is the highest any of their roles
 * grants. Administrators bypass. The REST dispatcher checks the level before a handler runs;
 * list handlers narrow their SQL with perm_sql so pages are never post-filtered. */
#ifndef KAZI_PERM_H
#define KAZI_PERM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/module.h"

struct db;
struct auth_identity;

enum perm_level {
    PERM_LEVEL_NONE = 0,
    PERM_LEVEL_OWN,     /* rows the user owns (ASSIGNED_BY_ID, RESPONSIBLE_ID, ...) */
    PERM_LEVEL_DEPT,    /* rows owned by anyone in the user's departments */
    PERM_LEVEL_SUBDEPT, /* ... or in their sub-departments */
    PERM_LEVEL_ALL,
};

/* The caller's level for entity/action (admins: ALL), as perm_level_effective reads it for
 * entity: on an entity without an owner only NONE or ALL. Returns 0 or a database error. */
int perm_level(struct db *db, const struct auth_identity *auth, const char *entity,
               enum perm_action action, enum perm_level *out);

/* Appends to where a condition (no leading AND) that keeps only rows whose owner_col holds a
 * user the level allows, with bind values appended to binds (a JSON array). For ALL it
 * appends "1=1", for NONE "1=0". */
int perm_sql(const struct auth_identity *auth, enum perm_level level, const char *owner_col,
             struct strbuf *where, json_t *binds);

/* True when a row owned by owner_id is within level for the caller. */
int perm_allows_owner(struct db *db, const struct auth_identity *auth, enum perm_level level,
                      int64_t owner_id, bool *allowed);

/* The declaration of entity (case-insensitive) among the enabled modules' perms tables, or
 * NULL when no enabled module declares it. Borrowed, static. */
const struct perm_entity *perm_entity_find(const char *entity);

/* What a stored level means on entity: OWN, DEPT and SUBDEPT are NONE on an entity whose rows
 * have no owner (perm_entity.owned false) or that no enabled module declares, and unchanged
 * on an owned one. "*" is not an entity: its levels are read per entity. The mapping keeps the
 * order of levels, so the highest of several roles' levels maps to the highest meaning. */
enum perm_level perm_level_effective(const char *entity, enum perm_level level);

/* Names used by roles and the role.* methods: actions "READ", "ADD", "UPDATE", "DELETE" and
 * levels "none", "own", "department", "subdepartment", "all". Parsing is case-insensitive and
 * also takes Bitrix's letters for levels ("" or "-" none, A own, D department, F department
 * with sub-departments, X all). Names are static strings; parse returns 0 or -E_INVAL.
 * PERM_ADMIN is not a role action: only administrators have it. */
const char *perm_action_name(enum perm_action action); /* NULL for PERM_ADMIN and unknown */
int perm_action_parse(const char *s, enum perm_action *out);
const char *perm_level_name(enum perm_level level);
int perm_level_parse(const char *s, enum perm_level *out);

#endif
