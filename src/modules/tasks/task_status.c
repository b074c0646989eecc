/* The status flow of a task: tasks.task.start, .pause, .complete, .defer, .renew, .approve,
 * .disapprove and .delegate. One table says who may take each step (by role in the task;
 * administrators may take any) and from which statuses; a refused step answers 403
 * ACCESS_DENIED (wrong person) or 400 ACTION_NOT_ALLOWED (wrong status) and changes nothing.
 * Completing a task under control (TASK_CONTROL=Y) by anyone but its creator moves it to
 * "awaiting control" (4) until the creator approves or disapproves it. */
#include <string.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

#define ST(s) (1u << (s))
#define DOER (TASK_ROLE_RESPONSIBLE | TASK_ROLE_ACCOMPLICE)
#define OPEN (ST(TASK_NEW) | ST(TASK_PENDING) | ST(TASK_IN_PROGRESS) | ST(TASK_DEFERRED))

enum step {
    STEP_START,
    STEP_PAUSE,
    STEP_COMPLETE,
    STEP_DEFER,
    STEP_RENEW,
    STEP_APPROVE,
    STEP_DISAPPROVE,
    STEP_DELEGATE
};

static const struct step_rule {
    const char *verb; /* for messages: "you may not <verb> task 5" */
    unsigned roles;   /* enum task_role bits allowed */
    unsigned from;    /* ST() bits of the statuses it starts from */
    int to;           /* the new status; complete decides itself */
} rules[] = {
    [STEP_START] = {"start", DOER, ST(TASK_NEW) | ST(TASK_PENDING) | ST(TASK_DEFERRED),
                    TASK_IN_PROGRESS},
    [STEP_PAUSE] = {"pause", DOER, ST(TASK_IN_PROGRESS), TASK_PENDING},
    [STEP_COMPLETE] = {"complete", DOER | TASK_ROLE_CREATOR, OPEN, TASK_COMPLETED},
    [STEP_DEFER] = {"defer", TASK_ROLE_RESPONSIBLE | TASK_ROLE_CREATOR,
                    ST(TASK_NEW) | ST(TASK_PENDING) | ST(TASK_IN_PROGRESS), TASK_DEFERRED},
    [STEP_RENEW] = {"renew", TASK_ROLE_CREATOR,
                    ST(TASK_SUPPOSEDLY_COMPLETED) | ST(TASK_COMPLETED) | ST(TASK_DEFERRED),
                    TASK_PENDING},
    [STEP_APPROVE] = {"approve", TASK_ROLE_CREATOR, ST(TASK_SUPPOSEDLY_COMPLETED), TASK_COMPLETED},
    [STEP_DISAPPROVE] = {"disapprove", TASK_ROLE_CREATOR, ST(TASK_SUPPOSEDLY_COMPLETED),
                         TASK_PENDING},
    [STEP_DELEGATE] = {"delegate", TASK_ROLE_RESPONSIBLE | TASK_ROLE_CREATOR, OPEN, TASK_PENDING},
};

static void set_status(struct task_row *r, int status, int64_t user, int64_t now)
{
    bool closed = status == TASK_COMPLETED || status == TASK_SUPPOSEDLY_COMPLETED;
    if (status == TASK_IN_PROGRESS && r->date_start == TASKS_NO_TIME)
        r->date_start = now;
    if (status != r->status) {
        r->status = status;
        r->status_changed_by = user;
        r->status_changed_date = now;
    }
    r->closed_by = closed ? user : 0;
    r->closed_date = closed ? now : TASKS_NO_TIME;
}

