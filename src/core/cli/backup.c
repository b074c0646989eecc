/* kazi backup: an online copy of the database into a file, or into a directory of
 * kazi-YYYYmmddTHHMMSSZ.db files with the oldest beyond the newest N removed (--keep N, for a
 * daily timer). A backup is written under a temporary name, checked, and only then given its
 * name, so a file that has one is always whole. The copy itself is db_backup's; the check is
 * db_restore's without applying. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/cli/app.h"
#include "core/cli/cli.h"
#include "core/db/db.h"

#define BACKUP_USAGE "backup --data DIR [--keep N] TARGET"
#define BACKUP_PATH_MAX (CONFIG_STR_MAX + 64)

/* A name of a directory backup: "kazi-" STAMP [-N] ".db", STAMP as app_utc_stamp writes it.
 * Fills stamp (16 characters and the terminator) and seq (1 without a suffix). */
static bool backup_name(const char *name, char stamp[17], long *seq)
{
    static const char form[] = "ddddddddTddddddZ"; /* d: a digit */
    if (strncmp(name, "kazi-", 5))
        return false;
    const char *p = name + 5;
    for (int i = 0; i < 16; i++) {
        bool ok = form[i] == 'd' ? p[i] >= '0' && p[i] <= '9' : p[i] == form[i];
        if (!ok)
            return false;
    }
    memcpy(stamp, p, 16);
    stamp[16] = '\0';
    p += 16;
    *seq = 1;
    if (*p == '-') {
        char *end;
        if (p[1] < '1' || p[1] > '9')
            return false;
        *seq = strtol(p + 1, &end, 10);
        p = end;
    }
    return !strcmp(p, ".db");
}

struct kept {
    char name[64];
    char stamp[17];
    long seq;
};

/* Newest first: by stamp, then by suffix (kazi-STAMP-2.db was written after kazi-STAMP.db). */
static int kept_cmp(const void *a, const void *b)
{
    const struct kept *x = a, *y = b;
    int c = strcmp(y->stamp, x->stamp);
    return c ? c : (y->seq > x->seq) - (y->seq < x->seq);
}

/* Removes the backups in dir beyond the newest keep, counting fresh (the one just written,
 * never removed) as one of them. Only regular files named like a directory backup are
 * considered. Returns the number of files that could not be removed (each reported). */
static int prune(const char *dir, const char *fresh, long keep)
{
    DIR *d = opendir(dir);
    struct kept *list = NULL;
    size_t n = 0, cap = 0;
    int failed = 0;
    struct dirent *e;
    if (!d) {
        fprintf(stderr, "kazi: backup directory '%s' cannot be read: %s; nothing removed\n", dir,
                strerror(errno));
        return 1;
    }
    while ((e = readdir(d))) {
        struct kept k;
        struct stat st;
        if (!strcmp(e->d_name, fresh) || strlen(e->d_name) >= sizeof(k.name) ||
            !backup_name(e->d_name, k.stamp, &k.seq) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
            continue;
        memcpy(k.name, e->d_name, strlen(e->d_name) + 1);
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            list = realloc(list, cap * sizeof(*list));
            if (!list)
                abort();
        }
        list[n++] = k;
    }
    if (n)
        qsort(list, n, sizeof(*list), kept_cmp);
    for (size_t i = (size_t)keep - 1; i < n; i++) {
        if (unlinkat(dirfd(d), list[i].name, 0)) {
            fprintf(stderr, "kazi: old backup '%s/%s' cannot be removed: %s\n", dir, list[i].name,
                    strerror(errno));
            failed++;
        } else {
            printf("kazi: removed old backup %s/%s\n", dir, list[i].name);
        }
    }
    free(list);
    closedir(d);
    return failed;
}

/* The first suffix after every backup of this second in dir: a name freed by retention is not
 * taken again while a later backup of the same second exists, so the order of the names stays
 * the order of writing. 1 when there is none. */
static int first_free_seq(const char *dir, const char *stamp)
{
    DIR *d = opendir(dir);
    long top = 0;
    struct dirent *e;
    if (!d)
        return 1;
    while ((e = readdir(d))) {
        char s[17];
        long seq;
        if (backup_name(e->d_name, s, &seq) && !strcmp(s, stamp) && seq > top)
            top = seq;
    }
    closedir(d);
    return top < 99 ? (int)top + 1 : 100;
}

/* Gives the checked copy tmp its name without ever replacing a file: TARGET itself, or in a
 * directory dir/kazi-STAMP.db, kazi-STAMP-2.db... when a backup of the same second exists.
 * Then makes the name durable. Fills out. Returns 0, or -1 after saying why (tmp is left). */
