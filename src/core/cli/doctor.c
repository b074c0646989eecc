/* `kazi doctor`: checks an installation as `kazi serve` would find it (configuration, the user
 * it runs as, the data directory, free space, the database, certificates, the clock, the
 * listen ports) and prints one line per finding, ok, warn or FAIL, with the fix for the last
 * two. It changes nothing: it reads and stats, opens the database read-only and tries ports
 * with bind(2) but never listens. It does not repair, and does not ask a running server. */
#include "core/cli/doctor.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/cli/cli.h"
#include "core/http/metrics.h"
#include "core/http/tls.h"
#include "core/registry.h"

/* ------------------------------------------------------------------ configuration */

/* A configuration error without its "config: " prefix (doctor's line names the area). */
static const char *unprefixed(const char *err)
{
    return strncmp(err, "config: ", 8) ? err : err + 8;
}

/* public_url is the base of every URL kazi prints: an http(s) URL with a host, no query. */
static void check_public_url(struct doctor *d)
{
    const struct config *cfg = d->cfg;
    const char *u = cfg->public_url;
    char host[256];
    int port;
    if (!*u) {
        const char *addr = strcmp(cfg->https, "off") ? cfg->https : cfg->http;
        if (strcmp(addr, "off") && !config_parse_addr(addr, host, sizeof(host), &port) &&
            (!strcmp(host, "0.0.0.0") || !strcmp(host, "::")))
            doctor_say(d, DOCTOR_WARN, "config",
                       "set public_url = https://your.host.name in the configuration",
                       "'public_url' is not set, so the webhook URLs kazi prints name the listen "
                       "address '%s', which clients cannot use",
                       addr);
        return;
    }
    const char *rest = !strncmp(u, "https://", 8)  ? u + 8
                       : !strncmp(u, "http://", 7) ? u + 7
                                                   : NULL;
    if (!rest || !*rest || *rest == '/' || strpbrk(u, " \t?#")) {
        doctor_say(d, DOCTOR_FAIL, "config",
                   "set it to the address clients use, e.g. public_url = https://crm.example.com",
                   "'public_url' is '%s', not an http:// or https:// URL with a host and without "
                   "a query",
                   u);
        return;
    }
    if (u[strlen(u) - 1] == '/')
        doctor_say(d, DOCTOR_WARN, "config", "remove the trailing '/'",
                   "'public_url' '%s' ends in '/', so printed URLs contain '//'", u);
    else if (rest == u + 7 && strncmp(rest, "localhost", 9) && strncmp(rest, "127.", 4))
        doctor_say(d, DOCTOR_WARN, "config",
                   "serve HTTPS (or put a TLS proxy in front) and use an https:// public_url",
                   "'public_url' '%s' is plain http: webhook URLs carry their secret in the "
                   "path, readable by anyone on the network",
                   u);
}

/* Loads the configuration as kazi serve does. Returns 0, 1 (it does not load: reported as a
 * FAIL) or 2 (usage error, printed). */
static int check_config(struct doctor *d, struct config *cfg, int argc, char **argv,
                        struct config_extra *extras)
{
    char err[CONFIG_STR_MAX * 2];
    int n_pos = 0;
    int rc = config_load(cfg, argc, argv, extras, NULL, 0, &n_pos, err, sizeof(err));
    d->cfg = cfg;
    d->json = extras[0].value != NULL;
    if (rc && strncmp(err, "config:", 7)) { /* an unknown flag or a stray argument */
        fprintf(stderr,
                "kazi: %s\nusage: kazi doctor [--data DIR] [--config FILE] [--json] "
                "[--quick] [--user NAME] [options]\n",
                err);
        return 2;
    }
    if (!rc)
        rc = registry_init(cfg, err, sizeof(err));
    if (rc) {
        doctor_say(d, DOCTOR_FAIL, "config",
                   "correct that value (kazi --help lists every key, its values and default)", "%s",
                   unprefixed(err));
        return 1;
    }
    int problems = d->n_fail + d->n_warn;
    if (!strcmp(cfg->http, "off") && !strcmp(cfg->https, "off"))
        doctor_say(d, DOCTOR_FAIL, "config", "set https = ADDR:PORT (or http) in the configuration",
                   "both 'http' and 'https' are off: kazi serve has nothing to listen on");
    if (metrics_set_access(cfg->metrics, cfg->metrics_token, err, sizeof(err)))
        doctor_say(d, DOCTOR_FAIL, "config",
                   "put metrics_token = <secret> (e.g. from openssl rand -hex 32) in the "
                   "configuration, or choose another metrics mode",
                   "%s", unprefixed(err));
    const char *prio;
    if (strcmp(cfg->https, "off") &&
        tls_priorities(cfg->tls_min_version, cfg->tls_priorities, &prio, err, sizeof(err)))
        doctor_say(d, DOCTOR_FAIL, "config", "correct 'tls_priorities' or remove it", "%s", err);
    check_public_url(d);
    if (d->n_fail + d->n_warn > problems)
        return 0;
    if (*cfg->config_file)
        doctor_say(d, DOCTOR_OK, "config", NULL,
                   "'%s' loads and is valid, with the environment and flags", cfg->config_file);
    else
        doctor_say(d, DOCTOR_OK, "config", NULL,
                   "no configuration file ('%s/kazi.conf' does not exist, no --config): "
                   "defaults, environment and flags are valid",
                   cfg->data);
    return 0;
}

