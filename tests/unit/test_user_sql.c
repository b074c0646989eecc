/* Tests for the user.* internals: the user field table and USER_COLUMNS stay in step on a
 * migrated database, every whitelisted column expression is valid SQL, and time-zone names
 * and offsets come from the zone database. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "core/accounts/user_internal.h"
#include "core/base/log.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "core/registry.h"
#include "t.h"

TEST(user_columns_match_fields)
{
    char path[300], sql[512];
    struct db_stmt *st = NULL;
    snprintf(path, sizeof(path), "%s/user_sql.db", t_tmpdir());
    unlink(path);
    struct db_options o = {.path = path};
    const struct module *mods[] = {&core_module};
    log_set_level(LOG_WARN);
    struct db *db = db_global_open(&o) ? NULL : db_conn();
    int ok = db && !migrate_all(db, mods, 1) && !db_prepare(db, user_select_sql, &st);
    int cols = ok ? db_col_count(st) : -1;
    for (size_t i = 0; ok && i < user_fields_n; i++) {
        struct db_stmt *one = NULL;
        snprintf(sql, sizeof(sql), "SELECT %s FROM core_user u", user_fields[i].column);
        if (db_prepare_dyn(db, sql, &one)) {
            fprintf(stdout, "    column of '%s' is not valid SQL\n", user_fields[i].name);
            ok = 0;
        }
        if (one)
            db_finalize(one);
    }
    log_set_level(LOG_INFO);
    db_global_close();
    CHECK(ok);
    CHECK_INT(cols, (long long)user_fields_n);
    CHECK_STR(user_fields[0].name, "ID");
    CHECK_STR(user_fields[user_field_departments].name, "UF_DEPARTMENT");
}

TEST(user_time_zones)
{
    FILE *f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
    struct tm tm;
    time_t winter = 1704110400, summer = 1719835200; /* 2024-01-01, 2024-07-01 12:00 UTC */
    CHECK(user_tz_valid(""));
    CHECK(!user_tz_valid("../../etc/passwd"));
    CHECK(!user_tz_valid("/etc/passwd"));
    CHECK(!user_tz_valid("Europe/Berlin; rm"));
    CHECK_INT(user_tz_offset("", winter), 0);
    CHECK_INT(user_tz_offset("Nowhere/Atlantis", winter), 0);
    if (!f)
        return; /* no zone database on this machine */
    fclose(f);
    CHECK(user_tz_valid("Europe/Berlin"));
    CHECK(!user_tz_valid("Mars/Olympus"));
    CHECK(localtime_r(&winter, &tm));
    CHECK_INT(user_tz_offset("Europe/Berlin", winter), 3600 - tm.tm_gmtoff);
    CHECK(localtime_r(&summer, &tm));
    CHECK_INT(user_tz_offset("Europe/Berlin", summer), 7200 - tm.tm_gmtoff);
    CHECK_INT(user_tz_offset("Asia/Kolkata", summer), 19800 - tm.tm_gmtoff);
}
