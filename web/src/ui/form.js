// Forms described as data: each field {name, label, type, required, options, max, min, hint}.
// validate() checks them before anything is sent (required, e-mail, phone, numbers, lengths);
// errors are shown at the field (aria-invalid + aria-describedby) and focus moves to the first.
// A server error that names a field ('EMAIL') is shown at that field too.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../h.js';
import { t } from '../i18n/index.js';
import { Icon } from './icons.js';
import { errorText } from './kit.js';

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+?[0-9 ()./-]{3,40}$/;
export const TEXT_MAX = 255;
// A number of at least 0 as people type it (decimal point or comma), and its value.
export const UNSIGNED_RE = /^\d+([.,]\d+)?$/;
export const toNumber = (s) =>
    Number(
        String(s ?? '')
            .trim()
            .replace(',', '.'),
    );
export const LONG_TEXT_MAX = 10000;

function empty(v) {
    return (
        v === undefined ||
        v === null ||
        (typeof v === 'string' && v.trim() === '') ||
        (Array.isArray(v) && !v.some((x) => String(x?.VALUE ?? x ?? '').trim()))
    );
}

// The message for one field's value, or ''.
export function checkField(f, v) {
    if (f.type === 'checkbox') return '';
    if (empty(v)) return f.required ? t('v.required') : '';
    if (f.type === 'checks') return '';
    if (f.type === 'multi') {
        for (const row of v) {
            const s = String(row.VALUE ?? '').trim();
            if (!s) continue;
            if (s.length > TEXT_MAX) return t('v.tooLong', { max: TEXT_MAX });
            if (f.kind === 'EMAIL' && !EMAIL_RE.test(s)) return t('v.email');
            if (f.kind === 'PHONE' && !PHONE_RE.test(s)) return t('v.phone');
        }
        return '';
    }
    const s = String(v).trim();
    const max = f.max ?? (f.type === 'textarea' ? LONG_TEXT_MAX : TEXT_MAX);
    if (s.length > max) return t('v.tooLong', { max });
    if (f.min && s.length < f.min) return t('v.tooShort', { min: f.min });
    if (f.type === 'email' && !EMAIL_RE.test(s)) return t('v.email');
    if (f.type === 'int' && !/^-?\d+$/.test(s)) return t('v.integer');
    if (f.type === 'number' && !/^-?\d+([.,]\d+)?$/.test(s)) return t('v.number');
    return '';
}

export function validate(fields, values) {
    const errors = {};
    for (const f of fields) {
        const m =
            checkField(f, values[f.name]) ||
            (f.sameAs && values[f.name] !== values[f.sameAs] ? t('v.mismatch') : '') ||
            (f.check ? f.check(values[f.name], values) : '');
        if (m) errors[f.name] = m;
    }
    return errors;
}

function Control({ f, value, set, id, invalid, describedBy }) {
    const common = {
        id,
        name: f.name,
        'aria-invalid': invalid ? 'true' : undefined,
        'aria-describedby': describedBy,
        'aria-required': f.required ? 'true' : undefined,
    };
    switch (f.type) {
        case 'textarea':
            return html`<textarea ...${common} rows=${f.rows || 4} value=${value ?? ''} onInput=${(e) => set(e.target.value)} />`;
        case 'select':
            return html`<select ...${common} value=${value ?? ''} onChange=${(e) => set(e.target.value)}>
                ${!f.required || f.blank ? html`<option value="">${f.blank || '—'}</option>` : null}
                ${(f.options || []).map((o) => html`<option value=${o.value} selected=${String(o.value) === String(value ?? '')}>${o.label}</option>`)}
            </select>`;
        case 'checkbox':
            return html`<input type="checkbox" ...${common} checked=${!!value} onChange=${(e) => set(e.target.checked)} />`;
        case 'checks': {
            const set1 = new Set((value || []).map(String));
            const toggle = (v, on) => set([...(value || []).filter((x) => String(x) !== String(v)), ...(on ? [v] : [])]);
            return html`<div class="checks" id=${id} role="group" aria-labelledby=${`${id}-label`} aria-describedby=${describedBy}>
                ${
                    (f.options || []).length
                        ? f.options.map(
                              (o) => html`<label class="check" key=${o.value}>
                    <input type="checkbox" checked=${set1.has(String(o.value))} onChange=${(e) => toggle(o.value, e.target.checked)} /> ${o.label}</label>`,
                          )
                        : html`<span class="muted">${f.emptyText || '—'}</span>`
                }
            </div>`;
        }
        case 'multi':
            return html`<${MultiField} f=${f} value=${value || []} set=${set} id=${id} common=${common} />`;
        default: {
            const type =
                { email: 'email', password: 'password', int: 'text', number: 'text', date: 'date', datetime: 'datetime-local' }[f.type] ||
                'text';
            const mode = f.type === 'int' ? 'numeric' : f.type === 'number' ? 'decimal' : undefined;
            return html`<input type=${type} inputmode=${mode} autocomplete=${f.autocomplete} ...${common} value=${value ?? ''} onInput=${(e) => set(e.target.value)} />`;
        }
    }
}

