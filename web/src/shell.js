// The frame around every signed-in screen: skip link, top bar (menu button on phones, the search
// box of the first enabled module that offers one, notifications, theme toggle, user menu) and
// the left navigation built from the registered modules the server runs (registry.js) and the
// user's rights: top entries, one section per module, then the settings pages for administrators.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './h.js';
import { has } from './api.js';
import { languages, t } from './i18n/index.js';
import { Link, navigate } from './router.js';
import { useSession } from './session.js';
import { effectiveTheme } from './theme.js';
import { Icon } from './ui/icons.js';
import { enabledModules, met, moduleTitle } from './registry.js';

// The search box of the top bar: the first enabled module with a search whose method exists.
function searchOf(s) {
    for (const m of enabledModules(s)) if (m.search && m.search.methods.some((x) => has(x))) return m.search;
    return null;
}

function active(path, item) {
    if (item.active) return item.active(path);
    return path === item.href || path.startsWith(`${item.href}/`);
}

function NavLink({ item, path, onNavigate }) {
    const cur = active(path, item);
    return html`<li><${Link} href=${item.href} class=${cur ? 'active' : ''} aria-current=${cur ? 'page' : undefined} onNavigate=${onNavigate}>
        <${Icon} name=${item.icon} size=${18} /><span>${t(item.label)}</span><//></li>`;
}

function SideNav({ path, open, onNavigate }) {
    const s = useSession();
    const mods = enabledModules(s);
    const top = mods.flatMap((m) => m.menu.filter((i) => i.top && met(i.need)));
    const sections = mods
        .map((m) => ({ name: m.name, title: moduleTitle(m, s), items: m.menu.filter((i) => !i.top && met(i.need)) }))
        .filter((sec) => sec.items.length);
    const admin = mods.flatMap((m) => m.settings.filter((i) => met(i.need)).map((i) => ({ ...i, href: `/admin/${i.page}` })));
    return html`<nav id="sidenav" class=${`sidenav${open ? ' open' : ''}`} aria-label=${t('nav.main')}>
        <ul>${top.map((i) => html`<${NavLink} key=${i.href} item=${i} path=${path} onNavigate=${onNavigate} />`)}</ul>
        ${sections.map(
            (sec) => html`<div class="nav-section" key=${sec.name}>
            <h2 class="nav-title">${sec.title}</h2>
            <ul>${sec.items.map((i) => html`<${NavLink} key=${i.href} item=${i} path=${path} onNavigate=${onNavigate} />`)}</ul>
        </div>`,
        )}
        ${
            s.isAdmin &&
            admin.length > 0 &&
            html`<div class="nav-section" data-testid="nav-admin">
            <h2 class="nav-title">${t('nav.admin')}</h2>
            <ul>${admin.map((i) => html`<${NavLink} key=${i.href} item=${i} path=${path} onNavigate=${onNavigate} />`)}</ul>
        </div>`
        }
    </nav>`;
}

function UserMenu() {
    const s = useSession();
    const [open, setOpen] = useState(false);
    const box = useRef(null);
    useEffect(() => {
        if (!open) return undefined;
        const close = (e) => {
            if (e.type === 'keydown' ? e.key === 'Escape' : !box.current?.contains(e.target)) setOpen(false);
        };
        document.addEventListener('mousedown', close);
        document.addEventListener('keydown', close);
        return () => {
            document.removeEventListener('mousedown', close);
            document.removeEventListener('keydown', close);
        };
    }, [open]);
    const u = s.user;
    const name = [u.name, u.last_name].filter(Boolean).join(' ') || u.email;
    const initials = (name.match(/\b\p{L}/gu) || ['?']).slice(0, 2).join('').toUpperCase();
    return html`<div class="user-menu" ref=${box}>
        <button type="button" class="user-btn" aria-haspopup="true" aria-expanded=${open} aria-controls="user-menu-panel"
            onClick=${() => setOpen(!open)} aria-label=${t('user.menu', { name })}>
            <span class="avatar" aria-hidden="true">${initials}</span><span class="user-name">${name}</span>
        </button>
        ${
            open &&
            html`<div class="menu-panel" id="user-menu-panel">
            <div class="menu-who"><strong>${name}</strong><span>${u.email}</span></div>
            <label class="menu-field">${t('user.language')}
                <select value=${s.lang} onChange=${(e) => s.setLang(e.target.value)} data-testid="lang-select">
                    ${languages.map((l) => html`<option value=${l.code} selected=${l.code === s.lang}>${l.name}</option>`)}
                </select>
            </label>
            <${Link} class="menu-item" href="/settings" onNavigate=${() => setOpen(false)}><${Icon} name="gear" size=${16} /> ${t('nav.settings')}<//>
            <button type="button" class="menu-item" onClick=${s.signOut}><${Icon} name="logout" size=${16} /> ${t('user.signOut')}</button>
        </div>`
        }
    </div>`;
}

function Search({ search }) {
    const [q, setQ] = useState(new URLSearchParams(location.search).get('q') || '');
    const submit = (e) => {
        e.preventDefault();
        if (q.trim()) navigate(search.href(q.trim()));
    };
    return html`<form class="search" role="search" onSubmit=${submit}>
        <${Icon} name="search" size=${16} />
        <input type="search" value=${q} onInput=${(e) => setQ(e.target.value)} placeholder=${t(search.placeholder)} aria-label=${t(search.label)} maxlength="200" />
    </form>`;
}

export function Shell({ path, children }) {
    const s = useSession();
    const [navOpen, setNavOpen] = useState(false);
    const dark = effectiveTheme(s.theme) === 'dark';
    const search = searchOf(s);
    useEffect(() => setNavOpen(false), [path]);
    return html`<div class="shell">
        <a class="skip-link" href="#main">${t('nav.skip')}</a>
        <header class="topbar">
            <button type="button" class="icon-btn nav-toggle" aria-label=${t('nav.menu')} aria-expanded=${navOpen} aria-controls="sidenav"
                onClick=${() => setNavOpen(!navOpen)}><${Icon} name="menu" /></button>
            <${Link} href="/" class="brand"><span class="brand-mark" aria-hidden="true">k</span><span class="brand-name">${s.company || 'kazi'}</span><//>
            ${search ? html`<${Search} search=${search} />` : html`<div class="search-spacer"></div>`}
            <div class="topbar-actions">
                <button type="button" class="icon-btn" aria-label=${t('notify.label')} title=${t('notify.none')}><${Icon} name="bell" /></button>
                <button type="button" class="icon-btn" data-testid="theme-toggle" aria-label=${dark ? t('theme.toLight') : t('theme.toDark')}
                    onClick=${() => s.setTheme(dark ? 'light' : 'dark')}><${Icon} name=${dark ? 'sun' : 'moon'} /></button>
                <${UserMenu} />
            </div>
        </header>
        <div class="layout">
            <${SideNav} path=${path} open=${navOpen} onNavigate=${() => setNavOpen(false)} />
            ${navOpen && html`<div class="nav-scrim" onClick=${() => setNavOpen(false)}></div>`}
            <main id="main" tabindex="-1" key=${s.lang}>${children}</main>
        </div>
    </div>`;
}
