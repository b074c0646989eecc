// Administration: module switches (read-only: switching needs the `modules` setting and a
// restart) and company settings (kazi.settings.get / kazi.settings.update).
import { html } from '../h.js';
import { rest } from '../api.js';
import { t } from '../i18n/index.js';
import { useSession } from '../session.js';
import { Form } from '../ui/form.js';
import { Loaded, PageHead, toast, useAsync } from '../ui/kit.js';

export function Modules() {
    const s = useSession();
    const on = s.allModules.filter((m) => m.enabled && !m.always_on).map((m) => m.name);
    return html`<div class="page narrow">
        <${PageHead} title=${t('nav.modules')} />
        <div class="table-wrap"><table class="table">
            <caption class="visually-hidden">${t('nav.modules')}</caption>
            <thead><tr><th scope="col">${t('modules.module')}</th><th scope="col">${t('modules.key')}</th><th scope="col">${t('field.status')}</th></tr></thead>
            <tbody>${s.allModules.map(
                (m) => html`<tr key=${m.name}>
                <td>${t(`module.${m.name}`) === `module.${m.name}` ? m.title : t(`module.${m.name}`)}</td><td><code>${m.name}</code></td>
                <td>${
                    m.always_on
                        ? html`<span class="badge">${t('modules.always')}</span>`
                        : m.enabled
                          ? html`<span class="badge badge-on">${t('modules.on')}</span>`
                          : html`<span class="badge badge-off">${t('modules.off')}</span>`
                }</td>
            </tr>`,
            )}</tbody>
        </table></div>
        <section class="card">
            <h2>${t('modules.howTitle')}</h2>
            <p>${t('modules.how')}</p>
            <pre class="code">modules = ${on.length ? on.join(',') : 'all'}</pre>
            <p class="muted">${t('modules.env')}</p>
        </section>
    </div>`;
}

export function Company() {
    const s = useSession();
    const data = useAsync(() => rest('kazi.settings.get'), []);
    const save = async (v) => {
        const name = v.COMPANY_NAME.trim();
        await rest('kazi.settings.update', { fields: { COMPANY_NAME: name } });
        s.setCompany(name);
        toast(t('common.saved'), 'ok');
    };
    return html`<div class="page narrow">
        <${PageHead} title=${t('nav.company')} />
        <section class="card">
            <${Loaded} state=${data}>${(
                d,
            ) => html`<${Form} id="company" fields=${[{ name: 'COMPANY_NAME', label: t('setup.company'), required: true, max: 200 }]}
                initial=${{ COMPANY_NAME: d.COMPANY_NAME || s.company || '' }} onSubmit=${save} />`}<//>
        </section>
    </div>`;
}
