/* The record-centred parts of the CRM module built on the entity engine: the timeline (rows of
 * crm_timeline with an optional reference to the object they are about), activities, comments,
 * tasks seen through the event bus, lead conversion, duplicates, merging and search. This
 * header is what those files share with each other and with crm_module.c; the engine's own
 * contracts are in crm_entity.h and crm_internal.h. Internal to src/modules/crm/. */
#ifndef KAZI_CRM_TIMELINE_H
#define KAZI_CRM_TIMELINE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/module.h"
#include "modules/crm/crm_entity.h"

struct db;
struct rest_call;

/* ---- crm_timeline.c: rows, owners, last activity ------------------------------------------ */

/* Kinds of timeline rows written outside the engine (the engine writes "created",
 * "field_changed" and "stage_changed"). docs/crm.md describes each row's data. */
#define CRM_TL_COMMENT "comment"
#define CRM_TL_ACTIVITY "activity"
#define CRM_TL_TASK "task"
#define CRM_TL_CONVERSION "conversion"
#define CRM_TL_MERGE "merge"

/* Writes one timeline row on record (owner_type, owner_id): kind, author, time, the object it
 * refers to (ref_type "activity"/"task" and its id, or NULL and 0) and data (a JSON object,
 * reference stolen; NULL for {}). *id_out (may be NULL) receives the row id. Returns 0 or a
 * database error. */
int crm_timeline_add(struct db *db, int owner_type, int64_t owner_id, const char *kind,
                     int64_t author_id, int64_t at, const char *ref_type, int64_t ref_id,
                     json_t *data, int64_t *id_out);

/* Merges patch (borrowed) into the data of every row of kind referring to (ref_type,
 * ref_id). Returns 0 or a database error. */
int crm_timeline_ref_patch(struct db *db, const char *kind, const char *ref_type, int64_t ref_id,
                           const json_t *patch);

/* Deletes every row referring to (ref_type, ref_id). */
int crm_timeline_ref_drop(struct db *db, const char *ref_type, int64_t ref_id);

/* Moves every row of record (type, from) to record (type, to) (merging). */
int crm_timeline_move(struct db *db, int type, int64_t from, int64_t to);

/* Sets LAST_ACTIVITY_TIME / LAST_ACTIVITY_BY of a record whose entity has those fields (no-op
 * for others). Returns 0 or a database error. */
int crm_timeline_touch(struct db *db, int type, int64_t id, int64_t at, int64_t user_id);

/* Resolves a CRM record named by a type id and an id: fails the call with 400
 * INVALID_ARG_VALUE for an unknown type or a non-positive id, 400 NOT_FOUND for a missing
 * record and 403 ACCESS_DENIED when the caller may not do action on it (checked against the
 * record's owner with the engine's rules). *def_out (may be NULL) receives the entity.
 * Returns 0 or rest_fail's value. */
int crm_record_check(struct rest_call *c, int type, int64_t id, enum perm_action action,
                     const struct crm_entity_def **def_out);

/* crm_record_check for a record a write links something to (an activity's owner or
 * communication, a comment's record, a merge's survivor): the same answers for a bad type or
 * id, then crm_check_link's, so a missing record and a hidden one cannot be told apart. */
int crm_record_link(struct rest_call *c, int type, int64_t id, enum perm_action action,
                    const char *field);

/* The entity of a name as ENTITY_TYPE and entity_type take it ("deal", "LEAD", "contact",
 * case-insensitive) or of a decimal type id ("2"); NULL when unknown. Static. */
const struct crm_entity_def *crm_entity_by_name(const char *name);

/* The entity of a binding prefix ("D", "CO", ... as in "D_12"); NULL when unknown. Static. */
const struct crm_entity_def *crm_entity_by_abbr(const char *abbr, size_t len);

/* Start-up: builds the per-entity statements (last activity) and subscribes the timeline's
 * listeners to the bus (tasks, deletion of records). Returns 0 or -E_*. fini frees what init
 * built. */
int crm_timeline_init(void);
void crm_timeline_fini(void);
/* Subscribes the task listener (crm_timeline_task.c); called by crm_timeline_init. */
int crm_timeline_task_init(void);

/* ---- crm_activity.c ---------------------------------------------------------------------- */

/* Deletes the activities owned by record (type, id), their timeline rows, and the record's
 * bindings to other activities (the record is going away). Returns 0 or a database error. */
int crm_activity_drop_owner(struct db *db, int type, int64_t id);
/* Moves the activities owned by or bound to record (type, from) to (type, to). */
int crm_activity_move(struct db *db, int type, int64_t from, int64_t to);

/* ---- crm_duplicate.c --------------------------------------------------------------------- */

/* The kazi extension of crm.lead/contact/company.add: with params[CHECK_DUPLICATES]=Y, fails
 * the call with 400 DUPLICATE_FOUND when a PHONE or EMAIL of fields belongs to a lead, contact
 * or company the caller may read (the ids are in the description as JSON). Without the flag,
 * or for other entities, returns 0 at once. Returns 0 or rest_fail's value. */
int crm_duplicate_check_add(struct rest_call *c, const struct crm_entity_def *def,
                            const json_t *fields);

/* ---- crm_search.c ------------------------------------------------------------------------ */

/* Start-up: creates the search index when missing, rebuilds it when it is out of step with
 * the tables and subscribes the indexer to the entities' events. Returns 0 or -E_*. */
int crm_search_init(void);

/* ---- method tables ------------------------------------------------------------------------ */

extern const struct rest_method crm_activity_methods[], crm_timeline_methods[],
    crm_comment_methods[], crm_convert_methods[], crm_duplicate_methods[], crm_merge_methods[],
    crm_search_methods[];

#endif
