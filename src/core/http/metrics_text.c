/* Writing Prometheus text exposition format 0.0.4: a family's "# HELP" and "# TYPE" lines,
 * single samples, samples by one label, and histograms over kazi's fixed latency buckets.
 * Pure formatting into a strbuf, shared by every part that renders /metrics families. */
#include "core/http/metrics_text.h"

#include <stdio.h>

const double metrics_bounds[METRICS_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
static const uint64_t bound_ns[METRICS_BUCKETS] = {
    500000,    1000000,   2500000,   5000000,    10000000,   25000000,   50000000,
    100000000, 250000000, 500000000, 1000000000, 2500000000, 5000000000, 10000000000};

unsigned metrics_bucket(uint64_t duration_ns)
{
    unsigned i = 0;
    while (i < METRICS_BUCKETS && duration_ns > bound_ns[i])
        i++;
    return i;
}

int metrics_head(struct strbuf *out, const char *name, const char *type, const char *help)
{
    return strbuf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int metrics_value(struct strbuf *out, const char *name, const char *type, const char *help,
                  uint64_t v)
{
    return metrics_head(out, name, type, help) |
           strbuf_addf(out, "%s %llu\n", name, (unsigned long long)v);
}

int metrics_histogram(struct strbuf *out, const char *name, const char *labels,
                      const uint64_t counts[METRICS_BUCKETS + 1], double sum)
{
    const char *sep = labels[0] ? "," : "";
    uint64_t cum = 0;
    int rc = 0;
    for (size_t i = 0; i < METRICS_BUCKETS; i++) {
        cum += counts[i];
        rc |= strbuf_addf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep,
                          metrics_bounds[i], (unsigned long long)cum);
    }
    cum += counts[METRICS_BUCKETS];
    rc |= strbuf_addf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
                      (unsigned long long)cum);
    if (labels[0])
        rc |= strbuf_addf(out, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name, labels, sum, name,
                          labels, (unsigned long long)cum);
    else
        rc |= strbuf_addf(out, "%s_sum %.6f\n%s_count %llu\n", name, sum, name,
                          (unsigned long long)cum);
    return rc;
}

int metrics_by_label(struct strbuf *out, const char *name, const char *type, const char *help,
                     const char *label, const char *const *names, const uint64_t *values, int n)
{
    int rc = metrics_head(out, name, type, help);
    for (int i = 0; i < n; i++)
        rc |= strbuf_addf(out, "%s{%s=\"%s\"} %llu\n", name, label, names[i],
                          (unsigned long long)values[i]);
    return rc;
}
