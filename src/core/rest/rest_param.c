/* Parameter readers and error replies every module needs alike (contracts in rest.h): a
 * positive id, and the reply to a database error. The dispatcher's own helpers are in rest.c. */
#include <stdbool.h>
#include <stddef.h>

#include "core/base/error.h"
#include "core/json/params.h"
#include "core/rest/rest.h"

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

int rest_param_id(struct rest_call *c, const json_t *v, const char *name, bool required,
                  int64_t *out)
{
    int64_t id = 0;
    *out = 0;
    if (is_empty(v)) {
        if (!required)
            return 0;
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter '%s' is required", name);
    }
    if (params_to_int64(v, &id) || id <= 0)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter '%s' must be a positive id", name);
    *out = id;
    return 0;
}

/* How a storage error reads to a client: the one table from -E_* to HTTP status and code. */
static const struct {
    int rc, status;
    const char *code, *message;
} db_errors[] = {
    {-E_BUSY, 503, "DATABASE_BUSY", "database is busy, nothing was written"},
    {-E_NOSPC, 507, "INSUFFICIENT_STORAGE", "disk is full: nothing was written"},
};

int rest_fail_db(struct rest_call *c, int rc)
{
    if (c->status) /* already failed with a reason */
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(db_errors); i++)
        if (db_errors[i].rc == rc)
            return rest_fail(c, db_errors[i].status, db_errors[i].code, "%s", db_errors[i].message);
    return rest_fail(c, 500, "INTERNAL_SERVER_ERROR", "database error: %s, nothing was written",
                     error_str(rc));
}
