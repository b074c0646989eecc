-- Default dictionaries, the default deal pipeline (id 0) and a few currencies (USD is the
-- base). Rows seeded here are SYSTEM: crm.status.delete removes them only with FORCED=Y.

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('STATUS', 'NEW', 'New', 'New', 10, 1, NULL, '#39A8EF', NULL),
    ('STATUS', 'IN_PROCESS', 'In progress', 'In progress', 20, 1, NULL, '#2FC6F6', NULL),
    ('STATUS', 'PROCESSED', 'Processed', 'Processed', 30, 1, NULL, '#55D0E0', NULL),
    ('STATUS', 'CONVERTED', 'Good lead', 'Good lead', 40, 1, NULL, '#7BD500', 'S'),
    ('STATUS', 'JUNK', 'Junk lead', 'Junk lead', 50, 1, NULL, '#FF5752', 'F');

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('SOURCE', 'CALL', 'Call', 'Call', 10, 1, NULL, NULL, NULL),
    ('SOURCE', 'EMAIL', 'E-Mail', 'E-Mail', 20, 1, NULL, NULL, NULL),
    ('SOURCE', 'WEB', 'Website', 'Website', 30, 1, NULL, NULL, NULL),
    ('SOURCE', 'ADVERTISING', 'Advertising', 'Advertising', 40, 1, NULL, NULL, NULL),
    ('SOURCE', 'PARTNER', 'Existing client', 'Existing client', 50, 1, NULL, NULL, NULL),
    ('SOURCE', 'RECOMMENDATION', 'By recommendation', 'By recommendation', 60, 1, NULL, NULL, NULL),
    ('SOURCE', 'TRADE_SHOW', 'Show/Exhibition', 'Show/Exhibition', 70, 1, NULL, NULL, NULL),
    ('SOURCE', 'WEBFORM', 'CRM form', 'CRM form', 80, 1, NULL, NULL, NULL),
    ('SOURCE', 'CALLBACK', 'Callback', 'Callback', 90, 1, NULL, NULL, NULL),
    ('SOURCE', 'RC_GENERATOR', 'Sales boost', 'Sales boost', 100, 1, NULL, NULL, NULL),
    ('SOURCE', 'STORE', 'Online store', 'Online store', 110, 1, NULL, NULL, NULL),
    ('SOURCE', 'OTHER', 'Other', 'Other', 120, 1, NULL, NULL, NULL);

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('CONTACT_TYPE', 'CLIENT', 'Clients', 'Clients', 10, 1, NULL, NULL, NULL),
    ('CONTACT_TYPE', 'SUPPLIER', 'Suppliers', 'Suppliers', 20, 1, NULL, NULL, NULL),
    ('CONTACT_TYPE', 'PARTNER', 'Partners', 'Partners', 30, 1, NULL, NULL, NULL),
    ('CONTACT_TYPE', 'OTHER', 'Other', 'Other', 40, 1, NULL, NULL, NULL);

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('COMPANY_TYPE', 'CUSTOMER', 'Client', 'Client', 10, 1, NULL, NULL, NULL),
    ('COMPANY_TYPE', 'SUPPLIER', 'Supplier', 'Supplier', 20, 1, NULL, NULL, NULL),
    ('COMPANY_TYPE', 'COMPETITOR', 'Competitor', 'Competitor', 30, 1, NULL, NULL, NULL),
    ('COMPANY_TYPE', 'PARTNER', 'Partner', 'Partner', 40, 1, NULL, NULL, NULL),
    ('COMPANY_TYPE', 'OTHER', 'Other', 'Other', 50, 1, NULL, NULL, NULL);

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('EMPLOYEES', 'EMPLOYEES_1', 'fewer than 50', 'fewer than 50', 10, 1, NULL, NULL, NULL),
    ('EMPLOYEES', 'EMPLOYEES_2', '50-250', '50-250', 20, 1, NULL, NULL, NULL),
    ('EMPLOYEES', 'EMPLOYEES_3', '250-500', '250-500', 30, 1, NULL, NULL, NULL),
    ('EMPLOYEES', 'EMPLOYEES_4', 'over 500', 'over 500', 40, 1, NULL, NULL, NULL);

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('INDUSTRY', 'IT', 'Information Technology', 'Information Technology', 10, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'TELECOM', 'Telecommunication', 'Telecommunication', 20, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'MANUFACTURING', 'Manufacturing', 'Manufacturing', 30, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'BANKING', 'Banking Services', 'Banking Services', 40, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'CONSULTING', 'Consulting', 'Consulting', 50, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'FINANCE', 'Finance', 'Finance', 60, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'GOVERNMENT', 'Government', 'Government', 70, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'DELIVERY', 'Delivery', 'Delivery', 80, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'ENTERTAINMENT', 'Entertainment', 'Entertainment', 90, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'NOTPROFIT', 'Non-profit', 'Non-profit', 100, 1, NULL, NULL, NULL),
    ('INDUSTRY', 'OTHER', 'Other', 'Other', 110, 1, NULL, NULL, NULL);

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('DEAL_TYPE', 'SALE', 'Sales', 'Sales', 10, 1, NULL, NULL, NULL),
    ('DEAL_TYPE', 'COMPLEX', 'Integrated sale', 'Integrated sale', 20, 1, NULL, NULL, NULL),
    ('DEAL_TYPE', 'GOODS', 'Merchandise sales', 'Merchandise sales', 30, 1, NULL, NULL, NULL),
    ('DEAL_TYPE', 'SERVICES', 'Service sales', 'Service sales', 40, 1, NULL, NULL, NULL),
    ('DEAL_TYPE', 'SERVICE', 'After-sales service', 'After-sales service', 50, 1, NULL, NULL, NULL);

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('DEAL_STAGE', 'NEW', 'New', 'New', 10, 1, 0, '#39A8EF', NULL),
    ('DEAL_STAGE', 'PREPARATION', 'Document preparation', 'Document preparation', 20, 1, 0, '#2FC6F6', NULL),
    ('DEAL_STAGE', 'PREPAYMENT_INVOICE', 'Invoice', 'Invoice', 30, 1, 0, '#55D0E0', NULL),
    ('DEAL_STAGE', 'EXECUTING', 'In progress', 'In progress', 40, 1, 0, '#47E4C2', NULL),
    ('DEAL_STAGE', 'FINAL_INVOICE', 'Final invoice', 'Final invoice', 50, 1, 0, '#FFA900', NULL),
    ('DEAL_STAGE', 'WON', 'Deal won', 'Deal won', 60, 1, 0, '#7BD500', 'S'),
    ('DEAL_STAGE', 'LOSE', 'Deal lost', 'Deal lost', 70, 1, 0, '#FF5752', 'F'),
    ('DEAL_STAGE', 'APOLOGY', 'Analyze failure', 'Analyze failure', 80, 1, 0, '#FF5752', 'F');

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('QUOTE_STATUS', 'DRAFT', 'New', 'New', 10, 1, NULL, '#39A8EF', NULL),
    ('QUOTE_STATUS', 'SENT', 'Sent to client', 'Sent to client', 20, 1, NULL, '#2FC6F6', NULL),
    ('QUOTE_STATUS', 'RECEIVED', 'Received', 'Received', 30, 1, NULL, '#55D0E0', NULL),
    ('QUOTE_STATUS', 'APPROVED', 'Approved', 'Approved', 40, 1, NULL, '#7BD500', 'S'),
    ('QUOTE_STATUS', 'DECLINED', 'Declined', 'Declined', 50, 1, NULL, '#FF5752', 'F');

