/* CRM search: one full-text index over leads, deals, contacts, companies and quotes (titles,
 * names, company names, phones and e-mails raw and normalised) and the kazi method crm.search.
 * The index follows the records through the bus: ONCRM<X>ADD/UPDATE/DELETE subscribers run
 * inside the writer's transaction, so a record and its document commit or roll back together
 * (the engine's write path needs no hook). Start-up rebuilds the index when its size does not
 * match the tables. The storage (FTS5 today) is behind crm_search.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "core/events/bus.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_search.h"
#include "modules/crm/crm_timeline.h"

#define SEARCH_QUERY_MAX 200 /* bytes of the query text */
#define SEARCH_WORDS_MAX 8
#define SEARCH_LIMIT_MAX 50
#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_TEXT_CAP (64 * 1024)

/* The indexed entities, in the order of their subscriptions. */
static const struct crm_entity_def *const indexed[] = {
    &crm_lead_def, &crm_deal_def, &crm_contact_def, &crm_company_def, &crm_quote_def, NULL,
};
#define N_INDEXED (ARRAY_SIZE(indexed) - 1)

/* ---- documents ------------------------------------------------------------------------------ */

static void add_word(struct strbuf *sb, const char *s, const char *sep)
{
    if (!s || !*s)
        return;
    if (sb->len)
        strbuf_addstr(sb, sep);
    strbuf_addstr(sb, s);
}

/* "NAME SECOND_NAME LAST_NAME" of a row that has those fields. */
static void person(const json_t *row, struct strbuf *sb)
{
    add_word(sb, crm_row_str(row, "NAME"), " ");
    add_word(sb, crm_row_str(row, "SECOND_NAME"), " ");
    add_word(sb, crm_row_str(row, "LAST_NAME"), " ");
}

/* The line under the title: who or what the record is about, without other records. */
static void subtitle(const struct crm_entity_def *def, const json_t *row, const json_t *comm,
                     struct strbuf *sb)
{
    const char *first = json_string_value(json_array_get(json_array_get(comm, 0), 1));
    char amount[64];
    switch (def->type_id) {
    case CRM_TYPE_LEAD:
        if (crm_row_str(row, "TITLE"))
            person(row, sb);
        add_word(sb, crm_row_str(row, "COMPANY_TITLE"), ", ");
        break;
    case CRM_TYPE_CONTACT:
        add_word(sb, crm_row_str(row, "POST"), "");
        add_word(sb, first, ", ");
        break;
    case CRM_TYPE_COMPANY:
        add_word(sb, first, "");
        break;
    case CRM_TYPE_DEAL:
    case CRM_TYPE_QUOTE: {
        json_t *o = json_object_get(row, "OPPORTUNITY");
        if (json_number_value(o) > 0) {
            snprintf(amount, sizeof(amount), "%.2f %s", json_number_value(o),
                     crm_row_str(row, "CURRENCY_ID") ? crm_row_str(row, "CURRENCY_ID") : "");
            add_word(sb, amount, "");
        }
        break;
    }
    default:
        break;
    }
}

/* Builds and stores the document of record id (or drops it when the record is gone). */
static int index_record(struct db *db, const struct crm_entity_def *def, int64_t id)
{
    static const char *const name_fields[] = {"NAME",          "SECOND_NAME",  "LAST_NAME",
                                              "COMPANY_TITLE", "CLIENT_TITLE", "QUOTE_NUMBER"};
    struct strbuf title, names, comm, sub;
    json_t *row = NULL, *fm = NULL, *v;
    size_t i;
    int rc = crm_sql_row_load(db, def, id, &row);
    if (rc == -E_NOTFOUND)
        return crm_search_sql_drop(db, def->type_id, id);
    if (rc || (rc = crm_search_sql_comm(db, def->type_id, id, &fm)))
        goto out;
    strbuf_init(&title, SEARCH_TEXT_CAP);
    strbuf_init(&names, SEARCH_TEXT_CAP);
    strbuf_init(&comm, SEARCH_TEXT_CAP);
    strbuf_init(&sub, SEARCH_TEXT_CAP);
    add_word(&title, crm_row_str(row, "TITLE"), "");
    if (!title.len)
        person(row, &title);
    for (i = 0; i < ARRAY_SIZE(name_fields); i++)
        add_word(&names, crm_row_str(row, name_fields[i]), " ");
    json_array_foreach(fm, i, v)
    {
        add_word(&comm, json_string_value(json_array_get(v, 1)), " ");
        add_word(&comm, json_string_value(json_array_get(v, 2)), " ");
    }
    subtitle(def, row, fm, &sub);
    struct crm_search_doc doc = {title.buf, names.buf, comm.buf, sub.buf};
    rc = crm_search_sql_put(db, def->type_id, id, &doc);
    strbuf_release(&title);
    strbuf_release(&names);
    strbuf_release(&comm);
    strbuf_release(&sub);
out:
    json_decref(row);
    json_decref(fm);
    return rc;
}

