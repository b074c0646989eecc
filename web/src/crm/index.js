// The CRM's browser part: its screens (lists, cards, forms, the deal kanban, products, search),
// navigation entries, home cards, the pipeline and list editors under /admin, the top search
// box and its strings, registered in one call. Shown only while the server runs the crm module.
import { html } from '../h.js';
import { registerModule } from '../registry.js';
import { Redirect } from '../router.js';
import { ENTITIES } from './entities.js';
import { can } from './records.js';
import { CrmList } from './list.js';
import { CrmCard } from './card.js';
import { CrmEdit } from './edit.js';
import { Kanban } from './kanban.js';
import { CrmProducts } from './products.js';
import { CrmSearch, SEARCH_METHODS } from './search.js';
import { Pipelines } from './pipelines.js';
import { Dictionaries } from './dictionaries.js';
import en from './i18n/en.js';
import pt from './i18n/pt.js';
import sw from './i18n/sw.js';

const entity = (p) => !!ENTITIES[p.entity];

registerModule({
    name: 'crm',
    title: 'module.crm',
    paths: ['/crm'],
    routes: [
        { path: '/crm', screen: () => html`<${Redirect} to="/" />` },
        { path: '/crm/search', screen: () => html`<${CrmSearch} />` },
        { path: '/crm/products', need: 'crm.product.list', screen: () => html`<${CrmProducts} />` },
        { path: '/crm/deal/kanban', screen: () => html`<${Kanban} category="0" key="0" />` },
        { path: '/crm/deal/kanban/:cat', screen: (p) => html`<${Kanban} category=${p.cat} key=${p.cat} />` },
        {
            path: '/crm/:entity',
            when: (p) => entity(p) && can(p.entity, 'list'),
            screen: (p) => html`<${CrmList} entity=${p.entity} key=${p.entity} />`,
        },
        { path: '/crm/:entity/new', when: entity, screen: (p) => html`<${CrmEdit} entity=${p.entity} key=${`${p.entity}-new`} />` },
        {
            path: '/crm/:entity/:id/edit',
            when: entity,
            screen: (p) => html`<${CrmEdit} entity=${p.entity} id=${p.id} key=${`${p.entity}-${p.id}-edit`} />`,
        },
        {
            path: '/crm/:entity/:id',
            when: (p) => entity(p) && /^\d+$/.test(p.id),
            screen: (p) => html`<${CrmCard} entity=${p.entity} id=${p.id} key=${`${p.entity}-${p.id}`} />`,
        },
    ],
    menu: [
        {
            href: '/crm/deal/kanban',
            label: 'nav.deals',
            icon: 'kanban',
            need: 'crm.deal.list',
            active: (path) => path.startsWith('/crm/deal'),
        },
        { href: '/crm/lead', label: 'nav.leads', icon: 'funnel', need: 'crm.lead.list' },
        { href: '/crm/contact', label: 'nav.contacts', icon: 'person', need: 'crm.contact.list' },
        { href: '/crm/company', label: 'nav.companies', icon: 'building', need: 'crm.company.list' },
        { href: '/crm/quote', label: 'nav.quotes', icon: 'file', need: 'crm.quote.list' },
        { href: '/crm/invoice', label: 'nav.invoices', icon: 'file', need: 'crm.item.list' },
        { href: '/crm/products', label: 'nav.products', icon: 'grid', need: 'crm.product.list' },
    ],
    homeCards: [
        { href: '/crm/deal/kanban', icon: 'kanban', title: 'nav.deals', text: 'home.deals', need: 'crm.deal.list' },
        { href: '/crm/lead', icon: 'funnel', title: 'nav.leads', text: 'home.leads', need: 'crm.lead.list' },
        { href: '/crm/contact', icon: 'person', title: 'nav.contacts', text: 'home.contacts', need: 'crm.contact.list' },
    ],
    settings: [
        { page: 'pipelines', label: 'nav.pipelines', icon: 'kanban', need: 'crm.category.add', screen: () => html`<${Pipelines} />` },
        { page: 'lists', label: 'nav.lists', icon: 'list', need: 'crm.status.add', screen: () => html`<${Dictionaries} />` },
    ],
    search: {
        methods: SEARCH_METHODS,
        href: (q) => `/crm/search?q=${encodeURIComponent(q)}`,
        label: 'search.label',
        placeholder: 'search.placeholder',
    },
    strings: { en, pt, sw },
});
