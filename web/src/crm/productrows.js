// Product rows on a lead, deal, quote or invoice card (crm.item.productrow.*): product, price,
// quantity, discount, tax and sum, with the total. With the right to update the record an
// editor adds rows from the catalogue (searched by name) or as free text, changes and removes
// them, and saves them all at once (crm.item.productrow.set); every value is checked at its
// field first. Prices are entered as the list price before discount; the row's `price` sent is
// what the customer pays a unit (after discount, with tax), as the protocol defines it. The
// server keeps the record's amount in step with its rows; the card re-reads it after a save.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../h.js';
import { call, has, rest } from '../api.js';
import { fmtMoney, fmtNumber, t } from '../i18n/index.js';
import { Icon } from '../ui/icons.js';
import { errorText, toast, useAsync } from '../ui/kit.js';
import { UNSIGNED_RE, toNumber as num } from '../ui/form.js';

const OWNER = { lead: 'L', deal: 'D', quote: 'Q', invoice: 'SI' };
// Common units by their OKEI code (as Bitrix24 numbers them) with the symbol rows store.
export const UNITS = { 796: 'pcs', 839: 'set', 778: 'pack', 6: 'm', 55: 'm²', 112: 'l', 166: 'kg', 163: 'g', 356: 'h' };
export const unitLabel = (code, stored) => (UNITS[code] ? t(`product.unit.${code}`) : stored || '');
const MAX_ROWS = 200;

export const hasProductRows = (entity) => !!OWNER[entity] && has('crm.item.productrow.list');

const round2 = (x) => Math.round(x * 100) / 100;

// What the customer pays a unit: list price less the discount, plus tax unless included.
function unitPrice(r) {
    const p = num(r.listPrice) * (1 - num(r.discount || 0) / 100);
    return r.taxIncluded ? p : p * (1 + num(r.tax || 0) / 100);
}

let seq = 0;
function draftOf(row) {
    const incl = row.taxIncluded === 'Y';
    return {
        key: ++seq,
        productId: Number(row.productId) || 0,
        productName: row.productName || '',
        listPrice: String(round2(incl ? (row.priceBrutto ?? row.price) : (row.priceNetto ?? row.price))),
        quantity: String(row.quantity ?? 1),
        discount: String(
            round2(
                Number(row.discountTypeId) === 2 || !row.priceNetto
                    ? Number(row.discountRate) || 0
                    : (Number(row.discountSum) / Number(row.priceNetto)) * 100,
            ),
        ),
        tax: String(Number(row.taxRate) || 0),
        taxIncluded: incl,
        measureCode: row.measureCode ?? null,
        measureName: row.measureName ?? null,
    };
}

// {`${key}.${field}`: message} for the rows' values that are wrong.
function check(rows) {
    const e = {};
    for (const r of rows) {
        if (!r.productId && !r.productName.trim()) e[`${r.key}.productName`] = t('v.required');
        if (r.productName.length > 255) e[`${r.key}.productName`] = t('v.tooLong', { max: 255 });
        if (!UNSIGNED_RE.test(r.listPrice.trim())) e[`${r.key}.listPrice`] = t('v.number');
        if (!UNSIGNED_RE.test(r.quantity.trim()) || num(r.quantity) <= 0) e[`${r.key}.quantity`] = t('product.qtyPositive');
        for (const k of ['discount', 'tax'])
            if (!UNSIGNED_RE.test(String(r[k]).trim()) || num(r[k]) > 100) e[`${r.key}.${k}`] = t('product.percent');
    }
    return e;
}

// The tax part and the total under the rows (below the table, so phones see them too);
// lines: [{unit: what the customer pays a unit, qty, rate: tax %}].
function Totals({ lines, currency }) {
    const total = lines.reduce((s, l) => s + l.unit * l.qty, 0);
    const tax = lines.reduce((s, l) => s + (l.unit - l.unit / (1 + l.rate / 100)) * l.qty, 0);
    return html`<dl class="product-totals">
        <div><dt>${t('product.taxTotal')}</dt><dd>${fmtMoney(tax, currency)}</dd></div>
        <div class="product-total"><dt>${t('product.total')}</dt><dd data-testid="rows-total">${fmtMoney(total, currency)}</dd></div>
    </dl>`;
}

