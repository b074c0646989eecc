/* Prometheus text writing (metrics_text.c): what metrics.c, metrics_sys.c and the live
 * channel use to render their families. */
#ifndef KAZI_METRICS_TEXT_H
#define KAZI_METRICS_TEXT_H

#include <stdint.h>

#include "core/base/strbuf.h"

/* Writing helpers for the families other layers render: "# HELP" and "# TYPE" lines, and a
 * histogram from per-bucket (not cumulative) counts over METRICS_BUCKETS bounds plus +Inf.
 * labels is "" or `name="value"` pairs without braces. Return 0 or -E_TOOBIG. */
#define METRICS_BUCKETS 14
extern const double metrics_bounds[METRICS_BUCKETS];
int metrics_head(struct strbuf *out, const char *name, const char *type, const char *help);
/* A family with one label: sample i has the label value names[i] and the value values[i]. */
int metrics_by_label(struct strbuf *out, const char *name, const char *type, const char *help,
                     const char *label, const char *const *names, const uint64_t *values, int n);
/* A family of one unlabelled sample: its HELP and TYPE lines and "name v". */
int metrics_value(struct strbuf *out, const char *name, const char *type, const char *help,
                  uint64_t v);
int metrics_histogram(struct strbuf *out, const char *name, const char *labels,
                      const uint64_t counts[METRICS_BUCKETS + 1], double sum);
/* The bucket index of a duration for metrics_histogram's counts. */
unsigned metrics_bucket(uint64_t duration_ns);

#endif
