/* Activities (crm.activity.*) as the two activity files share them: the column list of
 * crm_activity (one X-macro gives the field table, the statements and the list whitelist, so
 * they cannot drift apart), reading and formatting rows, and the list handler. Writing is in
 * crm_activity.c, reading and lists in crm_activity_list.c. Internal to src/modules/crm/. */
#ifndef KAZI_CRM_ACTIVITY_H
#define KAZI_CRM_ACTIVITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rest/filter.h"
#include "modules/crm/crm_entity.h"

struct db;
struct rest_call;

#define ACT_FS (CRM_F_FILTER | CRM_F_SORT)

/* Every column after id and owner_type_id, in table order:
 * X(NAME, column, crm type, filter type, flags, default, title) */
#define CRM_ACTIVITY_COLUMNS(X)                                                                    \
    X("OWNER_ID", owner_id, CRM_T_INT, FIELD_INT, CRM_F_REQUIRED | CRM_F_IMMUTABLE | ACT_FS, NULL, \
      "Owner ID")                                                                                  \
    X("TYPE_ID", type_id, CRM_T_INT, FIELD_INT, CRM_F_REQUIRED | CRM_F_IMMUTABLE | ACT_FS, NULL,   \
      "Type")                                                                                      \
    X("PROVIDER_ID", provider_id, CRM_T_STRING, FIELD_STRING, CRM_F_IMMUTABLE | ACT_FS, NULL,      \
      "Provider ID")                                                                               \
    X("PROVIDER_TYPE_ID", provider_type_id, CRM_T_STRING, FIELD_STRING, CRM_F_IMMUTABLE | ACT_FS,  \
      NULL, "Provider type ID")                                                                    \
    X("SUBJECT", subject, CRM_T_STRING, FIELD_STRING, ACT_FS, NULL, "Subject")                     \
    X("DESCRIPTION", description, CRM_T_STRING, FIELD_STRING, CRM_F_FILTER, NULL, "Description")   \
    X("DESCRIPTION_TYPE", description_type, CRM_T_INT, FIELD_INT, ACT_FS, "1", "Description type") \
    X("RESPONSIBLE_ID", responsible_id, CRM_T_USER, FIELD_INT, ACT_FS, NULL, "Responsible person") \
    X("AUTHOR_ID", author_id, CRM_T_USER, FIELD_INT, CRM_F_IMMUTABLE | ACT_FS, NULL, "Created by") \
    X("EDITOR_ID", editor_id, CRM_T_USER, FIELD_INT, CRM_F_RO | ACT_FS, NULL, "Modified by")       \
    X("START_TIME", start_time, CRM_T_DATETIME, FIELD_DATETIME, ACT_FS, NULL, "Start time")        \
    X("END_TIME", end_time, CRM_T_DATETIME, FIELD_DATETIME, ACT_FS, NULL, "End time")              \
    X("DEADLINE", deadline, CRM_T_DATETIME, FIELD_DATETIME, ACT_FS, NULL, "Deadline")              \
    X("COMPLETED", completed, CRM_T_CHAR, FIELD_CHAR, ACT_FS, "N", "Completed")                    \
    X("STATUS", status, CRM_T_INT, FIELD_INT, CRM_F_RO | ACT_FS, NULL, "Status")                   \
    X("DIRECTION", direction, CRM_T_INT, FIELD_INT, ACT_FS, "0", "Direction")                      \
    X("PRIORITY", priority, CRM_T_INT, FIELD_INT, ACT_FS, "2", "Priority")                         \
    X("LOCATION", location, CRM_T_STRING, FIELD_STRING, ACT_FS, NULL, "Location")                  \
    X("NOTIFY_TYPE", notify_type, CRM_T_INT, FIELD_INT, ACT_FS, "0", "Notification type")          \
    X("NOTIFY_VALUE", notify_value, CRM_T_INT, FIELD_INT, ACT_FS, "0", "Notification value")       \
    X("ORIGIN_ID", origin_id, CRM_T_STRING, FIELD_STRING, ACT_FS, NULL, "Item ID in data source")  \
    X("ORIGINATOR_ID", originator_id, CRM_T_STRING, FIELD_STRING, ACT_FS, NULL, "Data source ID")  \
    X("SETTINGS", settings, CRM_T_STRING, FIELD_STRING, 0, NULL, "Settings")                       \
    X("CREATED", created, CRM_T_DATETIME, FIELD_DATETIME, CRM_F_RO | ACT_FS, NULL, "Created on")   \
    X("LAST_UPDATED", last_updated, CRM_T_DATETIME, FIELD_DATETIME, CRM_F_RO | ACT_FS, NULL,       \
      "Modified on")

/* The column fields: ID, OWNER_TYPE_ID, then CRM_ACTIVITY_COLUMNS in order. */
extern const struct crm_field crm_activity_fields[];
extern const size_t crm_activity_n_fields;

/* Loads the stored row of activity id (FIELD -> stored value, as crm_value_parse gives).
 * *out is a new reference. Returns 0, -E_NOTFOUND or a database error. */
int crm_activity_row_load(struct db *db, int64_t id, json_t **out);

/* Formats a stored row in the legacy form (strings, ISO dates, SETTINGS as an object). Only
 * the fields with chosen[i] set (index into crm_activity_fields; NULL: all). New reference. */
json_t *crm_activity_format(const json_t *row, const unsigned char *chosen);

/* Adds COMMUNICATIONS and/or BINDINGS lists to the formatted rows of by_id (keyed by the
 * decimal id) for the n activities ids. Returns 0 or a database error. */
int crm_activity_load_extras(struct db *db, json_t *by_id, const int64_t *ids, size_t n, bool comms,
                             bool bindings);

/* crm.activity.get and crm.activity.list. */
int crm_activity_get(struct rest_call *c);
int crm_activity_list(struct rest_call *c);

#endif
