// Administration: roles and permissions. A role grants, per entity (role.entities) and action
// (READ, ADD, UPDATE, DELETE), a level from none to all; "*" covers every entity not listed.
// An entity whose rows have no owner (OWNED false: CRM settings, products, the department
// tree) is offered none and all only: there "own" and "department" would mean none (the server
// refuses them by name and reads them under "*" as none). Roles are assigned to users or
// departments. Uses role.list/entities/add/update/delete/assign/unassign.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { listAll, rest } from '../api.js';
import { t } from '../i18n/index.js';
import { Form } from '../ui/form.js';
import { Icon } from '../ui/icons.js';
import { Confirm, errorText, Loaded, Modal, PageHead, toast, useAsync } from '../ui/kit.js';
import { fullName } from './users.js';

const ACTIONS = ['READ', 'ADD', 'UPDATE', 'DELETE'];
const LEVELS = ['none', 'own', 'department', 'subdepartment', 'all'];
const NARROWING = ['own', 'department', 'subdepartment'];
// What a new role grants: reading everything, adding and changing one's own records. Under "*",
// "own" gives entities without an owner (CRM settings, products) none: configuration stays
// with roles that grant it "all" by name.
export const NEW_ROLE_PERMISSIONS = { '*': { READ: 'all', ADD: 'own', UPDATE: 'own', DELETE: 'none' } };

// The levels an entity row may take: the server's LEVELS, else every level.
const levelsOf = (e) =>
    e.ENTITY === '*' ? LEVELS : Array.isArray(e.LEVELS) && e.LEVELS.length ? e.LEVELS : e.OWNED === false ? ['none', 'all'] : LEVELS;
// The entity's title in the reader's language, else the server's.
const titleOf = (e) => {
    const k = `entity.${e.ENTITY}`;
    const s = t(k);
    return s === k ? e.TITLE : s;
};

