// The strings each web module registers: every key of a catalogue (web/src/i18n/ for the shell
// and core, web/src/<module>/i18n/ for a module) is in Portuguese and Swahili too (SI unit
// symbols excepted, they fall back to English), no key is defined by two owners, and the
// screens of every module show no raw key at phone width (390 px) in pt-BR and sw-KE.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, expect, launch, newPage, run, shot, signIn, test } from './lib.mjs';

const src = 'web/src';
const owners = [
    'i18n',
    ...readdirSync(src, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(src, d.name, 'i18n', 'en.js')) && d.name !== 'i18n')
        .map((d) => `${d.name}/i18n`),
];
const cats = {};
for (const o of owners) {
    cats[o] = {};
    for (const lang of ['en', 'pt', 'sw']) cats[o][lang] = (await import(`../../${src}/${o}/${lang}.js`)).default;
}
const allKeys = new Set(owners.flatMap((o) => Object.keys(cats[o].en)));

test('every module catalogue is complete in pt and sw', async () => {
    expect(owners.length >= 3, `catalogues found: ${owners.join(', ')}`);
    const problems = [];
    for (const o of owners) {
        for (const lang of ['pt', 'sw']) {
            for (const [k, v] of Object.entries(cats[o].en)) {
                if (!(k in cats[o][lang]) && !/^(m|m²|l|kg|g|h)$/.test(v)) problems.push(`${o}/${lang}.js lacks '${k}'`);
            }
            for (const k of Object.keys(cats[o][lang]))
                if (!(k in cats[o].en)) problems.push(`${o}/${lang}.js has '${k}' that en.js does not`);
        }
    }
    expect(!problems.length, problems.join('\n'));
});

test('no string key has two owners', async () => {
    const seen = new Map();
    const twice = [];
    for (const o of owners)
        for (const k of Object.keys(cats[o].en)) {
            if (seen.has(k)) twice.push(`'${k}' in ${seen.get(k)} and ${o}`);
            seen.set(k, o);
        }
    expect(!twice.length, twice.join('\n'));
});

const browser = await launch();
const screens = [
    '/',
    '/crm/deal/kanban',
    '/crm/lead',
    '/crm/products',
    '/tasks',
    '/tasks/kanban',
    '/tasks/groups',
    '/admin/pipelines',
    '/admin/lists',
    '/admin/roles',
    '/settings',
];

// Visible text, labels and placeholders that are a catalogue key (a string nobody registered).
async function rawKeys(page) {
    const words = await page.evaluate(() => {
        const out = document.body.innerText.split(/\s+/);
        for (const el of document.querySelectorAll('[aria-label],[placeholder],[title]')) {
            for (const a of ['aria-label', 'placeholder', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
        }
        return out;
    });
    return [...new Set(words.filter((w) => allKeys.has(w)))];
}

for (const [lang, locale, shotName, home] of [
    ['pt', 'pt-BR', 'pt', 'Olá'],
    ['sw', 'sw-KE', 'sw', 'Habari'],
]) {
    test(`${locale} at 390 px: every module's screens are translated`, async () => {
        const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'en-GB' });
        await signIn(page, ADMIN);
        await page.evaluate((l) => {
            localStorage.setItem('kazi.lang', l);
            localStorage.setItem('kazi.lang.chosen', '1');
        }, lang);
        const found = [];
        for (const path of screens) {
            await page.goto(path);
            await page.locator('main h1').first().waitFor();
            await page.waitForLoadState('networkidle');
            if (path === '/') {
                await page.getByRole('heading', { name: new RegExp(home) }).waitFor();
                await page.locator('.nav-toggle').click();
                await page.locator('#sidenav.open').waitFor();
            }
            const keys = await rawKeys(page);
            if (keys.length) found.push(`${path}: ${keys.join(', ')}`);
            expect((await page.evaluate(() => document.documentElement.lang)) === lang, `html lang is not ${lang} on ${path}`);
            await shot(page, `60-${shotName}-390${path.replace(/\//g, '-').replace(/-$/, '') || '-home'}`);
        }
        expect(!found.length, `untranslated keys shown:\n${found.join('\n')}`);
        expect(!page.problems.length, page.problems.join('\n'));
        await page.context().close();
    });
}

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
