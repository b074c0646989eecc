// My tasks: the tasks I do (responsible), assist with (accomplice), watch (auditor), created, or
// every task I can see, with a count per role, filters (status, deadline, workgroup, title),
// sorting and paging. ?group=N opens every visible task of workgroup N.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { batch, call, has } from '../api.js';
import { fmtDateTime, fmtNumber, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { Icon } from '../ui/icons.js';
import { ErrorBox, PageHead, Pager, Spinner, useAsync } from '../ui/kit.js';
import { useSession } from '../session.js';
import { isOverdue, statusName, userName, users } from './common.js';
import { visibleGroups } from './groups.js';
import { TaskViews } from './views.js';

const ROLES = {
    doing: (me) => ({ RESPONSIBLE_ID: me }),
    assisting: (me) => ({ ACCOMPLICE: me }),
    watching: (me) => ({ AUDITOR: me }),
    created: (me) => ({ CREATED_BY: me }),
    all: () => ({}),
};
const SELECT = ['ID', 'TITLE', 'STATUS', 'DEADLINE', 'RESPONSIBLE_ID', 'PRIORITY', 'GROUP_ID'];

function endOf(days) {
    const d = new Date();
    d.setHours(23, 59, 59, 0);
    d.setDate(d.getDate() + days);
    return d.toISOString();
}

// The list filter for the chosen role and filter form.
function buildFilter(me, role, f) {
    const out = { ...ROLES[role](me) };
    if (f.status === 'open') out['!STATUS'] = 5;
    else if (f.status === 'overdue') out.STATUS = -1;
    else if (f.status === 'done') out.STATUS = 5;
    if (f.due === 'today' || f.due === 'week') {
        out['<=DEADLINE'] = endOf(f.due === 'today' ? 0 : 7);
        out['!STATUS'] = 5;
    }
    if (f.group) out.GROUP_ID = Number(f.group);
    if (f.text.trim()) out['%TITLE'] = f.text.trim();
    return out;
}

export function TasksList() {
    const me = Number(useSession().user.id);
    const asked = new URLSearchParams(location.search).get('group') || '';
    const group = /^\d+$/.test(asked) ? asked : '';
    const [role, setRole] = useState(group ? 'all' : 'doing');
    const [draft, setDraft] = useState({ status: 'open', due: '', group, text: '' });
    const [form, setForm] = useState(draft);
    const [order, setOrder] = useState({ field: 'ID', dir: 'DESC' });
    const [start, setStart] = useState(0);
    const ctx = useAsync(async () => {
        const [people, groups] = await Promise.all([users(), visibleGroups()]);
        return { people, groups: groups || [] };
    }, []);
    const counts = useAsync(async () => {
        const cmds = {};
        for (const r of Object.keys(ROLES)) cmds[r] = ['tasks.task.list', { filter: { ...ROLES[r](me), '!STATUS': 5 }, select: ['ID'] }];
        return (await batch(cmds)).result_total || {};
    }, [me]);
    const data = useAsync(async () => {
        const env = await call('tasks.task.list', {
            filter: buildFilter(me, role, form),
            select: SELECT,
            order: { [order.field]: order.dir },
            start,
        });
        return { rows: env.result?.tasks || [], total: env.total, next: env.next };
    }, [me, role, form, order, start]);
    const pick = (r) => {
        setRole(r);
        setStart(0);
    };
    const apply = (e) => {
        e.preventDefault();
        setForm(draft);
        setStart(0);
    };
    const sortBy = (field) => {
        setOrder((o) => ({ field, dir: o.field === field && o.dir === 'ASC' ? 'DESC' : 'ASC' }));
        setStart(0);
    };
    const th = (
        field,
        label,
    ) => html`<th scope="col" aria-sort=${order.field === field ? (order.dir === 'ASC' ? 'ascending' : 'descending') : undefined}>
        <button type="button" class="th-sort" onClick=${() => sortBy(field)}>${label}${order.field === field ? (order.dir === 'ASC' ? ' ▲' : ' ▼') : ''}</button></th>`;
    const d = data.data;
    const people = ctx.data?.people;
    return html`<div class="page">
        <${PageHead} title=${t('task.my')}>
            <${TaskViews} current="list" />
            ${has('tasks.task.add') && html`<${Link} class="btn btn-primary" href="/tasks/new"><${Icon} name="plus" size=${16} /> ${t('task.new')}<//>`}
        <//>
        <div class="view-switch roles" role="group" aria-label=${t('task.roles')} data-testid="task-roles">
            ${Object.keys(ROLES).map(
                (
                    r,
                ) => html`<button type="button" key=${r} class=${role === r ? 'active' : ''} aria-pressed=${role === r} onClick=${() => pick(r)}>
                ${t(`task.role.${r}`)} <span class="badge" aria-label=${t('task.openCount', { n: counts.data?.[r] ?? 0 })}>${fmtNumber(counts.data?.[r] ?? 0)}</span></button>`,
            )}
        </div>
        <form class="filters" role="search" onSubmit=${apply} aria-label=${t('common.filters')}>
            <label class="visually-hidden" for="tf-text">${t('task.title')}</label>
            <input id="tf-text" type="search" maxlength="200" placeholder=${t('task.searchTitle')} value=${draft.text} onInput=${(e) => setDraft({ ...draft, text: e.target.value })} />
            <label class="visually-hidden" for="tf-status">${t('task.status')}</label>
            <select id="tf-status" onChange=${(e) => setDraft({ ...draft, status: e.target.value })}>
                ${['open', 'overdue', 'done', 'all'].map((s) => html`<option value=${s} selected=${draft.status === s}>${t(`task.f.${s}`)}</option>`)}
            </select>
            <label class="visually-hidden" for="tf-due">${t('task.deadline')}</label>
            <select id="tf-due" onChange=${(e) => setDraft({ ...draft, due: e.target.value })}>
                ${['', 'today', 'week'].map((s) => html`<option value=${s} selected=${draft.due === s}>${t(`task.due.${s || 'any'}`)}</option>`)}
            </select>
            ${
                ctx.data?.groups.length
                    ? html`<label class="visually-hidden" for="tf-group">${t('task.group')}</label>
                <select id="tf-group" onChange=${(e) => setDraft({ ...draft, group: e.target.value })}>
                    <option value="">${t('task.anyGroup')}</option>
                    ${ctx.data.groups.map((g) => html`<option value=${g.ID} selected=${draft.group === String(g.ID)}>${g.NAME}</option>`)}
                </select>`
                    : null
            }
            <button type="submit" class="btn">${t('common.apply')}</button>
        </form>
        <${ErrorBox} error=${data.error} onRetry=${data.reload} />
        ${
            !d && !data.error
                ? html`<${Spinner} />`
                : d &&
                  html`<div class="table-wrap"><table class="table" aria-busy=${data.loading} data-testid="tasks-table">
            <caption class="visually-hidden">${t('task.my')}</caption>
            <thead><tr>${th('TITLE', t('task.title'))}${th('STATUS', t('task.status'))}${th('DEADLINE', t('task.deadline'))}${th('RESPONSIBLE_ID', t('task.responsible'))}</tr></thead>
            <tbody>
                ${d.rows.map(
                    (r) => html`<tr key=${r.id} class=${isOverdue(r) ? 'overdue' : ''}>
                    <td class="cell-title"><${Link} href=${`/tasks/${r.id}`}>${r.title || `#${r.id}`}<//>${r.priority === '2' ? html` <span class="badge badge-warn">${t('task.high')}</span>` : null}</td>
                    <td>${statusName(r.status)}</td>
                    <td class=${isOverdue(r) ? 'text-danger' : ''}>${fmtDateTime(r.deadline)}${isOverdue(r) ? html` <span class="badge badge-danger">${t('task.overdue')}</span>` : null}</td>
                    <td>${userName(people, r.responsibleId)}</td>
                </tr>`,
                )}
                ${!d.rows.length && html`<tr><td colspan="4" class="empty">${t('task.none')}</td></tr>`}
            </tbody></table></div>
            <${Pager} start=${start} count=${d.rows.length} total=${d.total} hasNext=${d.next !== undefined && d.next !== null}
                onPrev=${() => setStart(Math.max(0, start - 50))} onNext=${() => setStart(d.next)} />`
        }
    </div>`;
}
