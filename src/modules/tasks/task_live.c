/* Tasks on the live channel: ONTASKADD / ONTASKUPDATE / ONTASKDELETE reach the users who may
 * read the task, decided as tasks.task.get decides (the role's READ level on "task", then
 * the materialised visibility of task_access.c). A deleted task is visible to nobody but
 * administrators any more, so they alone get its ONTASKDELETE. */
#include "core/auth/perm.h"
#include "core/events/live.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

static int can_read(const void *ctx, struct db *db, const struct auth_identity *auth, int64_t id,
                    bool *ok)
{
    (void)ctx;
    enum perm_level lvl = PERM_LEVEL_NONE;
    struct rest_call c = {.db = db, .auth = auth};
    int rc;
    *ok = auth->is_admin;
    if (*ok)
        return 0;
    if ((rc = perm_level(db, auth, "task", PERM_READ, &lvl)) || lvl == PERM_LEVEL_NONE)
        return rc;
    return task_access_visible(&c, id, ok);
}

int task_live_init(void)
{
    return live_register("ONTASK", "task", "task", can_read, NULL);
}
