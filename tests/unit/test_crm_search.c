/* Tests of the CRM search query builder against the real index (crm_search_sql_ensure's FTS5
 * table): no query text, however hostile, makes an invalid match expression, and a word next
 * to a phone-like word still finds the phone. Does not go through crm.search (the API suite
 * crm_search.sh does). */
#ifdef KAZI_WITH_CRM
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/base/error.h"
#include "core/base/log.h"
#include "core/base/strbuf.h"
#include "core/db/db.h"
#include "modules/crm/crm_search.h"
#include "t.h"

#define FUZZ_QUERIES 20000
#define QUERY_MAX 200 /* crm.search refuses longer text before building */

static const char SQL_MATCH[] = "SELECT COUNT(*) FROM crm_search WHERE crm_search MATCH ?";

/* Runs the match expression q built from text; *hits receives the matching documents.
 * Returns 0, or the database's error with the expression in err. */
static int run_match(struct db *db, const char *text, int64_t *hits, char *err, size_t len)
{
    struct strbuf sb;
    struct db_stmt *st;
    int rc = 0;
    *hits = 0;
    strbuf_init(&sb, 0);
    if (crm_search_match(text, &sb) && !(rc = db_prepare(db, SQL_MATCH, &st))) {
        db_bind_text(st, 1, sb.buf, -1);
        rc = db_step(st);
        if (rc == DB_ROW)
            *hits = db_col_int(st, 0);
        else
            snprintf(err, len, "%s -> %s", sb.buf, db_errmsg(db));
        db_reset(st);
        rc = rc == DB_ROW ? 0 : rc < 0 ? rc : -1;
    }
    strbuf_release(&sb);
    return rc;
}

static struct db *open_index(const char *name)
{
    char path[300];
    bool created = false;
    snprintf(path, sizeof(path), "%s/%s.db", t_tmpdir(), name);
    unlink(path);
    struct db_options o = {.path = path};
    log_set_level(LOG_WARN);
    struct db *db = db_global_open(&o) ? NULL : db_conn();
    if (db && crm_search_sql_ensure(db, &created))
        db = NULL;
    return db;
}

static void close_index(void)
{
    log_set_level(LOG_INFO);
    db_global_close();
}

TEST(crm_search_phone_next_to_a_word)
{
    struct db *db = open_index("search_phone");
    const struct crm_search_doc doc = {.title = "Bob Smith",
                                       .names = "Bob Smith",
                                       .comm = "555-0002 5550002 bob@example.com",
                                       .subtitle = ""};
    char err[512] = "";
    int64_t hits = -1;
    CHECK(db);
    CHECK_INT(crm_search_sql_put(db, 3, 1, &doc), 0);
    CHECK_INT(run_match(db, "Bob 555-0002", &hits, err, sizeof(err)), 0);
    CHECK_INT(hits, 1);
    CHECK_INT(run_match(db, "555-0002 Bob", &hits, err, sizeof(err)), 0);
    CHECK_INT(hits, 1);
    CHECK_INT(run_match(db, "bob 5550", &hits, err, sizeof(err)), 0); /* type-ahead */
    CHECK_INT(hits, 1);
    CHECK_INT(run_match(db, "Alice 555-0002", &hits, err, sizeof(err)), 0);
    CHECK_INT(hits, 0);
    close_index();
}

/* Pieces of hostile query text: FTS5 operators and syntax, quotes, unicode, blanks. */
/* clang-format off */
static const char *const pieces[] = {
    "\"", "\"\"", "'", "-", "*", ":", "^", "(", ")", "+", "{", "}", ",", ".", "/", "\\",
    "NEAR", "NEAR(", "AND", "OR", "NOT", "and", "or", "title:", "names:", "comm:", "-title:",
    "^Bob", "Bob*", "555-0002", "+49 (30) 1234", "0x7f", "1e9", "é", "ß", "Ölçü", "—", "中文",
    "\xf0\x9f\x98\x80", "\xcc\x81", "a", "Bob", "x\"y", "\t", " ", "  ", "%", "_", "#", "@",
    "NEAR/2", "\"\"\"", "*)", "(\"", "-\"", "::", "^^",
};
/* clang-format on */

TEST(crm_search_no_query_breaks_the_index)
{
    struct db *db = open_index("search_fuzz");
    const struct crm_search_doc doc = {.title = "Bob \"NEAR\" (OR) -x",
                                       .names = "é 中文",
                                       .comm = "555-0002 5550002",
                                       .subtitle = ""};
    const size_t n_pieces = ARRAY_SIZE(pieces);
    uint64_t seed = 0x9e3779b97f4a7c15u;
    char err[512] = "", q[QUERY_MAX + 1];
    int64_t hits;
    CHECK(db);
    CHECK_INT(crm_search_sql_put(db, 3, 1, &doc), 0);
    for (int i = 0; i < FUZZ_QUERIES; i++) {
        size_t len = 0;
        seed ^= seed << 13; /* xorshift64: the same queries on every run */
        seed ^= seed >> 7;
        seed ^= seed << 17;
        int n = 1 + (int)(seed % 12);
        q[0] = '\0';
        for (int k = 0; k < n; k++) {
            uint64_t r = seed >> (k * 5 % 48);
            const char *p = pieces[r % n_pieces];
            const char *sep = (r >> 8) % 3 ? " " : "";
            if (len + strlen(p) + strlen(sep) > QUERY_MAX)
                break;
            len += (size_t)snprintf(q + len, sizeof(q) - len, "%s%s", sep, p);
        }
        if (run_match(db, q, &hits, err, sizeof(err))) {
            t_fail(__FILE__, __LINE__, "query %d \"%s\": %s", i, q, err);
            break;
        }
    }
    close_index();
}
#endif
