/* The in-process event bus. Modules emit named events (ONCRMLEADADD, ONTASKADD, ...) with a JSON
 * payload; subscribers registered at start-up run synchronously on the emitting thread, inside
 * the emitter's transaction, so what they write commits or rolls back with the change that
 * caused it. Subscribers must be quick; slow work (outbound webhooks, e-mail) is queued in a
 * table by a subscriber and delivered later. Modules never call each other: they emit and
 * subscribe here. */
#ifndef KAZI_EVENTS_BUS_H
#define KAZI_EVENTS_BUS_H

#include <jansson.h>
#include <stdint.h>

struct db;

struct event {
    const char *name; /* upper case, e.g. "ONCRMDEALUPDATE" */
    json_t *data;     /* payload, borrowed; Bitrix24 shape {"FIELDS": {"ID": 42}} */
    struct db *db;    /* the emitter's connection, inside its transaction */
    int64_t user_id;  /* who caused it, 0 for the system */
};

/* Returns 0, or non-zero to make the emitter fail (and roll back). */
typedef int (*event_handler_fn)(const struct event *ev, void *ctx);

/* Registers handler for name ("*" for every event). Call during start-up (module init), before
 * serving: the subscriber list is read without locks afterwards. Returns 0 or -E_TOOBIG. */
int events_subscribe(const char *name, event_handler_fn fn, void *ctx);

/* Calls every subscriber of ev->name and of "*" in registration order. Returns 0, or the
 * first non-zero a subscriber returned (later subscribers are not called). */
int events_emit(const struct event *ev);

/* Convenience: emits name with {"FIELDS": {"ID": id}} (reference handled here). */
int events_emit_id(struct db *db, const char *name, int64_t id, int64_t user_id);

/* Drops every subscription (shutdown and tests). */
void events_reset(void);

#endif
