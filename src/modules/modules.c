/* Every module this build can run, in start-up order. A module is compiled in when its
 * directory is in the build's MODULES list (make MODULES="crm tasks"), which defines
 * KAZI_WITH_<NAME>; the run-time switch (modules = ... / KAZI_MODULES) picks among these. */
#include "core/module.h"

#ifdef KAZI_WITH_CRM
extern const struct module crm_module;
#endif
#ifdef KAZI_WITH_TASKS
extern const struct module tasks_module;
#endif

const struct module *const kazi_modules[] = {
#ifdef KAZI_WITH_CRM
    &crm_module,
#endif
#ifdef KAZI_WITH_TASKS
    &tasks_module,
#endif
    NULL,
};
