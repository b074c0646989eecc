/* Quotes (crm.quote.*): the field table, QUOTE_NUMBER (the id unless given) and CLOSED
 * following the status's semantics, and the method table. Product rows and documents are not
 * here. */
#include <stdio.h>

#include "core/base/error.h"
#include "core/db/db.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

static const char SQL_QUOTE_NUMBER[] =
    "UPDATE crm_quote SET quote_number = ? WHERE id = ? AND (quote_number IS NULL"
    " OR quote_number = '')";

static const struct crm_field quote_fields[] = {
    CRM_FIELD_ID,
    CRM_FIELD("TITLE", "title", CRM_T_STRING, CRM_FS, "Name"),
    {.name = "STATUS_ID",
     .column = "status_id",
     .type = CRM_T_STATUS,
     .flags = CRM_FS | CRM_F_STAGE,
     .dict = "QUOTE_STATUS",
     .alias = "stageId",
     .title = "Status"},
    CRM_FIELD("QUOTE_NUMBER", "quote_number", CRM_T_STRING, CRM_F_RO | CRM_FS, "Quote #"),
    CRM_FIELD("BEGINDATE", "begindate", CRM_T_DATE, CRM_FS, "Date created"),
    CRM_FIELD("CLOSEDATE", "closedate", CRM_T_DATE, CRM_FS, "Expiration date"),
    CRM_FIELD_DEF("CLOSED", "closed", CRM_T_CHAR, CRM_FS, "N", "Closed"),
    CRM_FIELD_DEF("OPENED", "opened", CRM_T_CHAR, CRM_FS, "Y", "Available to everyone"),
    CRM_FIELD("COMMENTS", "comments", CRM_T_STRING, CRM_F_FILTER, "Comment"),
    CRM_FIELD("CONTENT", "content", CRM_T_STRING, CRM_F_FILTER, "Content"),
    CRM_FIELD("TERMS", "terms", CRM_T_STRING, CRM_F_FILTER, "Terms"),
    CRM_FIELD_LINK("COMPANY_ID", "company_id", CRM_FS, CRM_TYPE_COMPANY, "Company"),
    CRM_FIELD_LINK("CONTACT_ID", "contact_id", CRM_FS, CRM_TYPE_CONTACT, "Contact"),
    CRM_FIELD_LINKS("CONTACT_IDS", CRM_TYPE_CONTACT, "Contacts"),
    CRM_FIELD_LINK("DEAL_ID", "deal_id", CRM_FS, CRM_TYPE_DEAL, "Deal"),
    CRM_FIELD_LINK("LEAD_ID", "lead_id", CRM_FS, CRM_TYPE_LEAD, "Lead"),
    CRM_FIELD_LINK("MYCOMPANY_ID", "mycompany_id", CRM_FS, CRM_TYPE_COMPANY, "Your company"),
    CRM_FIELD("PERSON_TYPE_ID", "person_type_id", CRM_T_INT, CRM_FS, "Payer type"),
    CRM_FIELD("CURRENCY_ID", "currency_id", CRM_T_CURRENCY, CRM_FS, "Currency"),
    CRM_FIELD_DEF("OPPORTUNITY", "opportunity", CRM_T_DOUBLE, CRM_FS, "0", "Amount"),
    CRM_FIELD_DEF("TAX_VALUE", "tax_value", CRM_T_DOUBLE, CRM_FS, "0", "Tax rate"),
    CRM_FIELD("LOCATION_ID", "location_id", CRM_T_STRING, CRM_FS, "Location"),
    CRM_FIELD("CLIENT_TITLE", "client_title", CRM_T_STRING, CRM_FS, "Client name"),
    CRM_FIELD("CLIENT_ADDR", "client_addr", CRM_T_STRING, CRM_FS, "Client address"),
    CRM_FIELD("CLIENT_CONTACT", "client_contact", CRM_T_STRING, CRM_FS, "Contact person"),
    CRM_FIELD("CLIENT_EMAIL", "client_email", CRM_T_STRING, CRM_FS, "Client e-mail"),
    CRM_FIELD("CLIENT_PHONE", "client_phone", CRM_T_STRING, CRM_FS, "Client phone"),
    CRM_FIELD("CLIENT_TP_ID", "client_tp_id", CRM_T_STRING, CRM_FS, "Client tax ID"),
    CRM_FIELD("CLIENT_TPA_ID", "client_tpa_id", CRM_T_STRING, CRM_FS, "Client KPP"),
    CRM_FIELDS_SYSTEM,
    CRM_FIELDS_UTM,
    CRM_FIELDS_ACTIVITY,
};

const struct crm_binding_def crm_quote_contact_binding = {
    CRM_TYPE_QUOTE,
    CRM_TYPE_CONTACT,
    "CONTACT_ID",
    "CONTACT_IDS",
};

static const struct crm_binding_def *const quote_bindings[] = {&crm_quote_contact_binding, NULL};

static int quote_derive(struct crm_write *w)
{
    bool final = w->stage_semantic == 'S' || w->stage_semantic == 'F';
    json_object_set_new(w->row, "CLOSED", json_string(final ? "Y" : "N"));
    return 0;
}

/* QUOTE_NUMBER defaults to the id. */
static int quote_finish(struct crm_write *w)
{
    return w->is_add ? crm_write_number(w, SQL_QUOTE_NUMBER) : 0;
}

static struct crm_entity_sql quote_sql;

const struct crm_entity_def crm_quote_def = {
    .name = "quote",
    .upper = "QUOTE",
    .type_id = CRM_TYPE_QUOTE,
    .abbr = "Q",
    .table = "crm_quote",
    .perm_entity = "crm_quote",
    .event_prefix = "ONCRMQUOTE",
    .owner_column = "assigned_by_id",
    .fields = quote_fields,
    .n_fields = ARRAY_SIZE(quote_fields),
    .bindings = quote_bindings,
    .derive = quote_derive,
    .finish = quote_finish,
    .sql = &quote_sql,
};

static const struct crm_binding_side quote_contacts = {&crm_quote_contact_binding, false};

const struct rest_method crm_quote_methods[] = {
    CRM_ENTITY_METHODS("quote", "crm_quote", &crm_quote_def),
    CRM_BINDING_METHODS("quote", "contact", "crm_quote", &quote_contacts),
    {0},
};
