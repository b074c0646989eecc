/* Time helpers: wall-clock and monotonic clocks, and ISO 8601 with a UTC offset
 * ("2024-06-13T18:23:54+02:00") as the Bitrix24 protocol uses. No time-zone database
 * lookups beyond the C library's localtime_r. */
#ifndef KAZI_TIMEUTIL_H
#define KAZI_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Unix time in seconds with a fraction (CLOCK_REALTIME). */
double time_now_real(void);
/* Monotonic seconds, for durations. */
double time_now_mono(void);
/* Monotonic nanoseconds. */
uint64_t time_mono_ns(void);

/* The local time zone's offset from UTC in seconds at Unix time t (cached per thread). */
int time_local_offset(int64_t t);
/* Formats t as ISO 8601 with the local offset (local != 0) or "+00:00" (local == 0) into buf.
 * Returns the length written, or -1 if buf is too small (it needs 26 bytes). */
int time_fmt_iso(char *buf, size_t size, double t, int local);
/* Same, with an explicit offset from UTC in minutes (e.g. 120 for +02:00). */
int time_fmt_iso_offset(char *buf, size_t size, int64_t t, int offset_min);

/* Parses "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.fff]]" with "Z", "+hh:mm", "+hhmm" or no offset
 * (then local time), and a space instead of "T". Writes Unix seconds. Returns 0 or -E_INVAL. */
int time_parse_iso(const char *s, int64_t *out);

/* Rewrites the legacy portal format "DD.MM.YYYY[ rest]" as "YYYY-MM-DD[ rest]" into buf (size
 * bytes) and returns buf; other strings are returned unchanged. NULL when s has that format
 * but does not fit in buf. */
const char *time_date_normalise(const char *s, char *buf, size_t size);

#endif
