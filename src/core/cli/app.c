/* Shared start-up: configuration, data directory, database, migrations. */
#include "core/cli/app.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/base/crypto.h"
#include "core/base/error.h"
#include "core/base/fsmode.h"
#include "core/base/log.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "core/registry.h"

int app_config(struct config *cfg, int argc, char **argv, struct config_extra *extras,
               const char **pos, int pos_cap, int *n_pos)
{
    char err[CONFIG_STR_MAX * 2];
    int dummy;
    if (config_load(cfg, argc, argv, extras, pos, pos_cap, n_pos ? n_pos : &dummy, err,
                    sizeof(err))) {
        fprintf(stderr, "kazi: %s\n", err);
        return 1;
    }
    enum log_level lvl;
    if (!log_level_parse(cfg->log_level, &lvl))
        log_set_level(lvl);
    if (registry_init(cfg, err, sizeof(err))) {
        fprintf(stderr, "kazi: %s\n", err);
        return 1;
    }
    if (crypto_init()) {
        fprintf(stderr, "kazi: the crypto library cannot be initialised\n");
        return 1;
    }
    return 0;
}

int app_config_file(struct config *cfg, int argc, char **argv, struct config_extra *extras,
                    const char *usage, const char **file)
{
    int n_pos = 0;
    if (app_config(cfg, argc, argv, extras, file, 1, &n_pos))
        return 2;
    if (n_pos != 1) {
        fprintf(stderr, "usage: kazi %s\n", usage);
        return 2;
    }
    return 0;
}

void app_utc_stamp(char out[17])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (!strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm))
        snprintf(out, 17, "00000000T000000Z");
}

/* An install made before kazi kept its files owner-only, or a directory an operator created
 * with the default umask: the data directory becomes 0700 and the database files 0600 (the
 * WAL and shared-memory files SQLite creates later take the database file's mode). */
static void restrict_modes(const char *data, const char *db_path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char path[CONFIG_STR_MAX + 16];
    fsmode_restrict(data, 0700, "data directory");
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
        fsmode_restrict(path, 0600, "database file");
    }
}

void app_explain_migrate_failure(int rc, const char *db_path)
{
    const struct migrate_failure *f = migrate_last_failure();
    if (rc == -E_CONFIG && !f->name) {
        fprintf(stderr,
                "kazi: database '%s' is newer than this kazi %s: its schema of module '%s' is at "
                "version %lld, this kazi knows versions up to %lld\n",
                db_path, KAZI_VERSION, f->module, (long long)f->version, (long long)f->known);
        fprintf(stderr, "kazi: nothing was changed; install the newer kazi again, or restore a "
                        "backup taken with this version (kazi restore)\n");
        return;
    }
    if (!f->name) { /* no migration at fault: the database could not be locked or read */
        fprintf(stderr, "kazi: database '%s' cannot be migrated: %s (%s); nothing was changed%s\n",
                db_path, f->error[0] ? f->error : "see the log above", error_str(rc),
                rc == -E_BUSY ? "; another process held it for two minutes, try again" : "");
        return;
    }
    fprintf(stderr, "kazi: migration %lld '%s' of module '%s' failed: %s\n", (long long)f->version,
            f->name, f->module, f->error);
    fprintf(stderr,
            "kazi: the upgrade was rolled back: no migration of it was applied, database '%s' is "
            "as it was, and the previous version of kazi still works on it\n"
            "kazi: report this failure with the message above; until a fixed kazi is "
            "available, install the previous version again\n",
            db_path);
}

int app_open_db(const struct config *cfg)
{
    char path[CONFIG_STR_MAX + 16];
    int n, rc;
    const struct module *const *mods = registry_modules(&n);
    if (mkdir(cfg->data, 0700) && errno != EEXIST) {
        fprintf(stderr, "kazi: data directory '%s' cannot be created: %s\n", cfg->data,
                strerror(errno));
        return 1;
    }
    snprintf(path, sizeof(path), "%s/kazi.db", cfg->data);
    /* a database from a newer kazi is refused before anything touches it */
    if (!access(path, F_OK) && (rc = migrate_check_file(path, mods, n))) {
        app_explain_migrate_failure(rc, path);
        return 1;
    }
    restrict_modes(cfg->data, path);
    struct db_options o = {.path = path,
                           .busy_timeout_ms = 5000,
                           .synchronous_full = !strcmp(cfg->db_sync, "full"),
                           .mmap_size = cfg->db_mmap};
    if (db_global_open(&o)) {
        fprintf(stderr, "kazi: database '%s' cannot be opened\n", path);
        return 1;
    }
    if ((rc = migrate_all(db_conn(), mods, n))) {
        app_explain_migrate_failure(rc, path);
        db_global_close();
        return 1;
    }
    return 0;
}

void app_close_db(void)
{
    db_global_close();
}
