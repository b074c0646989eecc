/* Internal to src/modules/crm/: the SQL layer of the engine (crm_sql.c), dictionaries
 * (crm_status.c), pipelines (crm_category.c), currencies (crm_currency.c), multi-fields
 * (crm_multifield.c), user fields (crm_userfield.c), bindings (crm_binding.c) and history, as
 * the engine and the entity files use them. Every function that takes a rest_call fails it
 * itself (rest_fail) and returns -1; the others return 0 or a negative -E_*. */
#ifndef KAZI_CRM_INTERNAL_H
#define KAZI_CRM_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/rest/filter.h"
#include "modules/crm/crm_entity.h"

struct db;
struct db_stmt;
struct rest_call;

#define CRM_SQL_CAP (256 * 1024) /* bytes of one built-up query */
#define CRM_MAX_BINDINGS 4       /* bindings one entity owns as src */
#define CRM_MAX_UNLINK 8         /* link columns of one entity */

/* ---- crm_entity.c / crm_write.c ---------------------------------------------------------- */

/* The field holding def's owner column (ASSIGNED_BY_ID). Borrowed. */
const struct crm_field *crm_owner_field(const struct crm_entity_def *def);
/* Emits <event_prefix><what> ("ADD", "UPDATE", "DELETE", ...) for record id; a failing
 * subscriber fails the call (500, rolled back). */
int crm_entity_emit(struct rest_call *c, const struct crm_entity_def *def, const char *what,
                    int64_t id);
/* The one rule for every write that makes something point at a CRM record: link fields
 * (COMPANY_ID, CONTACT_ID, DEAL_ID...), bindings (CONTACT_IDS, crm.deal.contact.*), user fields
 * of type crm, activity owners and communications, timeline comments, conversions, merges,
 * product rows and, through core (rest_ref_check), task bindings. Record id of def must exist
 * and the caller must be able to read it (READ level on def's permission entity, checked
 * against its owner; administrators and CRM_NO_PERM writes only need it to exist). A missing
 * record and one the caller may not read get the same answer, 400 INVALID_ARG_VALUE
 * "field '<field>': <entity> <id> is not a record you can see" (crm_link_fail), so no write
 * can tell which hidden ids exist. When action is more than PERM_READ the caller, who can see
 * the record, also needs action on it: 403 ACCESS_DENIED otherwise. Returns 0 or rest_fail's
 * value. */
int crm_check_link(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                   enum perm_action action, const char *field);
/* The check behind the module's "crm" reference kind (module_ref, used through core by tasks'
 * UF_CRM_TASK): ref is "<ABBR>_<id>" ("D_12", "CO_3"); crm_check_link with PERM_READ, and a
 * ref that names no entity gets 400 INVALID_ARG_VALUE too. Returns 0 or rest_fail's value. */
int crm_ref_check(struct rest_call *c, const char *field, const char *ref);
/* crm_check_link's refusal, for callers that found the target unusable themselves (a
 * reference that names no record). Returns rest_fail's value. */
int crm_link_fail(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                  const char *field);

/* ---- crm_sql.c: statements built from a field table at start-up ---------------------------- */

struct crm_unlink {
    int link_type; /* entity type the column points at */
    char *sql;     /* UPDATE <table> SET <col> = 0 WHERE <col> = ? */
};

struct crm_entity_sql {
    const struct crm_field **cols; /* column fields in statement order; cols[0] is ID */
    size_t n_cols;
    char *select_row; /* SELECT <cols> FROM <table> WHERE id = ? */
    int owner_col;    /* index in cols of the owner column (ASSIGNED_BY_ID) */
    char *insert;     /* INSERT INTO <table> (<cols but id>) VALUES (?...) */
    char *update;     /* UPDATE <table> SET <col> = ?, ... WHERE id = ? (cols but id) */
    char *delete_row; /* DELETE FROM <table> WHERE id = ? */
    char *owner;      /* SELECT <owner column> FROM <table> WHERE id = ? */
    char *fm_flags;   /* UPDATE <table> SET has_phone = ..., ... WHERE id = ?; NULL if none */
    char *title;      /* UPDATE <table> SET title = ? WHERE id = ?; NULL without template */
    char *mirror[CRM_MAX_BINDINGS]; /* UPDATE <table> SET <mirror col> = ? WHERE id = ? */
    struct crm_unlink unlink[CRM_MAX_UNLINK];
    size_t n_unlink;
    /* list whitelist of the static fields, by output format (UPPER names for legacy,
     * camelCase for typed); fdefs[f][0] is ID; fdef_field[i] is the crm_field of entry i */
    struct field_def *fdefs[2];
    const struct crm_field **fdef_field;
    size_t n_fdefs;
};

