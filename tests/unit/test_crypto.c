/* Tests for core/auth/crypto. Only a few full-cost Argon2id hashes are computed (each takes
 * 64 MiB and tens of milliseconds); other cases use hashes made with libsodium's minimum limits. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/base/crypto.h"
#include "core/base/error.h"
#include "t.h"

/* A valid Argon2 hash with the cheapest limits, so verify and rehash checks run fast. */
static int t_cheap_hash(char out[PASSWORD_HASH_MAX], const char *pw, int alg)
{
    unsigned long long ops = alg == crypto_pwhash_ALG_ARGON2I13 ? 3 : 1;
    return crypto_pwhash_str_alg(out, pw, strlen(pw), ops, crypto_pwhash_MEMLIMIT_MIN, alg);
}

TEST(crypto_password_round_trip)
{
    char hash[PASSWORD_HASH_MAX];
    const char *pw = "correct horse battery staple";
    CHECK_INT(crypto_init(), 0);
    CHECK_INT(password_hash(pw, strlen(pw), hash), 0);
    CHECK(!strncmp(hash, "$argon2id$v=19$m=65536,t=2,p=1$", 31));
    CHECK_INT(password_verify(hash, pw, strlen(pw)), 0);
    CHECK_INT(password_verify(hash, "correct horse battery stapler", 29), -E_PERM);
    CHECK_INT(password_verify(hash, pw, strlen(pw) - 1), -E_PERM); /* length is honoured */
    CHECK(!password_needs_rehash(hash));
}

TEST(crypto_password_binary_and_empty)
{
    char hash[PASSWORD_HASH_MAX];
    const char pw[] = {'a', '\0', 'b'};
    CHECK_INT(crypto_init(), 0);
    CHECK_INT(crypto_pwhash_argon2id_str(hash, pw, sizeof(pw), 1, crypto_pwhash_MEMLIMIT_MIN), 0);
    CHECK_INT(password_verify(hash, pw, sizeof(pw)), 0);
    CHECK_INT(password_verify(hash, "a", 1), -E_PERM);
    CHECK_INT(t_cheap_hash(hash, "", crypto_pwhash_ALG_ARGON2ID13), 0);
    CHECK_INT(password_verify(hash, NULL, 0), 0);
    CHECK_INT(password_verify(hash, "x", 1), -E_PERM);
}

TEST(crypto_password_malformed_hash)
{
    char hash[PASSWORD_HASH_MAX], cut[PASSWORD_HASH_MAX], longer[200];
    CHECK_INT(crypto_init(), 0);
    CHECK_INT(t_cheap_hash(hash, "pw", crypto_pwhash_ALG_ARGON2ID13), 0);
    CHECK_INT(password_verify(hash, "pw", 2), 0);
    memcpy(cut, hash, sizeof(cut));
    cut[strlen(hash) - 10] = '\0';
    CHECK_INT(password_verify(cut, "pw", 2), -E_INVAL);
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    memcpy(longer, hash, strlen(hash)); /* a valid prefix, then no NUL within 128 bytes */
    CHECK_INT(password_verify(longer, "pw", 2), -E_INVAL);
    CHECK_INT(password_verify("", "pw", 2), -E_INVAL);
    CHECK_INT(password_verify("garbage", "pw", 2), -E_INVAL);
    CHECK_INT(password_verify("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA", "pw", 2), -E_INVAL);
    const char *bcrypt = "$2y$10$abcdefghijklmnopqrstuuOZ5J4fC3Ih3ov3Ek3qKn7pJXu0a1Zi2";
    CHECK_INT(password_verify(bcrypt, "pw", 2), -E_INVAL);
    CHECK_INT(password_verify(NULL, "pw", 2), -E_INVAL);
    CHECK(password_needs_rehash("garbage"));
    CHECK(password_needs_rehash(NULL));
}

TEST(crypto_password_too_long)
{
    char hash[PASSWORD_HASH_MAX], cheap[PASSWORD_HASH_MAX];
    char *pw = malloc(PASSWORD_MAX + 1);
    CHECK_INT(crypto_init(), 0);
    memset(pw, 'x', PASSWORD_MAX + 1);
    int rc = password_hash(pw, PASSWORD_MAX + 1, hash);
    int rc_max = password_hash(pw, PASSWORD_MAX, hash);
    int rc_ver = password_verify(hash, pw, PASSWORD_MAX);
    int rc_ver_long = password_verify(hash, pw, PASSWORD_MAX + 1);
    free(pw);
    CHECK_INT(rc, -E_TOOBIG);
    CHECK_INT(rc_max, 0);
    CHECK_INT(rc_ver, 0);
    CHECK_INT(rc_ver_long, -E_PERM);
    CHECK_INT(t_cheap_hash(cheap, "pw", crypto_pwhash_ALG_ARGON2ID13), 0);
    CHECK(password_needs_rehash(cheap)); /* weaker limits */
}

