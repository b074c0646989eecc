// How a CRM field value reads on screen, by the field's type from crm.<x>.fields: dictionary
// names, user names, money and dates in the user's locale, linked records as links,
// multi-value phones and e-mails as lists.
import { html } from '../h.js';
import { fmtDate, fmtDateTime, fmtMoney, fmtNumber, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { LINK_TYPES, titleSelect } from './entities.js';
import { statusName, userName } from './meta.js';

const MONEY = new Set(['OPPORTUNITY', 'REVENUE', 'TAX_VALUE']);

// ctx: {dicts: {ENTITY_ID: rows}, users, titles: {"company:5": "Acme"}, pipelines}
export function fieldText(name, f, v, row, ctx) {
    if (v === null || v === undefined || v === '') return '';
    switch (f?.type) {
        case 'crm_status':
            return statusName(ctx.dicts?.[f.statusType], v);
        case 'user':
            return userName(ctx.users, v);
        case 'double':
            return MONEY.has(name) && row?.CURRENCY_ID ? fmtMoney(v, row.CURRENCY_ID) : fmtNumber(v);
        case 'integer':
            return name === 'ID' ? String(v) : fmtNumber(v);
        case 'date':
            return fmtDate(v);
        case 'datetime':
            return fmtDateTime(v);
        case 'char':
            return v === 'Y' ? t('common.yes') : v === 'N' ? t('common.no') : String(v);
        // record types with one pipeline (invoices) have no pipeline list: it is the general one
        case 'crm_category':
            return (
                (ctx.pipelines || []).find((p) => p.id === Number(v))?.name ||
                (Number(v) && ctx.pipelines?.length ? `#${v}` : t('crm.generalPipeline'))
            );
        case 'crm_multifield':
            return (v || []).map((x) => x.VALUE).join(', ');
        default:
            if (LINK_TYPES[f?.type]) return Number(v) ? ctx.titles?.[`${LINK_TYPES[f.type]}:${v}`] || `#${v}` : '';
            if (Array.isArray(v)) return v.join(', ');
            if (typeof v === 'object') return JSON.stringify(v);
            return String(v);
    }
}

export function FieldValue({ name, f, v, row, ctx }) {
    if (f?.type === 'crm_multifield' && Array.isArray(v)) {
        return html`<ul>${v.map((x) => {
            const href =
                name === 'EMAIL'
                    ? `mailto:${x.VALUE}`
                    : name === 'PHONE'
                      ? `tel:${String(x.VALUE).replace(/[^\d+]/g, '')}`
                      : name === 'WEB' && /^https?:\/\//.test(x.VALUE)
                        ? x.VALUE
                        : null;
            return html`<li key=${x.ID || x.VALUE}>${href ? html`<a href=${href} rel="noopener noreferrer">${x.VALUE}</a>` : x.VALUE}
                ${x.VALUE_TYPE ? html` <span class="muted small">${t(`vt.${x.VALUE_TYPE}`)}</span>` : null}</li>`;
        })}</ul>`;
    }
    if (LINK_TYPES[f?.type] && Number(v)) {
        return html`<${Link} href=${`/crm/${LINK_TYPES[f.type]}/${v}`}>${fieldText(name, f, v, row, ctx)}<//>`;
    }
    return fieldText(name, f, v, row, ctx);
}

// Fetches titles of linked records named in rows: {"company:5": "Acme", ...}. One batch call.
export async function linkTitles(rows, fieldDesc, batchFn) {
    const want = {};
    for (const [name, f] of Object.entries(fieldDesc)) {
        const ent = LINK_TYPES[f.type];
        if (!ent) continue;
        for (const r of rows) {
            const vals = Array.isArray(r[name]) ? r[name] : [r[name]];
            for (const v of vals) if (Number(v)) (want[ent] ||= new Set()).add(Number(v));
        }
    }
    const ents = Object.keys(want);
    if (!ents.length) return {};
    const cmds = {};
    ents.forEach((e) => {
        const ids = [...want[e]].slice(0, 50);
        cmds[e] = [`crm.${e}.list`, { filter: { '@ID': ids }, select: titleSelect(e), start: -1 }];
    });
    const out = {};
    try {
        const r = await batchFn(cmds);
        for (const e of ents)
            for (const x of r.result?.[e] || [])
                out[`${e}:${x.ID}`] = x.TITLE || [x.NAME, x.LAST_NAME].filter(Boolean).join(' ') || `#${x.ID}`;
    } catch {
        /* titles are a nicety: ids still show */
    }
    return out;
}