function RoleEditor({ role, entities, users, deps, onChanged, onDeleted }) {
    const [perms, setPerms] = useState(() => JSON.parse(JSON.stringify(role.PERMISSIONS || {})));
    const [name, setName] = useState(role.NAME);
    const [err, setErr] = useState('');
    const [busy, setBusy] = useState(false);
    const [assign, setAssign] = useState('');
    const [confirm, setConfirm] = useState(false);
    const rows = [{ ENTITY: '*', TITLE: t('roles.everything') }, ...entities.map((e) => ({ ...e, TITLE: titleOf(e) }))];
    // the "as everything else" choice of an ownerless row says when it comes to none
    const inheritLabel = (e, a) => (levelsOf(e).includes(perms['*']?.[a] || 'none') ? t('roles.inherit') : t('roles.inheritNone'));
    const setLevel = (entity, action, level) => {
        setPerms((p) => {
            const n = { ...p, [entity]: { ...(p[entity] || {}) } };
            if (level) n[entity][action] = level;
            else delete n[entity][action];
            if (!Object.keys(n[entity]).length) delete n[entity];
            return n;
        });
    };
    const save = async () => {
        if (!name.trim()) return setErr(t('v.required'));
        if (name.length > 100) return setErr(t('v.tooLong', { max: 100 }));
        setBusy(true);
        setErr('');
        try {
            await rest('role.update', { ID: role.ID, NAME: name.trim(), PERMISSIONS: perms });
            toast(t('common.saved'), 'ok');
            onChanged();
        } catch (e) {
            setErr(errorText(e));
        }
        setBusy(false);
    };
    const doAssign = async (e) => {
        e.preventDefault();
        if (!assign) return;
        const [kind, id] = assign.split(':');
        try {
            await rest('role.assign', { ROLE_ID: role.ID, [kind === 'u' ? 'USER_ID' : 'DEPARTMENT_ID']: Number(id) });
            setAssign('');
            onChanged();
        } catch (x) {
            toast(errorText(x), 'error');
        }
    };
    const unassign = async (kind, id) => {
        try {
            await rest('role.unassign', { ROLE_ID: role.ID, [kind === 'u' ? 'USER_ID' : 'DEPARTMENT_ID']: Number(id) });
            onChanged();
        } catch (x) {
            toast(errorText(x), 'error');
        }
    };
    const uName = (id) => {
        const u = users.find((x) => Number(x.ID) === Number(id));
        return u ? fullName(u) : `#${id}`;
    };
    const dName = (id) => deps.find((x) => Number(x.ID) === Number(id))?.NAME || `#${id}`;
    return html`<section class="card role-editor" aria-labelledby="role-title">
        <div class="card-head">
            <h2 id="role-title">${role.NAME}${role.IS_DEFAULT ? html` <span class="badge">${t('roles.default')}</span>` : null}</h2>
            ${!role.IS_DEFAULT && html`<button type="button" class="btn btn-small btn-danger" onClick=${() => setConfirm(true)}><${Icon} name="trash" size=${16} /> ${t('common.delete')}</button>`}
        </div>
        <div class="field"><label for="role-name">${t('field.name')}</label>
            <input id="role-name" value=${name} maxlength="100" onInput=${(e) => setName(e.target.value)} /></div>
        <div class="table-wrap">
            <table class="table perm-table">
                <caption class="visually-hidden">${t('roles.matrix')}</caption>
                <thead><tr><th scope="col">${t('roles.entity')}</th>${ACTIONS.map((a) => html`<th scope="col">${t(`perm.${a}`)}</th>`)}</tr></thead>
                <tbody>${rows.map(
                    (e) => html`<tr key=${e.ENTITY} data-owned=${e.ENTITY === '*' || e.OWNED !== false ? 'yes' : 'no'}>
                    <th scope="row">${e.TITLE}${e.ENTITY !== '*' && e.OWNED === false ? html`<span class="muted small perm-note">${t('roles.noOwner')}</span>` : null}</th>
                    ${ACTIONS.map(
                        (a) => html`<td><select aria-label=${`${e.TITLE}: ${t(`perm.${a}`)}`} value=${perms[e.ENTITY]?.[a] || ''}
                        onChange=${(ev) => setLevel(e.ENTITY, a, ev.target.value)}>
                        ${e.ENTITY !== '*' ? html`<option value="">${inheritLabel(e, a)}</option>` : html`<option value="">${t('level.none')}</option>`}
                        ${levelsOf(e).map((l) => html`<option value=${l} selected=${perms[e.ENTITY]?.[a] === l}>${t(`level.${l}`)}</option>`)}
                    </select></td>`,
                    )}
                </tr>`,
                )}</tbody>
            </table>
        </div>
        ${
            NARROWING.some((l) => Object.values(perms['*'] || {}).includes(l)) && rows.some((e) => e.OWNED === false)
                ? html`<p class="muted small" role="note">${t('roles.ownerlessHint')}</p>`
                : null
        }
        ${err && html`<p class="form-error" role="alert">${err}</p>`}
        <div class="form-actions"><button type="button" class="btn btn-primary" disabled=${busy} onClick=${save}>${t('common.save')}</button></div>
        <h3>${t('roles.assigned')}</h3>
        <ul class="chips">
            ${(role.USERS || []).map(
                (id) => html`<li class="chip" key=${`u${id}`}><${Icon} name="person" size=${14} /> ${uName(id)}
                <button type="button" class="chip-x" onClick=${() => unassign('u', id)} aria-label=${t('roles.unassign', { name: uName(id) })}><${Icon} name="x" size=${14} /></button></li>`,
            )}
            ${(role.DEPARTMENTS || []).map(
                (id) => html`<li class="chip" key=${`d${id}`}><${Icon} name="tree" size=${14} /> ${dName(id)}
                <button type="button" class="chip-x" onClick=${() => unassign('d', id)} aria-label=${t('roles.unassign', { name: dName(id) })}><${Icon} name="x" size=${14} /></button></li>`,
            )}
            ${!(role.USERS || []).length && !(role.DEPARTMENTS || []).length && html`<li class="muted">${role.IS_DEFAULT ? t('roles.defaultHint') : t('roles.nobody')}</li>`}
        </ul>
        <form class="toolbar" onSubmit=${doAssign}>
            <label class="visually-hidden" for="role-assign">${t('roles.assignTo')}</label>
            <select id="role-assign" value=${assign} onChange=${(e) => setAssign(e.target.value)}>
                <option value="">${t('roles.assignTo')}</option>
                <optgroup label=${t('nav.users')}>${users.map((u) => html`<option value=${`u:${u.ID}`}>${fullName(u)}</option>`)}</optgroup>
                <optgroup label=${t('nav.departments')}>${deps.map((d) => html`<option value=${`d:${d.ID}`}>${d.NAME}</option>`)}</optgroup>
            </select>
            <button type="submit" class="btn" disabled=${!assign}>${t('roles.assign')}</button>
        </form>
        ${
            confirm &&
            html`<${Confirm} title=${t('roles.delete')} text=${t('roles.deleteText', { name: role.NAME })} confirmLabel=${t('common.delete')} danger
            onConfirm=${async () => {
                await rest('role.delete', { ID: role.ID });
                toast(t('common.deleted'), 'ok');
                onDeleted();
            }} onClose=${() => setConfirm(false)} />`
        }
    </section>`;
}