/* ------------------------------------------------------------------ the user */

/* User= of an installed kazi.service, into name; false when there is none. */
static bool unit_user(char *name, size_t size, char *unit, size_t unit_size)
{
    static const char *const units[] = {"/etc/systemd/system/kazi.service",
                                        "/usr/lib/systemd/system/kazi.service",
                                        "/lib/systemd/system/kazi.service"};
    char line[512];
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
        FILE *f = fopen(units[i], "r");
        if (!f)
            continue;
        bool found = false;
        while (!found && fgets(line, sizeof(line), f)) {
            if (strncmp(line, "User=", 5))
                continue;
            line[strcspn(line, " \t\r\n")] = '\0';
            snprintf(name, size, "%.63s", line + 5);
            snprintf(unit, unit_size, "%s", units[i]);
            found = *name != '\0';
        }
        fclose(f);
        if (found)
            return true;
    }
    return false;
}

/* Decides whose access the file checks judge: --user, the user running doctor, or (as root)
 * the unit's User=, the 'kazi' system user, root. Returns 0 or 2 (no such user). */
static int check_user(struct doctor *d, const char *name)
{
    char unit_name[64], unit[128], why[256];
    struct passwd *pw = NULL;
    if (name) {
        pw = getpwnam(name);
        snprintf(why, sizeof(why), "--user");
    } else if (geteuid() != 0) {
        pw = getpwuid(geteuid());
        snprintf(why, sizeof(why), "the user running kazi doctor");
    } else if (unit_user(unit_name, sizeof(unit_name), unit, sizeof(unit)) &&
               (pw = getpwnam(unit_name))) {
        snprintf(why, sizeof(why), "User= in %s", unit);
    } else if ((pw = getpwnam("kazi"))) {
        snprintf(why, sizeof(why), "the system user 'kazi' exists; --user NAME to choose another");
    } else {
        pw = getpwuid(0);
        snprintf(why, sizeof(why),
                 "doctor runs as root and there is no 'kazi' user; --user NAME to choose another");
    }
    if (!pw) {
        fprintf(stderr, "kazi: user '%s' does not exist\n", name ? name : "(current)");
        return 2;
    }
    d->uid = pw->pw_uid;
    d->gid = pw->pw_gid;
    snprintf(d->user, sizeof(d->user), "%s", pw->pw_name);
    d->n_groups = (int)ARRAY_SIZE(d->groups);
    if (getgrouplist(d->user, d->gid, d->groups, &d->n_groups) < 0)
        d->n_groups = 0;
    d->as_self = geteuid() == d->uid;
    doctor_say(d, DOCTOR_OK, "user", NULL, "checking access as '%s' (uid %u): %s", d->user,
               (unsigned)d->uid, why);
    return 0;
}

/* ------------------------------------------------------------------ the clock */

/* The first time daemon running, by process name, or NULL. */
static const char *time_daemon_running(void)
{
    static const char *const names[] = {"systemd-timesyn", "chronyd", "ntpd", "openntpd"};
    static char found[64];
    const char *out = NULL;
    DIR *proc = opendir("/proc");
    struct dirent *e;
    char path[300], comm[64];
    while (proc && !out && (e = readdir(proc))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(comm, sizeof(comm), f)) {
            comm[strcspn(comm, "\n")] = '\0';
            for (size_t i = 0; i < ARRAY_SIZE(names) && !out; i++) {
                if (strcmp(comm, names[i]))
                    continue;
                /* comm is cut at 15 characters */
                snprintf(found, sizeof(found), "%s", i == 0 ? "systemd-timesyncd" : comm);
                out = found;
            }
        }
        fclose(f);
    }
    if (proc)
        closedir(proc);
    return out;
}

