// Path -> screen, from the registered web modules (registry.js): the first route of a module the
// server runs whose pattern matches and whose `need` and `when` hold. Settings pages live under
// /admin/<page> and need an administrator. A path owned by a module that is switched off (or
// closed to this user) shows "not available"; anything else unknown shows "not found".
import { html } from './h.js';
import { t } from './i18n/index.js';
import { match, Link } from './router.js';
import { PageHead } from './ui/kit.js';
import { enabledModules, met, moduleTitle, ownerOf, settingsOwner } from './registry.js';

function Message({ title, text, testid }) {
    return html`<div class="page" data-testid=${testid}><${PageHead} title=${title} /><p>${text}</p><p><${Link} href="/">${t('nav.home')}<//></p></div>`;
}

const notFound = () => html`<${Message} title=${t('err.notFoundTitle')} text=${t('err.notFound')} testid="not-found" />`;

const notAvailable = (m, session) =>
    html`<${Message} title=${t('err.offTitle')} text=${t('err.off', { module: moduleTitle(m, session) })} testid="not-available" />`;

function adminScreen(page, mods, session) {
    if (!session.isAdmin) return html`<${Message} title=${t('err.forbiddenTitle')} text=${t('err.forbidden')} />`;
    const pages = mods.flatMap((m) => m.settings);
    const s = page ? pages.find((x) => x.page === page) : pages[0];
    if (s) return s.screen();
    const owner = page && settingsOwner(page);
    return owner ? notAvailable(owner, session) : notFound();
}

export function routeScreen(path, session) {
    const mods = enabledModules(session);
    if (path === '/login' || path === '/setup') path = '/';
    let m;
    if (path === '/admin' || (m = match('/admin/:page', path))) return adminScreen(m?.page, mods, session);
    for (const mod of mods) {
        for (const r of mod.routes) {
            const p = match(r.path, path);
            if (p && met(r.need) && (!r.when || r.when(p))) return r.screen(p);
        }
    }
    const owner = ownerOf(path);
    if (owner && !mods.includes(owner)) return notAvailable(owner, session);
    return notFound();
}
