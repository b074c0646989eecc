/* Tests for core/config: defaults < kazi.conf < KAZI_* environment < flags, error lines naming
 * the key and its source, value checks, extras and positionals. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/base/error.h"
#include "core/config/config.h"
#include "t.h"

/* A data directory holding a kazi.conf with the given text; returns a static path. */
static const char *conf_dir(const char *name, const char *text)
{
    static char dir[256];
    char path[300];
    snprintf(dir, sizeof(dir), "%s/%s", t_tmpdir(), name);
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/kazi.conf", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return dir;
}

/* config_load over a NULL-terminated argument list. */
static int load(struct config *cfg, char *err, size_t errlen, struct config_extra *ex,
                const char **pos, int pos_cap, int *n_pos, const char *const *args)
{
    char *argv[32];
    int argc = 0, dummy;
    while (args[argc] && argc < 31) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    argv[argc] = NULL;
    err[0] = '\0';
    return config_load(cfg, argc, argv, ex, pos, pos_cap, n_pos ? n_pos : &dummy, err, errlen);
}

TEST(config_defaults)
{
    struct config cfg;
    char err[1024];
    const char *dir = conf_dir("defaults", "");
    CHECK_INT(
        load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--data", dir, NULL}),
        0);
    CHECK_STR(cfg.data, dir);
    CHECK_STR(cfg.http, "127.0.0.1:8080");
    CHECK_STR(cfg.https, "127.0.0.1:8443");
    CHECK_STR(cfg.modules, "all");
    CHECK_STR(cfg.log_level, "info");
    CHECK_INT(cfg.max_body, 32 * 1024 * 1024);
    CHECK_INT(cfg.max_header, 32768);
    CHECK_INT(cfg.timeout, 30);
    CHECK(cfg.rate_limit_rate == 2.0);
}

TEST(config_precedence)
{
    struct config cfg;
    char err[1024];
    const char *dir = conf_dir("prec", "# comment\n; other comment\n[server]\n\n"
                                       "timeout = 11\nthreads = 3\nmax-body = \"2M\"\n"
                                       "  log_level=debug  \npublic_url = https://crm.example\n");
    setenv("KAZI_THREADS", "5", 1);
    setenv("KAZI_MAX_BODY", "3M", 1);
    setenv("KAZI_NOT_AN_OPTION", "whatever", 1); /* scripts' variables are not options */
    int rc = load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                  (const char *[]){"--data", dir, "--max-body=4M", NULL});
    unsetenv("KAZI_THREADS");
    unsetenv("KAZI_MAX_BODY");
    unsetenv("KAZI_NOT_AN_OPTION");
    CHECK_STR(err, "");
    CHECK_INT(rc, 0);
    CHECK_INT(cfg.timeout, 11);               /* file only */
    CHECK_STR(cfg.log_level, "debug");        /* file only */
    CHECK_INT(cfg.threads, 5);                /* env over file */
    CHECK_INT(cfg.max_body, 4 * 1024 * 1024); /* flag over env over file */
    CHECK_STR(cfg.public_url, "https://crm.example");
    char expect[300];
    snprintf(expect, sizeof(expect), "%s/kazi.conf", dir);
    CHECK_STR(cfg.config_file, expect);
}

TEST(config_file_from_flag_and_env)
{
    struct config cfg;
    char err[1024], path[300];
    const char *dir = conf_dir("explicit", "timeout = 42\n");
    snprintf(path, sizeof(path), "%s/kazi.conf", dir);
    /* KAZI_DATA names the directory holding the default file */
    setenv("KAZI_DATA", dir, 1);
    int rc = load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){NULL});
    unsetenv("KAZI_DATA");
    CHECK_INT(rc, 0);
    CHECK_INT(cfg.timeout, 42);
    CHECK_STR(cfg.data, dir);
    /* --config-file names any file */
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", t_tmpdir(), "--config-file", path, NULL}),
              0);
    CHECK_INT(cfg.timeout, 42);
    CHECK_STR(cfg.config_file, path);
    /* a named file that does not exist is an error, a missing default file is not */
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--config-file", "/nonexistent/kazi.conf", NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "'/nonexistent/kazi.conf'") != NULL);
}

