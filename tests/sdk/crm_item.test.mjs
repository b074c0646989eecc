// Drives the universal CRM API (crm.item.*, crm.item.productrow.*) through both client
// packages: @bitrix24/b24jssdk (JSON POSTs; its list helpers know the {items: [...]} shape when
// told customKeyForResult 'items') and @2bad/bitrix (GETs with PHP bracket parameters through
// its generic call; its list helper flattens array results only, so paging is done by hand with
// start/next). Covers typed CRUD on deals, smart invoices linked to a deal with product rows,
// errors, and paging over 60 contacts. It does not test the legacy crm.<entity>.* families.
import test from 'node:test';
import assert from 'node:assert/strict';
import { AjaxError } from '@bitrix24/b24jssdk';
import { b24, bitrix, withLog, marker, ISO_DATETIME } from './lib.mjs';

const js = b24();
const gb = bitrix();

/** Each SDK behind one small interface: call a method, catch its error as {status, code}. */
const sdks = [
    {
        name: 'b24jssdk',
        log: js.log,
        call: async (method, params = {}) => {
            const res = await js.hook.callMethod(method, params);
            return { ...res.getData(), total: res.getTotal() };
        },
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
        raw: (method, params) => js.hook.callMethod(method, params),
    },
    {
        name: '2bad/bitrix',
        log: gb.log,
        call: async (method, params = {}) => gb.client.call(method, params),
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
        raw: (method, params) => gb.client.call(method, params),
    },
];

const DEAL = 2;
const CONTACT = 3;
const INVOICE = 31;

for (const sdk of sdks) {
    test(`${sdk.name}: crm.item add/get/update/list/delete on a deal`, () =>
        withLog(sdk.log, async () => {
            const title = marker('Item');
            const added = (
                await sdk.call('crm.item.add', {
                    entityTypeId: DEAL,
                    fields: { title, opportunity: 250.5, currencyId: 'EUR', probability: 30 },
                })
            ).result.item;
            assert.equal(typeof added.id, 'number', 'item ids are JSON numbers');
            assert.equal(added.title, title);
            assert.equal(added.opportunity, 250.5);
            assert.equal(added.currencyId, 'EUR');
            assert.equal(added.stageId, 'NEW');
            assert.equal(added.entityTypeId, DEAL);
            assert.match(added.createdTime, ISO_DATETIME);

            const got = (await sdk.call('crm.item.get', { entityTypeId: DEAL, id: added.id })).result.item;
            assert.equal(got.id, added.id);
            assert.equal(got.probability, 30);

            const updated = (
                await sdk.call('crm.item.update', {
                    entityTypeId: DEAL,
                    id: added.id,
                    fields: { title: `${title}-2`, stageId: 'PREPARATION' },
                })
            ).result.item;
            assert.equal(updated.title, `${title}-2`);
            assert.equal(updated.stageId, 'PREPARATION');

            const list = await sdk.call('crm.item.list', {
                entityTypeId: DEAL,
                filter: { '=title': `${title}-2` },
                select: ['id', 'title', 'stageId'],
            });
            assert.deepEqual(
                list.result.items.map((i) => i.id),
                [added.id],
            );
            assert.equal(list.total, 1);
            assert.equal(list.result.items[0].opportunity, undefined, 'select keeps only the fields named');

            const deleted = await sdk.call('crm.item.delete', { entityTypeId: DEAL, id: added.id });
            assert.deepEqual(deleted.result, [], 'crm.item.delete answers []');
            const gone = await sdk.error(sdk.raw('crm.item.get', { entityTypeId: DEAL, id: added.id }));
            assert.deepEqual(gone, { status: 400, code: 'NOT_FOUND' });
        }));

    test(`${sdk.name}: a smart invoice of a deal with product rows`, () =>
        withLog(sdk.log, async () => {
            const deal = (await sdk.call('crm.item.add', { entityTypeId: DEAL, fields: { title: marker('InvDeal') } })).result.item;
            const inv = (
                await sdk.call('crm.item.add', {
                    entityTypeId: INVOICE,
                    fields: { parentId2: deal.id, currencyId: 'USD' },
                })
            ).result.item;
            assert.equal(inv.parentId2, deal.id);
            assert.equal(inv.stageId, 'DT31_1:N');
            assert.equal(inv.accountNumber, String(inv.id));
            const rows = (
                await sdk.call('crm.item.productrow.set', {
                    ownerType: 'SI',
                    ownerId: inv.id,
                    productRows: [
                        { productName: 'Hours', price: 80, quantity: 5 },
                        { productName: 'Travel', price: 45.5, quantity: 1 },
                    ],
                })
            ).result.productRows;
            assert.equal(rows.length, 2);
            assert.equal(rows[0].ownerType, 'SI');
            const listed = (await sdk.call('crm.item.productrow.list', { filter: { '=ownerType': 'SI', '=ownerId': inv.id } })).result
                .productRows;
            assert.deepEqual(
                listed.map((r) => r.productName),
                ['Hours', 'Travel'],
            );
            const paid = (await sdk.call('crm.item.update', { entityTypeId: INVOICE, id: inv.id, fields: { stageId: 'DT31_1:P' } })).result
                .item;
            assert.equal(paid.opportunity, 445.5, 'the invoice amount follows its rows');
            assert.equal(paid.previousStageId, 'DT31_1:N');
            const byDeal = (await sdk.call('crm.item.list', { entityTypeId: INVOICE, filter: { parentId2: deal.id } })).result.items;
            assert.deepEqual(
                byDeal.map((i) => i.id),
                [inv.id],
            );
        }));

    test(`${sdk.name}: crm.item errors`, () =>
        withLog(sdk.log, async () => {
            assert.deepEqual(await sdk.error(sdk.raw('crm.item.list', { entityTypeId: 5 })), {
                status: 400,
                code: 'ENTITY_TYPE_NOT_SUPPORTED',
            });
            assert.deepEqual(await sdk.error(sdk.raw('crm.item.get', { entityTypeId: DEAL, id: 987654 })), {
                status: 400,
                code: 'NOT_FOUND',
            });
            assert.deepEqual(await sdk.error(sdk.raw('crm.item.add', { entityTypeId: DEAL, fields: { opportunity: 'lots' } })), {
                status: 400,
                code: 'INVALID_ARG_VALUE',
            });
        }));
}

