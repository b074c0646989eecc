/* The HTTPS listener's certificate store: parsed pairs in a list, the newest current. The
 * GnuTLS callback reads the current pointer without a lock; a pair is never freed while the
 * listener runs, because a session keeps pointers to the pair it selected for as long as it
 * lives. The list only grows by a pair per certificate change (a few KiB each). */
#include "core/http/tls_cred.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"
#include "core/base/xalloc.h"

#define TLS_CHAIN_MAX 16 /* certificates in one chain file */

struct tls_cred {
    gnutls_pcert_st pcerts[TLS_CHAIN_MAX];
    unsigned n_pcerts;
    gnutls_privkey_t key;
    struct tls_cred *older; /* the pairs made current before this one */
};

static _Atomic(struct tls_cred *) current;
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tls_cred *newest; /* every pair made current, newest first */
static unsigned count;

static int cred_fail(char *err, size_t errlen, const char *what, int rc)
{
    if (err && errlen)
        snprintf(err, errlen, "tls %s cannot be used: %s", what, gnutls_strerror(rc));
    return -E_TLS;
}

int tls_cred_new(const char *cert_pem, const char *key_pem, struct tls_cred **out, char *err,
                 size_t errlen)
{
    struct tls_cred *c = xcalloc(1, sizeof(*c));
    gnutls_datum_t cd = {(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_datum_t kd = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    int rc;
    *out = NULL;
    c->n_pcerts = TLS_CHAIN_MAX;
    rc = gnutls_pcert_list_import_x509_raw(c->pcerts, &c->n_pcerts, &cd, GNUTLS_X509_FMT_PEM, 0);
    if (rc < 0) {
        c->n_pcerts = 0;
        tls_cred_free(c);
        return cred_fail(err, errlen, "certificate chain", rc);
    }
    rc = gnutls_privkey_init(&c->key);
    if (rc >= 0)
        rc = gnutls_privkey_import_x509_raw(c->key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0);
    if (rc < 0) {
        tls_cred_free(c);
        return cred_fail(err, errlen, "key", rc);
    }
    *out = c;
    return 0;
}

void tls_cred_free(struct tls_cred *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->n_pcerts; i++)
        gnutls_pcert_deinit(&c->pcerts[i]);
    if (c->key)
        gnutls_privkey_deinit(c->key);
    free(c);
}

void tls_cred_use(struct tls_cred *c)
{
    pthread_mutex_lock(&list_lock);
    c->older = newest;
    newest = c;
    count++;
    pthread_mutex_unlock(&list_lock);
    atomic_store(&current, c);
}

int tls_cred_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                      const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
                      gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
    (void)session;
    (void)req_ca_dn;
    (void)nreqs;
    (void)pk_algos;
    (void)pk_algos_length;
    struct tls_cred *c = atomic_load(&current);
    if (!c)
        return -1;
    *pcert = c->pcerts;
    *pcert_length = c->n_pcerts;
    *pkey = c->key;
    return 0;
}

void tls_cred_release_all(void)
{
    pthread_mutex_lock(&list_lock);
    struct tls_cred *c = newest;
    newest = NULL;
    count = 0;
    atomic_store(&current, NULL);
    pthread_mutex_unlock(&list_lock);
    while (c) {
        struct tls_cred *older = c->older;
        tls_cred_free(c);
        c = older;
    }
}

unsigned tls_cred_count(void)
{
    pthread_mutex_lock(&list_lock);
    unsigned n = count;
    pthread_mutex_unlock(&list_lock);
    return n;
}
