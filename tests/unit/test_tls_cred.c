/* Tests for core/http/tls_cred: parsing a pair, the newest pair made current being the one
 * handshakes get, older pairs kept until released, and errors for pairs that do not parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/error.h"
#include "core/http/tls.h"
#include "core/http/tls_cred.h"
#include "t.h"

/* A generated pair in a fresh directory under the test tmpdir (caller-freed PEM). */
static int gen_pair(const char *name, char **cert, char **key)
{
    char dir[256], err[256];
    snprintf(dir, sizeof(dir), "%s/%s", t_tmpdir(), name);
    mkdir(dir, 0700);
    return tls_load_or_generate(dir, NULL, NULL, cert, key, err, sizeof(err));
}

static gnutls_pcert_st *current(unsigned *n, gnutls_privkey_t *key)
{
    gnutls_pcert_st *p = NULL;
    *n = 0;
    *key = NULL;
    if (tls_cred_retrieve(NULL, NULL, 0, NULL, 0, &p, n, key))
        return NULL;
    return p;
}

TEST(tls_cred_newest_is_current_older_kept)
{
    char *c1, *k1, *c2, *k2, err[256];
    struct tls_cred *a, *b;
    unsigned n;
    gnutls_privkey_t key;
    CHECK_INT(gen_pair("cred1", &c1, &k1), 0);
    CHECK_INT(gen_pair("cred2", &c2, &k2), 0);
    CHECK(current(&n, &key) == NULL); /* none yet: the handshake fails */
    CHECK_INT(tls_cred_new(c1, k1, &a, err, sizeof(err)), 0);
    CHECK_INT(tls_cred_new(c2, k2, &b, err, sizeof(err)), 0);
    tls_cred_use(a);
    gnutls_pcert_st *pa = current(&n, &key);
    CHECK(pa != NULL);
    CHECK_INT(n, 1);
    tls_cred_use(b);
    gnutls_pcert_st *pb = current(&n, &key);
    CHECK(pb != NULL && pb != pa);
    CHECK(key != NULL);
    CHECK_INT(tls_cred_count(), 2);
    tls_cred_release_all();
    CHECK_INT(tls_cred_count(), 0);
    CHECK(current(&n, &key) == NULL);
    free(c1), free(k1), free(c2), free(k2);
}

TEST(tls_cred_rejects_what_does_not_parse)
{
    char *c, *k, err[256];
    struct tls_cred *x = (struct tls_cred *)1;
    CHECK_INT(gen_pair("cred_bad", &c, &k), 0);
    CHECK_INT(tls_cred_new("garbage", k, &x, err, sizeof(err)), -E_TLS);
    CHECK(x == NULL);
    CHECK(strstr(err, "tls certificate chain cannot be used") != NULL);
    CHECK_INT(tls_cred_new(c, "garbage", &x, err, sizeof(err)), -E_TLS);
    CHECK(strstr(err, "tls key cannot be used") != NULL);
    CHECK_INT(tls_cred_new(c, k, &x, NULL, 0), 0);
    tls_cred_free(x); /* never made current */
    tls_cred_free(NULL);
    free(c), free(k);
}
