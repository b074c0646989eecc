/* Leads (crm.lead.*): the field table, the rules that differ from the engine's defaults
 * (STATUS_SEMANTIC_ID, DATE_CLOSED, IS_RETURN_CUSTOMER) and the method table. Setting
 * STATUS_ID to CONVERTED only moves the lead: conversion, which creates deals and contacts,
 * is not done here. */
#include "core/base/error.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

static const struct crm_field lead_fields[] = {
    CRM_FIELD_ID,
    CRM_FIELD("TITLE", "title", CRM_T_STRING, CRM_FS, "Lead name"),
    CRM_FIELD_STATUS("HONORIFIC", "honorific", CRM_FS, "HONORIFIC", "Salutation"),
    CRM_FIELD("NAME", "name", CRM_T_STRING, CRM_FS, "First name"),
    CRM_FIELD("SECOND_NAME", "second_name", CRM_T_STRING, CRM_FS, "Second name"),
    CRM_FIELD("LAST_NAME", "last_name", CRM_T_STRING, CRM_FS, "Last name"),
    CRM_FIELD("BIRTHDATE", "birthdate", CRM_T_DATE, CRM_FS, "Date of birth"),
    CRM_FIELD("COMPANY_TITLE", "company_title", CRM_T_STRING, CRM_FS, "Company name"),
    CRM_FIELD_STATUS("SOURCE_ID", "source_id", CRM_FS, "SOURCE", "Source"),
    CRM_FIELD("SOURCE_DESCRIPTION", "source_description", CRM_T_STRING, CRM_FS,
              "Source information"),
    {.name = "STATUS_ID",
     .column = "status_id",
     .type = CRM_T_STATUS,
     .flags = CRM_FS | CRM_F_STAGE,
     .dict = "STATUS",
     .alias = "stageId",
     .title = "Status"},
    CRM_FIELD("STATUS_DESCRIPTION", "status_description", CRM_T_STRING, CRM_FS,
              "Status information"),
    CRM_FIELD_ALIAS("STATUS_SEMANTIC_ID", "status_semantic_id", CRM_T_STRING, CRM_F_RO | CRM_FS,
                    "stageSemanticId", "Status semantics"),
    CRM_FIELD("POST", "post", CRM_T_STRING, CRM_FS, "Position"),
    CRM_FIELDS_ADDRESS,
    CRM_FIELD("CURRENCY_ID", "currency_id", CRM_T_CURRENCY, CRM_FS, "Currency"),
    CRM_FIELD_DEF("OPPORTUNITY", "opportunity", CRM_T_DOUBLE, CRM_FS, "0", "Amount"),
    CRM_FIELD_DEF("IS_MANUAL_OPPORTUNITY", "is_manual_opportunity", CRM_T_CHAR, CRM_FS, "N",
                  "Manual amount"),
    CRM_FIELD_DEF("OPENED", "opened", CRM_T_CHAR, CRM_FS, "Y", "Available to everyone"),
    CRM_FIELD("COMMENTS", "comments", CRM_T_STRING, CRM_F_FILTER, "Comment"),
    CRM_FIELDS_HAS,
    CRM_FIELDS_SYSTEM,
    CRM_FIELDS_MOVED,
    CRM_FIELD_LINK("COMPANY_ID", "company_id", CRM_FS, CRM_TYPE_COMPANY, "Company"),
    CRM_FIELD_LINK("CONTACT_ID", "contact_id", CRM_FS, CRM_TYPE_CONTACT, "Contact"),
    CRM_FIELD_LINKS("CONTACT_IDS", CRM_TYPE_CONTACT, "Contacts"),
    CRM_FIELD_DEF("IS_RETURN_CUSTOMER", "is_return_customer", CRM_T_CHAR, CRM_F_RO | CRM_FS, "N",
                  "Repeat lead"),
    CRM_FIELD("DATE_CLOSED", "date_closed", CRM_T_DATETIME, CRM_F_RO | CRM_FS, "Closed on"),
    CRM_FIELDS_ORIGIN,
    CRM_FIELDS_UTM,
    CRM_FIELDS_ACTIVITY,
    CRM_FIELDS_FM,
};

const struct crm_binding_def crm_lead_contact_binding = {
    CRM_TYPE_LEAD,
    CRM_TYPE_CONTACT,
    "CONTACT_ID",
    "CONTACT_IDS",
};

static const struct crm_binding_def *const lead_bindings[] = {&crm_lead_contact_binding, NULL};

/* DATE_CLOSED when the lead reaches a final status, and the repeat-lead flag. */
static int lead_derive(struct crm_write *w)
{
    bool final = w->stage_semantic == 'S' || w->stage_semantic == 'F';
    if (w->stage_changed)
        json_object_set_new(w->row, "DATE_CLOSED", final ? json_integer(w->now) : json_null());
    bool repeat = crm_row_int(w->row, "COMPANY_ID", 0) > 0 ||
                  crm_row_int(w->row, "CONTACT_ID", 0) > 0 ||
                  json_array_size(json_object_get(w->input, "CONTACT_IDS")) > 0;
    json_object_set_new(w->row, "IS_RETURN_CUSTOMER", json_string(repeat ? "Y" : "N"));
    return 0;
}

static struct crm_entity_sql lead_sql;

const struct crm_entity_def crm_lead_def = {
    .name = "lead",
    .upper = "LEAD",
    .type_id = CRM_TYPE_LEAD,
    .abbr = "L",
    .table = "crm_lead",
    .perm_entity = "crm_lead",
    .event_prefix = "ONCRMLEAD",
    .owner_column = "assigned_by_id",
    .fields = lead_fields,
    .n_fields = ARRAY_SIZE(lead_fields),
    .semantic_field = "STATUS_SEMANTIC_ID",
    .bindings = lead_bindings,
    .derive = lead_derive,
    .sql = &lead_sql,
};

static const struct crm_binding_side lead_contacts = {&crm_lead_contact_binding, false};

const struct rest_method crm_lead_methods[] = {
    CRM_ENTITY_METHODS("lead", "crm_lead", &crm_lead_def),
    CRM_BINDING_METHODS("lead", "contact", "crm_lead", &lead_contacts),
    {0},
};