TEST(crypto_password_argon2i_verifies_and_needs_rehash)
{
    char hash[PASSWORD_HASH_MAX];
    CHECK_INT(crypto_init(), 0);
    CHECK_INT(t_cheap_hash(hash, "old", crypto_pwhash_ALG_ARGON2I13), 0);
    CHECK(!strncmp(hash, "$argon2i$", 9));
    CHECK_INT(password_verify(hash, "old", 3), 0);
    CHECK_INT(password_verify(hash, "new", 3), -E_PERM);
    CHECK(password_needs_rehash(hash));
    /* Argon2i with exactly the current limits (libsodium will not make one: its Argon2i needs
     * t >= 3, but other software does) still moves to Argon2id */
    char same[PASSWORD_HASH_MAX + 32];
    const char *tail = strstr(hash, "p=1$");
    CHECK(tail);
    snprintf(same, sizeof(same), "$argon2i$v=19$m=65536,t=2,p=1$%s", tail + 4);
    CHECK_INT(crypto_pwhash_str_needs_rehash(same, 2, 65536 * 1024), 0);
    CHECK(password_needs_rehash(same));
}

static int t_in(const char *s, const char *alphabet)
{
    return strspn(s, alphabet) == strlen(s);
}

TEST(crypto_random_token_alphabet)
{
    char a[17], b[17], big[36 * 100 + 1];
    int seen[256] = {0};
    CHECK_INT(crypto_init(), 0);
    crypto_random_token(a, 16);
    crypto_random_token(b, 16);
    CHECK_INT(strlen(a), 16);
    CHECK(t_in(a, "abcdefghijklmnopqrstuvwxyz0123456789"));
    CHECK(strcmp(a, b) != 0);
    crypto_random_token(big, sizeof(big) - 1);
    CHECK_INT(strlen(big), sizeof(big) - 1);
    CHECK(t_in(big, "abcdefghijklmnopqrstuvwxyz0123456789"));
    for (const char *p = big; *p; p++)
        seen[(unsigned char)*p] = 1;
    int distinct = 0;
    for (int i = 0; i < 256; i++)
        distinct += seen[i];
    CHECK_INT(distinct, 36); /* 100 draws per symbol on average; a miss is ~1e-42 */
    crypto_random_token(a, 0);
    CHECK_STR(a, "");
}

TEST(crypto_random_token_b64_alphabet)
{
    char a[44], b[44], big[301];
    const char *b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    CHECK_INT(crypto_init(), 0);
    crypto_random_token_b64(a, 43);
    crypto_random_token_b64(b, 43);
    CHECK_INT(strlen(a), 43);
    CHECK(t_in(a, b64));
    CHECK(strcmp(a, b) != 0);
    crypto_random_token_b64(big, 300); /* more than one internal block */
    CHECK_INT(strlen(big), 300);
    CHECK(t_in(big, b64));
    crypto_random_token_b64(a, 0);
    CHECK_STR(a, "");
}

TEST(crypto_sha256_known_vectors)
{
    char out[65];
    CHECK_INT(crypto_init(), 0);
    crypto_sha256_hex("abc", 3, out);
    CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    crypto_sha256_hex("", 0, out);
    CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    crypto_sha256_hex(s, strlen(s), out);
    CHECK_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(crypto_equal_cases)
{
    CHECK_INT(crypto_init(), 0);
    CHECK(crypto_equal("s3cret", "s3cret"));
    CHECK(crypto_equal("", ""));
    CHECK(!crypto_equal("s3cret", "s3creT"));
    CHECK(!crypto_equal("s3cret", "s3cre"));
    CHECK(!crypto_equal("s3cre", "s3cret"));
    CHECK(!crypto_equal("", "x"));
    CHECK(!crypto_equal(NULL, "x"));
    CHECK(!crypto_equal("x", NULL));
    CHECK(!crypto_equal(NULL, NULL));
}
