/* The caller's role level as handlers read it: the dispatcher decides the level for the
 * method's own permission entity and action once per call (rest_invoke) and keeps it on the
 * call; handlers that narrow rows or check an owner read it here instead of asking the
 * permission engine again. */
#ifndef KAZI_REST_PERM_H
#define KAZI_REST_PERM_H

#include "core/auth/perm.h"

struct rest_call;

/* The caller's level for entity/action: PERM_LEVEL_ALL for administrators and calls without
 * a user; the level the dispatcher decided when entity/action are the method's; else
 * perm_level's answer. Returns 0 or a database error. */
int rest_perm_level(struct rest_call *c, const char *entity, enum perm_action action,
                    enum perm_level *out);

#endif