/* A time daemon's unit enabled in systemd (a symbolic link under *.wants), or NULL. */
static const char *time_daemon_enabled(void)
{
    static const char *const links[][2] = {
        {"sysinit.target.wants/systemd-timesyncd.service", "systemd-timesyncd"},
        {"multi-user.target.wants/chrony.service", "chrony"},
        {"multi-user.target.wants/ntpsec.service", "ntpsec"},
        {"multi-user.target.wants/ntp.service", "ntp"},
        {"multi-user.target.wants/openntpd.service", "openntpd"}};
    char path[160];
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        snprintf(path, sizeof(path), "/etc/systemd/system/%s", links[i][0]);
        if (!access(path, F_OK))
            return links[i][1];
    }
    return NULL;
}

static void check_time(struct doctor *d)
{
    struct timex tx;
    memset(&tx, 0, sizeof(tx)); /* modes 0: read only */
    int state = adjtimex(&tx);
    const char *daemon = time_daemon_running();
    if (state < 0) {
        doctor_say(d, DOCTOR_WARN, "time", "none needed inside a container; else see adjtimex(2)",
                   "the kernel's clock state cannot be read: %s", strerror(errno));
        return;
    }
    if (state != TIME_ERROR && !(tx.status & STA_UNSYNC)) {
        doctor_say(d, DOCTOR_OK, "time", NULL,
                   "the kernel says the clock is synchronised (estimated error %ld ms%s%s)",
                   tx.esterror / 1000, daemon ? "; " : "", daemon ? daemon : "");
        return;
    }
    const char *enabled = daemon ? NULL : time_daemon_enabled();
    char fix[160];
    if (enabled) {
        snprintf(fix, sizeof(fix), "start it (systemctl start %s) and look at its log", enabled);
        doctor_say(d, DOCTOR_WARN, "time", fix,
                   "the clock is not synchronised; %s is enabled but does not run; sessions, "
                   "sign-in links, TLS certificates and backup names depend on the time",
                   enabled);
    } else if (daemon)
        doctor_say(d, DOCTOR_WARN, "time",
                   "check that it reaches its time servers (timedatectl timesync-status, or "
                   "chronyc sources)",
                   "the clock is not synchronised although %s runs; sessions, sign-in links, "
                   "TLS certificates and backup names depend on the time",
                   daemon);
    else
        doctor_say(d, DOCTOR_WARN, "time",
                   "install and enable a time daemon: apt install systemd-timesyncd (or chrony), "
                   "then timedatectl set-ntp true",
                   "the clock is not synchronised and no time daemon (systemd-timesyncd, chrony, "
                   "ntpd) runs; sessions, sign-in links, TLS certificates and backup names "
                   "depend on the time");
}

/* ------------------------------------------------------------------ the listeners */

/* The socket inode listening on TCP port in /proc/net/tcp or tcp6, 0 when none is found. */
static unsigned long listening_inode(int port)
{
    static const char *const files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    char line[512];
    unsigned long inode = 0;
    for (size_t i = 0; i < ARRAY_SIZE(files) && !inode; i++) {
        FILE *f = fopen(files[i], "r");
        if (!f)
            continue;
        while (!inode && fgets(line, sizeof(line), f)) {
            unsigned lport, st;
            unsigned long ino;
            if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*d %*d %lu", &lport, &st,
                       &ino) == 3 &&
                (int)lport == port && st == 0x0A /* LISTEN */)
                inode = ino;
        }
        fclose(f);
    }
    return inode;
}

