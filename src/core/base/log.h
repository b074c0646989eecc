/* Leveled logging to stderr (or a file set at start-up). Thread-safe: each line is written with
 * a single write(2). Messages are lower case with the subject in quotes, the problem first. */
#ifndef KAZI_LOG_H
#define KAZI_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Sets the minimum level printed. */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* Parses "debug|info|warn|error|off"; returns 0 or -E_INVAL. */
int log_level_parse(const char *s, enum log_level *out);
/* Redirects log output to fd (default 2). The caller keeps ownership of fd. */
void log_set_fd(int fd);

void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes one already formatted line (no level prefix), e.g. the access log. */
void log_line(int fd, const char *line, int len);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* git's error(): logs at error level and returns -1, for one-line failure paths. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