/* Builds / frees def->sql (called by crm_entity_init / _fini). */
int crm_sql_build(const struct crm_entity_def *def);
void crm_sql_free(const struct crm_entity_def *def);

/* Column col of st as the stored value of a field of type t. New reference. */
json_t *crm_sql_col_value(struct db_stmt *st, int col, enum crm_type t);
/* Column col of st formatted for output as field f (crm_value_format of the stored value,
 * without the intermediate JSON value). New reference. */
json_t *crm_sql_col_format(struct db_stmt *st, int col, const struct crm_field *f,
                           enum crm_format fmt);

/* The same, appended to b as JSON text (crm_value_write). Returns 0 or -E_TOOBIG. */
int crm_sql_col_write(struct strbuf *b, struct db_stmt *st, int col, const struct crm_field *f,
                      enum crm_format fmt);

/* Reads record id's row for formatting straight from the statement: *row is select_row
 * stepped to the row (columns in field order, see crm_sql_col_format) and *owner its owner
 * column. Returns 0, -E_NOTFOUND or a database error; after 0 the caller must
 * crm_sql_row_close(*row) and must not run select_row again before that. */
int crm_sql_row_open(struct db *db, const struct crm_entity_def *def, int64_t id,
                     struct db_stmt **row, int64_t *owner);
void crm_sql_row_close(struct db_stmt *row);

/* Loads the stored row of record id (FIELD -> stored value). *out is a new reference.
 * Returns 0, -E_NOTFOUND or a database error. */
int crm_sql_row_load(struct db *db, const struct crm_entity_def *def, int64_t id, json_t **out);
/* Inserts row (every column field but ID) and sets *id. */
int crm_sql_row_insert(struct db *db, const struct crm_entity_def *def, const json_t *row,
                       int64_t *id);
/* Writes every column field of row to record id. */
int crm_sql_row_update(struct db *db, const struct crm_entity_def *def, int64_t id,
                       const json_t *row);
/* Deletes record id and clears columns of other entities that link to it. */
int crm_sql_row_delete(struct db *db, const struct crm_entity_def *def, int64_t id);
/* The owner (ASSIGNED_BY_ID) of record id; -E_NOTFOUND when there is no such record. */
int crm_sql_owner(struct db *db, const struct crm_entity_def *def, int64_t id, int64_t *owner);
/* Recomputes HAS_PHONE / HAS_EMAIL / HAS_IMOL of record id (no-op without those fields). */
int crm_sql_fm_flags(struct db *db, const struct crm_entity_def *def, int64_t id);
/* Sets the title of record id (title_prefix entities). */
int crm_sql_set_title(struct db *db, const struct crm_entity_def *def, int64_t id,
                      const char *title);
/* Whether user id exists (core_user). */
int crm_sql_user_exists(struct db *db, int64_t id, bool *out);

/* The select of a list page of def (crm_list.c): "SELECT t.id, t.<column>, ... FROM <table>
 * t" with the columns of the static whitelist entries chosen (chosen[i] for entry i, the
 * entity's n_fdefs entries); cols (n_fdefs entries, the caller's) receives their fields in
 * column order and *n_cols their count. Returns 0 or strbuf's -E_TOOBIG. */
int crm_sql_list_select(const struct crm_entity_def *def, const unsigned char *chosen,
                        struct strbuf *sql, const struct crm_field **cols, size_t *n_cols);

/* Writes one history row: owner (type, id), kind ("created", "field_changed",
 * "stage_changed", "comment", ...), the author and a JSON object (reference stolen). */
int crm_history_add(struct db *db, int owner_type, int64_t owner_id, const char *kind,
                    int64_t author_id, int64_t at, json_t *data);
