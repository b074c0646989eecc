// Drives the CRM entities (lead, contact, company, deal, quote) through both client packages:
// @bitrix24/b24jssdk (JSON POSTs over HTTPS) and @2bad/bitrix (GETs with PHP bracket
// parameters, through its services where it has them). Covers add/get/update/list/delete,
// filtered and ordered lists, each package's own list helpers over 125 deals, and batch with
// 50 adds and $result references. It does not test conversions, products or activities.
import test from 'node:test';
import assert from 'node:assert/strict';
import { AjaxError } from '@bitrix24/b24jssdk';
import { b24, bitrix, withLog, marker } from './lib.mjs';

const js = b24();
const gb = bitrix();

/** Each SDK behind one small interface: call a method, catch its error as {status, code}. */
const sdks = [
    {
        name: 'b24jssdk',
        log: js.log,
        call: async (method, params = {}) => (await js.hook.callMethod(method, params)).getData().result,
        error: async (promise) => {
            try {
                const res = await promise;
                assert.fail(`expected the call to fail, it answered ${JSON.stringify(res?.getData?.() ?? res)}`);
            } catch (e) {
                if (e instanceof assert.AssertionError) throw e;
                assert.ok(e instanceof AjaxError, `expected an AjaxError, got ${e?.name}: ${e?.message}`);
                return { status: e.status, code: e.code };
            }
        },
    },
    {
        name: '2bad/bitrix',
        log: gb.log,
        call: async (method, params = {}) => (await gb.client.call(method, params)).result,
        error: async (promise) => {
            try {
                const res = await promise;
                assert.fail(`expected the call to fail, it answered ${JSON.stringify(res)}`);
            } catch (e) {
                if (e instanceof assert.AssertionError) throw e;
                assert.equal(e?.name, 'HTTPError', `expected got's HTTPError, got ${e?.name}: ${e?.message}`);
                return { status: e.response.statusCode, code: e.response.body?.error };
            }
        },
    },
];

/** The calls a raw method name needs, whichever SDK: b24jssdk callMethod, @2bad call. */
function raw(sdk) {
    return sdk.name === 'b24jssdk' ? js.hook : gb.client;
}

/**
 * The five entities: fields for add (label is the name the list filters on), what update
 * changes, and what get must answer afterwards (legacy format: numbers and ids as strings).
 * @2bad/bitrix has services for four of them; quotes go through call().
 */
const entities = [
    {
        name: 'lead',
        plural: 'leads',
        service: 'leads',
        label: 'TITLE',
        add: (t) => ({
            TITLE: t,
            NAME: 'Amina',
            LAST_NAME: 'Kamau',
            OPPORTUNITY: 1500,
            CURRENCY_ID: 'USD',
            PHONE: [{ VALUE: '+254 700 000 001', VALUE_TYPE: 'WORK' }],
        }),
        added: { NAME: 'Amina', LAST_NAME: 'Kamau', OPPORTUNITY: '1500.00', CURRENCY_ID: 'USD', HAS_PHONE: 'Y', STATUS_ID: 'NEW' },
        update: { OPPORTUNITY: 2500.5, STATUS_ID: 'IN_PROCESS' },
        updated: { OPPORTUNITY: '2500.50', STATUS_ID: 'IN_PROCESS', NAME: 'Amina' },
    },
    {
        name: 'contact',
        plural: 'contacts',
        service: 'contacts',
        label: 'NAME',
        add: (t) => ({ NAME: t, LAST_NAME: 'Otieno', EMAIL: [{ VALUE: `${t.toLowerCase()}@example.com`, VALUE_TYPE: 'WORK' }] }),
        added: { LAST_NAME: 'Otieno', HAS_EMAIL: 'Y' },
        update: { POST: 'Buyer', LAST_NAME: 'Odhiambo' },
        updated: { POST: 'Buyer', LAST_NAME: 'Odhiambo', HAS_EMAIL: 'Y' },
    },
    {
        name: 'company',
        plural: 'companies',
        service: 'companies',
        label: 'TITLE',
        add: (t) => ({ TITLE: t, INDUSTRY: 'IT', COMPANY_TYPE: 'CUSTOMER' }),
        added: { INDUSTRY: 'IT', COMPANY_TYPE: 'CUSTOMER' },
        update: { INDUSTRY: 'MANUFACTURING', COMMENTS: 'Key account' },
        updated: { INDUSTRY: 'MANUFACTURING', COMMENTS: 'Key account', COMPANY_TYPE: 'CUSTOMER' },
    },
    {
        name: 'deal',
        plural: 'deals',
        service: 'deals',
        label: 'TITLE',
        add: (t) => ({ TITLE: t, OPPORTUNITY: 1200, CURRENCY_ID: 'EUR' }),
        added: { OPPORTUNITY: '1200.00', CURRENCY_ID: 'EUR', STAGE_ID: 'NEW', CATEGORY_ID: '0', CLOSED: 'N' },
        update: { STAGE_ID: 'WON', OPPORTUNITY: 3000 },
        updated: { STAGE_ID: 'WON', OPPORTUNITY: '3000.00', CLOSED: 'Y', STAGE_SEMANTIC_ID: 'S' },
    },
    {
        name: 'quote',
        plural: 'quotes',
        service: null,
        label: 'TITLE',
        add: (t) => ({ TITLE: t, OPPORTUNITY: 900, CURRENCY_ID: 'USD' }),
        added: { OPPORTUNITY: '900.00', CURRENCY_ID: 'USD' },
        update: { STATUS_ID: 'SENT', COMMENTS: 'Sent by e-mail' },
        updated: { STATUS_ID: 'SENT', COMMENTS: 'Sent by e-mail', OPPORTUNITY: '900.00' },
    },
];

