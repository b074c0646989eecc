/* Deals (crm.deal.*): the field table, pipelines (CATEGORY_ID picks the stage dictionary and
 * cannot change through crm.deal.update), the stage rules (a stage of another pipeline is an
 * error; WON/LOSE-like stages close the deal) and the method table, contacts included. */
#include <stdio.h>
#include <string.h>

#include "core/base/arena.h"
#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

static const struct crm_field deal_fields[] = {
    CRM_FIELD_ID,
    CRM_FIELD("TITLE", "title", CRM_T_STRING, CRM_FS, "Name"),
    CRM_FIELD_STATUS("TYPE_ID", "type_id", CRM_FS, "DEAL_TYPE", "Type"),
    {.name = "CATEGORY_ID",
     .column = "category_id",
     .type = CRM_T_CATEGORY,
     .flags = CRM_FS | CRM_F_IMMUTABLE,
     .title = "Pipeline"},
    CRM_FIELD_STATUS("STAGE_ID", "stage_id", CRM_FS | CRM_F_STAGE, "DEAL_STAGE", "Stage"),
    CRM_FIELD("STAGE_SEMANTIC_ID", "stage_semantic_id", CRM_T_STRING, CRM_F_RO | CRM_FS,
              "Stage group"),
    CRM_FIELD_DEF("IS_NEW", "is_new", CRM_T_CHAR, CRM_F_RO | CRM_FS, "Y", "New deal"),
    CRM_FIELD_DEF("IS_RECURRING", "is_recurring", CRM_T_CHAR, CRM_FS, "N", "Recurring deal"),
    CRM_FIELD_DEF("IS_RETURN_CUSTOMER", "is_return_customer", CRM_T_CHAR, CRM_FS, "N",
                  "Repeat deal"),
    CRM_FIELD_DEF("IS_REPEATED_APPROACH", "is_repeated_approach", CRM_T_CHAR, CRM_FS, "N",
                  "Repeated inquiry"),
    CRM_FIELD("PROBABILITY", "probability", CRM_T_INT, CRM_FS, "Probability"),
    CRM_FIELD("CURRENCY_ID", "currency_id", CRM_T_CURRENCY, CRM_FS, "Currency"),
    CRM_FIELD_DEF("OPPORTUNITY", "opportunity", CRM_T_DOUBLE, CRM_FS, "0", "Amount"),
    CRM_FIELD_DEF("IS_MANUAL_OPPORTUNITY", "is_manual_opportunity", CRM_T_CHAR, CRM_FS, "N",
                  "Manual amount"),
    CRM_FIELD_DEF("TAX_VALUE", "tax_value", CRM_T_DOUBLE, CRM_FS, "0", "Tax rate"),
    CRM_FIELD_LINK("COMPANY_ID", "company_id", CRM_FS, CRM_TYPE_COMPANY, "Company"),
    CRM_FIELD_LINK("CONTACT_ID", "contact_id", CRM_FS, CRM_TYPE_CONTACT, "Contact"),
    CRM_FIELD_LINKS("CONTACT_IDS", CRM_TYPE_CONTACT, "Contacts"),
    CRM_FIELD_LINK("QUOTE_ID", "quote_id", CRM_F_RO | CRM_FS, CRM_TYPE_QUOTE, "Quote"),
    CRM_FIELD("BEGINDATE", "begindate", CRM_T_DATE, CRM_FS, "Start date"),
    CRM_FIELD("CLOSEDATE", "closedate", CRM_T_DATE, CRM_FS, "Estimated close date"),
    CRM_FIELD_DEF("OPENED", "opened", CRM_T_CHAR, CRM_FS, "Y", "Available to everyone"),
    CRM_FIELD_DEF("CLOSED", "closed", CRM_T_CHAR, CRM_FS, "N", "Closed"),
    CRM_FIELD("COMMENTS", "comments", CRM_T_STRING, CRM_F_FILTER, "Comment"),
    CRM_FIELD("ADDITIONAL_INFO", "additional_info", CRM_T_STRING, CRM_F_FILTER,
              "Additional information"),
    CRM_FIELDS_SYSTEM,
    CRM_FIELDS_MOVED,
    CRM_FIELD_STATUS("SOURCE_ID", "source_id", CRM_FS, "SOURCE", "Source"),
    CRM_FIELD("SOURCE_DESCRIPTION", "source_description", CRM_T_STRING, CRM_FS,
              "Source information"),
    CRM_FIELD_LINK("LEAD_ID", "lead_id", CRM_F_RO | CRM_FS, CRM_TYPE_LEAD, "Lead"),
    CRM_FIELD("LOCATION_ID", "location_id", CRM_T_STRING, CRM_FS, "Location"),
    CRM_FIELDS_ORIGIN,
    CRM_FIELDS_UTM,
    CRM_FIELDS_ACTIVITY,
};

