/* Field groups several CRM entities share (address, UTM, origin, system, activity, multi-field
 * rows) and the method-table rows every entity has, as macros for the entity files' static
 * tables. The columns they name exist in each entity table that uses the group (see
 * migrations/001_crm.sql). Internal to src/modules/crm/. */
#ifndef KAZI_CRM_FIELDS_H
#define KAZI_CRM_FIELDS_H

#include "modules/crm/crm_entity.h"

#define CRM_FIELD_ID CRM_FIELD("ID", "id", CRM_T_ID, CRM_F_RO | CRM_FS, "ID")

/* A field whose crm.item.* name is not the automatic camelCase one. */
#define CRM_FIELD_ALIAS(n, col, t, fl, al, ttl)                                                    \
    {                                                                                              \
        .name = n, .column = col, .type = t, .flags = fl, .alias = al, .title = ttl                \
    }

#define CRM_FIELDS_ADDRESS                                                                         \
    CRM_FIELD("ADDRESS", "address", CRM_T_STRING, CRM_FS, "Street address"),                       \
        CRM_FIELD("ADDRESS_2", "address_2", CRM_T_STRING, CRM_FS, "Address (line 2)"),             \
        CRM_FIELD("ADDRESS_CITY", "address_city", CRM_T_STRING, CRM_FS, "City"),                   \
        CRM_FIELD("ADDRESS_POSTAL_CODE", "address_postal_code", CRM_T_STRING, CRM_FS, "Zip"),      \
        CRM_FIELD("ADDRESS_REGION", "address_region", CRM_T_STRING, CRM_FS, "Region"),             \
        CRM_FIELD("ADDRESS_PROVINCE", "address_province", CRM_T_STRING, CRM_FS,                    \
                  "State / Province"),                                                             \
        CRM_FIELD("ADDRESS_COUNTRY", "address_country", CRM_T_STRING, CRM_FS, "Country"),          \
        CRM_FIELD("ADDRESS_COUNTRY_CODE", "address_country_code", CRM_T_STRING, CRM_FS,            \
                  "Country code"),                                                                 \
        CRM_FIELD("ADDRESS_LOC_ADDR_ID", "address_loc_addr_id", CRM_T_INT, CRM_FS,                 \
                  "Location address ID")

#define CRM_FIELDS_UTM                                                                             \
    CRM_FIELD("UTM_SOURCE", "utm_source", CRM_T_STRING, CRM_FS, "Ad system"),                      \
        CRM_FIELD("UTM_MEDIUM", "utm_medium", CRM_T_STRING, CRM_FS, "Traffic type"),               \
        CRM_FIELD("UTM_CAMPAIGN", "utm_campaign", CRM_T_STRING, CRM_FS, "Ad campaign UTM"),        \
        CRM_FIELD("UTM_CONTENT", "utm_content", CRM_T_STRING, CRM_FS, "Campaign contents"),        \
        CRM_FIELD("UTM_TERM", "utm_term", CRM_T_STRING, CRM_FS, "Campaign search term")

#define CRM_FIELDS_ORIGIN                                                                          \
    CRM_FIELD("ORIGINATOR_ID", "originator_id", CRM_T_STRING, CRM_FS, "External source"),          \
        CRM_FIELD("ORIGIN_ID", "origin_id", CRM_T_STRING, CRM_FS, "Item ID in data source")

/* Owner, authors and times the engine keeps (ASSIGNED_BY_ID defaults to the caller). */
#define CRM_FIELDS_SYSTEM                                                                          \
    CRM_FIELD("ASSIGNED_BY_ID", "assigned_by_id", CRM_T_USER, CRM_FS, "Responsible person"),       \
        CRM_FIELD_ALIAS("CREATED_BY_ID", "created_by_id", CRM_T_USER, CRM_F_RO | CRM_FS,           \
                        "createdBy", "Created by"),                                                \
        CRM_FIELD_ALIAS("MODIFY_BY_ID", "modify_by_id", CRM_T_USER, CRM_F_RO | CRM_FS,             \
                        "updatedBy", "Modified by"),                                               \
        CRM_FIELD_ALIAS("DATE_CREATE", "date_create", CRM_T_DATETIME, CRM_F_RO | CRM_FS,           \
                        "createdTime", "Created on"),                                              \
        CRM_FIELD_ALIAS("DATE_MODIFY", "date_modify", CRM_T_DATETIME, CRM_F_RO | CRM_FS,           \
                        "updatedTime", "Modified on")

