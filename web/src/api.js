// The only way the app talks to kazi: the sign-in API (/api/auth/*) and REST calls to
// /rest/<method> with the session cookie and the X-CSRF-Token header. Errors become ApiError
// with the HTTP status, the protocol's code and its description. The live channel is live.js.

let csrf = '';
let onSignedOut = null;
let methodSet = null;

export class ApiError extends Error {
    constructor(status, code, description, retryAfter) {
        super(description || code || `HTTP ${status}`);
        this.status = status;
        this.code = code || '';
        this.description = description || '';
        this.retryAfter = retryAfter || 0;
    }
}

export function setCsrf(token) {
    csrf = token || '';
}

// fn() runs when a REST call finds the session gone (401), so the app can show sign-in.
export function setSignedOutHandler(fn) {
    onSignedOut = fn;
}

async function send(url, { method = 'POST', body, headers = {} } = {}) {
    let res;
    try {
        res = await fetch(url, {
            method,
            credentials: 'same-origin',
            headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    } catch (e) {
        throw new ApiError(0, 'NETWORK', e.message);
    }
    let data = null;
    try {
        data = await res.json();
    } catch {
        data = null;
    }
    if (!res.ok || !data || (data.error !== undefined && data.result === undefined)) {
        const retry = parseInt(res.headers.get('Retry-After') || '0', 10) || 0;
        throw new ApiError(res.status, data?.error, data?.error_description || res.statusText, retry);
    }
    return data;
}

// Calls a REST method and returns the whole envelope {result, total, next}.
export async function call(method, params = {}) {
    try {
        return await send(`/rest/${method}`, { body: params, headers: { 'X-CSRF-Token': csrf } });
    } catch (e) {
        if (e.status === 401 && onSignedOut) onSignedOut();
        throw e;
    }
}

// Calls a REST method and returns its result.
export async function rest(method, params) {
    return (await call(method, params)).result;
}

// Runs up to 50 commands {key: [method, params]} in one `batch` call. Returns the batch
// result {result, result_error, result_total, result_next}.
export async function batch(cmds, halt = false) {
    const cmd = {};
    for (const [key, [method, params]] of Object.entries(cmds)) cmd[key] = `${method}?${query(params || {})}`;
    return rest('batch', { halt: halt ? 1 : 0, cmd });
}

// PHP bracket query string of a params object, as batch commands carry them.
export function query(params, prefix = '') {
    const parts = [];
    for (const [k, v] of Object.entries(params)) {
        const key = prefix ? `${prefix}[${k}]` : k;
        if (v !== null && typeof v === 'object') {
            const inner = query(Array.isArray(v) ? Object.fromEntries(v.map((x, i) => [i, x])) : v, key);
            if (inner) parts.push(inner);
        } else if (v !== undefined) {
            const val = v === true ? 'Y' : v === false ? 'N' : String(v ?? '');
            parts.push(`${encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(val)}`);
        }
    }
    return parts.join('&');
}

// Every page of a list method (50 rows a page), up to max rows.
export async function listAll(method, params = {}, max = 5000) {
    const rows = [];
    let start = 0;
    for (;;) {
        const env = await call(method, { ...params, start });
        const page = Array.isArray(env.result) ? env.result : env.result?.items || [];
        rows.push(...page);
        if (env.next === undefined || env.next === null || rows.length >= max) break;
        start = env.next;
    }
    return rows;
}

// The methods this session may call (cached); `has('crm.deal.list')`.
export async function loadMethods() {
    const list = await rest('methods');
    methodSet = new Set((list || []).map((m) => String(m).toLowerCase()));
    return methodSet;
}

export function has(method) {
    return !!methodSet && methodSet.has(method.toLowerCase());
}

export const auth = {
    state: () => send('/api/auth/state', { method: 'GET' }),
    setup: (f) => send('/api/auth/setup', { body: f }),
    login: (f) => send('/api/auth/login', { body: f }),
    logout: () => send('/api/auth/logout', { body: {}, headers: { 'X-CSRF-Token': csrf } }),
};
