// The "New task" button of a CRM card: opens the task form linked to the record (UF_CRM_TASK
// "D_12" style) with the record's responsible person proposed. tasks/index.js puts it into the
// card's "crm.card.actions" slot, so it shows only when the tasks module is on; it also needs
// the right to add tasks.
import { html } from '../h.js';
import { has } from '../api.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { Icon } from '../ui/icons.js';

const PREFIX = { lead: 'L', deal: 'D', contact: 'C', company: 'CO', quote: 'Q' };

export function NewTaskLink({ entity, id, responsible }) {
    if (!PREFIX[entity] || !has('tasks.task.add')) return null;
    const q = `crm=${PREFIX[entity]}_${id}${Number(responsible) ? `&responsible=${responsible}` : ''}`;
    return html`<${Link} class="btn" href=${`/tasks/new?${q}`} data-testid="new-task"><${Icon} name="plus" size=${16} /> ${t('task.new')}<//>`;
}
