// Administration: users. A paged list (50 a page, search by name or e-mail), add (with an
// optional first password) and edit in a dialog, set a user's password, deactivate / activate.
// Uses user.get, user.add, user.update, user.password.set and department.get.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { call, listAll, rest } from '../api.js';
import { fmtDateTime, t } from '../i18n/index.js';
import { useSession } from '../session.js';
import { Form } from '../ui/form.js';
import { Icon } from '../ui/icons.js';
import { Confirm, ErrorBox, Modal, PageHead, Pager, Spinner, errorText, toast, useAsync } from '../ui/kit.js';

export const fullName = (u) => [u.NAME, u.LAST_NAME].filter(Boolean).join(' ') || u.EMAIL || `#${u.ID}`;

// The new-password pair; the first is optional when a user is added (no password: no sign-in).
export function passwordFields(required, hint) {
    return [
        { name: 'PASSWORD', label: t('field.password'), type: 'password', required, min: 8, max: 1024, hint, autocomplete: 'new-password' },
        {
            name: 'PASSWORD2',
            label: t('field.password2'),
            type: 'password',
            required,
            sameAs: 'PASSWORD',
            max: 1024,
            autocomplete: 'new-password',
        },
    ];
}

function userFields(deps, editing) {
    return [
        { name: 'EMAIL', label: t('field.email'), type: 'email', required: true, max: 254 },
        { name: 'NAME', label: t('field.firstName'), required: true, max: 100 },
        { name: 'LAST_NAME', label: t('field.lastName'), max: 100 },
        { name: 'WORK_POSITION', label: t('field.position'), max: 255 },
        {
            name: 'UF_DEPARTMENT',
            label: t('field.departments'),
            type: 'checks',
            options: deps.map((d) => ({ value: Number(d.ID), label: d.NAME })),
            emptyText: t('users.noDepartments'),
        },
        { name: 'IS_ADMIN', label: t('field.isAdmin'), type: 'checkbox' },
        ...(editing ? [{ name: 'ACTIVE', label: t('field.active'), type: 'checkbox' }] : passwordFields(false, t('users.passwordHint'))),
    ];
}

function UserDialog({ user, deps, onClose, onSaved }) {
    const editing = !!user;
    const fields = userFields(deps, editing);
    const initial = editing
        ? {
              EMAIL: user.EMAIL,
              NAME: user.NAME,
              LAST_NAME: user.LAST_NAME,
              WORK_POSITION: user.WORK_POSITION,
              UF_DEPARTMENT: (user.UF_DEPARTMENT || []).map(Number),
              IS_ADMIN: !!user.IS_ADMIN,
              ACTIVE: user.ACTIVE !== false,
          }
        : { UF_DEPARTMENT: [], IS_ADMIN: false };
    const save = async (v) => {
        const f = {
            EMAIL: v.EMAIL.trim(),
            NAME: v.NAME.trim(),
            LAST_NAME: (v.LAST_NAME || '').trim(),
            WORK_POSITION: (v.WORK_POSITION || '').trim(),
            UF_DEPARTMENT: v.UF_DEPARTMENT || [],
            IS_ADMIN: !!v.IS_ADMIN,
        };
        if (editing) {
            f.ACTIVE = !!v.ACTIVE;
            await rest('user.update', { ID: Number(user.ID), fields: f });
            toast(t('common.saved'), 'ok');
            onSaved();
            return;
        }
        const id = await rest('user.add', { fields: f });
        // The user exists from here on: a failure below must not leave the dialog open for a
        // second user.add with the same e-mail.
        if (v.PASSWORD) {
            try {
                await rest('user.password.set', { ID: Number(id), PASSWORD: v.PASSWORD });
            } catch (e) {
                toast(t('users.addedNoPassword', { name: f.NAME, error: errorText(e) }), 'error');
                onSaved();
                return;
            }
        }
        toast(t('users.added', { name: f.NAME }), 'ok');
        onSaved();
    };
    return html`<${Modal} title=${editing ? t('users.edit') : t('users.add')} onClose=${onClose}>
        <${Form} id="user" fields=${fields} initial=${initial} onSubmit=${save} onCancel=${onClose} />
    <//>`;
}

// An administrator sets another user's password; that user's open sessions end.
function PasswordDialog({ user, onClose }) {
    const save = async (v) => {
        await rest('user.password.set', { ID: Number(user.ID), PASSWORD: v.PASSWORD });
        toast(t('users.passwordSet', { name: fullName(user) }), 'ok');
        onClose();
    };
    return html`<${Modal} title=${t('users.setPassword')} onClose=${onClose}>
        <p class="muted">${t('users.setPasswordText', { name: fullName(user) })}</p>
        <${Form} id="user-password" fields=${passwordFields(true, t('setup.passwordHint'))} onSubmit=${save} onCancel=${onClose} submitLabel=${t('users.setPassword')} />
    <//>`;
}

