// Administration as a person does it: add a user (bad input refused at the field, nothing
// sent), edit and deactivate, a department, a role, a webhook whose URL is shown once, the
// module list and the company name; then a user who is not an administrator sees no
// administration entries and cannot open those pages.
import { ADMIN, MEMBER, cli, countRequests, expect, field, launch, newPage, run, shot, signIn, test } from './lib.mjs';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const browser = await launch();
const page = await newPage(browser);
const nav = () => page.getByRole('navigation', { name: 'Main' });

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
});

test('users: bad input is shown at the field and nothing is sent', async () => {
    await nav().getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    const sent = await countRequests(page, '/rest/user.add', 'POST', async () => {
        await dialog.getByRole('button', { name: 'Save' }).click();
        await dialog.getByText('This field is required.').first().waitFor();
        await field(dialog, 'E-mail').fill('zawadi@@example');
        await field(dialog, 'First name').fill('Z'.repeat(20000));
        await dialog.getByRole('button', { name: 'Save' }).click();
        await dialog.getByText('Enter an e-mail address such as name@example.com.').waitFor();
        await dialog.getByText('Too long: at most 100 characters.').waitFor();
    });
    expect(sent === 0, `${sent} user.add requests were sent with invalid input`);
    await shot(page, '11-user-add-errors');
});

test('users: the administrator adds a user', async () => {
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await field(dialog, 'E-mail').fill('zawadi@example.com');
    await field(dialog, 'First name').fill('Zawadi');
    await field(dialog, 'Last name').fill('Otieno');
    await field(dialog, 'Position').fill('Sales manager');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'zawadi@example.com' }).waitFor();
    await shot(page, '12-users-list');
});

