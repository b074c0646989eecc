// Drives kazi through the official SDK, @bitrix24/b24jssdk, as a backend service does: a
// B24Hook built from the webhook URL, JSON POSTs over HTTPS. Covers what the REST core serves:
// system methods, batch, errors, auth, scopes, and every paging helper of the SDK.
// It does not test CRM, tasks or other modules.
import test from 'node:test';
import assert from 'node:assert/strict';
import { AjaxError } from '@bitrix24/b24jssdk';
import { env, b24, withLog, addWebhook, revokeInDatabase, marker, ISO_DATETIME } from './lib.mjs';

const admin = b24();
const limited = b24(env.limitedPath);

/** Awaits a promise that must reject with an AjaxError; returns the error. */
async function ajaxError(promise) {
    let res;
    try {
        res = await promise;
    } catch (e) {
        assert.ok(e instanceof AjaxError, `expected an AjaxError, got ${e?.name}: ${e?.message}`);
        return e;
    }
    assert.fail(`expected the call to fail, it succeeded with ${JSON.stringify(res?.getData?.())}`);
}

/** The raw envelope of the newest reply a client received. */
function lastReply(client) {
    return client.log[client.log.length - 1]?.reply;
}

function ids(rows) {
    return rows.map((r) => String(r.ID));
}

function assertSameSet(actual, expected, what) {
    const dupes = actual.filter((v, i) => actual.indexOf(v) !== i);
    assert.deepEqual(dupes, [], `${what}: ids returned more than once`);
    assert.deepEqual([...actual].sort(), [...expected].sort(), `${what}: ids differ from the users created`);
}

test('b24jssdk: server.time answers an ISO date and a time envelope', () =>
    withLog(admin.log, async () => {
        const res = await admin.hook.callMethod('server.time');
        assert.ok(res.isSuccess);
        const { result, time } = res.getData();
        assert.match(result, ISO_DATETIME);
        assert.ok(Math.abs(Date.parse(result) - Date.now()) < 5 * 60 * 1000, `server time ${result} is far from now`);
        assert.equal(typeof time, 'object');
        for (const k of ['start', 'finish', 'duration', 'processing', 'operating', 'operating_reset_at'])
            assert.equal(typeof time[k], 'number', `time.${k} must be a number`);
        for (const k of ['date_start', 'date_finish']) assert.match(time[k], ISO_DATETIME, `time.${k}`);
        assert.ok(time.finish >= time.start, 'time.finish before time.start');
    }));

test('b24jssdk: user.current is the webhook owner', () =>
    withLog(admin.log, async () => {
        const { result } = (await admin.hook.callMethod('user.current')).getData();
        assert.equal(String(result.ID), env.adminId);
        assert.equal(result.EMAIL, env.adminEmail);
        assert.equal(result.NAME, 'Admin');
        assert.equal(result.ACTIVE, true);
    }));

test('b24jssdk: profile tells admin and non-admin apart', () =>
    withLog(admin.log, async () => {
        const a = (await admin.hook.callMethod('profile')).getData().result;
        assert.equal(String(a.ID), env.adminId);
        assert.equal(a.ADMIN, true);
        assert.equal(a.NAME, 'Admin');
        const l = (await withLog(limited.log, () => limited.hook.callMethod('profile'))).getData().result;
        assert.equal(String(l.ID), env.limitedId);
        assert.equal(l.ADMIN, false);
    }));

test("b24jssdk: scope lists granted scopes, full=true the server's", () =>
    withLog(admin.log, async () => {
        const granted = (await admin.hook.callMethod('scope')).getData().result;
        assert.ok(Array.isArray(granted), 'scope must answer an array');
        assert.ok(granted.includes('user'), `'user' missing from ${JSON.stringify(granted)}`);
        const all = (await admin.hook.callMethod('scope', { full: true })).getData().result;
        assert.ok(all.includes('user'), `scope(full=true) lacks 'user': ${JSON.stringify(all)}`);
        const mine = (await withLog(limited.log, () => limited.hook.callMethod('scope'))).getData().result;
        assert.ok(!mine.includes('user'), `crm-only webhook reports 'user': ${JSON.stringify(mine)}`);
    }));

test('b24jssdk: methods lists callable methods per scope', () =>
    withLog(admin.log, async () => {
        const list = (await admin.hook.callMethod('methods')).getData().result.map((m) => m.toLowerCase());
        for (const m of ['user.get', 'user.current']) assert.ok(list.includes(m), `'${m}' missing from methods`);
        const user = (await admin.hook.callMethod('methods', { scope: 'user' })).getData().result.map((m) => m.toLowerCase());
        assert.ok(user.includes('user.get'), `methods(scope=user) lacks user.get: ${JSON.stringify(user)}`);
        for (const other of ['server.time', 'batch', 'department.get'])
            assert.ok(!user.includes(other), `methods(scope=user) lists '${other}'`);
        const mine = (await withLog(limited.log, () => limited.hook.callMethod('methods'))).getData().result;
        assert.ok(!mine.map((m) => m.toLowerCase()).includes('user.get'), 'crm-only webhook lists user.get');
    }));