static int on_record(const struct event *ev, void *ctx)
{
    const struct crm_entity_def *def = ctx;
    json_t *id = json_object_get(json_object_get(ev->data, "FIELDS"), "ID");
    if (!json_is_integer(id))
        return 0;
    int rc = index_record(ev->db, def, json_integer_value(id));
    if (rc)
        log_error("crm: search document of %s %lld cannot be written: %s", def->name,
                  (long long)json_integer_value(id), error_str(rc));
    return rc;
}

/* ---- start-up ----------------------------------------------------------------------------- */

static int rebuild(struct db *db)
{
    int rc = crm_search_sql_clear(db);
    for (size_t e = 0; e < N_INDEXED && !rc; e++) {
        json_t *ids = NULL, *v;
        size_t i;
        rc = crm_search_sql_ids(db, indexed[e], &ids);
        json_array_foreach(ids, i, v)
        {
            if (!rc)
                rc = index_record(db, indexed[e], json_integer_value(v));
        }
        json_decref(ids);
    }
    return rc;
}

static int check_index(void)
{
    struct db *db = db_conn();
    int64_t docs = 0, records = 0;
    bool created = false;
    int rc;
    if (!db)
        return error("crm: search index: no database");
    if ((rc = db_begin_write(db)))
        return rc;
    if (!(rc = crm_search_sql_ensure(db, &created)) &&
        !(rc = crm_search_sql_counts(db, indexed, &docs, &records)) && docs != records) {
        log_info("crm: rebuilding the search index (%lld documents, %lld records)", (long long)docs,
                 (long long)records);
        rc = rebuild(db);
    }
    if (rc) {
        db_rollback(db);
        return error("crm: search index cannot be prepared: %s", error_str(rc));
    }
    return db_commit(db);
}

static char event_names[N_INDEXED * 3][48];

int crm_search_init(void)
{
    static const char *const what[] = {"ADD", "UPDATE", "DELETE"};
    int rc = check_index();
    for (size_t e = 0; e < N_INDEXED && !rc; e++) {
        for (size_t w = 0; w < 3 && !rc; w++) {
            char *name = event_names[e * 3 + w];
            snprintf(name, sizeof(event_names[0]), "%s%s", indexed[e]->event_prefix, what[w]);
            rc = events_subscribe(name, on_record, (void *)indexed[e]);
        }
    }
    /* crm.item.update moving a deal to another pipeline emits only this one */
    if (!rc)
        rc = events_subscribe("ONCRMDEALMOVETOCATEGORY", on_record, (void *)&crm_deal_def);
    return rc;
}

/* ---- crm.search ---------------------------------------------------------------------------- */

static bool has_alnum(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

/* Appends w as one FTS5 string: in double quotes, a quote doubled. Inside a string every
 * character is text to the tokenizer, so no input becomes an operator (AND, NEAR, -, *, ^,
 * :, parentheses) or breaks the syntax. */
static void add_phrase(struct strbuf *sb, const char *w, size_t n, bool prefix)
{
    strbuf_addch(sb, '"');
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '"')
            strbuf_addch(sb, '"');
        strbuf_addch(sb, w[i]);
    }
    strbuf_addstr(sb, prefix ? "\"*" : "\"");
}

/* Appends one word as a quoted phrase (prefix for the last word), joined to the terms before
 * it by an explicit AND (FTS5 has no implicit AND before a parenthesis); a phone-like word
 * also matches its digits ("030-12" finds "03012..."). */
