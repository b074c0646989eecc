/* Users as stored in core_user: creation and lookup used by the command line, sign-in and the
 * user.* REST methods. Validation lives here so every path applies the same rules. */
#ifndef KAZI_USERS_H
#define KAZI_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

struct user_new {
    const char *email;     /* required, must look like an address */
    const char *name;      /* first name */
    const char *last_name; /* may be NULL */
    const char *password;  /* may be NULL: no password sign-in until one is set */
    bool is_admin;
};

/* Creates a user inside the caller's write transaction. Returns 0 and the id, -E_INVAL with
 * a message in err for bad input, -E_EXISTS when the e-mail is taken. */
int users_create(struct db *db, const struct user_new *u, int64_t *id, char *err, size_t errlen);

/* Checks an e-mail address loosely: one '@', a dot in the domain, no spaces, <= 254 bytes. */
bool users_email_valid(const char *email);

#endif
