// Cached CRM metadata for the session: field descriptions (crm.<x>.fields), dictionaries
// (crm.status.list by ENTITY_ID), pipelines and their stages, currencies, and user names for
// ASSIGNED_BY_ID. Each is fetched once per page load.
import { batch, has, listAll, rest } from '../api.js';
import { recordFields } from './records.js';

const cache = new Map();
function once(key, fn) {
    if (!cache.has(key))
        cache.set(
            key,
            fn().catch((e) => {
                cache.delete(key);
                throw e;
            }),
        );
    return cache.get(key);
}

export function forget(prefix) {
    for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k);
}

export const fields = (entity) => once(`fields:${entity}`, () => recordFields(entity));

// [{STATUS_ID, NAME, SORT, SEMANTICS, COLOR}] of a dictionary, sorted.
export const dictionary = (entityId) =>
    once(`dict:${entityId}`, async () => {
        const rows = await listAll('crm.status.list', { filter: { ENTITY_ID: entityId }, order: { SORT: 'ASC' } });
        return rows.sort((a, b) => Number(a.SORT) - Number(b.SORT));
    });

// Several dictionaries in one batch call: {ENTITY_ID: rows}.
export async function dictionaries(ids) {
    const want = ids.filter((id) => !cache.has(`dict:${id}`));
    if (want.length && has('batch')) {
        const cmds = Object.fromEntries(
            want.map((id, i) => [`d${i}`, ['crm.status.list', { filter: { ENTITY_ID: id }, order: { SORT: 'ASC' } }]]),
        );
        try {
            const r = await batch(cmds);
            want.forEach((id, i) => {
                const rows = r.result?.[`d${i}`];
                if (Array.isArray(rows) && r.result_next?.[`d${i}`] === undefined)
                    cache.set(`dict:${id}`, Promise.resolve(rows.sort((a, b) => Number(a.SORT) - Number(b.SORT))));
            });
        } catch {
            /* fall back to one call each below */
        }
    }
    const out = {};
    await Promise.all(
        ids.map(async (id) => {
            out[id] = await dictionary(id).catch(() => []);
        }),
    );
    return out;
}

// Deal pipelines [{id, name}] with the general pipeline (0) first.
export const pipelines = () =>
    once('pipelines', async () => {
        if (has('crm.category.list')) {
            const r = await rest('crm.category.list', { entityTypeId: 2 });
            const list = (r?.categories || []).map((c) => ({ id: Number(c.id), name: c.name, sort: Number(c.sort) || 0 }));
            if (!list.some((c) => c.id === 0)) list.unshift({ id: 0, name: '', sort: -1 });
            return list.sort((a, b) => (a.id === 0 ? -1 : b.id === 0 ? 1 : a.sort - b.sort || a.id - b.id));
        }
        const list = has('crm.dealcategory.list') ? await listAll('crm.dealcategory.list', {}) : [];
        return [{ id: 0, name: '' }, ...list.map((c) => ({ id: Number(c.ID), name: c.NAME }))];
    });

export const stageDict = (categoryId) => (Number(categoryId) ? `DEAL_STAGE_${Number(categoryId)}` : 'DEAL_STAGE');

export const currencies = () =>
    once('currencies', async () => {
        if (!has('crm.currency.list')) return [];
        const rows = await rest('crm.currency.list', {});
        return (rows || []).map((c) => ({
            code: c.CURRENCY,
            base: c.BASE === 'Y',
            name: c.FULL_NAME || c.LANG?.en?.FULL_NAME || c.CURRENCY,
        }));
    });

export const users = () => once('users', () => listAll('user.get', {}, 2000).catch(() => []));

export function userName(list, id) {
    const u = (list || []).find((x) => String(x.ID) === String(id));
    return u ? [u.NAME, u.LAST_NAME].filter(Boolean).join(' ') || u.EMAIL : id && Number(id) ? `#${id}` : '';
}

export function statusName(rows, code) {
    return (rows || []).find((s) => s.STATUS_ID === code)?.NAME || code || '';
}
