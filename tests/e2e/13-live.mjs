// Live updates between two people: the administrator moves a deal to another stage and a task
// to "in progress"; the member's kanban and task board, open in another browser context, show
// each move within one second without a reload (the page's own marker survives). The wire
// checks (who receives what) are in tests/api/live.sh.
import { ADMIN, MEMBER, expect, launch, newPage, restCall, run, shot, signIn, test, testIf } from './lib.mjs';

const browser = await launch();
const admin = await newPage(browser);
const member = await newPage(browser);
let crm = true,
    tasks = true;
let memberId = 0;

test('two people signed in, each in their own browser context', async () => {
    await signIn(admin, ADMIN);
    await signIn(member, MEMBER);
    const m = (await restCall(admin, 'methods', {})).result || [];
    crm = m.includes('crm.deal.add');
    tasks = m.includes('tasks.task.add');
    memberId = Number((await restCall(member, 'user.current', {})).result?.ID);
    expect(memberId > 0, 'the member has an id');
});

// waits until sel is on page within ms after the change; fails otherwise
async function within(page, sel, ms) {
    const t0 = Date.now();
    await page.locator(sel).waitFor({ timeout: ms });
    return Date.now() - t0;
}

testIf(
    () => crm,
    'the CRM is not enabled',
    "a deal moved by one person moves on the other's kanban within a second",
    async () => {
        const deal = (
            await restCall(admin, 'crm.deal.add', { fields: { TITLE: 'Borehole pump, live', STAGE_ID: 'NEW', ASSIGNED_BY_ID: memberId } })
        ).result;
        expect(Number(deal) > 0, 'deal added');
        await member.goto('/crm/deal/kanban');
        await member.locator(`section[data-stage="NEW"] [data-deal="${deal}"]`).waitFor();
        await member.evaluate(() => {
            window.__noReload = 1;
        });
        await member.waitForTimeout(500); // the channel is open
        await admin.goto('/crm/deal/kanban');
        const card = admin.locator(`#deal-${deal}`);
        await card.waitFor();
        const moved = admin.waitForResponse((r) => r.url().includes('/rest/crm.deal.update'));
        await card.focus();
        await admin.keyboard.press('Alt+ArrowRight');
        await moved;
        const ms = await within(member, `section[data-stage="PREPARATION"] [data-deal="${deal}"]`, 1000);
        expect(await member.evaluate(() => window.__noReload === 1), 'the member page was reloaded');
        expect(
            (await member.locator(`section[data-stage="NEW"] [data-deal="${deal}"]`).count()) === 0,
            'the card is still in its old column',
        );
        console.log(`# deal shown in its new stage after ${ms} ms`);
        await shot(member, '130-live-kanban');
    },
);

testIf(
    () => tasks,
    'the tasks module is not enabled',
    "a task moved by one person moves on the other's board within a second",
    async () => {
        const r = await restCall(admin, 'tasks.task.add', { fields: { TITLE: 'Check the solar panels, live', RESPONSIBLE_ID: memberId } });
        const id = r.result?.task?.id;
        expect(id, `task added: ${JSON.stringify(r)}`);
        await member.goto('/tasks/kanban');
        await member.locator(`section[data-status="2"] [data-task="${id}"]`).waitFor();
        await member.evaluate(() => {
            window.__noReload = 2;
        });
        await member.waitForTimeout(500);
        const s = await restCall(admin, 'tasks.task.start', { taskId: Number(id) });
        expect(!s.error, `task started: ${JSON.stringify(s)}`);
        const ms = await within(member, `section[data-status="3"] [data-task="${id}"]`, 1000);
        expect(await member.evaluate(() => window.__noReload === 2), 'the member page was reloaded');
        console.log(`# task shown in its new column after ${ms} ms`);
        await shot(member, '131-live-task-board');
    },
);

test('no page errors', async () => {
    const problems = [...admin.problems, ...member.problems];
    expect(!problems.length, problems.join('; '));
});

const failed = await run();
await browser.close();
process.exit(failed ? 1 : 0);
