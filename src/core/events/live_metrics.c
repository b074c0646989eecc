/* The live channel's /metrics families, from live_stats: open connections by transport, what
 * was accepted, refused, published and sent, and the connections dropped or told to resync.
 * Nothing here runs per event; the counters are kept in live.c. */
#include <stdio.h>

#include "core/events/live.h"
#include "core/http/metrics.h"

int live_metrics_render(struct strbuf *out)
{
    struct live_stats s = {0};
    int rc;
    live_stats(&s);
    rc = metrics_head(out, "kazi_live_connections_open", "gauge",
                      "Live channel connections open now, by transport.");
    rc |= strbuf_addf(out,
                      "kazi_live_connections_open{transport=\"websocket\"} %u\n"
                      "kazi_live_connections_open{transport=\"sse\"} %u\n",
                      s.websockets, s.streams);
    rc |= metrics_head(out, "kazi_live_connections_total", "counter",
                       "Live channel connections accepted.");
    rc |= strbuf_addf(out, "kazi_live_connections_total %llu\n", (unsigned long long)s.opened);
    rc |= metrics_head(out, "kazi_live_connections_refused_total", "counter",
                       "Live channel connections refused because max_connections were open.");
    rc |= strbuf_addf(out, "kazi_live_connections_refused_total %llu\n",
                      (unsigned long long)s.refused);
    rc |= metrics_head(out, "kazi_live_events_published_total", "counter",
                       "Events published to the live channel (committed changes).");
    rc |= strbuf_addf(out, "kazi_live_events_published_total %llu\n",
                      (unsigned long long)s.published);
    rc |= metrics_head(out, "kazi_live_events_sent_total", "counter",
                       "Event notices handed to connections (one per event and reader).");
    rc |= strbuf_addf(out, "kazi_live_events_sent_total %llu\n", (unsigned long long)s.sent);
    rc |= metrics_head(out, "kazi_live_dropped_total", "counter",
                       "Live connections the server closed, by reason.");
    rc |= strbuf_addf(out,
                      "kazi_live_dropped_total{reason=\"too_slow\"} %llu\n"
                      "kazi_live_dropped_total{reason=\"no_ping_answer\"} %llu\n",
                      (unsigned long long)s.dropped_slow, (unsigned long long)s.dropped_silent);
    rc |= metrics_head(out, "kazi_live_resyncs_total", "counter",
                       "Reconnecting clients told to resync: their last event is no longer kept.");
    rc |= strbuf_addf(out, "kazi_live_resyncs_total %llu\n", (unsigned long long)s.resyncs);
    rc |= metrics_head(out, "kazi_live_backlog_events", "gauge",
                       "Most events any open live connection has yet to be given.");
    rc |= strbuf_addf(out, "kazi_live_backlog_events %llu\n", (unsigned long long)s.backlog);
    return rc;
}