static void add_term(struct strbuf *sb, const char *w, size_t n, bool first, bool prefix)
{
    char digits[SEARCH_QUERY_MAX + 1];
    size_t nd = 0, letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)w[i]) && nd < SEARCH_QUERY_MAX)
            digits[nd++] = w[i];
        else if (isalpha((unsigned char)w[i]) || (unsigned char)w[i] >= 0x80)
            letters++;
    }
    digits[nd] = '\0';
    bool alt = nd >= 3 && nd < n && !letters;
    if (!first)
        strbuf_addstr(sb, " AND ");
    if (alt)
        strbuf_addch(sb, '(');
    add_phrase(sb, w, n, prefix);
    if (alt) {
        strbuf_addstr(sb, " OR ");
        add_phrase(sb, digits, nd, prefix);
        strbuf_addch(sb, ')');
    }
}

bool crm_search_match(const char *q, struct strbuf *sb)
{
    const char *words[SEARCH_WORDS_MAX];
    size_t lens[SEARCH_WORDS_MAX], n = 0;
    for (const char *p = q; *p && n < SEARCH_WORDS_MAX;) {
        p += strspn(p, " \t\r\n");
        size_t len = strcspn(p, " \t\r\n");
        if (len && has_alnum(p, len)) {
            words[n] = p;
            lens[n++] = len;
        }
        p += len;
    }
    for (size_t i = 0; i < n; i++)
        add_term(sb, words[i], lens[i], i == 0, i + 1 == n);
    return n > 0;
}

/* entityTypes: ids or names; absent means every indexed entity. */
static int pick_types(struct rest_call *c, bool *want)
{
    char buf[PARAMS_STR_BUFSIZE];
    json_t *v = rest_param(c, "entityTypes"), *it;
    size_t i;
    if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v))) {
        for (i = 0; i < N_INDEXED; i++)
            want[i] = true;
        return 0;
    }
    json_t *list = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
    int rc = 0;
    json_array_foreach(list, i, it)
    {
        const struct crm_entity_def *def = crm_entity_by_name(params_to_str(it, buf, sizeof(buf)));
        size_t e = 0;
        while (def && e < N_INDEXED && indexed[e] != def)
            e++;
        if (!def || e == N_INDEXED) {
            rc = rest_fail(c, 400, "INVALID_ARG_VALUE",
                           "parameter 'entityTypes' names an entity that is not searched");
            break;
        }
        want[e] = true;
    }
    json_decref(list);
    return rc;
}

static int search(struct rest_call *c)
{
    bool want[N_INDEXED] = {false};
    int levels[N_INDEXED] = {0};
    struct strbuf match;
    int64_t limit = SEARCH_LIMIT_DEFAULT;
    json_t *lv = rest_param(c, "limit");
    const char *q = rest_param_str(c, "query");
    int rc;
    if (!q || !*q)
        return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "parameter 'query' is required");
    if (strlen(q) > SEARCH_QUERY_MAX)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'query' is longer than %d bytes",
                         SEARCH_QUERY_MAX);
    if (lv && !json_is_null(lv) &&
        (params_to_int64(lv, &limit) || limit < 1 || limit > SEARCH_LIMIT_MAX))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'limit' must be 1 to %d",
                         SEARCH_LIMIT_MAX);
    if ((rc = pick_types(c, want)))
        return rc;
    for (size_t e = 0; e < N_INDEXED; e++) {
        enum perm_level lvl = PERM_LEVEL_ALL;
        if (want[e] && c->auth && !c->auth->is_admin &&
            (rc = perm_level(c->db, c->auth, indexed[e]->perm_entity, PERM_READ, &lvl)))
            return rest_fail_db(c, rc);
        levels[e] = want[e] ? (int)lvl : PERM_LEVEL_NONE;
    }
    strbuf_init(&match, 0);
    if (!crm_search_match(q, &match)) {
        strbuf_release(&match);
        c->result = json_array();
        return 0;
    }
    rc = crm_search_sql_query(c->db, match.buf, c->auth, indexed, levels, (int)N_INDEXED,
                              (int)limit, &c->result);
    strbuf_release(&match);
    return rc ? rest_fail_db(c, rc) : 0;
}

/* Visibility is narrowed per entity by the handler (entity NULL). */
const struct rest_method crm_search_methods[] = {
    {"crm.search", "crm", search, NULL, PERM_READ, 0, NULL},
    {0},
};