test('b24jssdk: unknown method is a 404 ERROR_METHOD_NOT_FOUND AjaxError', () =>
    withLog(admin.log, async () => {
        const e = await ajaxError(admin.hook.callMethod('no.such.method'));
        assert.equal(e.status, 404);
        assert.equal(e.code, 'ERROR_METHOD_NOT_FOUND');
    }));

test('b24jssdk: wrong webhook secret is a 401', async () => {
    const wrong = b24(`/rest/${env.adminId}/${'x'.repeat(16)}`);
    await withLog(wrong.log, async () => {
        const e = await ajaxError(wrong.hook.callMethod('user.current'));
        assert.equal(e.status, 401);
        assert.ok(['INVALID_CREDENTIALS', 'NO_AUTH_FOUND'].includes(e.code), `code ${e.code}`);
    });
    const otherUser = b24(env.hookPath.replace(/^\/rest\/\d+\//, `/rest/${env.limitedId}/`));
    await withLog(otherUser.log, async () => {
        const e = await ajaxError(otherUser.hook.callMethod('user.current'));
        assert.equal(e.status, 401, 'a secret used with another user id must not authenticate');
    });
});

test('b24jssdk: a revoked webhook stops working', async (t) => {
    const made = addWebhook(env.adminId, 'user');
    const victim = b24(made.path);
    await withLog(victim.log, async () => {
        const before = (await victim.hook.callMethod('user.current')).getData().result;
        assert.equal(String(before.ID), env.adminId);
    });
    await withLog(admin.log, async () => {
        try {
            const res = await admin.hook.callMethod('webhook.revoke', { ID: made.id });
            assert.ok(res.isSuccess);
        } catch (e) {
            if (!(e instanceof AjaxError) || e.code !== 'ERROR_METHOD_NOT_FOUND') throw e;
            t.diagnostic('webhook.revoke is not a REST method; revoked in the database instead');
            revokeInDatabase(made.id);
        }
    });
    await withLog(victim.log, async () => {
        const e = await ajaxError(victim.hook.callMethod('user.current'));
        assert.equal(e.status, 401);
        assert.ok(['INVALID_CREDENTIALS', 'NO_AUTH_FOUND'].includes(e.code), `code ${e.code}`);
    });
});

test('b24jssdk: a crm-only webhook gets 403 insufficient_scope from user.get', () =>
    withLog(limited.log, async () => {
        const e = await ajaxError(limited.hook.callMethod('user.get'));
        assert.equal(e.status, 403);
        assert.equal(e.code, 'insufficient_scope');
        const t = (await limited.hook.callMethod('server.time')).getData().result;
        assert.match(t, ISO_DATETIME, 'basic methods stay callable');
    }));

// ---- batch and paging over 120 users this file creates ----

const lastName = marker('Sdkjs');
const created = [];

/** Tests below need the users the user.add test makes; say so instead of failing obscurely. */
function needUsers() {
    assert.equal(created.length, 120, 'needs the 120 users of the user.add test, which failed');
}

test('b24jssdk: 120 user.add through callBatchByChunk (50 a batch)', () =>
    withLog(admin.log, async () => {
        const calls = [];
        for (let i = 0; i < 120; i++)
            calls.push(['user.add', { EMAIL: `${lastName.toLowerCase()}.${i}@example.com`, NAME: `User${i}`, LAST_NAME: lastName }]);
        const res = await admin.hook.callBatchByChunk(calls, true);
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        const data = res.getData();
        assert.equal(data.length, 120);
        for (const id of data) assert.ok(Number.isInteger(Number(id)) && Number(id) > 0, `user.add answered ${JSON.stringify(id)}`);
        created.push(...data.map(String));
        assert.equal(new Set(created).size, 120, 'user.add answered the same id twice');
    }));

test('b24jssdk: batch substitutes $result[...] references', () =>
    withLog(admin.log, async () => {
        needUsers();
        const res = await admin.hook.callBatch(
            {
                me: { method: 'user.current' },
                again: { method: 'user.get', params: { filter: { ID: '$result[me][ID]' } } },
                list: { method: 'user.get', params: { filter: { LAST_NAME: lastName } } },
                first: { method: 'user.get', params: { filter: { ID: '$result[list][0][ID]' } } },
            },
            true,
        );
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        const d = res.getData();
        assert.equal(String(d.me.ID), env.adminId);
        assert.deepEqual(ids(d.again), [env.adminId]);
        assert.equal(d.list.length, 50);
        assert.deepEqual(ids(d.first), [String(d.list[0].ID)]);
        const raw = lastReply(admin).result;
        for (const k of ['result', 'result_error', 'result_total', 'result_next', 'result_time'])
            assert.ok(k in raw, `batch reply lacks ${k}`);
        assert.equal(raw.result_total.list, 120);
        assert.equal(raw.result_next.list, 50);
        assert.equal(typeof raw.result_time.me.start, 'number');
    }));

test('b24jssdk: batch with a command list answers arrays', () =>
    withLog(admin.log, async () => {
        const res = await admin.hook.callBatch(
            [
                ['server.time', {}],
                ['user.current', {}],
            ],
            true,
        );
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        const [time, me] = res.getData();
        assert.match(time, ISO_DATETIME);
        assert.equal(String(me.ID), env.adminId);
        const raw = lastReply(admin).result;
        for (const k of ['result', 'result_error', 'result_total', 'result_next', 'result_time'])
            assert.ok(Array.isArray(raw[k]), `${k} must be a JSON array for a command list, got ${JSON.stringify(raw[k])}`);
    }));

test('b24jssdk: batch with halt=0 runs every command and reports the failing one', () =>
    withLog(admin.log, async () => {
        const res = await admin.hook.callBatch(
            { before: { method: 'server.time' }, bad: { method: 'no.such.method' }, after: { method: 'user.current' } },
            false,
        );
        assert.equal(res.isSuccess, false);
        const errors = res.getErrorsByKey();
        assert.deepEqual(Object.keys(errors), ['bad']);
        assert.equal(errors.bad.code, 'ERROR_METHOD_NOT_FOUND');
        const d = res.getData();
        assert.match(d.before, ISO_DATETIME);
        assert.equal(String(d.after.ID), env.adminId);
    }));

test('b24jssdk: user.get pages by 50 with total and next (callMethod + getNext)', () =>
    withLog(admin.log, async () => {
        needUsers();
        const http = admin.hook.getHttpClient('v2');
        let page = await admin.hook.callMethod('user.get', { filter: { LAST_NAME: lastName } }, 0);
        const seen = [];
        const sizes = [];
        for (;;) {
            const raw = lastReply(admin);
            const rows = page.getData().result;
            sizes.push(rows.length);
            seen.push(...ids(rows));
            if (!page.isMore()) {
                assert.ok(!('next' in raw), `last page must omit next, got ${raw.next}`);
                break;
            }
            assert.equal(typeof raw.next, 'number', 'next must be a JSON number');
            assert.equal(page.getTotal(), 120, 'total on a page with next');
            page = await page.getNext(http);
            assert.ok(sizes.length < 10, 'paging does not end');
        }
        assert.deepEqual(sizes, [50, 50, 20]);
        assertSameSet(seen, created, 'user.get offset pages');
    }));

test('b24jssdk: user.get with start=-1 answers one page without next', () =>
    withLog(admin.log, async () => {
        needUsers();
        const res = await admin.hook.callMethod('user.get', { filter: { LAST_NAME: lastName }, start: -1 });
        assert.equal(res.getData().result.length, 50);
        assert.ok(!('next' in lastReply(admin)), 'start=-1 must not send next');
    }));

test('b24jssdk: callListMethod returns all 120 users once', () =>
    withLog(admin.log, async () => {
        needUsers();
        const res = await admin.hook.callListMethod('user.get', { filter: { LAST_NAME: lastName } });
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        assertSameSet(ids(res.getData()), created, 'callListMethod');
    }));

test('b24jssdk: actions.v2.callList (cursor on ID, start=-1) returns all 120 users once', () =>
    withLog(admin.log, async () => {
        needUsers();
        const res = await admin.hook.actions.v2.callList.make({
            method: 'user.get',
            params: { filter: { LAST_NAME: lastName } },
            idKey: 'ID',
        });
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        assertSameSet(ids(res.getData()), created, 'callList');
    }));

test('b24jssdk: fetchListMethod yields 50, 50, 20 and every user once', () =>
    withLog(admin.log, async () => {
        needUsers();
        const sizes = [];
        const seen = [];
        for await (const chunk of admin.hook.fetchListMethod('user.get', { filter: { LAST_NAME: lastName } }, 'ID')) {
            sizes.push(chunk.length);
            seen.push(...ids(chunk));
            assert.ok(sizes.length < 10, 'fetchListMethod does not end');
        }
        assert.deepEqual(sizes, [50, 50, 20]);
        assertSameSet(seen, created, 'fetchListMethod');
    }));

test('b24jssdk: actions.v2.fetchList yields every user once', () =>
    withLog(admin.log, async () => {
        needUsers();
        const seen = [];
        const gen = admin.hook.actions.v2.fetchList.make({
            method: 'user.get',
            params: { filter: { LAST_NAME: lastName } },
            idKey: 'ID',
        });
        for await (const chunk of gen) seen.push(...ids(chunk));
        assertSameSet(seen, created, 'fetchList');
    }));
