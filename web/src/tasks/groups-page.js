// Workgroups the user can see (sonet_group.get: open and closed ones, and secret ones they
// belong to) with their visibility, owner, member count and the user's own role; a search by
// name, paging, and "New workgroup" in a dialog. Each name links to the group's page.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { call, has, rest } from '../api.js';
import { fmtNumber, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { Form } from '../ui/form.js';
import { Icon } from '../ui/icons.js';
import { ErrorBox, Modal, PageHead, Pager, Spinner, toast, useAsync } from '../ui/kit.js';
import { userName, users } from './common.js';
import { groupFields, groupParams, groupValues, roleName, visibilityName, visibilityOf } from './groups.js';
import { TaskViews } from './views.js';

// The create / edit dialog; onSaved(id) after the server accepts.
export function GroupDialog({ group, onClose, onSaved }) {
    const save = async (v) => {
        const params = groupParams(v);
        const id = group
            ? await rest('sonet_group.update', { GROUP_ID: Number(group.ID), ...params })
            : await rest('sonet_group.create', params);
        toast(group ? t('common.saved') : t('group.created'), 'ok');
        onSaved(Number(id) || Number(group?.ID));
    };
    return html`<${Modal} title=${group ? t('group.edit') : t('group.new')} onClose=${onClose}>
        <${Form} id="group" fields=${groupFields()} initial=${groupValues(group)} onSubmit=${save} onCancel=${onClose}
            submitLabel=${group ? t('common.save') : t('group.create')} />
    <//>`;
}

function GroupRow({ g, people, role }) {
    const vis = visibilityOf(g);
    return html`<tr>
        <td class="cell-title"><${Link} href=${`/tasks/groups/${g.ID}`}>${g.NAME}<//>
            ${g.DESCRIPTION ? html`<p class="muted small group-desc">${g.DESCRIPTION}</p>` : null}</td>
        <td><span class=${`badge${vis === 'secret' ? ' badge-warn' : vis === 'open' ? ' badge-on' : ''}`}>${visibilityName(vis)}</span></td>
        <td class="hide-narrow">${userName(people, g.OWNER_ID)}</td>
        <td class="num hide-narrow">${fmtNumber(g.NUMBER_OF_MEMBERS)}</td>
        <td>${roleName(role) || html`<span class="muted">—</span>`}</td>
    </tr>`;
}

export function TaskGroups() {
    const [text, setText] = useState('');
    const [q, setQ] = useState('');
    const [start, setStart] = useState(0);
    const [dialog, setDialog] = useState(false);
    const ctx = useAsync(async () => {
        const [people, mine] = await Promise.all([users(), has('sonet_group.user.groups') ? rest('sonet_group.user.groups', {}) : []]);
        return { people, roles: Object.fromEntries((mine || []).map((m) => [String(m.GROUP_ID), m.ROLE])) };
    }, []);
    const data = useAsync(async () => {
        const env = await call('sonet_group.get', { ORDER: { NAME: 'ASC' }, FILTER: q ? { '%NAME': q } : {}, start });
        return { rows: env.result || [], total: env.total, next: env.next };
    }, [q, start]);
    const search = (e) => {
        e.preventDefault();
        setQ(text.trim());
        setStart(0);
    };
    const d = data.data;
    return html`<div class="page">
        <${PageHead} title=${t('group.list')}>
            <${TaskViews} current="groups" />
            ${
                has('sonet_group.create') &&
                html`<button type="button" class="btn btn-primary" onClick=${() => setDialog(true)}>
                <${Icon} name="plus" size=${16} /> ${t('group.new')}</button>`
            }
        <//>
        <form class="toolbar" role="search" onSubmit=${search}>
            <label class="visually-hidden" for="grp-q">${t('group.search')}</label>
            <input id="grp-q" type="search" maxlength="200" placeholder=${t('group.search')} value=${text} onInput=${(e) => setText(e.target.value)} />
            <button type="submit" class="btn">${t('common.search')}</button>
        </form>
        <${ErrorBox} error=${data.error || ctx.error} onRetry=${data.error ? data.reload : ctx.reload} />
        ${
            !d && !data.error
                ? html`<${Spinner} />`
                : d &&
                  html`<div class="table-wrap"><table class="table" aria-busy=${data.loading} data-testid="groups-table">
            <caption class="visually-hidden">${t('group.list')}</caption>
            <thead><tr>
                <th scope="col">${t('group.name')}</th><th scope="col">${t('group.visibility')}</th><th scope="col" class="hide-narrow">${t('group.owner')}</th>
                <th scope="col" class="num hide-narrow">${t('group.members')}</th><th scope="col">${t('group.myRole')}</th>
            </tr></thead>
            <tbody>
                ${d.rows.map((g) => html`<${GroupRow} key=${g.ID} g=${g} people=${ctx.data?.people} role=${ctx.data?.roles[String(g.ID)]} />`)}
                ${!d.rows.length && html`<tr><td colspan="5" class="empty">${q ? t('group.noMatch') : t('group.none')}</td></tr>`}
            </tbody></table></div>
            <${Pager} start=${start} count=${d.rows.length} total=${d.total} hasNext=${d.next !== undefined && d.next !== null}
                onPrev=${() => setStart(Math.max(0, start - 50))} onNext=${() => setStart(d.next)} />`
        }
        ${dialog && html`<${GroupDialog} onClose=${() => setDialog(false)} onSaved=${(id) => navigate(`/tasks/groups/${id}`)} />`}
    </div>`;
}
