/* The enabled-module list and its start/stop sequence. */
#include "core/registry.h"

#include <string.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/http/router.h"

#define REGISTRY_MAX 32

static const struct module *enabled[REGISTRY_MAX + 1];
static int n_enabled, n_started;

static bool compiled_in(const char *name, size_t len)
{
    if (len == strlen(core_module.name) && !strncmp(name, core_module.name, len))
        return true;
    for (const struct module *const *m = kazi_modules; *m; m++)
        if (strlen((*m)->name) == len && !strncmp((*m)->name, name, len))
            return true;
    return false;
}

int registry_init(const struct config *cfg, char *err, size_t errlen)
{
    /* every name in the switch must be a module this binary has */
    if (strcmp(cfg->modules, "all")) {
        const char *p = cfg->modules;
        while (*p) {
            p += strspn(p, ", ");
            size_t len = strcspn(p, ", ");
            if (len && !compiled_in(p, len)) {
                snprintf(err, errlen,
                         "config: 'modules' names '%.*s', which is not a module of this build "
                         "(see kazi modules)",
                         (int)len, p);
                return -E_CONFIG;
            }
            p += len;
        }
    }
    n_enabled = 0;
    enabled[n_enabled++] = &core_module;
    for (const struct module *const *m = kazi_modules; *m && n_enabled < REGISTRY_MAX; m++)
        if ((*m)->always_on || config_module_enabled(cfg, (*m)->name))
            enabled[n_enabled++] = *m;
    enabled[n_enabled] = NULL;
    return 0;
}

const struct module *const *registry_modules(int *n)
{
    if (n)
        *n = n_enabled;
    return enabled;
}

int registry_add_routes(struct router *r)
{
    for (int i = 0; i < n_enabled; i++) {
        for (const struct module_route *rt = enabled[i]->routes; rt && rt->method; rt++) {
            int rc = router_add(r, rt->method, rt->pattern, rt->fn, enabled[i]->name);
            if (rc)
                return error("route '%s %s' of module '%s' cannot be added: %s", rt->method,
                             rt->pattern, enabled[i]->name, error_str(rc));
        }
    }
    return 0;
}

int registry_start(void)
{
    for (n_started = 0; n_started < n_enabled; n_started++) {
        const struct module *m = enabled[n_started];
        if (m->init && m->init()) {
            error("module '%s' failed to start", m->name);
            registry_stop();
            return -E_INTERNAL;
        }
    }
    return 0;
}

void registry_stop(void)
{
    while (n_started > 0) {
        const struct module *m = enabled[--n_started];
        if (m->fini)
            m->fini();
    }
}
