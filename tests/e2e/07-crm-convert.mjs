// Lead conversion and the duplicate warning: typing a phone that a lead already has shows the
// warning with a link (saving stays possible); the lead card's Convert dialog makes a contact
// and a deal in one step, links them, and the converted lead offers no second conversion.
import { ADMIN, expect, field, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
let on = true;
let leadId = 0;

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
    const m = (await restCall(page, 'methods', {})).result || [];
    on = m.includes('crm.lead.convert') && m.includes('crm.duplicate.findbycomm');
});

const crmTest = (name, fn) => testIf(() => on, 'the CRM module is not enabled', name, fn);

crmTest('new lead form: a phone another lead has shows a duplicate warning', async () => {
    const r = await restCall(page, 'crm.lead.add', {
        fields: {
            TITLE: 'Kisima Water — borehole',
            NAME: 'Zawadi',
            LAST_NAME: 'Otieno',
            OPPORTUNITY: 4200,
            CURRENCY_ID: 'USD',
            PHONE: [{ VALUE: '+255 700 111 222', VALUE_TYPE: 'WORK' }],
        },
    });
    leadId = r.result;
    expect(leadId > 0, `lead not created: ${JSON.stringify(r)}`);
    await page.goto('/crm/lead/new');
    await page.getByRole('heading', { name: 'New Lead' }).waitFor();
    const form = page.locator('form#crm-lead');
    await field(form, 'Lead name').fill('Borehole enquiry');
    await form.getByRole('group', { name: /Phone/ }).getByRole('button', { name: 'Add' }).click();
    await form.getByLabel('Phone 1').fill('+255700111222');
    const warn = page.getByTestId('duplicates');
    await warn.getByRole('link', { name: `Lead #${leadId}` }).waitFor();
    await shot(page, '56-lead-duplicate-warning');
});

crmTest('convert the lead to a contact and a deal through the dialog', async () => {
    await page.goto(`/crm/lead/${leadId}`);
    await page.getByRole('heading', { name: 'Kisima Water — borehole' }).waitFor();
    await page.getByRole('button', { name: 'Convert' }).click();
    const dlg = page.getByRole('dialog', { name: 'Convert the lead' });
    await dlg.waitFor();
    expect(await dlg.getByLabel('Contact').isChecked(), 'contact is not proposed for a lead with a name');
    expect(await dlg.getByLabel('Deal').isChecked(), 'deal is not proposed');
    await shot(page, '57-lead-convert-dialog');
    await dlg.getByRole('button', { name: 'Convert' }).click();
    const made = dlg.getByTestId('converted');
    await made.getByRole('link', { name: /^Deal #\d+$/ }).waitFor();
    await made.getByRole('link', { name: /^Contact #\d+$/ }).waitFor();
    await shot(page, '58-lead-converted');
    const lead = (await restCall(page, 'crm.lead.get', { id: leadId })).result;
    expect(
        lead.STATUS_ID === 'CONVERTED' && Number(lead.CONTACT_ID) > 0,
        `lead after conversion: ${lead.STATUS_ID} contact ${lead.CONTACT_ID}`,
    );
    await made.getByRole('link', { name: /^Deal #\d+$/ }).click();
    await page.getByRole('heading', { name: 'Kisima Water — borehole' }).waitFor();
    expect(/\/crm\/deal\/\d+$/.test(page.url()), `not on the deal card: ${page.url()}`);
});

crmTest('a converted lead offers no second conversion', async () => {
    await page.goto(`/crm/lead/${leadId}`);
    await page.getByRole('heading', { name: 'Kisima Water — borehole' }).waitFor();
    expect(!(await page.getByRole('button', { name: 'Convert' }).count()), 'the converted lead still has a Convert button');
});

crmTest('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
