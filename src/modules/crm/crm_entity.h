/* The CRM entity engine: one table-driven implementation of the Bitrix24 legacy CRM families
 * (crm.lead.*, crm.deal.*, crm.contact.*, crm.company.*, crm.quote.*). An entity is a
 * `struct crm_entity_def`: its SQL table, a field table (type, read/write flags, dictionary
 * binding, default), hooks for the few rules that differ, and its contact/company bindings.
 * The engine validates and converts input, keeps system fields, stages, multi-fields, user
 * fields and bindings, narrows by permission, writes history and emits events. It knows no
 * particular entity; entity files (crm_lead.c, ...) hold only their tables and hooks.
 *
 * Permissions: the method row's (perm entity, action) is checked by the dispatcher; the engine
 * narrows lists with perm_sql on the owner column and checks single records with
 * perm_allows_owner (read, update, delete; add and re-assignment check the new owner). A link
 * or binding a write sets must point at a record the caller may read (crm_check_link).
 * OPENED=Y grants nothing extra: visibility is the role's level only.
 * Events: ONCRM<UPPER>ADD / UPDATE / DELETE with {"FIELDS": {"ID": id}}, inside the write's
 * transaction. History: crm_timeline rows (see migrations/001_crm.sql). */
#ifndef KAZI_CRM_ENTITY_H
#define KAZI_CRM_ENTITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/module.h"
#include "core/rest/filter.h"

struct rest_call;
struct db;

/* Entity type ids of the protocol (crm.item entityTypeId, activity OWNER_TYPE_ID). */
enum crm_type_id {
    CRM_TYPE_LEAD = 1,
    CRM_TYPE_DEAL = 2,
    CRM_TYPE_CONTACT = 3,
    CRM_TYPE_COMPANY = 4,
    CRM_TYPE_QUOTE = 7,
    CRM_TYPE_SMART_INVOICE = 31,
};

/* Field value types. The stored form (what a row holds in JSON, see crm_value_parse) is given
 * in brackets. */
enum crm_type {
    CRM_T_ID,         /* the record id [integer] */
    CRM_T_INT,        /* integer [integer] */
    CRM_T_DOUBLE,     /* amount, legacy output "15000.00" [real] */
    CRM_T_STRING,     /* text [string] */
    CRM_T_CHAR,       /* Y/N flag [string "Y"/"N"] */
    CRM_T_DATE,       /* calendar date [string "YYYY-MM-DD"] */
    CRM_T_DATETIME,   /* instant [integer Unix seconds] */
    CRM_T_STATUS,     /* a STATUS_ID of the dictionary `dict` [string] */
    CRM_T_USER,       /* a user id [integer] */
    CRM_T_CURRENCY,   /* a currency code of crm_currency [string] */
    CRM_T_LINK,       /* id of a record of entity type `link_type`, 0 for none [integer] */
    CRM_T_CATEGORY,   /* pipeline id [integer] */
    CRM_T_MULTIFIELD, /* PHONE, EMAIL, WEB, IM, LINK: rows of crm_fm, no column */
    CRM_T_LINKS,      /* ids bound through crm_binding (CONTACT_IDS), no column */
};

enum crm_field_flags {
    CRM_F_RO = 1 << 0,        /* read-only: ignored on add and update (kept by the engine) */
    CRM_F_REQUIRED = 1 << 1,  /* must be non-empty after add; may not be emptied by update */
    CRM_F_IMMUTABLE = 1 << 2, /* set on add only; ignored by update */
    CRM_F_MULTIPLE = 1 << 3,  /* list value */
    CRM_F_FILTER = 1 << 4,    /* usable in list filters */
    CRM_F_SORT = 1 << 5,      /* usable in list order */
    CRM_F_NOSELECT = 1 << 6,  /* not returned by lists (CONTACT_IDS) */
    CRM_F_UF = 1 << 7,        /* user field (built at run time from crm_uf) */
    CRM_F_STAGE = 1 << 8,     /* the entity's stage field (STAGE_ID, STATUS_ID) */
    CRM_F_NOHISTORY = 1 << 9, /* changes are not written to the timeline */
};

#define CRM_FS (CRM_F_FILTER | CRM_F_SORT)

struct crm_field {
    const char *name;   /* UPPER_CASE client name, "TITLE" */
    const char *column; /* column of the entity table, "title"; NULL for MULTIFIELD/LINKS */
    enum crm_type type;
    unsigned flags;    /* enum crm_field_flags */
    const char *dict;  /* CRM_T_STATUS: dictionary ENTITY_ID ("SOURCE"); for the stage field
                          the dictionary of pipeline 0 ("DEAL_STAGE"), the hook picks others */
    int link_type;     /* CRM_T_LINK / CRM_T_LINKS: entity type id bound */
    const char *def;   /* default on add, in input form ("N", "0", "Y"), or NULL */
    const char *title; /* English title for *.fields */
    const char *alias; /* camelCase name for crm.item.* when crm_camel_name's is wrong */
};

