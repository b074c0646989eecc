// A CRM record's card: its fields (multi-value phones and e-mails as lists), the stage bar,
// linked records (company, contacts, deals) and the timeline with a comment composer when the
// server has crm.timeline.comment.*.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { batch, call, has, rest } from '../api.js';
import { fmtDateTime, fmtMoney, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { Icon } from '../ui/icons.js';
import { useLive } from '../live.js';
import { Confirm, errorText, Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import { checkField } from '../ui/form.js';
import { ENTITIES, recordTitle, titleSelect } from './entities.js';
import { FieldValue, linkTitles } from './display.js';
import * as meta from './meta.js';
import { can, recordRest } from './records.js';
import { Slot } from '../registry.js';
import { canConvert, ConvertDialog } from './convert.js';
import { hasProductRows, ProductRows } from './productrows.js';

const SKIP =
    /^(ID|TITLE|CURRENCY_ID|STAGE_SEMANTIC_ID|STATUS_SEMANTIC_ID|IS_NEW|HAS_PHONE|HAS_EMAIL|HAS_IMOL|CONTACT_IDS|COMPANY_IDS|ORIGINATOR_ID|ORIGIN_ID|ORIGIN_VERSION|UTM_.*)$/;
const TIMELINE_TYPE = { lead: 'lead', deal: 'deal', contact: 'contact', company: 'company', quote: 'quote', invoice: 'invoice' };

function StageBar({ stages, current }) {
    const idx = stages.findIndex((s) => s.STATUS_ID === current);
    const sem = stages[idx]?.SEMANTICS;
    return html`<div class="stagebar" aria-label=${t('crm.stage')}>
        ${stages
            .filter((s) => !s.SEMANTICS || s.STATUS_ID === current || s.SEMANTICS === 'S')
            .map((s) => {
                const i = stages.indexOf(s);
                const cls = s.STATUS_ID === current ? 'cur' : i < idx && !sem ? 'done' : i < idx && sem === 'S' ? 'done' : '';
                return html`<span key=${s.STATUS_ID} class=${cls} aria-current=${s.STATUS_ID === current ? 'step' : undefined} title=${s.NAME}>${s.NAME}</span>`;
            })}
    </div>`;
}

// One timeline row as text: a comment, creation, a stage or field change.
function entryText(e, dicts) {
    const d = e.data || {};
    switch (e.type) {
        case 'comment':
            return d.comment || '';
        case 'created':
            return t('tl.created');
        case 'stage_changed': {
            const rows = dicts?.[d.dictionary];
            return t('tl.stage', { from: meta.statusName(rows, d.old), to: meta.statusName(rows, d.new) });
        }
        case 'field_changed':
            return t('tl.field', { field: d.title || d.field || '' });
        case 'task':
            return t('tl.task', { title: d.title || `#${d.taskId || ''}` });
        default:
            return e.type;
    }
}

function Timeline({ entity, id, users, dicts }) {
    const full = has('crm.timeline.list');
    const canList = full || has('crm.timeline.comment.list');
    const canAdd = has('crm.timeline.comment.add');
    const [text, setText] = useState('');
    const [err, setErr] = useState('');
    const [busy, setBusy] = useState(false);
    const list = useAsync(async () => {
        if (full) return (await call('crm.timeline.list', { ENTITY_TYPE: TIMELINE_TYPE[entity], ENTITY_ID: Number(id) })).result || [];
        if (!canList) return [];
        const rows =
            (
                await call('crm.timeline.comment.list', {
                    filter: { ENTITY_ID: Number(id), ENTITY_TYPE: TIMELINE_TYPE[entity] },
                    order: { ID: 'DESC' },
                })
            ).result || [];
        return rows.map((c) => ({ id: c.ID, type: 'comment', authorId: c.AUTHOR_ID, created: c.CREATED, data: { comment: c.COMMENT } }));
    }, [entity, id]);
    if (!canList && !canAdd) return html`<p class="muted">${t('crm.noTimeline')}</p>`;
    const send = async (e) => {
        e.preventDefault();
        const msg = checkField({ name: 'COMMENT', type: 'textarea', required: true }, text);
        if (msg) {
            setErr(msg);
            document.getElementById('tl-text')?.focus();
            return;
        }
        setBusy(true);
        setErr('');
        try {
            await rest('crm.timeline.comment.add', {
                fields: { ENTITY_ID: Number(id), ENTITY_TYPE: TIMELINE_TYPE[entity], COMMENT: text.trim() },
            });
            setText('');
            list.reload();
        } catch (x) {
            setErr(errorText(x));
        }
        setBusy(false);
    };
    return html`<div>
        ${
            canAdd &&
            html`<form class="composer" onSubmit=${send} noValidate>
            <label for="tl-text" class="visually-hidden">${t('crm.comment')}</label>
            <textarea id="tl-text" rows="3" placeholder=${t('crm.commentPlaceholder')} value=${text} aria-invalid=${err ? 'true' : undefined}
                aria-describedby=${err ? 'tl-err' : undefined} onInput=${(e) => {
                    setText(e.target.value);
                    setErr('');
                }} />
            ${err && html`<p class="field-error" id="tl-err">${err}</p>`}
            <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('crm.addComment')}</button></div>
        </form>`
        }
        <${Loaded} state=${list}>${(rows) => html`<ol class="timeline" aria-label=${t('crm.timeline')}>
            ${rows.map(
                (
                    e,
                ) => html`<li key=${e.id} class=${`tl-${e.type}`}><div class="tl-meta">${meta.userName(users, e.authorId)} · ${fmtDateTime(e.created)}</div>
                <div class="tl-text">${entryText(e, dicts)}</div></li>`,
            )}
            ${!rows.length && html`<li class="muted">${t('crm.noComments')}</li>`}
        </ol>`}<//>
    </div>`;
}

// Records that point at this one (a company's contacts and deals, a contact's deals).
async function related(entity, id) {
    const cmds = {};
    const sel = titleSelect('contact');
    const dsel = ['ID', 'TITLE', 'OPPORTUNITY', 'CURRENCY_ID'];
    if (entity === 'company') {
        if (has('crm.contact.list')) cmds.contact = ['crm.contact.list', { filter: { COMPANY_ID: id }, select: sel }];
        if (has('crm.deal.list')) cmds.deal = ['crm.deal.list', { filter: { COMPANY_ID: id }, select: dsel }];
    }
    if (entity === 'contact' && has('crm.deal.list')) cmds.deal = ['crm.deal.list', { filter: { CONTACT_ID: id }, select: dsel }];
    if (entity === 'deal' && has('crm.deal.contact.items.get')) cmds.dealContacts = ['crm.deal.contact.items.get', { id }];
    if (!Object.keys(cmds).length) return {};
    const r = await batch(cmds);
    const out = { contact: r.result?.contact || [], deal: r.result?.deal || [] };
    const ids = (r.result?.dealContacts || []).map((x) => Number(x.CONTACT_ID)).filter(Boolean);
    if (ids.length && has('crm.contact.list'))
        out.contact = await rest('crm.contact.list', { filter: { '@ID': ids }, select: sel, start: -1 }).catch(() => []);
    return out;
}

export function CrmCard({ entity, id }) {
    const def = ENTITIES[entity];
    const [confirm, setConfirm] = useState(false);
    const [converting, setConverting] = useState(false);
    const state = useAsync(async () => {
        const [fields, rec] = await Promise.all([meta.fields(entity), recordRest(entity, 'get', { id: Number(id) })]);
        const dictIds = [
            ...new Set(
                Object.values(fields)
                    .filter((f) => f.type === 'crm_status' && f.statusType)
                    .map((f) => f.statusType),
            ),
        ];
        const stageDict = entity === 'deal' ? meta.stageDict(rec.CATEGORY_ID) : def.dict;
        if (stageDict) dictIds.push(stageDict);
        const [dicts, users, pipelines, titles, rel] = await Promise.all([
            meta.dictionaries(dictIds),
            meta.users(),
            entity === 'deal' ? meta.pipelines().catch(() => []) : [],
            linkTitles([rec], fields, batch),
            related(entity, Number(id)).catch(() => ({})),
        ]);
        return { fields, rec, dicts, users, pipelines, titles, rel, stages: stageDict ? dicts[stageDict] || [] : [] };
    }, [entity, id]);
    // another user's change to this record: read it again
    useLive(
        entity,
        () => state.reload(),
        (m) => String(m.data?.FIELDS?.ID) === String(id),
    );
    return html`<div class="page">
        <${Loaded} state=${state}>${(d) => {
            const { fields, rec } = d;
            const name = recordTitle(entity, rec);
            const ctx = { dicts: d.dicts, users: d.users, titles: d.titles, pipelines: d.pipelines };
            if (entity === 'deal' && fields.STAGE_ID) fields.STAGE_ID = { ...fields.STAGE_ID, statusType: meta.stageDict(rec.CATEGORY_ID) };
            const rows = Object.keys(fields).filter(
                (n) =>
                    !SKIP.test(n) &&
                    !(entity === 'contact' && /^(NAME|LAST_NAME)$/.test(n)) &&
                    rec[n] !== undefined &&
                    rec[n] !== null &&
                    rec[n] !== '' &&
                    !(Array.isArray(rec[n]) && !rec[n].length) &&
                    !(
                        fields[n].type?.startsWith('crm_') &&
                        fields[n].type !== 'crm_multifield' &&
                        fields[n].type !== 'crm_status' &&
                        fields[n].type !== 'crm_currency' &&
                        fields[n].type !== 'crm_category' &&
                        !Number(rec[n])
                    ),
            );
            return html`
                <${PageHead} title=${name}>
                    ${canConvert(entity, rec) && html`<button type="button" class="btn btn-primary" onClick=${() => setConverting(true)}>${t('conv.button')}</button>`}
                    <${Slot} name="crm.card.actions" entity=${entity} id=${rec.ID} responsible=${rec.ASSIGNED_BY_ID} />
                    ${can(entity, 'update') && html`<${Link} class="btn" href=${`/crm/${entity}/${id}/edit`}><${Icon} name="edit" size=${16} /> ${t('common.edit')}<//>`}
                    ${can(entity, 'delete') && html`<button type="button" class="btn btn-danger" onClick=${() => setConfirm(true)}><${Icon} name="trash" size=${16} /> ${t('common.delete')}</button>`}
                <//>
                <p class="muted">${t(def.one)} #${rec.ID}${rec.OPPORTUNITY !== undefined && Number(rec.OPPORTUNITY) ? ` · ${fmtMoney(rec.OPPORTUNITY, rec.CURRENCY_ID)}` : ''}</p>
                ${d.stages.length && def.stage ? html`<${StageBar} stages=${d.stages} current=${rec[def.stage]} />` : null}
                ${hasProductRows(entity) && html`<${ProductRows} entity=${entity} id=${id} currency=${rec.CURRENCY_ID} canEdit=${can(entity, 'update')} onSaved=${state.reload} />`}
                <div class="record">
                    <div>
                        <section class="card" aria-labelledby="about-h">
                            <h2 id="about-h">${t('crm.about')}</h2>
                            <dl class="dl">${rows.map((n) => html`<dt key=${`t${n}`}>${fields[n].title || n}</dt><dd key=${`d${n}`}><${FieldValue} name=${n} f=${fields[n]} v=${rec[n]} row=${rec} ctx=${ctx} /></dd>`)}</dl>
                        </section>
                        ${
                            d.rel.contact?.length || d.rel.deal?.length
                                ? html`<section class="card" aria-labelledby="rel-h">
                            <h2 id="rel-h">${t('crm.linked')}</h2>
                            ${d.rel.contact?.length ? html`<h3>${t('nav.contacts')}</h3><ul>${d.rel.contact.map((c) => html`<li key=${c.ID}><${Link} href=${`/crm/contact/${c.ID}`}>${recordTitle('contact', c)}<//></li>`)}</ul>` : null}
                            ${d.rel.deal?.length ? html`<h3>${t('nav.deals')}</h3><ul>${d.rel.deal.map((c) => html`<li key=${c.ID}><${Link} href=${`/crm/deal/${c.ID}`}>${recordTitle('deal', c)}<//> <span class="muted small">${fmtMoney(c.OPPORTUNITY, c.CURRENCY_ID)}</span></li>`)}</ul>` : null}
                        </section>`
                                : null
                        }
                    </div>
                    <section class="card" aria-labelledby="tl-h">
                        <h2 id="tl-h">${t('crm.timeline')}</h2>
                        <${Timeline} entity=${entity} id=${id} users=${d.users} dicts=${d.dicts} />
                    </section>
                </div>
                ${
                    converting &&
                    html`<${ConvertDialog} lead=${rec} onClose=${(changed) => {
                        setConverting(false);
                        if (changed) state.reload();
                    }} />`
                }
                ${
                    confirm &&
                    html`<${Confirm} title=${t('common.delete')} text=${t('crm.deleteText', { name })} confirmLabel=${t('common.delete')} danger onClose=${() => setConfirm(false)}
                    onConfirm=${async () => {
                        await recordRest(entity, 'delete', { id: Number(id) });
                        toast(t('common.deleted'), 'ok');
                        navigate(entity === 'deal' ? '/crm/deal/kanban' : `/crm/${entity}`);
                    }} />`
                }`;
        }}<//>
    </div>`;
}
