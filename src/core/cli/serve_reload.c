/* Reloading a running server: the configuration read again from the sources of the start and
 * applied where that is safe while requests run (log level, access log, metrics access, rate
 * limit, HSTS, public URL, the certificate pair for new handshakes), and the certificate files
 * watched for changes. Everything is checked and loaded before anything is applied, so a bad
 * reload changes nothing. It does not touch the listeners, threads or database: those options
 * are reported as needing a restart. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/accounts/accounts.h"
#include "core/base/log.h"
#include "core/cli/serve.h"
#include "core/http/metrics.h"
#include "core/http/server.h"
#include "core/http/tls.h"
#include "core/http/tls_cred.h"
#include "core/rest/rest.h"

/* A new descriptor for spec ("stderr" or a file); -1 with err set when it cannot be opened. */
static int access_log_open(const char *spec, char *err, size_t errlen)
{
    int fd = !strcmp(spec, "stderr") ? fcntl(2, F_DUPFD_CLOEXEC, 3)
                                     : open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        snprintf(err, errlen, "access log '%s' cannot be opened: %s", spec, strerror(errno));
    return fd;
}

void serve_access_log_start(struct serve *s, const char *spec)
{
    char err[CONFIG_STR_MAX + 64];
    s->access_fd = -1;
    if (!strcmp(spec, "off"))
        return;
    s->access_fd = access_log_open(spec, err, sizeof(err));
    if (s->access_fd < 0) {
        fprintf(stderr, "kazi: %s; using stderr\n", err);
        s->access_fd = access_log_open("stderr", err, sizeof(err));
    }
}

/* Puts fd (new, owned) in place of the access log. A request finishing on a worker thread may
 * still hold the old number, so the number stays and only what it refers to changes (dup3). */
static void access_log_swap(struct serve *s, int fd)
{
    if (fd < 0) {
        server_set_access_log(-1); /* "off": the descriptor stays open until the process ends */
        return;
    }
    if (s->access_fd >= 0) {
        if (dup3(fd, s->access_fd, O_CLOEXEC) < 0)
            log_error("access log cannot be replaced: %s", strerror(errno));
        close(fd);
    } else {
        s->access_fd = fd;
    }
    server_set_access_log(s->access_fd);
}

static void file_id(const char *path, struct serve_file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof(*id));
    if (stat(path, &st))
        return;
    *id = (struct serve_file_id){true, st.st_dev, st.st_ino, st.st_size, st.st_mtim};
}

