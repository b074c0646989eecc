// Helpers for the browser tests: Debian's Chromium through playwright-core, a sequential test
// list printing "ok - name" / "not ok - name", screenshots under build/e2e/screens/, and a
// watch on page errors and Content-Security-Policy violations (any makes the test fail).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const BASE = process.env.KAZI_URL;
export const ADMIN = {
    email: 'admin@example.com',
    password: process.env.KAZI_E2E_PASSWORD || 'correct horse battery',
    company: 'Baobab Trading',
};
export const MEMBER = { email: 'member@example.com', password: process.env.KAZI_E2E_PASSWORD || 'correct horse battery' };
const SHOTS = process.env.KAZI_E2E_SHOTS || 'build/e2e/screens';
mkdirSync(SHOTS, { recursive: true });

const tests = [];
export function test(name, fn) {
    tests.push({ name, fn });
}

export async function launch() {
    return chromium.launch({
        executablePath: process.env.KAZI_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
}

// A page in a fresh context; problems (page errors, CSP reports, failed requests to kazi) are
// collected in page.problems.
export async function newPage(browser, opts = {}) {
    const context = await browser.newContext({
        baseURL: BASE,
        viewport: { width: 1280, height: 800 },
        locale: 'en-GB',
        colorScheme: 'light',
        ...opts,
    });
    const page = await context.newPage();
    page.problems = [];
    page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error' && !/status of (400|401|403|404|409|429)/.test(m.text())) page.problems.push(`console: ${m.text()}`);
    });
    page.setDefaultTimeout(15000);
    return page;
}

export async function shot(page, name) {
    await page.waitForTimeout(150); // let transitions settle
    await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

// Counts requests whose URL contains part and method matches while fn runs.
export async function countRequests(page, part, method, fn) {
    let n = 0;
    const on = (r) => {
        if (r.url().includes(part) && r.method() === method) n++;
    };
    page.on('request', on);
    try {
        await fn();
        await page.waitForTimeout(300);
    } finally {
        page.off('request', on);
    }
    return n;
}

export function expect(cond, message) {
    if (!cond) throw new Error(message);
}

export async function signIn(page, who) {
    await page.goto('/');
    await field(page, 'E-mail').fill(who.email);
    await field(page, 'Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

// REST call from the page with the session (for test set-up only, never for checks).
export async function restCall(page, method, params) {
    return page.evaluate(
        async ([m, p]) => {
            const st = await (await fetch('/api/auth/state')).json();
            const r = await fetch(`/rest/${m}`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': st.csrf },
                body: JSON.stringify(p),
            });
            return r.json();
        },
        [method, params],
    );
}

export function cli(...args) {
    return execFileSync(process.env.KAZI_BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// Thrown by a test that does not apply here: run() reports it as "skip - name # reason", which
// counts neither as passed nor as failed.
class Skip extends Error {}

// A test that runs only while on() is true (its module or methods may be switched off);
// otherwise it is reported as skipped with the reason.
export function testIf(on, reason, name, fn) {
    test(name, async () => {
        if (!on()) throw new Skip(reason);
        await fn();
    });
}

// Runs the tests in order; a failure is reported and the next test still runs.
export async function run() {
    let failed = 0;
    for (const t of tests) {
        try {
            await t.fn();
            console.log(`ok - ${t.name}`);
        } catch (e) {
            if (e instanceof Skip) {
                console.log(`skip - ${t.name} # ${e.message}`);
                continue;
            }
            failed++;
            console.log(`not ok - ${t.name}`);
            for (const line of String(e.stack || e)
                .split('\n')
                .slice(0, 8))
                console.log(`#   ${line}`);
        }
    }
    return failed;
}

// The form control labelled text (the label may end with the required-field star).
export function field(page, text) {
    return page.getByLabel(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`));
}