function pick(obj, keys) {
    return Object.fromEntries(keys.map((k) => [k, obj?.[k]]));
}

function assertFields(actual, expected, what) {
    assert.deepEqual(pick(actual, Object.keys(expected)), expected, `${what}: ${JSON.stringify(actual).slice(0, 600)}`);
}

function ids(rows) {
    return rows.map((r) => String(r.ID));
}

function assertSameSet(actual, expected, what) {
    const dupes = actual.filter((v, i) => actual.indexOf(v) !== i);
    assert.deepEqual(dupes, [], `${what}: ids returned more than once`);
    assert.deepEqual([...actual].sort(), [...expected].sort(), `${what}: ids differ from the records created`);
}

/** Adds through the package's service when it has one for the entity, else through call(). */
async function add(sdk, e, fields) {
    if (sdk.name === '2bad/bitrix' && e.service) return (await gb.client[e.service].create(fields)).result;
    return sdk.call(`crm.${e.name}.add`, { fields });
}

async function get(sdk, e, id) {
    if (sdk.name === '2bad/bitrix' && e.service) return (await gb.client[e.service].get(String(id))).result;
    return sdk.call(`crm.${e.name}.get`, { id });
}

async function update(sdk, e, id, fields) {
    if (sdk.name === '2bad/bitrix' && e.service) return (await gb.client[e.service].update(String(id), fields)).result;
    return sdk.call(`crm.${e.name}.update`, { id, fields });
}

/** One batch; answers {result, result_error, result_total, result_next} as the server sent. */
async function batch(sdk, commands) {
    if (sdk.name === 'b24jssdk') {
        const calls = Object.fromEntries(Object.entries(commands).map(([k, c]) => [k, { method: c.method, params: c.params }]));
        const res = await js.hook.callBatch(calls, true);
        assert.ok(res.isSuccess, `batch errors: ${res.getErrorMessages().join('; ')}`);
        return js.log[js.log.length - 1].reply.result;
    }
    const payload = await gb.client.batch(commands);
    return payload.result;
}