#define CRM_FIELDS_MOVED                                                                           \
    CRM_FIELD_ALIAS("MOVED_BY_ID", "moved_by_id", CRM_T_USER, CRM_F_RO | CRM_FS, "movedBy",        \
                    "Stage changed by"),                                                           \
        CRM_FIELD("MOVED_TIME", "moved_time", CRM_T_DATETIME, CRM_F_RO | CRM_FS,                   \
                  "Stage changed on")

/* Written by the activity and timeline code of later modules. */
#define CRM_FIELDS_ACTIVITY                                                                        \
    CRM_FIELD("LAST_ACTIVITY_TIME", "last_activity_time", CRM_T_DATETIME, CRM_F_RO | CRM_FS,       \
              "Last activity"),                                                                    \
        CRM_FIELD("LAST_ACTIVITY_BY", "last_activity_by", CRM_T_USER, CRM_F_RO | CRM_FS,           \
                  "Last activity by")

#define CRM_FIELDS_HAS                                                                             \
    CRM_FIELD_DEF("HAS_PHONE", "has_phone", CRM_T_CHAR, CRM_F_RO | CRM_FS, "N", "Has phone"),      \
        CRM_FIELD_DEF("HAS_EMAIL", "has_email", CRM_T_CHAR, CRM_F_RO | CRM_FS, "N", "Has e-mail"), \
        CRM_FIELD_DEF("HAS_IMOL", "has_imol", CRM_T_CHAR, CRM_F_RO | CRM_FS, "N",                  \
                      "Has Open Channel")

#define CRM_FIELD_FM(n, ttl)                                                                       \
    {                                                                                              \
        .name = n, .type = CRM_T_MULTIFIELD, .flags = CRM_F_FILTER | CRM_F_MULTIPLE, .title = ttl  \
    }
#define CRM_FIELDS_FM                                                                              \
    CRM_FIELD_FM("PHONE", "Phone"), CRM_FIELD_FM("EMAIL", "E-mail"),                               \
        CRM_FIELD_FM("WEB", "Website"), CRM_FIELD_FM("IM", "Messenger"),                           \
        CRM_FIELD_FM("LINK", "Link")

#define CRM_FIELD_LINKS(n, lt, ttl)                                                                \
    {                                                                                              \
        .name = n, .type = CRM_T_LINKS, .flags = CRM_F_MULTIPLE | CRM_F_NOSELECT, .link_type = lt, \
        .title = ttl                                                                               \
    }

/* The rows of crm.<n>.* every entity has: CRUD, fields and user fields. */
#define CRM_ENTITY_METHODS(N, PERM, DEF)                                                           \
    {"crm." N ".add", "crm", crm_entity_add, PERM, PERM_ADD, REST_WRITE, DEF},                     \
        {"crm." N ".get", "crm", crm_entity_get, PERM, PERM_READ, 0, DEF},                         \
        {"crm." N ".list", "crm", crm_entity_list, PERM, PERM_READ, REST_LIST, DEF},               \
        {"crm." N ".update", "crm", crm_entity_update, PERM, PERM_UPDATE, REST_WRITE, DEF},        \
        {"crm." N ".delete", "crm", crm_entity_delete, PERM, PERM_DELETE, REST_WRITE, DEF},        \
        {"crm." N ".fields", "crm", crm_entity_fields, PERM, PERM_READ, 0, DEF},                   \
        {"crm." N ".userfield.add",                                                                \
         "crm",                                                                                    \
         crm_uf_method_add,                                                                        \
         "crm_config",                                                                             \
         PERM_ADD,                                                                                 \
         REST_WRITE,                                                                               \
         DEF},                                                                                     \
        {"crm." N ".userfield.get", "crm", crm_uf_method_get, PERM, PERM_READ, 0, DEF},            \
        {"crm." N ".userfield.list", "crm", crm_uf_method_list, PERM, PERM_READ, REST_LIST, DEF},  \
        {"crm." N ".userfield.update",                                                             \
         "crm",                                                                                    \
         crm_uf_method_update,                                                                     \
         "crm_config",                                                                             \
         PERM_UPDATE,                                                                              \
         REST_WRITE,                                                                               \
         DEF},                                                                                     \
    {                                                                                              \
        "crm." N ".userfield.delete", "crm", crm_uf_method_delete, "crm_config", PERM_DELETE,      \
            REST_WRITE, DEF                                                                        \
    }

