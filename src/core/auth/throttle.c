/* Failure counters with fixed windows in a small table scanned linearly (a few thousand slots,
 * touched only by sign-in attempts, which cost an Argon2id hash each anyway), and a counting
 * gate for password hashing. Not a general rate limiter: REST calls use rest/ratelimit.c. */
#include "core/auth/throttle.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/base/error.h"

/* The slot holding key, or NULL. Caller holds the lock. */
static struct throttle_slot *throttle_find(struct throttle *t, const char *key)
{
    for (int i = 0; i < THROTTLE_SLOTS; i++)
        if (t->slots[i].key[0] && !strncmp(t->slots[i].key, key, THROTTLE_KEY_MAX - 1))
            return &t->slots[i];
    return NULL;
}

/* A free or expired slot, else the one whose window started first. Caller holds the lock. */
static struct throttle_slot *throttle_victim(struct throttle *t, int64_t now)
{
    struct throttle_slot *oldest = &t->slots[0];
    for (int i = 0; i < THROTTLE_SLOTS; i++) {
        struct throttle_slot *s = &t->slots[i];
        if (!s->key[0] || s->window_start + t->window_s <= now)
            return s;
        if (s->window_start < oldest->window_start)
            oldest = s;
    }
    return oldest;
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
