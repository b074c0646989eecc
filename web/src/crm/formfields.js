// Turns crm.<x>.fields into form field descriptors: required fields from isRequired, types
// from the field type (dictionaries become selects, Y/N a checkbox, PHONE/EMAIL rows of values
// checked for format), and the values back into the `fields` object a write sends.
import { t } from '../i18n/index.js';
import { LINK_TYPES, MULTI_TYPES, recordTitle } from './entities.js';
import { userName } from './meta.js';

// Technical fields a person does not edit in the form.
const HIDDEN =
    /^(ORIGINATOR_ID|ORIGIN_ID|ORIGIN_VERSION|UTM_.*|LOCATION_ID|FACE_ID|PARENT_ID_(?!2$).*|IS_MANUAL_OPPORTUNITY|IS_RECURRING|CONTACT_IDS|COMPANY_IDS|LEAD_ID|QUOTE_ID|CATEGORY_ID|ADDRESS_LOC_ADDR_ID|REG_ADDRESS.*|ADDRESS_COUNTRY_CODE|IS_RETURN_CUSTOMER|IS_REPEATED_APPROACH|WEBFORM_ID|IM|LINK|PERSON_TYPE_ID|CLIENT_TP_ID|CLIENT_TPA_ID|MYCOMPANY_ID|EXPORT|PHOTO|LOGO)$/;
const LONG = /(COMMENTS|DESCRIPTION|ADDITIONAL_INFO|CONTENT|TERMS|BANKING_DETAILS|ADDRESS_LEGAL)$/;
const FIRST = [
    'TITLE',
    'HONORIFIC',
    'NAME',
    'SECOND_NAME',
    'LAST_NAME',
    'COMPANY_TITLE',
    'STATUS_ID',
    'STAGE_ID',
    'TYPE_ID',
    'COMPANY_TYPE',
    'OPPORTUNITY',
    'CURRENCY_ID',
    'PHONE',
    'EMAIL',
    'WEB',
    'COMPANY_ID',
    'CONTACT_ID',
    'DEAL_ID',
    'ASSIGNED_BY_ID',
];

// ctx: {dicts, users, currencies, links: {company: rows, ...}, categoryId}
export function describe(fields, ctx, editing, entity) {
    const names = Object.keys(fields).filter((n) => {
        const f = fields[n];
        if (f.isReadOnly || (editing && f.isImmutable) || HIDDEN.test(n) || n === 'ID') return false;
        if (f.type === 'crm_category' && editing) return false;
        if (f.isMultiple && f.type !== 'crm_multifield') return false;
        if (['file', 'location', 'crm_entity', 'iblock_element', 'iblock_section'].includes(f.type)) return false;
        return true;
    });
    names.sort((a, b) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99));
    return names.map((n) => {
        const f = fields[n];
        const d = { name: n, label: f.title || n, required: !!f.isRequired };
        switch (f.type) {
            case 'integer':
                return { ...d, type: 'int', max: 18 };
            case 'double':
                return { ...d, type: 'number', max: 24 };
            case 'char':
            case 'boolean':
                return { ...d, type: 'checkbox', required: false };
            case 'date':
                return { ...d, type: 'date' };
            case 'datetime':
                return { ...d, type: 'datetime' };
            case 'crm_status': {
                const dict =
                    n === 'STAGE_ID' && entity === 'deal' && Number(ctx.categoryId) ? `DEAL_STAGE_${Number(ctx.categoryId)}` : f.statusType;
                return { ...d, type: 'select', options: (ctx.dicts[dict] || []).map((s) => ({ value: s.STATUS_ID, label: s.NAME })) };
            }
            case 'user':
            case 'employee':
                return {
                    ...d,
                    type: 'select',
                    options: (ctx.users || []).map((u) => ({ value: String(u.ID), label: userName(ctx.users, u.ID) })),
                };
            case 'crm_currency':
                return {
                    ...d,
                    type: 'select',
                    options: (ctx.currencies || []).map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` })),
                };
            case 'crm_category':
                return {
                    ...d,
                    type: 'select',
                    options: (ctx.pipelines || []).map((p) => ({ value: String(p.id), label: p.name || t('crm.generalPipeline') })),
                };
            case 'crm_multifield':
                return { ...d, type: 'multi', kind: n, types: MULTI_TYPES[n] || ['WORK', 'OTHER'] };
            default:
                if (LINK_TYPES[f.type]) {
                    const ent = LINK_TYPES[f.type];
                    return {
                        ...d,
                        type: 'select',
                        link: true,
                        options: (ctx.links?.[ent] || []).map((r) => ({ value: String(r.ID), label: recordTitle(ent, r) })),
                    };
                }
                return { ...d, type: LONG.test(n) ? 'textarea' : 'text', max: LONG.test(n) ? 10000 : 255 };
        }
    });
}

// A record's values as the form holds them.
export function toForm(desc, rec) {
    const v = {};
    for (const d of desc) {
        const x = rec?.[d.name];
        if (d.type === 'checkbox') v[d.name] = x === 'Y' || x === true;
        else if (d.type === 'multi')
            v[d.name] = Array.isArray(x) ? x.map((r) => ({ ID: r.ID, VALUE: r.VALUE, VALUE_TYPE: r.VALUE_TYPE })) : [];
        else if (d.type === 'date') v[d.name] = x ? String(x).slice(0, 10) : '';
        else if (d.type === 'datetime') v[d.name] = x ? localInput(x) : '';
        else if (d.link && (x === 0 || x === '0')) v[d.name] = '';
        else v[d.name] = x === null || x === undefined ? '' : String(x);
    }
    return v;
}

function localInput(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return '';
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// The `fields` object to send: on update only what changed.
export function fromForm(desc, values, before) {
    const out = {};
    for (const d of desc) {
        let v = values[d.name];
        if (d.type === 'checkbox') v = v ? 'Y' : 'N';
        else if (d.type === 'multi') {
            v = (v || [])
                .filter((r) => r.ID || String(r.VALUE || '').trim())
                .map((r) =>
                    r.ID
                        ? { ID: r.ID, VALUE: String(r.VALUE || '').trim(), VALUE_TYPE: r.VALUE_TYPE, ...(r.removed ? { DELETE: 'Y' } : {}) }
                        : { VALUE: String(r.VALUE).trim(), VALUE_TYPE: r.VALUE_TYPE },
                );
            if (
                before &&
                JSON.stringify(v) ===
                    JSON.stringify(
                        toForm([d], before)
                            [d.name].filter((r) => r.ID)
                            .map((r) => ({ ID: r.ID, VALUE: r.VALUE, VALUE_TYPE: r.VALUE_TYPE })),
                    )
            )
                continue;
            if (!before && !v.length) continue;
            out[d.name] = v;
            continue;
        } else if (d.type === 'number')
            v = String(v ?? '')
                .trim()
                .replace(',', '.');
        else if (d.type === 'datetime') v = v ? new Date(v).toISOString() : '';
        else if (typeof v === 'string') v = v.trim();
        if (before) {
            const old = toForm([d], before)[d.name];
            const oldOut =
                d.type === 'checkbox' ? (old ? 'Y' : 'N') : d.type === 'datetime' ? (old ? new Date(old).toISOString() : '') : old;
            if (String(oldOut ?? '') === String(v ?? '')) continue;
        } else if (v === '' || v === undefined) continue;
        out[d.name] = d.link && v === '' ? 0 : v;
    }
    return out;
}
