// Results of the top search box, shown only when the server has a CRM search method.
import { html } from '../h.js';
import { has, rest } from '../api.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { Loaded, PageHead, useAsync } from '../ui/kit.js';
import { recordTitle } from './entities.js';

const TYPES = {
    1: 'lead',
    2: 'deal',
    3: 'contact',
    4: 'company',
    7: 'quote',
    LEAD: 'lead',
    DEAL: 'deal',
    CONTACT: 'contact',
    COMPANY: 'company',
    QUOTE: 'quote',
};

// The search methods the top search box may use, the first one the server has wins.
export const SEARCH_METHODS = ['crm.search', 'search'];
const searchMethod = () => SEARCH_METHODS.find((m) => has(m));

export function CrmSearch() {
    const q = new URLSearchParams(location.search).get('q') || '';
    const state = useAsync(async () => {
        const m = searchMethod();
        if (!m || !q) return [];
        const r = await rest(m, { query: q, QUERY: q });
        return Array.isArray(r) ? r : r?.items || [];
    }, [q]);
    return html`<div class="page">
        <${PageHead} title=${t('search.results', { q })} />
        <${Loaded} state=${state}>${(rows) =>
            html`<ul class="tree">${rows.map((r, i) => {
                const ent = TYPES[r.ENTITY_TYPE_ID ?? r.entityTypeId ?? r.ENTITY_TYPE ?? r.TYPE] || 'lead';
                return html`<li key=${i} class="tree-row"><${Link} href=${`/crm/${ent}/${r.ID ?? r.id}`}>${r.TITLE || r.title || recordTitle(ent, r)}<//><span class="muted small">${t(`crm.one.${ent}`)}</span></li>`;
            })}${!rows.length && html`<li class="empty">${t('common.nothing')}</li>`}</ul>`}<//>
    </div>`;
}
