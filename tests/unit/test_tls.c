/* Tests for core/http/tls: first-run generation, reloading, certificate fields, a real handshake
 * with the generated pair, and the error text for configured files that are wrong. */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/http/tls.h"
#include "t.h"

/* A fresh directory under the test tmpdir; returns a static buffer. */
static const char *t_dir(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s/%s", t_tmpdir(), name);
    mkdir(buf, 0700);
    return buf;
}

static char *t_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 1 << 16);
    if (f) {
        if (fread(buf, 1, (1 << 16) - 1, f) == 0)
            buf[0] = '\0';
        fclose(f);
    }
    return buf;
}

static void t_write(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(data, f);
        fclose(f);
    }
}

/* Generates a pair into dir/tls; paths of the files into cert/key (512 bytes each). */
static int t_gen(const char *dir, char *cert, char *key, char **cert_pem, char **key_pem)
{
    char err[256];
    snprintf(cert, 512, "%s/tls/cert.pem", dir);
    snprintf(key, 512, "%s/tls/key.pem", dir);
    return tls_load_or_generate(dir, NULL, NULL, cert_pem, key_pem, err, sizeof(err));
}

/* A self-signed certificate for key_pem valid from start to end, as PEM (caller-freed). */
static char *t_make_cert(const char *key_pem, time_t start, time_t end)
{
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    gnutls_datum_t kd = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)}, out = {NULL, 0};
    unsigned char serial[1] = {7};
    char *pem = NULL;
    int rc = gnutls_x509_privkey_init(&key);
    if (rc >= 0)
        rc = gnutls_x509_privkey_import2(key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0);
    if (rc >= 0)
        rc = gnutls_x509_crt_init(&crt);
    if (rc >= 0) {
        gnutls_x509_crt_set_version(crt, 3);
        gnutls_x509_crt_set_serial(crt, serial, 1);
        gnutls_x509_crt_set_activation_time(crt, start);
        gnutls_x509_crt_set_expiration_time(crt, end);
        gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "test", 4);
        gnutls_x509_crt_set_key(crt, key);
        if (gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) >= 0 &&
            gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out) >= 0) {
            pem = strndup((const char *)out.data, out.size);
            gnutls_free(out.data);
        }
        gnutls_x509_crt_deinit(crt);
    }
    gnutls_x509_privkey_deinit(key);
    return pem;
}

/* Runs a TLS handshake over a socketpair in one thread; the client trusts cert_pem and checks
 * it against host. Returns 0 when both sides finish. */
