// The filter bar of the CRM lists: text, stage, responsible, and under "More" an amount range
// and creation dates; plus the user's saved filters (name, values and sort order), kept on the
// server with user.option.* so they follow the user to any browser. Values are checked before
// a list is asked for; a wrong one is shown at its field and nothing is sent.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { has } from '../api.js';
import { t } from '../i18n/index.js';
import { Confirm, Modal, toast } from '../ui/kit.js';
import { Form, UNSIGNED_RE, toNumber as num } from '../ui/form.js';
import { Icon } from '../ui/icons.js';
import { option, saveOption } from '../options.js';
import * as meta from './meta.js';

export const EMPTY = { text: '', stage: '', user: '', min: '', max: '', from: '', to: '' };
const NAME_MAX = 60;
const SAVED_MAX = 30;
const savedKey = (entity) => `crm.filters.${entity}`;

// {field: message} for the values that are wrong.
function check(d) {
    const e = {};
    for (const k of ['min', 'max']) if (d[k] !== '' && !UNSIGNED_RE.test(String(d[k]).trim())) e[k] = t('v.number');
    if (!e.min && !e.max && d.min !== '' && d.max !== '' && num(d.min) > num(d.max)) e.max = t('crm.f.maxBelowMin');
    if (d.from && d.to && d.from > d.to) e.to = t('crm.f.toBeforeFrom');
    return e;
}

// The crm.*.list filter for the bar's values.
export function toFilter(d, textField, stageField) {
    const f = {};
    if (d.text.trim()) f[`%${textField}`] = d.text.trim().slice(0, 200);
    if (d.stage && stageField) f[stageField] = d.stage;
    if (d.user) f.ASSIGNED_BY_ID = Number(d.user);
    if (d.min !== '') f['>=OPPORTUNITY'] = num(d.min);
    if (d.max !== '') f['<=OPPORTUNITY'] = num(d.max);
    if (d.from) f['>=DATE_CREATE'] = `${d.from}T00:00:00`;
    if (d.to) f['<=DATE_CREATE'] = `${d.to}T23:59:59`;
    return f;
}

function SaveDialog({ saved, onSave, onClose }) {
    const fields = [
        {
            name: 'name',
            label: t('crm.f.name'),
            required: true,
            max: NAME_MAX,
            check: (v) =>
                !saved.some((s) => s.name === String(v).trim()) && saved.length >= SAVED_MAX ? t('crm.f.tooMany', { max: SAVED_MAX }) : '',
        },
    ];
    return html`<${Modal} title=${t('crm.f.save')} onClose=${onClose}>
        <p class="muted">${t('crm.f.saveHint')}</p>
        <${Form} id="save-filter" fields=${fields} submitLabel=${t('common.save')} onCancel=${onClose}
            onSubmit=${async (v) => {
                await onSave(String(v.name).trim());
                onClose();
            }} />
    <//>`;
}

