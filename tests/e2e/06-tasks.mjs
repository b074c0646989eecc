// The task screens, when the server has the tasks methods: create a task through the form (a
// deadline before the planned start is refused at the field), tick a checklist item, comment,
// log time, complete it by dragging it across the task board, create a task from a deal card
// and find it on the deal's timeline; a user outside the task does not see it.
import { ADMIN, MEMBER, countRequests, expect, field, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
let on = true;
let crm = true;
let taskId = 0;
const TITLE = 'Fix the water pump at the depot';

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
    const m = (await restCall(page, 'methods', {})).result || [];
    on = m.includes('tasks.task.add') && m.includes('task.checklistitem.add');
    crm = m.includes('crm.deal.add');
});

const taskTest = (name, fn) => testIf(() => on, 'the tasks module is not enabled', name, fn);

taskTest('task form: a deadline before the planned start is refused at the field', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tasks' }).click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await page.getByRole('link', { name: 'New task' }).first().click();
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    const form = page.locator('form#task');
    const sent = await countRequests(page, '/rest/tasks.task.add', 'POST', async () => {
        await form.getByRole('button', { name: 'Create task' }).click();
        await form.getByText('This field is required.').first().waitFor();
        await field(form, 'Title').fill(TITLE);
        await field(form, 'Planned start').fill('2030-05-10T09:00');
        await field(form, 'Deadline').fill('2030-05-01T17:00');
        await form.getByRole('button', { name: 'Create task' }).click();
        await form.getByText('The deadline cannot be before the planned start.').waitFor();
    });
    expect(sent === 0, `${sent} tasks.task.add requests were sent with invalid input`);
    await shot(page, '50-task-form-errors');
});

taskTest('create the task and open its card', async () => {
    const form = page.locator('form#task');
    await field(form, 'Deadline').fill('2030-05-20T17:00');
    await field(form, 'Description').fill('The pump loses pressure after an hour.');
    await form.getByRole('button', { name: 'Create task' }).click();
    await page.getByRole('heading', { name: TITLE }).waitFor();
    taskId = Number(page.url().split('/').pop());
    expect(taskId > 0, `no task id in ${page.url()}`);
    await page.getByTestId('task-status').getByText('Pending').waitFor();
});

taskTest('checklist, comment and time on the card', async () => {
    await page.getByLabel('New checklist item').fill('Order a new seal');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const item = page.getByTestId('checklist').getByRole('checkbox', { name: 'Order a new seal' });
    await item.check();
    await page.waitForTimeout(400);
    const items = (await restCall(page, 'task.checklistitem.getlist', [taskId])).result || [];
    expect(items.length === 1 && items[0].IS_COMPLETE === 'Y', `checklist on the server: ${JSON.stringify(items)}`);
    await page.getByLabel('Comment', { exact: true }).fill('Karibu — the seal arrives on Monday.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('comments').getByText('Karibu — the seal arrives on Monday.').waitFor();
    await page.getByLabel('Minutes').fill('ten');
    await page.getByRole('button', { name: 'Log time' }).click();
    await page.getByText('Enter whole minutes between 1 and 1440.').waitFor();
    await page.getByLabel('Minutes').fill('30');
    await page.getByLabel('What was done').fill('Took the pump apart');
    await page.getByRole('button', { name: 'Log time' }).click();
    await page.getByTestId('time-total').getByText('Spent: 0 h 30 min').waitFor();
    await shot(page, '51-task-card');
});

taskTest('task board: drag the task to completed', async () => {
    await page.setViewportSize({ width: 1800, height: 900 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Task board' }).click();
    const board = page.getByTestId('task-kanban');
    const card = board.getByRole('article', { name: TITLE });
    await card.waitFor();
    await shot(page, '52-task-board');
    await card.dragTo(board.locator('[data-status="5"] .kcol-body'));
    await board.locator('[data-status="5"]').getByRole('article', { name: TITLE }).waitFor();
    await page.waitForTimeout(500);
    const r = await restCall(page, 'tasks.task.get', { taskId });
    expect(r.result?.task?.status === '5', `task status on the server: ${r.result?.task?.status}`);
    await shot(page, '53-task-board-completed');
    await page.setViewportSize({ width: 1280, height: 800 });
});

taskTest('a task made from a deal card shows on the deal timeline', async () => {
    if (!crm) return console.log('# skip - the CRM module is not enabled');
    const d = await restCall(page, 'crm.deal.add', { fields: { TITLE: 'Pump service contract', OPPORTUNITY: 900, CURRENCY_ID: 'USD' } });
    const dealId = d.result;
    await page.goto(`/crm/deal/${dealId}`);
    await page.getByRole('heading', { name: 'Pump service contract' }).waitFor();
    await page.getByTestId('new-task').click();
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    const form = page.locator('form#task');
    await field(form, 'Title').fill('Call the client about the service date');
    await form.getByRole('button', { name: 'Create task' }).click();
    await page.getByRole('heading', { name: 'Call the client about the service date' }).waitFor();
    await page
        .getByTestId('task-crm')
        .getByRole('link', { name: `Deal #${dealId}` })
        .click();
    await page.getByRole('heading', { name: 'Pump service contract' }).waitFor();
    await page.getByText('Task: Call the client about the service date').waitFor();
    await shot(page, '54-deal-timeline-task');
});

taskTest('a user outside the task does not see it', async () => {
    const p2 = await newPage(browser);
    await signIn(p2, MEMBER);
    const links = await p2.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    if (links.some((l) => /My tasks/.test(l))) {
        await p2.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tasks' }).click();
        await p2.getByRole('heading', { name: 'My tasks' }).waitFor();
        await p2.getByText('No tasks here.').waitFor();
    }
    await p2.goto(`/tasks/${taskId}`);
    await p2.waitForTimeout(800);
    expect(!(await p2.getByText(TITLE).count()), 'the member sees the task');
    await shot(p2, '55-task-hidden-from-member');
    await p2.context().close();
});

taskTest('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
