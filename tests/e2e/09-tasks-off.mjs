// With the tasks module switched off (KAZI_MODULES without "tasks") the Tasks entries leave the
// navigation and a task address shows no task. A second kazi serves the same data directory
// with KAZI_MODULES=crm on a port of its own for this file only; it is stopped by its PID.
import { spawn } from 'node:child_process';
import { ADMIN, expect, launch, run, shot, test } from './lib.mjs';

let server = null;
let base = '';
let serverErr = '';

async function startWithoutTasks() {
    const env = { ...process.env, KAZI_MODULES: 'crm' };
    server = spawn(process.env.KAZI_BIN, ['serve', '--data', process.env.KAZI_DATA, '--http', '127.0.0.1:0', '--https', 'off'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout.on('data', (d) => { out += d; });
    server.stderr.on('data', (d) => { serverErr += d; });
    for (let i = 0; i < 400 && !/listening on/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    base = (out.match(/http:\/\/[^\s]+/) || [''])[0];
    expect(base, `the second kazi did not start: ${out}`);
}

const browser = await launch();
let page = null;

test('tasks module off: no Tasks entries in the navigation', async () => {
    if (!process.env.KAZI_DATA) return console.log('# skip - KAZI_DATA is not set');
    await startWithoutTasks();
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto('/');
    await page.getByLabel(/^E-mail/).fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    const links = await nav.getByRole('link').allTextContents();
    expect(!links.some((l) => /My tasks|Task board/.test(l)), `tasks entries with the module off: ${links.join(', ')}`);
    await shot(page, '56-tasks-module-off');
});

test('tasks module off: the tasks methods are not served', async () => {
    if (!page) return;
    const r = await page.evaluate(async () => {
        const st = await (await fetch('/api/auth/state')).json();
        const res = await fetch('/rest/tasks.task.list', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': st.csrf }, body: '{}' });
        return res.status;
    });
    expect(r >= 400, `tasks.task.list answered ${r} with the module off`);
});

let failed = await run();
await browser.close();
if (server) {
    const done = new Promise((r) => server.on('exit', r));
    server.kill('SIGTERM');
    const code = await done;
    if (code !== 0 || /Sanitizer|runtime error:/.test(serverErr)) {
        failed++;
        console.log(`not ok - the kazi without tasks stopped cleanly (exit ${code})`);
        for (const line of serverErr.split('\n').slice(-20)) console.log(`#   ${line}`);
    } else {
        console.log('ok - the kazi without tasks stopped cleanly');
    }
}
process.exit(failed ? 1 : 0);
