// Core's screens: the home page, the user's settings and the administration pages (users,
// departments, roles, webhooks, module state, company), registered like any module. The
// server's core module is always on.
import { html } from '../h.js';
import { registerModule } from '../registry.js';
import { Home } from './home.js';
import { Settings } from './settings.js';
import { Users } from './users.js';
import { Departments } from './departments.js';
import { Roles } from './roles.js';
import { Webhooks } from './webhooks.js';
import { Modules, Company } from './system.js';

registerModule({
    name: 'core',
    routes: [
        { path: '/', screen: () => html`<${Home} />` },
        { path: '/settings', screen: () => html`<${Settings} />` },
    ],
    menu: [{ href: '/', label: 'nav.home', icon: 'home', top: true, active: (path) => path === '/' }],
    homeCards: [
        { href: '/admin/users', icon: 'users', title: 'nav.users', text: 'home.users', admin: true, order: 10 },
        { href: '/admin/webhooks', icon: 'link', title: 'nav.webhooks', text: 'home.webhooks', admin: true, order: 10 },
        { href: '/settings', icon: 'gear', title: 'nav.settings', text: 'home.settings', order: 20 },
    ],
    settings: [
        { page: 'users', label: 'nav.users', icon: 'users', screen: () => html`<${Users} />` },
        { page: 'departments', label: 'nav.departments', icon: 'tree', screen: () => html`<${Departments} />` },
        { page: 'roles', label: 'nav.roles', icon: 'shield', screen: () => html`<${Roles} />` },
        { page: 'webhooks', label: 'nav.webhooks', icon: 'link', screen: () => html`<${Webhooks} />` },
        { page: 'modules', label: 'nav.modules', icon: 'grid', screen: () => html`<${Modules} />` },
        { page: 'company', label: 'nav.company', icon: 'building', screen: () => html`<${Company} />` },
    ],
});
