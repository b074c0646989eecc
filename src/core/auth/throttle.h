/* Sign-in flood protection for one node, in memory: failure counters over a fixed window, and
 * a gate that bounds how many password hashes (64 MiB each) run at once. Two kinds of counter:
 * a small fixed table of text keys (client addresses, e-mails that match no account), where
 * a full table evicts, and a table per existing account keyed by user id that never evicts a
 * running window, so churning addresses or e-mails cannot reset an account's count. Nothing is
 * shared between processes or survives a restart: a cluster would keep these counters in a
 * shared store. */
#ifndef KAZI_THROTTLE_H
#define KAZI_THROTTLE_H

#include <pthread.h>
#include <stdint.h>

#define THROTTLE_SLOTS 2048 /* keys tracked at once; see throttle_fail for which is evicted */
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
/* Counts one failure for key (starting a new window when the old one has ended). A new key
 * takes a free or expired slot; when every window still runs, the slot with the fewest
 * failures (then the oldest window) is evicted, so a key at its limit goes last. */
void throttle_fail(struct throttle *t, const char *key, int64_t now);
/* Forgets key (after a successful sign-in). */
void throttle_clear(struct throttle *t, const char *key);
/* Forgets every key (tests). */
void throttle_reset(struct throttle *t);

/* Failure counters keyed by user id, for accounts that exist (the key space is bounded by the
 * number of accounts, which only administrators create). An entry whose window still runs is
 * never evicted; the table grows instead (doubling, on the heap) and reuses expired entries,
 * so it holds at most one entry per account. */
struct throttle_id_slot {
    int64_t id; /* user id; 0 when free */
    int64_t window_start;
    int failures;
};

struct throttle_ids {
    pthread_mutex_t lock;
    int max_failures;
    int window_s;
    struct throttle_id_slot *slots; /* heap; NULL until the first failure */
    size_t n, cap;                  /* slots handed out (live or expired), allocated */
};

#define THROTTLE_IDS_INIT(max, window)                                                             \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER, .max_failures = (max), .window_s = (window)             \
    }

/* As throttle_check / throttle_fail / throttle_clear, for user id (> 0; others are ignored). */
int throttle_id_check(struct throttle_ids *t, int64_t id, int64_t now);
void throttle_id_fail(struct throttle_ids *t, int64_t id, int64_t now);
void throttle_id_clear(struct throttle_ids *t, int64_t id);
/* Forgets every id and frees the table (tests, shutdown). */
void throttle_ids_reset(struct throttle_ids *t);

/* At most this many password hashes or verifications run at the same time. */
#define HASH_GATE_SLOTS 2

/* Waits up to timeout_ms for a hashing slot. Returns 0 (call hash_gate_leave afterwards) or
 * -E_BUSY when none freed up in time (answer 503: the server is saturated with sign-ins). */
int hash_gate_enter(int timeout_ms);
void hash_gate_leave(void);

#endif
