/* The option table and the four configuration sources. Parsing is strict: an unknown key, a
 * value out of range or an unreadable file stops start-up with one clear line. */
#include "core/config/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/error.h"

enum opt_type { OPT_STR, OPT_INT, OPT_SIZE, OPT_DOUBLE, OPT_ADDR, OPT_CHOICE };

struct option_def {
    const char *key; /* also the flag (--key, '_' as '-') and the variable (KAZI_KEY) */
    enum opt_type type;
    size_t offset, size;
    const char *def;
    double min, max;     /* double so DBL bounds such as 0.001 survive; exact for INT/SIZE ones */
    const char *choices; /* for OPT_CHOICE: "a|b|c" */
    const char *help;
};

#define STR(k, d, h)                                                                               \
    {                                                                                              \
#k, OPT_STR, offsetof(struct config, k), sizeof(((struct config *)0)->k), d, 0, 0, NULL, h \
    }
#define ADDR(k, d, h)                                                                              \
    {                                                                                              \
#k, OPT_ADDR, offsetof(struct config, k), sizeof(((struct config *)0)->k), d, 0, 0, NULL,  \
            h                                                                                      \
    }
#define CHOICE(k, d, c, h)                                                                         \
    {                                                                                              \
#k, OPT_CHOICE, offsetof(struct config, k), sizeof(((struct config *)0)->k), d, 0, 0, c, h \
    }
#define INT(k, d, lo, hi, h)                                                                       \
    {                                                                                              \
#k, OPT_INT, offsetof(struct config, k), 0, d, lo, hi, NULL, h                             \
    }
#define SIZE(k, d, lo, hi, h)                                                                      \
    {                                                                                              \
#k, OPT_SIZE, offsetof(struct config, k), 0, d, lo, hi, NULL, h                            \
    }
#define DBL(k, d, lo, hi, h)                                                                       \
    {                                                                                              \
#k, OPT_DOUBLE, offsetof(struct config, k), 0, d, lo, hi, NULL, h                          \
    }

