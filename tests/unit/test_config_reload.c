/* Tests for what a reload may change: the list of reloadable options, the comparison of two
 * configurations and the copy of the reloadable values, and the marks in kazi --help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config/config.h"
#include "t.h"

struct seen {
    char keys[512];
    int reloadable, restart;
};

static void collect(void *ctx, const char *key, bool reloadable)
{
    struct seen *s = ctx;
    size_t n = strlen(s->keys);
    snprintf(s->keys + n, sizeof(s->keys) - n, "%s%s", n ? "," : "", key);
    if (reloadable)
        s->reloadable++;
    else
        s->restart++;
}

static int load_args(struct config *cfg, const char *const *args)
{
    char *argv[16], err[512];
    int argc = 0, n_pos;
    while (args[argc] && argc < 15) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    argv[argc] = NULL;
    return config_load(cfg, argc, argv, NULL, NULL, 0, &n_pos, err, sizeof(err));
}

TEST(config_reloadable_options)
{
    CHECK(config_option_reloadable("log_level"));
    CHECK(config_option_reloadable("tls_cert"));
    CHECK(config_option_reloadable("tls_reload_check"));
    CHECK(config_option_reloadable("metrics_token"));
    CHECK(!config_option_reloadable("threads"));
    CHECK(!config_option_reloadable("https"));
    CHECK(!config_option_reloadable("db_sync"));
    CHECK(!config_option_reloadable("no_such_option"));
}

TEST(config_each_change_reports_differences)
{
    struct config a, b;
    struct seen s = {0};
    CHECK_INT(load_args(&a, (const char *[]){"--data", "/nonexistent-kazi", NULL}), 0);
    CHECK_INT(
        load_args(&b, (const char *[]){"--data", "/nonexistent-kazi", "--threads", "3",
                                       "--log-level", "debug", "--rate-limit-rate", "2.5", NULL}),
        0);
    CHECK_INT(a.tls_reload_check, 60);
    config_each_change(&a, &a, collect, &s);
    CHECK_STR(s.keys, "");
    config_each_change(&a, &b, collect, &s);
    CHECK_STR(s.keys, "log_level,threads,rate_limit_rate"); /* in the table's order */
    CHECK_INT(s.reloadable, 2);
    CHECK_INT(s.restart, 1);
}

TEST(config_copy_reloadable_keeps_the_rest)
{
    struct config a, b;
    CHECK_INT(load_args(&a, (const char *[]){"--data", "/nonexistent-kazi", NULL}), 0);
    CHECK_INT(load_args(&b, (const char *[]){"--data", "/nonexistent-kazi", "--threads", "3",
                                             "--log-level", "debug", "--public-url",
                                             "https://crm.example", "--rate-limit-rate", "7",
                                             "--tls-reload-check", "0", NULL}),
              0);
    config_copy_reloadable(&a, &b);
    CHECK_STR(a.log_level, "debug");
    CHECK_STR(a.public_url, "https://crm.example");
    CHECK(a.rate_limit_rate == 7.0);
    CHECK_INT(a.tls_reload_check, 0);
    CHECK_INT(a.threads, 0); /* needs a restart: not copied */
}

TEST(config_help_marks_reloadable_options)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    config_print_help(f);
    fclose(f);
    const char *l = strstr(text, "--log-level");
    const char *t = strstr(text, "--threads");
    CHECK(l && t);
    if (l && t) {
        const char *lm = strstr(l, "default: ");
        const char *tm = strstr(t, "default: ");
        CHECK(lm && !strncmp(strchr(lm, ';'), "; reloaded on SIGHUP", 20));
        CHECK(tm && !strncmp(strchr(tm, ';'), "; needs a restart", 17));
    }
    CHECK(strstr(text, "--tls-reload-check") != NULL);
    free(text);
}
