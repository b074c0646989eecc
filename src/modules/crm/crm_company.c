/* Companies (crm.company.*): the field table (TITLE is required) and the method table; the
 * company's contacts are the contact -> company bindings read backwards. */
#include "core/base/error.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

static const struct crm_field company_fields[] = {
    CRM_FIELD_ID,
    CRM_FIELD("TITLE", "title", CRM_T_STRING, CRM_FS | CRM_F_REQUIRED, "Company name"),
    CRM_FIELD_STATUS("COMPANY_TYPE", "company_type", CRM_FS, "COMPANY_TYPE", "Company type"),
    CRM_FIELD_STATUS("INDUSTRY", "industry", CRM_FS, "INDUSTRY", "Industry"),
    CRM_FIELD_STATUS("EMPLOYEES", "employees", CRM_FS, "EMPLOYEES", "Employees"),
    CRM_FIELD("CURRENCY_ID", "currency_id", CRM_T_CURRENCY, CRM_FS, "Currency"),
    CRM_FIELD_DEF("REVENUE", "revenue", CRM_T_DOUBLE, CRM_FS, "0", "Annual revenue"),
    CRM_FIELDS_ADDRESS,
    CRM_FIELD("ADDRESS_LEGAL", "address_legal", CRM_T_STRING, CRM_FS, "Legal address"),
    CRM_FIELD("BANKING_DETAILS", "banking_details", CRM_T_STRING, CRM_F_FILTER, "Payment details"),
    CRM_FIELD_DEF("OPENED", "opened", CRM_T_CHAR, CRM_FS, "Y", "Available to everyone"),
    CRM_FIELD("COMMENTS", "comments", CRM_T_STRING, CRM_F_FILTER, "Comment"),
    CRM_FIELDS_HAS,
    CRM_FIELD_DEF("IS_MY_COMPANY", "is_my_company", CRM_T_CHAR, CRM_FS, "N", "My company"),
    CRM_FIELDS_SYSTEM,
    CRM_FIELD_LINK("LEAD_ID", "lead_id", CRM_F_RO | CRM_FS, CRM_TYPE_LEAD, "Lead"),
    CRM_FIELDS_ORIGIN,
    CRM_FIELD("ORIGIN_VERSION", "origin_version", CRM_T_STRING, CRM_FS, "Original version"),
    CRM_FIELDS_UTM,
    CRM_FIELDS_ACTIVITY,
    CRM_FIELDS_FM,
};

static struct crm_entity_sql company_sql;

const struct crm_entity_def crm_company_def = {
    .name = "company",
    .upper = "COMPANY",
    .type_id = CRM_TYPE_COMPANY,
    .abbr = "CO",
    .table = "crm_company",
    .perm_entity = "crm_company",
    .event_prefix = "ONCRMCOMPANY",
    .owner_column = "assigned_by_id",
    .fields = company_fields,
    .n_fields = ARRAY_SIZE(company_fields),
    .sql = &company_sql,
};

static const struct crm_binding_side company_contacts = {&crm_contact_company_binding, true};

const struct rest_method crm_company_methods[] = {
    CRM_ENTITY_METHODS("company", "crm_company", &crm_company_def),
    CRM_BINDING_METHODS("company", "contact", "crm_company", &company_contacts),
    {0},
};
