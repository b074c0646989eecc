// Drives tasks.task.* through both client packages: @bitrix24/b24jssdk (JSON POSTs over HTTPS,
// its batch-by-chunk and list helpers with the `tasks` result key and the camelCase `id`
// cursor) and @2bad/bitrix (GETs with PHP bracket parameters through call() and batch(), and
// cursor paging by hand, since its list() expects a plain array). Each package creates 125
// tasks, updates and completes some, reads them all back once, and deletes them. It does not
// test workgroups, checklists or visibility (tests/api/tasks.sh does).
import test from 'node:test';
import assert from 'node:assert/strict';
import { AjaxError } from '@bitrix24/b24jssdk';
import { env, b24, bitrix, withLog, marker } from './lib.mjs';

const js = b24();
const gb = bitrix();
const COUNT = 125;

function assertSameSet(actual, expected, what) {
    const dupes = actual.filter((v, i) => actual.indexOf(v) !== i);
    assert.deepEqual(dupes, [], `${what}: ids returned more than once`);
    assert.deepEqual([...actual].sort(), [...expected].sort(), `${what}: ids differ from the tasks created`);
}

// ---- @bitrix24/b24jssdk ----

const jsTitle = marker('SdkTaskJs');
const jsIds = [];

function needJs() {
    assert.equal(jsIds.length, COUNT, `needs the ${COUNT} tasks of the add test, which failed`);
}

test(`b24jssdk: ${COUNT} tasks.task.add through callBatchByChunk`, () =>
    withLog(js.log, async () => {
        const calls = [];
        for (let i = 0; i < COUNT; i++)
            calls.push([
                'tasks.task.add',
                {
                    fields: { TITLE: `${jsTitle} ${i}`, RESPONSIBLE_ID: env.adminId, PRIORITY: i % 3, TAGS: ['sdk'] },
                },
            ]);
        const res = await js.hook.callBatchByChunk(calls, true);
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        const data = res.getData();
        assert.equal(data.length, COUNT);
        for (const r of data) {
            assert.equal(typeof r.task?.id, 'string', `tasks.task.add answered ${JSON.stringify(r)}`);
            jsIds.push(r.task.id);
        }
        assert.equal(new Set(jsIds).size, COUNT, 'tasks.task.add answered the same id twice');
    }));

test('b24jssdk: tasks.task.get, update and the status flow', () =>
    withLog(js.log, async () => {
        needJs();
        const id = jsIds[0];
        let task = (await js.hook.callMethod('tasks.task.get', { taskId: id })).getData().result.task;
        assert.equal(task.id, id);
        assert.equal(task.title, `${jsTitle} 0`);
        assert.equal(task.responsibleId, String(env.adminId));
        assert.equal(task.status, '2');
        task = (
            await js.hook.callMethod('tasks.task.update', {
                taskId: id,
                fields: { TITLE: `${jsTitle} 0 renamed`, DEADLINE: '2030-01-02T03:04:05+00:00' },
            })
        ).getData().result.task;
        assert.equal(task.title, `${jsTitle} 0 renamed`);
        assert.match(task.deadline, /^2030-01-0[12]T/);
        task = (await js.hook.callMethod('tasks.task.start', { taskId: id })).getData().result.task;
        assert.equal(task.status, '3');
        task = (await js.hook.callMethod('tasks.task.complete', { taskId: id })).getData().result.task;
        assert.equal(task.status, '5');
        let err;
        try {
            await js.hook.callMethod('tasks.task.complete', { taskId: id });
        } catch (e) {
            err = e;
        }
        assert.ok(err instanceof AjaxError, 'completing twice must fail');
        assert.equal(err.status, 400);
        assert.equal(err.code, 'ACTION_NOT_ALLOWED');
    }));

test('b24jssdk: callListMethod with the `tasks` key returns every task once', () =>
    withLog(js.log, async () => {
        needJs();
        const res = await js.hook.callListMethod(
            'tasks.task.list',
            { filter: { '%TITLE': jsTitle }, select: ['ID', 'TITLE'] },
            null,
            'tasks',
        );
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        assertSameSet(
            res.getData().map((t) => t.id),
            jsIds,
            'callListMethod',
        );
    }));

test('b24jssdk: fetchListMethod pages by the `id` cursor (50, 50, 25)', () =>
    withLog(js.log, async () => {
        needJs();
        const sizes = [];
        const seen = [];
        for await (const chunk of js.hook.fetchListMethod(
            'tasks.task.list',
            { filter: { '%TITLE': jsTitle }, select: ['ID'] },
            'id',
            'tasks',
        )) {
            sizes.push(chunk.length);
            seen.push(...chunk.map((t) => t.id));
            assert.ok(sizes.length < 10, 'fetchListMethod does not end');
        }
        assert.deepEqual(sizes, [50, 50, 25]);
        assertSameSet(seen, jsIds, 'fetchListMethod');
    }));

test('b24jssdk: actions.v2.callList with idKey id and cursorIdKey ID', () =>
    withLog(js.log, async () => {
        needJs();
        const res = await js.hook.actions.v2.callList.make({
            method: 'tasks.task.list',
            params: { filter: { '%TITLE': jsTitle, PRIORITY: 1 }, select: ['ID', 'PRIORITY'] },
            idKey: 'id',
            cursorIdKey: 'ID',
            customKeyForResult: 'tasks',
        });
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        const rows = res.getData();
        assert.ok(
            rows.every((t) => t.priority === '1'),
            'PRIORITY filter not applied',
        );
        assertSameSet(
            rows.map((t) => t.id),
            jsIds.filter((_, i) => i % 3 === 1),
            'callList',
        );
    }));

