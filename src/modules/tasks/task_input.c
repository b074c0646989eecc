/* Reading and checking the `fields` of tasks.task.add and .update (contracts in
 * tasks_internal.h): UPPER_CASE keys, unknown ones ignored as Bitrix24 does, every value
 * validated (users exist, the workgroup is the caller's, the parent is visible and no cycle
 * forms, dates parse, CRM links are "D_12"-style records the caller can read) before anything
 * is written. Writing is
 * task_sql.c's job and deciding who may change what is task.c's. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/tasks/tasks_internal.h"

#define TITLE_MAX 255
#define TEXT_MAX (1024 * 1024)
#define TAGS_MAX 50
#define TAG_LEN_MAX 255
#define CRM_MAX 50
#define CRM_LEN_MAX 40

static const char SQL_GROUP_EXISTS[] = "SELECT 1 FROM tasks_group WHERE id = ?";
/* 1 when ? (the new parent) is task ? or lies below it. */
static const char SQL_CYCLE[] =
    "WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT t.parent_id FROM tasks_task t"
    " JOIN up ON t.id = up.id WHERE t.parent_id <> 0) SELECT 1 FROM up WHERE id = ? LIMIT 1";

/* Keys tasks.task.add/update understand; anything else in `fields` is ignored. */
static const char *const known_keys[] = {
    "TITLE",
    "DESCRIPTION",
    "PRIORITY",
    "STATUS",
    "MARK",
    "GROUP_ID",
    "PARENT_ID",
    "CREATED_BY",
    "RESPONSIBLE_ID",
    "ACCOMPLICES",
    "AUDITORS",
    "DEADLINE",
    "START_DATE_PLAN",
    "END_DATE_PLAN",
    "DATE_START",
    "TASK_CONTROL",
    "ALLOW_CHANGE_DEADLINE",
    "ALLOW_TIME_TRACKING",
    "ADD_IN_REPORT",
    "TIME_ESTIMATE",
    "TAGS",
    "UF_CRM_TASK",
    "XML_ID",
    NULL,
};

void task_change_release(struct task_change *ch)
{
    json_decref(ch->tags);
    json_decref(ch->crm);
}

static const char *str_of(struct rest_call *c, const json_t *v)
{
    char buf[PARAMS_STR_BUFSIZE];
    const char *s = params_to_str(v, buf, sizeof(buf));
    return s ? arena_strdup(c->arena, s) : NULL;
}

static int bad(struct rest_call *c, const char *key, const char *what)
{
    return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' %s", key, what);
}

static int int_field(struct rest_call *c, const json_t *v, const char *key, int64_t lo, int64_t hi,
                     int64_t *out)
{
    int64_t x;
    if (params_to_int64(v, &x) || x < lo || x > hi)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field '%s' must be an integer from %lld to %lld", key, (long long)lo,
                         (long long)hi);
    *out = x;
    return 0;
}

static int user_field(struct rest_call *c, const json_t *v, const char *key, int64_t *out)
{
    bool active = false;
    int rc;
    if (rest_param_id(c, v, key, true, out))
        return -1;
    if ((rc = tasks_user_active(c->db, *out, &active)))
        return rest_fail_db(c, rc);
    if (!active)
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s': user %lld does not exist", key,
                         (long long)*out);
    return 0;
}

static int users_field(struct rest_call *c, const json_t *v, const char *key, int64_t *ids,
                       size_t *n)
{
    if (tasks_id_list(c, v, key, ids, TASKS_MAX_IDS, n))
        return -1;
    for (size_t i = 0; i < *n; i++) {
        bool active = false;
        int rc = tasks_user_active(c->db, ids[i], &active);
        if (rc)
            return rest_fail_db(c, rc);
        if (!active)
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s': user %lld does not exist",
                             key, (long long)ids[i]);
    }
    return 0;
}

static int time_field(struct rest_call *c, const json_t *v, const char *key, int64_t *out)
{
    if (tasks_time_value(v, out))
        return bad(c, key, "must be a date-time (ISO 8601) or empty");
    return 0;
}