static const struct option_def options[] = {
    STR(data, "./data", "data directory: database, certificates, files"),
    STR(config_file, "", "configuration file (default: DATA/kazi.conf when it exists)"),
    ADDR(http, "127.0.0.1:8080", "HTTP listen address ADDR:PORT, or off"),
    ADDR(https, "127.0.0.1:8443", "HTTPS listen address ADDR:PORT, or off"),
    STR(tls_cert, "", "PEM certificate file (default: generate a self-signed one in DATA/tls)"),
    STR(tls_key, "", "PEM private key file for tls_cert"),
    INT(tls_reload_check, "60", 0, 86400,
        "seconds between checks of the tls_cert and tls_key files; a changed pair is loaded "
        "for new connections as on SIGHUP (0: only on SIGHUP)"),
    CHOICE(tls_min_version, "1.2", "1.2|1.3", "oldest TLS version HTTPS accepts"),
    STR(tls_priorities, "",
        "GnuTLS priority string for HTTPS; when set it replaces the one tls_min_version "
        "chooses (for 1.2: NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2)"),
    INT(hsts_max_age, "31536000", 0, 63072000,
        "Strict-Transport-Security max-age in seconds on HTTPS replies (0: max-age=0, which "
        "tells browsers to drop the policy)"),
    STR(modules, "all", "enabled modules: all, or a comma list such as crm,tasks"),
    CHOICE(log_level, "info", "debug|info|warn|error|off", "log level"),
    STR(access_log, "stderr", "access log: stderr, off, or a file path"),
    CHOICE(metrics, "loopback", "off|loopback|token|public",
           "who may read GET /metrics: off (nobody), loopback (clients on this machine, not "
           "relayed by a proxy), token ('Authorization: Bearer' metrics_token), public"),
    STR(metrics_token, "",
        "secret for metrics = token, at least 16 characters (put it in kazi.conf or the "
        "environment, not on the command line)"),
    CHOICE(db_sync, "full", "full|normal",
           "full: fsync every commit; normal: fsync at checkpoints (survives a process crash, "
           "may lose the last commits on power loss)"),
    SIZE(db_mmap, "1073741824", 0, 2147418112,
         "bytes of the database file read through a memory map instead of read calls (0: off); "
         "mapped pages are the kernel's file cache, shown as shared/file memory in RSS"),
    STR(public_url, "", "base URL clients use to reach kazi (for printed webhook URLs)"),
    INT(threads, "0", 0, 256, "worker threads (0: one per CPU core)"),
    SIZE(max_body, "33554432", 1024, 4294967296LL,
         "largest request body in bytes (K/M/G suffixes)"),
    SIZE(max_header, "32768", 8192, 1048576, "largest request line plus headers in bytes"),
    SIZE(max_body_anonymous, "262144", 1024, 4294967296LL,
         "largest request body in bytes read before a credential (webhook URL, 'auth' in the "
         "query string, session cookie) is checked; larger ones without one get 413"),
    INT(timeout, "30", 1, 3600, "idle connection timeout in seconds"),
    INT(header_timeout, "10", 1, 3600,
        "seconds a connection gets to complete the TLS handshake and a request's headers"),
    INT(shutdown_timeout, "10", 0, 600, "seconds in-flight requests get to finish on shutdown"),
    INT(max_connections, "4096", 16, 1000000, "most simultaneous client connections"),
    INT(max_connections_per_ip, "128", 0, 1000000,
        "most simultaneous connections from one client address to each listener (0: no limit; "
        "raise it behind a reverse proxy)"),
    STR(trusted_proxies, "",
        "reverse proxies in front of kazi, a comma list of addresses and address/bits blocks "
        "(e.g. 127.0.0.1,::1): from them X-Forwarded-For gives the client address (sign-in "
        "throttle, logs) and X-Forwarded-Proto: https marks the client's connection secure; "
        "from anyone else both headers are ignored"),
    INT(rate_limit_burst, "0", 0, 1000000,
        "REST rate limit bucket size per webhook/token (0: off)"),
    DBL(rate_limit_rate, "2", 0.001, 1000000, "REST requests per second drained from the bucket"),
    INT(live_ping, "30", 1, 3600,
        "live channel (GET /live) heartbeat in seconds; a connection silent for two is dropped"),
    INT(live_queue, "256", 1, 2048,
        "events a live connection may fall behind before it gets \"resync\" and is closed"),
    INT(live_threads, "0", 0, 64,
        "threads that send live channel events, each owning a share of the connections (0: one "
        "per CPU core)"),
};
#define N_OPTIONS ARRAY_SIZE(options)

/* The options a reload (SIGHUP) applies to the running server; every other one needs a
 * restart. Keep docs/operations.md ("Reloading the configuration") in step. */
static const char *const reloadable[] = {
    "tls_cert",   "tls_key",          "tls_reload_check", "hsts_max_age",
    "log_level",  "access_log",       "metrics",          "metrics_token",
    "public_url", "shutdown_timeout", "rate_limit_burst", "rate_limit_rate",
};

bool config_option_reloadable(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(reloadable); i++)
        if (!strcmp(reloadable[i], key))
            return true;
    return false;
}

/* Bytes of an option's field in struct config. */
static size_t option_size(const struct option_def *o)
{
    switch (o->type) {
    case OPT_INT:
    case OPT_SIZE:
        return sizeof(int64_t);
    case OPT_DOUBLE:
        return sizeof(double);
    default:
        return o->size;
    }
}

void config_copy_reloadable(struct config *dst, const struct config *src)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (config_option_reloadable(options[i].key))
            memcpy((char *)dst + options[i].offset, (const char *)src + options[i].offset,
                   option_size(&options[i]));
}

