// Administration: departments as a tree (department.get), with add, edit (name, parent, head,
// sort) and delete. The server refuses cycles and deleting a department that has children;
// its message is shown in the dialog.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { listAll, rest } from '../api.js';
import { t } from '../i18n/index.js';
import { Form } from '../ui/form.js';
import { Icon } from '../ui/icons.js';
import { Confirm, Loaded, Modal, PageHead, toast, useAsync } from '../ui/kit.js';
import { fullName } from './users.js';

// Rows in tree order with their depth.
function flatten(rows) {
    const kids = new Map();
    for (const d of rows) {
        const p = d.PARENT ? String(d.PARENT) : '';
        if (!kids.has(p)) kids.set(p, []);
        kids.get(p).push(d);
    }
    const ids = new Set(rows.map((d) => String(d.ID)));
    const out = [];
    const walk = (parent, depth) => {
        for (const d of (kids.get(parent) || []).sort((a, b) => a.SORT - b.SORT || a.ID - b.ID)) {
            out.push({ ...d, depth });
            walk(String(d.ID), depth + 1);
        }
    };
    walk('', 0);
    for (const [p, list] of kids)
        if (p && !ids.has(p))
            for (const d of list) {
                out.push({ ...d, depth: 0 });
                walk(String(d.ID), 1);
            }
    return out;
}

function descendants(rows, id) {
    const out = new Set([String(id)]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const d of rows)
            if (d.PARENT && out.has(String(d.PARENT)) && !out.has(String(d.ID))) {
                out.add(String(d.ID));
                grew = true;
            }
    }
    return out;
}

function DeptDialog({ dept, parent, rows, users, onClose, onSaved }) {
    const banned = dept ? descendants(rows, dept.ID) : new Set();
    const fields = [
        { name: 'NAME', label: t('field.name'), required: true, max: 255 },
        {
            name: 'PARENT',
            label: t('dept.parent'),
            type: 'select',
            blank: t('dept.top'),
            options: flatten(rows)
                .filter((d) => !banned.has(String(d.ID)))
                .map((d) => ({ value: d.ID, label: `${'\u2003'.repeat(d.depth)}${d.NAME}` })),
        },
        {
            name: 'UF_HEAD',
            label: t('dept.head'),
            type: 'select',
            blank: '—',
            options: users.map((u) => ({ value: u.ID, label: fullName(u) })),
        },
        { name: 'SORT', label: t('field.sort'), type: 'int', max: 9 },
    ];
    const initial = dept
        ? { NAME: dept.NAME, PARENT: dept.PARENT || '', UF_HEAD: dept.UF_HEAD || '', SORT: String(dept.SORT ?? 500) }
        : { PARENT: parent || '', SORT: '500' };
    const save = async (v) => {
        const f = {
            NAME: v.NAME.trim(),
            SORT: Number(v.SORT || 500),
            PARENT: v.PARENT ? Number(v.PARENT) : 0,
            UF_HEAD: v.UF_HEAD ? Number(v.UF_HEAD) : 0,
        };
        if (dept) await rest('department.update', { ID: Number(dept.ID), ...f });
        else await rest('department.add', f);
        toast(t('common.saved'), 'ok');
        onSaved();
    };
    return html`<${Modal} title=${dept ? t('dept.edit') : t('dept.add')} onClose=${onClose}>
        <${Form} id="dept" fields=${fields} initial=${initial} onSubmit=${save} onCancel=${onClose} />
    <//>`;
}

export function Departments() {
    const data = useAsync(async () => {
        const [rows, users] = await Promise.all([listAll('department.get', {}), listAll('user.get', { FILTER: { ACTIVE: true } }, 1000)]);
        return { rows, users };
    }, []);
    const [dialog, setDialog] = useState(null);
    const close = () => setDialog(null);
    const saved = () => {
        setDialog(null);
        data.reload();
    };
    return html`<div class="page">
        <${PageHead} title=${t('nav.departments')}>
            <button type="button" class="btn btn-primary" onClick=${() => setDialog({ kind: 'add' })}><${Icon} name="plus" size=${16} /> ${t('dept.add')}</button>
        <//>
        <${Loaded} state=${data}>${({ rows, users }) => {
            const userName = (id) => {
                const u = users.find((x) => String(x.ID) === String(id));
                return u ? fullName(u) : '';
            };
            const tree = flatten(rows);
            return html`<ul class="tree" role="tree" aria-label=${t('nav.departments')}>
                ${tree.map(
                    (d) => html`<li key=${d.ID} role="treeitem" aria-level=${d.depth + 1} class="tree-row" style=${`--depth:${d.depth}`}>
                    <span class="tree-name"><${Icon} name="tree" size=${16} /> ${d.NAME}</span>
                    ${d.UF_HEAD && Number(d.UF_HEAD) ? html`<span class="muted small">${t('dept.headIs', { name: userName(d.UF_HEAD) })}</span>` : null}
                    <span class="row-actions">
                        <button type="button" class="btn btn-small" onClick=${() => setDialog({ kind: 'add', parent: d.ID })} aria-label=${t('dept.addSub', { name: d.NAME })}><${Icon} name="plus" size=${16} /></button>
                        <button type="button" class="btn btn-small" onClick=${() => setDialog({ kind: 'edit', dept: d })} aria-label=${t('common.editNamed', { name: d.NAME })}><${Icon} name="edit" size=${16} /></button>
                        <button type="button" class="btn btn-small" onClick=${() => setDialog({ kind: 'del', dept: d })} aria-label=${t('common.deleteNamed', { name: d.NAME })}><${Icon} name="trash" size=${16} /></button>
                    </span>
                </li>`,
                )}
                ${!tree.length && html`<li class="empty">${t('dept.none')}</li>`}
            </ul>
            ${dialog && dialog.kind !== 'del' && html`<${DeptDialog} dept=${dialog.dept} parent=${dialog.parent} rows=${rows} users=${users} onClose=${close} onSaved=${saved} />`}
            ${
                dialog?.kind === 'del' &&
                html`<${Confirm} title=${t('dept.delete')} text=${t('dept.deleteText', { name: dialog.dept.NAME })} confirmLabel=${t('common.delete')} danger
                onConfirm=${async () => {
                    await rest('department.delete', { ID: Number(dialog.dept.ID) });
                    toast(t('common.deleted'), 'ok');
                    data.reload();
                }} onClose=${close} />`
            }`;
        }}<//>
    </div>`;
}
