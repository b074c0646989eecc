/* `kazi doctor`'s checks of what lies on disk: owners and modes of the data directory, the
 * database files, tls/ and configured key files (the rules of fsmode.h), free space and inodes,
 * the database read-only (db_inspect) and the certificates (tls_inspect). Only stat, read and
 * statvfs: nothing is tightened, created or migrated here; kazi serve does that at start. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/cli/doctor.h"
#include "core/db/db.h"
#include "core/db/migrate.h"
#include "core/http/tls.h"
#include "core/registry.h"

/* Free space on the data directory's file system: FAIL below these, warn below the others.
 * A backup (kazi backup) or VACUUM writes a whole copy of the database, so less free space
 * than the database itself means neither can complete; SQLite's WAL and temporary files need
 * room on top. The fraction catches a nearly full disk whatever the database's size. */
#define DISK_FAIL_BYTES (64LL << 20)
#define DISK_FAIL_FRACTION 0.01
#define DISK_WARN_BYTES (1LL << 30)
#define DISK_WARN_FRACTION 0.05
#define DISK_WARN_DB_COPIES 2 /* a backup and a VACUUM's copy side by side */
#define INODES_FAIL 100
#define INODES_FAIL_FRACTION 0.01
#define INODES_WARN_FRACTION 0.05
#define DB_PROBLEMS 5 /* integrity problems shown; the first few say enough */
#define CERT_WARN_DAYS 30
#define DAY 86400

static void db_path(const struct doctor *d, char *out, size_t size, const char *suffix)
{
    snprintf(out, size, "%s/kazi.db%s", d->cfg->data, suffix);
}

static const char *owner_name(uid_t uid, char *buf, size_t size)
{
    struct passwd *pw = getpwuid(uid);
    if (pw)
        snprintf(buf, size, "%s", pw->pw_name);
    else
        snprintf(buf, size, "uid %u", (unsigned)uid);
    return buf;
}

/* "other users" or "members of group 'adm'", for a mode open beyond its owner. */
static const char *who_else(const struct stat *st, char *buf, size_t size)
{
    if (st->st_mode & 007) {
        snprintf(buf, size, "other users");
    } else {
        struct group *gr = getgrgid(st->st_gid);
        if (gr)
            snprintf(buf, size, "members of group '%s'", gr->gr_name);
        else
            snprintf(buf, size, "members of group %u", (unsigned)st->st_gid);
    }
    return buf;
}

/* One file or directory kazi keeps for its user alone: owned by kazi's user, nothing for
 * group and others. risk completes "<who> can ...". Returns true when both hold. */
static bool check_private(struct doctor *d, const char *what, const char *path,
                          const struct stat *st, const char *risk)
{
    char owner[64], who[96], fix[PATH_MAX + 96];
    bool dir = S_ISDIR(st->st_mode);
    bool ok = true;
    if (st->st_uid != d->uid) {
        snprintf(fix, sizeof(fix), "chown %s%s: %s", dir ? "-R " : "", d->user, path);
        doctor_say(d, DOCTOR_FAIL, "files", fix, "%s '%s' is owned by '%s', but kazi runs as '%s'",
                   what, path, owner_name(st->st_uid, owner, sizeof(owner)), d->user);
        ok = false;
    }
    if (st->st_mode & 077) {
        snprintf(fix, sizeof(fix), "chmod %o %s", dir ? 0700 : 0600, path);
        doctor_say(d, DOCTOR_FAIL, "files", fix, "%s '%s' is mode %04o; %s can %s", what, path,
                   (unsigned)(st->st_mode & 07777), who_else(st, who, sizeof(who)), risk);
        ok = false;
    }
    return ok;
}

