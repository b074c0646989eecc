/* TLS certificate and key files with GnuTLS: reads and checks a configured pair, or creates a
 * self-signed pair under DATA_DIR/tls on first run. Files are written atomically (temp file in the
 * same directory, fsync, rename, fsync the directory) so a crash never leaves half a key. It does
 * not set up TLS sessions; the HTTP library does that from the PEM strings returned here. */
#include "core/http/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/fsmode.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/base/xalloc.h"

#define TLS_FILE_MAX (1024 * 1024) /* certificate chains are a few KiB */
#define TLS_VALID_DAYS 825         /* the longest validity browsers accept for server certs */
#define TLS_WARN_DAYS 30
#define TLS_DAY 86400

static int tls_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int tls_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* Frees a PEM key after overwriting it, so key material does not linger in freed memory. */
static void tls_free_secret(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void tls_date(char *buf, size_t size, time_t t)
{
    if (time_fmt_iso(buf, size, (double)t, 0) < 0 && size)
        buf[0] = '\0';
}

/* Reads a whole file of at most TLS_FILE_MAX bytes into *out (caller-freed, NUL-terminated). */
static int tls_read_file(const char *path, const char *what, char **out, char *err, size_t errlen)
{
    struct stat st;
    size_t len = 0;
    char *buf = NULL;
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) < 0) {
        rc = tls_fail(err, errlen, -E_IO, "tls %s '%s' cannot be read: %s", what, path,
                      strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > TLS_FILE_MAX) {
        rc = tls_fail(err, errlen, -E_TLS, "tls %s '%s' is %s", what, path,
                      S_ISREG(st.st_mode) ? "larger than 1 MiB" : "not a regular file");
        goto out;
    }
    if (!strcmp(what, "key") && (st.st_mode & S_IROTH))
        log_warn("tls key '%s' is readable by all users (mode %04o)", path,
                 (unsigned)(st.st_mode & 07777));
    buf = xmalloc((size_t)st.st_size + 1);
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = tls_fail(err, errlen, -E_IO, "tls %s '%s' cannot be read: %s", what, path,
                          strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
out:
    if (fd >= 0)
        close(fd);
    if (rc < 0) {
        tls_free_secret(buf);
        buf = NULL;
    }
    *out = buf;
    return rc;
}

/* Parses every certificate in pem; *crts is freed with tls_free_crts. */
static int tls_parse_crts(const char *pem, gnutls_x509_crt_t **crts, unsigned *n)
{
    gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};
    *crts = NULL;
    *n = 0;
    if (gnutls_x509_crt_list_import2(crts, n, &d, GNUTLS_X509_FMT_PEM, 0) < 0 || *n == 0)
        return -E_TLS;
    return 0;
}

static void tls_free_crts(gnutls_x509_crt_t *crts, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        gnutls_x509_crt_deinit(crts[i]);
    gnutls_free(crts);
}

/* Checks validity dates of the leaf certificate; *expired tells the caller it may regenerate. */
static int tls_check_dates(gnutls_x509_crt_t crt, const char *path, int *expired, char *err,
                           size_t errlen)
{
    char date[40];
    time_t now = time(NULL);
    time_t end = gnutls_x509_crt_get_expiration_time(crt);
    time_t start = gnutls_x509_crt_get_activation_time(crt);

    if (end == (time_t)-1)
        return tls_fail(err, errlen, -E_TLS, "tls certificate '%s' has no expiration time", path);
    tls_date(date, sizeof(date), end);
    if (end <= now) {
        *expired = 1;
        return tls_fail(err, errlen, -E_TLS, "tls certificate '%s' expired on %s", path, date);
    }
    if (end - now < (time_t)TLS_WARN_DAYS * TLS_DAY)
        log_warn("tls certificate '%s' expires on %s, in %lld days", path, date,
                 (long long)((end - now) / TLS_DAY));
    if (start != (time_t)-1 && start > now) {
        tls_date(date, sizeof(date), start);
        log_warn("tls certificate '%s' is not valid before %s", path, date);
    }
    return 0;
}

/* Checks that both PEMs parse and the key belongs to the first certificate; on success *crts
 * holds the parsed chain (free with tls_free_crts). */