/* Deletes the history of one record. */
int crm_history_drop(struct db *db, int owner_type, int64_t owner_id);

/* ---- crm_status.c: dictionaries -------------------------------------------------------------- */

struct crm_dict_row {
    int64_t id;
    char status_id[64];
    int64_t sort;
    char semantic; /* effective: 'P', 'S', 'F' (stage dictionaries), 0 for plain ones */
};

/* True for dictionaries whose rows are stages with semantics (STATUS, DEAL_STAGE[_n],
 * QUOTE_STATUS). */
bool crm_status_is_stage_dict(const char *dict);
/* Loads dictionary dict ordered by SORT with effective semantics (rows after the success
 * stage are failures). *rows is caller-freed (NULL when empty). */
int crm_status_dict_load(struct db *db, const char *dict, struct crm_dict_row **rows, size_t *n);
/* Whether value is a STATUS_ID of dict. */
int crm_status_exists(struct db *db, const char *dict, const char *value, bool *out);
/* Creates the stage dictionary of a new pipeline (DEAL_STAGE_<n>, C<n>: ids). */
int crm_status_seed_pipeline(struct db *db, int64_t category_id);
/* The rows of dictionary dict as crm.status.list answers them, by SORT. New reference in
 * *rows; fails the call on a database error. */
int crm_status_rows(struct rest_call *c, const char *dict, json_t **rows);
/* Deletes a dictionary's rows (a pipeline's stages). */
int crm_status_drop_dict(struct db *db, const char *dict);

/* ---- crm_category.c: pipelines ------------------------------------------------------------- */

/* Whether pipeline id exists for entity_type. */
int crm_category_exists(struct db *db, int entity_type, int64_t id, bool *out);
/* The default pipeline of entity_type (0 for deals unless another is marked default). */
int crm_category_default(struct db *db, int entity_type, int64_t *out);
/* "DEAL_STAGE" for pipeline 0, else "DEAL_STAGE_<id>", into buf. Returns buf. */
const char *crm_category_stage_dict(int64_t category_id, char *buf, size_t len);

/* ---- crm_currency.c ----------------------------------------------------------------------- */

int crm_currency_exists(struct db *db, const char *code, bool *out);
/* The base currency code into buf (at least 4 bytes); "USD" when none is marked. */
int crm_currency_base(struct db *db, char *buf, size_t len);

/* ---- crm_multifield.c ----------------------------------------------------------------------- */

/* True for PHONE, EMAIL, WEB, IM, LINK (case-insensitive). */
bool crm_fm_type_valid(const char *type_id);
/* Applies a PHONE/EMAIL/... value list (an array, an object of items, or one item) to record
 * (owner_type, owner_id) with the legacy semantics: an item without ID adds, ID + VALUE
 * changes, ID with an empty VALUE or DELETE=Y deletes; on add every item adds. Fails the call
 * with 400 on a malformed item or an ID the record does not have. */
int crm_fm_apply(struct rest_call *c, int owner_type, int64_t owner_id, const char *type_id,
                 const json_t *items, bool is_add);
/* Adds to each object of rows (keyed by the decimal id) its multi-fields, as
 * [{ID, VALUE_TYPE, VALUE, TYPE_ID}] under the type's name, for the types in want (a
 * NULL-terminated list of names; NULL means all) that have values. */
int crm_fm_load(struct db *db, int owner_type, const int64_t *ids, size_t n,
                const char *const *want, json_t *rows);
/* The multi-fields of one record as crm_fm_load adds them, written into b as members of an
 * object: `"EMAIL":[{…}],"PHONE":[…]`, each preceded by a comma unless *first (cleared once a
 * member is written). Returns 0, -E_TOOBIG or a database error. */
int crm_fm_write(struct db *db, int owner_type, int64_t id, struct strbuf *b, bool *first);
/* Deletes the multi-fields of one record. */
int crm_fm_drop(struct db *db, int owner_type, int64_t owner_id);

/* ---- crm_userfield.c ------------------------------------------------------------------------ */

