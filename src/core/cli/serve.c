/* `kazi serve`: start-up, the main loop, and an orderly shutdown (stop accepting, let
 * in-flight requests finish, stop modules, checkpoint and close the database). The main loop
 * waits for signals (SIGINT/SIGTERM stop, SIGHUP reloads, see serve_reload.c) and does the
 * periodic work: the systemd watchdog and the certificate file check. The service manager
 * hears about start, reload and stop through sd_notify; without NOTIFY_SOCKET that is a no-op.
 * The listeners themselves are never restarted here. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "core/accounts/accounts.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/cli/app.h"
#include "core/cli/cli.h"
#include "core/cli/serve.h"
#include "core/db/db.h"
#include "core/events/live.h"
#include "core/http/metrics.h"
#include "core/http/proxy.h"
#include "core/http/router.h"
#include "core/http/server.h"
#include "core/http/tls.h"
#include "core/registry.h"
#include "core/rest/rest.h"

/* Formats scheme://host:port for a listener (the actual port when 0 was configured). */
static void listener_url(char *out, size_t len, const char *scheme, const char *addr, int port)
{
    char host[256];
    int p;
    out[0] = '\0';
    if (config_parse_addr(addr, host, sizeof(host), &p))
        return;
    bool v6 = strchr(host, ':') != NULL;
    snprintf(out, len, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", host, v6 ? "]" : "", port);
}

static int start_server(struct serve *s, struct router *router)
{
    const struct config *cfg = &s->cfg;
    const char *priorities = NULL;
    char err[1024];
    s->https = strcmp(cfg->https, "off") != 0;
    if (metrics_set_access(cfg->metrics, cfg->metrics_token, err, sizeof(err)) ||
        proxy_set_trusted(cfg->trusted_proxies, err, sizeof(err))) {
        fprintf(stderr, "kazi: %s\n", err);
        return 1;
    }
    if (s->https) {
        const char *cf = *cfg->tls_cert ? cfg->tls_cert : NULL;
        const char *kf = *cfg->tls_key ? cfg->tls_key : NULL;
        serve_tls_files_note(s); /* what the certificate file check compares against */
        if (tls_priorities(cfg->tls_min_version, cfg->tls_priorities, &priorities, err,
                           sizeof(err)) ||
            tls_load_or_generate(cfg->data, cf, kf, &s->cert, &s->key, err, sizeof(err))) {
            fprintf(stderr, "kazi: %s\n", err);
            return 1;
        }
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    serve_access_log_start(s, cfg->access_log);
    struct server_options so = {
        .http_addr = strcmp(cfg->http, "off") ? cfg->http : NULL,
        .https_addr = s->https ? cfg->https : NULL,
        .cert_pem = s->cert,
        .key_pem = s->key,
        .tls_priorities = priorities,
        .hsts_max_age = (unsigned)cfg->hsts_max_age,
        .threads = cfg->threads ? (unsigned)cfg->threads : (unsigned)(cores > 0 ? cores : 1),
        .max_body = (size_t)cfg->max_body,
        .max_header = (size_t)cfg->max_header,
        .max_body_anonymous = (size_t)cfg->max_body_anonymous,
        .timeout_s = (unsigned)cfg->timeout,
        .max_connections = (unsigned)cfg->max_connections,
        .max_connections_per_ip = (unsigned)cfg->max_connections_per_ip,
        .header_timeout_s = (unsigned)cfg->header_timeout,
        .access_log_fd = s->access_fd,
    };
    if (!so.http_addr && !so.https_addr) {
        fprintf(stderr, "kazi: both 'http' and 'https' are off: nothing to listen on\n");
        return 1;
    }
    if (server_start(&so, router)) {
        fprintf(stderr, "kazi: cannot listen (see the log above)\n");
        return 1;
    }
    if (so.http_addr) {
        listener_url(s->http_url, sizeof(s->http_url), "http", so.http_addr, server_port(false));
        printf("kazi: listening on %s\n", s->http_url);
    }
    if (so.https_addr) {
        listener_url(s->https_url, sizeof(s->https_url), "https", so.https_addr, server_port(true));
        printf("kazi: listening on %s\n", s->https_url);
    }
    fflush(stdout);
    /* URLs handed out by webhook.add: the configured public URL, else the HTTPS listener */
    auth_set_base_url(*cfg->public_url ? cfg->public_url
                      : *s->https_url  ? s->https_url
                                       : s->http_url);
    return 0;
}

/* Tells the service manager state (READY=1, ...; NULL: only the status) with a STATUS= line
 * naming the listeners after note. Does nothing without NOTIFY_SOCKET. */
static void notify(const struct serve *s, const char *state, const char *note)
{
    const char *and = *s->http_url && *s->https_url ? " and " : "";
    sd_notifyf(0, "%s%sSTATUS=%s%sserving on %s%s%s", state ? state : "", state ? "\n" : "", note,
               *note ? "; " : "", s->http_url, and, s->https_url);
}

/* What the watchdog keepalive vouches for: the database answers a query on this thread's own
 * connection, and no listener has every one of its worker threads stuck in one request for
 * more than stuck_s seconds. A check that hangs (a hung disk) stops the keepalives too. */
static bool serve_alive(double stuck_s, char *why, size_t len)
{
    struct db *db = db_conn();
    if (!db || db_ping(db)) {
        snprintf(why, len, "the database does not answer");
        return false;
    }
    if (server_workers_stuck(stuck_s)) {
        snprintf(why, len,
                 "every worker thread of a listener has been in one request for more than %.0f s",
                 stuck_s);
        return false;
    }
    return true;
}

/* Seconds until the next periodic job, given its due time (0: never). */
static double until(double due, double now)
{
    return due <= 0 ? 3600 : due > now ? due - now : 0;
}

/* The main loop: returns the stop signal. */
static int serve_loop(struct serve *s, const sigset_t *set)
{
    uint64_t wd_usec = 0;
    bool wd = sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0;
    double wd_every = (double)wd_usec / 2e6, stuck_s = (double)wd_usec / 1e6;
    if (stuck_s < 5)
        stuck_s = 5; /* a slow request on a busy machine is not a stuck one */
    double now = time_now_mono();
    double next_wd = wd ? now : 0;
    double next_tls = s->cfg.tls_reload_check ? now + (double)s->cfg.tls_reload_check : 0;
    char status[1400];
    for (;;) {
        now = time_now_mono();
        double wait = until(next_wd, now), t = until(next_tls, now);
        if (t < wait)
            wait = t;
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        int sig = sigtimedwait(set, NULL, &ts);
        if (sig == SIGINT || sig == SIGTERM)
            return sig;
        if (sig == SIGHUP) {
            struct timespec mono;
            clock_gettime(CLOCK_MONOTONIC, &mono);
            sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading the configuration",
                       (unsigned long long)mono.tv_sec * 1000000ULL +
                           (unsigned long long)mono.tv_nsec / 1000ULL);
            serve_reload(s, status, sizeof(status));
            notify(s, "READY=1", status);
            now = time_now_mono();
            next_tls = s->cfg.tls_reload_check ? now + (double)s->cfg.tls_reload_check : 0;
        } else if (sig < 0 && errno != EAGAIN && errno != EINTR) {
            log_error("signal wait failed: %s", strerror(errno));
            return SIGTERM;
        }
        now = time_now_mono();
        if (next_tls > 0 && now >= next_tls) {
            int changed = serve_check_tls_files(s, status, sizeof(status));
            if (changed)
                notify(s, NULL, changed > 0 ? "certificate files reloaded" : status);
            next_tls = s->cfg.tls_reload_check ? now + (double)s->cfg.tls_reload_check : 0;
        }
        if (wd && now >= next_wd) {
            if (serve_alive(stuck_s, status, sizeof(status)))
                sd_notify(0, "WATCHDOG=1");
            else
                log_warn("watchdog: no keepalive sent: %s", status);
            next_wd = now + wd_every;
        }
    }
}

