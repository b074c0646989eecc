/* What `kazi serve` keeps while it runs, shared by the start-up and main loop (serve.c) and the
 * configuration reload (serve_reload.c). Used by the main thread only. */
#ifndef KAZI_SERVE_H
#define KAZI_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "core/config/config.h"

/* A file as stat(2) saw it, to notice a replaced or rewritten one. */
struct serve_file_id {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

struct serve {
    int argc; /* the flags of the start, read again on every reload */
    char **argv;
    struct config cfg;                    /* the configuration in force */
    bool https;                           /* an HTTPS listener runs */
    char *cert, *key;                     /* PEM of the pair new handshakes get; owned */
    struct serve_file_id cert_id, key_id; /* tls_cert/tls_key when last loaded or tried */
    int access_fd;                        /* the access log's descriptor, owned; -1: none opened */
    char http_url[300];                   /* the listeners, "" when off */
    char https_url[300];
};

/* Opens the access log named by spec ("off", "stderr" or a file) for a start: s->access_fd is
 * the new descriptor, or -1 for "off". A file that cannot be opened falls back to stderr
 * (printed). */
void serve_access_log_start(struct serve *s, const char *spec);

/* Reads the configuration again from the sources of the start (defaults, file, the start's
 * environment and flags), checks it and loads the certificate pair, then applies what can
 * change while serving; options that need a restart are logged and left alone. On any error
 * nothing changes and -1 is returned. status (len bytes) receives one line for the service
 * manager either way. */
int serve_reload(struct serve *s, char *status, size_t len);

/* Records tls_cert/tls_key as they are now (before they are read at start-up), for
 * serve_check_tls_files. */
void serve_tls_files_note(struct serve *s);

/* When tls_cert/tls_key are configured and either file changed since it was last loaded or
 * tried, loads the pair for new connections; a pair that does not load is logged and the
 * current one kept. Returns 1 when a new pair is in use, -1 when a changed pair was refused
 * (status gets a line), 0 otherwise. */
int serve_check_tls_files(struct serve *s, char *status, size_t len);

#endif