/* Every directory above path must let kazi's user through (search permission). */
static bool check_reachable(struct doctor *d, const char *path)
{
    char real[PATH_MAX], prefix[PATH_MAX], owner[64], fix[PATH_MAX + 64];
    struct stat st;
    if (!realpath(path, real))
        return true; /* reported by the caller */
    for (char *slash = strchr(real + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash - real), real);
        if (stat(prefix, &st) || doctor_user_may(d, &st, X_OK))
            continue;
        snprintf(fix, sizeof(fix), "chmod o+x %s, or move the data directory", prefix);
        doctor_say(d, DOCTOR_FAIL, "files", fix,
                   "'%s' cannot reach data directory '%s': '%s' is mode %04o, owned by '%s'",
                   d->user, path, prefix, (unsigned)(st.st_mode & 07777),
                   owner_name(st.st_uid, owner, sizeof(owner)));
        return false;
    }
    return true;
}

/* Whether kazi's user can create files in dir: access(2) when doctor runs as that user (it
 * also sees read-only mounts), else the mode bits and the mount flags. */
static bool dir_writable(const struct doctor *d, const char *dir, const struct stat *st)
{
    struct statvfs sv;
    if (d->as_self)
        return access(dir, W_OK | X_OK) == 0;
    if (!statvfs(dir, &sv) && (sv.f_flag & ST_RDONLY))
        return false;
    return doctor_user_may(d, st, W_OK | X_OK);
}

/* Data directory missing: kazi serve creates it when its parent lets it. */
static void check_missing_data(struct doctor *d, const char *data)
{
    char parent[PATH_MAX], fix[PATH_MAX * 2 + 64];
    struct stat st;
    snprintf(parent, sizeof(parent), "%s", data);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(parent, sizeof(parent), ".");
    if (!stat(parent, &st) && S_ISDIR(st.st_mode) && dir_writable(d, parent, &st)) {
        doctor_say(d, DOCTOR_WARN, "files",
                   "none for a new install; if kazi has run before, check 'data' (--data)",
                   "data directory '%s' does not exist; kazi serve creates it at first start",
                   data);
        return;
    }
    snprintf(fix, sizeof(fix), "mkdir -m 700 %s && chown %s: %s", data, d->user, data);
    doctor_say(d, DOCTOR_FAIL, "files", fix,
               "data directory '%s' does not exist and '%s' cannot create it in '%s'", data,
               d->user, parent);
}

/* A configured file kazi's user must be able to read; a key must not be world-readable. */
static void check_readable(struct doctor *d, const char *what, const char *path, bool secret)
{
    char fix[PATH_MAX + 96];
    struct stat st;
    if (stat(path, &st)) {
        snprintf(fix, sizeof(fix), "correct the path or create the file");
        doctor_say(d, DOCTOR_FAIL, "files", fix, "%s '%s' cannot be read: %s", what, path,
                   strerror(errno));
        return;
    }
    bool readable = d->as_self ? access(path, R_OK) == 0 : doctor_user_may(d, &st, R_OK);
    if (!readable) {
        snprintf(fix, sizeof(fix), "chgrp %s %s && chmod g+r %s", d->user, path, path);
        doctor_say(d, DOCTOR_FAIL, "files", fix, "'%s' cannot read %s '%s' (mode %04o)", d->user,
                   what, path, (unsigned)(st.st_mode & 07777));
    } else if (secret && (st.st_mode & S_IROTH)) {
        snprintf(fix, sizeof(fix), "chmod o-rwx %s", path);
        doctor_say(d, DOCTOR_FAIL, "files", fix,
                   "%s '%s' is mode %04o; other users can read the secret in it", what, path,
                   (unsigned)(st.st_mode & 07777));
    }
}