static int tls_match_pair(const char *cert_pem, const char *key_pem, const char *cert_path,
                          const char *key_path, gnutls_x509_crt_t **crts, unsigned *n, char *err,
                          size_t errlen)
{
    gnutls_x509_privkey_t key = NULL;
    gnutls_datum_t kd = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    unsigned char cid[64], kid[64];
    size_t clen = sizeof(cid), klen = sizeof(kid);
    int rc = 0;

    if (tls_parse_crts(cert_pem, crts, n) < 0) {
        rc = tls_fail(err, errlen, -E_TLS, "tls certificate '%s' is not a valid pem certificate",
                      cert_path);
        goto out;
    }
    if (strstr(key_pem, "ENCRYPTED")) {
        rc = tls_fail(err, errlen, -E_TLS,
                      "tls key '%s' is encrypted; an unencrypted key is needed", key_path);
        goto out;
    }
    if (gnutls_x509_privkey_init(&key) < 0 ||
        gnutls_x509_privkey_import2(key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0) < 0) {
        rc = tls_fail(err, errlen, -E_TLS, "tls key '%s' is not a valid pem private key", key_path);
        goto out;
    }
    if (gnutls_x509_crt_get_key_id((*crts)[0], GNUTLS_KEYID_USE_SHA256, cid, &clen) < 0 ||
        gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, kid, &klen) < 0 ||
        clen != klen || memcmp(cid, kid, clen)) {
        rc = tls_fail(err, errlen, -E_TLS, "tls key '%s' does not match certificate '%s'", key_path,
                      cert_path);
        goto out;
    }
out:
    if (key)
        gnutls_x509_privkey_deinit(key);
    if (rc < 0 && *crts) {
        tls_free_crts(*crts, *n);
        *crts = NULL;
        *n = 0;
    }
    return rc;
}

/* Checks that both PEMs parse, the key belongs to the first certificate and it is in date. */
static int tls_check_pair(const char *cert_pem, const char *key_pem, const char *cert_path,
                          const char *key_path, int *expired, char *err, size_t errlen)
{
    gnutls_x509_crt_t *crts = NULL;
    unsigned n = 0;
    int rc = tls_match_pair(cert_pem, key_pem, cert_path, key_path, &crts, &n, err, errlen);
    if (rc == 0) {
        rc = tls_check_dates(crts[0], cert_path, expired, err, errlen);
        tls_free_crts(crts, n);
    }
    return rc;
}

static int tls_load_pair(const char *cert_path, const char *key_path, char **cert_pem,
                         char **key_pem, int *expired, char *err, size_t errlen)
{
    char *cert = NULL, *key = NULL;
    int rc = tls_read_file(cert_path, "certificate", &cert, err, errlen);
    if (rc == 0)
        rc = tls_read_file(key_path, "key", &key, err, errlen);
    if (rc == 0)
        rc = tls_check_pair(cert, key, cert_path, key_path, expired, err, errlen);
    if (rc < 0) {
        free(cert);
        tls_free_secret(key);
        cert = key = NULL;
    }
    *cert_pem = cert;
    *key_pem = key;
    return rc;
}

/* The host name for CN and subjectAltName, or "" when it is unset, "localhost" or not a
 * plain DNS name (letters, digits, '-', '.'). */
static void tls_host_name(char *host, size_t size)
{
    if (gethostname(host, size) < 0)
        host[0] = '\0';
    host[size - 1] = '\0';
    for (const char *p = host; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '.'))
            host[0] = '\0';
    }
    if (!strcmp(host, "localhost"))
        host[0] = '\0';
}

/* Fills in a self-signed server certificate for key; returns a GnuTLS error code. */
static int tls_build_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
    static const unsigned char ip4[4] = {127, 0, 0, 1};
    static const unsigned char ip6[16] = {[15] = 1};
    unsigned char serial[16], id[64];
    size_t idlen = sizeof(id);
    char host[256];
    time_t now = time(NULL);
    int rc;

    tls_host_name(host, sizeof(host));
    const char *cn = host[0] ? host : "kazi";
    rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));
    serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x40); /* positive, no leading zero */
    if (rc >= 0)
        rc = gnutls_x509_crt_set_version(crt, 3);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
    if (rc >= 0)
        rc = gnutls_x509_crt_set_activation_time(crt, now - 3600);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_expiration_time(crt, now + (time_t)TLS_VALID_DAYS * TLS_DAY);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                           (unsigned)strlen(cn));
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key(crt, key);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                                  GNUTLS_FSAN_APPEND);
    if (rc >= 0 && host[0])
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host,
                                                  (unsigned)strlen(host), GNUTLS_FSAN_APPEND);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4, sizeof(ip4),
                                                  GNUTLS_FSAN_APPEND);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6, sizeof(ip6),
                                                  GNUTLS_FSAN_APPEND);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
    if (rc >= 0)
        rc = gnutls_x509_crt_get_key_id(crt, 0, id, &idlen);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_key_id(crt, id, idlen);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_authority_key_id(crt, id, idlen);
    if (rc >= 0)
        rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
    return rc;
}

