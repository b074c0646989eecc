/* Smart invoices (entityTypeId 31, reached through crm.item.* and crm.item.productrow.* with
 * ownerType "SI"): the field table, one pipeline (1) whose stages DT31_1:N, :S, :P (paid) and
 * :D (declined) are seeded by migration 003, the deal they belong to (PARENT_ID_2), a default
 * ACCOUNT_NUMBER (the id) and PREVIOUS_STAGE_ID. The old invoices (crm.invoice.*, type 5),
 * more invoice pipelines and payment documents are not here. */
#include <stdio.h>

#include "core/base/error.h"
#include "core/base/timeutil.h"
#include "core/db/db.h"
#include "core/rest/rest.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"

static const char SQL_ACCOUNT_NUMBER[] =
    "UPDATE crm_invoice SET account_number = ? WHERE id = ? AND (account_number IS NULL"
    " OR account_number = '')";

static const struct crm_field invoice_fields[] = {
    CRM_FIELD_ID,
    CRM_FIELD("TITLE", "title", CRM_T_STRING, CRM_FS, "Name"),
    CRM_FIELD("XML_ID", "xml_id", CRM_T_STRING, CRM_FS, "External ID"),
    CRM_FIELD("ACCOUNT_NUMBER", "account_number", CRM_T_STRING, CRM_FS, "Invoice #"),
    {.name = "CATEGORY_ID",
     .column = "category_id",
     .type = CRM_T_CATEGORY,
     .flags = CRM_FS | CRM_F_RO,
     .def = "1",
     .title = "Pipeline"},
    CRM_FIELD_STATUS("STAGE_ID", "stage_id", CRM_FS | CRM_F_STAGE, "SMART_INVOICE_STAGE_1",
                     "Stage"),
    CRM_FIELD("PREVIOUS_STAGE_ID", "previous_stage_id", CRM_T_STRING, CRM_F_RO | CRM_FS,
              "Previous stage"),
    CRM_FIELD("BEGINDATE", "begindate", CRM_T_DATE, CRM_FS, "Invoice date"),
    CRM_FIELD("CLOSEDATE", "closedate", CRM_T_DATE, CRM_FS, "Due date"),
    CRM_FIELD_DEF("OPENED", "opened", CRM_T_CHAR, CRM_FS, "Y", "Available to everyone"),
    CRM_FIELD("COMMENTS", "comments", CRM_T_STRING, CRM_F_FILTER, "Comment"),
    CRM_FIELD_LINK("COMPANY_ID", "company_id", CRM_FS, CRM_TYPE_COMPANY, "Company"),
    CRM_FIELD_LINK("CONTACT_ID", "contact_id", CRM_FS, CRM_TYPE_CONTACT, "Contact"),
    CRM_FIELD_LINKS("CONTACT_IDS", CRM_TYPE_CONTACT, "Contacts"),
    CRM_FIELD_LINK("MYCOMPANY_ID", "mycompany_id", CRM_FS, CRM_TYPE_COMPANY,
                   "Your company details"),
    CRM_FIELD("CURRENCY_ID", "currency_id", CRM_T_CURRENCY, CRM_FS, "Currency"),
    CRM_FIELD_DEF("OPPORTUNITY", "opportunity", CRM_T_DOUBLE, CRM_FS, "0", "Amount"),
    CRM_FIELD_DEF("IS_MANUAL_OPPORTUNITY", "is_manual_opportunity", CRM_T_CHAR, CRM_FS, "N",
                  "Manual amount"),
    CRM_FIELD_DEF("TAX_VALUE", "tax_value", CRM_T_DOUBLE, CRM_FS, "0", "Tax"),
    CRM_FIELD_LINK("PARENT_ID_2", "parent_id_2", CRM_FS, CRM_TYPE_DEAL, "Deal"),
    CRM_FIELDS_SYSTEM,
    CRM_FIELDS_MOVED,
    CRM_FIELDS_UTM,
    CRM_FIELDS_ACTIVITY,
};

const struct crm_binding_def crm_invoice_contact_binding = {
    CRM_TYPE_SMART_INVOICE,
    CRM_TYPE_CONTACT,
    "CONTACT_ID",
    "CONTACT_IDS",
};

static const struct crm_binding_def *const invoice_bindings[] = {&crm_invoice_contact_binding,
                                                                 NULL};

/* PREVIOUS_STAGE_ID on a stage change; BEGINDATE today and CLOSEDATE a week later on add. */
static int invoice_derive(struct crm_write *w)
{
    char day[40];
    if (!w->is_add) {
        if (w->stage_changed)
            json_object_set(w->row, "PREVIOUS_STAGE_ID", json_object_get(w->old, "STAGE_ID"));
        return 0;
    }
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

/* ACCOUNT_NUMBER defaults to the id. */
static int invoice_finish(struct crm_write *w)
{
    return w->is_add ? crm_write_number(w, SQL_ACCOUNT_NUMBER) : 0;
}

static struct crm_entity_sql invoice_sql;

const struct crm_entity_def crm_invoice_def = {
    .name = "invoice",
    .upper = "SMART_INVOICE",
    .type_id = CRM_TYPE_SMART_INVOICE,
    .abbr = "SI",
    .table = "crm_invoice",
    .perm_entity = "crm_invoice",
    .event_prefix = "ONCRMINVOICE",
    .owner_column = "assigned_by_id",
    .title_prefix = "Invoice #",
    .fields = invoice_fields,
    .n_fields = ARRAY_SIZE(invoice_fields),
    .bindings = invoice_bindings,
    .derive = invoice_derive,
    .finish = invoice_finish,
    .sql = &invoice_sql,
};
