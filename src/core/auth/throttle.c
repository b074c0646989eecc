/* Failure counters with fixed windows in tables scanned linearly (a few thousand slots, or one
 * per account that failed lately, touched only by sign-in attempts, which cost an Argon2id hash
 * each anyway), and a counting gate for password hashing. Not a general rate limiter: REST
 * calls use rest/ratelimit.c. */
#include "core/auth/throttle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/error.h"
#include "core/base/xalloc.h"

/* The slot holding key, or NULL. Caller holds the lock. */
static struct throttle_slot *throttle_find(struct throttle *t, const char *key)
{
    for (int i = 0; i < THROTTLE_SLOTS; i++)
        if (t->slots[i].key[0] && !strncmp(t->slots[i].key, key, THROTTLE_KEY_MAX - 1))
            return &t->slots[i];
    return NULL;
}

/* A free or expired slot, else the one with the fewest failures, of those the one whose window
 * started first: a key that reached its limit is the last to go. Caller holds the lock. */
static struct throttle_slot *throttle_victim(struct throttle *t, int64_t now)
{
    struct throttle_slot *victim = &t->slots[0];
    for (int i = 0; i < THROTTLE_SLOTS; i++) {
        struct throttle_slot *s = &t->slots[i];
        if (!s->key[0] || s->window_start + t->window_s <= now)
            return s;
        if (s->failures < victim->failures ||
            (s->failures == victim->failures && s->window_start < victim->window_start))
            victim = s;
    }
    return victim;
}

int throttle_check(struct throttle *t, const char *key, int64_t now)
{
    int wait = 0;
    pthread_mutex_lock(&t->lock);
    struct throttle_slot *s = throttle_find(t, key);
    if (s && s->window_start + t->window_s > now && s->failures >= t->max_failures)
        wait = (int)(s->window_start + t->window_s - now);
    pthread_mutex_unlock(&t->lock);
    return wait > 0 ? wait : 0;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->lock);
    struct throttle_slot *s = throttle_find(t, key);
    if (!s) {
        s = throttle_victim(t, now);
        snprintf(s->key, sizeof(s->key), "%s", key);
        s->failures = 0;
        s->window_start = now;
    } else if (s->window_start + t->window_s <= now) {
        s->failures = 0;
        s->window_start = now;
    }
    s->failures++;
    pthread_mutex_unlock(&t->lock);
}

void throttle_clear(struct throttle *t, const char *key)
{
    pthread_mutex_lock(&t->lock);
    struct throttle_slot *s = throttle_find(t, key);
    if (s)
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&t->lock);
}

void throttle_reset(struct throttle *t)
{
    pthread_mutex_lock(&t->lock);
    memset(t->slots, 0, sizeof(t->slots));
    pthread_mutex_unlock(&t->lock);
}

/* The slot of id, or NULL; *spare receives an expired or free slot met on the way (or stays
 * NULL). Caller holds the lock. */
static struct throttle_id_slot *throttle_id_find(struct throttle_ids *t, int64_t id, int64_t now,
                                                 struct throttle_id_slot **spare)
{
    for (size_t i = 0; i < t->n; i++) {
        struct throttle_id_slot *s = &t->slots[i];
        if (s->id == id)
            return s;
        if (spare && !*spare && (!s->id || s->window_start + t->window_s <= now))
            *spare = s;
    }
    return NULL;
}

int throttle_id_check(struct throttle_ids *t, int64_t id, int64_t now)
{
    int wait = 0;
    if (id <= 0)
        return 0;
    pthread_mutex_lock(&t->lock);
    struct throttle_id_slot *s = throttle_id_find(t, id, now, NULL);
    if (s && s->window_start + t->window_s > now && s->failures >= t->max_failures)
        wait = (int)(s->window_start + t->window_s - now);
    pthread_mutex_unlock(&t->lock);
    return wait > 0 ? wait : 0;
}

void throttle_id_fail(struct throttle_ids *t, int64_t id, int64_t now)
{
    struct throttle_id_slot *spare = NULL;
    if (id <= 0)
        return;
    pthread_mutex_lock(&t->lock);
    struct throttle_id_slot *s = throttle_id_find(t, id, now, &spare);
    if (!s) {
        if (!spare) {
            if (t->n == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 64;
                t->slots = xrealloc(t->slots, t->cap * sizeof(*t->slots));
            }
            spare = &t->slots[t->n++];
        }
        s = spare;
        *s = (struct throttle_id_slot){.id = id, .window_start = now};
    } else if (s->window_start + t->window_s <= now) {
        s->failures = 0;
        s->window_start = now;
    }
    s->failures++;
    pthread_mutex_unlock(&t->lock);
}

void throttle_id_clear(struct throttle_ids *t, int64_t id)
{
    if (id <= 0)
        return;
    pthread_mutex_lock(&t->lock);
    struct throttle_id_slot *s = throttle_id_find(t, id, 0, NULL);
    if (s)
        *s = (struct throttle_id_slot){0};
    pthread_mutex_unlock(&t->lock);
}

void throttle_ids_reset(struct throttle_ids *t)
{
    pthread_mutex_lock(&t->lock);
    free(t->slots);
    t->slots = NULL;
    t->n = t->cap = 0;
    pthread_mutex_unlock(&t->lock);
}

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_busy;

int hash_gate_enter(int timeout_ms)
{
    struct timespec deadline;
    int rc = 0;
    clock_gettime(CLOCK_REALTIME, &deadline); /* the condition variable's default clock */
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&gate_lock);
    while (gate_busy >= HASH_GATE_SLOTS && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&gate_cond, &gate_lock, &deadline);
    if (gate_busy < HASH_GATE_SLOTS) {
        gate_busy++;
        rc = 0;
    } else {
        rc = -E_BUSY;
    }
    pthread_mutex_unlock(&gate_lock);
    return rc;
}

void hash_gate_leave(void)
{
    pthread_mutex_lock(&gate_lock);
    gate_busy--;
    pthread_cond_signal(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
}
