/* Password hashing (Argon2id), random tokens, SHA-256 and constant-time comparison with
 * libsodium. Thin on purpose: the algorithms and their constant-time code are libsodium's; this
 * file only fixes the parameters and maps results to the error enum. */
#include "core/base/crypto.h"

#include <sodium.h>
#include <string.h>

#include "core/base/error.h"

_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_argon2id_STRBYTES, "hash buffer too small");

/* INTERACTIVE: 2 passes over 64 MiB. MODERATE (3 x 256 MiB, ~0.7 s) would make every login a
 * quarter of a 1 GiB server's memory; INTERACTIVE is libsodium's advice for online logins. */
#define CRYPTO_OPSLIMIT crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE
#define CRYPTO_MEMLIMIT crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE

int crypto_init(void)
{
    return sodium_init() < 0 ? -E_INTERNAL : 0;
}

int password_hash(const char *password, size_t len, char out[PASSWORD_HASH_MAX])
{
    out[0] = '\0';
    if (len > PASSWORD_MAX)
        return -E_TOOBIG;
    if (crypto_pwhash_argon2id_str(out, password ? password : "", len, CRYPTO_OPSLIMIT,
                                   CRYPTO_MEMLIMIT) != 0)
        return -E_NOMEM;
    return 0;
}

/* A hash string libsodium can decode: NUL-terminated within PASSWORD_HASH_MAX, a known
 * algorithm, well-formed parameters and salt/hash encodings. */
static bool crypto_hash_valid(const char *hash)
{
    if (!hash || strnlen(hash, PASSWORD_HASH_MAX) == PASSWORD_HASH_MAX)
        return false;
    /* needs_rehash decodes the whole string and returns -1 when it cannot */
    return crypto_pwhash_str_needs_rehash(hash, CRYPTO_OPSLIMIT, CRYPTO_MEMLIMIT) >= 0;
}

int password_verify(const char *hash, const char *password, size_t len)
{
    if (!crypto_hash_valid(hash))
        return -E_INVAL;
    if (len > PASSWORD_MAX)
        return -E_PERM; /* password_hash refuses these, so none can match */
    if (crypto_pwhash_str_verify(hash, password ? password : "", len) != 0)
        return -E_PERM;
    return 0;
}

bool password_needs_rehash(const char *hash)
{
    if (!crypto_hash_valid(hash))
        return true;
    if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX, strlen(crypto_pwhash_argon2id_STRPREFIX)))
        return true; /* Argon2i or another algorithm: move to Argon2id */
    return crypto_pwhash_argon2id_str_needs_rehash(hash, CRYPTO_OPSLIMIT, CRYPTO_MEMLIMIT) != 0;
}

void crypto_random_token(char *out, size_t n)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)]; /* unbiased */
    out[n] = '\0';
}

void crypto_random_token_b64(char *out, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char buf[64];
    for (size_t i = 0; i < n; i += sizeof(buf)) {
        size_t m = n - i < sizeof(buf) ? n - i : sizeof(buf);
        randombytes_buf(buf, m);
        for (size_t j = 0; j < m; j++)
            out[i + j] = alphabet[buf[j] & 63]; /* 256 is a multiple of 64: unbiased */
    }
    sodium_memzero(buf, sizeof(buf));
    out[n] = '\0';
}

void crypto_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(md, data, len);
    sodium_bin2hex(out, 65, md, sizeof(md));
}

bool crypto_equal(const char *a, const char *b)
{
    unsigned char ha[crypto_hash_sha256_BYTES], hb[crypto_hash_sha256_BYTES];
    if (!a || !b)
        return false;
    /* Equal-length digests make the comparison independent of the secrets' lengths and of
     * where they first differ; SHA-256 collisions are out of reach. */
    crypto_hash_sha256(ha, (const unsigned char *)a, strlen(a));
    crypto_hash_sha256(hb, (const unsigned char *)b, strlen(b));
    return sodium_memcmp(ha, hb, sizeof(ha)) == 0;
}
