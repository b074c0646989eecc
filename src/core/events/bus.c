/* A fixed table of subscriptions, filled at start-up and read-only while serving. */
#include "core/events/bus.h"

#include <string.h>

#include "core/base/error.h"

#define EVENTS_MAX_SUBS 256

struct sub {
    const char *name;
    event_handler_fn fn;
    void *ctx;
};

static struct sub subs[EVENTS_MAX_SUBS];
static int n_subs;

int events_subscribe(const char *name, event_handler_fn fn, void *ctx)
{
    if (n_subs >= EVENTS_MAX_SUBS)
        return -E_TOOBIG;
    subs[n_subs++] = (struct sub){name, fn, ctx};
    return 0;
}

int events_emit(const struct event *ev)
{
    for (int i = 0; i < n_subs; i++) {
        if (strcmp(subs[i].name, "*") && strcmp(subs[i].name, ev->name))
            continue;
        int rc = subs[i].fn(ev, subs[i].ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int events_emit_id(struct db *db, const char *name, int64_t id, int64_t user_id)
{
    json_t *data = json_pack("{s:{s:I}}", "FIELDS", "ID", (json_int_t)id);
    struct event ev = {name, data, db, user_id};
    int rc = events_emit(&ev);
    json_decref(data);
    return rc;
}

void events_reset(void)
{
    n_subs = 0;
}
