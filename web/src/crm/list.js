// CRM lists (leads, contacts, companies, deals, quotes, invoices): columns the user picks
// (kept with the user's options on the server), the filter bar with saved filters
// (crm/listfilter.js), sorting by a column, and 50 rows a page with the total. Lists over 10,000 rows page with `start=-1` and an ID cursor instead of
// counting.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { batch, has } from '../api.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { Icon } from '../ui/icons.js';
import { useLive } from '../live.js';
import { ErrorBox, Modal, PageHead, Pager, Spinner, errorText, toast, useAsync } from '../ui/kit.js';
import { ENTITIES, recordTitle, titleSelect } from './entities.js';
import { FieldValue, fieldText, linkTitles } from './display.js';
import * as meta from './meta.js';
import { can, recordCall } from './records.js';
import { FilterBar } from './listfilter.js';
import { option, saveOption } from '../options.js';

const HUGE = 10000;
const colKey = (e) => `crm.cols.${e}`;

function loadCols(entity) {
    const v = option(colKey(entity), null);
    return Array.isArray(v) && v.length ? v : ENTITIES[entity].columns;
}

function ColumnsDialog({ fields, cols, onSave, onClose }) {
    const [sel, setSel] = useState(cols);
    const names = Object.keys(fields).filter(
        (n) =>
            (fields[n].type !== 'crm_multifield' || n === 'PHONE' || n === 'EMAIL') &&
            !(fields[n].isMultiple && fields[n].type !== 'crm_multifield'),
    );
    const toggle = (n, on) => setSel(on ? [...sel, n] : sel.filter((x) => x !== n));
    return html`<${Modal} title=${t('crm.columns')} onClose=${onClose} wide>
        <fieldset class="field"><legend class="visually-hidden">${t('crm.columns')}</legend>
            <div class="columns-box">${names.map(
                (n) => html`<label class="check" key=${n}>
                <input type="checkbox" checked=${sel.includes(n)} onChange=${(e) => toggle(n, e.target.checked)} /> ${fields[n].title || n}</label>`,
            )}</div>
        </fieldset>
        <div class="form-actions">
            <button type="button" class="btn" onClick=${() => onSave(null)}>${t('crm.defaultColumns')}</button>
            <button type="button" class="btn btn-primary" onClick=${() => onSave(sel.length ? sel : null)}>${t('common.apply')}</button>
        </div>
    <//>`;
}

