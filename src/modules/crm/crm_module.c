/* The CRM module: leads, deals, contacts, companies and quotes with their dictionaries,
 * pipelines, currencies and user fields, all driven by one entity engine (crm_entity.h). This
 * file is the module's table for core: methods, the web app's /crm pages, permission entities,
 * events, migrations, and start-up, which builds each entity's statements from its field
 * table. */
#include "core/base/log.h"
#include "core/http/assets.h"
#include "core/module.h"
#include "modules/crm/crm_fields.h"
#include "modules/crm/crm_internal.h"
#include "modules/crm/crm_timeline.h"

extern const struct migration migrations_crm[];

static const struct rest_method *const crm_method_tables[] = {
    crm_lead_methods,     crm_deal_methods,       crm_contact_methods,
    crm_company_methods,  crm_quote_methods,      crm_status_methods,
    crm_category_methods, crm_currency_methods,   crm_multifield_methods,
    crm_product_methods,  crm_productrow_methods, crm_productrow_item_methods,
    crm_item_methods,     crm_activity_methods,   crm_timeline_methods,
    crm_comment_methods,  crm_convert_methods,    crm_duplicate_methods,
    crm_merge_methods,    crm_search_methods,     NULL,
};

static const struct perm_entity crm_perms[] = {
    {"crm_lead", "Leads", true},
    {"crm_contact", "Contacts", true},
    {"crm_company", "Companies", true},
    {"crm_deal", "Deals", true},
    {"crm_quote", "Quotes", true},
    {"crm_invoice", "Invoices", true},
    {"crm_product", "Products", false},    /* a catalogue: no owner */
    {"crm_config", "CRM settings", false}, /* pipelines, stages, currencies, fields */
    {NULL, NULL, false},
};

/* Other modules link to CRM records as "D_12", "C_3" (tasks' UF_CRM_TASK) and ask core first. */
static const struct module_ref crm_refs[] = {
    {"crm", crm_ref_check},
    {NULL, NULL},
};

#define CRM_EVENTS(X)                                                                              \
    "ONCRM" X "ADD", "ONCRM" X "UPDATE", "ONCRM" X "DELETE", "ONCRM" X "USERFIELDADD",             \
        "ONCRM" X "USERFIELDUPDATE", "ONCRM" X "USERFIELDDELETE"

static const char *const crm_events[] = {
    CRM_EVENTS("LEAD"),
    CRM_EVENTS("DEAL"),
    CRM_EVENTS("CONTACT"),
    CRM_EVENTS("COMPANY"),
    CRM_EVENTS("QUOTE"),
    "ONCRMINVOICEADD",
    "ONCRMINVOICEUPDATE",
    "ONCRMINVOICEDELETE",
    "ONCRMPRODUCTADD",
    "ONCRMPRODUCTUPDATE",
    "ONCRMPRODUCTDELETE",
    "ONCRMDEALMOVETOCATEGORY",
    "ONCRMACTIVITYADD",
    "ONCRMACTIVITYUPDATE",
    "ONCRMACTIVITYDELETE",
    "ONCRMTIMELINECOMMENTADD",
    "ONCRMTIMELINECOMMENTUPDATE",
    "ONCRMTIMELINECOMMENTDELETE",
    NULL,
};

/* the browser app's CRM screens: index.html, so a reload or a shared link works */
static const struct module_route crm_routes[] = {
    {"GET", "/crm", assets_http_app},
    {"GET", "/crm/*path", assets_http_app},
    {NULL, NULL, NULL},
};

static void crm_fini(void)
{
    crm_timeline_fini();
    for (const struct crm_entity_def *const *e = crm_entities; *e; e++)
        crm_entity_fini(*e);
}

static int crm_init(void)
{
    for (const struct crm_entity_def *const *e = crm_entities; *e; e++) {
        if (crm_entity_init(*e)) {
            crm_fini();
            return error("crm: entity '%s' cannot start", (*e)->name);
        }
    }
    if (crm_timeline_init() || crm_search_init() || crm_live_init()) {
        crm_fini();
        return error("crm: the timeline or the search index cannot start");
    }
    return 0;
}

const struct module crm_module = {
    .name = "crm",
    .title = "CRM",
    .method_tables = crm_method_tables,
    .routes = crm_routes,
    .perms = crm_perms,
    .refs = crm_refs,
    .migrations = migrations_crm,
    .events = crm_events,
    .init = crm_init,
    .fini = crm_fini,
};