const struct crm_binding_def crm_deal_contact_binding = {
    CRM_TYPE_DEAL,
    CRM_TYPE_CONTACT,
    "CONTACT_ID",
    "CONTACT_IDS",
};

static const struct crm_binding_def *const deal_bindings[] = {&crm_deal_contact_binding, NULL};

/* The pipeline: on add the given one (it must exist) or the default one. */
static int deal_validate(struct crm_write *w)
{
    json_t *cat = json_object_get(w->row, "CATEGORY_ID");
    int64_t id;
    bool ok = false;
    int rc;
    if (!w->is_add)
        return 0;
    if (!cat || json_is_null(cat)) {
        if ((rc = crm_category_default(w->c->db, CRM_TYPE_DEAL, &id)))
            return rest_fail_db(w->c, rc);
        json_object_set_new(w->row, "CATEGORY_ID", json_integer(id));
        return 0;
    }
    id = json_integer_value(cat);
    if ((rc = crm_category_exists(w->c->db, CRM_TYPE_DEAL, id, &ok)))
        return rest_fail_db(w->c, rc);
    if (!ok)
        return rest_fail(w->c, 400, "INVALID_ARG_VALUE",
                         "field 'CATEGORY_ID': pipeline %lld does not exist", (long long)id);
    return 0;
}

static const char *deal_stage_dict(struct crm_write *w)
{
    char buf[48];
    crm_category_stage_dict(crm_row_int(w->row, "CATEGORY_ID", 0), buf, sizeof(buf));
    return arena_strdup(w->c->arena, buf);
}

/* CLOSED and IS_NEW follow the stage; BEGINDATE and CLOSEDATE get their defaults. */
static int deal_derive(struct crm_write *w)
{
    char day[40];
    bool final = w->stage_semantic == 'S' || w->stage_semantic == 'F';
    json_object_set_new(w->row, "CLOSED", json_string(final ? "Y" : "N"));
    json_object_set_new(w->row, "IS_NEW", json_string(w->stage_first ? "Y" : "N"));
    if (!w->is_add)
        return 0;
    if (json_is_null(json_object_get(w->row, "BEGINDATE"))) {
        time_fmt_iso(day, sizeof(day), (double)w->now, 1);
        json_object_set_new(w->row, "BEGINDATE", json_stringn(day, 10));
    }
    if (json_is_null(json_object_get(w->row, "CLOSEDATE"))) {
        time_fmt_iso(day, sizeof(day), (double)(w->now + 7 * 86400), 1);
        json_object_set_new(w->row, "CLOSEDATE", json_stringn(day, 10));
    }
    return 0;
}

static struct crm_entity_sql deal_sql;

const struct crm_entity_def crm_deal_def = {
    .name = "deal",
    .upper = "DEAL",
    .type_id = CRM_TYPE_DEAL,
    .abbr = "D",
    .table = "crm_deal",
    .perm_entity = "crm_deal",
    .event_prefix = "ONCRMDEAL",
    .owner_column = "assigned_by_id",
    .title_prefix = "Deal #",
    .fields = deal_fields,
    .n_fields = ARRAY_SIZE(deal_fields),
    .semantic_field = "STAGE_SEMANTIC_ID",
    .bindings = deal_bindings,
    .validate = deal_validate,
    .stage_dict = deal_stage_dict,
    .derive = deal_derive,
    .sql = &deal_sql,
};

static const struct crm_binding_side deal_contacts = {&crm_deal_contact_binding, false};

const struct rest_method crm_deal_methods[] = {
    CRM_ENTITY_METHODS("deal", "crm_deal", &crm_deal_def),
    CRM_BINDING_METHODS("deal", "contact", "crm_deal", &deal_contacts),
    {0},
};