export function Users() {
    const s = useSession();
    const [start, setStart] = useState(0);
    const [find, setFind] = useState('');
    const [query, setQuery] = useState('');
    const [dialog, setDialog] = useState(null);
    const deps = useAsync(() => listAll('department.get', {}), []);
    const list = useAsync(() => call('user.get', { start, sort: 'ID', order: 'ASC', ...(query ? { FIND: query } : {}) }), [start, query]);
    const depName = (id) => deps.data?.find((d) => Number(d.ID) === Number(id))?.NAME || `#${id}`;
    const search = (e) => {
        e.preventDefault();
        setStart(0);
        setQuery(find.trim());
    };
    const rows = list.data?.result || [];
    const setActive = async (u, active) => {
        await rest('user.update', { ID: Number(u.ID), fields: { ACTIVE: active } });
        toast(active ? t('users.activated', { name: fullName(u) }) : t('users.deactivated', { name: fullName(u) }), 'ok');
        list.reload();
    };
    return html`<div class="page">
        <${PageHead} title=${t('nav.users')}>
            <button type="button" class="btn btn-primary" onClick=${() => setDialog({ kind: 'add' })}><${Icon} name="plus" size=${16} /> ${t('users.add')}</button>
        <//>
        <form class="toolbar" role="search" onSubmit=${search}>
            <label class="visually-hidden" for="user-find">${t('users.search')}</label>
            <input id="user-find" type="search" value=${find} maxlength="100" placeholder=${t('users.search')} onInput=${(e) => setFind(e.target.value)} />
            <button type="submit" class="btn">${t('common.search')}</button>
        </form>
        <${ErrorBox} error=${list.error} onRetry=${list.reload} />
        ${
            list.loading && !list.data
                ? html`<${Spinner} />`
                : html`<div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">${t('nav.users')}</caption>
                <thead><tr><th scope="col">${t('field.name')}</th><th scope="col">${t('field.email')}</th><th scope="col" class="hide-sm">${t('field.departments')}</th>
                    <th scope="col" class="hide-sm">${t('field.lastLogin')}</th><th scope="col">${t('field.status')}</th><th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th></tr></thead>
                <tbody>
                    ${rows.map(
                        (u) => html`<tr key=${u.ID} class=${u.ACTIVE === false ? 'row-muted' : ''}>
                        <td><strong>${fullName(u)}</strong>${u.IS_ADMIN ? html` <span class="badge">${t('users.admin')}</span>` : null}${u.WORK_POSITION ? html`<div class="muted small">${u.WORK_POSITION}</div>` : null}</td>
                        <td>${u.EMAIL}</td>
                        <td class="hide-sm">${(u.UF_DEPARTMENT || []).map(depName).join(', ')}</td>
                        <td class="hide-sm">${fmtDateTime(u.LAST_LOGIN)}</td>
                        <td>${u.ACTIVE === false ? html`<span class="badge badge-off">${t('users.inactive')}</span>` : html`<span class="badge badge-on">${t('users.active')}</span>`}</td>
                        <td class="row-actions">
                            <button type="button" class="btn btn-small" onClick=${() => setDialog({ kind: 'edit', user: u })} aria-label=${t('users.editNamed', { name: fullName(u) })}><${Icon} name="edit" size=${16} /></button>
                            ${
                                Number(u.ID) !== Number(s.user.id) &&
                                html`<button type="button" class="btn btn-small" onClick=${() => setDialog({ kind: 'password', user: u })}
                                aria-label=${t('users.setPasswordNamed', { name: fullName(u) })}>${t('users.setPassword')}</button>`
                            }
                            ${
                                u.ACTIVE === false
                                    ? html`<button type="button" class="btn btn-small" onClick=${() => setActive(u, true)}>${t('users.activate')}</button>`
                                    : html`<button type="button" class="btn btn-small" onClick=${() => setDialog({ kind: 'off', user: u })}>${t('users.deactivate')}</button>`
                            }
                        </td>
                    </tr>`,
                    )}
                    ${!rows.length && html`<tr><td colspan="6" class="empty">${t('common.nothing')}</td></tr>`}
                </tbody>
            </table>
        </div>
        <${Pager} start=${start} count=${rows.length} total=${list.data?.total ?? 0} hasNext=${list.data?.next !== undefined}
            onPrev=${() => setStart(Math.max(0, start - 50))} onNext=${() => setStart(list.data.next)} />`
        }
        ${dialog?.kind === 'password' && html`<${PasswordDialog} user=${dialog.user} onClose=${() => setDialog(null)} />`}
        ${
            (dialog?.kind === 'add' || dialog?.kind === 'edit') &&
            html`<${UserDialog} user=${dialog.user} deps=${deps.data || []} onClose=${() => setDialog(null)} onSaved=${() => {
                setDialog(null);
                list.reload();
            }} />`
        }
        ${
            dialog?.kind === 'off' &&
            html`<${Confirm} title=${t('users.deactivate')} text=${t('users.deactivateText', { name: fullName(dialog.user) })}
            confirmLabel=${t('users.deactivate')} danger onConfirm=${() => setActive(dialog.user, false)} onClose=${() => setDialog(null)} />`
        }
    </div>`;
}