/* Designated initialisers keep the entity tables short and readable. */
#define CRM_FIELD(n, col, t, fl, ttl)                                                              \
    {                                                                                              \
        .name = n, .column = col, .type = t, .flags = fl, .title = ttl                             \
    }
#define CRM_FIELD_DEF(n, col, t, fl, d, ttl)                                                       \
    {                                                                                              \
        .name = n, .column = col, .type = t, .flags = fl, .def = d, .title = ttl                   \
    }
#define CRM_FIELD_STATUS(n, col, fl, dic, ttl)                                                     \
    {                                                                                              \
        .name = n, .column = col, .type = CRM_T_STATUS, .flags = fl, .dict = dic, .title = ttl     \
    }
#define CRM_FIELD_LINK(n, col, fl, lt, ttl)                                                        \
    {                                                                                              \
        .name = n, .column = col, .type = CRM_T_LINK, .flags = fl, .link_type = lt, .def = "0",    \
        .title = ttl                                                                               \
    }

/* A many-to-many binding (deal <-> contacts, contact <-> companies) in crm_binding. Rows are
 * stored from src to dst with SORT, ROLE_ID and IS_PRIMARY; exactly one row per src is primary
 * when it has any. mirror_field (on src) holds the primary dst id, list_field takes a list of
 * dst ids on add/update (replacing the set). */
struct crm_binding_def {
    int src_type, dst_type;
    const char *mirror_field; /* "CONTACT_ID", or NULL */
    const char *list_field;   /* "CONTACT_IDS", or NULL */
};

/* Method data for crm.<x>.<y>.items.* and crm.<x>.<y>.add/delete: the binding seen from src
 * (reverse false) or from dst (crm.company.contact.* reads contact->company rows backwards). */
struct crm_binding_side {
    const struct crm_binding_def *b;
    bool reverse;
};

struct crm_write;
struct crm_entity_sql; /* statements built from the field table at start-up (crm_sql.c) */

struct crm_entity_def {
    const char *name;               /* "deal": method prefix crm.deal.* */
    const char *upper;              /* "DEAL": event and user-field names */
    int type_id;                    /* enum crm_type_id */
    const char *abbr;               /* "D": CRM binding values ("D_12") */
    const char *table;              /* "crm_deal" */
    const char *perm_entity;        /* "crm_deal" */
    const char *event_prefix;       /* "ONCRMDEAL": + ADD / UPDATE / DELETE / USERFIELDADD ... */
    const char *owner_column;       /* "assigned_by_id": the column permissions narrow on */
    const char *title_prefix;       /* "Deal #": an empty TITLE becomes prefix + id, or NULL */
    const struct crm_field *fields; /* entry 0 is ID */
    size_t n_fields;
    const char *semantic_field; /* "STAGE_SEMANTIC_ID" (stored P/S/F), or NULL */
    /* bindings where this entity is src, NULL-terminated; may be NULL */
    const struct crm_binding_def *const *bindings;
    /* Hooks, each may be NULL; return 0 or rest_fail's value.
     * validate: after input is merged, before stage checks (deal: pipeline).
     * stage_dict: the dictionary of the stage field for w's row (deal: DEAL_STAGE_<n>).
     * derive: after stage checks, before the row is stored (deal: CLOSED, IS_NEW).
     * finish: after the row, multi-fields, user fields and bindings are stored. */
    int (*validate)(struct crm_write *w);
    const char *(*stage_dict)(struct crm_write *w);
    int (*derive)(struct crm_write *w);
    int (*finish)(struct crm_write *w);
    struct crm_entity_sql *sql; /* owned by the entity file, filled by crm_entity_init */
};

/* One add or update as the hooks see it. Stored values are in the form crm_value_parse gives. */
struct crm_write {
    struct rest_call *c;
    const struct crm_entity_def *def;
    int64_t id; /* 0 during add until the row is inserted */
    bool is_add;
    json_t *row;         /* FIELD -> stored value of every column field; hooks edit it (owned) */
    json_t *old;         /* update: the stored row before (owned); NULL on add */
    const json_t *input; /* the client's fields object (borrowed) */
    int64_t now;         /* Unix seconds of this write */
    int64_t user_id;     /* who writes */
    /* set by the engine for entities with a stage field, before derive */
    const char *stage_dict; /* arena or static */
    char stage_semantic;    /* 'P', 'S' or 'F' */
    bool stage_first;       /* the stage is the dictionary's first */
    bool stage_changed;     /* add, or update with a different stage */
};