void doctor_check_files(struct doctor *d)
{
    static const char *const db_suffixes[] = {"", "-wal", "-shm"};
    const char *data = d->cfg->data;
    char path[PATH_MAX], fix[PATH_MAX + 64];
    struct stat st;
    if (stat(data, &st)) {
        if (errno == ENOENT)
            check_missing_data(d, data);
        else
            doctor_say(d, DOCTOR_FAIL, "files",
                       "check the path, or run kazi doctor as root or as kazi's user",
                       "data directory '%s' cannot be examined: %s", data, strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        doctor_say(d, DOCTOR_FAIL, "files", "point 'data' (--data) at a directory",
                   "data directory '%s' is not a directory", data);
        return;
    }
    bool ok = check_private(d, "data directory", data, &st, "read the database");
    ok = check_reachable(d, data) && ok;
    if (!dir_writable(d, data, &st)) {
        snprintf(fix, sizeof(fix), "chown %s: %s && chmod 700 %s (or remount it read-write)",
                 d->user, data, data);
        doctor_say(d, DOCTOR_FAIL, "files", fix, "'%s' cannot write to data directory '%s'",
                   d->user, data);
        ok = false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(db_suffixes); i++) {
        db_path(d, path, sizeof(path), db_suffixes[i]);
        if (lstat(path, &st))
            continue;
        if (!S_ISREG(st.st_mode)) {
            doctor_say(d, DOCTOR_FAIL, "files", "move it away; kazi keeps a plain file there",
                       "database file '%s' is not a regular file", path);
            ok = false;
            continue;
        }
        ok = check_private(d, "database file", path, &st, "read it") && ok;
    }
    snprintf(path, sizeof(path), "%s/tls", data);
    if (!stat(path, &st)) {
        ok = check_private(d, "tls directory", path, &st, "read the private key") && ok;
        snprintf(path, sizeof(path), "%s/tls/key.pem", data);
        if (!stat(path, &st))
            ok = check_private(d, "tls key", path, &st, "read the private key") && ok;
        /* the certificate is public: it only has to be readable */
        snprintf(path, sizeof(path), "%s/tls/cert.pem", data);
        if (!stat(path, &st))
            check_readable(d, "tls certificate", path, false);
    }
    if (strcmp(d->cfg->https, "off") && *d->cfg->tls_cert && *d->cfg->tls_key) {
        check_readable(d, "tls certificate", d->cfg->tls_cert, false);
        check_readable(d, "tls key", d->cfg->tls_key, true);
    }
    if (*d->cfg->config_file)
        check_readable(d, "configuration", d->cfg->config_file, *d->cfg->metrics_token != '\0');
    if (ok)
        doctor_say(d, DOCTOR_OK, "files", NULL,
                   "data directory '%s' and the database files are owned by '%s', private to it "
                   "and writable",
                   data, d->user);
}

/* ------------------------------------------------------------------ free space */

/* The size of path: 0 when it does not exist, -1 when it cannot be examined. */
static int64_t file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st))
        return errno == ENOENT ? 0 : -1;
    return (int64_t)st.st_size;
}