// ctx: {fields, users}; stageRows: the stage dictionary; order / onApply(filter, order?).
export function FilterBar({ entity, ctx, textField, stageField, stageRows, order, onApply }) {
    const [draft, setDraft] = useState(EMPTY);
    const [errors, setErrors] = useState({});
    const [more, setMore] = useState(false);
    const [saved, setSaved] = useState(() => option(savedKey(entity), []));
    const [chosen, setChosen] = useState('');
    const [dialog, setDialog] = useState('');
    const fields = ctx?.fields || {};
    const amount = !!fields.OPPORTUNITY;
    const canSave = has('user.option.set');
    const set = (k, v) => {
        setDraft({ ...draft, [k]: v });
        setChosen('');
    };

    const run = (d, o) => {
        const e = check(d);
        setErrors(e);
        if (Object.keys(e).length) {
            if (e.min || e.max || e.to) setMore(true);
            setTimeout(() => document.querySelector('.filters [aria-invalid="true"]')?.focus(), 0);
            return;
        }
        onApply(toFilter(d, textField, stageField), o);
    };
    const store = async (list) => {
        await saveOption(savedKey(entity), list.length ? list : null);
        setSaved(list);
    };
    const pick = (name) => {
        setChosen(name);
        const s = saved.find((x) => x.name === name);
        if (!s) return;
        const d = { ...EMPTY, ...s.draft };
        setDraft(d);
        setMore(!!(d.min || d.max || d.from || d.to));
        run(d, s.order);
    };
    const reset = () => {
        setDraft(EMPTY);
        setErrors({});
        setChosen('');
        onApply({});
    };
    const input = (k, type, label) => html`<label class="filter-field"><span>${label}</span>
        <input id=${`f-${k}`} type=${type} inputmode=${type === 'text' ? 'decimal' : undefined} value=${draft[k]} maxlength="20"
            aria-invalid=${errors[k] ? 'true' : undefined} aria-describedby=${errors[k] ? `f-${k}-err` : undefined}
            onInput=${(e) => set(k, e.target.value)} /></label>
        ${errors[k] && html`<p class="field-error" id=${`f-${k}-err`} role="alert">${errors[k]}</p>`}`;

    return html`<div class="filter-bar"><form class="filters" role="search" aria-label=${t('common.filters')} onSubmit=${(e) => {
        e.preventDefault();
        setChosen('');
        run(draft, undefined);
    }}>
        <label class="visually-hidden" for="f-text">${fields[textField]?.title || textField}</label>
        <input id="f-text" type="search" maxlength="200" placeholder=${t('crm.searchField', { field: fields[textField]?.title || textField })} value=${draft.text} onInput=${(e) => set('text', e.target.value)} />
        ${
            stageField &&
            html`<label class="visually-hidden" for="f-stage">${t('crm.stage')}</label>
            <select id="f-stage" value=${draft.stage} onChange=${(e) => set('stage', e.target.value)}>
                <option value="">${t('crm.anyStage')}</option>
                ${stageRows.map((s) => html`<option value=${s.STATUS_ID} selected=${draft.stage === s.STATUS_ID}>${s.NAME}</option>`)}
            </select>`
        }
        <label class="visually-hidden" for="f-user">${t('crm.responsible')}</label>
        <select id="f-user" value=${draft.user} onChange=${(e) => set('user', e.target.value)}>
            <option value="">${t('crm.anyone')}</option>
            ${(ctx?.users || []).map((u) => html`<option value=${u.ID} selected=${draft.user === String(u.ID)}>${meta.userName(ctx.users, u.ID)}</option>`)}
        </select>
        <button type="button" class="btn" aria-expanded=${more} aria-controls="f-more" onClick=${() => setMore(!more)}>${t('crm.f.more')}</button>
        <button type="submit" class="btn">${t('common.apply')}</button>
        <button type="button" class="btn" onClick=${reset}>${t('common.reset')}</button>
        ${
            (saved.length > 0 || canSave) &&
            html`<span class="saved-filters">
            ${
                saved.length > 0 &&
                html`<label class="visually-hidden" for="f-saved">${t('crm.f.saved')}</label>
                <select id="f-saved" value=${chosen} onChange=${(e) => pick(e.target.value)}>
                    <option value="">${t('crm.f.saved')}</option>
                    ${saved.map((s) => html`<option value=${s.name} selected=${chosen === s.name}>${s.name}</option>`)}
                </select>`
            }
            ${canSave && chosen && html`<button type="button" class="icon-btn" aria-label=${t('crm.f.delete', { name: chosen })} title=${t('crm.f.delete', { name: chosen })} onClick=${() => setDialog('delete')}><${Icon} name="trash" size=${16} /></button>`}
            ${canSave && html`<button type="button" class="btn" onClick=${() => setDialog('save')}><${Icon} name="star" size=${16} /> ${t('crm.f.save')}</button>`}
        </span>`
        }
        ${
            more &&
            html`<div class="filters-more" id="f-more">
            ${amount && input('min', 'text', t('crm.f.min'))}
            ${amount && input('max', 'text', t('crm.f.max'))}
            ${fields.DATE_CREATE && input('from', 'date', t('crm.f.from'))}
            ${fields.DATE_CREATE && input('to', 'date', t('crm.f.to'))}
        </div>`
        }
    </form>
        ${
            dialog === 'save' &&
            html`<${SaveDialog} saved=${saved} onClose=${() => setDialog('')} onSave=${async (name) => {
                const e = check(draft);
                if (Object.keys(e).length) {
                    setErrors(e);
                    throw new Error(t('crm.f.fixFirst'));
                }
                await store([...saved.filter((s) => s.name !== name), { name, draft, order }]);
                setChosen(name);
                toast(t('crm.f.saved1', { name }), 'ok');
            }} />`
        }
        ${
            dialog === 'delete' &&
            html`<${Confirm} title=${t('crm.f.deleteTitle')} text=${t('crm.f.deleteText', { name: chosen })} confirmLabel=${t('common.delete')} danger
            onClose=${() => setDialog('')} onConfirm=${async () => {
                await store(saved.filter((s) => s.name !== chosen));
                setChosen('');
            }} />`
        }
    </div>`;
}