static bool file_id_same(const struct serve_file_id *a, const struct serve_file_id *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void free_pair(char *cert, char *key)
{
    free(cert);
    if (key)
        explicit_bzero(key, strlen(key));
    free(key);
}

/* A pair being loaded: the PEM read and, when it differs from the one in use, parsed. */
struct tls_next {
    char *cert, *key;
    struct tls_cred *cred; /* NULL: the files hold the pair already in use */
    struct serve_file_id cert_id, key_id;
};

/* Reads and checks the pair cfg names (the generated one when tls_cert is empty). */
static int tls_prepare(const struct serve *s, const struct config *cfg, struct tls_next *n,
                       char *err, size_t errlen)
{
    const char *cf = *cfg->tls_cert ? cfg->tls_cert : NULL,
               *kf = *cfg->tls_key ? cfg->tls_key : NULL;
    memset(n, 0, sizeof(*n));
    if (cf && kf) { /* before reading, so a change while reading is seen next time */
        file_id(cf, &n->cert_id);
        file_id(kf, &n->key_id);
    }
    if (tls_load_or_generate(s->cfg.data, cf, kf, &n->cert, &n->key, err, errlen))
        return -1;
    if (s->cert && s->key && !strcmp(n->cert, s->cert) && !strcmp(n->key, s->key))
        return 0;
    if (tls_cred_new(n->cert, n->key, &n->cred, err, errlen)) {
        free_pair(n->cert, n->key);
        n->cert = n->key = NULL;
        return -1;
    }
    return 0;
}

/* Makes a prepared pair the one for new handshakes (when it is new) and keeps its PEM. */
static void tls_commit(struct serve *s, struct tls_next *n)
{
    if (n->cred) {
        char fp[TLS_FINGERPRINT_MAX] = "";
        int64_t not_after;
        tls_cred_use(n->cred);
        free_pair(s->cert, s->key);
        s->cert = n->cert;
        s->key = n->key;
        if (!tls_not_after(s->cert, &not_after))
            metrics_tls_certificate(not_after); /* the expiry alert follows the new pair */
        tls_fingerprint(s->cert, fp, sizeof(fp));
        log_info("tls: new connections get certificate '%s' (sha256 %s)",
                 *s->cfg.tls_cert ? s->cfg.tls_cert : "generated", fp);
    } else {
        free_pair(n->cert, n->key);
    }
    n->cert = n->key = NULL;
    n->cred = NULL;
}

static void tls_discard(struct tls_next *n)
{
    tls_cred_free(n->cred);
    free_pair(n->cert, n->key);
    memset(n, 0, sizeof(*n));
}

struct change_count {
    int applied, restart;
};

static void report_change(void *ctx, const char *key, bool reloadable)
{
    struct change_count *c = ctx;
    if (reloadable) {
        c->applied++;
        log_info("reload: '%s' changed and is applied", key);
    } else {
        c->restart++;
        log_warn("reload: '%s' changed but needs a restart; the running value is kept", key);
    }
}

/* The base URL of webhook URLs: public_url, else the HTTPS listener, else the HTTP one. */
static const char *base_url(const struct serve *s, const struct config *cfg)
{
    return *cfg->public_url ? cfg->public_url : *s->https_url ? s->https_url : s->http_url;
}

int serve_reload(struct serve *s, char *status, size_t len)
{
    struct config next;
    struct tls_next tls = {0};
    char err[CONFIG_STR_MAX * 2 + 128];
    int n_pos, log_fd = -1;
    enum log_level lvl = LOG_INFO;
    log_info("reload: reading the configuration again");
    if (config_load(&next, s->argc, s->argv, NULL, NULL, 0, &n_pos, err, sizeof(err)))
        goto fail;
    log_level_parse(next.log_level, &lvl); /* the table allows only valid names */
    if (s->https && tls_prepare(s, &next, &tls, err, sizeof(err)))
        goto fail;
    if (strcmp(next.access_log, "off") &&
        (log_fd = access_log_open(next.access_log, err, sizeof(err))) < 0)
        goto fail;
    /* the last check, and the first change: on an error it changes nothing */
    if (metrics_set_access(next.metrics, next.metrics_token, err, sizeof(err)))
        goto fail;
    log_set_level(lvl);
    access_log_swap(s, log_fd);
    server_set_hsts((unsigned)next.hsts_max_age);
    rest_set_rate_limit(next.rate_limit_burst, next.rate_limit_rate);
    auth_set_base_url(base_url(s, &next));
    struct change_count cc = {0};
    config_each_change(&s->cfg, &next, report_change, &cc);
    config_copy_reloadable(&s->cfg, &next); /* before tls_commit, which names tls_cert */
    if (s->https) {
        tls_commit(s, &tls);
        s->cert_id = tls.cert_id;
        s->key_id = tls.key_id;
    }
    log_info("reload: done; %d changed option(s) applied, %d need a restart", cc.applied,
             cc.restart);
    snprintf(status, len, "configuration reloaded%s",
             cc.restart ? "; some changed options need a restart (see the log)" : "");
    return 0;
fail:
    tls_discard(&tls);
    if (log_fd >= 0)
        close(log_fd);
    log_error("reload: %s; nothing was changed", err);
    snprintf(status, len, "reload failed, the previous configuration is in use: %s", err);
    return -1;
}

void serve_tls_files_note(struct serve *s)
{
    if (*s->cfg.tls_cert && *s->cfg.tls_key) {
        file_id(s->cfg.tls_cert, &s->cert_id);
        file_id(s->cfg.tls_key, &s->key_id);
    }
}

int serve_check_tls_files(struct serve *s, char *status, size_t len)
{
    struct serve_file_id cert_id, key_id;
    struct tls_next tls;
    char err[CONFIG_STR_MAX * 2 + 128];
    if (!s->https || !*s->cfg.tls_cert || !*s->cfg.tls_key)
        return 0;
    file_id(s->cfg.tls_cert, &cert_id);
    file_id(s->cfg.tls_key, &key_id);
    if (file_id_same(&cert_id, &s->cert_id) && file_id_same(&key_id, &s->key_id))
        return 0;
    if (tls_prepare(s, &s->cfg, &tls, err, sizeof(err))) {
        /* tried once per change of the files, not again on every check */
        s->cert_id = cert_id;
        s->key_id = key_id;
        log_error("tls: the changed certificate files are not used: %s; new connections still "
                  "get the previous certificate",
                  err);
        snprintf(status, len, "certificate reload failed, the previous one is in use: %s", err);
        return -1;
    }
    s->cert_id = tls.cert_id;
    s->key_id = tls.key_id;
    bool changed = tls.cred != NULL;
    tls_commit(s, &tls);
    return changed ? 1 : 0;
}
