/* Runs every registered unit test (optionally only those whose name contains argv[1]) and
 * prints one line per test and "N passed, N failed" at the end. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/base/error.h"
#include "t.h"

struct t_case {
    const char *file, *name;
    t_fn fn;
};

static struct t_case cases[1024];
static int n_cases;
static int cur_failed;
static char tmpdir[256];
static char *tz_initial; /* TZ when the run started (NULL: unset) */
static int tz_changed;

void t_register(const char *file, const char *name, t_fn fn)
{
    if (n_cases < (int)ARRAY_SIZE(cases))
        cases[n_cases++] = (struct t_case){file, name, fn};
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stdout, "    %s:%d: check failed: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    cur_failed = 1;
}

const char *t_tmpdir(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/kazi-unit-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(1);
        }
    }
    return tmpdir;
}

void t_tz_set(const char *tz)
{
    tz_changed = 1;
    setenv("TZ", tz, 1);
    tzset();
}

static void tz_restore(void)
{
    if (!tz_changed)
        return;
    if (tz_initial)
        setenv("TZ", tz_initial, 1);
    else
        unsetenv("TZ");
    tzset();
    tz_changed = 0;
}

static int cmp_case(const void *a, const void *b)
{
    const struct t_case *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    const char *tz = getenv("TZ");
    tz_initial = tz ? strdup(tz) : NULL;
    qsort(cases, (size_t)n_cases, sizeof(cases[0]), cmp_case);
    for (int i = 0; i < n_cases; i++) {
        if (argc > 1 && !strstr(cases[i].name, argv[1]) && !strstr(cases[i].file, argv[1]))
            continue;
        cur_failed = 0;
        cases[i].fn();
        tz_restore();
        printf("%s - %s: %s\n", cur_failed ? "not ok" : "ok", cases[i].file, cases[i].name);
        fflush(stdout);
        if (cur_failed)
            failed++;
        else
            passed++;
    }
    if (tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    }
    free(tz_initial);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
