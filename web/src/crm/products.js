// The product catalogue (crm.product.*): a list with search by name and paging; create and edit
// in a dialog (name required, price a number of at least 0, currency from crm.currency.list,
// unit, active, VAT included, description); delete after a confirmation. Buttons show only for what
// the user's role allows; the server's refusals are shown as they come.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { call, has, rest } from '../api.js';
import { fmtMoney, t } from '../i18n/index.js';
import { Icon } from '../ui/icons.js';
import { Form, toNumber } from '../ui/form.js';
import { Confirm, ErrorBox, Modal, PageHead, Pager, Spinner, toast, useAsync } from '../ui/kit.js';
import * as meta from './meta.js';
import { UNITS, unitLabel } from './productrows.js';

const PAGE = 50;
const SELECT = ['ID', 'NAME', 'PRICE', 'CURRENCY_ID', 'MEASURE', 'ACTIVE', 'VAT_INCLUDED', 'DESCRIPTION'];

function ProductForm({ product, currencies, onDone, onClose }) {
    const fields = [
        { name: 'NAME', label: t('product.name'), required: true },
        {
            name: 'PRICE',
            label: t('product.price'),
            type: 'number',
            check: (v) => (String(v ?? '').trim() && toNumber(v) < 0 ? t('product.priceNegative') : ''),
        },
        {
            name: 'CURRENCY_ID',
            label: t('product.currency'),
            type: 'select',
            required: true,
            options: currencies.map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` })),
        },
        {
            name: 'MEASURE',
            label: t('product.measure'),
            type: 'select',
            options: Object.keys(UNITS).map((c) => ({ value: c, label: unitLabel(c) })),
        },
        { name: 'ACTIVE', label: t('product.active'), type: 'checkbox' },
        { name: 'VAT_INCLUDED', label: t('product.vatIncluded'), type: 'checkbox' },
        { name: 'DESCRIPTION', label: t('product.description'), type: 'textarea', rows: 3 },
    ];
    const base = currencies.find((c) => c.base)?.code || currencies[0]?.code || 'USD';
    const initial = product
        ? {
              ...product,
              PRICE: product.PRICE ?? '',
              MEASURE: product.MEASURE ?? '',
              ACTIVE: product.ACTIVE !== 'N',
              VAT_INCLUDED: product.VAT_INCLUDED === 'Y',
              DESCRIPTION: product.DESCRIPTION || '',
          }
        : { NAME: '', PRICE: '', CURRENCY_ID: base, MEASURE: '796', ACTIVE: true, VAT_INCLUDED: false, DESCRIPTION: '' };
    const save = async (v) => {
        const f = {
            NAME: v.NAME.trim(),
            PRICE: String(v.PRICE ?? '').trim() ? toNumber(v.PRICE) : 0,
            CURRENCY_ID: v.CURRENCY_ID,
            MEASURE: v.MEASURE ? Number(v.MEASURE) : '',
            ACTIVE: v.ACTIVE ? 'Y' : 'N',
            VAT_INCLUDED: v.VAT_INCLUDED ? 'Y' : 'N',
            DESCRIPTION: v.DESCRIPTION || '',
        };
        if (product) await rest('crm.product.update', { id: Number(product.ID), fields: f });
        else await rest('crm.product.add', { fields: f });
        toast(t(product ? 'common.saved' : 'product.created', { name: f.NAME }), 'ok');
        onDone();
    };
    return html`<${Modal} title=${product ? t('product.edit') : t('product.new')} onClose=${onClose}>
        <${Form} id="product" fields=${fields} initial=${initial} onSubmit=${save} onCancel=${onClose} />
    <//>`;
}

export function CrmProducts() {
    const [query, setQuery] = useState('');
    const [filter, setFilter] = useState('');
    const [start, setStart] = useState(0);
    const [editing, setEditing] = useState(null); // null, 'new' or a product row
    const [deleting, setDeleting] = useState(null);
    const currencies = useAsync(() => meta.currencies().catch(() => []), []);
    const list = useAsync(async () => {
        const f = filter ? { '%NAME': filter } : {};
        return call('crm.product.list', { select: SELECT, filter: f, order: { NAME: 'ASC', ID: 'ASC' }, start });
    }, [filter, start]);
    const rows = list.data?.result || [];
    const canAdd = has('crm.product.add');
    const canEdit = has('crm.product.update');
    const canDelete = has('crm.product.delete');
    const search = (e) => {
        e.preventDefault();
        setFilter(query.trim().slice(0, 200));
        setStart(0);
    };
    return html`<div class="page">
        <${PageHead} title=${t('nav.products')}>
            ${canAdd && html`<button type="button" class="btn btn-primary" onClick=${() => setEditing('new')} disabled=${!currencies.data}><${Icon} name="plus" size=${16} /> ${t('product.new')}</button>`}
        <//>
        <form class="filters" role="search" onSubmit=${search} aria-label=${t('product.search')}>
            <label class="visually-hidden" for="p-search">${t('product.search')}</label>
            <input id="p-search" type="search" maxlength="200" placeholder=${t('product.search')} value=${query} onInput=${(e) => setQuery(e.target.value)} />
            <button type="submit" class="btn">${t('common.apply')}</button>
        </form>
        <${ErrorBox} error=${list.error} onRetry=${list.reload} />
        ${
            !list.data && !list.error
                ? html`<${Spinner} />`
                : list.data &&
                  html`<div class="table-wrap"><table class="table" aria-busy=${list.loading}>
            <caption class="visually-hidden">${t('nav.products')}</caption>
            <thead><tr><th scope="col">${t('product.name')}</th><th scope="col" class="num">${t('product.price')}</th>
                <th scope="col">${t('product.currency')}</th><th scope="col">${t('product.measure')}</th>
                <th scope="col">${t('product.vatIncluded')}</th><th scope="col">${t('product.active')}</th>
                ${(canEdit || canDelete) && html`<th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>`}</tr></thead>
            <tbody>
                ${rows.map(
                    (p) => html`<tr key=${p.ID}>
                    <td class="cell-title">${p.NAME}${p.DESCRIPTION ? html`<div class="muted small">${p.DESCRIPTION}</div>` : null}</td>
                    <td class="num">${fmtMoney(p.PRICE, p.CURRENCY_ID)}</td>
                    <td>${p.CURRENCY_ID}</td>
                    <td>${unitLabel(p.MEASURE)}</td>
                    <td>${p.VAT_INCLUDED === 'Y' ? t('common.yes') : t('common.no')}</td>
                    <td>${p.ACTIVE === 'N' ? t('common.no') : t('common.yes')}</td>
                    ${
                        (canEdit || canDelete) &&
                        html`<td class="row-actions">
                        ${canEdit && html`<button type="button" class="icon-btn" aria-label=${t('product.editNamed', { name: p.NAME })} onClick=${() => setEditing(p)} disabled=${!currencies.data}><${Icon} name="edit" size=${16} /></button>`}
                        ${canDelete && html`<button type="button" class="icon-btn" aria-label=${t('common.deleteNamed', { name: p.NAME })} onClick=${() => setDeleting(p)}><${Icon} name="trash" size=${16} /></button>`}
                    </td>`
                    }
                </tr>`,
                )}
                ${!rows.length && html`<tr><td colspan="7" class="empty">${filter ? t('product.noMatch') : t('product.empty')}</td></tr>`}
            </tbody></table></div>
            <${Pager} start=${start} count=${rows.length} total=${list.data.total} hasNext=${list.data.next !== undefined}
                onPrev=${() => setStart(Math.max(0, start - PAGE))} onNext=${() => setStart(list.data.next)} />`
        }
        ${
            editing &&
            html`<${ProductForm} product=${editing === 'new' ? null : editing} currencies=${currencies.data || []}
            onClose=${() => setEditing(null)} onDone=${() => {
                setEditing(null);
                list.reload();
            }} />`
        }
        ${
            deleting &&
            html`<${Confirm} title=${t('common.delete')} text=${t('product.deleteText', { name: deleting.NAME })} confirmLabel=${t('common.delete')} danger
            onClose=${() => setDeleting(null)} onConfirm=${async () => {
                await rest('crm.product.delete', { id: Number(deleting.ID) });
                toast(t('common.deleted'), 'ok');
                list.reload();
            }} />`
        }
    </div>`;
}