/* Sets the record's number to its id after an add: sql is a cached statement "UPDATE <table>
 * SET <number> = ? WHERE id = ? AND (<number> IS NULL OR <number> = '')" (a number the
 * client gave stays). Returns 0 or rest_fail_db's value. */
int crm_write_number(struct crm_write *w, const char *sql);

/* ---- registry ----------------------------------------------------------------------------- */

extern const struct crm_entity_def crm_lead_def, crm_deal_def, crm_contact_def, crm_company_def,
    crm_quote_def, crm_invoice_def;

/* Every entity, NULL-terminated (static). */
extern const struct crm_entity_def *const crm_entities[];

/* The entity of a type id, or NULL. Borrowed (static). */
const struct crm_entity_def *crm_entity_by_type(int type_id);
/* The field of def named name: its UPPER name (any case) or its camelCase name. NULL when
 * unknown. Borrowed. */
const struct crm_field *crm_field_find(const struct crm_entity_def *def, const char *name);

/* Start-up: checks def's table (entry 0 is ID, names unique) and builds its statements.
 * Returns 0 or -E_INTERNAL (logged). crm_entity_fini frees what init built. */
int crm_entity_init(const struct crm_entity_def *def);
void crm_entity_fini(const struct crm_entity_def *def);

/* ---- values (crm_value.c; pure, no database) ---------------------------------------------- */

enum crm_format {
    CRM_FMT_LEGACY, /* crm.<x>.*: UPPER names, numbers as strings ("42", "15000.00"), dates as
                       ISO datetimes */
    CRM_FMT_TYPED,  /* crm.item.*: camelCase names, JSON numbers, dates "YYYY-MM-DD" */
};

/* Converts a client value to f's stored form: *out is a new reference (JSON null for an empty
 * value: null, "" or an empty list). Accepts what the protocol allows: numbers as strings,
 * Y/N/true/false/1/0 flags, ISO 8601 or DD.MM.YYYY dates. MULTIFIELD and LINKS fields are not
 * scalars and give -E_INVAL. Returns 0 or -E_INVAL with a lower-case reason in err. */
int crm_value_parse(const struct crm_field *f, const json_t *in, json_t **out, char *err,
                    size_t errlen);

/* One stored value as a column or a JSON value holds it, for formatting without building a
 * JSON value first. s is borrowed (valid while the column or JSON value is). */
enum crm_cell_kind { CRM_CELL_INT, CRM_CELL_REAL, CRM_CELL_TEXT };
struct crm_cell {
    bool null;
    enum crm_cell_kind kind;
    int64_t i;
    double d;
    const char *s;
};

/* A cell as the JSON value of its stored form: null, an integer, a real or a string; NULL
 * for text that is not UTF-8 (a row loader then leaves the field out). New reference. */
json_t *crm_cell_json(const struct crm_cell *v);

/* Formats a stored value for output. NULL or JSON null stored gives null (dates and datetimes
 * give "" in legacy format, as Bitrix does). Returns a new reference, never NULL. The _cell
 * form does the same for a value read straight from a column. */
json_t *crm_value_format(const struct crm_field *f, const json_t *stored, enum crm_format fmt);
json_t *crm_value_format_cell(const struct crm_field *f, const struct crm_cell *v,
                              enum crm_format fmt);

/* The output form of a stored value before it becomes JSON, for writers that put it straight
 * into text: null, an integer, a real or text (s borrowed from the cell, or pointing into buf,
 * so an out is not copied). crm_value_format_cell is this made a JSON value. */
enum crm_out_kind { CRM_OUT_NULL, CRM_OUT_INT, CRM_OUT_REAL, CRM_OUT_TEXT };
struct crm_out {
    enum crm_out_kind kind;
    int64_t i;
    double d;
    const char *s;
    char buf[64];
};
void crm_value_out(const struct crm_field *f, const struct crm_cell *v, enum crm_format fmt,
                   struct crm_out *o);

/* Appends o to b as JSON, exactly as the JSON value crm_value_format_cell makes would dump
 * (text that is not UTF-8 as null). Returns 0 or -E_TOOBIG. */
int crm_value_write(struct strbuf *b, const struct crm_out *o);

/* The protocol's type name of f for *.fields ("crm_status", "user", "crm_company"...). Static. */
const char *crm_type_name(const struct crm_field *f);

/* The filter compiler's type for f's stored form. */
enum field_type crm_filter_type(enum crm_type t);

/* camelCase of an UPPER_CASE name as crm.item.* spells it ("ASSIGNED_BY_ID" -> "assignedById",
 * "UF_CRM_10_DIGIT" -> "ufCrm10Digit", "UF_CRM_1747309879" -> "ufCrm_1747309879"). Writes
 * into buf; returns buf, or NULL when buf is not longer than upper. */
