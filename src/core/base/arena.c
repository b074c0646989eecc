/* Region allocator backed by a list of malloc'd chunks; large requests get a chunk of their own
 * so a chunk never wastes more than a small tail. Each thread keeps one released standard
 * chunk for the next arena: a request's first chunk then costs no malloc (whose large-block
 * path would consolidate the small-block free lists every time). */
#include "arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define ARENA_CHUNK 8192
#define ARENA_ALIGN 16

struct arena_chunk {
    struct arena_chunk *next;
    size_t size, used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

/* the spare lives in thread-specific data so a thread that ends frees it */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_init(void)
{
    pthread_key_create(&spare_key, free);
}

static struct arena_chunk *chunk_new(size_t size)
{
    struct arena_chunk *c = NULL;
    if (size == ARENA_CHUNK) {
        pthread_once(&spare_once, spare_init);
        if ((c = pthread_getspecific(spare_key)))
            pthread_setspecific(spare_key, NULL);
    }
    if (!c)
        c = xmalloc(sizeof(*c) + size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

void *arena_alloc(struct arena *a, size_t n)
{
    if (n > SIZE_MAX / 2)
        return xmalloc(SIZE_MAX); /* cannot be satisfied: aborts where out-of-memory does */
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct arena_chunk *c = a->head;
    if (need == 0)
        need = ARENA_ALIGN;
    if (!c || c->size - c->used < need) {
        if (need > ARENA_CHUNK / 4) {
            /* big block: own chunk, linked behind the head so the head keeps its free tail */
            struct arena_chunk *big = chunk_new(need);
            big->used = need;
            if (c) {
                big->next = c->next;
                c->next = big;
            } else {
                a->head = big;
            }
            a->used += need;
            memset(big->data, 0, need);
            return big->data;
        }
        c = chunk_new(ARENA_CHUNK);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used += need;
    memset(p, 0, need);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_reset(struct arena *a)
{
    struct arena_chunk *c = a->head;
    if (!c)
        return;
    /* keep one standard chunk if there is one at the head */
    struct arena_chunk *rest = c->next;
    if (c->size != ARENA_CHUNK) {
        rest = c;
        c = NULL;
    }
    while (rest) {
        struct arena_chunk *next = rest->next;
        free(rest);
        rest = next;
    }
    if (c) {
        c->next = NULL;
        c->used = 0;
    }
    a->head = c;
    a->used = 0;
}

void arena_release(struct arena *a)
{
    struct arena_chunk *c = a->head;
    if (c)
        pthread_once(&spare_once, spare_init);
    while (c) {
        struct arena_chunk *next = c->next;
        if (c->size == ARENA_CHUNK && !pthread_getspecific(spare_key))
            pthread_setspecific(spare_key, c);
        else
            free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}
