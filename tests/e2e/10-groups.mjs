// The workgroup screens, when the server has the sonet_group methods: a bad name is refused at
// the field with nothing written, then the group is made and edited; a second user is added as
// a member, made a moderator and removed; a task made from the group page shows on the group's
// board; a user outside a secret group does not find it in the list or by its address; a
// user joins an open group and leaves it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, cli, countRequests, expect, field, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
const OTHER = { email: 'zuri@example.com', password: ADMIN.password, name: 'Zuri' };
const NAME = 'Borehole project';
const SECRET = 'Board succession plans';
let on = true;
let groupId = 0;
let otherId = 0;
let secretId = 0;
let p2 = null;

const members = async () =>
    ((await restCall(page, 'sonet_group.user.get', { ID: groupId })).result || []).map((m) => `${m.USER_ID}${m.ROLE}`).join(',');

test('sign in as the administrator; a second user exists', async () => {
    await signIn(page, ADMIN);
    const m = (await restCall(page, 'methods', {})).result || [];
    on = m.includes('sonet_group.create') && m.includes('tasks.task.add');
    if (!on) return;
    const dir = mkdtempSync(join(tmpdir(), 'kazi-e2e-'));
    writeFileSync(join(dir, 'pw'), `${OTHER.password}\n`);
    cli('user', 'add', '--data', process.env.KAZI_DATA, '--email', OTHER.email, '--name', OTHER.name, '--password-file', join(dir, 'pw'));
    const users = (await restCall(page, 'user.get', { filter: { EMAIL: OTHER.email } })).result || [];
    otherId = Number(users[0]?.ID);
    expect(otherId > 0, `no id for ${OTHER.email}: ${JSON.stringify(users)}`);
});

const groupTest = (name, fn) => testIf(() => on, 'the workgroup methods are not enabled', name, fn);

groupTest('new workgroup: an empty or too long name is refused at the field, nothing written', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workgroups' }).click();
    await page.getByRole('heading', { name: 'Workgroups' }).waitFor();
    await page.getByRole('button', { name: 'New workgroup' }).click();
    const form = page.locator('form#group');
    const sent = await countRequests(page, '/rest/sonet_group.create', 'POST', async () => {
        await field(form, 'Name').fill('   ');
        await form.getByRole('button', { name: 'Create workgroup' }).click();
        await form.getByText('This field is required.').waitFor();
        expect(await field(form, 'Name').evaluate((el) => el === document.activeElement), 'focus is not on the name');
        await field(form, 'Name').fill('x'.repeat(256));
        await form.getByRole('button', { name: 'Create workgroup' }).click();
        await form.getByText('Too long: at most 255 characters.').waitFor();
    });
    expect(sent === 0, `${sent} sonet_group.create requests were sent with invalid input`);
    const all = (await restCall(page, 'sonet_group.get', {})).result || [];
    expect(!all.length, `groups on the server: ${all.map((g) => g.NAME).join(', ')}`);
    await shot(page, '90-group-form-errors');
});

groupTest('create the workgroup and open its page', async () => {
    const form = page.locator('form#group');
    await field(form, 'Name').fill(NAME);
    await field(form, 'Description').fill('Drilling and pump for the northern depot.');
    await field(form, 'Visibility').selectOption('closed');
    await form.getByRole('button', { name: 'Create workgroup' }).click();
    await page.getByRole('heading', { name: NAME }).waitFor();
    groupId = Number(page.url().split('/').pop());
    expect(groupId > 0, `no group id in ${page.url()}`);
    await page.getByTestId('my-role').getByText('Owner').waitFor();
    const g = (await restCall(page, 'sonet_group.get', { FILTER: { ID: groupId } })).result?.[0];
    expect(g?.VISIBLE === 'Y' && g?.OPENED === 'N', `flags on the server: ${JSON.stringify(g)}`);
});

