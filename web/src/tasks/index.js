// The tasks module's browser part: my tasks, the task card and form, the task boards, the
// workgroups, their navigation entries, the "New task" button on CRM cards and the strings,
// registered in one call. Shown only while the server runs the tasks module and the user may
// list tasks.
import { html } from '../h.js';
import { registerModule } from '../registry.js';
import { TasksList } from './list.js';
import { TaskCard } from './card.js';
import { TaskEdit } from './edit.js';
import { TasksKanban } from './kanban.js';
import { TaskGroups } from './groups-page.js';
import { TaskGroup } from './group-page.js';
import { NewTaskLink } from './from-crm.js';
import en from './i18n/en.js';
import pt from './i18n/pt.js';
import sw from './i18n/sw.js';

const numeric = (p) => /^\d+$/.test(p.id);

registerModule({
    name: 'tasks',
    title: 'module.tasks',
    paths: ['/tasks'],
    need: 'tasks.task.list',
    routes: [
        { path: '/tasks', screen: () => html`<${TasksList} />` },
        { path: '/tasks/kanban', screen: () => html`<${TasksKanban} key="all" />` },
        { path: '/tasks/group/:id', when: numeric, screen: (p) => html`<${TasksKanban} group=${p.id} key=${`g${p.id}`} />` },
        { path: '/tasks/new', screen: () => html`<${TaskEdit} key="new" />` },
        { path: '/tasks/groups', need: 'sonet_group.get', screen: () => html`<${TaskGroups} />` },
        {
            path: '/tasks/groups/:id',
            need: 'sonet_group.get',
            when: numeric,
            screen: (p) => html`<${TaskGroup} id=${p.id} key=${`grp${p.id}`} />`,
        },
        { path: '/tasks/:id/edit', when: numeric, screen: (p) => html`<${TaskEdit} id=${p.id} key=${`${p.id}-edit`} />` },
        { path: '/tasks/:id', when: numeric, screen: (p) => html`<${TaskCard} id=${p.id} key=${p.id} />` },
    ],
    menu: [
        {
            href: '/tasks',
            label: 'nav.myTasks',
            icon: 'list',
            need: 'tasks.task.list',
            active: (path) => path === '/tasks' || /^\/tasks\/(\d+|new)/.test(path),
        },
        {
            href: '/tasks/kanban',
            label: 'nav.taskBoard',
            icon: 'kanban',
            need: 'tasks.task.list',
            active: (path) => path === '/tasks/kanban' || path.startsWith('/tasks/group/'),
        },
        { href: '/tasks/groups', label: 'group.list', icon: 'users', need: 'sonet_group.get' },
    ],
    slots: { 'crm.card.actions': NewTaskLink },
    strings: { en, pt, sw },
});
