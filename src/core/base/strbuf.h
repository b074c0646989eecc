/* Growable string buffer with a cap (git's strbuf). Every buffer that input can grow carries a
 * cap so oversized input becomes -E_TOOBIG (and a 413), never an out-of-memory. The buffer is
 * always NUL-terminated; buf is heap memory owned by the strbuf. */
#ifndef KAZI_STRBUF_H
#define KAZI_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf;    /* never NULL after init; "" when empty */
    size_t len;   /* bytes used, excluding the NUL */
    size_t alloc; /* bytes allocated */
    size_t cap;   /* maximum len; 0 means unlimited (only for trusted, bounded data) */
};

/* Initialises an empty buffer; cap 0 means unlimited. */
void strbuf_init(struct strbuf *sb, size_t cap);
/* Frees the memory; the strbuf is empty (and usable) afterwards. */
void strbuf_release(struct strbuf *sb);
/* Empties the buffer, keeping its memory. */
void strbuf_reset(struct strbuf *sb);
/* Makes room for extra more bytes (plus the NUL) so a writer can fill buf + len directly
 * and then advance len; 0 or -E_TOOBIG when the cap would be exceeded. */
int strbuf_reserve(struct strbuf *sb, size_t extra);
/* Shortens the buffer to its first len bytes, e.g. to take back a partly written piece;
 * nothing happens when it is not longer than that. */
void strbuf_truncate(struct strbuf *sb, size_t len);
/* Appends; returns 0 or -E_TOOBIG (and appends nothing) when the cap would be exceeded. */
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, char c);
/* Appends a decimal integer without going through printf. */
int strbuf_add_int(struct strbuf *sb, long long v);
/* Writes v in decimal into out, which has room for STRBUF_INT_MAX + 1 bytes, NUL-terminated
 * and without printf; returns the length. */
#define STRBUF_INT_MAX 20
size_t strbuf_fmt_int(char *out, long long v);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Hands the buffer to the caller (caller-freed) and re-initialises sb with the same cap. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