void config_each_change(const struct config *a, const struct config *b,
                        void (*fn)(void *ctx, const char *key, bool reloadable), void *ctx)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_def *o = &options[i];
        const char *fa = (const char *)a + o->offset, *fb = (const char *)b + o->offset;
        bool is_text = o->type != OPT_INT && o->type != OPT_SIZE && o->type != OPT_DOUBLE;
        if (is_text ? strcmp(fa, fb) != 0 : memcmp(fa, fb, option_size(o)) != 0)
            fn(ctx, o->key, config_option_reloadable(o->key));
    }
}

static const struct option_def *find_option(const char *key, size_t len)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const char *k = options[i].key;
        if (strlen(k) != len)
            continue;
        size_t j = 0;
        for (; j < len; j++) {
            char c = key[j] == '-' ? '_' : (char)tolower((unsigned char)key[j]);
            if (c != k[j])
                break;
        }
        if (j == len)
            return &options[i];
    }
    return NULL;
}

int config_parse_addr(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon;
    const char *h = s;
    size_t hl;
    if (*s == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':')
            return -E_INVAL;
        h = s + 1;
        hl = (size_t)(end - h);
        colon = end + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return -E_INVAL;
        hl = (size_t)(colon - s);
    }
    if (hl == 0 || hl >= hostlen)
        return -E_INVAL;
    char *endp;
    errno = 0;
    long p = strtol(colon + 1, &endp, 10);
    if (errno || *endp || endp == colon + 1 || p < 0 || p > 65535)
        return -E_INVAL;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (int)p;
    return 0;
}

static int parse_size(const char *v, int64_t *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || n < 0)
        return -1;
    int64_t mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024LL * 1024 * 1024, end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || n > INT64_MAX / mul)
        return -1;
    *out = n * mul;
    return 0;
}

static bool choice_ok(const char *choices, const char *v)
{
    size_t vl = strlen(v);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == vl && !memcmp(p, v, l))
            return true;
        p += l + (bar ? 1 : 0);
    }
    return false;
}

/* Sets one option from text; src names where the value came from, for the error message. */
static int set_option(struct config *cfg, const struct option_def *o, const char *v,
                      const char *src, char *err, size_t errlen)
{
    char *field = (char *)cfg + o->offset;
    const char *why = NULL;
    switch (o->type) {
    case OPT_STR:
    case OPT_CHOICE:
    case OPT_ADDR:
        if (strlen(v) >= o->size) {
            why = "is too long";
            break;
        }
        if (o->type == OPT_CHOICE && !choice_ok(o->choices, v)) {
            snprintf(err, errlen, "config: '%s' in %s must be one of %s, not '%s'", o->key, src,
                     o->choices, v);
            return -E_CONFIG;
        }
        if (o->type == OPT_ADDR && strcmp(v, "off")) {
            char host[256];
            int port;
            if (config_parse_addr(v, host, sizeof(host), &port)) {
                snprintf(err, errlen,
                         "config: '%s' in %s must be ADDR:PORT with a port from 0 to 65535 (0: any "
                         "free port), "
                         "or off, not '%s'",
                         o->key, src, v);
                return -E_CONFIG;
            }
        }
        snprintf(field, o->size, "%s", v);
        return 0;
    case OPT_INT:
    case OPT_SIZE: {
        int64_t n;
        char *end;
        errno = 0;
        if (o->type == OPT_SIZE) {
            if (parse_size(v, &n))
                why = "is not a size";
        } else {
            n = strtoll(v, &end, 10);
            if (errno || end == v || *end)
                why = "is not an integer";
        }
        if (!why && ((double)n < o->min || (double)n > o->max)) {
            snprintf(err, errlen, "config: '%s' in %s must be between %lld and %lld, not '%s'",
                     o->key, src, (long long)o->min, (long long)o->max, v);
            return -E_CONFIG;
        }
        if (!why)
            memcpy(field, &n, sizeof(n));
        break;
    }
    case OPT_DOUBLE: {
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (errno || end == v || *end)
            why = "is not a number";
        else if (d < o->min || d > o->max)
            why = "is out of range";
        else
            memcpy(field, &d, sizeof(d));
        break;
    }
    }
    if (why) {
        snprintf(err, errlen, "config: '%s' in %s %s: '%s'", o->key, src, why, v);
        return -E_CONFIG;
    }
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Reads an INI file: "key = value" lines, '#' or ';' comments, [section] headers ignored,
 * values optionally in double quotes. */
static int load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "config: file '%s' cannot be read: %s", path, strerror(errno));
        return -E_CONFIG;
    }
    char line[2048], src[CONFIG_STR_MAX + 32];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        snprintf(src, sizeof(src), "%s:%d", path, lineno);
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "config: line %s is too long", src);
            rc = -E_CONFIG;
            break;
        }
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';' || *s == '[')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "config: line %s is not 'key = value': '%s'", src, s);
            rc = -E_CONFIG;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        }
        const struct option_def *o = find_option(key, strlen(key));
        if (!o || !strcmp(o->key, "config_file")) {
            snprintf(err, errlen, "config: unknown key '%s' in %s", key, src);
            rc = -E_CONFIG;
            break;
        }
        rc = set_option(cfg, o, val, src, err, errlen);
        if (rc)
            break;
    }
    fclose(f);
    return rc;
}

