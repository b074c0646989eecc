// Administration: the CRM's lists of values other than deal stages (those are per pipeline in
// admin-pipelines.js): lead statuses, sources, quote statuses, contact and company types,
// industries, ... as crm.status.entity.types names them. Each is edited with the same table as
// pipeline stages; lists with final entries (won / lost) show the kind column.
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { rest } from '../api.js';
import { t } from '../i18n/index.js';
import { Loaded, PageHead, useAsync } from '../ui/kit.js';
import { Stages } from './pipelines.js';

const label = (d) => {
    const k = `dict.${d.ID}`;
    const s = t(k);
    return s === k ? d.NAME : s;
};

export function Dictionaries() {
    const types = useAsync(async () => (await rest('crm.status.entity.types')).filter((d) => !/^DEAL_STAGE/.test(d.ID)), []);
    const [cur, setCur] = useState('STATUS');
    return html`<div class="page">
        <${PageHead} title=${t('dict.title')} />
        <${Loaded} state=${types}>${(list) => {
            const d = list.find((x) => x.ID === cur) || list[0];
            return html`<nav class="view-switch pipes" aria-label=${t('dict.lists')}>
                    ${list.map((x) => html`<button type="button" key=${x.ID} class=${x.ID === d?.ID ? 'active' : ''} aria-pressed=${x.ID === d?.ID} onClick=${() => setCur(x.ID)}>${label(x)}</button>`)}
                </nav>
                ${
                    d &&
                    html`<section class="card" aria-labelledby="dict-h">
                    <div class="card-head"><h2 id="dict-h">${label(d)}</h2></div>
                    <${Stages} key=${d.ID} dict=${d.ID} kinds=${!!d.SEMANTIC_INFO} />
                </section>`
                }`;
        }}<//>
    </div>`;
}
