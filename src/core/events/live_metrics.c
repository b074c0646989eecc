/* The live channel's /metrics families, from live_stats: open connections by transport, what
 * was accepted, refused, published and sent, and the connections dropped or told to resync.
 * Nothing here runs per event; the counters are kept in live.c. */
#include <stdio.h>

#include "core/events/live.h"
#include "core/http/metrics.h"

int live_metrics_render(struct strbuf *out)
{
    static const char *const reasons[] = {"too_slow", "no_ping_answer"};
    static const char *const transports[] = {"websocket", "sse"};
    struct live_stats s = {0};
    int rc;
    live_stats(&s);
    rc = metrics_by_label(out, "kazi_live_connections_open", "gauge",
                          "Live channel connections open now, by transport.", "transport",
                          transports, (const uint64_t[]){s.websockets, s.streams}, 2);
    rc |= metrics_value(out, "kazi_live_connections_total", "counter",
                        "Live channel connections accepted.", s.opened);
    rc |= metrics_value(out, "kazi_live_connections_refused_total", "counter",
                        "Live channel connections refused because max_connections were open.",
                        s.refused);
    rc |= metrics_value(out, "kazi_live_events_published_total", "counter",
                        "Events published to the live channel (committed changes).", s.published);
    rc |= metrics_value(out, "kazi_live_events_sent_total", "counter",
                        "Event notices handed to connections (one per event and reader).", s.sent);
    rc |= metrics_by_label(out, "kazi_live_dropped_total", "counter",
                           "Live connections the server closed, by reason.", "reason", reasons,
                           (const uint64_t[]){s.dropped_slow, s.dropped_silent}, 2);
    rc |= metrics_value(out, "kazi_live_resyncs_total", "counter",
                        "Reconnecting clients told to resync: their last event is no longer kept.",
                        s.resyncs);
    rc |= metrics_value(out, "kazi_live_backlog_events", "gauge",
                        "Most events any open live connection has yet to be given.", s.backlog);
    return rc;
}