static int load_env(struct config *cfg, char *err, size_t errlen)
{
    extern char **environ;
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "KAZI_", 5))
            continue;
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        const char *key = *e + 5;
        const struct option_def *o = find_option(key, (size_t)(eq - key));
        if (!o)
            continue; /* KAZI_* variables for scripts and tests are not options */
        char src[96];
        snprintf(src, sizeof(src), "environment variable KAZI_%.*s", (int)(eq - key), key);
        int rc = set_option(cfg, o, eq + 1, src, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

static void set_defaults(struct config *cfg)
{
    char err[256];
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (set_option(cfg, &options[i], options[i].def, "defaults", err, sizeof(err)))
            abort(); /* the table's own defaults are wrong: a programming error */
}

struct flag_val {
    const struct option_def *opt;
    const char *value;
};

int config_load(struct config *cfg, int argc, char **argv, struct config_extra *extras,
                const char **pos, int pos_cap, int *n_pos, char *err, size_t errlen)
{
    struct flag_val flags[64];
    int n_flags = 0, rc;
    *n_pos = 0;
    set_defaults(cfg);
    /* pass 1: sort the arguments into options, extras and positionals */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) || !a[2]) {
            if (*n_pos >= pos_cap) {
                snprintf(err, errlen, "unexpected argument '%s'", a);
                return -E_CONFIG;
            }
            pos[(*n_pos)++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        const struct option_def *o = find_option(name, nl);
        if (!o && nl == 6 && !strncmp(name, "config", 6))
            o = find_option("config_file", 11); /* --config FILE, the documented short form */
        struct config_extra *x = NULL;
        for (struct config_extra *e = extras; !o && e && e->name; e++)
            if (strlen(e->name) == nl && !strncmp(e->name, name, nl))
                x = e;
        if (!o && !x) {
            snprintf(err, errlen, "unknown option '--%.*s' (see kazi --help)", (int)nl, name);
            return -E_CONFIG;
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v && (o || x->has_value)) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "option '--%.*s' needs a value", (int)nl, name);
                return -E_CONFIG;
            }
            v = argv[++i];
        }
        if (x) {
            x->value = v ? v : "1";
        } else if (n_flags < (int)ARRAY_SIZE(flags)) {
            flags[n_flags++] = (struct flag_val){o, v};
        }
    }
    /* pass 2: file < environment < flags; the file's location may come from any of them */
    char src[64];
    const char *file = getenv("KAZI_CONFIG_FILE");
    const char *data = getenv("KAZI_DATA");
    for (int i = 0; i < n_flags; i++) {
        if (!strcmp(flags[i].opt->key, "config_file"))
            file = flags[i].value;
        if (!strcmp(flags[i].opt->key, "data"))
            data = flags[i].value;
    }
    if (file && *file) {
        if ((rc = load_file(cfg, file, err, errlen)))
            return rc;
        snprintf(cfg->config_file, sizeof(cfg->config_file), "%s", file);
    } else {
        char path[CONFIG_STR_MAX];
        int n = snprintf(path, sizeof(path), "%s/kazi.conf", data && *data ? data : cfg->data);
        if (n < 0 || n >= (int)sizeof(path)) {
            snprintf(err, errlen, "config: data directory path is too long");
            return -E_CONFIG;
        }
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            if ((rc = load_file(cfg, path, err, errlen)))
                return rc;
            snprintf(cfg->config_file, sizeof(cfg->config_file), "%s", path);
        }
    }
    if ((rc = load_env(cfg, err, errlen)))
        return rc;
    for (int i = 0; i < n_flags; i++) {
        snprintf(src, sizeof(src), "option --%s", flags[i].opt->key);
        for (char *p = src; *p; p++)
            if (*p == '_')
                *p = '-';
        if ((rc = set_option(cfg, flags[i].opt, flags[i].value, src, err, errlen)))
            return rc;
    }
    return 0;
}