for (const sdk of sdks) {
    // ---- add / get / update / list / delete ------------------------------------------------
    for (const e of entities) {
        test(`${sdk.name}: crm.${e.name} add, get, update, list and delete`, () =>
            withLog(sdk.log, async () => {
                const label = marker(`Crud${e.name}`);
                const id = await add(sdk, e, e.add(label));
                assert.ok(Number(id) > 0, `crm.${e.name}.add answered ${JSON.stringify(id)}`);
                const got = await get(sdk, e, id);
                assert.equal(String(got.ID), String(id));
                assert.equal(got[e.label], label);
                assertFields(got, e.added, `crm.${e.name}.get after add`);
                assert.equal(await update(sdk, e, id, e.update), true, `crm.${e.name}.update must answer true`);
                assertFields(await get(sdk, e, id), { [e.label]: label, ...e.updated }, `crm.${e.name}.get after update`);
                const rows = await sdk.call(`crm.${e.name}.list`, { filter: { ID: id }, select: ['ID', e.label] });
                assert.deepEqual(
                    rows.map((r) => [String(r.ID), r[e.label]]),
                    [[String(id), label]],
                );
                assert.equal(await sdk.call(`crm.${e.name}.delete`, { id }), true);
                const err = await sdk.error(raw(sdk)[sdk.name === 'b24jssdk' ? 'callMethod' : 'call'](`crm.${e.name}.get`, { id }));
                assert.equal(err.status, 400, `crm.${e.name}.get of a deleted record: ${JSON.stringify(err)}`);
                const left = await sdk.call(`crm.${e.name}.list`, { filter: { ID: id } });
                assert.deepEqual(left, [], `crm.${e.name}.list still finds the deleted record`);
            }));
    }

    // ---- filters and order -----------------------------------------------------------------
    test(`${sdk.name}: lead list with >=OPPORTUNITY and %TITLE, ordered by OPPORTUNITY DESC`, () =>
        withLog(sdk.log, async () => {
            const m = marker('Flt');
            const amounts = [50, 100, 150, 99.99, 400, 250];
            const made = [];
            for (const [i, amount] of amounts.entries())
                made.push({ id: String(await add(sdk, entities[0], { TITLE: `Lead ${i} ${m} east`, OPPORTUNITY: amount })), amount });
            // same amounts without the marker must stay out
            await add(sdk, entities[0], { TITLE: `Lead ${marker('other')}`, OPPORTUNITY: 500 });
            // the marker in lower case: %TITLE matches case-insensitively, as Bitrix does
            const params = {
                filter: { '>=OPPORTUNITY': 100, '%TITLE': m.toLowerCase() },
                order: { OPPORTUNITY: 'DESC' },
                select: ['ID', 'TITLE', 'OPPORTUNITY'],
            };
            const rows = sdk.name === '2bad/bitrix' ? (await gb.client.leads.list(params)).result : await sdk.call('crm.lead.list', params);
            const expected = made.filter((r) => r.amount >= 100).sort((a, b) => b.amount - a.amount);
            assert.deepEqual(
                ids(rows),
                expected.map((r) => r.id),
                'ids in OPPORTUNITY DESC order',
            );
            assert.deepEqual(
                rows.map((r) => r.OPPORTUNITY),
                ['400.00', '250.00', '150.00', '100.00'],
            );
            const asc = await sdk.call('crm.lead.list', { filter: { '%TITLE': m, '<OPPORTUNITY': 100 }, order: { ID: 'DESC' } });
            assert.deepEqual(
                ids(asc),
                made
                    .filter((r) => r.amount < 100)
                    .map((r) => r.id)
                    .sort((a, b) => b - a),
                '<OPPORTUNITY with ID DESC',
            );
        }));

    test(`${sdk.name}: deal list by stage and title, newest first`, () =>
        withLog(sdk.log, async () => {
            const m = marker('Stg');
            const made = [];
            for (const stage of ['NEW', 'PREPARATION', 'PREPARATION', 'WON', 'PREPARATION'])
                made.push({ id: String(await add(sdk, entities[3], { TITLE: `${m} deal`, STAGE_ID: stage })), stage });
            const params = { filter: { STAGE_ID: 'PREPARATION', '%TITLE': m }, order: { ID: 'DESC' } };
            const rows = sdk.name === '2bad/bitrix' ? (await gb.client.deals.list(params)).result : await sdk.call('crm.deal.list', params);
            const expected = made
                .filter((r) => r.stage === 'PREPARATION')
                .map((r) => r.id)
                .sort((a, b) => b - a);
            assert.deepEqual(ids(rows), expected);
            for (const r of rows) assert.equal(r.STAGE_ID, 'PREPARATION');
            const two = await sdk.call('crm.deal.list', {
                filter: { '@STAGE_ID': ['NEW', 'WON'], '%TITLE': m },
                order: { STAGE_ID: 'ASC', ID: 'ASC' },
            });
            assert.deepEqual(
                two.map((r) => r.STAGE_ID),
                ['NEW', 'WON'],
                '@STAGE_ID with a list, ordered by stage',
            );
        }));

    // ---- paging over 125 deals with each package's list helpers ----------------------------
    const pagingTitle = marker(`Pg${sdk.name === 'b24jssdk' ? 'js' : 'got'}`);
    const pagingIds = [];

    test(`${sdk.name}: 125 crm.deal.add in batches of 50`, () =>
        withLog(sdk.log, async () => {
            const n = 125;
            if (sdk.name === 'b24jssdk') {
                const calls = [];
                for (let i = 0; i < n; i++) calls.push(['crm.deal.add', { fields: { TITLE: `${pagingTitle} ${i}`, OPPORTUNITY: i * 10 } }]);
                const res = await js.hook.callBatchByChunk(calls, true);
                assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
                pagingIds.push(...res.getData().map(String));
            } else {
                const commands = [];
                for (let i = 0; i < n; i++)
                    commands.push({ method: 'crm.deal.add', params: { fields: { TITLE: `${pagingTitle} ${i}`, OPPORTUNITY: i * 10 } } });
                const payload = await gb.client.batch(commands);
                pagingIds.push(...payload.result.result.map(String));
            }
            assert.equal(pagingIds.length, n);
            assert.equal(new Set(pagingIds).size, n, 'crm.deal.add answered the same id twice');
            for (const id of pagingIds) assert.ok(Number(id) > 0, `crm.deal.add answered ${id}`);
        }));

    function needDeals() {
        assert.equal(pagingIds.length, 125, 'needs the 125 deals of the batch add test, which failed');
    }
    const pagingFilter = () => ({ '%TITLE': pagingTitle });

    if (sdk.name === 'b24jssdk') {
        test('b24jssdk: callListMethod returns all 125 deals once', () =>
            withLog(sdk.log, async () => {
                needDeals();
                const res = await js.hook.callListMethod('crm.deal.list', { filter: pagingFilter(), select: ['ID', 'TITLE'] });
                assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
                assertSameSet(ids(res.getData()), pagingIds, 'callListMethod');
            }));

        test('b24jssdk: fetchListMethod walks the ID cursor: 50, 50, 25', () =>
            withLog(sdk.log, async () => {
                needDeals();
                const sizes = [];
                const seen = [];
                for await (const chunk of js.hook.fetchListMethod('crm.deal.list', { filter: pagingFilter(), select: ['ID'] }, 'ID')) {
                    sizes.push(chunk.length);
                    seen.push(...ids(chunk));
                    assert.ok(sizes.length < 10, 'fetchListMethod does not end');
                }
                assert.deepEqual(sizes, [50, 50, 25]);
                assertSameSet(seen, pagingIds, 'fetchListMethod');
                assert.deepEqual(
                    seen,
                    [...seen].sort((a, b) => a - b),
                    'cursor pages come in ID order',
                );
            }));

        test('b24jssdk: actions.v2.callList and fetchList return every deal once', () =>
            withLog(sdk.log, async () => {
                needDeals();
                const res = await js.hook.actions.v2.callList.make({
                    method: 'crm.deal.list',
                    params: { filter: pagingFilter(), select: ['ID'] },
                    idKey: 'ID',
                });
                assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
                assertSameSet(ids(res.getData()), pagingIds, 'actions.v2.callList');
                const seen = [];
                for await (const chunk of js.hook.actions.v2.fetchList.make({
                    method: 'crm.deal.list',
                    params: { filter: pagingFilter(), select: ['ID'] },
                    idKey: 'ID',
                }))
                    seen.push(...ids(chunk));
                assertSameSet(seen, pagingIds, 'actions.v2.fetchList');
            }));

        test('b24jssdk: offset pages of crm.deal.list carry total and next', () =>
            withLog(sdk.log, async () => {
                needDeals();
                const http = js.hook.getHttpClient('v2');
                let page = await js.hook.callMethod('crm.deal.list', { filter: pagingFilter(), order: { ID: 'DESC' }, select: ['ID'] }, 0);
                const sizes = [];
                const seen = [];
                for (;;) {
                    sizes.push(page.getData().result.length);
                    seen.push(...ids(page.getData().result));
                    if (!page.isMore()) break;
                    assert.equal(page.getTotal(), 125);
                    page = await page.getNext(http);
                    assert.ok(sizes.length < 10, 'paging does not end');
                }
                assert.deepEqual(sizes, [50, 50, 25]);
                assert.deepEqual(
                    seen,
                    [...pagingIds].sort((a, b) => b - a),
                    'ID DESC across pages',
                );
            }));
    } else {
        test('2bad/bitrix: deals.list() reads total and fetches the other pages in one batch', () =>
            withLog(sdk.log, async () => {
                needDeals();
                const before = gb.log.count ?? 0;
                const payload = await gb.client.deals.list({ filter: pagingFilter(), select: ['ID', 'TITLE'] });
                assertSameSet(ids(payload.result), pagingIds, 'deals.list()');
                assert.equal(gb.log.count - before, 2, 'deals.list() should make one call and one batch');
                const first = gb.log[gb.log.length - 2]?.reply;
                assert.equal(first?.total, 125, 'first page total');
                assert.equal(first?.next, 50, 'first page next');
            }));

        test('2bad/bitrix: list() with order[ID]=DESC keeps the order across pages', () =>
            withLog(sdk.log, async () => {
                needDeals();
                const payload = await gb.client.list('crm.deal.list', { filter: pagingFilter(), order: { ID: 'DESC' }, select: ['ID'] });
                assert.deepEqual(
                    ids(payload.result),
                    [...pagingIds].sort((a, b) => b - a),
                );
                assert.equal(payload.total, 125);
            }));
    }

    // ---- batch: 50 adds in one call, then adds read back through $result ------------------
    for (const e of entities) {
        test(`${sdk.name}: batch adds 50 ${e.plural} and reads them back with $result references`, () =>
            withLog(sdk.log, async () => {
                const m = marker(`B${e.name}`);
                const adds = {};
                for (let i = 0; i < 50; i++)
                    adds[`a${i}`] = { method: `crm.${e.name}.add`, params: { fields: { [e.label]: `${m}-${i}` } } };
                const first = await batch(sdk, adds);
                assert.deepEqual(first.result_error, [], `batch errors: ${JSON.stringify(first.result_error)}`);
                const made = Object.keys(adds).map((k) => String(first.result[k]));
                assert.equal(new Set(made).size, 50, `50 distinct ids: ${JSON.stringify(made)}`);
                const listed = await sdk.call(`crm.${e.name}.list`, { filter: { [`%${e.label}`]: m }, select: ['ID'] });
                assert.equal(listed.length, 50, `crm.${e.name}.list finds the 50 records of the batch`);
                assertSameSet(ids(listed), made, `crm.${e.name}.list after batch add`);

                const pairs = {};
                for (let i = 0; i < 25; i++) {
                    pairs[`n${i}`] = { method: `crm.${e.name}.add`, params: { fields: { [e.label]: `${m}-ref-${i}` } } };
                    pairs[`g${i}`] = { method: `crm.${e.name}.get`, params: { id: `$result[n${i}]` } };
                }
                const second = await batch(sdk, pairs);
                assert.deepEqual(second.result_error, [], `batch errors: ${JSON.stringify(second.result_error)}`);
                for (let i = 0; i < 25; i++) {
                    const got = second.result[`g${i}`];
                    assert.equal(String(got?.ID), String(second.result[`n${i}`]), `g${i} reads the record n${i} added`);
                    assert.equal(got?.[e.label], `${m}-ref-${i}`);
                }
            }));
    }

    test(`${sdk.name}: batch binds a new contact and company to a new deal through $result`, () =>
        withLog(sdk.log, async () => {
            const m = marker('Link');
            const r = await batch(sdk, {
                co: { method: 'crm.company.add', params: { fields: { TITLE: `${m} Ltd` } } },
                c: { method: 'crm.contact.add', params: { fields: { NAME: m, COMPANY_ID: '$result[co]' } } },
                d: {
                    method: 'crm.deal.add',
                    params: { fields: { TITLE: `${m} deal`, CONTACT_ID: '$result[c]', COMPANY_ID: '$result[co]' } },
                },
                g: { method: 'crm.deal.get', params: { id: '$result[d]' } },
                l: { method: 'crm.deal.list', params: { filter: { CONTACT_ID: '$result[c]' }, select: ['ID'] } },
            });
            assert.deepEqual(r.result_error, [], `batch errors: ${JSON.stringify(r.result_error)}`);
            const { co, c, d, g, l } = r.result;
            assert.equal(g.CONTACT_ID, String(c));
            assert.deepEqual(g.CONTACT_IDS, [String(c)]);
            assert.equal(g.COMPANY_ID, String(co));
            assert.deepEqual(ids(l), [String(d)]);
            const contact = await sdk.call('crm.contact.get', { id: c });
            assert.equal(contact.COMPANY_ID, String(co), 'the contact keeps the company given by reference');
        }));
}
