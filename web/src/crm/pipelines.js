// Administration: deal pipelines and their stages. Pipelines (crm.category.*, entity type 2):
// add, rename, delete (the server refuses the default one and one that holds deals). Stages of
// the chosen pipeline (crm.status.* in DEAL_STAGE / DEAL_STAGE_<n>): rename, colour, order,
// add as "in progress" or "lost", delete (default stages too; the server still refuses while deals
// sit in a stage, and always for the won stage).
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { batch, rest } from '../api.js';
import { t } from '../i18n/index.js';
import { Icon } from '../ui/icons.js';
import { errorText, Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import * as meta from './meta.js';

function semName(s) {
    return s.SEMANTICS === 'S' ? t('pipe.won') : s.SEMANTICS === 'F' ? t('pipe.lost') : t('pipe.progress');
}

// A code for a new entry from its name: letters and digits, upper case, unique in the list.
function stageCode(prefix, name, stages) {
    const base = (
        name
            .normalize('NFKD')
            .replace(/[^A-Za-z0-9]+/g, '_')
            .replace(/^_+|_+$/g, '')
            .toUpperCase() || 'STAGE'
    ).slice(0, 14);
    let code = `${prefix}${base}`,
        n = 1;
    while (stages.some((s) => s.STATUS_ID === code)) code = `${prefix}${base}_${++n}`;
    return code;
}

// The entries of one crm.status dictionary (ENTITY_ID dict): rename, colour, order, add, delete.
// kinds: the dictionary's entries are in progress / won / lost (stages and lead statuses); new
// codes get prefix (a pipeline's "C<n>:").
export function Stages({ dict, prefix = '', kinds = true }) {
    const list = useAsync(async () => {
        meta.forget('');
        return meta.dictionary(dict);
    }, [dict]);
    const [name, setName] = useState('');
    const [sem, setSem] = useState('');
    const [err, setErr] = useState('');
    const run = async (fn, okText) => {
        try {
            await fn();
            meta.forget('');
            if (okText) toast(okText, 'ok');
            list.reload();
            return true;
        } catch (e) {
            toast(errorText(e), 'error');
            return false;
        }
    };
    const stages = list.data || [];
    const swap = (i, j) =>
        run(() =>
            batch(
                {
                    a: ['crm.status.update', { id: Number(stages[i].ID), fields: { SORT: Number(stages[j].SORT) } }],
                    b: [
                        'crm.status.update',
                        {
                            id: Number(stages[j].ID),
                            fields: {
                                SORT:
                                    Number(stages[i].SORT) === Number(stages[j].SORT) ? Number(stages[i].SORT) + 1 : Number(stages[i].SORT),
                            },
                        },
                    ],
                },
                true,
            ),
        );
    const add = async (e) => {
        e.preventDefault();
        const v = name.trim();
        if (!v) return setErr(t('v.required'));
        if (v.length > 100) return setErr(t('v.tooLong', { max: 100 }));
        setErr('');
        const inProgress = stages.filter((s) => !s.SEMANTICS);
        const after = sem === 'F' || !kinds ? stages[stages.length - 1] : inProgress[inProgress.length - 1];
        const fields = {
            ENTITY_ID: dict,
            STATUS_ID: stageCode(prefix, v, stages),
            NAME: v,
            SORT: (Number(after?.SORT) || 0) + (kinds ? 5 : 10),
        };
        if (sem === 'F') fields.SEMANTICS = 'F';
        if (await run(() => rest('crm.status.add', { fields }), t(kinds ? 'pipe.stageAdded' : 'dict.added'))) setName('');
    };
    return html`<${Loaded} state=${list}>${() => html`
        <table class="table" data-testid="stages"><caption class="visually-hidden">${t('pipe.stages')}</caption>
            <thead><tr><th scope="col">${t(kinds ? 'pipe.stage' : 'dict.entry')}</th>${kinds && html`<th scope="col">${t('pipe.semantics')}</th>`}<th scope="col">${t('pipe.color')}</th><th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th></tr></thead>
            <tbody>${stages.map(
                (s, i) => html`<tr key=${s.ID} data-stage=${s.STATUS_ID}>
                <td><input aria-label=${t('pipe.stageName', { name: s.NAME })} value=${s.NAME} maxlength="100"
                    onChange=${(e) => e.target.value.trim() && e.target.value !== s.NAME && run(() => rest('crm.status.update', { id: Number(s.ID), fields: { NAME: e.target.value.trim() } }), t('common.saved'))} /></td>
                ${kinds && html`<td>${semName(s)}</td>`}
                <td><input type="color" aria-label=${t('pipe.colorOf', { name: s.NAME })} value=${/^#[0-9a-fA-F]{6}$/.test(s.COLOR || '') ? s.COLOR : '#39a8ef'}
                    onChange=${(e) => run(() => rest('crm.status.update', { id: Number(s.ID), fields: { COLOR: e.target.value } }))} /></td>
                <td class="row-actions">
                    <button type="button" class="icon-btn" disabled=${i === 0} aria-label=${t('pipe.up', { name: s.NAME })} onClick=${() => swap(i, i - 1)}><${Icon} name="left" size=${16} /></button>
                    <button type="button" class="icon-btn" disabled=${i === stages.length - 1} aria-label=${t('pipe.down', { name: s.NAME })} onClick=${() => swap(i, i + 1)}><${Icon} name="right" size=${16} /></button>
                    <button type="button" class="icon-btn" aria-label=${t('common.deleteNamed', { name: s.NAME })} onClick=${() => run(() => rest('crm.status.delete', { id: Number(s.ID), params: { FORCED: 'Y' } }), t('common.deleted'))}><${Icon} name="trash" size=${16} /></button>
                </td></tr>`,
            )}
            </tbody></table>
        <form class="inline-form" onSubmit=${add} aria-label=${t(kinds ? 'pipe.addStage' : 'dict.add')}>
            <label class="visually-hidden" for="st-new">${t(kinds ? 'pipe.newStage' : 'dict.newEntry')}</label>
            <input id="st-new" maxlength="120" placeholder=${t(kinds ? 'pipe.newStage' : 'dict.newEntry')} value=${name} aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? 'st-err' : undefined} onInput=${(e) => setName(e.target.value)} />
            ${
                kinds &&
                html`<label class="visually-hidden" for="st-sem">${t('pipe.semantics')}</label>
            <select id="st-sem" onChange=${(e) => setSem(e.target.value)}>
                <option value="" selected=${sem === ''}>${t('pipe.progress')}</option><option value="F" selected=${sem === 'F'}>${t('pipe.lost')}</option>
            </select>`
            }
            <button type="submit" class="btn btn-small">${t(kinds ? 'pipe.addStage' : 'dict.add')}</button>
            ${err && html`<p class="field-error" id="st-err">${err}</p>`}
        </form>`}<//>`;
}

