/* Parameter readers every module needs alike (contracts in rest.h): a positive id. The
 * dispatcher's own helpers, and the reply to a database error, are in rest.c. */
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
