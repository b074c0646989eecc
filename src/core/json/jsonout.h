/* Writing JSON text straight into a string buffer, for replies too hot to build as a jansson
 * tree first (a record read). The output is byte for byte what jansson's compact dump gives
 * for the same values; containers and anything unusual still go through jansson. Parsing
 * is jansson's alone. */
#ifndef KAZI_JSONOUT_H
#define KAZI_JSONOUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"

/* Appends s[0..len) as a quoted JSON string, escaped as jansson escapes it. Returns 0,
 * -E_INVAL (and appends nothing) when s is not valid UTF-8 or holds a NUL byte, which jansson
 * would refuse as a string, or -E_TOOBIG when b's cap is reached. */
int jsonout_str(struct strbuf *b, const char *s, size_t len);

/* Replaces in place every byte of the NUL-terminated s that does not belong to a valid UTF-8
 * sequence with '?', so text that quotes client input (an error message naming a path, or cut
 * short in the middle of a character) always makes a JSON string. */
void jsonout_scrub(char *s);

/* A number as a JSON string value ("42"), as Bitrix24 writes ids and numbers in many replies.
 * New reference. */
json_t *jsonout_int_str(int64_t v);

/* Appends "key": with key quoted as jsonout_str does; the same returns. */
int jsonout_key(struct strbuf *b, const char *key);

/* Appends "name": for a name known to need no escaping (ASCII letters, digits, '_', '.', '-'
 * only), such as a field name from a definition table; faster than jsonout_key. Returns 0 or
 * -E_TOOBIG. */
int jsonout_name(struct strbuf *b, const char *name);

/* Appends v in compact form (JSON_COMPACT | JSON_ENCODE_ANY), dumping into reserved room in one
 * pass when the room is enough. Returns 0, -E_INVAL when v cannot be dumped or -E_TOOBIG. */
int jsonout_value(struct strbuf *b, const json_t *v);

#endif
