// Create or edit a task: title, description, people, planned start and deadline (the deadline
// may not come before the start), priority, workgroup, result control, parent task and a CRM
// link (prefilled from ?crm=D_12 when the task is made from a CRM card, ?parent=N for a
// sub-task, ?group=N for a task in a workgroup). Validated here and by the server; nothing is
// written when either refuses.
import { html } from '../h.js';
import { call, rest } from '../api.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import { Form } from '../ui/form.js';
import { Loaded, PageHead, toast, useAsync } from '../ui/kit.js';
import { useSession } from '../session.js';
import { crmLink, fromLocalInput, toLocalInput, userName, users } from './common.js';
import { visibleGroups } from './groups.js';

function fieldsOf(people, groups, crm) {
    const userOpts = people.map((u) => ({ value: String(u.ID), label: userName(people, u.ID) }));
    return [
        { name: 'TITLE', label: t('task.title'), required: true },
        { name: 'DESCRIPTION', label: t('task.description'), type: 'textarea' },
        { name: 'RESPONSIBLE_ID', label: t('task.responsible'), type: 'select', required: true, options: userOpts },
        { name: 'ACCOMPLICES', label: t('task.accomplices'), type: 'checks', options: userOpts },
        { name: 'AUDITORS', label: t('task.auditors'), type: 'checks', options: userOpts },
        { name: 'START_DATE_PLAN', label: t('task.startPlan'), type: 'datetime' },
        {
            name: 'DEADLINE',
            label: t('task.deadline'),
            type: 'datetime',
            check: (v, all) => (v && all.START_DATE_PLAN && v < all.START_DATE_PLAN ? t('task.deadlineBefore') : ''),
        },
        {
            name: 'PRIORITY',
            label: t('task.priority'),
            type: 'select',
            required: true,
            options: [
                { value: '1', label: t('task.normal') },
                { value: '2', label: t('task.high') },
            ],
        },
        ...(groups.length
            ? [
                  {
                      name: 'GROUP_ID',
                      label: t('task.group'),
                      type: 'select',
                      options: groups.map((g) => ({ value: String(g.ID), label: g.NAME })),
                  },
              ]
            : []),
        { name: 'TASK_CONTROL', label: t('task.control'), type: 'checkbox' },
        ...(crm
            ? [
                  {
                      name: 'UF_CRM_TASK',
                      label: t('task.crm'),
                      hint: crmLink(crm)?.label || crm,
                      type: 'select',
                      required: true,
                      options: [{ value: crm, label: crmLink(crm)?.label || crm }],
                  },
              ]
            : []),
    ];
}

export function TaskEdit({ id }) {
    const me = String(useSession().user.id);
    const params = new URLSearchParams(location.search);
    const crm = /^[A-Z]{1,2}_\d+$/.test(params.get('crm') || '') ? params.get('crm') : '';
    const parent = /^\d+$/.test(params.get('parent') || '') ? params.get('parent') : '';
    const group = /^\d+$/.test(params.get('group') || '') ? params.get('group') : '';
    const state = useAsync(async () => {
        const [people, groups] = await Promise.all([users(), visibleGroups()]);
        let task = null;
        if (id) task = (await call('tasks.task.get', { taskId: Number(id) })).result?.task;
        let responsible = params.get('responsible') || me;
        if (!people.some((u) => String(u.ID) === responsible)) responsible = me;
        const initial = task
            ? {
                  TITLE: task.title,
                  DESCRIPTION: task.description,
                  RESPONSIBLE_ID: String(task.responsibleId),
                  ACCOMPLICES: (task.accomplices || []).map(String),
                  AUDITORS: (task.auditors || []).map(String),
                  START_DATE_PLAN: toLocalInput(task.startDatePlan),
                  DEADLINE: toLocalInput(task.deadline),
                  PRIORITY: task.priority === '2' ? '2' : '1',
                  GROUP_ID: Number(task.groupId) ? String(task.groupId) : '',
                  TASK_CONTROL: task.taskControl === 'Y',
              }
            : { RESPONSIBLE_ID: responsible, PRIORITY: '1', ACCOMPLICES: [], AUDITORS: [], UF_CRM_TASK: crm, GROUP_ID: group };
        return { fields: fieldsOf(people, groups || [], id ? '' : crm), initial };
    }, [id]);
    const save = async (v) => {
        const fields = {
            TITLE: v.TITLE.trim(),
            DESCRIPTION: v.DESCRIPTION || '',
            RESPONSIBLE_ID: Number(v.RESPONSIBLE_ID),
            ACCOMPLICES: (v.ACCOMPLICES || []).map(Number),
            AUDITORS: (v.AUDITORS || []).map(Number),
            START_DATE_PLAN: fromLocalInput(v.START_DATE_PLAN),
            DEADLINE: fromLocalInput(v.DEADLINE),
            PRIORITY: Number(v.PRIORITY),
            TASK_CONTROL: v.TASK_CONTROL ? 'Y' : 'N',
        };
        if (v.GROUP_ID !== undefined) fields.GROUP_ID = Number(v.GROUP_ID || 0);
        if (!id && v.UF_CRM_TASK) fields.UF_CRM_TASK = [v.UF_CRM_TASK];
        if (!id && parent) fields.PARENT_ID = Number(parent);
        if (id) {
            await rest('tasks.task.update', { taskId: Number(id), fields });
            toast(t('common.saved'), 'ok');
            navigate(`/tasks/${id}`);
        } else {
            const r = await rest('tasks.task.add', { fields });
            toast(t('task.created'), 'ok');
            navigate(`/tasks/${r.task.id}`);
        }
    };
    return html`<div class="page narrow">
        <${PageHead} title=${id ? t('task.edit') : t('task.new')} />
        <${Loaded} state=${state}>${(d) => html`<${Form} id="task" fields=${d.fields} initial=${d.initial} onSubmit=${save}
            submitLabel=${id ? t('common.save') : t('task.create')} onCancel=${() => history.back()} />`}<//>
    </div>`;
}
