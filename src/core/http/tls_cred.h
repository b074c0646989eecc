/* The certificate chain and private key the HTTPS listener hands to new TLS handshakes, parsed
 * once and swappable while serving: a reload makes a new pair current, and handshakes from then
 * on get it, while connections set up earlier keep the pair they were given. Every pair made
 * current stays allocated until tls_cred_release_all (after the listener has stopped), since
 * GnuTLS keeps pointers to the pair a session selected. It does not read files or check
 * dates; tls.h does that. */
#ifndef KAZI_TLS_CRED_H
#define KAZI_TLS_CRED_H

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <stddef.h>

struct tls_cred;

/* Parses cert_pem (a chain, leaf first) and key_pem into a new pair, not yet current.
 * Returns 0, or -E_TLS with one line in err (may be NULL). *out is freed with tls_cred_free
 * unless it is handed to tls_cred_use. */
int tls_cred_new(const char *cert_pem, const char *key_pem, struct tls_cred **out, char *err,
                 size_t errlen);
/* Frees a pair that was never made current. NULL is ignored. */
void tls_cred_free(struct tls_cred *cred);
/* Makes cred the pair for handshakes from now on (any thread). The store owns it from here. */
void tls_cred_use(struct tls_cred *cred);
/* The GnuTLS certificate callback (gnutls_certificate_retrieve_function2) for the listener:
 * returns the current pair, or -1 when none was set. */
int tls_cred_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                      const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
                      gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *pkey);
/* Frees every pair made current so far. Call once no TLS session can exist any more. */
void tls_cred_release_all(void);
/* Pairs made current and still allocated (for tests and the log). */
unsigned tls_cred_count(void);

#endif
