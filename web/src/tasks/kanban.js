// Tasks by status as a board: the caller's tasks (every task they see), or one workgroup's
// (/tasks/group/N, with the workgroup list to switch). Dragging a card (or Alt+arrow on it) calls
// the status action that leads there; the move shows at once and is undone with the server's
// message when it refuses.
import { useRef, useState } from 'preact/hooks';
import { html } from '../h.js';
import { batch, has, rest } from '../api.js';
import { fmtDateTime, fmtNumber, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { useLive } from '../live.js';
import { Icon } from '../ui/icons.js';
import { errorText, Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import { actionFor, isOverdue, STATUSES, statusName, userName, users } from './common.js';
import { visibleGroups } from './groups.js';
import { TaskViews } from './views.js';

const SELECT = ['ID', 'TITLE', 'STATUS', 'DEADLINE', 'RESPONSIBLE_ID', 'GROUP_ID'];

async function loadBoard(group) {
    const cmds = {};
    for (const s of STATUSES) {
        const filter = { REAL_STATUS: s === '2' ? [1, 2] : Number(s) };
        if (group) filter.GROUP_ID = group;
        cmds[`s${s}`] = ['tasks.task.list', { filter, select: SELECT, order: { ID: 'DESC' } }];
    }
    const r = await batch(cmds);
    const by = {},
        totals = {};
    for (const s of STATUSES) {
        by[s] = r.result?.[`s${s}`]?.tasks || [];
        totals[s] = r.result_total?.[`s${s}`] ?? by[s].length;
    }
    return { by, totals };
}

function Board({ group, initial, people }) {
    const [by, setBy] = useState(initial.by);
    const [totals, setTotals] = useState(initial.totals);
    const [over, setOver] = useState(null);
    const live = useRef(null);
    // another user's change: the board as the server has it now
    useLive('task', () =>
        loadBoard(group).then(
            (r) => {
                setBy(r.by);
                setTotals(r.totals);
            },
            () => {},
        ),
    );
    const colOf = (st) => (st === '1' ? '2' : st);
    const find = (id) => {
        for (const s of STATUSES) {
            const task = by[s].find((x) => String(x.id) === String(id));
            if (task) return [task, s];
        }
        return [null, null];
    };
    const shift = (task, from, to, back) => {
        setBy((b) => ({ ...b, [from]: b[from].filter((x) => x.id !== task.id), [to]: [back ? task : { ...task, status: to }, ...b[to]] }));
        setTotals((tt) => ({ ...tt, [from]: tt[from] - 1, [to]: tt[to] + 1 }));
    };
    const move = async (id, to) => {
        const [task, from] = find(id);
        if (!task || from === to) return;
        const action = actionFor(task.status, to);
        if (!action) {
            toast(t('task.cannotMove', { name: task.title, status: statusName(to) }), 'error');
            return;
        }
        shift(task, from, to, false);
        if (live.current) live.current.textContent = t('task.moved', { name: task.title, status: statusName(to) });
        try {
            const r = await rest(`tasks.task.${action}`, { taskId: Number(task.id) });
            const now = colOf(r?.task?.status || to);
            if (now !== to) {
                /* completion that waits for the creator's check lands in "awaiting control" */
                setBy((b) => ({ ...b, [to]: b[to].filter((x) => x.id !== task.id), [now]: [{ ...task, status: now }, ...b[now]] }));
                setTotals((tt) => ({ ...tt, [to]: tt[to] - 1, [now]: tt[now] + 1 }));
            }
        } catch (e) {
            setBy((b) => ({ ...b, [to]: b[to].filter((x) => x.id !== task.id), [from]: [task, ...b[from]] }));
            setTotals((tt) => ({ ...tt, [from]: tt[from] + 1, [to]: tt[to] - 1 }));
            toast(t('task.refused', { name: task.title, reason: errorText(e) }), 'error');
        }
    };
    const key = (e, task, col) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) return navigate(`/tasks/${task.id}`);
        if (!e.altKey || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
        e.preventDefault();
        const i = STATUSES.indexOf(col) + (e.key === 'ArrowRight' ? 1 : -1);
        if (i >= 0 && i < STATUSES.length) move(task.id, STATUSES[i]);
    };
    return html`<div class="kanban-wrap">
        <p class="visually-hidden" aria-live="polite" ref=${live}></p>
        <div class="kanban" data-testid="task-kanban">
            ${STATUSES.map(
                (s) => html`<section key=${s} class=${`kcol${over === s ? ' drop' : ''}`} aria-labelledby=${`ts-${s}`} data-status=${s}
                onDragOver=${(e) => {
                    e.preventDefault();
                    e.dataTransfer.dropEffect = 'move';
                    if (over !== s) setOver(s);
                }}
                onDragLeave=${(e) => {
                    if (!e.currentTarget.contains(e.relatedTarget)) setOver(null);
                }}
                onDrop=${(e) => {
                    e.preventDefault();
                    setOver(null);
                    move(e.dataTransfer.getData('text/plain'), s);
                }}>
                <div class="kcol-head"><h2 class="kcol-title" id=${`ts-${s}`}><span>${statusName(s)}</span>
                    <span class="badge" aria-label=${t('task.count', { n: totals[s] })}>${fmtNumber(totals[s])}</span></h2></div>
                <div class="kcol-body">
                    ${by[s].map(
                        (task) => html`<article key=${task.id} class="kcard" draggable="true" tabindex="0" data-task=${task.id}
                        aria-label=${task.title} aria-describedby="tk-help"
                        onDragStart=${(e) => {
                            e.dataTransfer.setData('text/plain', String(task.id));
                            e.dataTransfer.effectAllowed = 'move';
                        }}
                        onKeyDown=${(e) => key(e, task, s)}>
                        <${Link} href=${`/tasks/${task.id}`} tabindex="-1" draggable="false">${task.title || `#${task.id}`}<//>
                        ${task.deadline ? html`<span class=${`small${isOverdue(task) ? ' text-danger' : ' muted'}`}>${fmtDateTime(task.deadline)}</span>` : null}
                        <span class="muted small">${userName(people, task.responsibleId)}</span>
                    </article>`,
                    )}
                    ${totals[s] > by[s].length ? html`<p class="muted small">${t('task.moreInList', { n: totals[s] - by[s].length })}</p>` : null}
                </div>
            </section>`,
            )}
        </div>
        <p id="tk-help" class="muted small">${t('task.kanbanHelp')}</p>
    </div>`;
}

export function TasksKanban({ group: groupId }) {
    const group = Number(groupId) || 0;
    const state = useAsync(async () => {
        const [people, groups, initial] = await Promise.all([users(), visibleGroups(50), loadBoard(group)]);
        return { people, groups: groups || [], initial };
    }, [group]);
    return html`<div class="page page-wide">
        <${PageHead} title=${t('task.board')}>
            <${TaskViews} current="kanban" />
            ${group && has('sonet_group.get') ? html`<${Link} class="btn" href=${`/tasks/groups/${group}`}><${Icon} name="users" size=${16} /> ${t('group.page')}<//>` : null}
            ${has('tasks.task.add') && html`<${Link} class="btn btn-primary" href=${group ? `/tasks/new?group=${group}` : '/tasks/new'}><${Icon} name="plus" size=${16} /> ${t('task.new')}<//>`}
        <//>
        <${Loaded} state=${state}>${(d) => html`
            <nav class="view-switch pipes" aria-label=${t('task.groups')}>
                <${Link} href="/tasks/kanban" class=${group ? '' : 'active'} aria-current=${group ? undefined : 'page'}>${t('task.allMine')}<//>
                ${d.groups.map(
                    (g) => html`<${Link} key=${g.ID} href=${`/tasks/group/${g.ID}`} class=${Number(g.ID) === group ? 'active' : ''}
                    aria-current=${Number(g.ID) === group ? 'page' : undefined}>${g.NAME}<//>`,
                )}
            </nav>
            <${Board} key=${group} group=${group} initial=${d.initial} people=${d.people} />`}<//>
    </div>`;
}
