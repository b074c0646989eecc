/* Lead conversion, the kazi method crm.lead.convert (the protocol has none): in the call's
 * one transaction it creates a company, a contact and a deal from a lead (or reuses existing
 * ones), links them, moves the lead to its success status with CONTACT_ID and COMPANY_ID,
 * and writes 'conversion' timeline rows. Records are created through crm_entity_write, so
 * validation, permissions, history and events are those of crm.<x>.add. A plain STATUS_ID
 * change never converts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth/perm.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/json/params.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_productrow.h"
#include "modules/crm/crm_timeline.h"

static const char SQL_DEAL_LEAD[] = "UPDATE crm_deal SET lead_id = ? WHERE id = ?";
static const char SQL_CONTACT_LEAD[] = "UPDATE crm_contact SET lead_id = ? WHERE id = ?";
static const char SQL_COMPANY_LEAD[] = "UPDATE crm_company SET lead_id = ? WHERE id = ?";

/* What one conversion does. An id > 0 with create false is an existing record reused. */
struct conv {
    struct rest_call *c;
    int64_t lead_id, owner;
    json_t *lead;    /* the lead as crm.lead.get answers it (owned) */
    json_t *options; /* borrowed */
    bool create_contact, create_company, create_deal;
    int64_t contact_id, company_id, deal_id, category_id;
};

/* ---- options ------------------------------------------------------------------------------ */

static json_t *option(struct conv *v, const char *name)
{
    json_t *o = v->options ? params_get(v->options, name) : NULL;
    return o ? o : rest_param(v->c, name);
}

static int flag(struct conv *v, const char *name, bool def, bool *out)
{
    json_t *o = option(v, name);
    *out = def;
    if (!o || json_is_null(o) || (json_is_string(o) && !json_string_length(o)))
        return 0;
    return params_to_bool(o, out)
               ? rest_fail(v->c, 400, "INVALID_ARG_VALUE", "option '%s' must be Y or N", name)
               : 0;
}

/* An existing record to reuse: the option, else the lead's own link; a link, so it must be a
 * record the caller can see (crm_check_link). */
static int reuse(struct conv *v, const char *name, int type, int64_t *out)
{
    json_t *o = option(v, name);
    int64_t id = 0;
    if (o && !json_is_null(o) && !(json_is_string(o) && !json_string_length(o))) {
        if (params_to_int64(o, &id) || id < 0)
            return rest_fail(v->c, 400, "INVALID_ARG_VALUE", "option '%s' must be an id", name);
    } else {
        params_to_int64(json_object_get(v->lead, name), &id);
    }
    *out = id;
    if (id <= 0)
        return 0;
    return crm_check_link(v->c, crm_entity_by_type(type), id, PERM_READ, name);
}

static bool lead_has(const struct conv *v, const char *name)
{
    const char *s = json_string_value(json_object_get(v->lead, name));
    return s && *s;
}

static int read_options(struct conv *v)
{
    int rc;
    json_t *cat = option(v, "DEAL_CATEGORY_ID");
    if ((rc = reuse(v, "CONTACT_ID", CRM_TYPE_CONTACT, &v->contact_id)) ||
        (rc = reuse(v, "COMPANY_ID", CRM_TYPE_COMPANY, &v->company_id)) ||
        (rc = flag(v, "CREATE_CONTACT",
                   !v->contact_id && (lead_has(v, "NAME") || lead_has(v, "LAST_NAME")),
                   &v->create_contact)) ||
        (rc = flag(v, "CREATE_COMPANY", !v->company_id && lead_has(v, "COMPANY_TITLE"),
                   &v->create_company)) ||
        (rc = flag(v, "CREATE_DEAL", true, &v->create_deal)))
        return rc;
    /* a record named to be reused is not created again */
    v->create_contact = v->create_contact && !v->contact_id;
    v->create_company = v->create_company && !v->company_id;
    v->category_id = -1;
    if (cat && !json_is_null(cat) && !(json_is_string(cat) && !json_string_length(cat)) &&
        (params_to_int64(cat, &v->category_id) || v->category_id < 0))
        return rest_fail(v->c, 400, "INVALID_ARG_VALUE", "option 'DEAL_CATEGORY_ID' must be an id");
    if (!v->create_contact && !v->create_company && !v->create_deal)
        return rest_fail(v->c, 400, "INVALID_ARG_VALUE",
                         "conversion creates nothing: set CREATE_CONTACT, CREATE_COMPANY or "
                         "CREATE_DEAL");
    return 0;
}

/* ADD on each entity to be created, for the lead's responsible person, before anything is
 * written. */
