// The frame around every signed-in screen: skip link, top bar (menu button on phones, search
// when the server has a CRM search method, notifications, theme toggle, user menu) and the left
// navigation built from the enabled modules and the user's rights.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './h.js';
import { has } from './api.js';
import { languages, t } from './i18n/index.js';
import { Link, navigate } from './router.js';
import { useSession } from './session.js';
import { effectiveTheme } from './theme.js';
import { Icon } from './ui/icons.js';

// Screens each module brings; a link shows only when its list method exists.
const moduleNav = {
    crm: [
        { href: '/crm/deal/kanban', label: 'nav.deals', icon: 'kanban', need: 'crm.deal.list' },
        { href: '/crm/lead', label: 'nav.leads', icon: 'funnel', need: 'crm.lead.list' },
        { href: '/crm/contact', label: 'nav.contacts', icon: 'person', need: 'crm.contact.list' },
        { href: '/crm/company', label: 'nav.companies', icon: 'building', need: 'crm.company.list' },
        { href: '/crm/quote', label: 'nav.quotes', icon: 'file', need: 'crm.quote.list' },
        { href: '/crm/invoice', label: 'nav.invoices', icon: 'file', need: 'crm.item.list' },
        { href: '/crm/products', label: 'nav.products', icon: 'grid', need: 'crm.product.list' },
    ],
    tasks: [
        { href: '/tasks', label: 'nav.myTasks', icon: 'list', need: 'tasks.task.list' },
        { href: '/tasks/kanban', label: 'nav.taskBoard', icon: 'kanban', need: 'tasks.task.list' },
        { href: '/tasks/groups', label: 'group.list', icon: 'users', need: 'sonet_group.get' },
    ],
};

const adminNav = [
    { href: '/admin/users', label: 'nav.users', icon: 'users' },
    { href: '/admin/departments', label: 'nav.departments', icon: 'tree' },
    { href: '/admin/roles', label: 'nav.roles', icon: 'shield' },
    { href: '/admin/webhooks', label: 'nav.webhooks', icon: 'link' },
    { href: '/admin/modules', label: 'nav.modules', icon: 'grid' },
    { href: '/admin/company', label: 'nav.company', icon: 'building' },
    { href: '/admin/pipelines', label: 'nav.pipelines', icon: 'kanban', need: 'crm.category.add' },
    { href: '/admin/lists', label: 'nav.lists', icon: 'list', need: 'crm.status.add' },
];

export const searchMethod = () => ['crm.search', 'search'].find((m) => has(m));

function active(path, href) {
    if (href === '/') return path === '/';
    if (href === '/crm/deal/kanban') return path.startsWith('/crm/deal');
    if (href === '/tasks') return path === '/tasks' || /^\/tasks\/(\d+|new)/.test(path);
    if (href === '/tasks/kanban') return path === href || path.startsWith('/tasks/group/');
    return path === href || path.startsWith(`${href}/`);
}

function NavLink({ item, path, onNavigate }) {
    const cur = active(path, item.href);
    return html`<li><${Link} href=${item.href} class=${cur ? 'active' : ''} aria-current=${cur ? 'page' : undefined} onNavigate=${onNavigate}>
        <${Icon} name=${item.icon} size=${18} /><span>${t(item.label)}</span><//></li>`;
}

function SideNav({ path, open, onNavigate }) {
    const s = useSession();
    const sections = s.modules
        .filter((m) => moduleNav[m.name])
        .map((m) => ({ name: m.name, title: t(`module.${m.name}`) === `module.${m.name}` ? m.title : t(`module.${m.name}`), items: moduleNav[m.name].filter((i) => has(i.need)) }))
        .filter((sec) => sec.items.length);
    return html`<nav id="sidenav" class=${`sidenav${open ? ' open' : ''}`} aria-label=${t('nav.main')}>
        <ul><${NavLink} item=${{ href: '/', label: 'nav.home', icon: 'home' }} path=${path} onNavigate=${onNavigate} /></ul>
        ${sections.map((sec) => html`<div class="nav-section" key=${sec.name}>
            <h2 class="nav-title">${sec.title}</h2>
            <ul>${sec.items.map((i) => html`<${NavLink} key=${i.href} item=${i} path=${path} onNavigate=${onNavigate} />`)}</ul>
        </div>`)}
        ${s.isAdmin && html`<div class="nav-section" data-testid="nav-admin">
            <h2 class="nav-title">${t('nav.admin')}</h2>
            <ul>${adminNav.filter((i) => !i.need || has(i.need)).map((i) => html`<${NavLink} key=${i.href} item=${i} path=${path} onNavigate=${onNavigate} />`)}</ul>
        </div>`}
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
        ${open && html`<div class="menu-panel" id="user-menu-panel">
            <div class="menu-who"><strong>${name}</strong><span>${u.email}</span></div>
            <label class="menu-field">${t('user.language')}
                <select value=${s.lang} onChange=${(e) => s.setLang(e.target.value)} data-testid="lang-select">
                    ${languages.map((l) => html`<option value=${l.code} selected=${l.code === s.lang}>${l.name}</option>`)}
                </select>
            </label>
            <${Link} class="menu-item" href="/settings" onNavigate=${() => setOpen(false)}><${Icon} name="gear" size=${16} /> ${t('nav.settings')}<//>
            <button type="button" class="menu-item" onClick=${s.signOut}><${Icon} name="logout" size=${16} /> ${t('user.signOut')}</button>
        </div>`}
    </div>`;
}

function Search() {
    const [q, setQ] = useState(new URLSearchParams(location.search).get('q') || '');
    const submit = (e) => {
        e.preventDefault();
        if (q.trim()) navigate(`/crm/search?q=${encodeURIComponent(q.trim())}`);
    };
    return html`<form class="search" role="search" onSubmit=${submit}>
        <${Icon} name="search" size=${16} />
        <input type="search" value=${q} onInput=${(e) => setQ(e.target.value)} placeholder=${t('search.placeholder')} aria-label=${t('search.label')} maxlength="200" />
    </form>`;
}

export function Shell({ path, children }) {
    const s = useSession();
    const [navOpen, setNavOpen] = useState(false);
    const dark = effectiveTheme(s.theme) === 'dark';
    useEffect(() => setNavOpen(false), [path]);
    return html`<div class="shell">
        <a class="skip-link" href="#main">${t('nav.skip')}</a>
        <header class="topbar">
            <button type="button" class="icon-btn nav-toggle" aria-label=${t('nav.menu')} aria-expanded=${navOpen} aria-controls="sidenav"
                onClick=${() => setNavOpen(!navOpen)}><${Icon} name="menu" /></button>
            <${Link} href="/" class="brand"><span class="brand-mark" aria-hidden="true">k</span><span class="brand-name">${s.company || 'kazi'}</span><//>
            ${searchMethod() ? html`<${Search} />` : html`<div class="search-spacer"></div>`}
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