TEST(config_unknown_key_in_file)
{
    struct config cfg;
    char err[1024], expect[400];
    const char *dir = conf_dir("unknown", "timeout = 5\n\n# x\nbogus_key = 1\n");
    CHECK_INT(
        load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--data", dir, NULL}),
        -E_CONFIG);
    snprintf(expect, sizeof(expect), "config: unknown key 'bogus_key' in %s/kazi.conf:4", dir);
    CHECK_STR(err, expect);
    CHECK(strchr(err, '\n') == NULL);
    dir = conf_dir("noeq", "timeout 5\n");
    CHECK_INT(
        load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--data", dir, NULL}),
        -E_CONFIG);
    CHECK(strstr(err, "kazi.conf:1") != NULL);
    dir = conf_dir("badval", "\nmax_body = lots\n");
    CHECK_INT(
        load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--data", dir, NULL}),
        -E_CONFIG);
    CHECK(strstr(err, "'max_body'") != NULL);
    CHECK(strstr(err, "kazi.conf:2") != NULL);
    /* config_file inside a config file is not a key */
    dir = conf_dir("nested", "config_file = /x\n");
    CHECK_INT(
        load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--data", dir, NULL}),
        -E_CONFIG);
    CHECK(strstr(err, "unknown key 'config_file'") != NULL);
}

TEST(config_bad_port)
{
    struct config cfg;
    char err[1024];
    const char *dir = conf_dir("port", "");
    static const char *const bad[] = {"127.0.0.1:99999", "127.0.0.1",     "127.0.0.1:", ":80",
                                      "127.0.0.1:-1",    "127.0.0.1:80x", "[::1]80",    "[::1"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        int rc = load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                      (const char *[]){"--data", dir, "--http", bad[i], NULL});
        if (rc != -E_CONFIG || !strstr(err, "'http'") || !strstr(err, bad[i])) {
            t_fail(__FILE__, __LINE__, "'%s': rc %d, err '%s'", bad[i], rc, err);
            return;
        }
    }
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--https", "[::1]:0", "--http", "off", NULL}),
              0);
    CHECK_STR(cfg.http, "off");
    char host[64];
    int port = -1;
    CHECK_INT(config_parse_addr("[::1]:8443", host, sizeof(host), &port), 0);
    CHECK_STR(host, "::1");
    CHECK_INT(port, 8443);
    CHECK_INT(config_parse_addr("0.0.0.0:0", host, sizeof(host), &port), 0);
    CHECK_STR(host, "0.0.0.0");
    CHECK_INT(port, 0);
    CHECK_INT(config_parse_addr("off", host, sizeof(host), &port), -E_INVAL);
    CHECK_INT(config_parse_addr("verylonghostname:1", host, 8, &port), -E_INVAL);
    /* the environment is named as the source */
    setenv("KAZI_HTTPS", "nope", 1);
    int rc =
        load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--data", dir, NULL});
    unsetenv("KAZI_HTTPS");
    CHECK_INT(rc, -E_CONFIG);
    CHECK(strstr(err, "'https'") != NULL);
    CHECK(strstr(err, "KAZI_HTTPS") != NULL);
}

TEST(config_bad_choice_and_ranges)
{
    struct config cfg;
    char err[1024];
    const char *dir = conf_dir("choice", "");
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--log-level", "loud", NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "'log_level'") != NULL);
    CHECK(strstr(err, "debug|info|warn|error|off") != NULL);
    CHECK(strstr(err, "--log-level") != NULL);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--db-sync", "normal", NULL}),
              0);
    CHECK_STR(cfg.db_sync, "normal");
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--db-sync", "Full", NULL}),
              -E_CONFIG);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--threads", "257", NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "between 0 and 256") != NULL);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--threads", "2x", NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "not an integer") != NULL);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--timeout", "", NULL}),
              -E_CONFIG);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--rate-limit-rate", "0", NULL}),
              -E_CONFIG);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--rate-limit-rate", "0.5", NULL}),
              0);
    CHECK(cfg.rate_limit_rate == 0.5);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--rate-limit-rate", "abc", NULL}),
              -E_CONFIG);
    char longval[CONFIG_STR_MAX + 10];
    memset(longval, 'd', sizeof(longval) - 1);
    longval[sizeof(longval) - 1] = '\0';
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--public-url", longval, NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "too long") != NULL);
}