static int t_handshake(const char *cert_pem, const char *key_pem, const char *host)
{
    gnutls_certificate_credentials_t scred, ccred;
    gnutls_session_t srv, cli;
    gnutls_datum_t cd = {(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_datum_t kd = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    int sv[2], rc = -1, sdone = 0, cdone = 0;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
        return -1;
    gnutls_certificate_allocate_credentials(&scred);
    gnutls_certificate_allocate_credentials(&ccred);
    if (gnutls_certificate_set_x509_key_mem(scred, &cd, &kd, GNUTLS_X509_FMT_PEM) < 0 ||
        gnutls_certificate_set_x509_trust_mem(ccred, &cd, GNUTLS_X509_FMT_PEM) != 1)
        goto creds;
    gnutls_init(&srv, GNUTLS_SERVER | GNUTLS_NONBLOCK);
    gnutls_init(&cli, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
    gnutls_set_default_priority(srv);
    gnutls_set_default_priority(cli);
    gnutls_credentials_set(srv, GNUTLS_CRD_CERTIFICATE, scred);
    gnutls_credentials_set(cli, GNUTLS_CRD_CERTIFICATE, ccred);
    gnutls_session_set_verify_cert(cli, host, 0);
    gnutls_transport_set_int(srv, sv[0]);
    gnutls_transport_set_int(cli, sv[1]);
    for (int i = 0; i < 1000 && !(sdone && cdone); i++) {
        int r;
        if (!sdone && (r = gnutls_handshake(srv)) == 0)
            sdone = 1;
        else if (!sdone && gnutls_error_is_fatal(r))
            break;
        if (!cdone && (r = gnutls_handshake(cli)) == 0)
            cdone = 1;
        else if (!cdone && gnutls_error_is_fatal(r))
            break;
    }
    rc = sdone && cdone ? 0 : -1;
    gnutls_deinit(srv);
    gnutls_deinit(cli);
creds:
    gnutls_certificate_free_credentials(scred);
    gnutls_certificate_free_credentials(ccred);
    close(sv[0]);
    close(sv[1]);
    return rc;
}

TEST(tls_generate_then_reload_unchanged)
{
    const char *dir = t_dir("gen");
    char cert[512], key[512];
    char *c1 = NULL, *k1 = NULL, *c2 = NULL, *k2 = NULL;
    struct stat st1, st2;
    CHECK_INT(t_gen(dir, cert, key, &c1, &k1), 0);
    CHECK(c1 && k1);
    CHECK(strstr(c1, "-----BEGIN CERTIFICATE-----"));
    CHECK(strstr(k1, "-----BEGIN PRIVATE KEY-----"));
    CHECK_INT(stat(key, &st1), 0);
    CHECK_INT(st1.st_mode & 07777, 0600);
    char *on_disk = t_read(cert);
    CHECK_STR(on_disk, c1);
    free(on_disk);
    on_disk = t_read(key);
    CHECK_STR(on_disk, k1);
    free(on_disk);
    CHECK_INT(t_gen(dir, cert, key, &c2, &k2), 0);
    CHECK_STR(c2, c1);
    CHECK_STR(k2, k1);
    CHECK_INT(stat(key, &st2), 0);
    CHECK_INT(st2.st_ino, st1.st_ino);
    CHECK_INT(st2.st_mtime, st1.st_mtime);
    free(c1), free(k1), free(c2), free(k2);
}

static int t_san_check(gnutls_x509_crt_t crt, const char *host)
{
    static const unsigned char ip4[4] = {127, 0, 0, 1}, ip6[16] = {[15] = 1};
    int found = 0, want = host[0] ? 15 : 7;
    for (unsigned i = 0;; i++) {
        char buf[256];
        size_t sz = sizeof(buf);
        int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &sz, NULL);
        if (type < 0)
            break;
        if (type == GNUTLS_SAN_DNSNAME && !strcmp(buf, "localhost"))
            found |= 1;
        if (type == GNUTLS_SAN_IPADDRESS && sz == 4 && !memcmp(buf, ip4, 4))
            found |= 2;
        if (type == GNUTLS_SAN_IPADDRESS && sz == 16 && !memcmp(buf, ip6, 16))
            found |= 4;
        if (type == GNUTLS_SAN_DNSNAME && host[0] && !strcmp(buf, host))
            found |= 8;
    }
    return found == want;
}

TEST(tls_generated_certificate_fields)
{
    const char *dir = t_dir("fields");
    char cert[512], key[512], host[256] = "", buf[256];
    char *c = NULL, *k = NULL;
    gnutls_x509_crt_t crt;
    unsigned ca = 1, usage = 0, bits = 0;
    size_t sz = sizeof(buf);
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    gnutls_datum_t d = {(unsigned char *)c, (unsigned)strlen(c)};
    CHECK_INT(gnutls_x509_crt_init(&crt), 0);
    CHECK_INT(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
    if (gethostname(host, sizeof(host)) < 0 || !strcmp(host, "localhost") ||
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
            strlen(host))
        host[0] = '\0';
    CHECK_INT(gnutls_x509_crt_get_version(crt), 3);
    CHECK(t_san_check(crt, host));
    CHECK_INT(gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &sz), 0);
    CHECK_STR(buf, host[0] ? host : "kazi");
    CHECK(gnutls_x509_crt_get_basic_constraints(crt, NULL, &ca, NULL) >= 0);
    CHECK_INT(ca, 0);
    CHECK_INT(gnutls_x509_crt_get_key_usage(crt, &usage, NULL), 0);
    CHECK_INT(usage, GNUTLS_KEY_DIGITAL_SIGNATURE);
    sz = sizeof(buf);
    CHECK_INT(gnutls_x509_crt_get_key_purpose_oid(crt, 0, buf, &sz, NULL), 0);
    CHECK_STR(buf, GNUTLS_KP_TLS_WWW_SERVER);
    CHECK_INT(gnutls_x509_crt_get_pk_algorithm(crt, &bits), GNUTLS_PK_ECDSA);
    CHECK_INT(bits, 256);
    time_t start = gnutls_x509_crt_get_activation_time(crt);
    time_t end = gnutls_x509_crt_get_expiration_time(crt);
    CHECK(start <= time(NULL) - 3500);
    CHECK_INT(end - start, 825LL * 86400 + 3600);
    gnutls_x509_crt_deinit(crt);
    free(c), free(k);
}

TEST(tls_generated_pair_handshakes)
{
    const char *dir = t_dir("hs");
    char cert[512], key[512];
    char *c = NULL, *k = NULL;
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    CHECK_INT(t_handshake(c, k, "localhost"), 0);
    CHECK_INT(t_handshake(c, k, "127.0.0.1"), 0);
    CHECK(t_handshake(c, k, "example.com") != 0); /* the name check is real */
    free(c), free(k);
}

TEST(tls_configured_missing_files)
{
    const char *dir = t_dir("missing");
    char cert[512], key[512], nope[512], err[256];
    char *c = NULL, *k = NULL, *c2 = NULL, *k2 = NULL;
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    snprintf(nope, sizeof(nope), "%s/nope.pem", dir);
    CHECK_INT(tls_load_or_generate(NULL, nope, key, &c2, &k2, err, sizeof(err)), -E_IO);
    CHECK(!c2 && !k2);
    char want[700];
    snprintf(want, sizeof(want), "tls certificate '%s' cannot be read: No such file or directory",
             nope);
    CHECK_STR(err, want);
    CHECK_INT(tls_load_or_generate(NULL, cert, nope, &c2, &k2, err, sizeof(err)), -E_IO);
    snprintf(want, sizeof(want), "tls key '%s' cannot be read: No such file or directory", nope);
    CHECK_STR(err, want);
    CHECK_INT(tls_load_or_generate(NULL, cert, key, &c2, &k2, err, sizeof(err)), 0);
    CHECK_STR(c2, c);
    free(c), free(k), free(c2), free(k2);
}

TEST(tls_configured_garbage_files)
{
    const char *dir = t_dir("garbage");
    char cert[512], key[512], junk[512], err[256], want[700];
    char *c = NULL, *k = NULL, *c2 = NULL, *k2 = NULL;
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    snprintf(junk, sizeof(junk), "%s/junk.pem", dir);
    t_write(junk, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    CHECK_INT(tls_load_or_generate(NULL, junk, key, &c2, &k2, err, sizeof(err)), -E_TLS);
    snprintf(want, sizeof(want), "tls certificate '%s' is not a valid pem certificate", junk);
    CHECK_STR(err, want);
    CHECK_INT(tls_load_or_generate(NULL, cert, junk, &c2, &k2, err, sizeof(err)), -E_TLS);
    snprintf(want, sizeof(want), "tls key '%s' is not a valid pem private key", junk);
    CHECK_STR(err, want);
    CHECK(!c2 && !k2);
    free(c), free(k);
}

TEST(tls_configured_mismatched_key)
{
    char cert_a[512], key_a[512], cert_b[512], key_b[512], err[256], want[1200];
    char *ca = NULL, *ka = NULL, *cb = NULL, *kb = NULL, *c2 = NULL, *k2 = NULL;
    CHECK_INT(t_gen(t_dir("pair_a"), cert_a, key_a, &ca, &ka), 0);
    CHECK_INT(t_gen(t_dir("pair_b"), cert_b, key_b, &cb, &kb), 0);
    CHECK_INT(tls_load_or_generate(NULL, cert_a, key_b, &c2, &k2, err, sizeof(err)), -E_TLS);
    snprintf(want, sizeof(want), "tls key '%s' does not match certificate '%s'", key_b, cert_a);
    CHECK_STR(err, want);
    CHECK(!c2 && !k2);
    free(ca), free(ka), free(cb), free(kb);
}

TEST(tls_configured_only_one_file)
{
    char err[256];
    char *c = (char *)"x", *k = (char *)"x";
    CHECK_INT(
        tls_load_or_generate("/nonexistent", "/etc/kazi/cert.pem", NULL, &c, &k, err, sizeof(err)),
        -E_CONFIG);
    CHECK_STR(err, "tls certificate '/etc/kazi/cert.pem' is configured without a key");
    CHECK(!c && !k);
    CHECK_INT(
        tls_load_or_generate("/nonexistent", NULL, "/etc/kazi/key.pem", &c, &k, err, sizeof(err)),
        -E_CONFIG);
    CHECK_STR(err, "tls key '/etc/kazi/key.pem' is configured without a certificate");
    CHECK_INT(tls_load_or_generate(NULL, NULL, "/k", &c, &k, NULL, 0), -E_CONFIG);
}

TEST(tls_configured_expired_and_expiring)
{
    const char *dir = t_dir("expiry");
    char cert[512], key[512], other[512], err[256], want[700], logpath[600];
    char *c = NULL, *k = NULL, *c2 = NULL, *k2 = NULL;
    time_t now = time(NULL);
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    snprintf(other, sizeof(other), "%s/other.pem", dir);
    char *pem = t_make_cert(k, now - 10 * 86400, now - 86400);
    CHECK(pem);
    t_write(other, pem);
    free(pem);
    CHECK_INT(tls_load_or_generate(NULL, other, key, &c2, &k2, err, sizeof(err)), -E_TLS);
    snprintf(want, sizeof(want), "tls certificate '%s' expired on ", other);
    CHECK(!strncmp(err, want, strlen(want)));

    pem = t_make_cert(k, now - 86400, now + 5 * 86400 + 3600);
    t_write(other, pem);
    free(pem);
    snprintf(logpath, sizeof(logpath), "%s/log.txt", dir);
    int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    log_set_fd(fd);
    int rc = tls_load_or_generate(NULL, other, key, &c2, &k2, err, sizeof(err));
    log_set_fd(2);
    close(fd);
    CHECK_INT(rc, 0);
    char *logged = t_read(logpath);
    snprintf(want, sizeof(want), "tls certificate '%s' expires on ", other);
    CHECK(strstr(logged, want) && strstr(logged, "in 5 days"));
    free(logged);
    free(c), free(k), free(c2), free(k2);
}

TEST(tls_generated_pair_repaired)
{
    const char *dir = t_dir("repair");
    char cert[512], key[512];
    char *c = NULL, *k = NULL, *c2 = NULL, *k2 = NULL, *c3 = NULL, *k3 = NULL;
    time_t now = time(NULL);
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    /* an expired generated certificate is replaced */
    char *pem = t_make_cert(k, now - 10 * 86400, now - 86400);
    t_write(cert, pem);
    free(pem);
    CHECK_INT(t_gen(dir, cert, key, &c2, &k2), 0);
    CHECK(strcmp(c2, c) != 0);
    CHECK(strcmp(k2, k) != 0);
    /* a key left without its certificate (crash between the two writes) is replaced */
    CHECK_INT(unlink(cert), 0);
    CHECK_INT(t_gen(dir, cert, key, &c3, &k3), 0);
    CHECK(strcmp(k3, k2) != 0);
    CHECK_INT(t_handshake(c3, k3, "localhost"), 0);
    free(c), free(k), free(c2), free(k2), free(c3), free(k3);
}

TEST(tls_certificate_chain_accepted)
{
    const char *dir = t_dir("chain");
    char cert[512], key[512], cert_o[512], key_o[512], err[256];
    char *c = NULL, *k = NULL, *ca = NULL, *ka = NULL, *c2 = NULL, *k2 = NULL;
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    CHECK_INT(t_gen(t_dir("chain_other"), cert_o, key_o, &ca, &ka), 0);
    size_t n = strlen(c) + strlen(ca) + 1;
    char *chain = malloc(n);
    snprintf(chain, n, "%s%s", c, ca);
    t_write(cert, chain);
    CHECK_INT(tls_load_or_generate(NULL, cert, key, &c2, &k2, err, sizeof(err)), 0);
    CHECK_STR(c2, chain);
    free(chain), free(c), free(k), free(ca), free(ka), free(c2), free(k2);
}

TEST(tls_fingerprint_format)
{
    const char *dir = t_dir("fpr");
    char cert[512], key[512], fp[TLS_FINGERPRINT_MAX], want[TLS_FINGERPRINT_MAX];
    char *c = NULL, *k = NULL;
    unsigned char md[32];
    gnutls_datum_t d, der = {NULL, 0};
    gnutls_x509_crt_t crt;
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    CHECK_INT(tls_fingerprint(c, fp, sizeof(fp)), 0);
    CHECK_INT(strlen(fp), 95);
    /* independent: SHA-256 over the DER encoding */
    d = (gnutls_datum_t){(unsigned char *)c, (unsigned)strlen(c)};
    gnutls_x509_crt_init(&crt);
    CHECK_INT(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
    CHECK_INT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), 0);
    CHECK_INT(gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, md), 0);
    for (int i = 0; i < 32; i++)
        snprintf(want + 3 * i, 4, i < 31 ? "%02X:" : "%02X", md[i]);
    CHECK_STR(fp, want);
    gnutls_free(der.data);
    gnutls_x509_crt_deinit(crt);
    CHECK_INT(tls_fingerprint("garbage", fp, sizeof(fp)), -E_TLS);
    CHECK_INT(tls_fingerprint(c, fp, 95), -E_INVAL);
    free(c), free(k);
}

TEST(tls_inspect_changes_nothing)
{
    const char *dir = t_dir("inspect");
    char cert[512], key[512], other[512], cert_b[512], key_b[512], err[256], want[1200];
    char *c = NULL, *k = NULL, *cb = NULL, *kb = NULL;
    time_t start, end, now = time(NULL);
    struct stat st;
    CHECK_INT(t_gen(dir, cert, key, &c, &k), 0);
    /* a mode tls_load_or_generate would tighten stays as it is */
    CHECK_INT(chmod(key, 0644), 0);
    CHECK_INT(tls_inspect(cert, key, &start, &end, err, sizeof(err)), 0);
    CHECK(start <= now && end > now + 800L * 86400);
    CHECK_INT(stat(key, &st), 0);
    CHECK_INT(st.st_mode & 0777, 0644);
    /* an expired certificate is reported with its dates, not refused */
    snprintf(other, sizeof(other), "%s/expired.pem", dir);
    char *pem = t_make_cert(k, now - 10 * 86400, now - 86400);
    CHECK(pem);
    t_write(other, pem);
    free(pem);
    CHECK_INT(tls_inspect(other, key, &start, &end, err, sizeof(err)), 0);
    CHECK_INT(end, now - 86400);
    /* a key of another pair: the same message as at start-up */
    CHECK_INT(t_gen(t_dir("inspect_b"), cert_b, key_b, &cb, &kb), 0);
    CHECK_INT(tls_inspect(cert, key_b, &start, &end, err, sizeof(err)), -E_TLS);
    CHECK_INT(end, -1);
    snprintf(want, sizeof(want), "tls key '%s' does not match certificate '%s'", key_b, cert);
    CHECK_STR(err, want);
    free(c), free(k), free(cb), free(kb);
}
