/* The /metrics families of the process around the requests (metrics_sys.c): the database, the
 * process and the build. */
#ifndef KAZI_METRICS_SYS_H
#define KAZI_METRICS_SYS_H

#include <stdint.h>

#include "core/base/strbuf.h"

/* Starts what the counters need from lower layers (the database's writer-wait hook). Call
 * once before serving. */
void metrics_init(void);
/* The database, process and build families (metrics_render includes them). Returns 0 or
 * -E_TOOBIG. */
int metrics_render_sys(struct strbuf *out);
/* Resident set size in bytes, from /proc/self/statm; 0 when unknown. */
uint64_t metrics_rss_bytes(void);

#endif
