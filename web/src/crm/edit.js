// Create and edit a CRM record with a form built from crm.<x>.fields. Everything is checked
// before sending (required fields, numbers, e-mail and phone formats, lengths); server errors
// that name a field are shown at it.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { has, listAll } from '../api.js';
import { t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { Form } from '../ui/form.js';
import { Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import { ENTITIES, LINK_TYPES, recordTitle, titleSelect } from './entities.js';
import { describe, fromForm, toForm } from './formfields.js';
import * as meta from './meta.js';
import { recordRest } from './records.js';
import { DuplicateWarning } from './duplicates.js';
import { useSession } from '../session.js';

export function CrmEdit({ entity, id }) {
    const def = ENTITIES[entity];
    const session = useSession();
    const params = new URLSearchParams(location.search);
    const [typed, setTyped] = useState(null);
    const checkDups = !id && ['lead', 'contact', 'company'].includes(entity);
    const state = useAsync(async () => {
        const [fields, rec] = await Promise.all([meta.fields(entity), id ? recordRest(entity, 'get', { id: Number(id) }) : null]);
        const categoryId = rec?.CATEGORY_ID ?? params.get('category') ?? 0;
        const dictIds = [
            ...new Set(
                Object.values(fields)
                    .filter((f) => f.type === 'crm_status' && f.statusType)
                    .map((f) => f.statusType),
            ),
        ];
        if (entity === 'deal') dictIds.push(meta.stageDict(categoryId));
        const linkEnts = [
            ...new Set(
                Object.values(fields)
                    .map((f) => LINK_TYPES[f.type])
                    .filter((e) => e && has(`crm.${e}.list`)),
            ),
        ];
        const [dicts, users, currencies, pipelines, ...linkRows] = await Promise.all([
            meta.dictionaries(dictIds),
            meta.users(),
            meta.currencies().catch(() => []),
            entity === 'deal' ? meta.pipelines().catch(() => []) : [],
            ...linkEnts.map((e) => listAll(`crm.${e}.list`, { select: titleSelect(e), order: { ID: 'DESC' } }, 200).catch(() => [])),
        ]);
        const links = Object.fromEntries(linkEnts.map((e, i) => [e, linkRows[i]]));
        // a linked record older than the newest 200 still shows as the selected option
        if (rec)
            for (const [n, f] of Object.entries(fields)) {
                const e = LINK_TYPES[f.type];
                if (e && Number(rec[n]) && links[e] && !links[e].some((r) => String(r.ID) === String(rec[n])))
                    links[e].push({ ID: rec[n], TITLE: `#${rec[n]}` });
            }
        const desc = describe(fields, { dicts, users, currencies, pipelines, links, categoryId }, !!id, entity);
        return { fields, rec, desc };
    }, [entity, id]);

    const title = id ? t('crm.editTitle', { what: t(def.one) }) : t('crm.newTitle', { what: t(def.one) });
    return html`<div class="page">
        <${PageHead} title=${title}>
            <${Link} class="btn" href=${id ? `/crm/${entity}/${id}` : `/crm/${entity === 'deal' ? 'deal/kanban' : entity}`}>${t('common.cancel')}<//>
        <//>
        <${Loaded} state=${state}>${({ rec, desc }) => {
            const initial = toForm(desc, rec);
            if (!id) {
                const d0 = desc.find((d) => d.name === 'ASSIGNED_BY_ID');
                if (d0) initial.ASSIGNED_BY_ID = String(session.user.id);
                if (entity === 'deal' && params.get('category')) initial.CATEGORY_ID = params.get('category');
                for (const d of desc)
                    if (d.type === 'select' && d.required && !initial[d.name] && d.options[0]) initial[d.name] = String(d.options[0].value);
            }
            const save = async (v) => {
                const f = fromForm(desc, v, rec);
                if (id) {
                    if (Object.keys(f).length) await recordRest(entity, 'update', { id: Number(id), fields: f });
                    toast(t('common.saved'), 'ok');
                    navigate(`/crm/${entity}/${id}`);
                } else {
                    const newId = await recordRest(entity, 'add', { fields: f });
                    toast(t('crm.created', { what: recordTitle(entity, { ...f, ID: newId }) }), 'ok');
                    navigate(`/crm/${entity}/${newId}`);
                }
            };
            return html`<section class="card">${checkDups && html`<${DuplicateWarning} values=${typed} />`}<${Form} id=${`crm-${entity}`} fields=${desc} initial=${initial} onSubmit=${save}
                submitLabel=${id ? t('common.save') : t('crm.create')} onCancel=${() => history.back()} className="form form-grid"
                onValues=${checkDups ? setTyped : undefined} /></section>`;
        }}<//>
    </div>`;
}