void doctor_check_disk(struct doctor *d)
{
    char path[PATH_MAX], fr[32], tot[32], dbs[48];
    struct statvfs sv;
    snprintf(path, sizeof(path), "%s", d->cfg->data);
    /* a data directory still to be created: the file system it will be on */
    while (statvfs(path, &sv)) {
        char *slash = strrchr(path, '/');
        if (!slash || slash == path) {
            snprintf(path, sizeof(path), "%s", slash ? "/" : ".");
            if (statvfs(path, &sv)) {
                doctor_say(d, DOCTOR_WARN, "disk", "check the data directory's path",
                           "free space cannot be read: %s", strerror(errno));
                return;
            }
            break;
        }
        *slash = '\0';
    }
    char db[PATH_MAX], wal[PATH_MAX];
    db_path(d, db, sizeof(db), "");
    db_path(d, wal, sizeof(wal), "-wal");
    int64_t db_size = file_size(db), wal_size = file_size(wal);
    int64_t db_bytes = db_size < 0 || wal_size < 0 ? 0 : db_size + wal_size;
    /* root may use the blocks reserved for it; any other user may not */
    int64_t free_b = (int64_t)(d->uid == 0 ? sv.f_bfree : sv.f_bavail) * (int64_t)sv.f_frsize;
    int64_t total = (int64_t)sv.f_blocks * (int64_t)sv.f_frsize;
    double frac = total > 0 ? (double)free_b / (double)total : 1;
    doctor_bytes(fr, sizeof(fr), free_b);
    doctor_bytes(tot, sizeof(tot), total);
    if (db_size < 0 || wal_size < 0)
        snprintf(dbs, sizeof(dbs), "of unknown size (not readable here)");
    else
        doctor_bytes(dbs, sizeof(dbs), db_bytes);
    const char *fix = "free space on it (old backups, logs) or move the data directory to a "
                      "larger disk";
    if (free_b < db_bytes || free_b < DISK_FAIL_BYTES || frac < DISK_FAIL_FRACTION)
        doctor_say(d, DOCTOR_FAIL, "disk", fix,
                   "'%s' has %s free of %s (%.1f%%) and the database is %s: %s", path, fr, tot,
                   frac * 100, dbs,
                   free_b < db_bytes ? "a backup or VACUUM cannot complete, and writes may fail"
                                     : "writes, checkpoints and backups may fail soon");
    else if (free_b < DISK_WARN_BYTES || free_b < DISK_WARN_DB_COPIES * db_bytes ||
             frac < DISK_WARN_FRACTION)
        doctor_say(d, DOCTOR_WARN, "disk", fix,
                   "'%s' has %s free of %s (%.1f%%) and the database is %s: little room for "
                   "growth, a backup and a VACUUM",
                   path, fr, tot, frac * 100, dbs);
    else
        doctor_say(d, DOCTOR_OK, "disk", NULL,
                   "'%s' has %s free of %s (%.1f%%); the database is %s", path, fr, tot, frac * 100,
                   dbs);
    if (sv.f_files == 0) /* file systems without an inode table (btrfs) report none */
        return;
    double ifrac = (double)sv.f_favail / (double)sv.f_files;
    if (sv.f_favail < INODES_FAIL || ifrac < INODES_FAIL_FRACTION)
        doctor_say(d, DOCTOR_FAIL, "disk", "remove files that are no longer needed on it",
                   "'%s' has %llu of %llu inodes free: new files (WAL, backups) cannot be created",
                   path, (unsigned long long)sv.f_favail, (unsigned long long)sv.f_files);
    else if (ifrac < INODES_WARN_FRACTION)
        doctor_say(d, DOCTOR_WARN, "disk", "remove files that are no longer needed on it",
                   "'%s' has only %llu of %llu inodes free", path, (unsigned long long)sv.f_favail,
                   (unsigned long long)sv.f_files);
}

/* ------------------------------------------------------------------ the database */

#define SCHEMA_MODULES 64

struct schema_scan {
    struct doctor *d;
    int n, newer;
    char name[SCHEMA_MODULES][32];
    int64_t version[SCHEMA_MODULES];
};

/* The newest migration this binary has for module name; -1 when it is not compiled in. */
static int64_t newest_known(const char *name)
{
    if (!strcmp(name, core_module.name))
        return migrate_newest(&core_module);
    for (const struct module *const *p = kazi_modules; *p; p++)
        if (!strcmp((*p)->name, name))
            return migrate_newest(*p);
    return -1;
}

/* db_inspect's callback: notes each module's version and says when it is newer than known. */
static int schema_version(const char *module, int64_t version, void *ctx)
{
    struct schema_scan *s = ctx;
    int64_t newest = newest_known(module);
    if (s->n < SCHEMA_MODULES) {
        snprintf(s->name[s->n], sizeof(s->name[s->n]), "%s", module);
        s->version[s->n++] = version;
    }
    if (newest >= 0 && version > newest) {
        doctor_say(s->d, DOCTOR_FAIL, "database",
                   "run the kazi version that wrote it (or a newer one), or restore a backup "
                   "made by this version",
                   "schema of module '%s' is at version %lld but this kazi knows only %lld: this "
                   "kazi is older than the database",
                   module, (long long)version, (long long)newest);
        s->newer++;
    }
    return 0;
}