groupTest('members: add, make a moderator, remove', async () => {
    const list = page.getByTestId('group-members');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Choose the person to add.').waitFor();
    await page.getByLabel('Add a member').selectOption(String(otherId));
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await list.getByText(OTHER.name).waitFor();
    expect((await members()).includes(`${otherId}K`), `members: ${await members()}`);
    await page.getByLabel(`Role of ${OTHER.name}`).selectOption('E');
    await page.getByText(`${OTHER.name} is now Moderator`).waitFor();
    expect((await members()).includes(`${otherId}E`), `members: ${await members()}`);
    await shot(page, '91-group-page');
    await page.getByRole('button', { name: `Remove ${OTHER.name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByText(`${OTHER.name} removed`).waitFor();
    expect(!(await members()).includes(String(otherId)), `members: ${await members()}`);
    expect(!(await list.getByText(OTHER.name).count()), 'the removed member is still listed');
});

groupTest('edit: an empty name is refused, a new description is saved', async () => {
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.locator('form#group');
    await field(form, 'Name').fill('');
    const sent = await countRequests(page, '/rest/sonet_group.update', 'POST', async () => {
        await form.getByRole('button', { name: 'Save' }).click();
        await form.getByText('This field is required.').waitFor();
    });
    expect(sent === 0, `${sent} sonet_group.update requests were sent with an empty name`);
    await shot(page, '99-group-edit-required');
    await field(form, 'Name').fill(NAME);
    await field(form, 'Description').fill('Drilling, pump and tank for the northern depot.');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Drilling, pump and tank for the northern depot.').waitFor();
    const g = (await restCall(page, 'sonet_group.get', { FILTER: { ID: groupId } })).result?.[0];
    expect(g?.NAME === NAME && g?.DESCRIPTION === 'Drilling, pump and tank for the northern depot.', `on the server: ${JSON.stringify(g)}`);
});

groupTest('a task made from the group page shows on its board', async () => {
    await page.getByRole('link', { name: 'New task in this group' }).click();
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    const form = page.locator('form#task');
    expect((await field(form, 'Workgroup').inputValue()) === String(groupId), 'the workgroup is not preselected');
    await field(form, 'Title').fill('Survey the borehole site');
    await form.getByRole('button', { name: 'Create task' }).click();
    await page.getByRole('heading', { name: 'Survey the borehole site' }).waitFor();
    await page.getByRole('link', { name: NAME }).click();
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.getByRole('heading', { name: 'Task board' }).waitFor();
    expect(page.url().endsWith(`/tasks/group/${groupId}`), `board address: ${page.url()}`);
    await page.getByTestId('task-kanban').getByRole('article', { name: 'Survey the borehole site' }).waitFor();
    await shot(page, '92-group-board');
    await page.setViewportSize({ width: 1280, height: 800 });
});

groupTest("the group page links to the group's task list", async () => {
    await page.getByRole('link', { name: 'Workgroup page' }).click();
    await page.getByRole('heading', { name: NAME }).waitFor();
    await page.getByRole('link', { name: 'Task list' }).click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await page.getByTestId('tasks-table').getByRole('link', { name: 'Survey the borehole site' }).waitFor();
    expect(
        (await page.getByRole('button', { name: /All I can see/ }).getAttribute('aria-pressed')) === 'true',
        'the list is not of every visible task',
    );
    expect((await page.getByLabel('Workgroup').inputValue()) === String(groupId), 'the workgroup filter is not set');
    await shot(page, '93-group-task-list');
});

groupTest('the group list: search, and a secret group', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workgroups' }).click();
    await page.getByRole('button', { name: 'New workgroup' }).click();
    const form = page.locator('form#group');
    await field(form, 'Name').fill(SECRET);
    await field(form, 'Visibility').selectOption('secret');
    await form.getByRole('button', { name: 'Create workgroup' }).click();
    await page.getByRole('heading', { name: SECRET }).waitFor();
    secretId = Number(page.url().split('/').pop());
    await page.getByRole('link', { name: 'Workgroups' }).first().click();
    const table = page.getByTestId('groups-table');
    await table.getByRole('link', { name: SECRET }).waitFor();
    await shot(page, '94-group-list');
    await page.getByLabel('Search by name').fill('borehole');
    await page.getByRole('button', { name: 'Search' }).click();
    await table.getByRole('link', { name: SECRET }).waitFor({ state: 'detached' });
    await table.getByRole('link', { name: NAME }).waitFor();
});

groupTest('a user outside the secret group does not see it', async () => {
    p2 = await newPage(browser, { viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
    await signIn(p2, OTHER);
    await p2.goto('/tasks/groups');
    const table = p2.getByTestId('groups-table');
    await table.getByRole('link', { name: NAME }).waitFor();
    expect(!(await table.getByText(SECRET).count()), 'the secret group is listed to a non-member');
    await shot(p2, '95-group-list-phone-dark');
    await table.getByRole('link', { name: NAME }).click();
    await p2.getByRole('heading', { name: NAME }).waitFor();
    await p2.getByTestId('my-role').getByText('Not a member').waitFor();
    expect(!(await p2.getByRole('button', { name: 'Edit' }).count()), 'a non-member is offered Edit');
    expect(!(await p2.getByRole('button', { name: 'Delete' }).count()), 'a non-member is offered Delete');
    await shot(p2, '96-group-page-phone-dark');
    await p2.goto(`/tasks/groups/${secretId}`);
    await p2.getByText('This workgroup does not exist or you cannot see it.').waitFor();
    expect(!(await p2.getByText(SECRET).count()), 'the secret group name is shown');
});

groupTest('a user joins an open group and leaves it', async () => {
    const open = (await restCall(page, 'sonet_group.create', { NAME: 'Tool library', VISIBLE: 'Y', OPENED: 'Y' })).result;
    await p2.goto(`/tasks/groups/${open}`);
    await p2.getByRole('heading', { name: 'Tool library' }).waitFor();
    await p2.getByRole('button', { name: 'Join' }).click();
    await p2.getByTestId('my-role').getByText('Member').waitFor();
    expect(!(await p2.getByRole('button', { name: 'Edit' }).count()), 'a member is offered Edit');
    await shot(p2, '97-group-joined-phone-dark');
    await p2.getByRole('button', { name: 'Leave the workgroup' }).click();
    await p2.getByRole('dialog').getByRole('button', { name: 'Leave the workgroup' }).click();
    await p2.getByRole('heading', { name: 'Workgroups' }).waitFor();
    const m = (await restCall(page, 'sonet_group.user.get', { ID: open })).result || [];
    expect(!m.some((x) => Number(x.USER_ID) === otherId), `members on the server: ${JSON.stringify(m)}`);
    expect(!p2.problems.length, p2.problems.join('\n'));
    await p2.context().close();
});

groupTest('delete the secret group', async () => {
    await page.goto(`/tasks/groups/${secretId}`);
    await page.getByRole('heading', { name: SECRET }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Workgroups' }).waitFor();
    const r = await restCall(page, 'sonet_group.get', { FILTER: { ID: secretId } });
    expect(!(r.result || []).length, `the group is still there: ${JSON.stringify(r.result)}`);
    await shot(page, '98-group-deleted');
});

groupTest('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
