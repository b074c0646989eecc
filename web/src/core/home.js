// The start screen: a greeting and shortcuts to what this user can open: the home cards of the
// enabled modules (registry.js) whose method exists, administrators' cards for administrators.
import { html } from '../h.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { enabledModules, met } from '../registry.js';
import { useSession } from '../session.js';
import { Icon } from '../ui/icons.js';
import { PageHead } from '../ui/kit.js';

export function Home() {
    const s = useSession();
    const tiles = enabledModules(s)
        .flatMap((m) => m.homeCards)
        .filter((c) => met(c.need) && (!c.admin || s.isAdmin))
        .map((c, i) => ({ ...c, i }))
        .sort((a, b) => (a.order || 0) - (b.order || 0) || a.i - b.i);
    return html`<div class="page">
        <${PageHead} title=${t('home.hello', { name: s.user.name || s.user.email })} />
        ${s.company && html`<p class="lead">${s.company}</p>`}
        <ul class="tiles">${tiles.map(
            (x) => html`<li key=${x.href}><${Link} class="tile" href=${x.href}>
            <${Icon} name=${x.icon} size=${22} /><span class="tile-title">${t(x.title)}</span><span class="tile-text">${t(x.text)}</span><//></li>`,
        )}
        </ul>
    </div>`;
}
