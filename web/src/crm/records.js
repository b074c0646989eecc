// One way for the screens to call every CRM record type. Leads, deals, contacts, companies and
// quotes have their own method families (crm.lead.list, ...) with UPPER_CASE fields. Invoices
// exist only in crm.item.* (entityTypeId 31) with camelCase fields and wrapped results
// ({items}, {item}); for them the names are mapped both ways with the upperName each field of
// crm.item.fields carries, so screens see one shape for all.
import { call, has } from '../api.js';
import { ENTITIES } from './entities.js';

const itemType = (entity) => ENTITIES[entity]?.item;
const maps = new Map(); // entity -> Promise<{ fields (UPPER-keyed), up: {camel: UPPER}, down: {UPPER: camel} }>

function itemMap(entity) {
    if (!maps.has(entity)) {
        const p = call('crm.item.fields', { entityTypeId: itemType(entity) }).then((env) => {
            const src = env.result?.fields || {};
            const m = { fields: {}, up: {}, down: {} };
            for (const [camel, f] of Object.entries(src)) {
                const upper = f.upperName || camel;
                m.fields[upper] = f;
                m.up[camel] = upper;
                m.down[upper] = camel;
            }
            return m;
        });
        maps.set(
            entity,
            p.catch((e) => {
                maps.delete(entity);
                throw e;
            }),
        );
    }
    return maps.get(entity);
}

// Renames keys (keeping a filter operator prefix such as ">=" or "%") with names.
function rekey(obj, names) {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return obj;
    const out = {};
    for (const [k, v] of Object.entries(obj)) {
        const [, op, name] = /^([^A-Za-z]*)(.*)$/.exec(k);
        out[op + (names[name] || name)] = v;
    }
    return out;
}

function toItemParams(m, params) {
    const p = { ...params };
    if (Array.isArray(p.select)) p.select = p.select.map((n) => m.down[n] || n);
    for (const k of ['filter', 'order', 'fields']) if (p[k]) p[k] = rekey(p[k], m.down);
    return p;
}

// The method name a screen checks with has(): crm.lead.update, or crm.item.update for invoices.
export function methodOf(entity, action) {
    return itemType(entity) ? `crm.item.${action}` : `crm.${entity}.${action}`;
}

export const can = (entity, action) => has(methodOf(entity, action));

// Field descriptions keyed by the UPPER_CASE names.
export async function recordFields(entity) {
    if (!itemType(entity)) return (await call(`crm.${entity}.fields`)).result;
    return (await itemMap(entity)).fields;
}

// Calls action (list, get, add, update, delete) and returns the envelope the entity's own
// family would: list -> {result: [rows], total, next}; get -> {result: row}; add -> {result: id}.
export async function recordCall(entity, action, params = {}) {
    const type = itemType(entity);
    if (!type) return call(`crm.${entity}.${action}`, params);
    const m = await itemMap(entity);
    const env = await call(`crm.item.${action}`, { ...toItemParams(m, params), entityTypeId: type });
    const r = env.result;
    if (action === 'list') return { ...env, result: (r?.items || []).map((row) => rekey(row, m.up)) };
    if (action === 'get') return { ...env, result: rekey(r?.item, m.up) };
    if (action === 'add') return { ...env, result: r?.item?.id };
    return env;
}

export async function recordRest(entity, action, params) {
    return (await recordCall(entity, action, params)).result;
}
