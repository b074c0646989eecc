/* Internals of the user.* methods: the users' field whitelist, row rendering and writes
 * (user_sql.c) and time-zone offsets (user_tz.c). Internal to src/core/accounts/. */
#ifndef KAZI_USER_INTERNAL_H
#define KAZI_USER_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rest/filter.h"

struct db;
struct db_stmt;
struct rest_call;

/* Fields of the user object, in the order of USER_SELECT's columns; entry 0 is ID. */
extern const struct field_def user_fields[];
extern const size_t user_fields_n;
/* Index of UF_DEPARTMENT in user_fields (not a column: read from core_user_department). */
extern const size_t user_field_departments;

/* "SELECT <every column of user_fields> FROM core_user u" and the matching count query. */
extern const char user_select_sql[];
extern const char user_count_sql[];

/* Which fields a row shows: chosen[i] for user_fields[i]. Arena-owned. */
struct user_view {
    unsigned char *chosen;
};

/* Renders the current row of a user_select_sql query (ctx: a struct user_view, or NULL for
 * every field). New reference, or NULL on a database error. */
json_t *user_row(struct rest_call *c, struct db_stmt *st, void *ctx);

/* Loads user id with every field into *out (new reference). Returns 0, -E_NOTFOUND or a
 * database error. */
int user_load(struct rest_call *c, int64_t id, json_t **out);

/* Applies fields (an object of user field names; unknown names are ignored) to user id inside
 * the caller's write transaction. Fields only administrators may set (EMAIL, ACTIVE, IS_ADMIN,
 * UF_DEPARTMENT) are refused with 403 unless admin. Everything is checked before anything is
 * written. Returns 0 or rest_fail's value. */
int user_write(struct rest_call *c, int64_t id, const json_t *fields, bool admin);

/* Checks fields as user_write would, without writing (user.add runs it before creating). */
int user_write_check(struct rest_call *c, const json_t *fields, bool admin);

/* True when name is a time zone this server knows ("Europe/Berlin"); "" is valid too. */
bool user_tz_valid(const char *name);
/* Seconds the zone is ahead of the server's local time at Unix time t; 0 for "" or an
 * unknown zone. */
int64_t user_tz_offset(const char *name, int64_t t);

#endif
