// First run, sign-in and sign-out in a real browser: setup validates before sending, creates the
// administrator and signs in; a wrong password gets a clear message; the right one works;
// sign-out returns to the sign-in screen. Also checks the served page's security headers.
import { ADMIN, BASE, countRequests, expect, field, launch, newPage, run, shot, test } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);

test('index.html carries the CSP and no-cache; assets are immutable', async () => {
    const r = await fetch(`${BASE}/`);
    expect(r.status === 200, `GET / is ${r.status}`);
    const csp = r.headers.get('content-security-policy') || '';
    expect(csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), `CSP is '${csp}'`);
    expect(r.headers.get('cache-control') === 'no-cache', 'index.html is not no-cache');
    expect(r.headers.get('x-content-type-options') === 'nosniff', 'no nosniff');
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(await r.text())?.[1];
    const a = await fetch(`${BASE}${js}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(/immutable/.test(a.headers.get('cache-control') || ''), 'asset is not immutable');
    const deep = await fetch(`${BASE}/crm/deal/kanban`);
    expect(deep.status === 200 && (deep.headers.get('content-type') || '').startsWith('text/html'), 'app route is not index.html');
    const api = await fetch(`${BASE}/api/no-such-thing`);
    expect(api.status === 404 && (await api.json()).error === 'NOT_FOUND', 'unknown /api/ path is not a 404 JSON error');
});

test('first run shows the setup screen', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Set up kazi' }).waitFor();
    expect(new URL(page.url()).pathname === '/setup', `setup is at ${page.url()}`);
    await shot(page, '01-setup');
});

test('setup: empty and invalid fields are shown at the field and nothing is sent', async () => {
    const sent = await countRequests(page, '/api/auth/setup', 'POST', async () => {
        await page.getByRole('button', { name: 'Create and sign in' }).click();
        await page.getByText('This field is required.').first().waitFor();
        await field(page, 'E-mail').fill('not-an-address');
        await field(page, 'Password').fill('short');
        await field(page, 'Repeat the password').fill('other');
        await page.getByRole('button', { name: 'Create and sign in' }).click();
        await page.getByText('Enter an e-mail address such as name@example.com.').waitFor();
        await page.getByText('Too short: at least 8 characters.').waitFor();
        await page.getByText('The passwords do not match.').waitFor();
        await field(page, 'Company name').fill('x'.repeat(5000));
        await page.getByRole('button', { name: 'Create and sign in' }).click();
        await page.getByText('Too long: at most 200 characters.').waitFor();
    });
    expect(sent === 0, `${sent} setup requests were sent with invalid input`);
    expect((await field(page, 'E-mail').getAttribute('aria-invalid')) === 'true', 'the e-mail field is not marked invalid');
    await shot(page, '02-setup-errors');
});

test('setup creates the administrator and signs in', async () => {
    await field(page, 'Company name').fill(ADMIN.company);
    await field(page, 'First name').fill('Amani');
    await field(page, 'Last name').fill('Mwangi');
    await field(page, 'E-mail').fill(ADMIN.email);
    await field(page, 'Password').fill(ADMIN.password);
    await field(page, 'Repeat the password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    await page.getByRole('heading', { name: 'Hello, Amani' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).waitFor();
    expect(new URL(page.url()).pathname === '/', `after setup the page is ${page.url()}`);
    await shot(page, '03-home-admin');
});

test('sign-out returns to the sign-in screen', async () => {
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const st = await (await page.request.get('/api/auth/state')).json();
    expect(st.user === null, 'the session is still signed in after sign-out');
});

test('sign-in: a wrong password gets a clear message', async () => {
    await field(page, 'E-mail').fill(ADMIN.email);
    await field(page, 'Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The e-mail or password is wrong.' }).waitFor();
    await shot(page, '04-signin-wrong');
});

test('sign-in: empty fields are refused before sending', async () => {
    await field(page, 'E-mail').fill('');
    await field(page, 'Password').fill('');
    const sent = await countRequests(page, '/api/auth/login', 'POST', async () => {
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText('This field is required.').first().waitFor();
    });
    expect(sent === 0, 'a sign-in request was sent with empty fields');
});

test('sign-in with the right password (remember me) opens the app', async () => {
    await field(page, 'E-mail').fill(ADMIN.email);
    await field(page, 'Password').fill(ADMIN.password);
    await field(page, 'Remember me on this device').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Hello, Amani' }).waitFor();
    const cookies = await page.context().cookies();
    const c = cookies.find((x) => x.name === 'kazi_session');
    expect(c && c.httpOnly && c.expires > Date.now() / 1000 + 86400, 'remember me did not give a lasting HttpOnly cookie');
});

test('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
