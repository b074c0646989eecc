// The duplicate warning of the create forms: while phones and e-mails are typed, kazi's
// crm.duplicate.findbycomm looks for leads, contacts and companies with the same (normalised)
// number or address, and the form shows what it found with links. It never blocks saving.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../h.js';
import { batch, has } from '../api.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';

const KINDS = { LEAD: 'lead', CONTACT: 'contact', COMPANY: 'company' };

function valuesOf(v) {
    return (Array.isArray(v) ? v : [])
        .map((r) => String(r?.VALUE ?? '').trim())
        .filter((s) => s.length >= 5)
        .slice(0, 20);
}

// values: the form's current values; shown for leads, contacts and companies being created.
export function DuplicateWarning({ values }) {
    const [found, setFound] = useState([]);
    const phones = valuesOf(values?.PHONE).join('\n');
    const emails = valuesOf(values?.EMAIL).join('\n');
    useEffect(() => {
        if (!has('crm.duplicate.findbycomm') || (!phones && !emails)) {
            setFound([]);
            return undefined;
        }
        let live = true;
        const timer = setTimeout(async () => {
            const cmds = {};
            if (phones) cmds.phone = ['crm.duplicate.findbycomm', { type: 'PHONE', values: phones.split('\n') }];
            if (emails) cmds.email = ['crm.duplicate.findbycomm', { type: 'EMAIL', values: emails.split('\n') }];
            const r = await batch(cmds).catch(() => null);
            if (!live || !r) return;
            const seen = new Set(),
                out = [];
            for (const res of Object.values(r.result || {})) {
                for (const [kind, ids] of Object.entries(res || {})) {
                    for (const id of ids || []) {
                        const key = `${kind}:${id}`;
                        if (KINDS[kind] && !seen.has(key)) {
                            seen.add(key);
                            out.push({ entity: KINDS[kind], id });
                        }
                    }
                }
            }
            setFound(out);
        }, 500);
        return () => {
            live = false;
            clearTimeout(timer);
        };
    }, [phones, emails]);
    if (!found.length) return null;
    return html`<div class="dup-warning" role="status" data-testid="duplicates">
        <strong>${t('dup.title')}</strong> ${t('dup.text')}
        <ul class="plain">${found.slice(0, 10).map((f) => html`<li key=${`${f.entity}${f.id}`}><${Link} href=${`/crm/${f.entity}/${f.id}`}>${t(`dup.${f.entity}`)} #${f.id}<//></li>`)}</ul>
    </div>`;
}
