// The deal kanban of one pipeline: a column per stage (crm.status.list DEAL_STAGE /
// DEAL_STAGE_n) with its count and amount, deals loaded through batch (one call for the first
// page of every stage, then the remaining pages 50 commands at a time). Dragging a card, or
// Alt+Left / Alt+Right on a focused card, moves the deal at once and asks the server
// (crm.deal.update STAGE_ID); a refusal puts it back and says why.
import { useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../h.js';
import { batch, has, rest } from '../api.js';
import { fmtMoney, fmtNumber, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { useLive } from '../live.js';
import { Icon } from '../ui/icons.js';
import { errorText, Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import * as meta from './meta.js';

const SELECT = ['ID', 'TITLE', 'STAGE_ID', 'OPPORTUNITY', 'CURRENCY_ID', 'ASSIGNED_BY_ID', 'COMPANY_ID'];
const PER_STAGE_MAX = 2000; // deals loaded per column; counts stay exact beyond it
const SHOW = 100; // cards rendered per column before "show more"

async function loadDeals(cat, stages) {
    const list = (s, start) => [
        'crm.deal.list',
        { filter: { CATEGORY_ID: cat, STAGE_ID: s.STATUS_ID }, select: SELECT, order: { ID: 'DESC' }, start },
    ];
    const by = {},
        totals = {};
    for (let i = 0; i < stages.length; i += 50) {
        const part = stages.slice(i, i + 50);
        const r = await batch(Object.fromEntries(part.map((s, j) => [`s${i + j}`, list(s, 0)])));
        part.forEach((s, j) => {
            by[s.STATUS_ID] = r.result?.[`s${i + j}`] || [];
            totals[s.STATUS_ID] = r.result_total?.[`s${i + j}`] ?? by[s.STATUS_ID].length;
        });
    }
    const more = [];
    for (const s of stages) for (let start = 50; start < Math.min(totals[s.STATUS_ID], PER_STAGE_MAX); start += 50) more.push([s, start]);
    for (let i = 0; i < more.length; i += 50) {
        const part = more.slice(i, i + 50);
        const r = await batch(Object.fromEntries(part.map(([s, start], j) => [`p${j}`, list(s, start)])));
        part.forEach(([s], j) => by[s.STATUS_ID].push(...(r.result?.[`p${j}`] || [])));
    }
    return { by, totals };
}

function sums(deals) {
    const m = new Map();
    for (const d of deals) m.set(d.CURRENCY_ID || '', (m.get(d.CURRENCY_ID || '') || 0) + Number(d.OPPORTUNITY || 0));
    return (
        [...m.entries()]
            .filter(([, v]) => v)
            .map(([c, v]) => fmtMoney(v, c || undefined))
            .join(' + ') || fmtMoney(0, deals[0]?.CURRENCY_ID || undefined)
    );
}

function Board({ cat, stages, initial, users }) {
    const [by, setBy] = useState(initial.by);
    const [totals, setTotals] = useState(initial.totals);
    const [over, setOver] = useState(null);
    const [dragging, setDragging] = useState(null);
    const [expanded, setExpanded] = useState({});
    const live = useRef(null);
    // another user's change: the board as the server has it now
    useLive('deal', () =>
        loadDeals(cat, stages).then(
            (r) => {
                setBy(r.by);
                setTotals(r.totals);
            },
            () => {},
        ),
    );
    const findDeal = (id) => {
        for (const s of stages) {
            const d = by[s.STATUS_ID].find((x) => String(x.ID) === String(id));
            if (d) return [d, s.STATUS_ID];
        }
        return [null, null];
    };
    const apply = (deal, from, to) => {
        setBy((b) => ({ ...b, [from]: b[from].filter((x) => x.ID !== deal.ID), [to]: [{ ...deal, STAGE_ID: to }, ...b[to]] }));
        setTotals((tt) => ({ ...tt, [from]: tt[from] - 1, [to]: tt[to] + 1 }));
    };
    const move = async (id, to) => {
        const [deal, from] = findDeal(id);
        if (!deal || from === to) return;
        const toName = stages.find((s) => s.STATUS_ID === to)?.NAME;
        apply(deal, from, to);
        if (live.current) live.current.textContent = t('kanban.moved', { name: deal.TITLE, stage: toName });
        try {
            await rest('crm.deal.update', { id: Number(deal.ID), fields: { STAGE_ID: to } });
            const fresh = await rest('crm.deal.get', { id: Number(deal.ID) }).catch(() => null);
            if (fresh && fresh.STAGE_ID !== to) throw { description: t('kanban.notMoved') };
        } catch (e) {
            setBy((b) => ({ ...b, [to]: b[to].filter((x) => x.ID !== deal.ID), [from]: [deal, ...b[from]] }));
            setTotals((tt) => ({ ...tt, [from]: tt[from] + 1, [to]: tt[to] - 1 }));
            toast(t('kanban.refused', { name: deal.TITLE, reason: errorText(e) }), 'error');
        }
    };
    const key = (e, deal) => {
        if (!e.altKey || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
        e.preventDefault();
        const i = stages.findIndex((s) => s.STATUS_ID === deal.STAGE_ID) + (e.key === 'ArrowRight' ? 1 : -1);
        if (i >= 0 && i < stages.length)
            move(deal.ID, stages[i].STATUS_ID).then(() => setTimeout(() => document.getElementById(`deal-${deal.ID}`)?.focus(), 0));
    };
    return html`<div class="kanban-wrap">
        <p class="visually-hidden" aria-live="polite" ref=${live}></p>
        <div class="kanban" data-testid="kanban">
            ${stages.map((s) => {
                const deals = by[s.STATUS_ID] || [];
                const show = expanded[s.STATUS_ID] ? deals : deals.slice(0, SHOW);
                return html`<section key=${s.STATUS_ID} class=${`kcol${over === s.STATUS_ID ? ' drop' : ''}`} style=${s.COLOR ? `--stage:${s.COLOR}` : ''}
                    aria-labelledby=${`st-${s.STATUS_ID}`} data-stage=${s.STATUS_ID}
                    onDragOver=${(e) => {
                        e.preventDefault();
                        e.dataTransfer.dropEffect = 'move';
                        if (over !== s.STATUS_ID) setOver(s.STATUS_ID);
                    }}
                    onDragLeave=${(e) => {
                        if (!e.currentTarget.contains(e.relatedTarget)) setOver(null);
                    }}
                    onDrop=${(e) => {
                        e.preventDefault();
                        setOver(null);
                        move(e.dataTransfer.getData('text/plain'), s.STATUS_ID);
                    }}>
                    <div class="kcol-head">
                        <h2 class="kcol-title" id=${`st-${s.STATUS_ID}`}><span>${s.NAME}</span><span class="badge" aria-label=${t('kanban.count', { n: totals[s.STATUS_ID] })}>${fmtNumber(totals[s.STATUS_ID])}</span></h2>
                        <div class="kcol-sum">${sums(deals)}${totals[s.STATUS_ID] > deals.length ? ' …' : ''}</div>
                    </div>
                    <div class="kcol-body">
                        ${show.map(
                            (
                                d,
                            ) => html`<article key=${d.ID} id=${`deal-${d.ID}`} class=${`kcard${dragging === d.ID ? ' dragging' : ''}`} draggable="true" tabindex="0"
                            data-deal=${d.ID} aria-label=${d.TITLE} aria-describedby="kanban-help"
                            onDragStart=${(e) => {
                                e.dataTransfer.setData('text/plain', String(d.ID));
                                e.dataTransfer.effectAllowed = 'move';
                                setDragging(d.ID);
                            }}
                            onDragEnd=${() => {
                                setDragging(null);
                                setOver(null);
                            }}
                            onKeyDown=${(e) => {
                                if (e.key === 'Enter' && e.target === e.currentTarget) navigate(`/crm/deal/${d.ID}`);
                                else key(e, d);
                            }}>
                            <${Link} href=${`/crm/deal/${d.ID}`} tabindex="-1" draggable="false">${d.TITLE || `#${d.ID}`}<//>
                            <span class="kcard-amount">${fmtMoney(d.OPPORTUNITY, d.CURRENCY_ID || undefined)}</span>
                            ${Number(d.ASSIGNED_BY_ID) ? html`<span class="muted small">${meta.userName(users, d.ASSIGNED_BY_ID)}</span>` : null}
                        </article>`,
                        )}
                        ${deals.length > show.length && html`<button type="button" class="btn btn-small kmore" onClick=${() => setExpanded({ ...expanded, [s.STATUS_ID]: true })}>${t('kanban.more', { n: deals.length - show.length })}</button>`}
                    </div>
                </section>`;
            })}
        </div>
        <p id="kanban-help" class="muted small">${t('kanban.help')}</p>
    </div>`;
}

export function Kanban({ category }) {
    const cat = Number(category) || 0;
    const state = useAsync(async () => {
        const pipes = await meta.pipelines().catch(() => [{ id: 0, name: '' }]);
        const dict = meta.stageDict(cat);
        const [stages, users] = await Promise.all([meta.dictionary(dict), meta.users()]);
        const initial = await loadDeals(cat, stages);
        return { pipes, stages, users, initial };
    }, [cat]);
    const started = useMemo(() => performance.now(), [cat]);
    return html`<div class="page page-wide">
        <${PageHead} title=${t('nav.deals')}>
            <div class="view-switch" role="group" aria-label=${t('common.view')}>
                <${Link} href="/crm/deal/kanban" class="active" aria-current="page"><${Icon} name="kanban" size=${16} /> ${t('common.kanban')}<//>
                ${has('crm.deal.list') && html`<${Link} href="/crm/deal"><${Icon} name="list" size=${16} /> ${t('common.list')}<//>`}
            </div>
            ${has('crm.deal.add') && html`<${Link} class="btn btn-primary" href=${`/crm/deal/new${cat ? `?category=${cat}` : ''}`}><${Icon} name="plus" size=${16} /> ${t('crm.new')}<//>`}
        <//>
        <${Loaded} state=${state}>${(d) => {
            window.__kaziKanbanReady = performance.now() - started;
            return html`
            ${
                d.pipes.length > 1 &&
                html`<nav class="view-switch pipes" aria-label=${t('kanban.pipelines')}>
                ${d.pipes.map((p) => html`<${Link} key=${p.id} href=${p.id ? `/crm/deal/kanban/${p.id}` : '/crm/deal/kanban'} class=${p.id === cat ? 'active' : ''} aria-current=${p.id === cat ? 'page' : undefined}>${p.name || t('crm.generalPipeline')}<//>`)}
            </nav>`
            }
            ${d.stages.length ? html`<${Board} cat=${cat} stages=${d.stages} initial=${d.initial} users=${d.users} />` : html`<p class="muted">${t('kanban.noStages')}</p>`}`;
        }}<//>
    </div>`;
}
