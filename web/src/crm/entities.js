// The CRM record types the screens know, keyed by the method family (crm.<name>.*, or
// crm.item.* for `item` types): entity type id, the timeline name, the stage field and its dictionary, and default list columns.
export const ENTITIES = {
    lead: {
        typeId: 1,
        many: 'nav.leads',
        one: 'crm.one.lead',
        stage: 'STATUS_ID',
        dict: 'STATUS',
        columns: ['ID', 'TITLE', 'NAME', 'LAST_NAME', 'STATUS_ID', 'OPPORTUNITY', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    },
    deal: {
        typeId: 2,
        many: 'nav.deals',
        one: 'crm.one.deal',
        stage: 'STAGE_ID',
        dict: 'DEAL_STAGE',
        columns: ['ID', 'TITLE', 'STAGE_ID', 'OPPORTUNITY', 'COMPANY_ID', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    },
    contact: {
        typeId: 3,
        many: 'nav.contacts',
        one: 'crm.one.contact',
        columns: ['ID', 'NAME', 'LAST_NAME', 'POST', 'COMPANY_ID', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    },
    company: {
        typeId: 4,
        many: 'nav.companies',
        one: 'crm.one.company',
        columns: ['ID', 'TITLE', 'COMPANY_TYPE', 'INDUSTRY', 'REVENUE', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    },
    quote: {
        typeId: 7,
        many: 'nav.quotes',
        one: 'crm.one.quote',
        stage: 'STATUS_ID',
        dict: 'QUOTE_STATUS',
        columns: ['ID', 'TITLE', 'STATUS_ID', 'OPPORTUNITY', 'DEAL_ID', 'COMPANY_ID', 'DATE_CREATE'],
    },
    // invoices live in crm.item.* only (see records.js)
    invoice: {
        typeId: 31,
        item: 31,
        many: 'nav.invoices',
        one: 'crm.one.invoice',
        stage: 'STAGE_ID',
        dict: 'SMART_INVOICE_STAGE_1',
        columns: ['ID', 'TITLE', 'STAGE_ID', 'OPPORTUNITY', 'COMPANY_ID', 'CLOSEDATE', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    },
};

// Link field type ("crm_company") -> entity name.
export const LINK_TYPES = { crm_lead: 'lead', crm_deal: 'deal', crm_contact: 'contact', crm_company: 'company', crm_quote: 'quote' };

export const MULTI_TYPES = {
    PHONE: ['WORK', 'MOBILE', 'FAX', 'HOME', 'PAGER', 'OTHER'],
    EMAIL: ['WORK', 'HOME', 'OTHER'],
    WEB: ['WORK', 'HOME', 'OTHER'],
    IM: ['TELEGRAM', 'SKYPE', 'VIBER', 'OTHER'],
    LINK: ['OTHER'],
};

export function recordTitle(entity, r) {
    if (!r) return '';
    const person = [r.NAME, r.LAST_NAME].filter(Boolean).join(' ');
    if (entity === 'contact') return person || `#${r.ID}`;
    return r.TITLE || person || `#${r.ID}`;
}

// The fields that name a record, as a list may select them (unknown names are refused).
export function titleSelect(entity) {
    return entity === 'contact' ? ['ID', 'NAME', 'LAST_NAME'] : entity === 'lead' ? ['ID', 'TITLE', 'NAME', 'LAST_NAME'] : ['ID', 'TITLE'];
}
