/* Server configuration: defaults < config file (INI) < environment (KAZI_*) < command-line
 * flags. Every option is one row of a table (config.c), which also drives `kazi --help`, so an
 * option cannot exist without documentation. Unknown keys and bad values are errors naming
 * the key and where it came from. */
#ifndef KAZI_CONFIG_H
#define KAZI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_STR_MAX 512

struct config {
    char data[CONFIG_STR_MAX]; /* data directory */
    char config_file[CONFIG_STR_MAX];
    char http[CONFIG_STR_MAX]; /* "addr:port" or "off" */
    char https[CONFIG_STR_MAX];
    char tls_cert[CONFIG_STR_MAX]; /* "" = generated self-signed */
    char tls_key[CONFIG_STR_MAX];
    int64_t tls_reload_check;            /* seconds between checks of the files; 0 = off */
    char tls_min_version[8];             /* "1.2" or "1.3" */
    char tls_priorities[CONFIG_STR_MAX]; /* GnuTLS priority string; "" = from tls_min_version */
    int64_t hsts_max_age;                /* Strict-Transport-Security max-age on HTTPS replies */
    char modules[CONFIG_STR_MAX];        /* comma list or "all" */
    char log_level[16];
    char access_log[CONFIG_STR_MAX];    /* "stderr", "off" or a file */
    char metrics[16];                   /* who may read /metrics: off|loopback|token|public */
    char metrics_token[CONFIG_STR_MAX]; /* a secret: never logged */
    char db_sync[16];                   /* "full" or "normal" */
    int64_t db_mmap;                    /* bytes of the database read through a memory map */
    char public_url[CONFIG_STR_MAX];    /* base URL printed for webhooks; "" = from https/http */
    int64_t threads;                    /* 0 = one per core */
    int64_t max_body;                   /* bytes */
    int64_t max_header;                 /* bytes, request line + headers */
    int64_t max_body_anonymous;         /* bytes read before a credential is known */
    int64_t timeout;                    /* idle connection timeout, seconds */
    int64_t header_timeout;             /* seconds from accept to complete request headers */
    int64_t shutdown_timeout;           /* seconds to let in-flight requests finish */
    int64_t max_connections;
    int64_t max_connections_per_ip;       /* per listener and client address; 0 = no limit */
    char trusted_proxies[CONFIG_STR_MAX]; /* addresses/blocks whose X-Forwarded-* are believed */
    int64_t rate_limit_burst;             /* leaky bucket size per webhook/token; 0 = off */
    double rate_limit_rate;               /* requests drained per second */
    int64_t live_ping;                    /* live channel heartbeat, seconds */
    int64_t live_queue;                   /* events a live connection may fall behind */
    int64_t live_threads;                 /* live channel threads, 0: one per core */
};

/* A sub-command's own flag (not a configuration option), e.g. --email E or --admin. */
struct config_extra {
    const char *name;  /* without dashes: "email" */
    bool has_value;    /* takes the next argument (or --name=value) */
    const char *value; /* out: the value, "1" for a flag without value, NULL when absent */
};

/* Loads the configuration for a sub-command from all four sources. argv holds the arguments
 * after the sub-command name. Flags that are neither options nor in extras (terminated by a
 * NULL name; may be NULL) are errors; other arguments are positional and are stored in pos
 * (borrowed from argv, up to pos_cap, count in *n_pos). On error writes one line naming the
 * key and its source into err and returns -E_CONFIG. */
int config_load(struct config *cfg, int argc, char **argv, struct config_extra *extras,
                const char **pos, int pos_cap, int *n_pos, char *err, size_t errlen);

/* True when a change to option key is applied by a reload (SIGHUP) of a running server; the
 * other options need a restart. */
bool config_option_reloadable(const char *key);

/* Calls fn for every option whose value differs between a and b, in the table's order, with
 * whether a reload applies it. */
void config_each_change(const struct config *a, const struct config *b,
                        void (*fn)(void *ctx, const char *key, bool reloadable), void *ctx);

/* Copies the values of the options a reload applies from src into dst; the others stay. */
void config_copy_reloadable(struct config *dst, const struct config *src);

/* Prints every option with its flag, environment variable, default, and whether a reload
 * applies it. */
void config_print_help(FILE *out);

/* One row of the option table as the generated documentation sees it (`kazi gen`: manual
 * pages, the commented kazi.conf, shell completion). Every pointer is a static string. */
struct config_option_doc {
    const char *key;     /* kazi.conf key, e.g. "max_body" */
    const char *type;    /* text, integer, size, number, address or choice */
    const char *metavar; /* the value's placeholder: VALUE, N, SIZE, ADDR:PORT, FILE... */
    const char *def;     /* default as text; "" when there is none */
    const char *choices; /* "a|b|c" for a choice, else NULL */
    double min, max;     /* the accepted range when ranged */
    bool ranged;
    const char *help;
    const char *alias; /* a second flag for the option ("--config"), or NULL */
    bool in_file;      /* may be set in kazi.conf (config_file may not) */
};

/* Describes option i (from 0, in table order) into *doc; false when i is past the last. */
bool config_option_doc(size_t i, struct config_option_doc *doc);

/* The flag ("--max-body") and environment variable ("KAZI_MAX_BODY") of a key, into buf. */
void config_flag_name(const char *key, char *buf, size_t len);
void config_env_name(const char *key, char *buf, size_t len);

/* Splits "host:port" ("[::1]:8443" for IPv6) into host (caller buffer) and port. Returns 0 or
 * -E_INVAL. "off" is not accepted here; check for it first. */
int config_parse_addr(const char *s, char *host, size_t hostlen, int *port);

/* True when the module name is enabled by cfg->modules ("all" or a comma list). */
bool config_module_enabled(const struct config *cfg, const char *name);

#endif