INSERT INTO crm_status (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) VALUES
    ('HONORIFIC', 'HNR_EN_1', 'Mr.', 'Mr.', 10, 1, NULL, NULL, NULL),
    ('HONORIFIC', 'HNR_EN_2', 'Mrs.', 'Mrs.', 20, 1, NULL, NULL, NULL),
    ('HONORIFIC', 'HNR_EN_3', 'Ms.', 'Ms.', 30, 1, NULL, NULL, NULL),
    ('HONORIFIC', 'HNR_EN_4', 'Dr.', 'Dr.', 40, 1, NULL, NULL, NULL);

INSERT INTO crm_category (id, entity_type_id, name, sort, is_default, created_at) VALUES (0, 2, 'General', 0, 1, 0);

INSERT INTO crm_currency (currency, full_name, amount_cnt, amount, sort, base, format_string, dec_point, thousands_sep, decimals, date_update) VALUES
    ('USD', 'US Dollar', 1, 1, 100, 1, '$#', '.', ',', 2, 0),
    ('EUR', 'Euro', 1, 1.08, 200, 0, '&euro;#', '.', ',', 2, 0),
    ('GBP', 'British Pound Sterling', 1, 1.27, 300, 0, '&pound;#', '.', ',', 2, 0),
    ('BRL', 'Brazilian Real', 1, 0.18, 400, 0, 'R$ #', ',', '.', 2, 0),
    ('KES', 'Kenyan Shilling', 1, 0.0078, 500, 0, 'KSh #', '.', ',', 2, 0),
    ('TZS', 'Tanzanian Shilling', 1, 0.00038, 600, 0, 'TSh #', '.', ',', 0, 0),
    ('UGX', 'Ugandan Shilling', 1, 0.00027, 700, 0, 'USh #', '.', ',', 0, 0),
    ('NGN', 'Nigerian Naira', 1, 0.00065, 800, 0, '&#8358;#', '.', ',', 2, 0),
    ('ZAR', 'South African Rand', 1, 0.055, 900, 0, 'R #', '.', ' ', 2, 0),
    ('INR', 'Indian Rupee', 1, 0.012, 1000, 0, '&#8377;#', '.', ',', 2, 0);