static int publish(const char *tmp, const char *target, const char *dir, const char *stamp,
                   char *out, size_t len)
{
    for (int seq = dir ? first_free_seq(dir, stamp) : 1; seq < 100; seq++) {
        int n = !dir       ? snprintf(out, len, "%s", target)
                : seq == 1 ? snprintf(out, len, "%s/kazi-%s.db", dir, stamp)
                           : snprintf(out, len, "%s/kazi-%s-%d.db", dir, stamp, seq);
        if (n < 0 || (size_t)n >= len) {
            fprintf(stderr, "kazi: backup name in '%s' is too long\n", target);
            return -1;
        }
        if (!link(tmp, out)) {
            unlink(tmp);
            /* the directory entry survives a crash too */
            char parent[BACKUP_PATH_MAX];
            snprintf(parent, sizeof(parent), "%s", out);
            int fd = open(dirname(parent), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd >= 0) {
                fsync(fd);
                close(fd);
            }
            return 0;
        }
        if (errno != EEXIST || !dir) {
            fprintf(stderr, "kazi: backup cannot be named '%s': %s\n", out, strerror(errno));
            return -1;
        }
    }
    fprintf(stderr, "kazi: backup directory '%s' has 99 backups of this second already\n", dir);
    return -1;
}

/* Copies the database into tmp and checks the copy; tmp is removed again on failure. */
static int write_checked(const char *tmp)
{
    char err[512] = "";
    if (db_backup(db_conn(), tmp))
        return -1;
    int rc = db_restore(db_conn(), tmp, NULL, NULL, false, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "kazi: the backup written to '%s' does not check out: %s\n", tmp, err);
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Whether TARGET is a directory ("ends in '/'" or "is one"), created (0700) when missing;
 * else a new file, which --keep does not go with. Returns 0, or -1 after saying why. */
static int target_dir(const char *target, long keep, bool *is_dir)
{
    struct stat st;
    size_t n = strlen(target);
    *is_dir = (n && target[n - 1] == '/') || (!stat(target, &st) && S_ISDIR(st.st_mode));
    if (*is_dir && mkdir(target, 0700) && errno != EEXIST) {
        fprintf(stderr, "kazi: backup directory '%s' cannot be created: %s\n", target,
                strerror(errno));
        return -1;
    }
    if (!*is_dir && keep) {
        fprintf(stderr,
                "kazi: --keep needs a directory TARGET (ending in '/'), not the file '%s'\n"
                "usage: kazi " BACKUP_USAGE "\n",
                target);
        return -1;
    }
    if (!*is_dir && !access(target, F_OK)) {
        fprintf(stderr, "kazi: backup file '%s' already exists; choose a new name\n", target);
        return -1;
    }
    return 0;
}

int cli_backup(int argc, char **argv)
{
    struct config_extra ex[] = {{"keep", true, NULL}, {NULL, false, NULL}};
    struct config cfg;
    const char *target;
    char dir[BACKUP_PATH_MAX], final[BACKUP_PATH_MAX], tmp[BACKUP_PATH_MAX + 64], stamp[17];
    char db_path[BACKUP_PATH_MAX];
    long keep = 0;
    bool is_dir;
    if (app_config_file(&cfg, argc, argv, ex, BACKUP_USAGE, &target))
        return 2;
    if (ex[0].value) {
        char *end;
        errno = 0;
        keep = strtol(ex[0].value, &end, 10);
        if (end == ex[0].value || *end || errno || keep < 1 || keep > 100000) {
            fprintf(stderr, "kazi: --keep '%s' is not a number of backups (1 or more)\n",
                    ex[0].value);
            return 2;
        }
    }
    /* a mistyped --data must not create, migrate and back up an empty database */
    snprintf(db_path, sizeof(db_path), "%s/kazi.db", cfg.data);
    if (access(db_path, F_OK)) {
        fprintf(stderr, "kazi: database '%s' does not exist; check --data\n", db_path);
        return 1;
    }
    if (target_dir(target, keep, &is_dir))
        return keep && !is_dir ? 2 : 1;
    snprintf(dir, sizeof(dir), "%s", target);
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
        dir[n - 1] = '\0';
    app_utc_stamp(stamp);
    /* the partial file's name is neither TARGET nor kazi-*.db */
    if (is_dir)
        snprintf(tmp, sizeof(tmp), "%s/kazi-%s.db.partial-%ld", dir, stamp, (long)getpid());
    else
        snprintf(tmp, sizeof(tmp), "%s.partial-%ld", target, (long)getpid());
    if (app_open_db(&cfg))
        return 1;
    int rc = write_checked(tmp);
    app_close_db();
    if (rc)
        return 1;
    if (publish(tmp, target, is_dir ? dir : NULL, stamp, final, sizeof(final))) {
        unlink(tmp);
        return 1;
    }
    printf("kazi: backup written to %s\n", final);
    return keep && prune(dir, strrchr(final, '/') + 1, keep) ? 1 : 0;
}
