/* Leaky-bucket rate limiting per webhook or token, as Bitrix24 does per application: each call
 * adds one to the bucket, the bucket drains at `rate` per second, and a call that would
 * overflow `burst` is refused with 503 QUERY_LIMIT_EXCEEDED. In memory, per process: with
 * several nodes each enforces its own bucket. Off by default (burst 0). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/timeutil.h"
#include "core/base/xalloc.h"
#include "core/rest/rest_internal.h"

#define BUCKETS 1024 /* slots; colliding credentials share a slot's chain */

struct bucket {
    int kind;
    int64_t id;
    double level, updated;
    struct bucket *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct bucket *slots[BUCKETS];
static _Atomic int64_t burst; /* written under lock, read without it for the "off" test */
static double rate;           /* under lock */

void ratelimit_configure(int64_t b, double r)
{
    pthread_mutex_lock(&lock);
    burst = b;
    rate = r;
    pthread_mutex_unlock(&lock);
}

bool ratelimit_take(int kind, int64_t id)
{
    if (burst <= 0)
        return true;
    double now = time_now_mono();
    unsigned i = (unsigned)(((uint64_t)id * 2654435761u) ^ (unsigned)kind) % BUCKETS;
    bool ok;
    pthread_mutex_lock(&lock);
    struct bucket *b = slots[i];
    while (b && (b->kind != kind || b->id != id))
        b = b->next;
    if (!b) {
        b = xcalloc(1, sizeof(*b));
        b->kind = kind;
        b->id = id;
        b->updated = now;
        b->next = slots[i];
        slots[i] = b;
    }
    b->level -= (now - b->updated) * rate;
    if (b->level < 0)
        b->level = 0;
    b->updated = now;
    ok = b->level + 1 <= (double)burst;
    if (ok)
        b->level += 1;
    pthread_mutex_unlock(&lock);
    return ok;
}

void ratelimit_free(void)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < BUCKETS; i++) {
        while (slots[i]) {
            struct bucket *n = slots[i]->next;
            free(slots[i]);
            slots[i] = n;
        }
    }
    pthread_mutex_unlock(&lock);
}