function Rename({ name, onSave }) {
    const [v, setV] = useState(name);
    const save = (e) => {
        e.preventDefault();
        if (v.trim() && v.trim() !== name) onSave(v.trim());
    };
    return html`<form class="inline-form" onSubmit=${save}>
        <label class="visually-hidden" for="pipe-name">${t('pipe.name')}</label>
        <input id="pipe-name" maxlength="120" value=${v} onInput=${(e) => setV(e.target.value)} />
        <button type="submit" class="btn btn-small">${t('pipe.rename')}</button>
    </form>`;
}

export function Pipelines() {
    const [cat, setCat] = useState(0);
    const [newName, setNewName] = useState('');
    const [err, setErr] = useState('');
    const list = useAsync(async () => {
        meta.forget('');
        return meta.pipelines();
    }, []);
    const run = async (fn, okText) => {
        try {
            const r = await fn();
            meta.forget('');
            toast(okText, 'ok');
            list.reload();
            return r ?? true;
        } catch (e) {
            toast(errorText(e), 'error');
            return false;
        }
    };
    const add = async (e) => {
        e.preventDefault();
        const v = newName.trim();
        if (!v) return setErr(t('v.required'));
        if (v.length > 100) return setErr(t('v.tooLong', { max: 100 }));
        setErr('');
        const r = await run(() => rest('crm.category.add', { entityTypeId: 2, fields: { name: v, sort: 500 } }), t('pipe.added'));
        if (r) {
            setNewName('');
            if (r.category?.id) setCat(Number(r.category.id));
        }
    };
    const cur = (list.data || []).find((p) => p.id === cat);
    return html`<div class="page">
        <${PageHead} title=${t('pipe.title')} />
        <${Loaded} state=${list}>${(pipes) => html`
            <nav class="view-switch pipes" aria-label=${t('kanban.pipelines')}>
                ${pipes.map((p) => html`<button type="button" key=${p.id} class=${p.id === cat ? 'active' : ''} aria-pressed=${p.id === cat} onClick=${() => setCat(p.id)}>${p.name || t('crm.generalPipeline')}</button>`)}
            </nav>
            <form class="inline-form group-form" onSubmit=${add}>
                <label class="visually-hidden" for="pipe-new">${t('pipe.newName')}</label>
                <input id="pipe-new" maxlength="120" placeholder=${t('pipe.newName')} value=${newName} aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? 'pipe-err' : undefined} onInput=${(e) => setNewName(e.target.value)} />
                <button type="submit" class="btn btn-small">${t('pipe.add')}</button>
                ${err && html`<p class="field-error" id="pipe-err">${err}</p>`}
            </form>
            <section class="card" aria-labelledby="pipe-h">
                <div class="card-head"><h2 id="pipe-h">${cur?.name || t('crm.generalPipeline')}</h2>
                    ${
                        cat
                            ? html`<div class="row-actions">
                        <${Rename} key=${cat} name=${cur?.name || ''} onSave=${(v) => run(() => rest('crm.category.update', { entityTypeId: 2, id: cat, fields: { name: v } }), t('common.saved'))} />
                        <button type="button" class="btn btn-small btn-danger" onClick=${async () => {
                            if (await run(() => rest('crm.category.delete', { entityTypeId: 2, id: cat }), t('common.deleted'))) setCat(0);
                        }}>${t('common.delete')}</button>
                    </div>`
                            : null
                    }
                </div>
                <${Stages} key=${cat} dict=${meta.stageDict(cat)} prefix=${cat ? `C${cat}:` : ''} />
            </section>`}<//>
    </div>`;
}
