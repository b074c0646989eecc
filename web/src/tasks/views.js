// The switch between the task screens (my tasks as a list, the board, the workgroups) shown in
// their page heads. The workgroups link shows only when the server offers sonet_group.get.
import { html } from '../h.js';
import { has } from '../api.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { Icon } from '../ui/icons.js';

const VIEWS = [
    { key: 'list', href: '/tasks', icon: 'list', label: 'common.list' },
    { key: 'kanban', href: '/tasks/kanban', icon: 'kanban', label: 'common.kanban' },
    { key: 'groups', href: '/tasks/groups', icon: 'users', label: 'group.list', need: 'sonet_group.get' },
];

export function TaskViews({ current }) {
    return html`<div class="view-switch" role="group" aria-label=${t('common.view')}>
        ${VIEWS.filter((v) => !v.need || has(v.need)).map(
            (v) => html`<${Link} key=${v.key} href=${v.href} class=${v.key === current ? 'active' : ''}
            aria-current=${v.key === current ? 'page' : undefined}><${Icon} name=${v.icon} size=${16} /> ${t(v.label)}<//>`,
        )}
    </div>`;
}
