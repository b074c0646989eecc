// The start screen: a greeting and shortcuts to what this user can open.
import { html } from '../h.js';
import { has } from '../api.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { Icon } from '../ui/icons.js';
import { PageHead } from '../ui/kit.js';

export function Home() {
    const s = useSession();
    const crm = s.modules.some((m) => m.name === 'crm');
    const tiles = [
        crm && has('crm.deal.list') && { href: '/crm/deal/kanban', icon: 'kanban', title: t('nav.deals'), text: t('home.deals') },
        crm && has('crm.lead.list') && { href: '/crm/lead', icon: 'funnel', title: t('nav.leads'), text: t('home.leads') },
        crm && has('crm.contact.list') && { href: '/crm/contact', icon: 'person', title: t('nav.contacts'), text: t('home.contacts') },
        s.isAdmin && { href: '/admin/users', icon: 'users', title: t('nav.users'), text: t('home.users') },
        s.isAdmin && { href: '/admin/webhooks', icon: 'link', title: t('nav.webhooks'), text: t('home.webhooks') },
        { href: '/settings', icon: 'gear', title: t('nav.settings'), text: t('home.settings') },
    ].filter(Boolean);
    return html`<div class="page">
        <${PageHead} title=${t('home.hello', { name: s.user.name || s.user.email })} />
        ${s.company && html`<p class="lead">${s.company}</p>`}
        <ul class="tiles">${tiles.map((x) => html`<li key=${x.href}><${Link} class="tile" href=${x.href}>
            <${Icon} name=${x.icon} size=${22} /><span class="tile-title">${x.title}</span><span class="tile-text">${x.text}</span><//></li>`)}
        </ul>
    </div>`;
}
