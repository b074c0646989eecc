// Drives kazi through @2bad/bitrix: every call is a GET with PHP bracket parameters (batch
// included, commands encoded twice), errors arrive as got HTTPErrors, and list() reads `total`
// from the first page and fetches the remaining pages in one batch.
// It does not test CRM services of the package: only what the REST core serves.
import test from 'node:test';
import assert from 'node:assert/strict';
import { env, bitrix, withLog, addWebhook, revokeInDatabase, marker, ISO_DATETIME } from './lib.mjs';

const admin = bitrix();
const limited = bitrix(env.limitedPath);

/** Awaits a call that must fail with an HTTP error; returns {status, body} of the reply. */
async function httpError(promise) {
    let res;
    try {
        res = await promise;
    } catch (e) {
        assert.equal(e?.name, 'HTTPError', `expected got's HTTPError, got ${e?.name}: ${e?.message}`);
        return { status: e.response.statusCode, body: e.response.body };
    }
    assert.fail(`expected the call to fail, it succeeded with ${JSON.stringify(res)}`);
}

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

test('2bad/bitrix: server.time over GET', () =>
    withLog(admin.log, async () => {
        const payload = await admin.client.call('server.time', {});
        assert.match(payload.result, ISO_DATETIME);
        assert.equal(typeof payload.time, 'object');
        assert.equal(typeof payload.time.start, 'number');
        assert.match(payload.time.date_start, ISO_DATETIME);
    }));

test('2bad/bitrix: user.current and users.get(id)', () =>
    withLog(admin.log, async () => {
        const me = (await admin.client.call('user.current', {})).result;
        assert.equal(String(me.ID), env.adminId);
        assert.equal(me.EMAIL, env.adminEmail);
        // the package's users service sends user.get?id=N
        const got = (await admin.client.users.get(env.adminId)).result;
        assert.deepEqual(ids(got), [env.adminId]);
    }));

test('2bad/bitrix: profile, scope and methods', () =>
    withLog(admin.log, async () => {
        const p = (await admin.client.call('profile', {})).result;
        assert.equal(String(p.ID), env.adminId);
        assert.equal(p.ADMIN, true);
        const scopes = (await admin.client.call('scope', {})).result;
        assert.ok(scopes.includes('user'), `scope: ${JSON.stringify(scopes)}`);
        const full = (await admin.client.call('scope', { full: true })).result;
        assert.ok(full.includes('user'), `scope?full=true lacks 'user': ${JSON.stringify(full)}`);
        const methods = (await admin.client.call('methods', {})).result.map((m) => m.toLowerCase());
        assert.ok(methods.includes('user.get'), 'methods lacks user.get');
    }));

test('2bad/bitrix: unknown method is a 404 ERROR_METHOD_NOT_FOUND', () =>
    withLog(admin.log, async () => {
        const { status, body } = await httpError(admin.client.call('no.such.method', {}));
        assert.equal(status, 404);
        assert.equal(body?.error, 'ERROR_METHOD_NOT_FOUND');
        assert.ok(body.error_description, 'error_description is empty');
    }));

test('2bad/bitrix: wrong webhook secret is a 401', async () => {
    const wrong = bitrix(`/rest/${env.adminId}/${'y'.repeat(16)}`);
    await withLog(wrong.log, async () => {
        const { status, body } = await httpError(wrong.client.call('user.current', {}));
        assert.equal(status, 401);
        assert.ok(['INVALID_CREDENTIALS', 'NO_AUTH_FOUND'].includes(body?.error), `error ${JSON.stringify(body)}`);
    });
});

test('2bad/bitrix: a revoked webhook stops working', async (t) => {
    const made = addWebhook(env.adminId, 'user');
    const victim = bitrix(made.path);
    await withLog(victim.log, async () => {
        const me = (await victim.client.call('user.current', {})).result;
        assert.equal(String(me.ID), env.adminId);
    });
    await withLog(admin.log, async () => {
        try {
            await admin.client.call('webhook.revoke', { ID: made.id });
        } catch (e) {
            if (e?.name !== 'HTTPError' || e.response.body?.error !== 'ERROR_METHOD_NOT_FOUND') throw e;
            t.diagnostic('webhook.revoke is not a REST method; revoked in the database instead');
            revokeInDatabase(made.id);
        }
    });
    await withLog(victim.log, async () => {
        const { status, body } = await httpError(victim.client.call('user.current', {}));
        assert.equal(status, 401);
        assert.ok(['INVALID_CREDENTIALS', 'NO_AUTH_FOUND'].includes(body?.error), `error ${JSON.stringify(body)}`);
    });
});

