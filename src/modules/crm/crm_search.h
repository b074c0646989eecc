/* The storage side of CRM search (crm_search_sql.c), kept apart so a PostgreSQL backend can
 * replace it with a tsvector column and a GIN index without touching crm_search.c. The SQLite
 * form is an FTS5 table crm_search(title, names, comm, subtitle UNINDEXED) with the
 * unicode61 tokenizer (diacritics removed); a document's rowid is id * 64 + entity type.
 * Internal to src/modules/crm/. */
#ifndef KAZI_CRM_SEARCH_H
#define KAZI_CRM_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct auth_identity;
struct strbuf;
struct crm_entity_def;

/* One document: the texts that are matched and the line shown under the title. */
struct crm_search_doc {
    const char *title, *names, *comm, *subtitle;
};

/* Creates the index when it does not exist; *created tells whether it was made now. */
int crm_search_sql_ensure(struct db *db, bool *created);
/* Documents in the index, and records of the indexed entities in their tables. */
int crm_search_sql_counts(struct db *db, const struct crm_entity_def *const *defs, int64_t *docs,
                          int64_t *records);
/* Empties the index. */
int crm_search_sql_clear(struct db *db);
/* The ids of every record of def, in a JSON array (new reference in *out). */
int crm_search_sql_ids(struct db *db, const struct crm_entity_def *def, json_t **out);
/* Replaces (or adds) the document of record (type, id). */
int crm_search_sql_put(struct db *db, int type, int64_t id, const struct crm_search_doc *doc);
/* Removes the document of record (type, id). */
int crm_search_sql_drop(struct db *db, int type, int64_t id);
/* The PHONE and EMAIL values of a record as [[TYPE_ID, VALUE, VALUE_NORM], ...] (new
 * reference in *out). */
int crm_search_sql_comm(struct db *db, int type, int64_t id, json_t **out);

/* The query text (at most 200 bytes) as the index's match expression, appended to sb: every
 * word (a run without blanks holding a letter or digit, at most 8) must match, the last one as
 * a prefix (type-ahead); each is a quoted string, so no input gives an invalid expression or
 * an operator. A phone-like word also matches its digits alone. Returns false when no word can
 * match anything (sb unchanged). Implemented in crm_search.c. */
bool crm_search_match(const char *q, struct strbuf *sb);

/* A search: the match expression (the index's query syntax, bound, never in SQL text), the
 * caller and, per entity, its READ level (perm.h's enum perm_level as int; entities with
 * level 0 are left out), and at most limit hits, best first, as
 * [{entityTypeId, id, title, subtitle, rank}] (new reference in *out). */
int crm_search_sql_query(struct db *db, const char *match, const struct auth_identity *auth,
                         const struct crm_entity_def *const *defs, const int *levels, int n_defs,
                         int limit, json_t **out);

#endif
