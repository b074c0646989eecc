/* One error enum for the whole server. Internal functions return 0 on success and a negative
 * E_* value on failure; error_str() names it for logs. It does not carry messages: callers
 * log or render those at the point where they know the subject. ARRAY_SIZE lives here too,
 * as this is the base header nearly every file includes. */
#ifndef KAZI_ERROR_H
#define KAZI_ERROR_H

enum kazi_error {
    E_OK = 0,
    E_NOMEM,    /* allocation failed (normally aborts instead, see xmalloc) */
    E_INVAL,    /* invalid argument or malformed input */
    E_NOTFOUND, /* no such object */
    E_EXISTS,   /* object already exists / unique constraint */
    E_TOOBIG,   /* input exceeds a configured cap */
    E_IO,       /* file or socket error, see errno */
    E_DB,       /* database error, logged where it happened */
    E_BUSY,     /* resource busy, retry later */
    E_PERM,     /* not allowed */
    E_CONFIG,   /* bad configuration */
    E_TLS,      /* certificate or TLS library error */
    E_INTERNAL, /* invariant violated */
    E_NOSPC,    /* the disk (or quota) is full: nothing was written */
    E__COUNT
};

/* The number of elements of array a (an array, not a pointer: the compiler's
 * -Wsizeof-pointer-div, part of -Wall, rejects a pointer). A constant expression of type size_t. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Returns a static lower-case name for -err or err ("not found"). Never NULL. */
const char *error_str(int err);

#endif