function ProductPicker({ onPick }) {
    const [q, setQ] = useState('');
    const [found, setFound] = useState([]);
    useEffect(() => {
        const s = q.trim();
        if (!s || !has('crm.product.list')) {
            setFound([]);
            return undefined;
        }
        let live = true;
        const timer = setTimeout(async () => {
            try {
                const env = await call('crm.product.list', {
                    filter: { '%NAME': s.slice(0, 200), ACTIVE: 'Y' },
                    select: ['ID', 'NAME', 'PRICE', 'CURRENCY_ID', 'VAT_INCLUDED', 'MEASURE'],
                    order: { NAME: 'ASC' },
                    start: -1,
                });
                if (live) setFound((env.result || []).slice(0, 8));
            } catch {
                if (live) setFound([]);
            }
        }, 200);
        return () => {
            live = false;
            clearTimeout(timer);
        };
    }, [q]);
    const pick = (row) => {
        onPick(row);
        setQ('');
        setFound([]);
    };
    return html`<div class="product-picker">
        <label for="pr-search">${t('product.addRow')}</label>
        <input id="pr-search" type="search" maxlength="200" autocomplete="off" placeholder=${t('product.searchCatalogue')} value=${q} onInput=${(e) => setQ(e.target.value)} />
        ${
            q.trim() &&
            html`<ul class="picker-list" aria-label=${t('product.matches')}>
            ${found.map(
                (
                    p,
                ) => html`<li key=${p.ID}><button type="button" class="btn btn-small" onClick=${() => pick({ productId: Number(p.ID), productName: p.NAME, listPrice: p.PRICE, taxIncluded: p.VAT_INCLUDED === 'Y', ...(UNITS[p.MEASURE] && { measureCode: Number(p.MEASURE), measureName: UNITS[p.MEASURE] }) })}>
                ${p.NAME} <span class="muted">${fmtMoney(p.PRICE, p.CURRENCY_ID)}</span></button></li>`,
            )}
            <li><button type="button" class="btn btn-small" onClick=${() => pick({ productId: 0, productName: q.trim().slice(0, 255), listPrice: 0, taxIncluded: false })}>
                ${t('product.freeText', { name: q.trim().slice(0, 60) })}</button></li>
        </ul>`
        }
    </div>`;
}

function Editor({ initial, currency, onCancel, onSave }) {
    const [rows, setRows] = useState(initial);
    const [errors, setErrors] = useState({});
    const [busy, setBusy] = useState(false);
    const [err, setErr] = useState('');
    const set = (key, k, v) => {
        setRows(rows.map((r) => (r.key === key ? { ...r, [k]: v } : r)));
        if (errors[`${key}.${k}`]) setErrors({ ...errors, [`${key}.${k}`]: '' });
    };
    const add = (p) =>
        setRows([...rows, { key: ++seq, quantity: '1', discount: '0', tax: '0', ...p, listPrice: String(p.listPrice ?? 0) }]);
    const save = async () => {
        const e = check(rows);
        setErrors(e);
        setErr('');
        if (Object.keys(e).length) {
            setTimeout(() => document.querySelector('.product-rows [aria-invalid="true"]')?.focus(), 0);
            return;
        }
        setBusy(true);
        try {
            await onSave(rows);
        } catch (x) {
            setErr(errorText(x));
            setBusy(false);
        }
    };
    const cell = (r, k, label, width) => {
        const id = `pr-${r.key}-${k}`;
        const msg = errors[`${r.key}.${k}`];
        return html`<td><label class="visually-hidden" for=${id}>${label}</label>
            <input id=${id} class=${width} inputmode=${k === 'productName' ? undefined : 'decimal'} maxlength=${k === 'productName' ? 255 : 20} value=${r[k]}
                readonly=${k === 'productName' && r.productId > 0} aria-invalid=${msg ? 'true' : undefined} aria-describedby=${msg ? `${id}-err` : undefined}
                onInput=${(e) => set(r.key, k, e.target.value)} />
            ${msg && html`<p class="field-error" id=${`${id}-err`}>${msg}</p>`}</td>`;
    };
    return html`<div class="table-wrap"><table class="table product-table">
            <caption class="visually-hidden">${t('product.rows')}</caption>
            <thead><tr><th scope="col">${t('product.product')}</th><th scope="col">${t('product.listPrice')}</th><th scope="col">${t('product.qty')}</th>
                <th scope="col">${t('product.discountPct')}</th><th scope="col">${t('product.taxPct')}</th><th scope="col">${t('product.taxIncl')}</th>
                <th scope="col" class="num">${t('product.sum')}</th><th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th></tr></thead>
            <tbody>${rows.map(
                (r, i) => html`<tr key=${r.key}>
                ${cell(r, 'productName', t('product.productN', { n: i + 1 }), 'w-name')}
                ${cell(r, 'listPrice', t('product.listPriceN', { n: i + 1 }), 'w-num')}
                ${cell(r, 'quantity', t('product.qtyN', { n: i + 1 }), 'w-num')}
                ${cell(r, 'discount', t('product.discountN', { n: i + 1 }), 'w-pct')}
                ${cell(r, 'tax', t('product.taxN', { n: i + 1 }), 'w-pct')}
                <td><input type="checkbox" aria-label=${t('product.taxInclN', { n: i + 1 })} checked=${r.taxIncluded} onChange=${(e) => set(r.key, 'taxIncluded', e.target.checked)} /></td>
                <td class="num">${Object.keys(check([r])).length ? '—' : fmtMoney(unitPrice(r) * num(r.quantity), currency)}</td>
                <td><button type="button" class="icon-btn" aria-label=${t('product.removeN', { n: i + 1 })} onClick=${() => setRows(rows.filter((x) => x.key !== r.key))}><${Icon} name="trash" size=${16} /></button></td>
            </tr>`,
            )}
            ${!rows.length && html`<tr><td colspan="8" class="empty">${t('product.none')}</td></tr>`}</tbody>
        </table></div>
        <${Totals} lines=${rows.filter((r) => !Object.keys(check([r])).length).map((r) => ({ unit: unitPrice(r), qty: num(r.quantity), rate: num(r.tax) }))} currency=${currency} />
        ${rows.length < MAX_ROWS && html`<${ProductPicker} onPick=${add} />`}
        ${err && html`<p class="form-error" role="alert">${err}</p>`}
        <div class="form-actions">
            <button type="button" class="btn" onClick=${onCancel}>${t('common.cancel')}</button>
            <button type="button" class="btn btn-primary" disabled=${busy} onClick=${save}>${busy ? t('common.saving') : t('product.saveRows')}</button>
        </div>`;
}