export function Roles() {
    const data = useAsync(async () => {
        const [roles, entities, users, deps] = await Promise.all([
            rest('role.list'),
            rest('role.entities'),
            listAll('user.get', { FILTER: { ACTIVE: true } }, 1000),
            listAll('department.get', {}),
        ]);
        return { roles: Array.isArray(roles) ? roles : [], entities, users, deps };
    }, []);
    const [sel, setSel] = useState(null);
    const [adding, setAdding] = useState(false);
    const add = async (v) => {
        const id = await rest('role.add', { NAME: v.NAME.trim(), PERMISSIONS: NEW_ROLE_PERMISSIONS });
        setAdding(false);
        setSel(Number(id?.ID ?? id));
        data.reload();
    };
    return html`<div class="page">
        <${PageHead} title=${t('nav.roles')}>
            <button type="button" class="btn btn-primary" onClick=${() => setAdding(true)}><${Icon} name="plus" size=${16} /> ${t('roles.add')}</button>
        <//>
        <p class="muted">${t('roles.intro')}</p>
        <${Loaded} state=${data}>${({ roles, entities, users, deps }) => {
            const current = roles.find((r) => Number(r.ID) === Number(sel)) || roles[0];
            return html`<div class="split">
                <ul class="side-list" aria-label=${t('nav.roles')}>
                    ${roles.map(
                        (
                            r,
                        ) => html`<li key=${r.ID}><button type="button" class=${current && r.ID === current.ID ? 'active' : ''} aria-pressed=${current && r.ID === current.ID}
                        onClick=${() => setSel(r.ID)}>${r.NAME}<span class="muted small">${t('roles.count', { n: (r.USERS || []).length + (r.DEPARTMENTS || []).length })}</span></button></li>`,
                    )}
                </ul>
                ${
                    current &&
                    html`<${RoleEditor} key=${current.ID} role=${current} entities=${entities} users=${users} deps=${deps}
                    onChanged=${data.reload} onDeleted=${() => {
                        setSel(null);
                        data.reload();
                    }} />`
                }
            </div>`;
        }}<//>
        ${
            adding &&
            html`<${Modal} title=${t('roles.add')} onClose=${() => setAdding(false)}>
            <${Form} id="role" fields=${[{ name: 'NAME', label: t('field.name'), required: true, max: 100 }]} onSubmit=${add} onCancel=${() => setAdding(false)} />
        <//>`
        }
    </div>`;
}