test('b24jssdk: tasks.task.delete through batch, then nothing is left', () =>
    withLog(js.log, async () => {
        needJs();
        const res = await js.hook.callBatchByChunk(
            jsIds.map((taskId) => ['tasks.task.delete', { taskId }]),
            true,
        );
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        for (const r of res.getData()) assert.deepEqual(r, { task: true });
        const after = await js.hook.callMethod('tasks.task.list', { filter: { '%TITLE': jsTitle } });
        assert.equal(after.getData().result.tasks.length, 0);
        assert.equal(after.getTotal(), 0);
        const gone = await js.hook.callMethod('tasks.task.get', { taskId: jsIds[0] });
        assert.deepEqual(gone.getData().result, []);
    }));

// ---- @2bad/bitrix ----

const gbTitle = marker('SdkTask2bad');
const gbIds = [];

function needGb() {
    assert.equal(gbIds.length, COUNT, `needs the ${COUNT} tasks of the add test, which failed`);
}

/** @2bad/bitrix batch() of a list of [method, params] commands, 50 a request. */
async function gbBatch(commands) {
    const results = [];
    for (let i = 0; i < commands.length; i += 50) {
        const chunk = commands.slice(i, i + 50).map(([method, params]) => ({ method, params }));
        const payload = await gb.client.batch(chunk);
        const errors = Object.values(payload.result.result_error || {});
        assert.deepEqual(errors, [], 'batch commands failed');
        results.push(...Object.values(payload.result.result));
    }
    return results;
}

test(`2bad/bitrix: ${COUNT} tasks.task.add through batch() (GET, bracket parameters)`, () =>
    withLog(gb.log, async () => {
        const commands = [];
        for (let i = 0; i < COUNT; i++)
            commands.push([
                'tasks.task.add',
                {
                    fields: { TITLE: `${gbTitle} ${i}`, RESPONSIBLE_ID: env.adminId, ACCOMPLICES: [env.adminId] },
                },
            ]);
        for (const r of await gbBatch(commands)) gbIds.push(r.task.id);
        assert.equal(new Set(gbIds).size, COUNT);
    }));

test('2bad/bitrix: call() for get, update, start, pause and complete', () =>
    withLog(gb.log, async () => {
        needGb();
        const taskId = gbIds[1];
        let { result } = await gb.client.call('tasks.task.get', { taskId });
        assert.equal(result.task.title, `${gbTitle} 1`);
        assert.deepEqual(result.task.accomplices, [String(env.adminId)]);
        ({ result } = await gb.client.call('tasks.task.update', {
            taskId,
            fields: { PRIORITY: 2, UF_CRM_TASK: ['D_1', 'C_2'] },
        }));
        assert.equal(result.task.priority, '2');
        ({ result } = await gb.client.call('tasks.task.start', { taskId }));
        assert.equal(result.task.status, '3');
        ({ result } = await gb.client.call('tasks.task.pause', { taskId }));
        assert.equal(result.task.status, '2');
        ({ result } = await gb.client.call('tasks.task.complete', { taskId }));
        assert.equal(result.task.status, '5');
        ({ result } = await gb.client.call('tasks.task.list', {
            filter: { UF_CRM_TASK: 'D_1', '%TITLE': gbTitle },
            select: ['ID', 'UF_CRM_TASK'],
        }));
        assert.deepEqual(
            result.tasks.map((t) => t.id),
            [taskId],
        );
        assert.deepEqual([...result.tasks[0].ufCrmTask].sort(), ['C_2', 'D_1']);
    }));

test('2bad/bitrix: cursor paging with call() (order ID ASC, >ID, start=-1)', () =>
    withLog(gb.log, async () => {
        needGb();
        const seen = [];
        const sizes = [];
        let last = 0;
        for (;;) {
            const payload = await gb.client.call('tasks.task.list', {
                order: { ID: 'ASC' },
                filter: { '%TITLE': gbTitle, '>ID': last },
                select: ['ID'],
                start: -1,
            });
            const rows = payload.result.tasks;
            assert.ok(!('next' in payload), 'start=-1 must not send next');
            sizes.push(rows.length);
            seen.push(...rows.map((t) => t.id));
            if (rows.length < 50) break;
            last = rows[rows.length - 1].id;
            assert.ok(sizes.length < 10, 'paging does not end');
        }
        assert.deepEqual(sizes, [50, 50, 25]);
        assertSameSet(seen, gbIds, 'cursor paging');
    }));

test('2bad/bitrix: offset pages carry total and next', () =>
    withLog(gb.log, async () => {
        needGb();
        const first = await gb.client.call('tasks.task.list', { filter: { '%TITLE': gbTitle }, select: ['ID'] });
        assert.equal(first.total, COUNT);
        assert.equal(first.next, 50);
        const last = await gb.client.call('tasks.task.list', { filter: { '%TITLE': gbTitle }, select: ['ID'], start: 100 });
        assert.equal(last.result.tasks.length, 25);
        assert.ok(!('next' in last), 'the last page must not send next');
    }));

test('2bad/bitrix: tasks.task.delete through batch()', () =>
    withLog(gb.log, async () => {
        needGb();
        const results = await gbBatch(gbIds.map((taskId) => ['tasks.task.delete', { taskId }]));
        assert.equal(results.length, COUNT);
        const after = await gb.client.call('tasks.task.list', { filter: { '%TITLE': gbTitle } });
        assert.equal(after.total, 0);
    }));
