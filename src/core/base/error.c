/* Names for the error enum. */
#include "error.h"

static const char *const names[E__COUNT] = {
    [E_OK] = "ok",
    [E_NOMEM] = "out of memory",
    [E_INVAL] = "invalid argument",
    [E_NOTFOUND] = "not found",
    [E_EXISTS] = "already exists",
    [E_TOOBIG] = "too big",
    [E_IO] = "input/output error",
    [E_DB] = "database error",
    [E_BUSY] = "busy",
    [E_PERM] = "not permitted",
    [E_CONFIG] = "configuration error",
    [E_TLS] = "tls error",
    [E_INTERNAL] = "internal error",
    [E_NOSPC] = "no space left on device",
};

const char *error_str(int err)
{
    if (err < 0)
        err = -err;
    if (err >= E__COUNT || !names[err])
        return "unknown error";
    return names[err];
}
