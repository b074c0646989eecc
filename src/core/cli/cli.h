/* The operator sub-commands. Each takes the arguments after its name and returns the process
 * exit status (0 success, 1 failure, 2 usage error). */
#ifndef KAZI_CLI_H
#define KAZI_CLI_H

#include <stddef.h>
#include <stdio.h>

int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_webhook(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_modules(int argc, char **argv);
int cli_doctor(int argc, char **argv);

/* A sub-command: its name, its function and its usage line ("name ARGS  what it does"). */
struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
};

/* `kazi gen man|conf-man|conf [KEY=VALUE...]|bash-completion`: writes to out the manual page
 * kazi(8), the manual page kazi.conf(5), a kazi.conf with every option commented out (the
 * KEY=VALUE pairs set), or the bash completion, all from the option table and the command
 * table cmds (main.c's, n entries). For packaging. Returns 0, 1 when out cannot be written,
 * 2 on a usage error (printed to stderr). */
int cli_gen(FILE *out, int argc, char **argv, const struct cli_command *cmds, size_t n);

#endif
