/* JSON values as statement parameters and columns as JSON values (contracts in db_json.h).
 * It does not build SQL. */
#include "core/db/db_json.h"

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"

json_t *db_col_json_text(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return json_string(s ? s : "");
}

json_t *db_col_json_time(struct db_stmt *st, int col, bool empty_string)
{
    char buf[40];
    if (db_col_type(st, col) == DB_NULL ||
        time_fmt_iso(buf, sizeof(buf), (double)db_col_int(st, col), 1) < 0)
        return empty_string ? json_string("") : json_null();
    return json_string(buf);
}

int db_bind_json_value(struct db_stmt *st, int idx, const json_t *v)
{
    int rc;
    if (json_is_integer(v))
        rc = db_bind_int(st, idx, json_integer_value(v));
    else if (json_is_real(v))
        rc = db_bind_double(st, idx, json_real_value(v));
    else if (json_is_string(v))
        rc = db_bind_text(st, idx, json_string_value(v), (ssize_t)json_string_length(v));
    else if (json_is_boolean(v))
        rc = db_bind_int(st, idx, json_is_true(v));
    else
        rc = db_bind_null(st, idx);
    return rc > 0 ? -E_DB : rc;
}

int db_bind_json(struct db_stmt *st, const json_t *binds, int first)
{
    size_t i;
    json_t *v;
    int idx = first;
    json_array_foreach(binds, i, v)
    {
        int rc = db_bind_json_value(st, idx++, v);
        if (rc)
            return rc;
    }
    return idx;
}