void config_flag_name(const char *key, char *buf, size_t len)
{
    snprintf(buf, len, "--%s", key);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = '-';
}

void config_env_name(const char *key, char *buf, size_t len)
{
    snprintf(buf, len, "KAZI_%s", key);
    for (char *p = buf; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

bool config_option_doc(size_t i, struct config_option_doc *doc)
{
    static const char *const type_names[] = {
        [OPT_STR] = "text",      [OPT_INT] = "integer",  [OPT_SIZE] = "size",
        [OPT_DOUBLE] = "number", [OPT_ADDR] = "address", [OPT_CHOICE] = "choice",
    };
    static const char *const metavars[] = {
        [OPT_STR] = "VALUE",     [OPT_INT] = "N",          [OPT_SIZE] = "SIZE",
        [OPT_DOUBLE] = "NUMBER", [OPT_ADDR] = "ADDR:PORT", [OPT_CHOICE] = "VALUE",
    };
    if (i >= N_OPTIONS)
        return false;
    const struct option_def *o = &options[i];
    bool is_file = !strcmp(o->key, "config_file");
    *doc = (struct config_option_doc){
        .key = o->key,
        .type = type_names[o->type],
        .metavar = is_file ? "FILE" : metavars[o->type],
        .def = o->def,
        .choices = o->choices,
        .min = o->min,
        .max = o->max,
        .ranged = o->type == OPT_INT || o->type == OPT_SIZE || o->type == OPT_DOUBLE,
        .help = o->help,
        .alias = is_file ? "--config" : NULL, /* config_load's documented short form */
        .in_file = !is_file,                  /* load_file refuses it */
    };
    return true;
}

void config_print_help(FILE *out)
{
    fprintf(out, "Options (flag, environment variable, kazi.conf key; default):\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_def *o = &options[i];
        char flag[64], env[64];
        config_flag_name(o->key, flag, sizeof(flag));
        config_env_name(o->key, env, sizeof(env));
        fprintf(out, "  %-20s %-24s %s\n  %-20s %-24s default: %s; %s\n", flag, env, o->help, "",
                "", *o->def ? o->def : "(none)",
                config_option_reloadable(o->key) ? "reloaded on SIGHUP" : "needs a restart");
    }
}

bool config_module_enabled(const struct config *cfg, const char *name)
{
    const char *p = cfg->modules;
    size_t nl = strlen(name);
    if (!strcmp(p, "all"))
        return true;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ',' && *end != ' ')
            end++;
        if ((size_t)(end - p) == nl && !strncmp(p, name, nl))
            return true;
        p = end;
    }
    return false;
}
