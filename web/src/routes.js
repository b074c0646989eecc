// Path -> screen. Admin screens need an administrator; CRM screens need the CRM module and its
// methods (checked with `methods` at sign-in).
import { html } from './h.js';
import { has } from './api.js';
import { t } from './i18n/index.js';
import { match, Link } from './router.js';
import { PageHead } from './ui/kit.js';
import { Home } from './screens/home.js';
import { Settings } from './screens/settings.js';
import { Users } from './screens/admin-users.js';
import { Departments } from './screens/admin-departments.js';
import { Roles } from './screens/admin-roles.js';
import { Webhooks } from './screens/admin-webhooks.js';
import { Modules, Company } from './screens/admin-system.js';
import { Pipelines } from './screens/admin-pipelines.js';
import { Dictionaries } from './screens/admin-dictionaries.js';
import { CrmList } from './screens/crm-list.js';
import { CrmCard } from './screens/crm-card.js';
import { CrmEdit } from './screens/crm-edit.js';
import { Kanban } from './screens/crm-kanban.js';
import { CrmProducts } from './screens/crm-products.js';
import { CrmSearch } from './screens/crm-search.js';
import { ENTITIES } from './crm/entities.js';
import { can } from './crm/records.js';
import { TasksList } from './screens/tasks-list.js';
import { TaskCard } from './screens/task-card.js';
import { TaskEdit } from './screens/task-edit.js';
import { TasksKanban } from './screens/tasks-kanban.js';
import { TaskGroups } from './screens/task-groups.js';
import { TaskGroup } from './screens/task-group.js';

function Message({ title, text }) {
    return html`<div class="page"><${PageHead} title=${title} /><p>${text}</p><p><${Link} href="/">${t('nav.home')}<//></p></div>`;
}

const admin = {
    users: Users,
    departments: Departments,
    roles: Roles,
    webhooks: Webhooks,
    modules: Modules,
    company: Company,
    pipelines: Pipelines,
    lists: Dictionaries,
};

export function routeScreen(path, session) {
    let m;
    if (path === '/' || path === '/login' || path === '/setup') return html`<${Home} />`;
    if (path === '/settings') return html`<${Settings} />`;
    if (path === '/admin' || (m = match('/admin/:page', path))) {
        if (!session.isAdmin) return html`<${Message} title=${t('err.forbiddenTitle')} text=${t('err.forbidden')} />`;
        const Screen = admin[m?.page || 'users'];
        return Screen ? html`<${Screen} />` : html`<${Message} title=${t('err.notFoundTitle')} text=${t('err.notFound')} />`;
    }
    if (path.startsWith('/crm')) {
        const crmOn = session.modules.some((x) => x.name === 'crm');
        if (!crmOn) return html`<${Message} title=${t('err.notFoundTitle')} text=${t('crm.off')} />`;
        if (path === '/crm/search') return html`<${CrmSearch} />`;
        if (path === '/crm/products' && has('crm.product.list')) return html`<${CrmProducts} />`;
        if ((m = match('/crm/deal/kanban', path)) || (m = match('/crm/deal/kanban/:cat', path))) return html`<${Kanban} category=${m.cat || '0'} key=${m.cat || '0'} />`;
        if ((m = match('/crm/:entity', path)) && ENTITIES[m.entity] && can(m.entity, 'list')) return html`<${CrmList} entity=${m.entity} key=${m.entity} />`;
        if ((m = match('/crm/:entity/new', path)) && ENTITIES[m.entity]) return html`<${CrmEdit} entity=${m.entity} key=${`${m.entity}-new`} />`;
        if ((m = match('/crm/:entity/:id/edit', path)) && ENTITIES[m.entity]) return html`<${CrmEdit} entity=${m.entity} id=${m.id} key=${`${m.entity}-${m.id}-edit`} />`;
        if ((m = match('/crm/:entity/:id', path)) && ENTITIES[m.entity] && /^\d+$/.test(m.id)) return html`<${CrmCard} entity=${m.entity} id=${m.id} key=${`${m.entity}-${m.id}`} />`;
        if (path === '/crm') return html`<${Home} />`;
    }
    if (path === '/tasks' || path.startsWith('/tasks/')) {
        if (!session.modules.some((x) => x.name === 'tasks') || !has('tasks.task.list')) return html`<${Message} title=${t('err.notFoundTitle')} text=${t('task.off')} />`;
        if (path === '/tasks') return html`<${TasksList} />`;
        if (path === '/tasks/kanban') return html`<${TasksKanban} key="all" />`;
        if ((m = match('/tasks/group/:id', path)) && /^\d+$/.test(m.id)) return html`<${TasksKanban} group=${m.id} key=${`g${m.id}`} />`;
        if (path === '/tasks/new') return html`<${TaskEdit} key="new" />`;
        if (path === '/tasks/groups' && has('sonet_group.get')) return html`<${TaskGroups} />`;
        if ((m = match('/tasks/groups/:id', path)) && /^\d+$/.test(m.id) && has('sonet_group.get')) return html`<${TaskGroup} id=${m.id} key=${`grp${m.id}`} />`;
        if ((m = match('/tasks/:id/edit', path)) && /^\d+$/.test(m.id)) return html`<${TaskEdit} id=${m.id} key=${`${m.id}-edit`} />`;
        if ((m = match('/tasks/:id', path)) && /^\d+$/.test(m.id)) return html`<${TaskCard} id=${m.id} key=${m.id} />`;
    }
    return html`<${Message} title=${t('err.notFoundTitle')} text=${t('err.notFound')} />`;
}
