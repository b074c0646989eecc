/* Case folding of UTF-8 text for case-insensitive matching in every script (SQLite's own LIKE
 * folds ASCII letters only): each character is mapped with the C library's towlower in the
 * C.UTF-8 locale. Not a full Unicode case folding (no one-to-many mappings such as "ß" -> "ss")
 * and no accent removal: "É" matches "é", not "e". */
#ifndef KAZI_TEXTFOLD_H
#define KAZI_TEXTFOLD_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/* True when s[0..len) has only 7-bit characters (SQLite's LIKE already folds those). */
bool text_is_ascii(const char *s, size_t len);

/* Appends the lower-case form of the UTF-8 text s[0..len) to out; bytes that are not valid
 * UTF-8 are copied unchanged. Returns 0 or -E_NOMEM. */
int text_fold(const char *s, size_t len, struct strbuf *out);

#endif