static int check_add(struct conv *v)
{
    const struct crm_entity_def *defs[] = {&crm_company_def, &crm_contact_def, &crm_deal_def};
    bool on[] = {v->create_company, v->create_contact, v->create_deal};
    for (size_t i = 0; i < 3; i++) {
        int rc = on[i] ? crm_check_owner(v->c, defs[i], PERM_ADD, v->owner) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- creating ------------------------------------------------------------------------------- */

/* Copies the named lead fields that have a value into fields. */
static void copy(const struct conv *v, json_t *fields, const char *const *names)
{
    for (; *names; names++) {
        json_t *x = json_object_get(v->lead, *names);
        if (x && !json_is_null(x) && !(json_is_string(x) && !json_string_length(x)))
            json_object_set(fields, *names, x);
    }
}

static int set_lead_id(struct conv *v, const char *sql, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(v->c->db, sql, &st);
    if (rc)
        return rest_fail_db(v->c, rc);
    db_bind_int(st, 1, v->lead_id);
    db_bind_int(st, 2, id);
    rc = db_step(st);
    db_reset(st);
    return rc < 0 ? rest_fail_db(v->c, rc) : 0;
}

static int create(struct conv *v, const struct crm_entity_def *def, json_t *fields,
                  const char *lead_sql, int64_t *id)
{
    json_object_set_new(fields, "ASSIGNED_BY_ID", json_integer(v->owner));
    int rc = crm_entity_write(v->c, def, 0, fields, 0, id);
    json_decref(fields);
    return rc ? rc : set_lead_id(v, lead_sql, *id);
}

static int create_company(struct conv *v)
{
    static const char *const names[] = {"PHONE",
                                        "EMAIL",
                                        "WEB",
                                        "IM",
                                        "ADDRESS",
                                        "ADDRESS_2",
                                        "ADDRESS_CITY",
                                        "ADDRESS_POSTAL_CODE",
                                        "ADDRESS_REGION",
                                        "ADDRESS_PROVINCE",
                                        "ADDRESS_COUNTRY",
                                        "ADDRESS_COUNTRY_CODE",
                                        "UTM_SOURCE",
                                        "UTM_MEDIUM",
                                        "UTM_CAMPAIGN",
                                        "UTM_CONTENT",
                                        "UTM_TERM",
                                        NULL};
    json_t *f = json_object();
    copy(v, f, names);
    json_object_set(
        f, "TITLE",
        json_object_get(v->lead, lead_has(v, "COMPANY_TITLE") ? "COMPANY_TITLE" : "TITLE"));
    return create(v, &crm_company_def, f, SQL_COMPANY_LEAD, &v->company_id);
}

static int create_contact(struct conv *v)
{
    static const char *const names[] = {"HONORIFIC",
                                        "NAME",
                                        "SECOND_NAME",
                                        "LAST_NAME",
                                        "BIRTHDATE",
                                        "POST",
                                        "SOURCE_ID",
                                        "SOURCE_DESCRIPTION",
                                        "ADDRESS",
                                        "ADDRESS_2",
                                        "ADDRESS_CITY",
                                        "ADDRESS_POSTAL_CODE",
                                        "ADDRESS_REGION",
                                        "ADDRESS_PROVINCE",
                                        "ADDRESS_COUNTRY",
                                        "ADDRESS_COUNTRY_CODE",
                                        "PHONE",
                                        "EMAIL",
                                        "WEB",
                                        "IM",
                                        "UTM_SOURCE",
                                        "UTM_MEDIUM",
                                        "UTM_CAMPAIGN",
                                        "UTM_CONTENT",
                                        "UTM_TERM",
                                        NULL};
    json_t *f = json_object();
    copy(v, f, names);
    /* a company found or made here becomes the contact's */
    if (v->company_id)
        json_object_set_new(f, "COMPANY_ID", json_integer(v->company_id));
    return create(v, &crm_contact_def, f, SQL_CONTACT_LEAD, &v->contact_id);
}

/* The lead's product rows, copied to the deal (whose amount then follows them). */
static int copy_rows(struct conv *v)
{
    struct crm_prow *rows = NULL;
    size_t n = 0;
    int rc = crm_prow_load_owner(v->c, "L", v->lead_id, &rows, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        rows[i].id = 0;
        rows[i].owner_type = "D";
        rows[i].owner_id = v->deal_id;
        rc = crm_prow_insert(v->c, &rows[i]);
    }
    if (rc)
        return rest_fail_db(v->c, rc);
    return n ? crm_prow_sync_owner(v->c, &crm_deal_def, v->deal_id) : 0;
}

static int create_deal(struct conv *v)
{
    static const char *const names[] = {
        "TITLE",      "OPPORTUNITY",        "CURRENCY_ID", "IS_MANUAL_OPPORTUNITY",
        "SOURCE_ID",  "SOURCE_DESCRIPTION", "COMMENTS",    "UTM_SOURCE",
        "UTM_MEDIUM", "UTM_CAMPAIGN",       "UTM_CONTENT", "UTM_TERM",
        NULL};
    json_t *f = json_object();
    int rc;
    copy(v, f, names);
    if (v->category_id >= 0)
        json_object_set_new(f, "CATEGORY_ID", json_integer(v->category_id));
    if (v->company_id)
        json_object_set_new(f, "COMPANY_ID", json_integer(v->company_id));
    if (v->contact_id)
        json_object_set_new(f, "CONTACT_IDS", json_pack("[I]", (json_int_t)v->contact_id));
    if ((rc = create(v, &crm_deal_def, f, SQL_DEAL_LEAD, &v->deal_id)))
        return rc;
    return copy_rows(v);
}

/* ---- the lead ------------------------------------------------------------------------------- */

/* The first status of STATUS with success semantics into buf. */
static int success_status(struct conv *v, char *buf, size_t len)
{
    struct crm_dict_row *rows = NULL;
    size_t n = 0;
    int rc = crm_status_dict_load(v->c->db, "STATUS", &rows, &n);
    if (rc)
        return rest_fail_db(v->c, rc);
    buf[0] = '\0';
    for (size_t i = 0; i < n && !buf[0]; i++)
        if (rows[i].semantic == 'S')
            snprintf(buf, len, "%s", rows[i].status_id);
    free(rows);
    if (!buf[0])
        return rest_fail(v->c, 400, "ERROR_CORE", "the lead statuses have no success status");
    return 0;
}

static int finish_lead(struct conv *v)
{
    char status[64];
    int rc = success_status(v, status, sizeof(status));
    if (rc)
        return rc;
    json_t *f = json_pack("{s:s}", "STATUS_ID", status);
    if (v->contact_id)
        json_object_set_new(f, "CONTACT_ID", json_integer(v->contact_id));
    if (v->company_id)
        json_object_set_new(f, "COMPANY_ID", json_integer(v->company_id));
    rc = crm_entity_write(v->c, &crm_lead_def, v->lead_id, f, 0, NULL);
    json_decref(f);
    return rc;
}

/* A 'conversion' row on the lead and on every record it produced or reused. */
static int timeline(struct conv *v)
{
    int64_t now = (int64_t)time_now_real(), user = v->c->auth ? v->c->auth->user_id : 0;
    struct {
        int type;
        int64_t id;
    } on[] = {{CRM_TYPE_LEAD, v->lead_id},
              {CRM_TYPE_CONTACT, v->contact_id},
              {CRM_TYPE_COMPANY, v->company_id},
              {CRM_TYPE_DEAL, v->deal_id}};
    int rc = 0;
    for (size_t i = 0; i < 4 && !rc; i++) {
        if (on[i].id <= 0)
            continue;
        json_t *data = json_pack("{s:I, s:I, s:I, s:I}", "leadId", (json_int_t)v->lead_id,
                                 "contactId", (json_int_t)v->contact_id, "companyId",
                                 (json_int_t)v->company_id, "dealId", (json_int_t)v->deal_id);
        rc = crm_timeline_add(v->c->db, on[i].type, on[i].id, CRM_TL_CONVERSION, user, now, NULL, 0,
                              data, NULL);
    }
    return rc ? rest_fail_db(v->c, rc) : 0;
}

static int lead_convert(struct rest_call *c)
{
    struct conv v = {.c = c};
    const char *sem;
    int rc = crm_param_id(c, "id", &v.lead_id);
    if (rc)
        return rc;
    v.options = rest_param(c, "fields");
    if (v.options && !json_is_object(v.options) &&
        !(json_is_array(v.options) && !json_array_size(v.options)))
        return rest_fail(c, 400, "INVALID_ARG_VALUE", "parameter 'fields' must be an object");
    if (v.options && !json_is_object(v.options))
        v.options = NULL;
    /* the lead must exist and be the caller's to change */
    if ((rc = crm_entity_read(c, &crm_lead_def, v.lead_id, CRM_FMT_LEGACY, CRM_NO_PERM, &v.lead)))
        return rc;
    params_to_int64(json_object_get(v.lead, "ASSIGNED_BY_ID"), &v.owner);
    if ((rc = crm_check_owner(c, &crm_lead_def, PERM_UPDATE, v.owner)))
        goto out;
    sem = json_string_value(json_object_get(v.lead, "STATUS_SEMANTIC_ID"));
    if (sem && !strcmp(sem, "S")) {
        rc = rest_fail(c, 400, "LEAD_ALREADY_CONVERTED", "lead %lld is already converted",
                       (long long)v.lead_id);
        goto out;
    }
    if ((rc = read_options(&v)) || (rc = check_add(&v)))
        goto out;
    if ((v.create_company && (rc = create_company(&v))) ||
        (v.create_contact && (rc = create_contact(&v))) ||
        (v.create_deal && (rc = create_deal(&v))) || (rc = finish_lead(&v)) || (rc = timeline(&v)))
        goto out;
    c->result = json_pack("{s:I, s:I, s:I, s:I}", "LEAD_ID", (json_int_t)v.lead_id, "CONTACT_ID",
                          (json_int_t)v.contact_id, "COMPANY_ID", (json_int_t)v.company_id,
                          "DEAL_ID", (json_int_t)v.deal_id);
out:
    json_decref(v.lead);
    return rc;
}

/* UPDATE on crm_lead is checked by the dispatcher; ADD on what is created by the handler. */
const struct rest_method crm_convert_methods[] = {
    {"crm.lead.convert", "crm", lead_convert, "crm_lead", PERM_UPDATE, REST_WRITE, NULL},
    {0},
};
