/* Contacts (crm.contact.*): the field table, the contact <-> company binding (COMPANY_ID is
 * the primary company, COMPANY_IDS all of them) and the method table. */
#include "core/base/error.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

static const struct crm_field contact_fields[] = {
    CRM_FIELD_ID,
    CRM_FIELD_STATUS("HONORIFIC", "honorific", CRM_FS, "HONORIFIC", "Salutation"),
    CRM_FIELD("NAME", "name", CRM_T_STRING, CRM_FS, "First name"),
    CRM_FIELD("SECOND_NAME", "second_name", CRM_T_STRING, CRM_FS, "Second name"),
    CRM_FIELD("LAST_NAME", "last_name", CRM_T_STRING, CRM_FS, "Last name"),
    CRM_FIELD("BIRTHDATE", "birthdate", CRM_T_DATE, CRM_FS, "Date of birth"),
    CRM_FIELD_STATUS("TYPE_ID", "type_id", CRM_FS, "CONTACT_TYPE", "Contact type"),
    CRM_FIELD_STATUS("SOURCE_ID", "source_id", CRM_FS, "SOURCE", "Source"),
    CRM_FIELD("SOURCE_DESCRIPTION", "source_description", CRM_T_STRING, CRM_FS,
              "Source information"),
    CRM_FIELD("POST", "post", CRM_T_STRING, CRM_FS, "Position"),
    CRM_FIELDS_ADDRESS,
    CRM_FIELD("COMMENTS", "comments", CRM_T_STRING, CRM_F_FILTER, "Comment"),
    CRM_FIELD_DEF("OPENED", "opened", CRM_T_CHAR, CRM_FS, "Y", "Available to everyone"),
    CRM_FIELD_DEF("EXPORT", "export", CRM_T_CHAR, CRM_FS, "Y", "Included in export"),
    CRM_FIELDS_HAS,
    CRM_FIELDS_SYSTEM,
    CRM_FIELD_LINK("COMPANY_ID", "company_id", CRM_FS, CRM_TYPE_COMPANY, "Company"),
    CRM_FIELD_LINKS("COMPANY_IDS", CRM_TYPE_COMPANY, "Companies"),
    CRM_FIELD_LINK("LEAD_ID", "lead_id", CRM_F_RO | CRM_FS, CRM_TYPE_LEAD, "Lead"),
    CRM_FIELDS_ORIGIN,
    CRM_FIELD("ORIGIN_VERSION", "origin_version", CRM_T_STRING, CRM_FS, "Original version"),
    CRM_FIELD("FACE_ID", "face_id", CRM_T_INT, CRM_F_RO | CRM_FS, "Face ID"),
    CRM_FIELDS_UTM,
    CRM_FIELDS_ACTIVITY,
    CRM_FIELDS_FM,
};

const struct crm_binding_def crm_contact_company_binding = {
    CRM_TYPE_CONTACT,
    CRM_TYPE_COMPANY,
    "COMPANY_ID",
    "COMPANY_IDS",
};

static const struct crm_binding_def *const contact_bindings[] = {&crm_contact_company_binding,
                                                                 NULL};

static struct crm_entity_sql contact_sql;

const struct crm_entity_def crm_contact_def = {
    .name = "contact",
    .upper = "CONTACT",
    .type_id = CRM_TYPE_CONTACT,
    .abbr = "C",
    .table = "crm_contact",
    .perm_entity = "crm_contact",
    .event_prefix = "ONCRMCONTACT",
    .owner_column = "assigned_by_id",
    .fields = contact_fields,
    .n_fields = ARRAY_SIZE(contact_fields),
    .bindings = contact_bindings,
    .sql = &contact_sql,
};

static const struct crm_binding_side contact_companies = {&crm_contact_company_binding, false};

const struct rest_method crm_contact_methods[] = {
    CRM_ENTITY_METHODS("contact", "crm_contact", &crm_contact_def),
    CRM_BINDING_METHODS("contact", "company", "crm_contact", &contact_companies),
    {0},
};
