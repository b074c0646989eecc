// The lead conversion dialog: which records to make from the lead (contact, company, deal) and
// the deal's pipeline, then kazi's crm.lead.convert, which does it all in one transaction. After
// it succeeds the dialog links the new records; a refusal is shown as the server words it.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { has, rest } from '../api.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { errorText, Modal, toast, useAsync } from '../ui/kit.js';
import * as meta from './meta.js';

export function canConvert(entity, rec) {
    return entity === 'lead' && has('crm.lead.convert') && rec.STATUS_SEMANTIC_ID !== 'S' && rec.STATUS_SEMANTIC_ID !== 'F';
}

// onClose(changed): changed is true once the lead has been converted.
export function ConvertDialog({ lead, onClose }) {
    const [opt, setOpt] = useState({
        contact: !!(lead.NAME || lead.LAST_NAME) && !Number(lead.CONTACT_ID),
        company: !!lead.COMPANY_TITLE && !Number(lead.COMPANY_ID),
        deal: true,
        category: '0',
    });
    const [err, setErr] = useState('');
    const [busy, setBusy] = useState(false);
    const [made, setMade] = useState(null);
    const pipes = useAsync(() => meta.pipelines().catch(() => [{ id: 0, name: '' }]), []);
    const go = async (e) => {
        e.preventDefault();
        if (!opt.contact && !opt.company && !opt.deal) return setErr(t('conv.pickOne'));
        setErr('');
        setBusy(true);
        try {
            const r = await rest('crm.lead.convert', {
                id: Number(lead.ID),
                fields: {
                    CREATE_CONTACT: opt.contact ? 'Y' : 'N',
                    CREATE_COMPANY: opt.company ? 'Y' : 'N',
                    CREATE_DEAL: opt.deal ? 'Y' : 'N',
                    DEAL_CATEGORY_ID: Number(opt.category),
                },
            });
            setMade(r);
            toast(t('conv.done'), 'ok');
        } catch (ex) {
            setErr(errorText(ex));
        }
        setBusy(false);
    };
    const box = (name, label) =>
        html`<label class="check"><input type="checkbox" name=${name} checked=${opt[name]} onChange=${(e) => setOpt({ ...opt, [name]: e.target.checked })} /> ${label}</label>`;
    if (made) {
        const links = [
            ['deal', made.DEAL_ID, 'conv.openDeal'],
            ['contact', made.CONTACT_ID, 'conv.openContact'],
            ['company', made.COMPANY_ID, 'conv.openCompany'],
        ].filter(([, id]) => Number(id));
        const close = () => onClose(true);
        return html`<${Modal} title=${t('conv.title')} onClose=${close}>
            <p>${t('conv.doneText')}</p>
            <ul class="plain" data-testid="converted">${links.map(([e, id, label]) => html`<li key=${e}><${Link} href=${`/crm/${e}/${id}`}>${t(label)} #${id}<//></li>`)}</ul>
            <div class="form-actions"><button type="button" class="btn btn-primary" onClick=${close}>${t('common.close')}</button></div>
        <//>`;
    }
    return html`<${Modal} title=${t('conv.title')} onClose=${() => onClose(false)}>
        <form onSubmit=${go} class="form" id="convert">
            <p class="muted">${t('conv.intro')}</p>
            <fieldset class="checks-v"><legend>${t('conv.create')}</legend>
                ${box('contact', t('conv.contact'))}${box('company', t('conv.company'))}${box('deal', t('conv.deal'))}
            </fieldset>
            ${
                opt.deal &&
                (pipes.data || []).length > 1 &&
                html`<div class="field"><label for="conv-cat">${t('conv.pipeline')}</label>
                <select id="conv-cat" onChange=${(e) => setOpt({ ...opt, category: e.target.value })}>
                    ${pipes.data.map((p) => html`<option value=${p.id} selected=${String(p.id) === opt.category}>${p.name || t('crm.generalPipeline')}</option>`)}
                </select></div>`
            }
            ${err && html`<p class="form-error" role="alert">${err}</p>`}
            <div class="form-actions">
                <button type="button" class="btn" onClick=${() => onClose(false)}>${t('common.cancel')}</button>
                <button type="submit" class="btn btn-primary" disabled=${busy}>${busy ? t('common.saving') : t('conv.go')}</button>
            </div>
        </form>
    <//>`;
}