/* Creates a new ECDSA P-256 key and self-signed certificate as PEM (caller-freed). */
static int tls_generate(char **cert_pem, char **key_pem, char *err, size_t errlen)
{
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t kd = {NULL, 0}, cd = {NULL, 0};
    int rc = gnutls_x509_privkey_init(&key);

    if (rc >= 0)
        rc = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
                                          GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
    if (rc >= 0)
        rc = gnutls_x509_crt_init(&crt);
    if (rc >= 0)
        rc = tls_build_cert(crt, key);
    if (rc >= 0)
        rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
                                               &kd);
    if (rc >= 0)
        rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cd);
    if (rc < 0) {
        rc = tls_fail(err, errlen, -E_TLS, "tls self-signed certificate cannot be generated: %s",
                      gnutls_strerror(rc));
        goto out;
    }
    *key_pem = xstrndup((const char *)kd.data, kd.size);
    *cert_pem = xstrndup((const char *)cd.data, cd.size);
    rc = 0;
out:
    if (kd.data) {
        gnutls_memset(kd.data, 0, kd.size);
        gnutls_free(kd.data);
    }
    gnutls_free(cd.data);
    if (crt)
        gnutls_x509_crt_deinit(crt);
    if (key)
        gnutls_x509_privkey_deinit(key);
    return rc;
}

/* Replaces path with data: temp file in the same directory, fsync, rename. */
static int tls_write_atomic(const char *path, const char *what, const char *data, mode_t mode,
                            char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    size_t len = strlen(data), off = 0;
    int rc = 0, fd = -1;

    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
        return tls_fail(err, errlen, -E_CONFIG, "tls %s '%s' path is too long", what, path);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0 || fchmod(fd, mode) < 0)
        goto fail;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        off += (size_t)n;
    }
    if (fsync(fd) < 0)
        goto fail;
    rc = close(fd);
    fd = -1;
    if (rc < 0)
        goto fail;
    if (rename(tmp, path) < 0)
        goto fail;
    return 0;
fail:
    rc = tls_fail(err, errlen, -E_IO, "tls %s '%s' cannot be written: %s", what, path,
                  strerror(errno ? errno : EIO));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return rc;
}

static int tls_mkdir(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return tls_fail(err, errlen, -E_IO, "tls directory '%s' cannot be created: %s", dir,
                        strerror(errno));
    return 0;
}

/* Makes the renames durable: a crash after this returns leaves the new files in place. */
static void tls_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int tls_exists(const char *path)
{
    return access(path, F_OK) == 0 || errno != ENOENT;
}

