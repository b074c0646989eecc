/* Sign-in flood protection for one node, in memory: a failure counter per key (an account or
 * a client address) over a fixed window, and a gate that bounds how many password hashes
 * (64 MiB each) run at once. Nothing is shared between processes or survives a restart: a
 * cluster would keep these counters in a shared store. */
#ifndef KAZI_THROTTLE_H
#define KAZI_THROTTLE_H

#include <pthread.h>
#include <stdint.h>

#define THROTTLE_SLOTS 2048 /* keys tracked at once; the oldest window is evicted when full */
#define THROTTLE_KEY_MAX 272

struct throttle_slot {
    char key[THROTTLE_KEY_MAX]; /* "" when free */
    int64_t window_start;       /* Unix seconds of the first failure in the window */
    int failures;
};

struct throttle {
    pthread_mutex_t lock;
    int max_failures; /* failures allowed per window; the next attempt is refused */
    int window_s;
    struct throttle_slot slots[THROTTLE_SLOTS];
};

/* Static initialiser: `static struct throttle t = THROTTLE_INIT(5, 900);` */
#define THROTTLE_INIT(max, window)                                                                 \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER, .max_failures = (max), .window_s = (window)             \
    }

/* Returns 0 when key may try now, else the seconds until its window ends (>= 1). Keys longer
 * than THROTTLE_KEY_MAX - 1 bytes are cut. now is Unix seconds. */
int throttle_check(struct throttle *t, const char *key, int64_t now);
/* Counts one failure for key (starting a new window when the old one has ended). */
void throttle_fail(struct throttle *t, const char *key, int64_t now);
/* Forgets key (after a successful sign-in). */
void throttle_clear(struct throttle *t, const char *key);
/* Forgets every key (tests). */
void throttle_reset(struct throttle *t);

/* At most this many password hashes or verifications run at the same time. */
#define HASH_GATE_SLOTS 2

/* Waits up to timeout_ms for a hashing slot. Returns 0 (call hash_gate_leave afterwards) or
 * -E_BUSY when none freed up in time (answer 503: the server is saturated with sign-ins). */
int hash_gate_enter(int timeout_ms);
void hash_gate_leave(void);

#endif
