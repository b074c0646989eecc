// Shared pieces of the task screens: status codes and names, which status action moves a task
// between two columns, the people list, and tasks.task.* answers to display values. The server
// decides who may do what; these only pick the call to make.
import { listAll } from '../api.js';
import { t } from '../i18n/index.js';

// Bitrix24 task statuses shown as columns (1 "new" is shown with 2 "pending").
export const STATUSES = ['2', '3', '4', '5', '6'];

export function statusName(s) {
    return t(`task.st${s === '1' ? '2' : s}`);
}

// The status action that takes a task from `from` to `to`, or '' when there is none.
export function actionFor(from, to) {
    const f = from === '1' ? '2' : from;
    if (f === to) return '';
    switch (to) {
        case '3':
            return f === '2' || f === '6' ? 'start' : '';
        case '2':
            return f === '3' ? 'pause' : f === '4' ? 'disapprove' : f === '5' || f === '6' ? 'renew' : '';
        case '4':
        case '5':
            return f === '4' && to === '5' ? 'approve' : f === '2' || f === '3' || f === '6' ? 'complete' : '';
        case '6':
            return f === '2' || f === '3' ? 'defer' : '';
        default:
            return '';
    }
}

// The actions a task card offers for a status (the server still checks the caller's role).
export function actionsOf(status) {
    return (
        {
            1: ['start', 'complete', 'defer'],
            2: ['start', 'complete', 'defer'],
            3: ['pause', 'complete', 'defer'],
            4: ['approve', 'disapprove', 'renew'],
            5: ['renew'],
            6: ['start', 'renew', 'complete'],
        }[status] || []
    );
}

let people = null;
// Every user (up to 2,000), once per page load: [{ID, NAME, LAST_NAME, EMAIL}].
export function users() {
    if (!people)
        people = listAll('user.get', { filter: { ACTIVE: true } }, 2000).catch(() => {
            people = null;
            return [];
        });
    return people;
}

export function userName(list, id) {
    const u = (list || []).find((x) => String(x.ID) === String(id));
    return u ? [u.NAME, u.LAST_NAME].filter(Boolean).join(' ') || u.EMAIL : Number(id) ? `#${id}` : '';
}

// "D_12" -> {href: '/crm/deal/12', label}
const CRM_PREFIX = { L: 'lead', D: 'deal', C: 'contact', CO: 'company', Q: 'quote' };
export function crmLink(code) {
    const m = /^([A-Z]+)_(\d+)$/.exec(String(code || ''));
    const entity = m && CRM_PREFIX[m[1]];
    return entity ? { href: `/crm/${entity}/${m[2]}`, label: `${t(`task.crm.${entity}`)} #${m[2]}` } : null;
}

export function isOverdue(task) {
    return task.subStatus === '-1' || task.overdue === 'Y';
}

// The card's "YYYY-MM-DDTHH:MM" for an <input type="datetime-local"> from an ISO time.
export function toLocalInput(v) {
    if (!v) return '';
    const d = new Date(v);
    if (isNaN(d)) return '';
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// The local input value as ISO 8601 with the browser's offset, as the server stores it.
export function fromLocalInput(v) {
    if (!v) return '';
    const d = new Date(v);
    if (isNaN(d)) return '';
    const off = -d.getTimezoneOffset();
    const p = (n) => String(Math.abs(n)).padStart(2, '0');
    return `${v.length === 16 ? `${v}:00` : v}${off >= 0 ? '+' : '-'}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
}
