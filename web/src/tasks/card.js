// A task's card: its fields and people, the status actions the flow allows (the server checks
// who may), the checklist, comments and time spent (the positional task.*item.* methods), and
// links to CRM records. Every change reloads what it touched; server errors show as they come.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { call, has, rest } from '../api.js';
import { fmtDateTime, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { Icon } from '../ui/icons.js';
import { Confirm, errorText, Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import { actionsOf, crmLink, isOverdue, statusName, userName, users } from './common.js';

function People({ label, ids, people }) {
    if (!ids || !ids.length) return null;
    return html`<div class="kv"><dt>${label}</dt><dd>${ids.map((id) => userName(people, id)).join(', ')}</dd></div>`;
}

function Checklist({ id }) {
    const list = useAsync(() => rest('task.checklistitem.getlist', [Number(id)]), [id]);
    const [title, setTitle] = useState('');
    const [err, setErr] = useState('');
    const run = async (method, args) => {
        try {
            await rest(method, args);
            list.reload();
        } catch (e) {
            toast(errorText(e), 'error');
        }
    };
    const add = async (e) => {
        e.preventDefault();
        const v = title.trim();
        if (!v) return setErr(t('v.required'));
        if (v.length > 255) return setErr(t('v.tooLong', { max: 255 }));
        setErr('');
        await run('task.checklistitem.add', [Number(id), { TITLE: v }]);
        setTitle('');
    };
    const items = list.data || [];
    const done = items.filter((i) => i.IS_COMPLETE === 'Y').length;
    return html`<section class="card" aria-labelledby="cl-h">
        <h2 id="cl-h">${t('task.checklist')} ${items.length ? html`<span class="muted small">${done}/${items.length}</span>` : null}</h2>
        <ul class="checklist" data-testid="checklist">
            ${items.map(
                (i) => html`<li key=${i.ID}>
                <label class="check"><input type="checkbox" checked=${i.IS_COMPLETE === 'Y'}
                    onChange=${(e) => {
                        const on = e.target.checked;
                        list.setData(items.map((x) => (x.ID === i.ID ? { ...x, IS_COMPLETE: on ? 'Y' : 'N' } : x)));
                        run(on ? 'task.checklistitem.complete' : 'task.checklistitem.renew', [Number(id), Number(i.ID)]);
                    }} />
                    <span class=${i.IS_COMPLETE === 'Y' ? 'done' : ''}>${i.TITLE}</span></label>
                ${
                    has('task.checklistitem.delete') &&
                    html`<button type="button" class="icon-btn" aria-label=${t('common.deleteNamed', { name: i.TITLE })}
                    onClick=${() => run('task.checklistitem.delete', [Number(id), Number(i.ID)])}><${Icon} name="x" size=${14} /></button>`
                }
            </li>`,
            )}
        </ul>
        ${
            has('task.checklistitem.add') &&
            html`<form class="inline-form" onSubmit=${add}>
            <label class="visually-hidden" for="cl-new">${t('task.newItem')}</label>
            <input id="cl-new" value=${title} maxlength="300" placeholder=${t('task.newItem')} aria-invalid=${err ? 'true' : undefined}
                aria-describedby=${err ? 'cl-err' : undefined} onInput=${(e) => setTitle(e.target.value)} />
            <button type="submit" class="btn btn-small">${t('common.addValue')}</button>
            ${err && html`<p class="field-error" id="cl-err">${err}</p>`}
        </form>`
        }
    </section>`;
}

function Comments({ id, people }) {
    const list = useAsync(() => rest('task.commentitem.getlist', [Number(id), { ID: 'ASC' }]), [id]);
    const [text, setText] = useState('');
    const [err, setErr] = useState('');
    const send = async (e) => {
        e.preventDefault();
        const v = text.trim();
        if (!v) return setErr(t('v.required'));
        if (v.length > 10000) return setErr(t('v.tooLong', { max: 10000 }));
        setErr('');
        try {
            await rest('task.commentitem.add', [Number(id), { POST_MESSAGE: v }]);
            setText('');
            list.reload();
        } catch (ex) {
            setErr(errorText(ex));
        }
    };
    return html`<section class="card" aria-labelledby="cm-h">
        <h2 id="cm-h">${t('task.comments')}</h2>
        <ol class="timeline" data-testid="comments">
            ${(list.data || []).map(
                (
                    c,
                ) => html`<li key=${c.ID}><div class="tl-meta">${c.AUTHOR_NAME || userName(people, c.AUTHOR_ID)} · ${fmtDateTime(c.POST_DATE)}</div>
                <div class="tl-text">${c.POST_MESSAGE}</div></li>`,
            )}
        </ol>
        ${
            has('task.commentitem.add') &&
            html`<form class="composer" onSubmit=${send}>
            <label class="visually-hidden" for="cm-new">${t('task.comment')}</label>
            <textarea id="cm-new" rows="3" value=${text} placeholder=${t('task.commentPh')} aria-invalid=${err ? 'true' : undefined}
                aria-describedby=${err ? 'cm-err' : undefined} onInput=${(e) => setText(e.target.value)} />
            ${err && html`<p class="field-error" id="cm-err">${err}</p>`}
            <button type="submit" class="btn btn-primary btn-small">${t('task.send')}</button>
        </form>`
        }
    </section>`;
}

function TimeSpent({ id, people, estimate }) {
    const list = useAsync(() => rest('task.elapseditem.getlist', [Number(id), { ID: 'ASC' }]), [id]);
    const [min, setMin] = useState('');
    const [note, setNote] = useState('');
    const [err, setErr] = useState('');
    const add = async (e) => {
        e.preventDefault();
        const m = Number(min);
        if (!/^\d+$/.test(min.trim()) || m < 1 || m > 1440) return setErr(t('task.minutesBad'));
        setErr('');
        try {
            await rest('task.elapseditem.add', [Number(id), { SECONDS: m * 60, COMMENT_TEXT: note.trim() }]);
            setMin('');
            setNote('');
            list.reload();
        } catch (ex) {
            setErr(errorText(ex));
        }
    };
    const rows = list.data || [];
    const total = rows.reduce((s, r) => s + Number(r.SECONDS || 0), 0);
    const hm = (s) => t('task.hm', { h: Math.floor(s / 3600), m: Math.round((s % 3600) / 60) });
    return html`<section class="card" aria-labelledby="tm-h">
        <h2 id="tm-h">${t('task.time')}</h2>
        <p data-testid="time-total">${t('task.timeTotal', { spent: hm(total) })}${Number(estimate) ? ` · ${t('task.timePlan', { plan: hm(Number(estimate)) })}` : ''}</p>
        <ul class="plain">${rows.map((r) => html`<li key=${r.ID}>${hm(Number(r.SECONDS))} · ${userName(people, r.USER_ID)}${r.COMMENT_TEXT ? ` · ${r.COMMENT_TEXT}` : ''}</li>`)}</ul>
        ${
            has('task.elapseditem.add') &&
            html`<form class="inline-form" onSubmit=${add}>
            <label for="tm-min">${t('task.minutes')}</label>
            <input id="tm-min" inputmode="numeric" size="5" value=${min} aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? 'tm-err' : undefined} onInput=${(e) => setMin(e.target.value)} />
            <label class="visually-hidden" for="tm-note">${t('task.timeNote')}</label>
            <input id="tm-note" maxlength="255" placeholder=${t('task.timeNote')} value=${note} onInput=${(e) => setNote(e.target.value)} />
            <button type="submit" class="btn btn-small">${t('task.logTime')}</button>
            ${err && html`<p class="field-error" id="tm-err">${err}</p>`}
        </form>`
        }
    </section>`;
}

export function TaskCard({ id }) {
    const [confirm, setConfirm] = useState(false);
    const [busy, setBusy] = useState('');
    const state = useAsync(async () => {
        const [env, people] = await Promise.all([call('tasks.task.get', { taskId: Number(id) }), users()]);
        const task = env.result?.task;
        if (!task) throw { code: 'NOT_FOUND', description: t('task.notFound') };
        const sub = await rest('tasks.task.list', { filter: { PARENT_ID: Number(id) }, select: ['ID', 'TITLE', 'STATUS'] }).catch(
            () => null,
        );
        return { task, people, subtasks: sub?.tasks || [] };
    }, [id]);
    const act = async (action) => {
        setBusy(action);
        try {
            await rest(`tasks.task.${action}`, { taskId: Number(id) });
            toast(t('task.done.' + action), 'ok');
            state.reload();
        } catch (e) {
            toast(errorText(e), 'error');
        }
        setBusy('');
    };
    const remove = async () => {
        await rest('tasks.task.delete', { taskId: Number(id) });
        toast(t('common.deleted'), 'ok');
        navigate('/tasks');
    };
    return html`<div class="page">
        <${Loaded} state=${state}>${({ task, people, subtasks }) => html`
            <${PageHead} title=${task.title}>
                ${has('tasks.task.update') && html`<${Link} class="btn" href=${`/tasks/${id}/edit`}><${Icon} name="edit" size=${16} /> ${t('common.edit')}<//>`}
                ${has('tasks.task.add') && html`<${Link} class="btn" href=${`/tasks/new?parent=${id}`}><${Icon} name="plus" size=${16} /> ${t('task.subtask')}<//>`}
                ${has('tasks.task.delete') && html`<button type="button" class="btn btn-danger" onClick=${() => setConfirm(true)}><${Icon} name="trash" size=${16} /> ${t('common.delete')}</button>`}
            <//>
            <div class="task-status" data-testid="task-status">
                <span class=${`badge${isOverdue(task) ? ' badge-off' : ''}`}>${statusName(task.status)}${isOverdue(task) ? ` · ${t('task.overdue')}` : ''}</span>
                ${actionsOf(task.status)
                    .filter((a) => has(`tasks.task.${a}`))
                    .map(
                        (a) => html`<button type="button" key=${a} class="btn btn-small"
                    disabled=${!!busy} onClick=${() => act(a)} data-action=${a}>${t(`task.act.${a}`)}</button>`,
                    )}
            </div>
            <div class="record">
                <section class="card" aria-labelledby="tk-h">
                    <h2 id="tk-h" class="visually-hidden">${t('task.details')}</h2>
                    ${task.description ? html`<p class="task-desc">${task.description}</p>` : html`<p class="muted">${t('task.noDesc')}</p>`}
                    <dl class="dl">
                        <div class="kv"><dt>${t('task.deadline')}</dt><dd class=${isOverdue(task) ? 'text-danger' : ''}>${fmtDateTime(task.deadline) || '—'}</dd></div>
                        <div class="kv"><dt>${t('task.priority')}</dt><dd>${task.priority === '2' ? t('task.high') : t('task.normal')}</dd></div>
                        <${People} label=${t('task.creator')} ids=${[task.createdBy]} people=${people} />
                        <${People} label=${t('task.responsible')} ids=${[task.responsibleId]} people=${people} />
                        <${People} label=${t('task.accomplices')} ids=${task.accomplices} people=${people} />
                        <${People} label=${t('task.auditors')} ids=${task.auditors} people=${people} />
                        ${Number(task.groupId) ? html`<div class="kv"><dt>${t('task.group')}</dt><dd><${Link} href=${`/tasks/group/${task.groupId}`}>${task.group?.name || `#${task.groupId}`}<//></dd></div>` : null}
                        ${Number(task.parentId) ? html`<div class="kv"><dt>${t('task.parent')}</dt><dd><${Link} href=${`/tasks/${task.parentId}`}>#${task.parentId}<//></dd></div>` : null}
                        ${task.tags?.length ? html`<div class="kv"><dt>${t('task.tags')}</dt><dd>${task.tags.join(', ')}</dd></div>` : null}
                        ${
                            task.ufCrmTask?.length
                                ? html`<div class="kv"><dt>${t('task.crm')}</dt><dd data-testid="task-crm">${task.ufCrmTask.map((c) => {
                                      const l = crmLink(c);
                                      return l ? html`<${Link} key=${c} href=${l.href}>${l.label}<//> ` : `${c} `;
                                  })}</dd></div>`
                                : null
                        }
                        <div class="kv"><dt>${t('task.createdOn')}</dt><dd>${fmtDateTime(task.createdDate)}</dd></div>
                    </dl>
                    ${subtasks.length ? html`<h3>${t('task.subtasks')}</h3><ul class="plain">${subtasks.map((s) => html`<li key=${s.id}><${Link} href=${`/tasks/${s.id}`}>${s.title}<//> · ${statusName(s.status)}</li>`)}</ul>` : null}
                </section>
                <${Checklist} id=${id} />
                <${TimeSpent} id=${id} people=${people} estimate=${task.timeEstimate} />
                <${Comments} id=${id} people=${people} />
            </div>
            ${
                confirm &&
                html`<${Confirm} title=${t('common.deleteNamed', { name: task.title })} text=${t('task.deleteText')} danger
                confirmLabel=${t('common.delete')} onConfirm=${remove} onClose=${() => setConfirm(false)} />`
            }
        `}<//>
    </div>`;
}