/* The process holding socket inode: its pid (0 when not visible) and name into comm. */
static long socket_owner(unsigned long inode, char *comm, size_t size)
{
    char want[64], path[600], link[64];
    long pid = 0;
    DIR *proc = opendir("/proc");
    struct dirent *e;
    snprintf(want, sizeof(want), "socket:[%lu]", inode);
    while (proc && !pid && (e = readdir(proc))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/fd", e->d_name);
        DIR *fds = opendir(path);
        struct dirent *f;
        while (fds && !pid && (f = readdir(fds))) {
            snprintf(path, sizeof(path), "/proc/%s/fd/%s", e->d_name, f->d_name);
            ssize_t n = readlink(path, link, sizeof(link) - 1);
            if (n > 0 && (link[n] = '\0', !strcmp(link, want)))
                pid = strtol(e->d_name, NULL, 10);
        }
        if (fds)
            closedir(fds);
    }
    if (proc)
        closedir(proc);
    comm[0] = '\0';
    snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
    FILE *f = pid ? fopen(path, "r") : NULL;
    if (f) {
        if (fgets(comm, (int)size, f))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    return pid;
}

static void check_listener(struct doctor *d, const char *key, const char *addr)
{
    char host[256], fix[600], comm[64];
    int port, fd = -1, err = 0;
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    if (!strcmp(addr, "off") || config_parse_addr(addr, host, sizeof(host), &port))
        return;
    if (port == 0) {
        doctor_say(d, DOCTOR_OK, "listen", NULL, "%s '%s': kazi serve takes a free port at start",
                   key, addr);
        return;
    }
    if (getaddrinfo(host, NULL, &hints, &ai) || !ai) {
        doctor_say(d, DOCTOR_FAIL, "listen", "use an IP address, e.g. 0.0.0.0 or 127.0.0.1",
                   "%s '%s': '%s' is not an IP address", key, addr, host);
        return;
    }
    ((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port); /* same place in v6 */
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen))
        err = errno;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    if (!err) {
        doctor_say(d, DOCTOR_OK, "listen", NULL, "%s '%s' is free%s", key, addr,
                   port < 1024 && d->uid ? " (below 1024: kazi's user needs CAP_NET_BIND_SERVICE, "
                                           "which the packaged unit grants)"
                                         : "");
        return;
    }
    if (err == EADDRINUSE) {
        unsigned long inode = listening_inode(port);
        long pid = inode ? socket_owner(inode, comm, sizeof(comm)) : 0;
        if (pid && !strcmp(comm, "kazi")) {
            doctor_say(d, DOCTOR_OK, "listen", NULL, "%s '%s' is held by kazi (pid %ld): it runs",
                       key, addr, pid);
        } else if (pid) {
            snprintf(fix, sizeof(fix), "stop '%s' or give kazi another port (%s = ADDR:PORT)", comm,
                     key);
            doctor_say(d, DOCTOR_FAIL, "listen", fix,
                       "%s '%s' is held by '%s' (pid %ld), so kazi serve cannot listen there", key,
                       addr, comm, pid);
        } else {
            doctor_say(d, DOCTOR_WARN, "listen",
                       "run kazi doctor as root to see which program holds it",
                       "%s '%s' is in use by a process this user cannot see (a kazi running as "
                       "another user, or another program)",
                       key, addr);
        }
        return;
    }
    if (err == EACCES) {
        snprintf(fix, sizeof(fix),
                 "give kazi CAP_NET_BIND_SERVICE (AmbientCapabilities= in its unit) or use a "
                 "port above 1023 (%s = ADDR:PORT)",
                 key);
        doctor_say(d, DOCTOR_WARN, "listen", fix, "%s '%s': port %d needs privileges", key, addr,
                   port);
        return;
    }
    snprintf(fix, sizeof(fix), "use an address of this machine, or 0.0.0.0 (%s = ADDR:PORT)", key);
    doctor_say(d, DOCTOR_FAIL, "listen", fix, "%s '%s' cannot be bound: %s", key, addr,
               strerror(err));
}

/* ------------------------------------------------------------------ the command */

static void finish(struct doctor *d)
{
    if (d->json) {
        json_t *out = json_pack("{s:b, s:i, s:i, s:o}", "healthy", d->n_fail == 0, "problems",
                                d->n_fail, "warnings", d->n_warn, "checks", d->checks);
        json_dumpf(out, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(out);
        d->checks = NULL;
    } else if (d->n_fail == 0) {
        printf("kazi doctor: healthy (%d checks ok, %d warning%s)\n", d->n_ok, d->n_warn,
               d->n_warn == 1 ? "" : "s");
    } else {
        printf("kazi doctor: %d problem%s found (FAIL above), %d warning%s\n", d->n_fail,
               d->n_fail == 1 ? "" : "s", d->n_warn, d->n_warn == 1 ? "" : "s");
    }
    fflush(stdout);
}

int cli_doctor(int argc, char **argv)
{
    struct config cfg;
    struct doctor d = {0};
    struct config_extra extras[] = {
        {"json", false, NULL}, {"quick", false, NULL}, {"user", true, NULL}, {NULL, false, NULL}};
    /* findings are this command's output; library warnings would only repeat them */
    log_set_level(LOG_OFF);
    d.checks = json_array();
    int rc = check_config(&d, &cfg, argc, argv, extras);
    d.quick = extras[1].value != NULL;
    if (rc == 2 || (rc == 0 && check_user(&d, extras[2].value) == 2)) {
        json_decref(d.checks);
        return 2;
    }
    if (rc == 0) {
        doctor_check_files(&d);
        doctor_check_disk(&d);
        doctor_check_database(&d);
        doctor_check_tls(&d);
        check_time(&d);
        check_listener(&d, "http", cfg.http);
        check_listener(&d, "https", cfg.https);
    }
    finish(&d);
    json_decref(d.checks);
    return d.n_fail ? 1 : 0;
}
