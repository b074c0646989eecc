/* Tests for `kazi gen` (core/cli/gen.c): the generated kazi.conf loads as the defaults plus what
 * was set, every default it shows is a value kazi accepts, and the manual page and the bash
 * completion carry every command and option of the tables they are made from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/error.h"
#include "core/cli/cli.h"
#include "core/config/config.h"
#include "t.h"

static const struct cli_command gen_cmds[] = {
    {"alpha", NULL, "alpha --data DIR              does the first thing"},
    {"beta", NULL, "beta add --label-file F --tag T [--quiet]"},
};

/* Runs cli_gen with args into a heap string (caller frees); *rc gets its status. */
static char *gen(int *rc, const char *const *args)
{
    char *argv[16], *text = NULL;
    size_t len = 0;
    int argc = 0;
    while (args[argc] && argc < 15) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    FILE *f = open_memstream(&text, &len);
    *rc = cli_gen(f, argc, argv, gen_cmds, ARRAY_SIZE(gen_cmds));
    fclose(f);
    return text;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* config_load with --data dir and, when given, --config file; config_file cleared so two
 * results compare with memcmp. */
static int load(struct config *cfg, const char *dir, const char *file)
{
    char err[512];
    char *argv[] = {"--data", (char *)dir, "--config", (char *)file};
    int n_pos;
    memset(cfg, 0, sizeof(*cfg));
    int rc = config_load(cfg, file ? 4 : 2, argv, NULL, NULL, 0, &n_pos, err, sizeof(err));
    if (rc)
        fprintf(stderr, "%s\n", err);
    memset(cfg->config_file, 0, sizeof(cfg->config_file));
    return rc;
}

TEST(gen_conf_loads_as_the_defaults_plus_what_it_sets)
{
    char dir[256], path[300], set[300];
    snprintf(dir, sizeof(dir), "%s/gen-conf", t_tmpdir());
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/generated.conf", dir);
    snprintf(set, sizeof(set), "data=%s", dir);
    int rc;
    char *text = gen(&rc, (const char *const[]){"conf", set, NULL});
    CHECK_INT(rc, 0);
    CHECK(write_file(path, text) == 0);
    free(text);
    struct config defaults, loaded;
    CHECK_INT(load(&defaults, dir, NULL), 0);
    /* --data is a flag in the first load; the file alone must set it in the second */
    char *argv[] = {"--config", path};
    char err[512];
    int n_pos;
    memset(&loaded, 0, sizeof(loaded));
    CHECK_INT(config_load(&loaded, 2, argv, NULL, NULL, 0, &n_pos, err, sizeof(err)), 0);
    memset(loaded.config_file, 0, sizeof(loaded.config_file));
    CHECK_STR(loaded.data, dir);
    CHECK(!memcmp(&defaults, &loaded, sizeof(defaults)));
}

/* True when line is "# key =..." for a key of the option table. */
static bool is_setting(const char *line)
{
    struct config_option_doc d;
    if (strncmp(line, "# ", 2))
        return false;
    for (size_t i = 0; config_option_doc(i, &d); i++) {
        size_t kl = strlen(d.key);
        if (!strncmp(line + 2, d.key, kl) && !strncmp(line + 2 + kl, " =", 2))
            return true;
    }
    return false;
}

/* "--max-body" as the manual page writes it: \fB\-\-max\-body\fR (into buf). */
static void roff_flag(const char *flag, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "\\fB");
    for (; *flag && n + 4 < len; flag++) {
        if (*flag == '-')
            buf[n++] = '\\';
        buf[n++] = *flag;
    }
    snprintf(buf + n, len - n, "\\fR");
}

TEST(gen_conf_shows_defaults_kazi_accepts)
{
    char dir[256], path[300];
    snprintf(dir, sizeof(dir), "%s/gen-defaults", t_tmpdir());
    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/uncommented.conf", dir);
    int rc, keys = 0;
    char *text = gen(&rc, (const char *const[]){"conf", NULL});
    CHECK_INT(rc, 0);
    /* "# key = default" -> "key = default" for every key of the table */
    char *out = calloc(1, strlen(text) + 1), *o = out;
    for (char *line = text; *line;) {
        size_t len = strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0);
        if (is_setting(line)) {
            memcpy(o, line + 2, len - 2);
            o += len - 2;
            keys++;
        }
        line += len;
    }
    free(text);
    struct config defaults, loaded;
    CHECK(write_file(path, out) == 0);
    free(out);
    CHECK(keys > 20);
    CHECK_INT(load(&defaults, dir, NULL), 0);
    CHECK_INT(load(&loaded, dir, path), 0);
    CHECK(!memcmp(&defaults, &loaded, sizeof(defaults)));
}

TEST(gen_conf_refuses_what_is_not_a_key)
{
    int rc;
    const char *bad[][3] = {{"conf", "nosuchkey=1", NULL},
                            {"conf", "config_file=/etc/x", NULL},
                            {"conf", "data", NULL},
                            {"nosuchfile", NULL, NULL}};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        free(gen(&rc, bad[i]));
        CHECK_INT(rc, 2);
    }
}

TEST(gen_man_and_completion_carry_every_command_and_option)
{
    int rc;
    char *man = gen(&rc, (const char *const[]){"man", NULL});
    CHECK_INT(rc, 0);
    char *bash = gen(&rc, (const char *const[]){"bash-completion", NULL});
    CHECK_INT(rc, 0);
    char *confman = gen(&rc, (const char *const[]){"conf-man", NULL});
    CHECK_INT(rc, 0);
    CHECK(strstr(man, ".TH KAZI 8 "));
    CHECK(strstr(man, "\\fBkazi\\fR \\fBalpha\\fR \\fB\\-\\-data\\fR \\fIDIR\\fR\ndoes the first "
                      "thing\n"));
    CHECK(strstr(man, "\\fBkazi\\fR \\fBbeta\\fR \\fBadd\\fR"));
    CHECK(strstr(bash, "compgen -W 'alpha beta --help --version'"));
    CHECK(strstr(bash, "    beta)\n        if [[ $COMP_CWORD -eq 2 ]]"));
    CHECK(strstr(bash, "opts+=' --label-file --tag --quiet'"));
    CHECK(strstr(bash, " | --label-file)\n        COMPREPLY=($(compgen -f"));
    struct config_option_doc d;
    for (size_t i = 0; config_option_doc(i, &d); i++) {
        char flag[64], rflag[128], key[80];
        config_flag_name(d.key, flag, sizeof(flag));
        roff_flag(flag, rflag, sizeof(rflag));
        snprintf(key, sizeof(key), "\\fB%s\\fR = ", d.key);
        CHECK(strstr(man, rflag));
        CHECK(strstr(bash, flag));
        CHECK(!d.in_file || strstr(confman, key));
    }
    free(man);
    free(bash);
    free(confman);
}
