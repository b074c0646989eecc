// Language and theme: switching to Portuguese and Swahili changes visible strings (and is kept
// after a reload), the dark theme toggle changes the colours and is kept per user; the layout
// holds at phone width with the navigation behind the menu button.
import { ADMIN, expect, launch, newPage, run, shot, signIn, test } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);

const pickLanguage = async (name) => {
    await page.getByRole('button', { name: /Account menu|Menu da conta|Menyu ya akaunti/ }).click();
    await page.getByTestId('lang-select').first().selectOption({ label: name });
    await page.keyboard.press('Escape');
};

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
});

test('language: Portuguese changes visible strings', async () => {
    await pickLanguage('Português');
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Utilizadores' }).waitFor();
    await page.getByRole('heading', { name: 'Olá, Amani' }).waitFor();
    expect((await page.evaluate(() => document.documentElement.lang)) === 'pt', 'html lang is not pt');
    await shot(page, '05-home-pt');
});

test('language: Swahili changes visible strings and survives a reload', async () => {
    await pickLanguage('Kiswahili');
    await page.getByRole('heading', { name: 'Habari, Amani' }).waitFor();
    await page.reload();
    await page.getByRole('navigation', { name: 'Kuu' }).getByRole('link', { name: 'Watumiaji' }).waitFor();
    await shot(page, '06-home-sw');
    await pickLanguage('English');
    await page.getByRole('heading', { name: 'Hello, Amani' }).waitFor();
});

test('dark theme: the toggle switches colours and is remembered', async () => {
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await page.getByRole('button', { name: 'Switch to the light theme' }).waitFor();
    const dark = await bg();
    expect(light !== dark, `background stayed ${light}`);
    expect((await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark', 'data-theme is not dark');
    await page.goto('/admin/users');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await shot(page, '07-users-dark');
    await page.reload();
    await page.getByRole('button', { name: 'Switch to the light theme' }).waitFor();
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
});

test('keyboard: the skip link is the first stop and moves focus to the content', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Hello, Amani' }).waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement.textContent);
    expect(first === 'Skip to content', `first focus is '${first}'`);
    await page.keyboard.press('Enter');
    expect((await page.evaluate(() => document.activeElement.id)) === 'main', 'focus did not move to the content');
});

test('phone width: navigation opens from the menu button', async () => {
    const phone = await newPage(browser, { viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
    await signIn(phone, ADMIN);
    const nav = phone.getByRole('navigation', { name: 'Main' });
    const box = await nav.boundingBox();
    expect(!box || box.x + box.width <= 1, 'the navigation is visible before opening it');
    await shot(phone, '08-phone-home');
    await phone.getByRole('button', { name: 'Menu', exact: true }).click();
    await phone.waitForTimeout(300);
    const open = await nav.boundingBox();
    expect(open && open.x >= 0, 'the navigation did not open');
    await shot(phone, '09-phone-nav');
    await nav.getByRole('link', { name: 'Users' }).click();
    await phone.getByRole('heading', { name: 'Users' }).waitFor();
    await shot(phone, '10-phone-users');
    expect(!phone.problems.length, phone.problems.join('\n'));
});

test('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
