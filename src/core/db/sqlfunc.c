/* SQL functions kazi adds to SQLite (see sqlfunc.h). Deterministic and without side effects,
 * so SQLite may use them in indexes and views; nothing here touches the database. */
#include <stdlib.h>

#include "core/base/strbuf.h"
#include "core/base/textfold.h"
#include "core/db/sqlfunc.h"

/* kazi_fold(text): ASCII text is returned as it is (LIKE folds those letters itself), other
 * text lower-cased by text_fold; NULL stays NULL. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t len = (size_t)sqlite3_value_bytes(argv[0]);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    if (text_is_ascii(s, len)) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    struct strbuf sb;
    strbuf_init(&sb, len + 8);
    if (text_fold(s, len, &sb)) {
        strbuf_release(&sb);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t n;
    char *p = strbuf_detach(&sb, &n);
    sqlite3_result_text(ctx, p, (int)n, free);
}

int sqlfunc_register(sqlite3 *h)
{
    return sqlite3_create_function_v2(h, "kazi_fold", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                      sql_fold, NULL, NULL, NULL);
}