int cli_serve(int argc, char **argv)
{
    struct serve s = {.argc = argc, .argv = argv, .access_fd = -1};
    int rc = 1, sig = 0;
    double t0 = time_now_mono();
    if (app_config(&s.cfg, argc, argv, NULL, NULL, 0, NULL))
        return 2;
    /* block the signals the main loop waits for before any thread exists, so that only the
     * main loop receives them (SIGHUP would otherwise end the process) */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (app_open_db(&s.cfg))
        return 1;
    struct router *router = router_new();
    int n_mods;
    const struct module *const *mods = registry_modules(&n_mods);
    if (registry_add_routes(router) || rest_init(&s.cfg, mods, n_mods, router) || registry_start())
        goto out;
    struct live_options lo = {(unsigned)s.cfg.live_ping, (unsigned)s.cfg.live_queue,
                              (unsigned)s.cfg.max_connections, (unsigned)s.cfg.live_threads};
    if (live_start(&lo))
        goto out_modules;
    if (start_server(&s, router))
        goto out_modules;
    log_info("kazi %s started in %.1f ms (data '%s', modules '%s')", KAZI_VERSION,
             (time_now_mono() - t0) * 1000, s.cfg.data, s.cfg.modules);
    notify(&s, "READY=1", "");
    sig = serve_loop(&s, &set);
    sd_notify(0, "STOPPING=1\nSTATUS=stopping");
    log_info("signal %d: stopping; in-flight requests get %lld s", sig,
             (long long)s.cfg.shutdown_timeout);
    server_stop((unsigned)s.cfg.shutdown_timeout);
    rc = 0;
out_modules:
    registry_stop();
out:
    router_free(router);
    rest_fini();
    app_close_db();
    if (s.access_fd >= 0)
        close(s.access_fd);
    free(s.cert);
    if (s.key)
        explicit_bzero(s.key, strlen(s.key));
    free(s.key);
    if (!rc)
        log_info("stopped cleanly");
    return rc;
}
