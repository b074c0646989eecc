/* Shared helpers of the identity methods (contracts in ident.h): list parameters and value
 * formatting; the paged list runner is core's (rest/list.h). It holds no state and knows no
 * entity. */
#include "core/accounts/ident.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/db/db_json.h"
#include "core/json/params.h"
#include "core/rest/rest.h"

/* Top-level parameters of list methods that are never filters. */
static const char *const list_reserved[] = {
    "filter", "order", "sort", "select", "start", "auth", "admin_mode", "find", "name_search", NULL,
};

static bool is_empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !json_string_length(v));
}

static bool reserved(const char *key)
{
    for (int i = 0; list_reserved[i]; i++)
        if (!strcasecmp(key, list_reserved[i]))
            return true;
    return false;
}

json_t *ident_list_filter(struct rest_call *c, const struct field_def *fields, size_t n)
{
    json_t *f = json_object(), *fp = rest_param(c, "filter"), *v;
    const char *key;
    if (json_is_object(fp)) {
        json_object_update(f, fp);
    } else if (json_is_array(fp)) {
        if (json_array_size(fp))
            json_object_set(f, "0", fp); /* a list of groups */
    } else if (!is_empty(fp)) {
        json_decref(f);
        rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'FILTER' must be an object");
        return NULL;
    }
    json_object_foreach(c->params, key, v)
    {
        const char *name = key + strspn(key, "!=<>%@?");
        const struct field_def *fd;
        if (reserved(key) || name - key > 3 || json_object_get(f, key))
            continue;
        if ((fd = filter_field_find(fields, n, name)) && (fd->flags & FIELD_FILTER))
            json_object_set(f, key, v);
    }
    return f;
}

int ident_list_order(struct rest_call *c, const struct field_def *fields, size_t n,
                     const char *tiebreak, struct strbuf *sql)
{
    json_t *order = rest_param(c, "order"), *sort = rest_param(c, "sort"), *tmp = NULL;
    char err[256] = "", buf[PARAMS_STR_BUFSIZE];
    int rc;
    if (!json_is_object(order) && !json_is_array(order) && (!is_empty(sort) || !is_empty(order))) {
        const char *field = is_empty(sort) ? fields[0].name : params_to_str(sort, buf, sizeof(buf));
        const char *dir = is_empty(order) ? "ASC" : json_string_value(order);
        if (!field || !dir)
            return rest_fail(c, 400, "INVALID_ARG_VALUE",
                             "parameters 'sort' and 'order' must be a field name and ASC or DESC");
        tmp = json_object();
        json_object_set_new(tmp, field, json_string(dir));
        order = tmp;
    }
    rc = order_compile(fields, n, order, tiebreak, sql, err, sizeof(err));
    json_decref(tmp);
    if (rc)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "%s", err);
    return 0;
}

json_t *ident_titles(const struct ident_title *t)
{
    json_t *o = json_object();
    for (; t->name; t++)
        json_object_set_new(o, t->name, json_string(t->title));
    return o;
}
