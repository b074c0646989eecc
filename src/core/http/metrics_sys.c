/* The /metrics families that describe the process around the requests: the database (statement
 * time, write transactions, writer-lock waits, busy waits, file sizes), the process (memory,
 * descriptors, CPU, threads, start time) and the build. Read from /proc and the db layer when
 * /metrics is rendered, so they cost nothing per request; Linux only. */
#include "core/http/metrics_sys.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/http/metrics_text.h"

/* waits for the writer lock: written by the thread holding it, so one writer at a time */
static _Atomic uint64_t wait_n[METRICS_BUCKETS + 1], wait_ns;

static void on_writer_wait(uint64_t ns)
{
    atomic_fetch_add_explicit(&wait_n[metrics_bucket(ns)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&wait_ns, ns, memory_order_relaxed);
}

void metrics_init(void)
{
    db_set_wait_hook(on_writer_wait);
}

uint64_t metrics_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, rss = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &rss) != 2)
        rss = 0;
    fclose(f);
    return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int render_db(struct strbuf *out)
{
    static const char *const kinds[2] = {"read", "write"};
    static const char *const results[2] = {"committed", "rolled_back"};
    struct db_stats s;
    uint64_t n[METRICS_BUCKETS + 1];
    int rc;
    db_stats(&s);
    rc = metrics_head(out, "kazi_db_seconds_total", "counter",
                      "Time spent executing database statements, by kind of transaction.");
    for (int k = 0; k < 2; k++)
        rc |= strbuf_addf(out, "kazi_db_seconds_total{kind=\"%s\"} %.6f\n", kinds[k],
                          (double)s.step_ns[k] / 1e9);
    rc |= metrics_by_label(out, "kazi_db_statements_total", "counter",
                           "Database statement steps, by kind of transaction.", "kind", kinds,
                           s.steps, 2);
    rc |= metrics_by_label(out, "kazi_db_write_transactions_total", "counter",
                           "Write transactions ended, by result.", "result", results,
                           (const uint64_t[]){s.commits, s.rollbacks}, 2);
    rc |= metrics_head(out, "kazi_db_writer_wait_seconds", "histogram",
                       "Time a write transaction waited for the process-wide writer lock.");
    for (size_t i = 0; i <= METRICS_BUCKETS; i++)
        n[i] = atomic_load_explicit(&wait_n[i], memory_order_relaxed);
    rc |= metrics_histogram(out, "kazi_db_writer_wait_seconds", "", n,
                            (double)atomic_load_explicit(&wait_ns, memory_order_relaxed) / 1e9);
    rc |= metrics_value(out, "kazi_db_writers_waiting", "gauge",
                        "Write transactions queued for the writer lock now.", s.writers_waiting);
    rc |= metrics_value(out, "kazi_db_busy_waits_total", "counter",
                        "Waits for a database lock held by another process.", s.busy_waits);
    rc |=
        metrics_value(out, "kazi_db_busy_errors_total", "counter",
                      "Statements that failed because the database stayed locked.", s.busy_errors);
    rc |= metrics_head(out, "kazi_db_file_size_bytes", "gauge",
                       "Size of the database file and of its write-ahead log.");
    if (s.file_bytes >= 0)
        rc |= strbuf_addf(out,
                          "kazi_db_file_size_bytes{file=\"database\"} %lld\n"
                          "kazi_db_file_size_bytes{file=\"wal\"} %lld\n",
                          (long long)s.file_bytes, (long long)s.wal_bytes);
    rc |= metrics_value(out, "kazi_db_storage_full", "gauge",
                        "1 while writes fail because the disk is full, else 0.", s.storage_full);
    return rc;
}

/* What /proc/self/stat and /proc/stat tell about this process. */
struct proc_stat {
    double cpu_s, start_s;
    unsigned long threads;
    unsigned long long vsize;
};

static int proc_stat(struct proc_stat *p)
{
    char buf[1024], *rp;
    unsigned long utime, stime;
    unsigned long long start, btime = 0;
    long hz = sysconf(_SC_CLK_TCK);
    FILE *f = fopen("/proc/self/stat", "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    /* the command name may hold spaces and parentheses: fields restart after the last ')' */
    if (!n || !(rp = strrchr(buf, ')')) || hz <= 0)
        return -1;
    if (sscanf(rp + 2,
               "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d %lu %*d %llu "
               "%llu",
               &utime, &stime, &p->threads, &start, &p->vsize) != 5)
        return -1;
    p->cpu_s = (double)(utime + stime) / (double)hz;
    if ((f = fopen("/proc/stat", "r"))) {
        while (fgets(buf, sizeof(buf), f))
            if (sscanf(buf, "btime %llu", &btime) == 1)
                break;
        fclose(f);
    }
    p->start_s = (double)btime + (double)start / (double)hz;
    return btime ? 0 : -1;
}

static long open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    long n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and the directory's own descriptor */
}

static int render_process(struct strbuf *out)
{
    struct proc_stat p = {0};
    struct rlimit rl;
    double now = time_now_real();
    bool have = proc_stat(&p) == 0;
    long fds = open_fds();
    int rc = metrics_value(out, "process_resident_memory_bytes", "gauge",
                           "Resident memory size in bytes.", metrics_rss_bytes());
    rc |= metrics_value(out, "process_virtual_memory_bytes", "gauge",
                        "Virtual memory size in bytes.", p.vsize);
    rc |= metrics_head(out, "process_open_fds", "gauge", "Open file descriptors.");
    if (fds >= 0)
        rc |= strbuf_addf(out, "process_open_fds %ld\n", fds);
    rc |= metrics_head(out, "process_max_fds", "gauge",
                       "Most open file descriptors allowed (the soft limit).");
    if (!getrlimit(RLIMIT_NOFILE, &rl))
        rc |= strbuf_addf(out, "process_max_fds %llu\n",
                          rl.rlim_cur == RLIM_INFINITY ? 1ull << 62
                                                       : (unsigned long long)rl.rlim_cur);
    rc |= metrics_head(out, "process_cpu_seconds_total", "counter",
                       "User and system CPU time spent, in seconds.");
    rc |= strbuf_addf(out, "process_cpu_seconds_total %.2f\n", p.cpu_s);
    rc |= metrics_value(out, "process_threads", "gauge", "Threads of the process.", p.threads);
    rc |= metrics_head(out, "process_start_time_seconds", "gauge",
                       "When the process started, Unix time.");
    if (have)
        rc |= strbuf_addf(out, "process_start_time_seconds %.2f\n", p.start_s);
    rc |= metrics_head(out, "kazi_uptime_seconds", "gauge", "Seconds since the process started.");
    if (have)
        rc |= strbuf_addf(out, "kazi_uptime_seconds %.2f\n", now > p.start_s ? now - p.start_s : 0);
    return rc;
}

int metrics_render_sys(struct strbuf *out)
{
    int rc = render_db(out);
    rc |= render_process(out);
    rc |= metrics_head(out, "kazi_build_info", "gauge",
                       "Always 1; the labels tell which kazi is running.");
    rc |= strbuf_addf(out, "kazi_build_info{version=\"%s\"} 1\n", KAZI_VERSION);
    return rc;
}
