/* Tests for db_inspect: a database file is examined without a change (no -wal or -shm file
 * appears, the bytes stay), integrity problems and schema versions are reported, and a file
 * that is not a database is refused with SQLite's reason. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "t.h"

/* A WAL-mode database at path with core_migration (core at 3, crm at 6) and a table of rows
 * spread over many pages; closed, so no -wal file remains. */
static int t_make_db(const char *path)
{
    sqlite3 *h = NULL;
    unlink(path);
    int rc = sqlite3_open(path, &h);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h,
                          "PRAGMA journal_mode=WAL;"
                          "CREATE TABLE core_migration (module TEXT, version INTEGER, name TEXT,"
                          " applied_at INTEGER);"
                          "INSERT INTO core_migration VALUES ('core', 1, 'a', 0), ('core', 3, 'b',"
                          " 0), ('crm', 6, 'c', 0);"
                          "CREATE TABLE t (v TEXT); CREATE INDEX t_v ON t (v);"
                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE"
                          " i < 3000) INSERT INTO t SELECT printf('%0200d', i) FROM n;",
                          NULL, NULL, NULL);
    sqlite3_close(h);
    return rc;
}

struct t_versions {
    int n;
    char seen[128];
};

static int t_version(const char *module, int64_t version, void *ctx)
{
    struct t_versions *v = ctx;
    size_t len = strlen(v->seen);
    snprintf(v->seen + len, sizeof(v->seen) - len, "%s%s=%lld", v->n++ ? "," : "", module,
             (long long)version);
    return 0;
}

static long t_size(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

TEST(db_inspect_sound_file_unchanged)
{
    char path[300], side[320], err[256];
    struct db_file_info info;
    struct t_versions v = {0};
    snprintf(path, sizeof(path), "%s/inspect.db", t_tmpdir());
    CHECK_INT(t_make_db(path), SQLITE_OK);
    long size = t_size(path);
    struct db_inspect_options o = {.max_problems = 5, .versions = t_version, .ctx = &v};
    CHECK_INT(db_inspect(path, &o, &info, err, sizeof(err)), 0);
    CHECK_STR(info.integrity, "ok");
    CHECK_INT(info.problems, 0);
    CHECK(info.wal && !info.live);
    CHECK_INT(info.page_size * info.page_count, size);
    CHECK_STR(v.seen, "core=3,crm=6");
    /* nothing appeared next to it and it kept its size */
    snprintf(side, sizeof(side), "%s-wal", path);
    CHECK(access(side, F_OK) != 0);
    snprintf(side, sizeof(side), "%s-shm", path);
    CHECK(access(side, F_OK) != 0);
    CHECK_INT(t_size(path), size);
}

TEST(db_inspect_reports_damage)
{
    char path[300], err[256];
    struct db_file_info info;
    snprintf(path, sizeof(path), "%s/inspect-damaged.db", t_tmpdir());
    CHECK_INT(t_make_db(path), SQLITE_OK);
    /* garbage over pages in the middle: b-tree pages of t and its index */
    FILE *f = fopen(path, "r+b");
    CHECK(f);
    long size = t_size(path);
    char junk[4096];
    memset(junk, 0x5a, sizeof(junk));
    for (long off = size / 3 / 4096 * 4096; off < size / 3 + 8 * 4096; off += 4096) {
        fseek(f, off, SEEK_SET);
        fwrite(junk, 1, sizeof(junk), f);
    }
    fclose(f);
    struct db_inspect_options o = {.max_problems = 3, .mmap_size = 1 << 20};
    db_inspect(path, &o, &info, err, sizeof(err));
    CHECK(info.problems > 0 && info.problems <= 4);
    CHECK(strcmp(info.integrity, "ok") && !strchr(info.integrity, '\n'));
    CHECK(!strstr(info.integrity, "*** in database"));
}

TEST(db_inspect_refuses_other_files)
{
    char path[300], err[256];
    struct db_file_info info;
    struct db_inspect_options o = {.max_problems = 5};
    snprintf(path, sizeof(path), "%s/inspect-text.db", t_tmpdir());
    FILE *f = fopen(path, "w");
    CHECK(f);
    for (int i = 0; i < 20; i++)
        fputs("not a database, just text\n", f);
    fclose(f);
    CHECK_INT(db_inspect(path, &o, &info, err, sizeof(err)), -E_INVAL);
    CHECK_STR(err, "file is not a database");
    snprintf(path, sizeof(path), "%s/inspect-missing.db", t_tmpdir());
    CHECK_INT(db_inspect(path, &o, &info, err, sizeof(err)), -E_IO);
    /* an SQLite file without kazi's schema */
    sqlite3 *h = NULL;
    snprintf(path, sizeof(path), "%s/inspect-foreign.db", t_tmpdir());
    unlink(path);
    CHECK_INT(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_exec(h, "CREATE TABLE x (a)", NULL, NULL, NULL);
    sqlite3_close(h);
    CHECK_INT(db_inspect(path, &o, &info, err, sizeof(err)), -E_INVAL);
    CHECK(!strncmp(err, "it holds no kazi schema", 23));
}
