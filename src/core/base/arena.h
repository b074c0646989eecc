/* Region allocator: one per request (h2o's pool). Everything a request needs is allocated here
 * and released at once when the request ends; handlers rarely call free(). Not thread-safe: an
 * arena belongs to one request on one thread. */
#ifndef KAZI_ARENA_H
#define KAZI_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head; /* newest chunk first */
    size_t used;              /* bytes handed out, for metrics and caps */
};

#define ARENA_INIT                                                                                 \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/* Returns n bytes aligned for any type, zeroed. Owned by the arena. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies s (or its first n bytes) into the arena with a terminating NUL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Frees every chunk but the first one and rewinds; the arena can be reused. */
void arena_reset(struct arena *a);
/* Frees everything. The arena is empty afterwards and may be reused. */
void arena_release(struct arena *a);

#endif
