// The web modules: each module's browser part (web/src/<module>/index.js) describes itself in one
// registerModule() call, and web/src/modules.js imports the modules compiled into the app. The
// shell, the router and the home screen read everything from here and know no module by name.
//
// registerModule({
//     name: 'crm',                 // the server module's name in kazi.modules
//     title: 'module.crm',         // string key of the navigation section's heading
//     paths: ['/crm'],             // the app paths the module owns: while it is off they show
//                                  // the "not available" page instead of "not found"
//     need: 'crm.lead.list',       // optional: a REST method the user must have for the module
//                                  // to count as available (else its paths show "not available")
//     routes: [{ path: '/crm/:entity', when: (p) => ..., need: 'method', screen: (p) => vnode }],
//     menu: [{ href, label, icon, need, active: (path) => bool, top: false }],
//     homeCards: [{ href, icon, title, text, need, admin: false, order: 0 }],
//     settings: [{ page: 'pipelines', label, icon, need, screen: () => vnode }], // /admin/<page>
//     search: { methods: ['crm.search'], href: (q) => url, label, placeholder },
//     slots: { 'crm.card.actions': Component },   // pieces shown inside another module's screen
//     strings: { en: {...}, pt: {...}, sw: {...} },
// })
//
// Strings of every registered module are merged into the catalogues at once (so a switched-off
// module still has a translated name); routes, menu entries, home cards, settings pages, search
// and slots count only for the modules the server has switched on (session.modules).
import { html } from './h.js';
import { has } from './api.js';
import { addStrings, t } from './i18n/index.js';
import { useSession } from './session.js';

const registered = [];
const LISTS = ['paths', 'routes', 'menu', 'homeCards', 'settings'];

export function registerModule(def) {
    if (!def || typeof def.name !== 'string' || !def.name) throw new Error('registerModule: a module needs a name');
    if (registered.some((m) => m.name === def.name)) throw new Error(`registerModule: module '${def.name}' is registered twice`);
    const m = { ...def, slots: def.slots || {}, search: def.search || null };
    for (const k of LISTS) m[k] = def[k] || [];
    if (def.strings) addStrings(def.strings, def.name);
    registered.push(m);
    return m;
}

// Every registered module, switched on or not, in registration order.
export function registeredModules() {
    return registered;
}

// A need is a method name (it must exist for this user), a function, or nothing.
export function met(need) {
    if (!need) return true;
    return typeof need === 'function' ? !!need() : has(need);
}

// The registered modules the server runs and the user may use, in registration order.
export function enabledModules(session) {
    const on = new Set((session?.modules || []).map((x) => x.name));
    return registered.filter((m) => on.has(m.name) && met(m.need));
}

// The registered module that owns path (by its `paths` prefixes), or null.
export function ownerOf(path) {
    return registered.find((m) => m.paths.some((p) => path === p || path.startsWith(`${p}/`))) || null;
}

// The module owning /admin/<page>, or null.
export function settingsOwner(page) {
    return registered.find((m) => m.settings.some((s) => s.page === page)) || null;
}

// The title of a module in the reader's language, else the server's title, else its name.
export function moduleTitle(m, session) {
    const key = m.title || `module.${m.name}`;
    const s = t(key);
    if (s !== key) return s;
    return session?.allModules?.find((x) => x.name === m.name)?.title || m.name;
}

// Components other modules put into the named slot, for the modules switched on.
export function Slot({ name, ...props }) {
    const s = useSession();
    return enabledModules(s)
        .filter((m) => m.slots[name])
        .map((m) => html`<${m.slots[name]} key=${m.name} ...${props} />`);
}