// PHONE / EMAIL / WEB / IM: rows of {VALUE, VALUE_TYPE}; a removed row with an ID is kept with
// an empty VALUE so an update deletes it.
function MultiField({ f, value, set, id, common }) {
    const rows = value.filter((r) => !r.removed);
    const update = (i, patch) => {
        let n = -1;
        set(value.map((r) => (!r.removed && ++n === i ? { ...r, ...patch } : r)));
    };
    const remove = (i) => {
        let n = -1;
        set(value.flatMap((r) => (!r.removed && ++n === i ? (r.ID ? [{ ...r, removed: true, VALUE: '' }] : []) : [r])));
    };
    return html`<div class="multi" id=${id} role="group" aria-labelledby=${`${id}-label`} aria-describedby=${common['aria-describedby']}>
        ${rows.map(
            (r, i) => html`<div class="multi-row" key=${i}>
            <input type=${f.kind === 'EMAIL' ? 'email' : f.kind === 'PHONE' ? 'tel' : 'text'} aria-label=${`${f.label} ${i + 1}`}
                aria-invalid=${common['aria-invalid']} value=${r.VALUE || ''} onInput=${(e) => update(i, { VALUE: e.target.value })} />
            <select aria-label=${t('common.valueType')} value=${r.VALUE_TYPE || f.types[0]} onChange=${(e) => update(i, { VALUE_TYPE: e.target.value })}>
                ${f.types.map((ty) => html`<option value=${ty} selected=${ty === (r.VALUE_TYPE || f.types[0])}>${t(`vt.${ty}`)}</option>`)}
            </select>
            <button type="button" class="icon-btn" onClick=${() => remove(i)} aria-label=${t('common.remove')}><${Icon} name="x" size=${16} /></button>
        </div>`,
        )}
        <button type="button" class="btn btn-small" onClick=${() => set([...value, { VALUE: '', VALUE_TYPE: f.types[0] }])}>
            <${Icon} name="plus" size=${16} /> ${t('common.addValue')}</button>
    </div>`;
}

export function FieldRow({ f, value, set, error, idPrefix }) {
    const id = `${idPrefix}-${f.name}`;
    const errId = error ? `${id}-err` : undefined;
    const hintId = f.hint ? `${id}-hint` : undefined;
    const describedBy = [errId, hintId].filter(Boolean).join(' ') || undefined;
    const control = html`<${Control} f=${f} value=${value} set=${set} id=${id} invalid=${!!error} describedBy=${describedBy} />`;
    if (f.type === 'checkbox')
        return html`<div class="field field-check">${control}<label for=${id}>${f.label}</label>
            ${error && html`<p class="field-error" id=${errId}>${error}</p>`}</div>`;
    return html`<div class=${`field field-${f.type || 'text'}${error ? ' has-error' : ''}`}>
        <label for=${id} id=${`${id}-label`}>${f.label}${f.required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>
        ${control}
        ${f.hint && html`<p class="field-hint" id=${hintId}>${f.hint}</p>`}
        ${error && html`<p class="field-error" id=${errId}>${error}</p>`}
    </div>`;
}

// The field a server error names ("field 'EMAIL' is required"), if the form has it.
function errorField(fields, e) {
    const m = /'([A-Za-z_]+)'/.exec(e?.description || '');
    if (!m) return null;
    return fields.find((f) => f.name.toUpperCase() === m[1].toUpperCase())?.name || null;
}

// onValues (optional) hears every change of the values, e.g. for a duplicate check.
export function Form({ id = 'form', fields, initial = {}, onSubmit, submitLabel, onCancel, children, className, onValues }) {
    const [values, setValues] = useState(() => ({ ...initial }));
    useEffect(() => {
        if (onValues) onValues(values);
    }, [values]);
    const [errors, setErrors] = useState({});
    const [formError, setFormError] = useState('');
    const [busy, setBusy] = useState(false);
    const formRef = useRef(null);
    const focusFirst = (errs) => {
        const first = fields.find((f) => errs[f.name]);
        if (first) setTimeout(() => formRef.current?.querySelector(`#${id}-${first.name}, #${id}-${first.name} input`)?.focus(), 0);
    };
    const submit = async (e) => {
        e.preventDefault();
        const errs = validate(fields, values);
        setErrors(errs);
        setFormError('');
        if (Object.keys(errs).length) {
            focusFirst(errs);
            return;
        }
        setBusy(true);
        try {
            await onSubmit(values);
        } catch (err) {
            const name = errorField(fields, err);
            if (name) {
                setErrors({ [name]: errorText(err) });
                focusFirst({ [name]: 1 });
            } else setFormError(errorText(err));
        }
        setBusy(false);
    };
    return html`<form id=${id} class=${className || 'form'} onSubmit=${submit} noValidate ref=${formRef}>
        ${fields.map(
            (f) => html`<${FieldRow} key=${f.name} f=${f} idPrefix=${id} value=${values[f.name]} error=${errors[f.name]}
            set=${(v) => {
                setValues((s) => ({ ...s, [f.name]: v }));
                if (errors[f.name]) setErrors((s) => ({ ...s, [f.name]: '' }));
            }} />`,
        )}
        ${children}
        ${formError && html`<p class="form-error" role="alert">${formError}</p>`}
        <div class="form-actions">
            ${onCancel && html`<button type="button" class="btn" onClick=${onCancel}>${t('common.cancel')}</button>`}
            <button type="submit" class="btn btn-primary" disabled=${busy}>${busy ? t('common.saving') : submitLabel || t('common.save')}</button>
        </div>
    </form>`;
}