static int yn_field(struct rest_call *c, const json_t *v, const char *key, char *out)
{
    if (tasks_yn_value(v, out))
        return bad(c, key, "must be Y or N");
    return 0;
}

/* A CRM binding as Bitrix24 writes it: letters, optional hex digits, '_', digits
 * ("D_12", "CO_3", "T80_6"). */
static bool crm_ref_ok(const char *s, size_t len)
{
    size_t i = 0;
    if (!len || len > CRM_LEN_MAX || !isupper((unsigned char)s[0]))
        return false;
    while (i < len && (isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
        i++;
    if (i >= len - 1 || s[i] != '_')
        return false;
    for (i++; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Tags or CRM links: a list of strings, or one comma-separated string. New reference in
 * *out (deduplicated, trimmed), or rest_fail 400. */
static int strings_field(struct rest_call *c, const json_t *v, const char *key, bool crm,
                         json_t **out)
{
    json_t *arr = json_array(), *src = NULL, *m;
    size_t i, max = crm ? CRM_MAX : TAGS_MAX;
    char buf[PARAMS_STR_BUFSIZE];
    if (json_is_string(v) && !crm) {
        const char *p = json_string_value(v);
        src = json_array();
        while (*p) {
            size_t len = strcspn(p, ",");
            json_array_append_new(src, json_stringn(p, len));
            p += len + (p[len] ? 1 : 0);
        }
    } else if (json_is_array(v)) {
        src = json_incref((json_t *)v);
    } else if (json_is_object(v)) {
        const char *k;
        src = json_array();
        json_object_foreach((json_t *)v, k, m) json_array_append(src, m);
    } else if (json_is_null(v) || json_is_string(v)) {
        src = json_array();
        if (json_is_string(v) && json_string_length(v))
            json_array_append((src), (json_t *)v);
    } else {
        json_decref(arr);
        return bad(c, key, "must be a list of strings");
    }
    json_array_foreach(src, i, m)
    {
        const char *s = params_to_str(m, buf, sizeof(buf));
        size_t len, j;
        bool dup = false;
        if (!s)
            goto fail;
        s += strspn(s, " \t");
        len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (!len)
            continue;
        if (crm ? !crm_ref_ok(s, len) : len > TAG_LEN_MAX)
            goto fail;
        for (j = 0; j < json_array_size(arr) && !dup; j++)
            dup = json_string_length(json_array_get(arr, j)) == len &&
                  !memcmp(json_string_value(json_array_get(arr, j)), s, len);
        if (!dup && json_array_size(arr) >= max) {
            json_decref(src);
            json_decref(arr);
            return rest_fail(c, 400, "INVALID_ARG_VALUE", "field '%s' holds more than %zu values",
                             key, max);
        }
        if (!dup)
            json_array_append_new(arr, json_stringn(s, len));
    }
    json_decref(src);
    *out = arr;
    return 0;
fail:
    json_decref(src);
    json_decref(arr);
    return bad(c, key,
               crm ? "must list CRM bindings such as \"D_12\" or \"C_3\""
                   : "must list tags of at most 255 bytes");
}

static int group_field(struct rest_call *c, const json_t *v, int64_t *out)
{
    int64_t one;
    char role = 0;
    int rc;
    if (int_field(c, v, "GROUP_ID", 0, INT64_MAX, out))
        return -1;
    if (!*out)
        return 0;
    rc = tasks_query_int(c->db, SQL_GROUP_EXISTS, 1, out, &one);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'GROUP_ID': workgroup %lld does "
                         "not exist",
                         (long long)*out);
    if (rc || (rc = task_access_group_role(c->db, c->auth->user_id, *out, &role)))
        return rest_fail_db(c, rc);
    if (!role && !c->auth->is_admin)
        return rest_fail(c, 403, "ACCESS_DENIED", "you are not a member of workgroup %lld",
                         (long long)*out);
    return 0;
}

static int parent_field(struct rest_call *c, const json_t *v, int64_t task_id, int64_t *out)
{
    int64_t args[2], one;
    bool visible = false;
    struct task_row p;
    int rc;
    if (int_field(c, v, "PARENT_ID", 0, INT64_MAX, out))
        return -1;
    if (!*out)
        return 0;
    rc = task_row_load(c->db, c->arena, *out, &p);
    if (rc == -E_NOTFOUND)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field 'PARENT_ID': task %lld does not "
                         "exist",
                         (long long)*out);
    if (rc || (rc = task_access_visible(c, *out, &visible)))
        return rest_fail_db(c, rc);
    if (!visible)
        return rest_fail(c, 403, "ACCESS_DENIED",
                         "field 'PARENT_ID': task %lld is not visible "
                         "to you",
                         (long long)*out);
    if (!task_id)
        return 0;
    args[0] = *out;
    args[1] = task_id;
    rc = tasks_query_int(c->db, SQL_CYCLE, 2, args, &one);
    if (!rc)
        return bad(c, "PARENT_ID", "would make the task its own ancestor");
    return rc == -E_NOTFOUND ? 0 : rest_fail_db(c, rc);
}

static int text_field(struct rest_call *c, const json_t *v, const char *key, size_t max,
                      bool null_ok, const char **out)
{
    const char *s;
    if (json_is_null(v) && null_ok) {
        *out = NULL;
        return 0;
    }
    if (!(s = str_of(c, v)) || strlen(s) > max)
        return rest_fail(c, 400, "INVALID_ARG_VALUE",
                         "field '%s' must be a string of at most "
                         "%zu bytes",
                         key, max);
    *out = s;
    return 0;
}

/* The people and workgroup fields. */
static int apply_people(struct rest_call *c, json_t *f, struct task_row *r, struct task_change *ch)
{
    json_t *v;
    if ((v = params_get(f, "CREATED_BY"))) {
        /* the creator is who made the task: only administrators name someone else */
        int64_t creator = r->id ? r->created_by : c->auth->user_id;
        if (user_field(c, v, "CREATED_BY", &r->created_by))
            return -1;
        if (!c->auth->is_admin && r->created_by != creator)
            return rest_fail(c, 403, "ACCESS_DENIED",
                             r->id ? "only administrators may change the creator of a task"
                                   : "only administrators may create tasks for other users");
        ch->creator = true;
    }
    if ((v = params_get(f, "RESPONSIBLE_ID"))) {
        if (user_field(c, v, "RESPONSIBLE_ID", &r->responsible_id))
            return -1;
        ch->responsible = true;
    }
    if ((v = params_get(f, "ACCOMPLICES"))) {
        if (users_field(c, v, "ACCOMPLICES", ch->acc, &ch->n_acc))
            return -1;
        ch->accomplices = true;
    }
    if ((v = params_get(f, "AUDITORS"))) {
        if (users_field(c, v, "AUDITORS", ch->aud, &ch->n_aud))
            return -1;
        ch->auditors = true;
    }
    if ((v = params_get(f, "GROUP_ID"))) {
        int64_t g;
        if (group_field(c, v, &g))
            return -1;
        ch->group = g != r->group_id;
        r->group_id = g;
    }
    if ((v = params_get(f, "PARENT_ID")) && parent_field(c, v, r->id, &r->parent_id))
        return -1;
    return 0;
}

/* The plain fields of the task row. */
static int apply_plain(struct rest_call *c, json_t *f, struct task_row *r)
{
    static const struct {
        const char *key;
        size_t off;
    } times[] = {
        {"DEADLINE", offsetof(struct task_row, deadline)},
        {"START_DATE_PLAN", offsetof(struct task_row, start_date_plan)},
        {"END_DATE_PLAN", offsetof(struct task_row, end_date_plan)},
        {"DATE_START", offsetof(struct task_row, date_start)},
    };
    static const struct {
        const char *key;
        size_t off;
    } flags[] = {
        {"TASK_CONTROL", offsetof(struct task_row, task_control)},
        {"ALLOW_CHANGE_DEADLINE", offsetof(struct task_row, allow_change_deadline)},
        {"ALLOW_TIME_TRACKING", offsetof(struct task_row, allow_time_tracking)},
        {"ADD_IN_REPORT", offsetof(struct task_row, add_in_report)},
    };
    json_t *v;
    if ((v = params_get(f, "TITLE"))) {
        if (text_field(c, v, "TITLE", TITLE_MAX, false, &r->title))
            return -1;
        if (!*r->title)
            return rest_fail(c, 400, "BX_EMPTY_REQUIRED", "field 'TITLE' must not be empty");
    }
    if ((v = params_get(f, "DESCRIPTION")) &&
        text_field(c, v, "DESCRIPTION", TEXT_MAX, false, &r->description))
        return -1;
    if ((v = params_get(f, "XML_ID")) && text_field(c, v, "XML_ID", TITLE_MAX, true, &r->xml_id))
        return -1;
    if ((v = params_get(f, "PRIORITY")) && int_field(c, v, "PRIORITY", 0, 2, &r->priority))
        return -1;
    if ((v = params_get(f, "STATUS"))) {
        if (int_field(c, v, "STATUS", TASK_NEW, TASK_DEFERRED, &r->status))
            return -1;
        if (r->status == TASK_NEW)
            r->status = TASK_PENDING;
    }
    if ((v = params_get(f, "MARK"))) {
        if (text_field(c, v, "MARK", 1, true, &r->mark))
            return -1;
        if (r->mark && *r->mark && strcmp(r->mark, "N") && strcmp(r->mark, "P"))
            return bad(c, "MARK", "must be N, P or empty");
    }
    if ((v = params_get(f, "TIME_ESTIMATE")) &&
        int_field(c, v, "TIME_ESTIMATE", 0, INT32_MAX, &r->time_estimate))
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(times); i++)
        if ((v = params_get(f, times[i].key)) &&
            time_field(c, v, times[i].key, (int64_t *)((char *)r + times[i].off)))
            return -1;
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
        if ((v = params_get(f, flags[i].key)) &&
            yn_field(c, v, flags[i].key, (char *)r + flags[i].off))
            return -1;
    if (r->start_date_plan != TASKS_NO_TIME && r->end_date_plan != TASKS_NO_TIME &&
        r->end_date_plan < r->start_date_plan)
        return bad(c, "END_DATE_PLAN", "must not be before START_DATE_PLAN");
    return 0;
}

/* UF_CRM_TASK binds the task to CRM records, whose timelines then show it: each link the
 * task does not have yet must be to a record the caller can read. The CRM decides, through
 * core (rest_ref_check), and answers a missing record and a hidden one alike. */
static int crm_links_check(struct rest_call *c, const struct task_row *r, const json_t *links)
{
    json_t *had = r->id ? task_crm_get(c->db, r->id) : json_array(), *v, *h;
    size_t i, j;
    int rc = had ? 0 : rest_fail_db(c, -E_DB);
    json_array_foreach(links, i, v)
    {
        bool old = false;
        json_array_foreach(had, j, h) old = old || json_equal(h, v);
        if (!rc && !old)
            rc = rest_ref_check(c, "crm", "UF_CRM_TASK", json_string_value(v));
    }
    json_decref(had);
    return rc;
}

int task_input(struct rest_call *c, json_t *f, struct task_row *r, struct task_change *ch)
{
    json_t *v;
    memset(ch, 0, sizeof(*ch));
    ch->acc = arena_alloc(c->arena, TASKS_MAX_IDS * sizeof(int64_t));
    ch->aud = arena_alloc(c->arena, TASKS_MAX_IDS * sizeof(int64_t));
    ch->n_known = task_input_count(f);
    if (apply_plain(c, f, r) || apply_people(c, f, r, ch))
        return -1;
    if ((v = params_get(f, "TAGS")) && strings_field(c, v, "TAGS", false, &ch->tags))
        return -1;
    if ((v = params_get(f, "UF_CRM_TASK")) &&
        (strings_field(c, v, "UF_CRM_TASK", true, &ch->crm) || crm_links_check(c, r, ch->crm)))
        return -1;
    return 0;
}

int task_input_count(json_t *f)
{
    int n = 0;
    for (int i = 0; known_keys[i]; i++)
        n += params_get(f, known_keys[i]) != NULL;
    return n;
}