TEST(config_sizes)
{
    struct config cfg;
    char err[1024];
    const char *dir = conf_dir("sizes", "");
    static const struct {
        const char *v;
        long long want;
    } ok[] = {{"4096", 4096},
              {"4K", 4096},
              {"4k", 4096},
              {"4KB", 4096},
              {"2M", 2 * 1024 * 1024},
              {"1G", 1024LL * 1024 * 1024},
              {"4G", 4294967296LL},
              {"1024", 1024}};
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                       (const char *[]){"--data", dir, "--max-body", ok[i].v, NULL}),
                  0);
        CHECK_INT(cfg.max_body, ok[i].want);
    }
    static const char *const bad[] = {"",
                                      "K",
                                      "4X",
                                      "4KK",
                                      "-1",
                                      "1023",
                                      "5G",
                                      "4 K",
                                      "99999999999999999999G",
                                      "9223372036854775807K"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        int rc = load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                      (const char *[]){"--data", dir, "--max-body", bad[i], NULL});
        if (rc != -E_CONFIG || !strstr(err, "'max_body'")) {
            t_fail(__FILE__, __LINE__, "'%s': rc %d, err '%s'", bad[i], rc, err);
            return;
        }
    }
}

TEST(config_extras_and_positionals)
{
    struct config cfg;
    char err[1024];
    const char *dir = conf_dir("extras", "");
    struct config_extra ex[] = {
        {"email", true, NULL}, {"admin", false, NULL}, {"name", true, NULL}, {NULL, false, NULL}};
    const char *pos[2];
    int n_pos = -1;
    CHECK_INT(load(&cfg, err, sizeof(err), ex, pos, 2, &n_pos,
                   (const char *[]){"first", "--email", "a@b.co", "--data", dir, "--admin",
                                    "--name=Ann Lee", "second", NULL}),
              0);
    CHECK_STR(ex[0].value, "a@b.co");
    CHECK_STR(ex[1].value, "1");
    CHECK_STR(ex[2].value, "Ann Lee");
    CHECK_INT(n_pos, 2);
    CHECK_STR(pos[0], "first");
    CHECK_STR(pos[1], "second");
    CHECK_STR(cfg.data, dir);
    /* one positional too many */
    CHECK_INT(load(&cfg, err, sizeof(err), ex, pos, 2, &n_pos,
                   (const char *[]){"a", "b", "c", "--data", dir, NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "'c'") != NULL);
    /* none allowed */
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "stray", NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "'stray'") != NULL);
    /* an extra that needs a value, at the end */
    ex[0].value = NULL;
    CHECK_INT(load(&cfg, err, sizeof(err), ex, NULL, 0, NULL,
                   (const char *[]){"--data", dir, "--email", NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "'--email'") != NULL);
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--data", NULL}),
              -E_CONFIG);
    CHECK(strstr(err, "'--data' needs a value") != NULL);
}

TEST(config_unknown_flag)
{
    struct config cfg;
    char err[1024];
    struct config_extra ex[] = {{"email", true, NULL}, {NULL, false, NULL}};
    CHECK_INT(load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL,
                   (const char *[]){"--data", t_tmpdir(), "--nope", "1", NULL}),
              -E_CONFIG);
    CHECK_STR(err, "unknown option '--nope' (see kazi --help)");
    /* extras of one sub-command are unknown to another */
    CHECK_INT(
        load(&cfg, err, sizeof(err), NULL, NULL, 0, NULL, (const char *[]){"--email=x", NULL}),
        -E_CONFIG);
    CHECK(strstr(err, "'--email'") != NULL);
    CHECK_INT(
        load(&cfg, err, sizeof(err), ex, NULL, 0, NULL, (const char *[]){"--emai", "x", NULL}),
        -E_CONFIG);
}

TEST(config_module_switch_and_help)
{
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    snprintf(cfg.modules, sizeof(cfg.modules), "all");
    CHECK(config_module_enabled(&cfg, "crm"));
    snprintf(cfg.modules, sizeof(cfg.modules), "crm, tasks");
    CHECK(config_module_enabled(&cfg, "crm"));
    CHECK(config_module_enabled(&cfg, "tasks"));
    CHECK(!config_module_enabled(&cfg, "task"));
    CHECK(!config_module_enabled(&cfg, "cr"));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    config_print_help(f);
    fclose(f);
    static const char *const flags[] = {"--data",
                                        "--config-file",
                                        "--http",
                                        "--https",
                                        "--tls-cert",
                                        "--tls-key",
                                        "--modules",
                                        "--log-level",
                                        "--access-log",
                                        "--db-sync",
                                        "--public-url",
                                        "--threads",
                                        "--max-body",
                                        "--max-header",
                                        "--timeout",
                                        "--shutdown-timeout",
                                        "--max-connections",
                                        "--rate-limit-burst",
                                        "--rate-limit-rate",
                                        "KAZI_MAX_BODY"};
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (!strstr(text, flags[i])) {
            t_fail(__FILE__, __LINE__, "help does not mention %s", flags[i]);
            break;
        }
    }
    free(text);
}
