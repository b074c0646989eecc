/* Allocation wrappers: out-of-memory aborts here, in one place, so callers never check for NULL.
 * Inputs that clients can grow are capped before they reach an allocator (see strbuf caps). */
#ifndef KAZI_XALLOC_H
#define KAZI_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);                  /* caller-freed */
void *xcalloc(size_t nmemb, size_t size); /* caller-freed */
void *xrealloc(void *p, size_t n);        /* caller-freed */
char *xstrdup(const char *s);             /* caller-freed */
char *xstrndup(const char *s, size_t n);  /* caller-freed */

#endif
