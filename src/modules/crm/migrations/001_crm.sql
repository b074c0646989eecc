-- CRM: the five legacy entities (one table each, one column per field of the entity's field
-- table in crm_<entity>.c), multi-fields, bindings, dictionaries, pipelines, currencies, user
-- fields and the history timeline. Dates are TEXT 'YYYY-MM-DD', instants BIGINT Unix seconds,
-- Y/N flags TEXT 'Y'/'N'. Portable SQL only: the same file runs on PostgreSQL.

CREATE TABLE crm_lead (
    id INTEGER PRIMARY KEY,
    title TEXT,
    honorific TEXT,
    name TEXT,
    second_name TEXT,
    last_name TEXT,
    birthdate TEXT,
    company_title TEXT,
    source_id TEXT,
    source_description TEXT,
    status_id TEXT,
    status_description TEXT,
    status_semantic_id TEXT,
    post TEXT,
    address TEXT,
    address_2 TEXT,
    address_city TEXT,
    address_postal_code TEXT,
    address_region TEXT,
    address_province TEXT,
    address_country TEXT,
    address_country_code TEXT,
    address_loc_addr_id INTEGER,
    currency_id TEXT,
    opportunity DOUBLE PRECISION,
    is_manual_opportunity TEXT,
    opened TEXT,
    comments TEXT,
    has_phone TEXT,
    has_email TEXT,
    has_imol TEXT,
    assigned_by_id INTEGER,
    created_by_id INTEGER,
    modify_by_id INTEGER,
    date_create BIGINT,
    date_modify BIGINT,
    moved_by_id INTEGER,
    moved_time BIGINT,
    company_id INTEGER,
    contact_id INTEGER,
    is_return_customer TEXT,
    date_closed BIGINT,
    originator_id TEXT,
    origin_id TEXT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_content TEXT,
    utm_term TEXT,
    last_activity_time BIGINT,
    last_activity_by INTEGER
);

CREATE TABLE crm_deal (
    id INTEGER PRIMARY KEY,
    title TEXT,
    type_id TEXT,
    category_id INTEGER NOT NULL DEFAULT 0,
    stage_id TEXT,
    stage_semantic_id TEXT,
    is_new TEXT,
    is_recurring TEXT,
    is_return_customer TEXT,
    is_repeated_approach TEXT,
    probability INTEGER,
    currency_id TEXT,
    opportunity DOUBLE PRECISION,
    is_manual_opportunity TEXT,
    tax_value DOUBLE PRECISION,
    company_id INTEGER,
    contact_id INTEGER,
    quote_id INTEGER,
    begindate TEXT,
    closedate TEXT,
    opened TEXT,
    closed TEXT,
    comments TEXT,
    additional_info TEXT,
    assigned_by_id INTEGER,
    created_by_id INTEGER,
    modify_by_id INTEGER,
    date_create BIGINT,
    date_modify BIGINT,
    moved_by_id INTEGER,
    moved_time BIGINT,
    source_id TEXT,
    source_description TEXT,
    lead_id INTEGER,
    location_id TEXT,
    originator_id TEXT,
    origin_id TEXT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_content TEXT,
    utm_term TEXT,
    last_activity_time BIGINT,
    last_activity_by INTEGER
);

CREATE TABLE crm_contact (
    id INTEGER PRIMARY KEY,
    honorific TEXT,
    name TEXT,
    second_name TEXT,
    last_name TEXT,
    birthdate TEXT,
    type_id TEXT,
    source_id TEXT,
    source_description TEXT,
    post TEXT,
    address TEXT,
    address_2 TEXT,
    address_city TEXT,
    address_postal_code TEXT,
    address_region TEXT,
    address_province TEXT,
    address_country TEXT,
    address_country_code TEXT,
    address_loc_addr_id INTEGER,
    comments TEXT,
    opened TEXT,
    export TEXT,
    has_phone TEXT,
    has_email TEXT,
    has_imol TEXT,
    assigned_by_id INTEGER,
    created_by_id INTEGER,
    modify_by_id INTEGER,
    date_create BIGINT,
    date_modify BIGINT,
    company_id INTEGER,
    lead_id INTEGER,
    originator_id TEXT,
    origin_id TEXT,
    origin_version TEXT,
    face_id INTEGER,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_content TEXT,
    utm_term TEXT,
    last_activity_time BIGINT,
    last_activity_by INTEGER
);

CREATE TABLE crm_company (
    id INTEGER PRIMARY KEY,
    title TEXT,
    company_type TEXT,
    industry TEXT,
    employees TEXT,
    currency_id TEXT,
    revenue DOUBLE PRECISION,
    address TEXT,
    address_2 TEXT,
    address_city TEXT,
    address_postal_code TEXT,
    address_region TEXT,
    address_province TEXT,
    address_country TEXT,
    address_country_code TEXT,
    address_loc_addr_id INTEGER,
    address_legal TEXT,
    banking_details TEXT,
    opened TEXT,
    comments TEXT,
    has_phone TEXT,
    has_email TEXT,
    has_imol TEXT,
    is_my_company TEXT,
    assigned_by_id INTEGER,
    created_by_id INTEGER,
    modify_by_id INTEGER,
    date_create BIGINT,
    date_modify BIGINT,
    lead_id INTEGER,
    originator_id TEXT,
    origin_id TEXT,
    origin_version TEXT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_content TEXT,
    utm_term TEXT,
    last_activity_time BIGINT,
    last_activity_by INTEGER
);

