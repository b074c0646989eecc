/* kazi's own SQL functions for SQLite connections: kazi_fold(text), the lower-casing the "%"
 * filters use for letters outside ASCII (see textfold.h and filter.c). The SQLite backend adds
 * them to every connection; tests that drive SQLite directly add them the same way. */
#ifndef KAZI_SQLFUNC_H
#define KAZI_SQLFUNC_H

#include <sqlite3.h>

/* Registers the functions on h. Returns an SQLite result code. */
int sqlfunc_register(sqlite3 *h);

#endif
