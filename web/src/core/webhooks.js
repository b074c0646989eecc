// Administration: incoming webhooks. webhook.add shows the URL (with its secret) once, with a
// copy button; webhook.list never shows secrets; webhook.revoke ends one.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { call, listAll, rest } from '../api.js';
import { fmtDateTime, t } from '../i18n/index.js';
import { Form } from '../ui/form.js';
import { Icon } from '../ui/icons.js';
import { Confirm, CopyButton, ErrorBox, Modal, PageHead, Pager, Spinner, toast, useAsync } from '../ui/kit.js';
import { useSession } from '../session.js';
import { fullName } from './users.js';

function AddDialog({ users, scopes, onClose, onAdded }) {
    const s = useSession();
    const [url, setUrl] = useState('');
    const fields = [
        { name: 'TITLE', label: t('hooks.title'), required: true, max: 200 },
        {
            name: 'USER_ID',
            label: t('hooks.user'),
            type: 'select',
            required: true,
            options: users.map((u) => ({ value: u.ID, label: fullName(u) })),
        },
        { name: 'SCOPES', label: t('hooks.scopes'), type: 'checks', required: true, options: scopes.map((x) => ({ value: x, label: x })) },
    ];
    const save = async (v) => {
        const r = await rest('webhook.add', { TITLE: v.TITLE.trim(), USER_ID: Number(v.USER_ID), SCOPES: v.SCOPES });
        const full = r.URL.startsWith('/') ? `${location.origin}${r.URL}` : r.URL;
        setUrl(full);
        onAdded();
    };
    return html`<${Modal} title=${t('hooks.add')} onClose=${onClose} wide>
        ${
            url
                ? html`<div class="secret-box">
            <p><strong>${t('hooks.once')}</strong></p>
            <div class="secret-row"><code data-testid="webhook-url">${url}</code><${CopyButton} text=${url} /></div>
            <div class="form-actions"><button type="button" class="btn btn-primary" onClick=${onClose}>${t('common.done')}</button></div>
        </div>`
                : html`<${Form} id="hook" fields=${fields} initial=${{ USER_ID: String(s.user.id), SCOPES: scopes.filter((x) => x === 'crm') }}
            onSubmit=${save} onCancel=${onClose} submitLabel=${t('hooks.create')} />`
        }
    <//>`;
}

export function Webhooks() {
    const [start, setStart] = useState(0);
    const [dialog, setDialog] = useState(null);
    const list = useAsync(() => call('webhook.list', { start }), [start]);
    const aux = useAsync(async () => {
        const [users, scopes] = await Promise.all([listAll('user.get', { FILTER: { ACTIVE: true } }, 1000), rest('scope', { full: true })]);
        return { users, scopes: (scopes || []).slice().sort() };
    }, []);
    const rows = list.data?.result || [];
    const uName = (id) => {
        const u = aux.data?.users.find((x) => Number(x.ID) === Number(id));
        return u ? fullName(u) : `#${id}`;
    };
    return html`<div class="page">
        <${PageHead} title=${t('nav.webhooks')}>
            <button type="button" class="btn btn-primary" disabled=${!aux.data} onClick=${() => setDialog({ kind: 'add' })}><${Icon} name="plus" size=${16} /> ${t('hooks.add')}</button>
        <//>
        <p class="muted">${t('hooks.intro')}</p>
        <${ErrorBox} error=${list.error || aux.error} onRetry=${() => {
            list.reload();
            aux.reload();
        }} />
        ${
            list.loading && !list.data
                ? html`<${Spinner} />`
                : html`<div class="table-wrap"><table class="table">
            <caption class="visually-hidden">${t('nav.webhooks')}</caption>
            <thead><tr><th scope="col">${t('hooks.title')}</th><th scope="col">${t('hooks.user')}</th><th scope="col">${t('hooks.scopes')}</th>
                <th scope="col" class="hide-sm">${t('field.created')}</th><th scope="col">${t('field.status')}</th><th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th></tr></thead>
            <tbody>
                ${rows.map(
                    (h) => html`<tr key=${h.ID} class=${h.ACTIVE ? '' : 'row-muted'}>
                    <td>${h.TITLE || `#${h.ID}`}</td><td>${uName(h.USER_ID)}</td>
                    <td>${(h.SCOPES || []).map((x) => html`<span class="badge" key=${x}>${x}</span> `)}</td>
                    <td class="hide-sm">${fmtDateTime(h.CREATED_AT)}</td>
                    <td>${h.ACTIVE ? html`<span class="badge badge-on">${t('hooks.active')}</span>` : html`<span class="badge badge-off">${t('hooks.revoked')}</span>`}</td>
                    <td class="row-actions">${h.ACTIVE && html`<button type="button" class="btn btn-small" onClick=${() => setDialog({ kind: 'revoke', hook: h })}>${t('hooks.revoke')}</button>`}</td>
                </tr>`,
                )}
                ${!rows.length && html`<tr><td colspan="6" class="empty">${t('hooks.none')}</td></tr>`}
            </tbody></table></div>
            <${Pager} start=${start} count=${rows.length} total=${list.data?.total ?? 0} hasNext=${list.data?.next !== undefined}
                onPrev=${() => setStart(Math.max(0, start - 50))} onNext=${() => setStart(list.data.next)} />`
        }
        ${dialog?.kind === 'add' && html`<${AddDialog} users=${aux.data.users} scopes=${aux.data.scopes} onClose=${() => setDialog(null)} onAdded=${list.reload} />`}
        ${
            dialog?.kind === 'revoke' &&
            html`<${Confirm} title=${t('hooks.revoke')} text=${t('hooks.revokeText', { name: dialog.hook.TITLE || `#${dialog.hook.ID}` })}
            confirmLabel=${t('hooks.revoke')} danger onClose=${() => setDialog(null)}
            onConfirm=${async () => {
                await rest('webhook.revoke', { ID: dialog.hook.ID });
                toast(t('hooks.revokedToast'), 'ok');
                list.reload();
            }} />`
        }
    </div>`;
}
