// Shared pieces of the workgroup screens: the three visibilities as sonet_group flags, role
// names, the create/edit form's fields and parameters, and what the caller may do in a group.
// The rules mirror the server's (docs/tasks.md, "Workgroups"); it still decides every call.
import { has, listAll } from '../api.js';
import { t } from '../i18n/index.js';

export const NAME_MAX = 255;
export const VISIBILITIES = ['open', 'closed', 'secret'];
export const ROLES = ['A', 'E', 'K'];

// The workgroups the user sees, by name, up to max (pages of 50); [] when the server has no
// workgroups or refuses.
export async function visibleGroups(max = 500) {
    if (!has('sonet_group.get')) return [];
    return listAll('sonet_group.get', { ORDER: { NAME: 'ASC' } }, max).catch(() => []);
}

// 'open' | 'closed' | 'secret' of a sonet_group.get row.
export function visibilityOf(g) {
    if (g.VISIBLE !== 'Y') return 'secret';
    return g.OPENED === 'Y' ? 'open' : 'closed';
}

export function visibilityName(v) {
    return t(`group.vis.${v}`);
}

export function roleName(r) {
    return ROLES.includes(r) ? t(`group.role.${r}`) : '';
}

// The server counts the name's bytes (UTF-8), not its characters.
function nameBytes(v) {
    return new TextEncoder().encode(String(v || '').trim()).length > NAME_MAX ? t('v.tooLong', { max: NAME_MAX }) : '';
}

// The form's fields; the name is required and capped as the server caps it.
export function groupFields() {
    return [
        { name: 'NAME', label: t('group.name'), required: true, max: NAME_MAX, check: nameBytes },
        { name: 'DESCRIPTION', label: t('group.description'), type: 'textarea' },
        {
            name: 'VISIBILITY',
            label: t('group.visibility'),
            type: 'select',
            required: true,
            hint: t('group.visHint'),
            options: VISIBILITIES.map((v) => ({ value: v, label: visibilityName(v) })),
        },
    ];
}

// The form's initial values for a group (or a new one: closed).
export function groupValues(g) {
    return g
        ? { NAME: g.NAME || '', DESCRIPTION: g.DESCRIPTION || '', VISIBILITY: visibilityOf(g) }
        : { NAME: '', DESCRIPTION: '', VISIBILITY: 'closed' };
}

// sonet_group.create / .update parameters for the form's values.
export function groupParams(v) {
    return {
        NAME: v.NAME.trim(),
        DESCRIPTION: (v.DESCRIPTION || '').trim(),
        VISIBLE: v.VISIBILITY === 'secret' ? 'N' : 'Y',
        OPENED: v.VISIBILITY === 'open' ? 'Y' : 'N',
    };
}

// What the caller (role: 'A' | 'E' | 'K' | '' for none) may do in group g.
export function rightsIn(g, role, isAdmin) {
    const owner = isAdmin || role === 'A';
    return {
        edit: owner,
        remove: owner,
        roles: owner,
        addMembers: isAdmin || role === 'A' || role === 'E' || (role === 'K' && g.INITIATE_PERMS === 'K'),
        removeMembers: isAdmin || role === 'A' || role === 'E',
        join: !role && g.VISIBLE === 'Y' && g.OPENED === 'Y',
        leave: role === 'E' || role === 'K',
        addTasks: isAdmin || !!role,
    };
}