/* Enabled modules with migrations the database has not had yet, as "crm 11 < 12, ..." into
 * out; returns how many. */
static int schema_pending(const struct schema_scan *s, char *out, size_t size)
{
    int n_mods, pending = 0;
    size_t len = 0;
    const struct module *const *mods = registry_modules(&n_mods);
    out[0] = '\0';
    for (int i = 0; i < n_mods; i++) {
        int64_t have = 0, newest = migrate_newest(mods[i]);
        for (int j = 0; j < s->n; j++)
            if (!strcmp(s->name[j], mods[i]->name))
                have = s->version[j];
        if (have >= newest)
            continue;
        pending++;
        if (len < size)
            len +=
                (size_t)snprintf(out + len, size - len, "%s%s %lld < %lld", pending > 1 ? ", " : "",
                                 mods[i]->name, (long long)have, (long long)newest);
    }
    return pending;
}

void doctor_check_database(struct doctor *d)
{
    char path[PATH_MAX], err[512], fix[PATH_MAX + 128], size[32], pending[512];
    struct db_file_info info;
    struct schema_scan scan = {.d = d};
    db_path(d, path, sizeof(path), "");
    if (access(path, F_OK)) {
        if (errno == ENOENT)
            doctor_say(d, DOCTOR_WARN, "database",
                       "none for a new install; if kazi has run before, check 'data' (--data)",
                       "database '%s' does not exist; kazi serve creates it at first start", path);
        else
            doctor_say(d, DOCTOR_FAIL, "database", "run kazi doctor as root or as kazi's user",
                       "database '%s' cannot be examined: %s", path, strerror(errno));
        return;
    }
    snprintf(fix, sizeof(fix),
             "stop kazi, keep a copy of the damaged file, and restore the latest backup: kazi "
             "restore --data %s FILE",
             d->cfg->data);
    struct db_inspect_options o = {d->quick, DB_PROBLEMS, d->cfg->db_mmap, schema_version, &scan};
    int rc = db_inspect(path, &o, &info, err, sizeof(err));
    if (info.problems > 0)
        doctor_say(d, DOCTOR_FAIL, "database", fix, "database '%s' fails the %s check: %s", path,
                   d->quick ? "quick" : "integrity", info.integrity);
    if (rc == -E_IO) {
        doctor_say(d, DOCTOR_FAIL, "database",
                   "check its owner and mode (see 'files' above) and that it is a kazi database",
                   "database '%s' cannot be opened: %s", path, err);
        return;
    }
    if (rc) {
        doctor_say(d, DOCTOR_FAIL, "database", fix, "database '%s' is damaged or not kazi's: %s",
                   path, err);
        return;
    }
    if (info.problems > 0 || scan.newer > 0)
        return;
    int n_pending = schema_pending(&scan, pending, sizeof(pending));
    if (n_pending) {
        snprintf(fix, sizeof(fix),
                 "take a backup first (kazi backup --data %s /var/backups/kazi/), then start it",
                 d->cfg->data);
        doctor_say(d, DOCTOR_WARN, "database", fix,
                   "schema is older than this kazi (%s): kazi serve will migrate it at start",
                   pending);
    }
    doctor_say(d, DOCTOR_OK, "database", NULL,
               "'%s' (%s) passes the %s check; journal mode %s%s; schema %s", path,
               doctor_bytes(size, sizeof(size), info.page_size * info.page_count),
               d->quick ? "quick" : "integrity",
               info.wal ? "wal" : "rollback (kazi serve sets wal)",
               info.live ? "; open in a running kazi (read through its WAL)" : "",
               n_pending ? "to be migrated" : "matches this kazi");
}

/* ------------------------------------------------------------------ certificates */

