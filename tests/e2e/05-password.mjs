// Passwords from the browser: the administrator adds a user with a first password (a short or
// mismatched one refused at the field, nothing sent) and that user signs in; the administrator
// sets a new password, which signs the user out; the user changes their own password in the
// settings (a wrong current password refused) and stays signed in.
import { ADMIN, countRequests, expect, field, launch, newPage, run, shot, signIn, test } from './lib.mjs';

const browser = await launch();
const admin = await newPage(browser);
const NEEMA = { email: 'neema@example.com', password: 'neema first password' };
let neema = null;

const signedOut = async (p) => {
    await p.reload();
    await field(p, 'E-mail').waitFor();
};

test('sign in as the administrator', async () => {
    await signIn(admin, ADMIN);
});

test('add user: a short or mismatched password is refused at the field, nothing sent', async () => {
    await admin.goto('/admin/users');
    await admin.getByRole('button', { name: 'Add user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add user' });
    await field(dialog, 'E-mail').fill(NEEMA.email);
    await field(dialog, 'First name').fill('Neema');
    await field(dialog, 'Last name').fill('Wanjiru');
    const sent = await countRequests(admin, '/rest/user.', 'POST', async () => {
        await field(dialog, 'Password').fill('short');
        await field(dialog, 'Repeat the password').fill('short');
        await dialog.getByRole('button', { name: 'Save' }).click();
        await dialog.getByText('Too short: at least 8 characters.').waitFor();
        await field(dialog, 'Password').fill(NEEMA.password);
        await field(dialog, 'Repeat the password').fill('something else');
        await dialog.getByRole('button', { name: 'Save' }).click();
        await dialog.getByText('The passwords do not match.').waitFor();
    });
    expect(sent === 0, `${sent} requests were sent with an invalid password`);
    expect((await field(dialog, 'Password').getAttribute('aria-invalid')) === null, 'the password is marked invalid');
    expect((await field(dialog, 'Repeat the password').getAttribute('aria-invalid')) === 'true', 'the repeat is not marked invalid');
    await shot(admin, '40-user-add-password-errors');
});

test('add user: with a first password, then the user signs in', async () => {
    const dialog = admin.getByRole('dialog', { name: 'Add user' });
    await field(dialog, 'Repeat the password').fill(NEEMA.password);
    const add = admin.waitForResponse((r) => r.url().includes('/rest/user.add'));
    const set = admin.waitForResponse((r) => r.url().includes('/rest/user.password.set'));
    await dialog.getByRole('button', { name: 'Save' }).click();
    expect((await add).status() === 200 && (await set).status() === 200, 'user.add or user.password.set failed');
    await dialog.waitFor({ state: 'detached' });
    await admin.getByRole('cell', { name: NEEMA.email }).waitFor();
    neema = await newPage(browser);
    await signIn(neema, NEEMA);
    await neema.getByRole('heading', { name: 'Hello, Neema' }).waitFor();
});

test('set password: the administrator sets a new one and the user is signed out', async () => {
    await admin.getByRole('button', { name: 'Set password for Neema Wanjiru' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Set password' });
    const sent = await countRequests(admin, '/rest/user.password.set', 'POST', async () => {
        await dialog.getByRole('button', { name: 'Set password' }).click();
        await dialog.getByText('This field is required.').first().waitFor();
    });
    expect(sent === 0, 'an empty password was sent');
    await field(dialog, 'Password').fill('neema second password');
    await field(dialog, 'Repeat the password').fill('neema second password');
    await shot(admin, '41-set-password');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await dialog.waitFor({ state: 'detached' });
    await admin.getByText('New password saved for Neema Wanjiru').waitFor();
    await signedOut(neema);
    NEEMA.password = 'neema second password';
    await signIn(neema, NEEMA);
});

test('settings: a wrong current password is refused, the right one changes it', async () => {
    await neema.goto('/settings');
    const form = neema.locator('form#password');
    await field(form, 'Current password').fill('not the password');
    await field(form, 'New password').fill('neema third password');
    await field(form, 'Repeat the new password').fill('neema third password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('The current password is wrong.').waitFor();
    await shot(neema, '42-change-password-wrong');
    await field(form, 'Current password').fill(NEEMA.password);
    await form.getByRole('button', { name: 'Change password' }).click();
    await neema.getByText('Your password was changed').waitFor();
    expect((await field(form, 'Current password').inputValue()) === '', 'the form was not emptied');
    await neema.reload();
    await neema.getByRole('navigation', { name: 'Main' }).waitFor(); // this session stays
    const again = await newPage(browser);
    await signIn(again, { email: NEEMA.email, password: 'neema third password' });
    expect(!again.problems.length, again.problems.join('\n'));
});

test('no page errors or CSP violations', async () => {
    const problems = [...admin.problems, ...(neema?.problems || [])];
    expect(!problems.length, problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