// currency: the record's; canEdit: the user may update the record; onSaved: re-read the record.
export function ProductRows({ entity, id, currency, canEdit, onSaved }) {
    const owner = { ownerType: OWNER[entity], ownerId: Number(id) };
    const list = useAsync(
        async () =>
            (
                await rest('crm.item.productrow.list', {
                    filter: { '=ownerType': owner.ownerType, '=ownerId': owner.ownerId },
                    order: { sort: 'ASC', id: 'ASC' },
                })
            )?.productRows || [],
        [entity, id],
    );
    const [editing, setEditing] = useState(false);
    const edit = canEdit && has('crm.item.productrow.set');
    const rows = list.data || [];
    if (!list.data && !list.error) return null;
    if (!rows.length && !edit && !list.error) return null;
    const save = async (draft) => {
        const productRows = draft.map((r, i) => ({
            productId: r.productId || 0,
            productName: r.productName.trim(),
            price: round2(unitPrice(r)),
            quantity: num(r.quantity),
            discountTypeId: 2,
            discountRate: num(r.discount),
            taxRate: num(r.tax),
            taxIncluded: r.taxIncluded ? 'Y' : 'N',
            ...(r.measureCode != null && { measureCode: r.measureCode, measureName: r.measureName || '' }),
            sort: (i + 1) * 10,
        }));
        await rest('crm.item.productrow.set', { ...owner, productRows });
        setEditing(false);
        toast(t('product.rowsSaved'), 'ok');
        list.reload();
        onSaved?.();
    };
    return html`<section class="card product-rows" aria-labelledby="pr-h">
        <div class="card-head"><h2 id="pr-h">${t('product.rows')}</h2>
            ${edit && !editing && html`<button type="button" class="btn btn-small" onClick=${() => setEditing(true)}><${Icon} name="edit" size=${16} /> ${t('product.editRows')}</button>`}
        </div>
        ${list.error && html`<p class="form-error" role="alert">${errorText(list.error)}</p>`}
        ${
            editing
                ? html`<${Editor} initial=${rows.map(draftOf)} currency=${currency} onCancel=${() => setEditing(false)} onSave=${save} />`
                : html`<div class="table-wrap"><table class="table product-table">
            <caption class="visually-hidden">${t('product.rows')}</caption>
            <thead><tr><th scope="col">${t('product.product')}</th><th scope="col" class="num">${t('product.listPrice')}</th><th scope="col" class="num">${t('product.qty')}</th>
                <th scope="col" class="num">${t('product.discountPct')}</th><th scope="col" class="num">${t('product.taxPct')}</th><th scope="col" class="num">${t('product.sum')}</th></tr></thead>
            <tbody>${rows.map((r) => {
                const d = draftOf(r);
                return html`<tr key=${r.id}>
                <td>${r.productName}</td><td class="num">${fmtMoney(d.listPrice, currency)}</td><td class="num">${fmtNumber(r.quantity)} ${unitLabel(r.measureCode, r.measureName)}</td>
                <td class="num">${fmtNumber(d.discount)}</td><td class="num">${fmtNumber(r.taxRate)}${r.taxIncluded === 'Y' ? ` (${t('product.incl')})` : ''}</td>
                <td class="num">${fmtMoney(Number(r.price) * Number(r.quantity), currency)}</td></tr>`;
            })}
            ${!rows.length && html`<tr><td colspan="6" class="empty">${t('product.none')}</td></tr>`}</tbody>
        </table></div>
        ${rows.length > 0 && html`<${Totals} lines=${rows.map((r) => ({ unit: Number(r.price), qty: Number(r.quantity), rate: Number(r.taxRate) || 0 }))} currency=${currency} />`}`
        }
    </section>`;
}