CREATE TABLE crm_quote (
    id INTEGER PRIMARY KEY,
    title TEXT,
    status_id TEXT,
    quote_number TEXT,
    begindate TEXT,
    closedate TEXT,
    closed TEXT,
    opened TEXT,
    comments TEXT,
    content TEXT,
    terms TEXT,
    company_id INTEGER,
    contact_id INTEGER,
    deal_id INTEGER,
    lead_id INTEGER,
    mycompany_id INTEGER,
    person_type_id INTEGER,
    currency_id TEXT,
    opportunity DOUBLE PRECISION,
    tax_value DOUBLE PRECISION,
    location_id TEXT,
    client_title TEXT,
    client_addr TEXT,
    client_contact TEXT,
    client_email TEXT,
    client_phone TEXT,
    client_tp_id TEXT,
    client_tpa_id TEXT,
    assigned_by_id INTEGER,
    created_by_id INTEGER,
    modify_by_id INTEGER,
    date_create BIGINT,
    date_modify BIGINT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_content TEXT,
    utm_term TEXT,
    last_activity_time BIGINT,
    last_activity_by INTEGER
);

CREATE INDEX crm_lead_status ON crm_lead (status_id);
CREATE INDEX crm_lead_assigned ON crm_lead (assigned_by_id);
CREATE INDEX crm_lead_date_create ON crm_lead (date_create);
CREATE INDEX crm_lead_date_modify ON crm_lead (date_modify);
CREATE INDEX crm_lead_title ON crm_lead (title);
CREATE INDEX crm_lead_opportunity ON crm_lead (opportunity);
CREATE INDEX crm_lead_company ON crm_lead (company_id);
CREATE INDEX crm_lead_contact ON crm_lead (contact_id);
CREATE INDEX crm_lead_source ON crm_lead (source_id);

CREATE INDEX crm_deal_stage ON crm_deal (stage_id, category_id);
CREATE INDEX crm_deal_category ON crm_deal (category_id, stage_id);
CREATE INDEX crm_deal_semantic ON crm_deal (stage_semantic_id);
CREATE INDEX crm_deal_assigned ON crm_deal (assigned_by_id);
CREATE INDEX crm_deal_date_create ON crm_deal (date_create);
CREATE INDEX crm_deal_date_modify ON crm_deal (date_modify);
CREATE INDEX crm_deal_title ON crm_deal (title);
CREATE INDEX crm_deal_opportunity ON crm_deal (opportunity);
CREATE INDEX crm_deal_company ON crm_deal (company_id);
CREATE INDEX crm_deal_contact ON crm_deal (contact_id);
CREATE INDEX crm_deal_closedate ON crm_deal (closedate);

CREATE INDEX crm_contact_assigned ON crm_contact (assigned_by_id);
CREATE INDEX crm_contact_date_create ON crm_contact (date_create);
CREATE INDEX crm_contact_date_modify ON crm_contact (date_modify);
CREATE INDEX crm_contact_last_name ON crm_contact (last_name, name);
CREATE INDEX crm_contact_company ON crm_contact (company_id);

CREATE INDEX crm_company_assigned ON crm_company (assigned_by_id);
CREATE INDEX crm_company_date_create ON crm_company (date_create);
CREATE INDEX crm_company_date_modify ON crm_company (date_modify);
CREATE INDEX crm_company_title ON crm_company (title);

CREATE INDEX crm_quote_status ON crm_quote (status_id);
CREATE INDEX crm_quote_assigned ON crm_quote (assigned_by_id);
CREATE INDEX crm_quote_date_create ON crm_quote (date_create);
CREATE INDEX crm_quote_deal ON crm_quote (deal_id);
CREATE INDEX crm_quote_company ON crm_quote (company_id);
CREATE INDEX crm_quote_contact ON crm_quote (contact_id);

-- PHONE, EMAIL, WEB, IM, LINK of every entity. value_norm is the value as matched: digits only
-- for phones, lower case for the others (filters, duplicate search).
CREATE TABLE crm_fm (
    id INTEGER PRIMARY KEY,
    owner_type INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    type_id TEXT NOT NULL,
    value_type TEXT NOT NULL,
    value TEXT NOT NULL,
    value_norm TEXT NOT NULL
);
CREATE INDEX crm_fm_owner ON crm_fm (owner_type, owner_id);
CREATE INDEX crm_fm_value ON crm_fm (type_id, value);
CREATE INDEX crm_fm_norm ON crm_fm (type_id, value_norm);

