// CRM list tools: the amount and date filters refuse bad values at the field without asking the
// server; a filter saved under a name is kept on the server (user.option.*) and comes back in
// another browser context; column choices are kept there too; invoices (crm.item.*, type 31)
// have their list, form and card like the other record types; administrators edit lead
// statuses, sources and the other CRM lists.
import { ADMIN, expect, field, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
let on = true;

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
    const m = (await restCall(page, 'methods', {})).result || [];
    on = m.includes('crm.lead.list') && m.includes('user.option.set') && m.includes('crm.item.add');
});

const crmTest = (name, fn) => testIf(() => on, 'the CRM module is not enabled', name, fn);

const rowTitles = async () => page.locator('table.table tbody tr td.cell-title').allInnerTexts();

crmTest('amount filters: a bad value is shown at its field and no list is asked for', async () => {
    for (const [title, amount] of [
        ['Filter test — small pumps', 800],
        ['Filter test — solar farm', 5200],
        ['Filter test — fleet', 12500],
    ]) {
        const r = await restCall(page, 'crm.lead.add', { fields: { TITLE: title, OPPORTUNITY: amount, CURRENCY_ID: 'USD' } });
        expect(r.result > 0, `lead not created: ${JSON.stringify(r)}`);
    }
    await page.goto('/crm/lead');
    await page.getByRole('heading', { name: 'Leads' }).waitFor();
    await page.getByRole('button', { name: 'More filters' }).click();
    await field(page, 'Amount from').fill('lots');
    let asked = 0;
    const count = (req) => {
        if (req.url().includes('/rest/crm.lead.list')) asked++;
    };
    page.on('request', count);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Enter a number such as 1500').first().waitFor();
    await field(page, 'Amount from').fill('6000');
    await field(page, 'Amount to').fill('1000');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Must not be below “Amount from”.').waitFor();
    page.off('request', count);
    expect(asked === 0, `the list was asked for ${asked} times with bad filter values`);
    await shot(page, '70-crm-filter-errors');
});

crmTest('an amount range and a text filter narrow the list', async () => {
    await field(page, 'Amount from').fill('1000');
    await field(page, 'Amount to').fill('9000');
    await page.getByPlaceholder(/Search by/).fill('Filter test');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(
        () =>
            [...document.querySelectorAll('table.table tbody td.cell-title')].map((x) => x.textContent).join('|') ===
            'Filter test — solar farm',
    );
    expect((await rowTitles()).length === 1, 'more than one row left');
});

crmTest('save the filter under a name; it is kept on the server for this user', async () => {
    await page.getByRole('button', { name: 'Save filter' }).click();
    const dlg = page.getByRole('dialog', { name: 'Save filter' });
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.getByText('This field is required.').waitFor();
    await field(dlg, 'Name').fill('Mid-size leads');
    await dlg.getByRole('button', { name: 'Save' }).click();
    await dlg.waitFor({ state: 'detached' });
    const saved = (await restCall(page, 'user.option.get', { option: 'crm.filters.lead' })).result;
    expect(
        Array.isArray(saved) && saved.length === 1 && saved[0].name === 'Mid-size leads' && saved[0].draft.min === '1000',
        `saved filter on the server: ${JSON.stringify(saved)}`,
    );
    await shot(page, '71-crm-filter-saved');
});

crmTest('in a new browser context the saved filter is there and applies', async () => {
    const other = await newPage(browser);
    await signIn(other, ADMIN);
    await other.goto('/crm/lead');
    await other.getByRole('heading', { name: 'Leads' }).waitFor();
    await other.getByLabel('Saved filters').selectOption('Mid-size leads');
    await other.waitForFunction(
        () =>
            [...document.querySelectorAll('table.table tbody td.cell-title')].map((x) => x.textContent).join('|') ===
            'Filter test — solar farm',
    );
    expect((await field(other, 'Amount from').inputValue()) === '1000', 'the saved amount is not shown in the bar');
    await other.getByRole('button', { name: 'Delete saved filter “Mid-size leads”' }).click();
    await other.getByRole('dialog', { name: 'Delete saved filter' }).getByRole('button', { name: 'Delete' }).click();
    await other.getByLabel('Saved filters').waitFor({ state: 'detached' });
    const saved = (await restCall(other, 'user.option.get', { option: 'crm.filters.lead' })).result;
    expect(saved === null, `the saved filter is still on the server: ${JSON.stringify(saved)}`);
    await other.context().close();
});

crmTest('column choices are kept on the server', async () => {
    await page.goto('/crm/lead');
    await page.getByRole('heading', { name: 'Leads' }).waitFor();
    await page.getByRole('button', { name: 'Columns' }).click();
    const dlg = page.getByRole('dialog', { name: 'Columns' });
    await dlg.getByLabel('Source', { exact: true }).check();
    await dlg.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('columnheader', { name: 'Source' }).waitFor();
    await page.waitForFunction(async () => {
        const st = await (await fetch('/api/auth/state')).json();
        const r = await fetch('/rest/user.option.get', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': st.csrf },
            body: '{"option":"crm.cols.lead"}',
        });
        const v = (await r.json()).result;
        return Array.isArray(v) && v.includes('SOURCE_ID');
    });
});

crmTest('invoices: the list, the form (required title) and the card', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
    await page.getByRole('heading', { name: 'Invoices' }).waitFor();
    await page.getByRole('link', { name: 'New' }).click();
    await page.getByRole('heading', { name: 'New Invoice' }).waitFor();
    const form = page.locator('form#crm-invoice');
    await field(form, 'Amount').fill('not money');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByText('Enter a number such as 1500').waitFor();
    const before = (await restCall(page, 'crm.item.list', { entityTypeId: 31 })).total;
    await field(form, 'Amount').fill('1450.50');
    await field(form, 'Name').fill('Invoice for borehole survey');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Invoice for borehole survey' }).waitFor();
    expect(/\/crm\/invoice\/\d+$/.test(page.url()), `not on the invoice card: ${page.url()}`);
    const after = (await restCall(page, 'crm.item.list', { entityTypeId: 31 })).total;
    expect(after === before + 1, `invoices before ${before}, after ${after}`);
    await shot(page, '72-invoice-card');
    await page.goto('/crm/invoice');
    await page.getByRole('link', { name: 'Invoice for borehole survey' }).waitFor();
    await shot(page, '73-invoice-list');
});

crmTest('an administrator adds a lead source; the lead form offers it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'CRM lists' }).click();
    await page.getByRole('heading', { name: 'Statuses, sources and other CRM lists' }).waitFor();
    await page.getByRole('columnheader', { name: 'Kind' }).waitFor();
    await page.getByRole('button', { name: 'Sources' }).click();
    await page.getByRole('heading', { name: 'Sources', level: 2 }).waitFor();
    expect((await page.getByRole('columnheader', { name: 'Kind' }).count()) === 0, 'sources show a kind column');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('This field is required.').waitFor();
    await page.getByPlaceholder('Name of a new entry').fill('Radio advert');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('tr[data-stage="RADIO_ADVERT"]').waitFor();
    await shot(page, '74-crm-lists-sources');
    await page.goto('/crm/lead/new');
    await page.getByRole('heading', { name: 'New Lead' }).waitFor();
    await field(page.locator('form#crm-lead'), 'Source').selectOption({ label: 'Radio advert' });
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
