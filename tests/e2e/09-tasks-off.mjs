// A module switched off at run time takes its screens with it. First the tasks module (a second
// kazi with KAZI_MODULES=crm): the Tasks entries leave the navigation, the tasks methods are not
// served and a task address shows the "not available" page. Then the CRM (KAZI_MODULES=tasks):
// no CRM section, CRM administration pages, home cards or search box, and a deep link to a CRM
// screen or to the pipeline editor shows "not available", in English and in Portuguese. Each
// second kazi serves the same data directory on a port of its own and is stopped by its PID.
import { spawn } from 'node:child_process';
import { ADMIN, expect, launch, run, shot, test } from './lib.mjs';

let server = null;
let base = '';
let serverErr = '';
let failed = 0;

async function startWith(modules) {
    await stop('an earlier module');
    const env = { ...process.env, KAZI_MODULES: modules };
    serverErr = '';
    server = spawn(process.env.KAZI_BIN, ['serve', '--data', process.env.KAZI_DATA, '--http', '127.0.0.1:0', '--https', 'off'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout.on('data', (d) => {
        out += d;
    });
    server.stderr.on('data', (d) => {
        serverErr += d;
    });
    for (let i = 0; i < 400 && !/listening on/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    base = (out.match(/http:\/\/[^\s]+/) || [''])[0];
    expect(base, `the second kazi did not start: ${out}`);
}

async function stop(what) {
    if (!server) return;
    const done = new Promise((r) => server.on('exit', r));
    server.kill('SIGTERM');
    const code = await done;
    server = null;
    if (code !== 0 || /Sanitizer|runtime error:/.test(serverErr)) {
        failed++;
        console.log(`not ok - the kazi without ${what} stopped cleanly (exit ${code})`);
        for (const line of serverErr.split('\n').slice(-20)) console.log(`#   ${line}`);
    } else {
        console.log(`ok - the kazi without ${what} stopped cleanly`);
    }
}

async function signInAt(opts = {}) {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: 'en-GB', ...opts });
    const p = await context.newPage();
    p.setDefaultTimeout(15000);
    p.problems = [];
    p.on('pageerror', (e) => p.problems.push(`page error: ${e.message}`));
    await p.goto('/');
    await p.getByLabel(/^E-mail/).fill(ADMIN.email);
    await p.getByLabel(/^Password/).fill(ADMIN.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('navigation', { name: 'Main' }).waitFor();
    return p;
}

// Moves the app to path as a link inside it would (no page load).
async function goInApp(p, path) {
    await p.evaluate((to) => {
        history.pushState(null, '', to);
        dispatchEvent(new PopStateEvent('popstate'));
    }, path);
}

async function notAvailable(p, title, text, where) {
    const box = p.getByTestId('not-available');
    await box.waitFor();
    const h = await box.getByRole('heading').textContent();
    const body = await box.textContent();
    expect(h.trim() === title, `${where}: heading '${h}', wanted '${title}'`);
    expect(body.includes(text), `${where}: '${body}' does not say '${text}'`);
}

const browser = await launch();
let page = null;
const on = () => !!process.env.KAZI_DATA;

test('tasks module off: no Tasks entries in the navigation', async () => {
    if (!on()) return console.log('# skip - KAZI_DATA is not set');
    await startWith('crm');
    page = await signInAt();
    const nav = page.getByRole('navigation', { name: 'Main' });
    const links = await nav.getByRole('link').allTextContents();
    expect(!links.some((l) => /My tasks|Task board/.test(l)), `tasks entries with the module off: ${links.join(', ')}`);
    expect(
        links.some((l) => /Deals/.test(l)),
        `no CRM entries with the CRM on: ${links.join(', ')}`,
    );
    await shot(page, '56-tasks-module-off');
});

test('tasks module off: the tasks methods are not served', async () => {
    if (!page) return;
    const r = await page.evaluate(async () => {
        const st = await (await fetch('/api/auth/state')).json();
        const res = await fetch('/rest/tasks.task.list', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': st.csrf },
            body: '{}',
        });
        return res.status;
    });
    expect(r >= 400, `tasks.task.list answered ${r} with the module off`);
});

test('tasks module off: a task address shows the not-available page', async () => {
    if (!page) return;
    await goInApp(page, '/tasks/1');
    await notAvailable(page, 'Not available', 'Tasks is not available', '/tasks/1');
    expect(!(await page.getByTestId('new-task').count()), 'a New task button with tasks off');
    await goInApp(page, '/crm/deal/kanban');
    await page
        .getByRole('heading', { name: /Deals|Pipeline/ })
        .first()
        .waitFor();
    expect(!page.problems.length, page.problems.join('\n'));
    await page.context().close();
    page = null;
    await stop('tasks');
});

test('crm module off: no CRM menu, administration pages, home cards or search', async () => {
    if (!on()) return console.log('# skip - KAZI_DATA is not set');
    await startWith('tasks');
    page = await signInAt();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'My tasks' }).waitFor();
    const links = await nav.getByRole('link').allTextContents();
    const crm = links.filter((l) => /Deals|Leads|Contacts|Companies|Quotes|Invoices|Products|Pipelines|^\s*Lists/.test(l));
    expect(!crm.length, `CRM entries with the module off: ${crm.join(', ')}`);
    expect(
        links.some((l) => /Users/.test(l)),
        `the administration entries went too: ${links.join(', ')}`,
    );
    const titles = await nav.locator('.nav-title').allTextContents();
    expect(!titles.includes('CRM'), `a CRM section with the module off: ${titles.join(', ')}`);
    expect(!(await page.getByRole('search').count()), 'the CRM search box is shown with the module off');
    const tiles = await page.locator('.tiles .tile-title').allTextContents();
    expect(!tiles.some((x) => /Deals|Leads|Contacts/.test(x)), `CRM home cards with the module off: ${tiles.join(', ')}`);
    expect(tiles.includes('Settings'), `the home cards of core went too: ${tiles.join(', ')}`);
    await shot(page, '57-crm-module-off');
});

test('crm module off: deep links to CRM screens show the not-available page', async () => {
    if (!page) return;
    for (const path of ['/crm/lead', '/crm/deal/kanban', '/crm/contact/1', '/admin/pipelines']) {
        await page.goto(path);
        await notAvailable(page, 'Not available', 'CRM is not available', path);
    }
    await shot(page, '58-crm-module-off-deep-link');
    await goInApp(page, '/crm/products');
    await notAvailable(page, 'Not available', 'CRM is not available', '/crm/products in the app');
    await goInApp(page, '/tasks');
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    expect(!page.problems.length, page.problems.join('\n'));
    await page.context().close();
    page = null;
});

test('crm module off: the not-available page is translated', async () => {
    if (!on()) return;
    const p = await signInAt();
    await p.evaluate(() => {
        localStorage.setItem('kazi.lang', 'pt');
        localStorage.setItem('kazi.lang.chosen', '1');
    });
    await p.goto('/crm/deal/kanban');
    await notAvailable(p, 'Indisponível', 'CRM não está disponível', 'pt');
    await p.context().close();
});

failed += await run();
await browser.close();
await stop('crm');
process.exit(failed ? 1 : 0);