test('2bad/bitrix: a crm-only webhook gets 403 insufficient_scope from user.get', () =>
    withLog(limited.log, async () => {
        const { status, body } = await httpError(limited.client.call('user.get', {}));
        assert.equal(status, 403);
        assert.equal(body?.error, 'insufficient_scope');
    }));

// ---- batch and paging over 120 users this file creates ----

const lastName = marker('Sdkgot');
const created = [];

/** Tests below need the users the user.add test makes; say so instead of failing obscurely. */
function needUsers() {
    assert.equal(created.length, 120, 'needs the 120 users of the user.add test, which failed');
}

test('2bad/bitrix: 120 user.add through batch() (GET, 50 commands a request)', () =>
    withLog(admin.log, async () => {
        const commands = [];
        for (let i = 0; i < 120; i++)
            commands.push({
                method: 'user.add',
                params: { EMAIL: `${lastName.toLowerCase()}.${i}@example.com`, NAME: `User ${i}`, LAST_NAME: lastName },
            });
        const payload = await admin.client.batch(commands);
        const result = payload.result.result;
        assert.equal(result.length, 120, `batch answered ${JSON.stringify(result).slice(0, 300)}`);
        for (const id of result) assert.ok(Number.isInteger(Number(id)) && Number(id) > 0, `user.add answered ${JSON.stringify(id)}`);
        created.push(...result.map(String));
        assert.equal(new Set(created).size, 120, 'user.add answered the same id twice');
        const names = (await admin.client.call('user.get', { filter: { ID: created[0] } })).result;
        assert.equal(names[0]?.NAME, 'User 0', 'a space sent as + must arrive as a space');
    }));

test('2bad/bitrix: batch substitutes $result[...] references (cmd[key]=method?query)', () =>
    withLog(admin.log, async () => {
        needUsers();
        const payload = await admin.client.batch({
            me: { method: 'user.current' },
            again: { method: 'user.get', params: { filter: { ID: '$result[me][ID]' } } },
            list: { method: 'user.get', params: { filter: { LAST_NAME: lastName } } },
            first: { method: 'user.get', params: { filter: { ID: '$result[list][0][ID]' } } },
        });
        const r = payload.result;
        assert.equal(String(r.result.me.ID), env.adminId);
        assert.deepEqual(ids(r.result.again), [env.adminId]);
        assert.equal(r.result.list.length, 50);
        assert.deepEqual(ids(r.result.first), [String(r.result.list[0].ID)]);
        assert.equal(r.result_total.list, 120);
        assert.equal(r.result_next.list, 50);
    }));

test('2bad/bitrix: batch with a command list answers arrays', () =>
    withLog(admin.log, async () => {
        await admin.client.batch([{ method: 'server.time' }, { method: 'user.current' }]);
        const raw = lastReply(admin).result;
        for (const k of ['result', 'result_error', 'result_total', 'result_next', 'result_time'])
            assert.ok(Array.isArray(raw[k]), `${k} must be a JSON array for a command list, got ${JSON.stringify(raw[k])}`);
        assert.match(raw.result[0], ISO_DATETIME);
        assert.equal(String(raw.result[1].ID), env.adminId);
    }));

test('2bad/bitrix: bracket filter operators (filter[>=ID], filter[<=ID])', () =>
    withLog(admin.log, async () => {
        needUsers();
        const sorted = [...created].map(Number).sort((a, b) => a - b);
        const lo = sorted[10];
        const hi = sorted[19];
        const rows = (await admin.client.call('user.get', { filter: { '>=ID': lo, '<=ID': hi, LAST_NAME: lastName } })).result;
        const expected = sorted.filter((id) => id >= lo && id <= hi).map(String);
        assertSameSet(ids(rows), expected, 'filter[>=ID]&filter[<=ID]');
    }));

test('2bad/bitrix: list() reads total and fetches the rest in one batch', () =>
    withLog(admin.log, async () => {
        needUsers();
        const before = admin.log.count ?? 0;
        const payload = await admin.client.list('user.get', { filter: { LAST_NAME: lastName } });
        assertSameSet(ids(payload.result), created, 'list()');
        const first = admin.log[admin.log.length - 2]?.reply;
        assert.equal(admin.log.count - before, 2, 'list() should make one call and one batch');
        assert.equal(first?.total, 120, 'first page total');
        assert.equal(first?.next, 50, 'first page next');
    }));

test('2bad/bitrix: list() with one page returns it as is', () =>
    withLog(admin.log, async () => {
        const payload = await admin.client.list('user.get', { filter: { ID: env.adminId } });
        assert.deepEqual(ids(payload.result), [env.adminId]);
        assert.ok(!('next' in lastReply(admin)), 'a single page must omit next');
    }));
