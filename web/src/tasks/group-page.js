// One workgroup: its details, the links to its tasks (board, list, a new task in it), editing
// and deleting (owner and administrators), joining an open group, leaving, and the members
// with their roles: add, change the role (owner; "owner" hands the group over), remove. Buttons
// show only to those the server lets use them; when it still refuses, its message is shown.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { has, rest } from '../api.js';
import { fmtDateTime, fmtNumber, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { Icon } from '../ui/icons.js';
import { Confirm, errorText, Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import { useSession } from '../session.js';
import { userName, users } from './common.js';
import { rightsIn, ROLES, roleName, visibilityName, visibilityOf } from './groups.js';
import { GroupDialog } from './groups-page.js';

// sonet_group.user.update / .delete / .add answer the ids they changed and skip the others.
function touched(answer, id) {
    return (answer || []).map(String).includes(String(id));
}

async function loadGroup(id, me) {
    const [rows, people] = await Promise.all([rest('sonet_group.get', { FILTER: { ID: Number(id) } }), users()]);
    const g = rows?.[0];
    if (!g) throw { code: 'NOT_FOUND', description: t('group.notFound') };
    const members = await rest('sonet_group.user.get', { ID: Number(id) });
    const role = members.find((m) => String(m.USER_ID) === me)?.ROLE || '';
    return { g, people, members, role };
}

// The picker of people who are not members yet.
function AddMember({ id, people, members, onDone }) {
    const [pick, setPick] = useState('');
    const [err, setErr] = useState('');
    const taken = new Set(members.map((m) => String(m.USER_ID)));
    const free = people.filter((u) => !taken.has(String(u.ID)));
    const add = async (e) => {
        e.preventDefault();
        if (!pick) return setErr(t('group.pickPerson'));
        setErr('');
        try {
            await rest('sonet_group.user.add', { GROUP_ID: Number(id), USER_ID: [Number(pick)] });
            toast(t('group.added', { name: userName(people, pick) }), 'ok');
            setPick('');
            onDone();
        } catch (ex) {
            setErr(errorText(ex));
        }
    };
    return html`<form class="inline-form member-add" onSubmit=${add}>
        <label for="gm-new">${t('group.addMember')}</label>
        <select id="gm-new" value=${pick} aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? 'gm-err' : undefined}
            onChange=${(e) => {
                setPick(e.target.value);
                setErr('');
            }}>
            <option value="">${free.length ? t('group.choosePerson') : t('group.everyoneIn')}</option>
            ${free.map((u) => html`<option key=${u.ID} value=${String(u.ID)} selected=${pick === String(u.ID)}>${userName(people, u.ID)}</option>`)}
        </select>
        <button type="submit" class="btn btn-small" disabled=${!free.length}><${Icon} name="plus" size=${16} /> ${t('common.addValue')}</button>
        ${err && html`<p class="field-error" id="gm-err" role="alert">${err}</p>`}
    </form>`;
}

function Members({ d, rights, me, isAdmin, reload, ask }) {
    const { g, people, members, role } = d;
    const setRole = async (m, to) => {
        const name = userName(people, m.USER_ID);
        if (to === 'A')
            return ask({
                title: t('group.handOver'),
                text: t('group.handOverText', { name }),
                label: t('group.handOver'),
                run: async () => {
                    await rest('sonet_group.setowner', { GROUP_ID: Number(g.ID), USER_ID: Number(m.USER_ID) });
                    toast(t('group.roleChanged', { name, role: roleName('A') }), 'ok');
                    reload();
                },
            });
        try {
            const r = await rest('sonet_group.user.update', { GROUP_ID: Number(g.ID), USER_ID: [Number(m.USER_ID)], ROLE: to });
            if (!touched(r, m.USER_ID)) throw new Error(t('group.notChanged', { name }));
            toast(t('group.roleChanged', { name, role: roleName(to) }), 'ok');
        } catch (e) {
            toast(errorText(e), 'error');
        }
        reload();
    };
    const remove = (m) => {
        const name = userName(people, m.USER_ID);
        ask({
            title: t('group.removeTitle', { name }),
            text: t('group.removeText', { name, group: g.NAME }),
            label: t('common.remove'),
            danger: true,
            run: async () => {
                const r = await rest('sonet_group.user.delete', { GROUP_ID: Number(g.ID), USER_ID: [Number(m.USER_ID)] });
                if (!touched(r, m.USER_ID)) throw new Error(t('group.notRemoved', { name }));
                toast(t('group.removed', { name }), 'ok');
                reload();
            },
        });
    };
    // the owner stays; a moderator does not remove another moderator; leaving is its own button
    const removable = (m) =>
        rights.removeMembers && m.ROLE !== 'A' && String(m.USER_ID) !== me && (isAdmin || role === 'A' || m.ROLE !== 'E');
    return html`<section class="card" aria-labelledby="gm-h">
        <h2 id="gm-h">${t('group.members')} <span class="muted small">${fmtNumber(members.length)}</span></h2>
        <ul class="member-list" data-testid="group-members">
            ${members.map((m) => {
                const name = userName(people, m.USER_ID);
                return html`<li key=${m.USER_ID} data-user=${m.USER_ID}>
                    <span class="member-name">${name}${String(m.USER_ID) === me ? html` <span class="muted small">${t('group.you')}</span>` : null}</span>
                    <span class="member-role">${
                        rights.roles && m.ROLE !== 'A'
                            ? html`<select aria-label=${t('group.roleOf', { name })} value=${m.ROLE} onChange=${(e) => setRole(m, e.target.value)}>
                        ${ROLES.map((r) => html`<option key=${r} value=${r} selected=${m.ROLE === r}>${r === 'A' ? t('group.makeOwner') : roleName(r)}</option>`)}
                    </select>`
                            : html`<span class=${`badge${m.ROLE === 'A' ? ' badge-on' : ''}`}>${roleName(m.ROLE)}</span>`
                    }</span>
                    ${
                        removable(m)
                            ? html`<button type="button" class="icon-btn" aria-label=${t('group.removeNamed', { name })} title=${t('group.removeNamed', { name })}
                        onClick=${() => remove(m)}><${Icon} name="x" size=${16} /></button>`
                            : html`<span class="icon-spacer" aria-hidden="true"></span>`
                    }
                </li>`;
            })}
        </ul>
        ${rights.addMembers && has('sonet_group.user.add') && html`<${AddMember} id=${g.ID} people=${people} members=${members} onDone=${reload} />`}
    </section>`;
}

function Details({ d }) {
    const { g, people, role } = d;
    return html`<section class="card" aria-labelledby="gd-h">
        <h2 id="gd-h">${t('task.details')}</h2>
        <p class="task-desc">${g.DESCRIPTION || html`<span class="muted">${t('group.noDesc')}</span>`}</p>
        <dl class="dl">
            <div class="kv"><dt>${t('group.visibility')}</dt><dd>${visibilityName(visibilityOf(g))}</dd></div>
            <div class="kv"><dt>${t('group.owner')}</dt><dd>${userName(people, g.OWNER_ID)}</dd></div>
            <div class="kv"><dt>${t('group.myRole')}</dt><dd data-testid="my-role">${roleName(role) || t('group.notMember')}</dd></div>
            <div class="kv"><dt>${t('task.createdOn')}</dt><dd>${fmtDateTime(g.DATE_CREATE)}</dd></div>
        </dl>
    </section>`;
}

function TaskLinks({ g, rights }) {
    return html`<section class="card" aria-labelledby="gt-h">
        <h2 id="gt-h">${t('group.tasks')}</h2>
        <div class="page-actions">
            <${Link} class="btn" href=${`/tasks/group/${g.ID}`}><${Icon} name="kanban" size=${16} /> ${t('group.board')}<//>
            <${Link} class="btn" href=${`/tasks?group=${g.ID}`}><${Icon} name="list" size=${16} /> ${t('group.taskList')}<//>
            ${
                rights.addTasks &&
                has('tasks.task.add') &&
                html`<${Link} class="btn btn-primary" href=${`/tasks/new?group=${g.ID}`}>
                <${Icon} name="plus" size=${16} /> ${t('group.newTask')}<//>`
            }
        </div>
    </section>`;
}

export function TaskGroup({ id }) {
    const s = useSession();
    const me = String(s.user.id);
    const [dialog, setDialog] = useState(false);
    const [confirm, setConfirm] = useState(null);
    const state = useAsync(() => loadGroup(id, me), [id, me]);
    const self = async (method, done) => {
        try {
            const r = await rest(method, { GROUP_ID: Number(id), USER_ID: [Number(me)] });
            if (!touched(r, me)) throw new Error(t('group.notChangedSelf'));
            toast(done, 'ok');
            return true;
        } catch (e) {
            toast(errorText(e), 'error');
            return false;
        }
    };
    return html`<div class="page">
        <${Loaded} state=${state}>${(d) => {
            const rights = rightsIn(d.g, d.role, s.isAdmin);
            return html`
            <p class="crumbs"><${Link} href="/tasks/groups">${t('group.list')}<//></p>
            <${PageHead} title=${d.g.NAME}>
                ${
                    rights.join &&
                    has('sonet_group.user.add') &&
                    html`<button type="button" class="btn btn-primary"
                    onClick=${async () => (await self('sonet_group.user.add', t('group.joined'))) && state.reload()}>${t('group.join')}</button>`
                }
                ${
                    rights.edit &&
                    has('sonet_group.update') &&
                    html`<button type="button" class="btn" onClick=${() => setDialog(true)}>
                    <${Icon} name="edit" size=${16} /> ${t('common.edit')}</button>`
                }
                ${
                    rights.leave &&
                    has('sonet_group.user.delete') &&
                    html`<button type="button" class="btn" onClick=${() =>
                        setConfirm({
                            title: t('group.leave'),
                            text: t('group.leaveText', { group: d.g.NAME }),
                            label: t('group.leave'),
                            run: async () => {
                                if (await self('sonet_group.user.delete', t('group.left'))) navigate('/tasks/groups');
                            },
                        })}><${Icon} name="logout" size=${16} /> ${t('group.leave')}</button>`
                }
                ${
                    rights.remove &&
                    has('sonet_group.delete') &&
                    html`<button type="button" class="btn btn-danger" onClick=${() =>
                        setConfirm({
                            title: t('common.deleteNamed', { name: d.g.NAME }),
                            text: t('group.deleteText'),
                            label: t('common.delete'),
                            danger: true,
                            run: async () => {
                                await rest('sonet_group.delete', { GROUP_ID: Number(id) });
                                toast(t('common.deleted'), 'ok');
                                navigate('/tasks/groups');
                            },
                        })}><${Icon} name="trash" size=${16} /> ${t('common.delete')}</button>`
                }
            <//>
            <div class="record">
                <div>
                    <${Details} d=${d} />
                    <${TaskLinks} g=${d.g} rights=${rights} />
                </div>
                <${Members} d=${d} rights=${rights} me=${me} isAdmin=${s.isAdmin} reload=${state.reload} ask=${setConfirm} />
            </div>
            ${
                dialog &&
                html`<${GroupDialog} group=${d.g} onClose=${() => setDialog(false)} onSaved=${() => {
                    setDialog(false);
                    state.reload();
                }} />`
            }`;
        }}<//>
        ${
            confirm &&
            html`<${Confirm} title=${confirm.title} text=${confirm.text} confirmLabel=${confirm.label} danger=${confirm.danger}
            onConfirm=${confirm.run} onClose=${() => setConfirm(null)} />`
        }
    </div>`;
}