/* The new responsible of delegate; the previous one stays on as an auditor. */
static int delegate_to(struct rest_call *c, struct task_access *a)
{
    int64_t to, aud[TASKS_MAX_IDS];
    bool active = false, have = false;
    int n, rc;
    if (rest_param_id(c, rest_param(c, "userId"), "userId", true, &to))
        return -1;
    if ((rc = tasks_user_active(c->db, to, &active)))
        return rest_fail_db(c, rc);
    if (!active)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "parameter 'userId': user %lld does not "
                         "exist",
                         (long long)to);
    if ((n = task_members_get(c->db, a->row.id, 'U', aud, TASKS_MAX_IDS - 1)) < 0)
        return rest_fail_db(c, n);
    for (int i = 0; i < n; i++)
        have |= aud[i] == a->row.responsible_id;
    if (!have && a->row.responsible_id != to)
        aud[n++] = a->row.responsible_id;
    rc = task_members_set(c->db, a->row.id, 'U', aud, (size_t)n);
    if (!rc)
        rc = task_members_set(c->db, a->row.id, 'R', &to, 1);
    if (rc)
        return rest_fail_db(c, rc);
    a->row.responsible_id = to;
    return 0;
}

static int step(struct rest_call *c, enum step s)
{
    const struct step_rule *rule = &rules[s];
    int64_t now = (int64_t)time_now_real(), user = c->auth->user_id;
    struct task_access a;
    int to = rule->to, rc;
    if (task_access_open(c, rest_param(c, "taskId"), "taskId", &a) ||
        task_access_require(c, &a, rule->roles, rule->verb))
        return -1;
    if (a.row.status < 0 || a.row.status > 31 || !(rule->from & ST(a.row.status)))
        return rest_fail(c, 400, "ACTION_NOT_ALLOWED",
                         "task %lld cannot be %s now: its status is %lld", (long long)a.row.id,
                         s == STEP_DELEGATE ? "delegated" : rule->verb, (long long)a.row.status);
    if (s == STEP_COMPLETE && a.row.task_control == 'Y' && !(a.roles & TASK_ROLE_CREATOR))
        to = TASK_SUPPOSEDLY_COMPLETED;
    if (s == STEP_DELEGATE && delegate_to(c, &a))
        return -1;
    set_status(&a.row, to, user, now);
    a.row.changed_by = user;
    a.row.changed_date = a.row.activity_date = now;
    if ((rc = task_row_save(c->db, &a.row)) ||
        (s == STEP_DELEGATE && (rc = task_access_refresh_task(c->db, a.row.id))))
        return rest_fail_db(c, rc);
    if (task_event(c, "ONTASKUPDATE", &a.row, true, true))
        return -1;
    return task_answer(c, a.row.id);
}

static int task_start(struct rest_call *c)
{
    return step(c, STEP_START);
}

static int task_pause(struct rest_call *c)
{
    return step(c, STEP_PAUSE);
}

static int task_complete(struct rest_call *c)
{
    return step(c, STEP_COMPLETE);
}

static int task_defer(struct rest_call *c)
{
    return step(c, STEP_DEFER);
}

static int task_renew(struct rest_call *c)
{
    return step(c, STEP_RENEW);
}

static int task_approve(struct rest_call *c)
{
    return step(c, STEP_APPROVE);
}

static int task_disapprove(struct rest_call *c)
{
    return step(c, STEP_DISAPPROVE);
}

static int task_delegate(struct rest_call *c)
{
    return step(c, STEP_DELEGATE);
}

#define STEP_METHOD(n, f)                                                                          \
    {                                                                                              \
        .name = "tasks.task." n, .scope = "task", .fn = f, .entity = "task",                       \
        .action = PERM_UPDATE, .flags = REST_WRITE                                                 \
    }

const struct rest_method task_status_methods[] = {
    STEP_METHOD("start", task_start),
    STEP_METHOD("pause", task_pause),
    STEP_METHOD("complete", task_complete),
    STEP_METHOD("defer", task_defer),
    STEP_METHOD("renew", task_renew),
    STEP_METHOD("approve", task_approve),
    STEP_METHOD("disapprove", task_disapprove),
    STEP_METHOD("delegate", task_delegate),
    {0},
};
