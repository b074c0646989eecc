// The product catalogue and product rows: a bad price is refused at the field with nothing
// written; two products are made in the catalogue; on a deal card they become rows with a
// quantity and a discount, a bad quantity is refused at its field, and after saving the deal's
// amount is the rows' total (server and card agree); on an invoice a refused save keeps the
// editor as it was, then a catalogue row and a free-text row set the amount; a user whose
// role denies products has no catalogue entry and adds only free-text rows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, cli, expect, field, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
let on = true;

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
    const m = (await restCall(page, 'methods', {})).result || [];
    on = m.includes('crm.product.add') && m.includes('crm.item.productrow.set');
});

const prodTest = (name, fn) => testIf(() => on, 'the CRM module is not enabled', name, fn);
const products = async () => (await restCall(page, 'crm.product.list', { select: ['ID', 'NAME', 'PRICE', 'MEASURE'] })).result || [];
let dealId = 0;

prodTest('catalogue: a bad price or no name is refused at the field, nothing written', async () => {
    const before = (await products()).length;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await page.getByRole('button', { name: 'New product' }).click();
    const dlg = page.getByRole('dialog', { name: 'New product' });
    await field(dlg, 'Price').fill('-5');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.getByText('This field is required.').waitFor();
    await dlg.getByText('The price cannot be negative.').waitFor();
    await field(dlg, 'Price').fill('twelve');
    await field(dlg, 'Name').fill('Solar pump');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.getByText('Enter a number such as 1500').waitFor();
    await shot(page, '80-product-form-errors');
    expect((await products()).length === before, 'a product was written despite the errors');
    await field(dlg, 'Price').fill('1200');
    await field(dlg, 'Unit').selectOption({ label: 'set' });
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'New product' }).click();
    await field(dlg, 'Name').fill('Panel bracket');
    await field(dlg, 'Price').fill('85.50');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'Panel bracket', exact: true }).waitFor();
    await shot(page, '81-product-catalogue');
    await page
        .getByRole('row', { name: /Solar pump/ })
        .getByRole('cell', { name: 'set', exact: true })
        .waitFor();
    const names = (await products())
        .map((p) => `${p.NAME}=${Number(p.PRICE)}/${p.MEASURE}`)
        .sort()
        .join(',');
    expect(names.includes('Panel bracket=85.5/796') && names.includes('Solar pump=1200/839'), `catalogue: ${names}`);
});

prodTest('deal card: rows from the catalogue with quantity and discount set the amount', async () => {
    const deal = (await restCall(page, 'crm.deal.add', { fields: { TITLE: 'Borehole kit', CURRENCY_ID: 'USD' } })).result;
    expect(deal > 0, 'deal not created');
    dealId = deal;
    await page.goto(`/crm/deal/${deal}`);
    await page.getByRole('heading', { name: 'Borehole kit' }).waitFor();
    const panel = page.locator('section.product-rows');
    await panel.getByRole('button', { name: 'Edit products' }).click();
    await panel.getByLabel('Add a product').fill('solar');
    await panel.getByRole('button', { name: /^Solar pump/ }).click();
    await panel.getByLabel('Quantity of row 1').fill('2');
    await panel.getByLabel('Discount % of row 1').fill('10');
    await panel.getByLabel('Add a product').fill('bracket');
    await panel.getByRole('button', { name: /^Panel bracket/ }).click();
    await panel.getByLabel('Quantity of row 2').fill('0');
    await panel.getByRole('button', { name: 'Save products' }).click();
    await panel.getByText('Enter a quantity above 0.').waitFor();
    const still = (await restCall(page, 'crm.deal.get', { id: deal })).result;
    expect(Number(still.OPPORTUNITY) === 0, `amount changed before a valid save: ${still.OPPORTUNITY}`);
    await shot(page, '82-product-rows-error');
    await panel.getByLabel('Quantity of row 2').fill('4');
    await panel.getByRole('button', { name: 'Save products' }).click();
    await panel.getByRole('button', { name: 'Edit products' }).waitFor();
    // 2 x 1200 less 10 % + 4 x 85.50
    const rec = (await restCall(page, 'crm.deal.get', { id: deal })).result;
    expect(Number(rec.OPPORTUNITY) === 2502, `deal amount ${rec.OPPORTUNITY}, expected 2502`);
    await panel.getByTestId('rows-total').getByText('$2,502.00').waitFor();
    await page.locator('p.muted', { hasText: '$2,502.00' }).first().waitFor();
    await panel.getByRole('cell', { name: '2 set' }).waitFor();
    const saved =
        (await restCall(page, 'crm.item.productrow.list', { filter: { '=ownerType': 'D', '=ownerId': deal } })).result?.productRows || [];
    expect(saved.map((r) => r.measureCode).join(',') === '839,796', `row units: ${JSON.stringify(saved)}`);
    await shot(page, '83-deal-product-rows');
});

