/* The operator sub-commands. Each takes the arguments after its name and returns the process
 * exit status (0 success, 1 failure, 2 usage error). */
#ifndef KAZI_CLI_H
#define KAZI_CLI_H

int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_webhook(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_modules(int argc, char **argv);
int cli_doctor(int argc, char **argv);

#endif
