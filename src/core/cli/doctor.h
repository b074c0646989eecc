/* `kazi doctor` internals shared by its files: doctor.c (the command, the configuration, the
 * user, the clock and the listeners), doctor_files.c (the data directory's modes and owners,
 * free space, the database and the certificates) and doctor_report.c (how findings are
 * reported), which both others use. Every check only looks: nothing here writes, creates,
 * chmods or migrates. */
#ifndef KAZI_DOCTOR_H
#define KAZI_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/config/config.h"

enum doctor_level { DOCTOR_OK, DOCTOR_WARN, DOCTOR_FAIL };

struct doctor {
    const struct config *cfg;
    bool json, quick;
    int n_ok, n_warn, n_fail;
    void *checks; /* json_t array of the findings with --json, else NULL */
    /* the user kazi serve runs as: the one running doctor, or (as root) the unit's user */
    uid_t uid;
    gid_t gid;
    char user[64];
    gid_t groups[64];
    int n_groups;
    bool as_self; /* doctor runs as that user, so access(2) answers for it */
};

/* Records one finding: check names the area ("files", "disk", ...), msg says what was found
 * and fix (NULL for ok) what to do about it in one sentence. Prints it at once unless the
 * output is JSON. msg is formatted; fix is taken as it is. */
void doctor_say(struct doctor *d, enum doctor_level lvl, const char *check, const char *fix,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Whether kazi's user may access a file with stat st for want (R_OK, W_OK, X_OK bits),
 * judged from owner, group and mode (root may always). */
bool doctor_user_may(const struct doctor *d, const struct stat *st, int want);

/* Formats a byte count as "512 B", "3.2 MiB", "1.5 GiB" into buf; returns buf. */
const char *doctor_bytes(char *buf, size_t size, int64_t n);

/* The checks of doctor_files.c, in the order they run. */
void doctor_check_files(struct doctor *d);
void doctor_check_disk(struct doctor *d);
void doctor_check_database(struct doctor *d);
void doctor_check_tls(struct doctor *d);

#endif
