/* Binding JSON values as statement parameters: the filter compiler (rest/filter.h) and the
 * modules collect a query's values in a JSON array, and this binds them in order. It knows
 * the JSON library and db.h, nothing above them. */
#ifndef KAZI_DB_JSON_H
#define KAZI_DB_JSON_H

#include <jansson.h>
#include <stdbool.h>

struct db_stmt;

/* Binds one value to parameter idx (1-based): integer -> db_bind_int, real -> db_bind_double,
 * string -> db_bind_text (NUL bytes kept), true/false -> 1/0, anything else -> NULL. Returns
 * 0 or a negative -E_*. */
int db_bind_json_value(struct db_stmt *st, int idx, const json_t *v);

/* Binds the values of the array binds to st, starting at parameter first. Returns the next
 * free parameter index, or a negative -E_*. */
int db_bind_json(struct db_stmt *st, const json_t *binds, int first);

/* Column col of the current row as a JSON string; "" for SQL NULL. */
json_t *db_col_json_text(struct db_stmt *st, int col);
/* Column col (Unix seconds) as an ISO 8601 JSON string with the server's offset; SQL NULL as
 * "" when empty_string, else null. */
json_t *db_col_json_time(struct db_stmt *st, int col, bool empty_string);

#endif