-- Many-to-many bindings: deal/lead/quote -> contacts, contact -> companies. Exactly one row
-- per (src_type, src_id, dst_type) is primary; its dst_id is mirrored in the src's column
-- (crm_deal.contact_id, crm_contact.company_id).
CREATE TABLE crm_binding (
    src_type INTEGER NOT NULL,
    src_id INTEGER NOT NULL,
    dst_type INTEGER NOT NULL,
    dst_id INTEGER NOT NULL,
    sort INTEGER NOT NULL DEFAULT 10,
    role_id INTEGER NOT NULL DEFAULT 0,
    is_primary INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (src_type, src_id, dst_type, dst_id)
);
CREATE INDEX crm_binding_dst ON crm_binding (dst_type, dst_id);

-- Dictionaries (crm.status.*): ENTITY_ID is the dictionary (STATUS, SOURCE, DEAL_STAGE,
-- DEAL_STAGE_<n>, ...). semantics is 'S' for the success stage, 'F' for a failure stage, NULL
-- otherwise; stages sorted after the success stage count as failures whatever it says.
CREATE TABLE crm_status (
    id INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL,
    status_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_init TEXT,
    sort INTEGER NOT NULL DEFAULT 10,
    system INTEGER NOT NULL DEFAULT 0,
    category_id INTEGER,
    color TEXT,
    semantics TEXT
);
CREATE UNIQUE INDEX crm_status_code ON crm_status (entity_id, status_id);
CREATE INDEX crm_status_sort ON crm_status (entity_id, sort);

-- Pipelines (crm.category.*): the default deal pipeline is id 0.
CREATE TABLE crm_category (
    id INTEGER PRIMARY KEY,
    entity_type_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 500,
    is_default INTEGER NOT NULL DEFAULT 0,
    is_locked INTEGER NOT NULL DEFAULT 0,
    origin_id TEXT,
    originator_id TEXT,
    created_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX crm_category_type ON crm_category (entity_type_id, sort);

CREATE TABLE crm_currency (
    currency TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    amount_cnt INTEGER NOT NULL DEFAULT 1,
    amount DOUBLE PRECISION NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 100,
    base INTEGER NOT NULL DEFAULT 0,
    format_string TEXT NOT NULL DEFAULT '#',
    dec_point TEXT NOT NULL DEFAULT '.',
    thousands_sep TEXT NOT NULL DEFAULT ',',
    decimals INTEGER NOT NULL DEFAULT 2,
    date_update BIGINT NOT NULL DEFAULT 0
);

-- User fields (UF_CRM_*) of each entity type, their list items and their values (one row per
-- value; multiple fields have several). Text-like kinds use value_text, numeric ones value_num.
CREATE TABLE crm_uf (
    id INTEGER PRIMARY KEY,
    entity_type INTEGER NOT NULL,
    field_name TEXT NOT NULL,
    user_type_id TEXT NOT NULL,
    xml_id TEXT,
    sort INTEGER NOT NULL DEFAULT 100,
    multiple INTEGER NOT NULL DEFAULT 0,
    mandatory INTEGER NOT NULL DEFAULT 0,
    show_filter TEXT NOT NULL DEFAULT 'N',
    show_in_list TEXT NOT NULL DEFAULT 'Y',
    edit_in_list TEXT NOT NULL DEFAULT 'Y',
    is_searchable TEXT NOT NULL DEFAULT 'N',
    settings TEXT NOT NULL DEFAULT '{}',
    edit_form_label TEXT,
    list_column_label TEXT,
    list_filter_label TEXT,
    error_message TEXT,
    help_message TEXT
);
CREATE UNIQUE INDEX crm_uf_name ON crm_uf (entity_type, field_name);

CREATE TABLE crm_uf_enum (
    id INTEGER PRIMARY KEY,
    field_id INTEGER NOT NULL,
    value TEXT NOT NULL,
    def INTEGER NOT NULL DEFAULT 0,
    sort INTEGER NOT NULL DEFAULT 500,
    xml_id TEXT
);
CREATE INDEX crm_uf_enum_field ON crm_uf_enum (field_id, sort);

CREATE TABLE crm_uf_value (
    id INTEGER PRIMARY KEY,
    entity_type INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    field_id INTEGER NOT NULL,
    value_text TEXT,
    value_num DOUBLE PRECISION
);
CREATE INDEX crm_uf_value_owner ON crm_uf_value (field_id, owner_id);
CREATE INDEX crm_uf_value_entity ON crm_uf_value (entity_type, owner_id);
CREATE INDEX crm_uf_value_text ON crm_uf_value (field_id, value_text);
CREATE INDEX crm_uf_value_num ON crm_uf_value (field_id, value_num);

-- Files of file-type user fields, base64 text so both backends store them alike.
CREATE TABLE crm_file (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    content TEXT NOT NULL,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- History of every record: type is 'created', 'field_changed' (data {field, old, new}),
-- 'stage_changed' (data {field, old, new, semantic, dictionary}), and what later code adds
-- ('comment', 'activity', ...). data is a JSON object as text; author_id 0 is the system.
CREATE TABLE crm_timeline (
    id INTEGER PRIMARY KEY,
    owner_type INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    author_id INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX crm_timeline_owner ON crm_timeline (owner_type, owner_id, created_at);
CREATE INDEX crm_timeline_type ON crm_timeline (type, created_at);
