/* Helpers shared by the identity REST methods (user.*, department.*, role.*) and the
 * permission engine: reading list parameters and formatting values the way Bitrix24 does.
 * Lists run through rest/list.h. No method's logic lives here. Internal to src/core/accounts/. */
#ifndef KAZI_IDENT_H
#define KAZI_IDENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/strbuf.h"
#include "core/rest/filter.h"
#include "core/rest/list.h"

struct db;
struct db_stmt;
struct rest_call;

/* The object a list method filters by: a copy of the FILTER (any case) object, plus every
 * top-level parameter whose name, less an operator prefix, is a filterable field (FILTER
 * wins). New reference; NULL with rest_fail 400 when FILTER is not an object. */
json_t *ident_list_filter(struct rest_call *c, const struct field_def *fields, size_t n);

/* Appends " ORDER BY ..." from `order` when it is an object ({FIELD: DIR}), else from `sort`
 * (a field name) and `order` (ASC or DESC), with tiebreak last. Returns 0 or rest_fail 400. */
int ident_list_order(struct rest_call *c, const struct field_def *fields, size_t n,
                     const char *tiebreak, struct strbuf *sql);

/* A field title table for *.fields methods: {name, title} pairs ending with {NULL, NULL}. */
struct ident_title {
    const char *name, *title;
};
/* {"NAME": "title", ...} as user.fields and department.fields answer. New reference. */
json_t *ident_titles(const struct ident_title *t);

#endif
