/* kazi: argv to sub-command. Everything else lives in src/core/cli/. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/error.h"
#include "core/base/fsmode.h"
#include "core/cli/cli.h"
#include "core/config/config.h"

static int cmd_gen(int argc, char **argv);

/* Each usage is the synopsis, then (after two or more spaces) what the command does; `kazi
 * gen` builds the manual page and the shell completion from this table. */
static const struct cli_command commands[] = {
    {"serve", cli_serve, "serve --data DIR --http ADDR:PORT --https ADDR:PORT [--config FILE]"},
    {"migrate", cli_migrate, "migrate --data DIR             apply pending migrations"},
    {"user", cli_user, "user add --data DIR --email E --name N --password-file F [--admin]"},
    {"webhook", cli_webhook, "webhook add --data DIR --user ID --scopes crm,user,..."},
    {"backup", cli_backup,
     "backup --data DIR [--keep N] TARGET  online copy; into TARGET/ dated, N kept"},
    {"restore", cli_restore, "restore --data DIR FILE        replace the database with a backup"},
    {"routes", cli_routes, "routes                         print every route and REST method"},
    {"doctor", cli_doctor,
     "doctor --data DIR [--json]     check the installation, say what to fix"},
    {"modules", cli_modules, "modules                        list modules and their state"},
    {"gen", cmd_gen, "gen man|conf-man|conf|bash-completion  packaging: print a generated file"},
};

static int cmd_gen(int argc, char **argv)
{
    return cli_gen(stdout, argc, argv, commands, ARRAY_SIZE(commands));
}

static void usage(FILE *out)
{
    fprintf(out, "kazi %s - CRM and intranet suite in one server\n\nUsage:\n", KAZI_VERSION);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(out, "  kazi %s\n", commands[i].usage);
    fprintf(out, "  kazi --version\n  kazi --help\n\n");
    config_print_help(out);
}

int main(int argc, char **argv)
{
    /* the database, its WAL, backups, keys and logs are for kazi's user alone */
    umask(FSMODE_UMASK);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("kazi %s\n", KAZI_VERSION);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        for (int a = 2; a < argc; a++) {
            if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
                printf("usage: kazi %s\n\n", commands[i].usage);
                config_print_help(stdout);
                return 0;
            }
        }
        return commands[i].fn(argc - 2, argv + 2);
    }
    fprintf(stderr, "kazi: unknown command '%s' (see kazi --help)\n", argv[1]);
    return 2;
}
