/* The REST methods that manage who may call kazi: user.*, department.*, role.*, the password
 * methods, and the administrators' webhook.* and token.*. They sit above the REST layer and
 * use the authentication layer below it (users, sessions, tokens, webhooks, permissions);
 * nothing below includes this directory. Core's module table lists these tables. */
#ifndef KAZI_ACCOUNTS_H
#define KAZI_ACCOUNTS_H

#include "core/module.h"

extern const struct rest_method auth_methods[];          /* webhook.*, token.* */
extern const struct rest_method user_methods[];          /* user.* */
extern const struct rest_method user_password_methods[]; /* user.password.* */
extern const struct rest_method department_methods[];    /* department.* */
extern const struct rest_method role_methods[];          /* role.* */

/* Base URL ("https://crm.example.com", no trailing slash) put in front of the URL webhook.add
 * returns; without it the URL is a path ("/rest/1/secret/"). Called at start-up and again by
 * a reload (any thread; a concurrent webhook.add sees the old or the new one). The string is
 * copied. */
void auth_set_base_url(const char *base);

#endif
