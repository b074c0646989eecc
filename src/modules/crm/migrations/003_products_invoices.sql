-- Products (crm.product.*), product rows of deals, leads, quotes and smart invoices, and the
-- smart invoice entity (crm.item entityTypeId 31) with its one pipeline's stages. Amounts are
-- DOUBLE PRECISION rounded to 2 decimals by the code; owner_type of a row is the protocol's
-- letter code ('D', 'L', 'Q', 'SI'). Portable SQL only: the same file runs on PostgreSQL.

CREATE TABLE crm_product (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    active TEXT,
    catalog_id INTEGER,
    section_id INTEGER,
    price DOUBLE PRECISION,
    currency_id TEXT,
    description TEXT,
    description_type TEXT,
    measure INTEGER,
    vat_id INTEGER,
    vat_included TEXT,
    sort INTEGER,
    xml_id TEXT,
    created_by INTEGER,
    modified_by INTEGER,
    date_create BIGINT,
    timestamp_x BIGINT
);
CREATE INDEX crm_product_name ON crm_product (name);
CREATE INDEX crm_product_section ON crm_product (section_id);
CREATE INDEX crm_product_xml_id ON crm_product (xml_id);

-- One row per product line. price is the final unit price (after discount, tax inside);
-- price_exclusive is without tax, price_netto without discount and tax, price_brutto without
-- discount with tax; discount_sum is per unit. product_id 0 is a free-text row.
CREATE TABLE crm_product_row (
    id INTEGER PRIMARY KEY,
    owner_type TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL DEFAULT 0,
    product_name TEXT,
    price DOUBLE PRECISION NOT NULL DEFAULT 0,
    price_exclusive DOUBLE PRECISION NOT NULL DEFAULT 0,
    price_netto DOUBLE PRECISION NOT NULL DEFAULT 0,
    price_brutto DOUBLE PRECISION NOT NULL DEFAULT 0,
    quantity DOUBLE PRECISION NOT NULL DEFAULT 1,
    discount_type_id INTEGER NOT NULL DEFAULT 2,
    discount_rate DOUBLE PRECISION NOT NULL DEFAULT 0,
    discount_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    tax_rate DOUBLE PRECISION,
    tax_included TEXT NOT NULL DEFAULT 'N',
    measure_code INTEGER,
    measure_name TEXT,
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX crm_product_row_owner ON crm_product_row (owner_type, owner_id, sort);
CREATE INDEX crm_product_row_product ON crm_product_row (product_id);

CREATE TABLE crm_invoice (
    id INTEGER PRIMARY KEY,
    title TEXT,
    xml_id TEXT,
    account_number TEXT,
    category_id INTEGER NOT NULL DEFAULT 1,
    stage_id TEXT,
    previous_stage_id TEXT,
    begindate TEXT,
    closedate TEXT,
    opened TEXT,
    comments TEXT,
    company_id INTEGER,
    contact_id INTEGER,
    mycompany_id INTEGER,
    currency_id TEXT,
    opportunity DOUBLE PRECISION,
    is_manual_opportunity TEXT,
    tax_value DOUBLE PRECISION,
    parent_id_2 INTEGER,
    assigned_by_id INTEGER,
    created_by_id INTEGER,
    modify_by_id INTEGER,
    date_create BIGINT,
    date_modify BIGINT,
    moved_by_id INTEGER,
    moved_time BIGINT,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    utm_content TEXT,
    utm_term TEXT,
    last_activity_time BIGINT,
    last_activity_by INTEGER
);
CREATE INDEX crm_invoice_stage ON crm_invoice (stage_id);
CREATE INDEX crm_invoice_assigned ON crm_invoice (assigned_by_id);
CREATE INDEX crm_invoice_date_create ON crm_invoice (date_create);
CREATE INDEX crm_invoice_parent_deal ON crm_invoice (parent_id_2);
CREATE INDEX crm_invoice_company ON crm_invoice (company_id);
CREATE INDEX crm_invoice_contact ON crm_invoice (contact_id);

-- The smart invoice pipeline 1: new and sent are in progress, paid is the success, declined
-- the failure. Stage ids follow Bitrix24's DT31_<pipeline>:<code>.
INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('SMART_INVOICE_STAGE_1', 'DT31_1:N', 'New', 'New', 10, 1, 1, '#39A8EF', NULL),
    ('SMART_INVOICE_STAGE_1', 'DT31_1:S', 'Sent to client', 'Sent to client', 20, 1, 1, '#2FC6F6', NULL),
    ('SMART_INVOICE_STAGE_1', 'DT31_1:P', 'Paid', 'Paid', 30, 1, 1, '#7BD500', 'S'),
    ('SMART_INVOICE_STAGE_1', 'DT31_1:D', 'Declined', 'Declined', 40, 1, 1, '#FF5752', 'F');