prodTest('invoice card: a refused save keeps the editor; catalogue and free-text rows set the amount', async () => {
    const inv = (await restCall(page, 'crm.item.add', { entityTypeId: 31, fields: { title: 'Survey invoice', currencyId: 'USD' } })).result
        ?.item?.id;
    expect(inv > 0, 'invoice not created');
    await page.goto(`/crm/invoice/${inv}`);
    await page.getByRole('heading', { name: 'Survey invoice' }).waitFor();
    const panel = page.locator('section.product-rows');
    await panel.getByRole('button', { name: 'Edit products' }).click();
    await panel.getByLabel('Add a product').fill('bracket');
    await panel.getByRole('button', { name: /^Panel bracket/ }).click();
    await panel.getByLabel('Quantity of row 1').fill('3');
    await panel.getByLabel('Discount % of row 1').fill('20');
    await panel.getByLabel('Add a product').fill('Site survey');
    await panel.getByRole('button', { name: /^Add “Site survey”/ }).click();
    await panel.getByLabel('Price of row 2', { exact: true }).fill('300');
    await page.route('**/rest/crm.item.productrow.set', (r) =>
        r.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({ error: 'INVALID_ARG_VALUE', error_description: 'row 2: price is too large' }),
        }),
    );
    await panel.getByRole('button', { name: 'Save products' }).click();
    await panel
        .getByRole('alert')
        .getByText(/price is too large/)
        .waitFor();
    await page.unroute('**/rest/crm.item.productrow.set');
    expect((await panel.getByLabel('Price of row 2', { exact: true }).inputValue()) === '300', 'the editor lost the free-text price');
    expect(
        Number((await restCall(page, 'crm.item.get', { entityTypeId: 31, id: inv })).result?.item?.opportunity) === 0,
        'a refused save changed the amount',
    );
    await shot(page, '84-invoice-rows-refused');
    await panel.getByRole('button', { name: 'Save products' }).click();
    await panel.getByRole('button', { name: 'Edit products' }).waitFor();
    // 3 x 85.50 less 20 % + 300
    const item = (await restCall(page, 'crm.item.get', { entityTypeId: 31, id: inv })).result?.item;
    expect(Number(item?.opportunity) === 505.2, `invoice amount ${item?.opportunity}, expected 505.2`);
    await panel.getByTestId('rows-total').getByText('$505.20').waitFor();
    await page.locator('p.muted', { hasText: '$505.20' }).first().waitFor();
    await shot(page, '85-invoice-product-rows');
});

prodTest('a user whose role denies products has no catalogue and adds free-text rows only', async () => {
    const other = { email: 'imani@example.com', password: ADMIN.password };
    const all = { READ: 'all', ADD: 'all', UPDATE: 'all', DELETE: 'all' };
    const none = { READ: 'none', ADD: 'none', UPDATE: 'none', DELETE: 'none' };
    const role = (await restCall(page, 'role.add', { NAME: 'No catalogue', PERMISSIONS: { '*': all, crm_product: none } })).result;
    expect(role > 0, 'role not created');
    const dir = mkdtempSync(join(tmpdir(), 'kazi-e2e-'));
    writeFileSync(join(dir, 'pw'), `${other.password}\n`);
    cli('user', 'add', '--data', process.env.KAZI_DATA, '--email', other.email, '--name', 'Imani', '--password-file', join(dir, 'pw'));
    const uid = Number(((await restCall(page, 'user.get', { filter: { EMAIL: other.email } })).result || [])[0]?.ID);
    expect((await restCall(page, 'role.assign', { ROLE_ID: role, USER_ID: uid })).result, 'role not assigned');
    const p2 = await newPage(browser, { viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
    await signIn(p2, other);
    await p2.goto(`/crm/deal/${dealId}`);
    await p2.getByRole('heading', { name: 'Borehole kit' }).waitFor();
    const panel = p2.locator('section.product-rows');
    await panel.getByTestId('rows-total').getByText('$2,502.00').waitFor();
    await shot(p2, '86-deal-rows-phone-dark');
    await panel.getByRole('button', { name: 'Edit products' }).click();
    await panel.getByLabel('Add a product').fill('solar');
    await panel.getByRole('button', { name: /^Add “solar”/ }).waitFor();
    expect(!(await panel.getByRole('button', { name: /^Solar pump/ }).count()), 'the catalogue is offered to a user without it');
    await shot(p2, '87-deal-rows-editor-phone-dark');
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await p2.locator('button.nav-toggle').click();
    const links = await p2.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(links.some((l) => /Deals/.test(l)) && !links.some((l) => /Products/.test(l)), `navigation: ${links.join(', ')}`);
    await p2.goto('/crm/products');
    await p2.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(!p2.problems.length, p2.problems.join('\n'));
    await p2.context().close();
});

prodTest('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
