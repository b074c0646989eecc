// The pipeline and stage editor: an administrator adds a pipeline, adds and renames a stage,
// sees it on that pipeline's kanban, and the server's refusal to delete the won stage is shown.
import { ADMIN, expect, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const page = await newPage(browser);
let on = true;
let cat = 0;

test('sign in as the administrator', async () => {
    await signIn(page, ADMIN);
    const m = (await restCall(page, 'methods', {})).result || [];
    on = m.includes('crm.category.add') && m.includes('crm.status.add');
});

const crmTest = (name, fn) => testIf(() => on, 'the CRM module is not enabled', name, fn);

crmTest('add a pipeline; its stages are listed', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pipelines' }).click();
    await page.getByRole('heading', { name: 'Deal pipelines and stages' }).waitFor();
    await page.getByRole('button', { name: 'Add pipeline' }).click();
    await page.getByText('This field is required.').waitFor();
    await page.getByLabel('Name of a new pipeline').fill('Installations');
    await page.getByRole('button', { name: 'Add pipeline' }).click();
    await page.getByRole('heading', { name: 'Installations' }).waitFor();
    const r = await restCall(page, 'crm.category.list', { entityTypeId: 2 });
    cat = (r.result?.categories || []).find((c) => c.name === 'Installations')?.id;
    expect(cat > 0, `pipeline not on the server: ${JSON.stringify(r.result)}`);
    await page.getByTestId('stages').locator('tbody tr').first().waitFor();
});

crmTest('add and rename a stage; it shows on the kanban', async () => {
    await page.getByLabel('Name of a new stage').fill('Site survey');
    await page.getByRole('button', { name: 'Add stage' }).click();
    const input = page.getByLabel('Name of Site survey');
    await input.waitFor();
    await input.fill('Site visit');
    await input.press('Enter');
    await page.getByText('Saved').first().waitFor();
    const rows = (await restCall(page, 'crm.status.list', { filter: { ENTITY_ID: `DEAL_STAGE_${cat}` } })).result || [];
    expect(
        rows.some((s) => s.NAME === 'Site visit' && s.STATUS_ID.startsWith(`C${cat}:`)),
        `stages: ${rows.map((s) => `${s.STATUS_ID}=${s.NAME}`).join(', ')}`,
    );
    await shot(page, '59-pipeline-editor');
    await page.goto(`/crm/deal/kanban/${cat}`);
    await page
        .getByTestId('kanban')
        .getByRole('heading', { name: /Site visit/ })
        .waitFor();
    await shot(page, '60-pipeline-kanban');
});

crmTest('the won stage cannot be deleted: the server says why', async () => {
    await page.goto('/admin/pipelines');
    await page.getByRole('button', { name: 'Installations' }).click();
    const won = page.getByTestId('stages').locator('tr', { hasText: 'Won' }).first();
    await won.getByRole('button', { name: /^Delete / }).click();
    await page.getByText(/cannot be deleted/).waitFor();
});

crmTest('no page errors or CSP violations', async () => {
    expect(!page.problems.length, page.problems.join('\n'));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
