// The product catalogue and product rows: a bad price is refused at the field with nothing
// written; two products are made in the catalogue; on a deal card they become rows with a
// quantity and a discount, a bad quantity is refused at its field, and after saving the deal's
// amount is the rows' total (server and card agree); an invoice gets a free-text row.
import { ADMIN, expect, field, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
let on = true;

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
    const m = (await restCall(page, 'methods', {})).result || [];
    on = m.includes('crm.product.add') && m.includes('crm.item.productrow.set');
});

const prodTest = (name, fn) => testIf(() => on, 'the CRM module is not enabled', name, fn);
const products = async () => (await restCall(page, 'crm.product.list', { select: ['ID', 'NAME', 'PRICE'] })).result || [];

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
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'New product' }).click();
    await field(dlg, 'Name').fill('Panel bracket');
    await field(dlg, 'Price').fill('85.50');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'Panel bracket', exact: true }).waitFor();
    await shot(page, '81-product-catalogue');
    const names = (await products()).map((p) => `${p.NAME}=${Number(p.PRICE)}`).sort().join(',');
    expect(names.includes('Panel bracket=85.5') && names.includes('Solar pump=1200'), `catalogue: ${names}`);
});

prodTest('deal card: rows from the catalogue with quantity and discount set the amount', async () => {
    const deal = (await restCall(page, 'crm.deal.add', { fields: { TITLE: 'Borehole kit', CURRENCY_ID: 'USD' } })).result;
    expect(deal > 0, 'deal not created');
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
    await shot(page, '83-deal-product-rows');
});

prodTest('invoice card: a free-text row sets the invoice amount', async () => {
    const inv = (await restCall(page, 'crm.item.add', { entityTypeId: 31, fields: { title: 'Survey invoice', currencyId: 'USD' } })).result?.item?.id;
    expect(inv > 0, 'invoice not created');
    await page.goto(`/crm/invoice/${inv}`);
    await page.getByRole('heading', { name: 'Survey invoice' }).waitFor();
    const panel = page.locator('section.product-rows');
    await panel.getByRole('button', { name: 'Edit products' }).click();
    await panel.getByLabel('Add a product').fill('Site survey');
    await panel.getByRole('button', { name: /^Add “Site survey”/ }).click();
    await panel.getByLabel('Price of row 1', { exact: true }).fill('300');
    await panel.getByRole('button', { name: 'Save products' }).click();
    await panel.getByRole('button', { name: 'Edit products' }).waitFor();
    const item = (await restCall(page, 'crm.item.get', { entityTypeId: 31, id: inv })).result?.item;
    expect(Number(item?.opportunity) === 300, `invoice amount ${item?.opportunity}`);
    await shot(page, '84-invoice-product-rows');
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