export function CrmList({ entity }) {
    const def = ENTITIES[entity];
    const [cols, setCols] = useState(() => loadCols(entity));
    const [order, setOrder] = useState({ field: 'ID', dir: 'DESC' });
    const [filter, setFilter] = useState({});
    const [page, setPage] = useState({ start: 0, cursors: [] });
    const [choosing, setChoosing] = useState(false);
    const textField = entity === 'contact' ? 'LAST_NAME' : 'TITLE';

    const ctx = useAsync(async () => {
        const fields = await meta.fields(entity);
        const dictIds = [
            ...new Set(
                Object.values(fields)
                    .filter((f) => f.type === 'crm_status' && f.statusType)
                    .map((f) => f.statusType),
            ),
        ];
        if (entity === 'deal') dictIds.push('DEAL_STAGE');
        const [dicts, users, pipelines] = await Promise.all([
            meta.dictionaries(dictIds),
            meta.users(),
            entity === 'deal' ? meta.pipelines().catch(() => []) : [],
        ]);
        return { fields, dicts, users, pipelines };
    }, [entity]);

    const data = useAsync(async () => {
        const c = ctx.data;
        if (!c) return null;
        const shown = cols.filter((n) => c.fields[n]);
        const select = [...new Set([...titleSelect(entity), 'CURRENCY_ID', ...shown])].filter((n) => c.fields[n]);
        const f = { ...filter };
        const params = { select, filter: f, order: { [order.field]: order.dir } };
        let env;
        if (page.cursor !== undefined) {
            f[order.dir === 'DESC' ? '<ID' : '>ID'] = page.cursor;
            env = await recordCall(entity, 'list', { ...params, start: -1 });
        } else env = await recordCall(entity, 'list', { ...params, start: page.start });
        const rows = env.result || [];
        const titles = await linkTitles(rows, Object.fromEntries(shown.map((n) => [n, c.fields[n]])), batch);
        return { rows, total: env.total, next: env.next, titles };
    }, [ctx.data, cols, order, filter, page]);
    useLive(entity, () => data.reload()); // another user's change: the page again

    const apply = (f, o) => {
        setFilter(f);
        if (o?.field) setOrder(o);
        setPage({ start: 0, cursors: [] });
    };
    const sortBy = (n) => {
        setOrder((o) => ({ field: n, dir: o.field === n && o.dir === 'ASC' ? 'DESC' : 'ASC' }));
        setPage({ start: 0, cursors: [] });
    };
    const saveCols = async (sel) => {
        setCols(sel || def.columns);
        setChoosing(false);
        if (has('user.option.set')) await saveOption(colKey(entity), sel).catch((e) => toast(errorText(e), 'error'));
    };

    const c = ctx.data;
    const d = data.data;
    const huge = d && page.cursor === undefined && d.total > HUGE && order.field === 'ID';
    const cursorMode = page.cursor !== undefined || huge;
    const next = () => {
        if (!d) return;
        if (cursorMode) {
            const last = d.rows[d.rows.length - 1];
            if (last)
                setPage({
                    cursor: Number(last.ID),
                    cursors: [...page.cursors, page.cursor],
                    start: page.start + d.rows.length,
                    total: d.total ?? page.total,
                });
        } else setPage({ start: d.next, cursors: [] });
    };
    const prev = () => {
        if (cursorMode && page.cursors.length) {
            const cs = page.cursors.slice(0, -1);
            const cur = page.cursors[page.cursors.length - 1];
            setPage(
                cur === undefined
                    ? { start: 0, cursors: [] }
                    : { cursor: cur, cursors: cs, start: Math.max(0, page.start - 50), total: page.total },
            );
        } else setPage({ start: Math.max(0, page.start - 50), cursors: [] });
    };
    const shown = c ? cols.filter((n) => c.fields[n]) : [];
    const stageRows = c && def.stage ? c.dicts[c.fields[def.stage]?.statusType || def.dict] || [] : [];
    return html`<div class="page">
        <${PageHead} title=${t(def.many)}>
            ${
                entity === 'deal' &&
                html`<div class="view-switch" role="group" aria-label=${t('common.view')}>
                <${Link} href="/crm/deal/kanban"><${Icon} name="kanban" size=${16} /> ${t('common.kanban')}<//>
                <${Link} href="/crm/deal" class="active" aria-current="page"><${Icon} name="list" size=${16} /> ${t('common.list')}<//>
            </div>`
            }
            <button type="button" class="btn" onClick=${() => setChoosing(true)} disabled=${!c}><${Icon} name="columns" size=${16} /> ${t('crm.columns')}</button>
            ${can(entity, 'add') && html`<${Link} class="btn btn-primary" href=${`/crm/${entity}/new`}><${Icon} name="plus" size=${16} /> ${t('crm.new')}<//>`}
        <//>
        <${FilterBar} entity=${entity} ctx=${c} textField=${textField} stageField=${def.stage} stageRows=${stageRows} order=${order} onApply=${apply} />
        <${ErrorBox} error=${ctx.error || data.error} onRetry=${ctx.error ? ctx.reload : data.reload} />
        ${
            !d && !data.error
                ? html`<${Spinner} />`
                : d &&
                  html`<div class="table-wrap"><table class="table" aria-busy=${data.loading}>
            <caption class="visually-hidden">${t(def.many)}</caption>
            <thead><tr>${shown.map(
                (
                    n,
                ) => html`<th scope="col" key=${n} aria-sort=${order.field === n ? (order.dir === 'ASC' ? 'ascending' : 'descending') : undefined}>
                <button type="button" class="th-sort" onClick=${() => sortBy(n)}>${c.fields[n].title || n}${order.field === n ? (order.dir === 'ASC' ? ' ▲' : ' ▼') : ''}</button></th>`,
            )}</tr></thead>
            <tbody>
                ${d.rows.map(
                    (r) =>
                        html`<tr key=${r.ID}>${shown.map(
                            (n, i) => html`<td key=${n} class=${c.fields[n].type === 'double' ? 'num' : n === 'TITLE' ? 'cell-title' : ''}>
                    ${
                        i === 0 || n === 'TITLE' || (entity === 'contact' && n === 'LAST_NAME')
                            ? html`<${Link} href=${`/crm/${entity}/${r.ID}`}>${n === 'ID' ? r.ID : r[n] || recordTitle(entity, r)}<//>`
                            : c.fields[n].type === 'crm_multifield'
                              ? fieldText(n, c.fields[n], r[n], r, c)
                              : html`<${FieldValue} name=${n} f=${c.fields[n]} v=${r[n]} row=${r} ctx=${{ ...c, titles: d.titles }} />`
                    }
                </td>`,
                        )}</tr>`,
                )}
                ${!d.rows.length && html`<tr><td colspan=${shown.length || 1} class="empty">${Object.keys(filter).length ? t('crm.noMatch') : t('crm.empty')}</td></tr>`}
            </tbody></table></div>
            <${Pager} start=${page.start} count=${d.rows.length} total=${cursorMode ? (page.total ?? d.total ?? null) : d.total}
                hasNext=${cursorMode ? d.rows.length === 50 : d.next !== undefined} onPrev=${prev} onNext=${next} />`
        }
        ${choosing && html`<${ColumnsDialog} fields=${c.fields} cols=${shown} onSave=${saveCols} onClose=${() => setChoosing(false)} />`}
    </div>`;
}
