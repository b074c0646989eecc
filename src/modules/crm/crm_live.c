/* The CRM's records on the live channel: every entity's ADD / UPDATE / DELETE events reach the
 * users who may read the record, decided as crm.<entity>.get decides (the READ level of the
 * entity's role permission, checked against the record's owner). A deleted record has no owner
 * left: its DELETE reaches those whose level is "all". */
#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/events/live.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_entity.h"
#include "modules/crm/crm_internal.h"

static int can_read(const void *ctx, struct db *db, const struct auth_identity *auth, int64_t id,
                    bool *ok)
{
    const struct crm_entity_def *def = ctx;
    enum perm_level lvl = PERM_LEVEL_NONE;
    int64_t owner = 0;
    int rc;
    *ok = auth->is_admin;
    if (*ok)
        return 0;
    if ((rc = perm_level(db, auth, def->perm_entity, PERM_READ, &lvl)) || lvl == PERM_LEVEL_NONE)
        return rc;
    rc = crm_sql_owner(db, def, id, &owner);
    if (rc == -E_NOTFOUND) {
        *ok = lvl == PERM_LEVEL_ALL;
        return 0;
    }
    return rc ? rc : perm_allows_owner(db, auth, lvl, owner, ok);
}

int crm_live_init(void)
{
    for (const struct crm_entity_def *const *e = crm_entities; *e; e++)
        if (live_register((*e)->event_prefix, (*e)->name, "crm", can_read, *e))
            return -E_TOOBIG;
    return 0;
}