static int tls_load_generated(const char *data_dir, char **cert_pem, char **key_pem, char *err,
                              size_t errlen)
{
    char dir[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
    int rc, expired = 0;

    if (!data_dir || !*data_dir)
        return tls_fail(err, errlen, -E_CONFIG, "tls data directory is not set");
    /* room for the temp-file suffix too, see tls_write_atomic */
    if (strlen(data_dir) > sizeof(dir) - 32 ||
        snprintf(dir, sizeof(dir), "%s/tls", data_dir) >= (int)sizeof(dir) ||
        snprintf(cert, sizeof(cert), "%s/cert.pem", dir) >= (int)sizeof(cert) ||
        snprintf(key, sizeof(key), "%s/key.pem", dir) >= (int)sizeof(key))
        return tls_fail(err, errlen, -E_CONFIG, "tls data directory '%s' path is too long",
                        data_dir);
    if ((rc = tls_mkdir(data_dir, err, errlen)) < 0 || (rc = tls_mkdir(dir, err, errlen)) < 0)
        return rc;
    /* a pair generated by an older version or copied in with the default umask */
    fsmode_restrict(dir, 0700, "tls directory");
    fsmode_restrict(key, 0600, "tls key");
    fsmode_restrict(cert, 0600, "tls certificate");
    int have_cert = tls_exists(cert), have_key = tls_exists(key);
    if (have_cert && have_key) {
        rc = tls_load_pair(cert, key, cert_pem, key_pem, &expired, err, errlen);
        if (rc == 0 || !expired)
            return rc;
        log_warn("tls certificate '%s' has expired, generating a new self-signed one", cert);
    } else if (have_cert || have_key) {
        log_warn("tls %s '%s' is missing, generating a new self-signed pair",
                 have_cert ? "key" : "certificate", have_cert ? key : cert);
    }
    rc = tls_generate(cert_pem, key_pem, err, errlen);
    /* key first: a crash in between leaves a key without a certificate, which is regenerated */
    if (rc == 0)
        rc = tls_write_atomic(key, "key", *key_pem, 0600, err, errlen);
    if (rc == 0)
        rc = tls_write_atomic(cert, "certificate", *cert_pem, 0600, err, errlen);
    if (rc < 0) {
        free(*cert_pem);
        tls_free_secret(*key_pem);
        *cert_pem = *key_pem = NULL;
        return rc;
    }
    tls_sync_dir(dir);
    log_info("tls generated self-signed certificate '%s'", cert);
    return 0;
}

int tls_load_or_generate(const char *data_dir, const char *cert_file, const char *key_file,
                         char **cert_pem, char **key_pem, char *err, size_t errlen)
{
    int expired = 0;

    *cert_pem = *key_pem = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (cert_file && !key_file)
        return tls_fail(err, errlen, -E_CONFIG, "tls certificate '%s' is configured without a key",
                        cert_file);
    if (key_file && !cert_file)
        return tls_fail(err, errlen, -E_CONFIG, "tls key '%s' is configured without a certificate",
                        key_file);
    if (cert_file)
        return tls_load_pair(cert_file, key_file, cert_pem, key_pem, &expired, err, errlen);
    return tls_load_generated(data_dir, cert_pem, key_pem, err, errlen);
}

int tls_priorities(const char *min_version, const char *custom, const char **out, char *err,
                   size_t errlen)
{
    gnutls_priority_t prio = NULL;
    const char *bad = NULL;
    const char *s = TLS_PRIORITIES_12;
    int rc;

    if (custom && *custom)
        s = custom;
    else if (min_version && !strcmp(min_version, "1.3"))
        s = TLS_PRIORITIES_13;
    *out = NULL;
    rc = gnutls_priority_init(&prio, s, &bad);
    if (rc < 0)
        return tls_fail(err, errlen, -E_CONFIG, "tls priority string '%s' is not valid at '%s': %s",
                        s, bad ? bad : s, gnutls_strerror(rc));
    gnutls_priority_deinit(prio);
    *out = s;
    return 0;
}

int tls_fingerprint(const char *cert_pem, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    gnutls_x509_crt_t *crts = NULL;
    unsigned char md[32];
    size_t mdlen = sizeof(md);
    unsigned n = 0;
    int rc = 0;

    if (!out || outlen < TLS_FINGERPRINT_MAX)
        return -E_INVAL;
    out[0] = '\0';
    if (!cert_pem || tls_parse_crts(cert_pem, &crts, &n) < 0)
        return -E_TLS;
    if (gnutls_x509_crt_get_fingerprint(crts[0], GNUTLS_DIG_SHA256, md, &mdlen) < 0 ||
        mdlen != sizeof(md)) {
        rc = -E_TLS;
        goto out;
    }
    for (size_t i = 0; i < mdlen; i++) {
        out[3 * i] = hex[md[i] >> 4];
        out[3 * i + 1] = hex[md[i] & 15];
        out[3 * i + 2] = i + 1 < mdlen ? ':' : '\0';
    }
out:
    tls_free_crts(crts, n);
    return rc;
}

int tls_inspect(const char *cert_file, const char *key_file, time_t *not_before, time_t *not_after,
                char *err, size_t errlen)
{
    gnutls_x509_crt_t *crts = NULL;
    char *cert = NULL, *key = NULL;
    unsigned n = 0;
    int rc = tls_read_file(cert_file, "certificate", &cert, err, errlen);

    *not_before = *not_after = (time_t)-1;
    if (rc == 0)
        rc = tls_read_file(key_file, "key", &key, err, errlen);
    if (rc == 0)
        rc = tls_match_pair(cert, key, cert_file, key_file, &crts, &n, err, errlen);
    if (rc == 0) {
        *not_before = gnutls_x509_crt_get_activation_time(crts[0]);
        *not_after = gnutls_x509_crt_get_expiration_time(crts[0]);
        tls_free_crts(crts, n);
    }
    free(cert);
    tls_free_secret(key);
    return rc;
}

int tls_not_after(const char *cert_pem, int64_t *out)
{
    gnutls_x509_crt_t *crts = NULL;
    unsigned n = 0;
    if (!cert_pem || tls_parse_crts(cert_pem, &crts, &n) < 0)
        return -E_TLS;
    time_t t = gnutls_x509_crt_get_expiration_time(crts[0]);
    tls_free_crts(crts, n);
    if (t == (time_t)-1)
        return -E_TLS;
    *out = (int64_t)t;
    return 0;
}