char *crm_camel_name(const char *upper, char *buf, size_t len);

/* The name f has in output format fmt: f->name for legacy, f->alias or the camelCase form for
 * typed. Returns f->name, f->alias or buf. */
const char *crm_field_out_name(const struct crm_field *f, enum crm_format fmt, char *buf,
                               size_t len);

/* Normalises a multi-field value for matching: PHONE keeps digits only, others are trimmed
 * and lower-cased. Writes into buf (NUL-terminated, cut to len-1). Returns buf. */
char *crm_fm_normalize(const char *type_id, const char *value, char *buf, size_t len);

/* Reads a stored JSON value: integer (reals truncated), or def when null/absent/other. */
int64_t crm_row_int(const json_t *row, const char *field, int64_t def);
/* String value, or NULL when null/absent. Borrowed from row. */
const char *crm_row_str(const json_t *row, const char *field);

/* ---- records (crm_entity.c) --------------------------------------------------------------- */

enum crm_opts {
    CRM_NO_PERM = 1 << 0,  /* skip permission checks (system writes, conversions) */
    CRM_NO_EVENT = 1 << 1, /* do not emit ONCRM* events */
};

/* Reads record id of def as the legacy get answers it (every field, multi-fields that have
 * values, user fields), in format fmt. *out is a new reference. Fails the call with 400
 * NOT_FOUND when it is absent and 403 ACCESS_DENIED when the caller may not read it (unless
 * CRM_NO_PERM). Returns 0 or rest_fail's value. */
int crm_entity_read(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                    enum crm_format fmt, unsigned opts, json_t **out);

/* Adds (id == 0) or updates record id from a fields object (UPPER or camelCase names; unknown
 * names and read-only fields are ignored). Everything happens in the caller's transaction: a
 * failure fails the call (400 with a code, 403 ACCESS_DENIED) and the dispatcher's rollback
 * undoes any partial write. *id_out (may be NULL) receives the id. Returns 0 or rest_fail's
 * value. */
int crm_entity_write(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                     const json_t *fields, unsigned opts, int64_t *id_out);

/* Deletes record id with its multi-fields, user-field values, bindings and history, and
 * clears links to it from other records. Returns 0 or rest_fail's value. */
int crm_entity_remove(struct rest_call *c, const struct crm_entity_def *def, int64_t id,
                      unsigned opts);

/* A list request in the protocol's terms. */
struct crm_query {
    const json_t *filter, *order, *select; /* borrowed client parameters, may be NULL */
    enum crm_format fmt; /* names in filter/order/select and in the rows follow the format */
};

/* Runs a list request (crm_list.c): filter/order/select through the entity's whitelist (user
 * fields and multi-fields included), narrowed to what the caller may read, one page of
 * REST_PAGE_SIZE from the call's `start`; sets the call's list result. Unknown fields in filter,
 * order or select fail with 400 INVALID_ARG_VALUE. Returns 0 or rest_fail's value. */
int crm_entity_query(struct rest_call *c, const struct crm_entity_def *def,
                     const struct crm_query *q);

/* The *.fields description map of def (user fields included) in format fmt. New reference in
 * *out. Returns 0 or rest_fail's value. */
int crm_entity_describe(struct rest_call *c, const struct crm_entity_def *def, enum crm_format fmt,
                        json_t **out);

/* Reads a positive id parameter of a legacy method: 400 INVALID_ARG_VALUE "ID is not defined
 * or invalid" when absent or not a positive integer. Returns 0 or rest_fail's value. */
int crm_param_id(struct rest_call *c, const char *name, int64_t *out);

/* Fails the call with 400 NOT_FOUND "Not found". Returns rest_fail's value. */
int crm_fail_not_found(struct rest_call *c);
/* Checks that the caller may do action on a record owned by owner (CRM_NO_PERM aside):
 * administrators always may, others per their role's level for def's permission entity.
 * Fails the call with 403 ACCESS_DENIED otherwise. Returns 0 or rest_fail's value. */
int crm_check_owner(struct rest_call *c, const struct crm_entity_def *def, enum perm_action action,
                    int64_t owner);

/* ---- generic REST handlers (method data: the entity def) ------------------------------------
 * Rows look like {"crm.lead.add", "crm", crm_entity_add, "crm_lead", PERM_ADD, REST_WRITE,
 * &crm_lead_def}. */
int crm_entity_add(struct rest_call *c);
int crm_entity_get(struct rest_call *c);
int crm_entity_list(struct rest_call *c);
int crm_entity_update(struct rest_call *c);
int crm_entity_delete(struct rest_call *c);
int crm_entity_fields(struct rest_call *c);

#endif
