/* Start-up steps shared by the sub-commands: configuration, data directory, database and
 * migrations. Each step prints one clear line on failure and returns non-zero. */
#ifndef KAZI_APP_H
#define KAZI_APP_H

#include "core/config/config.h"

/* Loads configuration (see config_load) and applies logging settings. Prints errors. */
int app_config(struct config *cfg, int argc, char **argv, struct config_extra *extras,
               const char **pos, int pos_cap, int *n_pos);
/* app_config for a command that takes exactly one FILE argument besides the options; usage
 * is what follows "usage: kazi " when the argument is missing or more are given. Returns 0,
 * or 2 (usage) after printing the error. */
int app_config_file(struct config *cfg, int argc, char **argv, struct config_extra *extras,
                    const char *usage, const char **file);
/* The current UTC time as "20261207T060000Z" (16 characters and the terminator): the stamp
 * in the names of directory backups and of a database kept aside by restore. */
void app_utc_stamp(char out[17]);
/* Creates the data directory, opens the database and applies pending migrations of the
 * enabled modules in one step. A database from a newer kazi is refused before anything is
 * written; a failed migration leaves the database as it was. Either prints what happened and
 * what to do, and returns 1. */
int app_open_db(const struct config *cfg);
/* Prints what a failed migrate_all (rc) or migrate_check_file on db_path means for the
 * operator and what to do, from migrate_last_failure. */
void app_explain_migrate_failure(int rc, const char *db_path);
/* Closes the database. */
void app_close_db(void);

#endif