// ---- paging over 60 contacts ----------------------------------------------------------------
const lastName = marker('Page');
const created = [];

function assertSameSet(actual, what) {
    const dupes = actual.filter((v, i) => actual.indexOf(v) !== i);
    assert.deepEqual(dupes, [], `${what}: ids returned more than once`);
    assert.deepEqual(
        [...actual].sort((a, b) => a - b),
        [...created].sort((a, b) => a - b),
        `${what}: ids differ`,
    );
}

test('b24jssdk: 60 contacts through crm.item.add in batches', () =>
    withLog(js.log, async () => {
        const calls = [];
        for (let i = 0; i < 60; i++) calls.push(['crm.item.add', { entityTypeId: CONTACT, fields: { name: `N${i}`, lastName } }]);
        const res = await js.hook.callBatchByChunk(calls, true);
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        created.push(...res.getData().map((r) => r.item.id));
        assert.equal(new Set(created).size, 60);
    }));

const pageParams = () => ({ entityTypeId: CONTACT, filter: { '=lastName': lastName }, select: ['id', 'name', 'lastName'] });

test('b24jssdk: callListMethod over crm.item.list with customKeyForResult items', () =>
    withLog(js.log, async () => {
        assert.equal(created.length, 60, 'needs the contacts of the batch test');
        const res = await js.hook.callListMethod('crm.item.list', pageParams(), null, 'items');
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        assertSameSet(
            res.getData().map((i) => i.id),
            'callListMethod',
        );
    }));

test('b24jssdk: actions.v2.callList and fetchList walk the id cursor', () =>
    withLog(js.log, async () => {
        assert.equal(created.length, 60, 'needs the contacts of the batch test');
        const opts = { method: 'crm.item.list', params: pageParams(), idKey: 'id', customKeyForResult: 'items' };
        const res = await js.hook.actions.v2.callList.make(opts);
        assert.ok(res.isSuccess, `errors: ${res.getErrorMessages().join('; ')}`);
        assertSameSet(
            res.getData().map((i) => i.id),
            'actions.v2.callList',
        );
        const sizes = [];
        const seen = [];
        for await (const chunk of js.hook.actions.v2.fetchList.make(opts)) {
            sizes.push(chunk.length);
            seen.push(...chunk.map((i) => i.id));
            assert.ok(sizes.length < 10, 'fetchList does not end');
        }
        assert.deepEqual(sizes, [50, 10]);
        assertSameSet(seen, 'actions.v2.fetchList');
    }));

test('2bad/bitrix: crm.item.list paged by hand with start and next', () =>
    withLog(gb.log, async () => {
        assert.equal(created.length, 60, 'needs the contacts of the batch test');
        const seen = [];
        let start = 0;
        for (let page = 0; page < 5 && start !== undefined; page++) {
            const payload = await gb.client.call('crm.item.list', { ...pageParams(), order: { id: 'ASC' }, start });
            assert.equal(payload.total, 60);
            seen.push(...payload.result.items.map((i) => i.id));
            start = payload.next;
        }
        assert.equal(start, undefined, 'the last page has no next');
        assertSameSet(seen, 'start/next');
        assert.deepEqual(
            seen,
            [...seen].sort((a, b) => a - b),
            'pages come in id order',
        );
    }));
