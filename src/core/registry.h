/* Which modules run: core always, then every compiled-in module (src/modules/modules.c) that
 * the run-time switch enables. Registers their routes; the REST layer registers their methods.
 * A disabled module is never touched: no routes, no migrations, no init. */
#ifndef KAZI_REGISTRY_H
#define KAZI_REGISTRY_H

#include <stddef.h>

#include "core/config/config.h"
#include "core/module.h"

struct router;

/* The always-on core module (core_module.c). */
extern const struct module core_module;

/* Computes the enabled list from cfg->modules. An unknown module name is an error written to
 * err. Returns 0 or -E_CONFIG. */
int registry_init(const struct config *cfg, char *err, size_t errlen);
/* Enabled modules, core first (borrowed, static). */
const struct module *const *registry_modules(int *n);
/* Adds every enabled module's routes. Returns 0 or the router's error (logged). */
int registry_add_routes(struct router *r);
/* Calls init of every enabled module in order; on failure calls fini of those already done. */
int registry_start(void);
/* Calls fini in reverse order. */
void registry_stop(void);

#endif