test('users: a duplicate e-mail is refused with the server message at the field', async () => {
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await field(dialog, 'E-mail').fill('zawadi@example.com');
    await field(dialog, 'First name').fill('Again');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.locator('.field-error, .form-error').first().waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('users: edit and deactivate', async () => {
    await page.getByRole('button', { name: 'Edit Zawadi Otieno' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit user' });
    await field(dialog, 'Position').fill('Head of sales');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Head of sales').waitFor();
    await page
        .getByRole('row', { name: /Zawadi/ })
        .getByRole('button', { name: 'Deactivate' })
        .click();
    await page.getByRole('dialog', { name: 'Deactivate' }).getByRole('button', { name: 'Deactivate' }).click();
    await page
        .getByRole('row', { name: /Zawadi/ })
        .getByText('Inactive')
        .waitFor();
});

test('departments: add a department and a sub-department', async () => {
    await nav().getByRole('link', { name: 'Departments' }).click();
    await page.getByRole('button', { name: 'Add department' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add department' });
    await field(dialog, 'Name').fill('Sales');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('treeitem', { name: /Sales/ }).waitFor();
    await page.getByRole('button', { name: 'Add a department under Sales' }).click();
    dialog = page.getByRole('dialog', { name: 'Add department' });
    await field(dialog, 'Name').fill('Field sales');
    await field(dialog, 'Head').selectOption({ label: 'Amani Mwangi' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('treeitem', { name: /Field sales/ }).waitFor();
    await shot(page, '13-departments');
});

test('roles: add a role, set a permission, assign it', async () => {
    await nav().getByRole('link', { name: 'Roles and permissions' }).click();
    await page.getByRole('button', { name: 'New role' }).click();
    const dialog = page.getByRole('dialog', { name: 'New role' });
    await field(dialog, 'Name').fill('Sales team');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Sales team' }).waitFor();
    // records with an owner offer every level; CRM settings and products (no owner) offer
    // none and all only, and the new role's "own" under Everything else gives them none
    const options = (label) =>
        page
            .getByLabel(label)
            .locator('option')
            .evaluateAll((os) => os.map((o) => `${o.value}=${o.textContent.trim()}`));
    const users = await options('Users: Change');
    expect(
        users.join('|') === '=As everything else|none=None|own=Own|department=Department|subdepartment=Department and below|all=All',
        `Users: Change offers ${users.join('|')}`,
    );
    for (const label of ['CRM settings: Change', 'CRM settings: Add', 'Products: Change']) {
        const o = await options(label);
        expect(o.join('|') === '=As everything else: none|none=None|all=All', `${label} offers ${o.join('|')}`);
    }
    const read = await options('CRM settings: Read');
    expect(read.join('|') === '=As everything else|none=None|all=All', `CRM settings: Read offers ${read.join('|')}`);
    await page
        .getByRole('row', { name: /CRM settings/ })
        .getByText('No owner: none or all')
        .waitFor();
    await page
        .getByRole('note')
        .getByText(/Entries without an owner/)
        .waitFor();
    await page.getByLabel('Users: Change').selectOption('none');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').first().waitFor();
    await page.getByLabel('Assign to…').selectOption({ label: 'Sales' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByRole('button', { name: 'Remove Sales' }).waitFor();
    await shot(page, '14-roles');
});

test('webhooks: the URL is shown once with a copy button, then listed without it', async () => {
    await nav().getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add webhook' });
    await field(dialog, 'Title').fill('Accounting sync');
    await dialog.getByRole('checkbox', { name: 'user' }).check();
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    const url = await dialog.getByTestId('webhook-url').textContent();
    expect(/\/rest\/\d+\/[^/]+\/$/.test(url), `webhook URL is '${url}'`);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    await shot(page, '15-webhook-url');
    const r = await fetch(`${url}user.current`);
    expect(r.status === 200, `the new webhook answers ${r.status}`);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'Accounting sync' }).waitFor();
    expect(!(await page.content()).includes(url.split('/').slice(-2)[0]), 'the secret is still on the page');
    await page
        .getByRole('row', { name: /Accounting sync/ })
        .getByRole('button', { name: 'Revoke' })
        .click();
    await page.getByRole('dialog', { name: 'Revoke' }).getByRole('button', { name: 'Revoke' }).click();
    await page
        .getByRole('row', { name: /Accounting sync/ })
        .getByText('Revoked')
        .waitFor();
    expect((await fetch(`${url}user.current`)).status === 401, 'a revoked webhook still answers');
    await shot(page, '16-webhooks');
});

test('modules: the list says switching needs a restart and names the setting', async () => {
    await nav().getByRole('link', { name: 'Modules' }).click();
    await page.getByText('Always on').waitFor();
    await page.getByText(/takes effect when kazi restarts/).waitFor();
    await shot(page, '17-modules');
});

test('company: the name is changed and shown in the top bar', async () => {
    await nav().getByRole('link', { name: 'Company' }).click();
    await field(page, 'Company name').fill('');
    const sent = await countRequests(page, 'kazi.settings.update', 'POST', async () => {
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByText('This field is required.').waitFor();
    });
    expect(sent === 0, 'an empty company name was sent');
    await field(page, 'Company name').fill('Baobab Trading Ltd');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.brand-name', { hasText: 'Baobab Trading Ltd' }).waitFor();
});

test('a user who is not an administrator sees no administration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kazi-e2e-'));
    writeFileSync(join(dir, 'pw'), `${MEMBER.password}\n`);
    cli('user', 'add', '--data', process.env.KAZI_DATA, '--email', MEMBER.email, '--name', 'Baraka', '--password-file', join(dir, 'pw'));
    const p2 = await newPage(browser);
    await signIn(p2, MEMBER);
    await p2.getByRole('heading', { name: 'Hello, Baraka' }).waitFor();
    const links = await p2.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(!links.some((l) => /Users|Departments|Roles|Webhooks|Modules|Company/.test(l)), `member sees: ${links.join(', ')}`);
    expect(!(await p2.getByText('Administration').count()), 'the Administration heading is shown');
    await shot(p2, '18-member-home');
    await p2.goto('/admin/users');
    await p2.getByRole('heading', { name: 'No access' }).waitFor();
    expect(!p2.problems.length, p2.problems.join('\n'));
});

test('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
