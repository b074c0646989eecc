/* The tasks module: tasks with their status flow, participants, checklists, comments and time
 * records, and the workgroups (projects) tasks belong to. This file is the module's table for
 * core: REST methods, the web app's /tasks pages, permission entities, events and migrations.
 * It includes no other module's headers: a task's CRM links travel as "D_12" strings in
 * ONTASKADD / ONTASKUPDATE / ONTASKDELETE on the event bus. */
#include "core/http/assets.h"
#include "core/module.h"
#include "modules/tasks/tasks_internal.h"

extern const struct migration migrations_tasks[];

static const struct rest_method *const tasks_method_tables[] = {
    task_methods,
    task_list_methods,
    task_status_methods,
    tasks_checklist_methods,
    tasks_comment_methods,
    tasks_elapsed_methods,
    tasks_group_methods,
    tasks_group_member_methods,
    NULL,
};

static const struct perm_entity tasks_perms[] = {
    /* owned: a task by its participants, a workgroup by its owner; task_access.c and group.c
     * narrow further by participation whatever the level */
    {"task", "Tasks", true},
    {"sonet_group", "Workgroups and projects", true},
    {NULL, NULL, false},
};

static const char *const tasks_events[] = {
    "ONTASKADD",           "ONTASKUPDATE",
    "ONTASKDELETE",        "ONTASKCOMMENTADD",
    "ONTASKCOMMENTUPDATE", "ONTASKCOMMENTDELETE",
    "ONSONETGROUPADD",     "ONSONETGROUPUPDATE",
    "ONSONETGROUPDELETE",  NULL,
};

/* the browser app's task screens: index.html, so a reload or a shared link works */
static const struct module_route tasks_routes[] = {
    {"GET", "/tasks", assets_http_app},
    {"GET", "/tasks/*path", assets_http_app},
    {NULL, NULL, NULL},
};

const struct module tasks_module = {
    .name = "tasks",
    .title = "Tasks and projects",
    .method_tables = tasks_method_tables,
    .routes = tasks_routes,
    .perms = tasks_perms,
    .migrations = migrations_tasks,
    .events = tasks_events,
    .init = task_live_init,
};