/* The rows of crm.<n>.<other>.* for a binding side (crm.deal.contact.items.get, ...). */
#define CRM_BINDING_METHODS(N, OTHER, PERM, SIDE)                                                   \
    {"crm." N "." OTHER ".fields", "crm", crm_binding_method_fields, PERM, PERM_READ, 0, SIDE},     \
        {"crm." N "." OTHER ".items.get", "crm", crm_binding_method_get, PERM, PERM_READ, 0, SIDE}, \
        {"crm." N "." OTHER ".items.set",                                                           \
         "crm",                                                                                     \
         crm_binding_method_set,                                                                    \
         PERM,                                                                                      \
         PERM_UPDATE,                                                                               \
         REST_WRITE,                                                                                \
         SIDE},                                                                                     \
        {"crm." N "." OTHER ".items.delete",                                                        \
         "crm",                                                                                     \
         crm_binding_method_clear,                                                                  \
         PERM,                                                                                      \
         PERM_UPDATE,                                                                               \
         REST_WRITE,                                                                                \
         SIDE},                                                                                     \
        {"crm." N "." OTHER ".add",                                                                 \
         "crm",                                                                                     \
         crm_binding_method_add,                                                                    \
         PERM,                                                                                      \
         PERM_UPDATE,                                                                               \
         REST_WRITE,                                                                                \
         SIDE},                                                                                     \
    {                                                                                               \
        "crm." N "." OTHER ".delete", "crm", crm_binding_method_delete, PERM, PERM_UPDATE,          \
            REST_WRITE, SIDE                                                                        \
    }

/* Handlers the macros name (crm_userfield.c, crm_binding.c). */
int crm_uf_method_add(struct rest_call *c);
int crm_uf_method_get(struct rest_call *c);
int crm_uf_method_list(struct rest_call *c);
int crm_uf_method_update(struct rest_call *c);
int crm_uf_method_delete(struct rest_call *c);
int crm_binding_method_fields(struct rest_call *c);
int crm_binding_method_get(struct rest_call *c);
int crm_binding_method_set(struct rest_call *c);
int crm_binding_method_clear(struct rest_call *c);
int crm_binding_method_add(struct rest_call *c);
int crm_binding_method_delete(struct rest_call *c);

/* The bindings (defined in crm_lead.c, crm_deal.c, crm_contact.c, crm_quote.c). */
extern const struct crm_binding_def crm_lead_contact_binding, crm_deal_contact_binding,
    crm_contact_company_binding, crm_quote_contact_binding;

/* Method tables of the entity and dictionary files, for crm_module.c. */
extern const struct rest_method crm_lead_methods[], crm_deal_methods[], crm_contact_methods[],
    crm_company_methods[], crm_quote_methods[], crm_status_methods[], crm_category_methods[],
    crm_currency_methods[], crm_multifield_methods[];
/* Products, product rows and crm.item.* (crm_product.c, crm_productrow*.c, crm_item.c). */
extern const struct rest_method crm_product_methods[], crm_productrow_methods[],
    crm_productrow_item_methods[], crm_item_methods[];

#endif