static void date_of(char *buf, size_t size, time_t t)
{
    if (time_fmt_iso(buf, size, (double)t, 0) < 0 && size)
        buf[0] = '\0';
}

void doctor_check_tls(struct doctor *d)
{
    const struct config *cfg = d->cfg;
    char cert[PATH_MAX], key[PATH_MAX], err[PATH_MAX * 2 + 128], date[40], fix[512];
    time_t not_before, not_after, now = time(NULL);
    bool generated = !*cfg->tls_cert && !*cfg->tls_key;
    if (!strcmp(cfg->https, "off")) {
        doctor_say(d, DOCTOR_OK, "tls", NULL, "https is off: no certificate to check");
        return;
    }
    if (!generated && (!*cfg->tls_cert || !*cfg->tls_key)) {
        doctor_say(d, DOCTOR_FAIL, "tls", "set both tls_cert and tls_key, or neither",
                   "'%s' is set without '%s'", *cfg->tls_cert ? "tls_cert" : "tls_key",
                   *cfg->tls_cert ? "tls_key" : "tls_cert");
        return;
    }
    if (generated) {
        snprintf(cert, sizeof(cert), "%s/tls/cert.pem", cfg->data);
        snprintf(key, sizeof(key), "%s/tls/key.pem", cfg->data);
        bool no_cert = access(cert, F_OK) != 0, no_key = access(key, F_OK) != 0;
        if (no_cert && no_key) {
            doctor_say(d, DOCTOR_OK, "tls", NULL,
                       "no tls_cert configured and none generated yet: kazi serve makes a "
                       "self-signed pair in '%s/tls' at start",
                       cfg->data);
            return;
        }
        if (no_cert || no_key) { /* kazi serve replaces a half pair */
            doctor_say(d, DOCTOR_OK, "tls", NULL,
                       "'%s' is missing: kazi serve makes a new self-signed pair at start",
                       no_cert ? cert : key);
            return;
        }
    } else {
        snprintf(cert, sizeof(cert), "%s", cfg->tls_cert);
        snprintf(key, sizeof(key), "%s", cfg->tls_key);
    }
    const char *renew = generated ? "restart kazi: it replaces an expired self-signed certificate"
                                  : "renew it (certbot renew, or your CA) and restart kazi";
    int rc = tls_inspect(cert, key, &not_before, &not_after, err, sizeof(err));
    if (rc) {
        snprintf(fix, sizeof(fix), "%s",
                 rc == -E_IO ? "correct the path, or let kazi's user read the file"
                 : generated ? "remove both files in tls/; kazi serve makes a new pair"
                             : "configure the certificate and the unencrypted key that belong "
                               "together (PEM)");
        doctor_say(d, DOCTOR_FAIL, "tls", fix, "%s", err);
        return;
    }
    if (not_after == (time_t)-1 || not_after <= now) {
        date_of(date, sizeof(date), not_after);
        doctor_say(d, DOCTOR_FAIL, "tls", renew, "certificate '%s' expired on %s", cert, date);
        return;
    }
    if (not_before != (time_t)-1 && not_before > now) {
        date_of(date, sizeof(date), not_before);
        doctor_say(d, DOCTOR_FAIL, "tls",
                   "check the clock (see 'time'), or use a current certificate",
                   "certificate '%s' is not valid before %s", cert, date);
        return;
    }
    long days = (long)((not_after - now) / DAY);
    date_of(date, sizeof(date), not_after);
    if (days < CERT_WARN_DAYS)
        doctor_say(d, DOCTOR_WARN, "tls", renew, "certificate '%s' expires on %s, in %ld days",
                   cert, date, days);
    else
        doctor_say(d, DOCTOR_OK, "tls", NULL,
                   "certificate '%s' matches its key and is valid until %s (%ld days)%s", cert,
                   date, days, generated ? "; self-signed by kazi, so browsers warn" : "");
}
