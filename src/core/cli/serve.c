/* `kazi serve`: start-up, the signal wait, and an orderly shutdown (stop accepting, let
 * in-flight requests finish, stop modules, checkpoint and close the database). */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/accounts/accounts.h"
#include "core/base/log.h"
#include "core/base/timeutil.h"
#include "core/cli/app.h"
#include "core/cli/cli.h"
#include "core/events/live.h"
#include "core/http/metrics.h"
#include "core/http/proxy.h"
#include "core/http/router.h"
#include "core/http/server.h"
#include "core/http/tls.h"
#include "core/registry.h"
#include "core/rest/rest.h"

static int open_access_log(const char *spec)
{
    if (!strcmp(spec, "off"))
        return -1;
    if (!strcmp(spec, "stderr"))
        return 2;
    int fd = open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        fprintf(stderr, "kazi: access log '%s' cannot be opened; using stderr\n", spec);
    return fd < 0 ? 2 : fd;
}

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

static int start_server(const struct config *cfg, struct router *router, char **cert, char **key)
{
    bool https = strcmp(cfg->https, "off") != 0;
    const char *priorities = NULL;
    char err[1024];
    if (metrics_set_access(cfg->metrics, cfg->metrics_token, err, sizeof(err)) ||
        proxy_set_trusted(cfg->trusted_proxies, err, sizeof(err))) {
        fprintf(stderr, "kazi: %s\n", err);
        return 1;
    }
    if (https) {
        if (tls_priorities(cfg->tls_min_version, cfg->tls_priorities, &priorities, err,
                           sizeof(err)) ||
            tls_load_or_generate(cfg->data, *cfg->tls_cert ? cfg->tls_cert : NULL,
                                 *cfg->tls_key ? cfg->tls_key : NULL, cert, key, err,
                                 sizeof(err))) {
            fprintf(stderr, "kazi: %s\n", err);
            return 1;
        }
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct server_options so = {
        .http_addr = strcmp(cfg->http, "off") ? cfg->http : NULL,
        .https_addr = https ? cfg->https : NULL,
        .cert_pem = *cert,
        .key_pem = *key,
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
        .access_log_fd = open_access_log(cfg->access_log),
    };
    if (!so.http_addr && !so.https_addr) {
        fprintf(stderr, "kazi: both 'http' and 'https' are off: nothing to listen on\n");
        return 1;
    }
    if (server_start(&so, router)) {
        fprintf(stderr, "kazi: cannot listen (see the log above)\n");
        return 1;
    }
    char http_url[300] = "", https_url[300] = "";
    if (so.http_addr) {
        listener_url(http_url, sizeof(http_url), "http", so.http_addr, server_port(false));
        printf("kazi: listening on %s\n", http_url);
    }
    if (so.https_addr) {
        listener_url(https_url, sizeof(https_url), "https", so.https_addr, server_port(true));
        printf("kazi: listening on %s\n", https_url);
    }
    fflush(stdout);
    /* URLs handed out by webhook.add: the configured public URL, else the HTTPS listener */
    auth_set_base_url(*cfg->public_url ? cfg->public_url : *https_url ? https_url : http_url);
    return 0;
}

int cli_serve(int argc, char **argv)
{
    struct config cfg;
    char *cert = NULL, *key = NULL;
    int rc = 1, sig = 0;
    double t0 = time_now_mono();
    if (app_config(&cfg, argc, argv, NULL, NULL, 0, NULL))
        return 2;
    /* block the stop signals before any thread exists so only sigwait below receives them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (app_open_db(&cfg))
        return 1;
    struct router *router = router_new();
    int n_mods;
    const struct module *const *mods = registry_modules(&n_mods);
    if (registry_add_routes(router) || rest_init(&cfg, mods, n_mods, router) || registry_start())
        goto out;
    struct live_options lo = {(unsigned)cfg.live_ping, (unsigned)cfg.live_queue,
                              (unsigned)cfg.max_connections, (unsigned)cfg.live_threads};
    if (live_start(&lo))
        goto out_modules;
    if (start_server(&cfg, router, &cert, &key))
        goto out_modules;
    log_info("kazi %s started in %.1f ms (data '%s', modules '%s')", KAZI_VERSION,
             (time_now_mono() - t0) * 1000, cfg.data, cfg.modules);
    sigwait(&set, &sig);
    log_info("signal %d: stopping; in-flight requests get %lld s", sig,
             (long long)cfg.shutdown_timeout);
    server_stop((unsigned)cfg.shutdown_timeout);
    rc = 0;
out_modules:
    registry_stop();
out:
    router_free(router);
    rest_fini();
    app_close_db();
    free(cert);
    if (key)
        explicit_bzero(key, strlen(key));
    free(key);
    if (!rc)
        log_info("stopped cleanly");
    return rc;
}
