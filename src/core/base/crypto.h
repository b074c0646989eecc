/* Password hashing, random secrets, token hashing and constant-time comparison, over libsodium.
 * It holds no keys and no state besides libsodium's own; it does not decide password policy
 * (minimum length, lock-outs) or store anything. */
#ifndef KAZI_CRYPTO_H
#define KAZI_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

/* Initialises libsodium. Call once at start-up, before any other function here (it is safe to
 * call again). Returns 0 or -E_INTERNAL. */
int crypto_init(void);

/* Room for an encoded hash including the NUL (libsodium's crypto_pwhash_STRBYTES). */
#define PASSWORD_HASH_MAX 128
/* Longest password accepted, in bytes. */
#define PASSWORD_MAX 1024

/* Hashes password (len bytes, need not be NUL-terminated) with Argon2id into out as a
 * NUL-terminated "$argon2id$v=19$m=65536,t=2,p=1$..." string. Limits are libsodium's
 * INTERACTIVE ones (opslimit 2, memlimit 64 MiB): about 50-100 ms on one core of a small server,
 * which is fine for a login.
 * Every hash in flight (this or password_verify) allocates 64 MiB: a 2-core server doing 16 logins
 * at once needs 1 GiB, so callers must bound concurrent logins (a semaphore or a small pool).
 * Returns 0, -E_TOOBIG when len > PASSWORD_MAX, or -E_NOMEM when the memory is not available. */
int password_hash(const char *password, size_t len, char out[PASSWORD_HASH_MAX]);

/* Checks password (len bytes) against hash from password_hash (Argon2i hashes also verify).
 * Returns 0 on a match, -E_PERM when it does not match (also for len > PASSWORD_MAX), -E_INVAL
 * when hash is malformed. The comparison is constant time; the cost is that of one hash,
 * including its memory (see password_hash). */
int password_verify(const char *hash, const char *password, size_t len);

/* True when hash was made with other than the current algorithm or limits (or is malformed):
 * after a successful login, hash the password again and store the new hash. */
bool password_needs_rehash(const char *hash);

/* Writes n random characters from [a-z0-9] and a NUL into out (n+1 bytes): URL-safe secrets such
 * as incoming-webhook codes (16 characters, 82 bits). Uniform, from the system CSPRNG. */
void crypto_random_token(char *out, size_t n);

/* Writes n random base64url characters ([A-Za-z0-9_-], 6 bits each) and a NUL into out (n+1
 * bytes): session and application tokens (43 characters = 258 bits). */
void crypto_random_token_b64(char *out, size_t n);

/* Writes the lower-case hex SHA-256 of data and a NUL into out (65 bytes). Tokens are stored
 * hashed this way so a database leak does not leak live sessions. */
void crypto_sha256_hex(const void *data, size_t len, char out[65]);

/* Compares two NUL-terminated secrets in time that does not depend on where they differ (both
 * are hashed first, so different lengths are fine). NULL equals nothing, not even NULL. */
bool crypto_equal(const char *a, const char *b);

#endif
