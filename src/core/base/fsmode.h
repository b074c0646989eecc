/* Owner-only modes for what kazi keeps on disk. kazi sets umask 077 at start, so everything it
 * creates is 0600 (files) or 0700 (directories); this tightens what an older version, another
 * tool or an operator left more open. It never widens a mode and does not change owners. */
#ifndef KAZI_FSMODE_H
#define KAZI_FSMODE_H

#include <sys/types.h>

/* The process umask for everything kazi creates: no access for group and others. */
#define FSMODE_UMASK 077

/* Removes from path's mode every permission bit that max_mode lacks (e.g. 0700 turns 0755 into
 * 0700; a 0500 directory stays 0500) and logs a warning naming what (e.g. "data directory"),
 * the path and both modes when it changed anything. Follows symbolic links. Returns 0 also
 * when path does not exist; -E_IO (logged) when it cannot be read or changed. */
int fsmode_restrict(const char *path, mode_t max_mode, const char *what);

#endif
