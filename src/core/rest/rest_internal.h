/* Internal to src/core/rest/: table building, the rate limiter and the envelope. */
#ifndef KAZI_REST_INTERNAL_H
#define KAZI_REST_INTERNAL_H

#include "core/rest/rest.h"

#define REST_METHOD_NAME_MAX 128 /* bytes of a method name, with its NUL */

/* Normalises the method name in s[0..len) as every caller spells it (after /rest/ and the
 * webhook's id and secret, or in a batch command before '?'): trailing slashes and a ".json"
 * suffix dropped, lower case, only letters, digits, '.' and '_'. Writes it NUL-terminated to
 * out (outlen bytes, at least REST_METHOD_NAME_MAX). Returns 0, or -E_INVAL for an empty, too
 * long or malformed name or an ".xml" one (only JSON replies are supported). */
int rest_method_name(const char *s, size_t len, char *out, size_t outlen);

int rest_table_build(const struct module *const *mods, int n_mods);
void rest_table_free(void);

/* Leaky bucket per credential. burst 0 disables. Returns true when the call may proceed. */
void ratelimit_configure(int64_t burst, double rate_per_s);
bool ratelimit_take(int kind, int64_t credential_id);
void ratelimit_free(void);

/* Fills the Bitrix24 `time` object for a call that started at t_start (wall clock) and spent
 * processing seconds in the method. Returns a new reference. */
json_t *rest_time_object(double t_start, double t_finish, double processing);

#endif
