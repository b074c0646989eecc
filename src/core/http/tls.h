/* The server's TLS certificate and key: loads and checks configured PEM files, or creates and
 * keeps a self-signed pair under DATA_DIR/tls on first run so HTTPS works out of the box. It
 * does not run TLS itself (the HTTP library does, from the PEM strings returned here) and does
 * not obtain certificates from a CA (ACME); a reverse proxy or a configured pair covers that. */
#ifndef KAZI_TLS_H
#define KAZI_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Size of a SHA-256 fingerprint "AB:CD:...:EF" including the NUL. */
#define TLS_FINGERPRINT_MAX 96

/* Loads the certificate and key as PEM.
 *
 * With cert_file and key_file set (from configuration): reads both, checks that they parse, that
 * the key belongs to the certificate (the first one, when the file holds a chain) and that the
 * certificate has not expired; logs a warning when it expires within 30 days.
 *
 * With both NULL: uses data_dir/tls/cert.pem and data_dir/tls/key.pem, creating the directory
 * and a self-signed pair on first run (ECDSA P-256, X.509 v3, CN = host name or "kazi", SANs
 * localhost, the host name, 127.0.0.1 and ::1, valid 825 days, CA:FALSE, serverAuth). Files are
 * written atomically with mode 0600 in a 0700 directory; an existing directory or pair that is
 * more open is tightened (logged). An expired generated pair is replaced.
 *
 * Only one of cert_file/key_file set is -E_CONFIG. Other failures are -E_IO (a file cannot be
 * read or written) or -E_TLS (does not parse, key mismatch, expired); err (errlen bytes, may be
 * NULL) then receives one lower-case line naming the file and the problem, e.g.
 * "tls key '/x/key.pem' does not match certificate '/x/cert.pem'".
 *
 * On success *cert_pem and *key_pem are caller-freed NUL-terminated strings. libmicrohttpd does
 * not copy MHD_OPTION_HTTPS_MEM_CERT/KEY, so keep both until MHD_stop_daemon(), then wipe the key
 * (explicit_bzero) before free(). */
int tls_load_or_generate(const char *data_dir, const char *cert_file, const char *key_file,
                         char **cert_pem, char **key_pem, char *err, size_t errlen);

/* Reads and checks a certificate and key pair the way tls_load_or_generate does, but changes
 * nothing (no generation, no mode changes) and does not judge dates: both files parse, the key
 * is not encrypted and belongs to the first certificate. *not_before and *not_after receive
 * that certificate's validity ((time_t)-1 when absent or on failure) for the caller to judge.
 * Returns 0, -E_IO or -E_TLS with err as in tls_load_or_generate. */
int tls_inspect(const char *cert_file, const char *key_file, time_t *not_before, time_t *not_after,
                char *err, size_t errlen);

/* GnuTLS priority strings for HTTPS by the oldest protocol version accepted: the library's
 * NORMAL cipher choice with TLS 1.0 and 1.1 (and SSL 3.0) taken out. */
#define TLS_PRIORITIES_12 "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define TLS_PRIORITIES_13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

/* The priority string for HTTPS: custom when it is non-empty, else the one for min_version
 * ("1.2" or "1.3"). Checks it with the TLS library; on -E_CONFIG err receives one line naming
 * the problem and where in the string it is. The returned string is custom or a literal. */
int tls_priorities(const char *min_version, const char *custom, const char **out, char *err,
                   size_t errlen);

/* Writes the SHA-256 fingerprint of the first certificate in cert_pem as upper-case hex pairs
 * separated by colons ("AB:CD:...", 95 characters) into out. Returns 0, -E_TLS when cert_pem does
 * not parse, or -E_INVAL when outlen < TLS_FINGERPRINT_MAX. */
int tls_fingerprint(const char *cert_pem, char *out, size_t outlen);

/* Sets *out to the notAfter time (Unix seconds) of the first certificate in cert_pem. Returns 0
 * or -E_TLS when cert_pem does not parse. */
int tls_not_after(const char *cert_pem, int64_t *out);

#endif