enum crm_uf_kind {
    CRM_UF_STRING,
    CRM_UF_INTEGER,
    CRM_UF_DOUBLE,
    CRM_UF_BOOLEAN,
    CRM_UF_DATE,
    CRM_UF_DATETIME,
    CRM_UF_ENUM,
    CRM_UF_MONEY,
    CRM_UF_CRM,
    CRM_UF_FILE,
    CRM_UF_URL,
    CRM_UF_EMPLOYEE,
    CRM_UF_STATUS,
    CRM_UF_ADDRESS,
};

struct crm_uf {
    int64_t id;
    char name[64]; /* UF_CRM_... */
    char type[32]; /* USER_TYPE_ID */
    enum crm_uf_kind kind;
    bool multiple, mandatory;
};

/* The kind of a USER_TYPE_ID ("string", "enumeration", ...); -E_INVAL when unsupported. */
int crm_uf_kind_parse(const char *type, enum crm_uf_kind *out);
/* The user fields of an entity type, ordered by SORT. *out is caller-freed (NULL if none). */
int crm_uf_defs(struct db *db, int entity_type, struct crm_uf **out, size_t *n);
/* Whether values of kind live in value_num (else value_text). */
bool crm_uf_numeric(enum crm_uf_kind kind);
/* Fills out[i] (caller-allocated, n entries) with the list whitelist entries of ufs, named
 * for format fmt; names and SQL expressions are allocated in the call's arena. */
void crm_uf_field_defs(struct rest_call *c, const struct crm_uf *ufs, size_t n, enum crm_format fmt,
                       struct field_def *out);
/* Converts a client value of uf to its stored form (scalar or, for multiple fields, a list;
 * JSON null when empty). Fails the call with 400 INVALID_ARG_VALUE naming the field. */
int crm_uf_parse(struct rest_call *c, const struct crm_uf *uf, const json_t *in, json_t **out);
/* Replaces the stored values of uf for record owner_id. Values the field did not hold are
 * links and checked first: a crm value must name a record the caller can see
 * (crm_check_link), a file id must be one this field of this record holds (new files come as
 * uploads); files the field no longer holds are deleted unless another value names them. */
int crm_uf_store(struct rest_call *c, int entity_type, const struct crm_uf *uf, int64_t owner_id,
                 const json_t *stored);
/* Adds the user-field values of records ids to rows (objects keyed by the decimal id), for
 * the fields of ufs with chosen[i] set (chosen NULL: all), in legacy or typed form. */
int crm_uf_load(struct db *db, const struct crm_uf *ufs, size_t n_ufs, const unsigned char *chosen,
                const int64_t *ids, size_t n, enum crm_format fmt, json_t *rows);
/* Deletes every user-field value of one record, and the files no other value names. */
int crm_uf_drop_owner(struct db *db, int entity_type, int64_t owner_id);
/* *.fields descriptions of the user fields of entity_type, added to out under their names in
 * format fmt. */
int crm_uf_describe(struct db *db, int entity_type, enum crm_format fmt, json_t *out);

/* ---- crm_binding.c ----------------------------------------------------------------------------
 */

/* Applies list_field / mirror_field input of every binding def owns to record src_id:
 * CONTACT_IDS replaces the set (first is primary), CONTACT_ID alone makes that contact
 * primary (adding it) or, when 0, removes every binding. Ids not bound yet must be records
 * the caller can see (crm_check_link). */
int crm_binding_write(struct rest_call *c, const struct crm_entity_def *def, int64_t src_id,
                      const json_t *fields);
/* Makes exactly one row of src_id primary (the flagged one, else the first by SORT) and
 * stores the primary id in the mirror column. */
int crm_binding_normalize(struct db *db, const struct crm_binding_def *b, int64_t src_id);
/* The bound ids of src_id (primary first) as a JSON list (strings in legacy format, integers
 * in typed). New reference in *out. */
int crm_binding_ids(struct db *db, const struct crm_binding_def *b, int64_t src_id,
                    enum crm_format fmt, json_t **out);
/* Removes every binding of record (type, id) on either side and re-normalises the records
 * that lost a binding. */
int crm_binding_drop_record(struct db *db, int type_id, int64_t id);

/* Registers every entity's record events on the live channel (crm_live.c). */
int crm_live_init(void);

#endif
