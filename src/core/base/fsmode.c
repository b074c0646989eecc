/* Tightening the mode of existing files and directories (see fsmode.h). */
#include "core/base/fsmode.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/error.h"
#include "core/base/log.h"

int fsmode_restrict(const char *path, mode_t max_mode, const char *what)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        log_warn("%s '%s' cannot be checked: %s", what, path, strerror(errno));
        return -E_IO;
    }
    mode_t old = st.st_mode & 07777, want = old & max_mode;
    if (old == want)
        return 0;
    if (chmod(path, want) < 0) {
        log_warn("%s '%s' is mode %04o, open to other users, and cannot be changed: %s", what, path,
                 (unsigned)old, strerror(errno));
        return -E_IO;
    }
    log_warn("%s '%s' was mode %04o, open to other users: now %04o", what, path, (unsigned)old,
             (unsigned)want);
    return 0;
}
