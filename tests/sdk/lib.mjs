// Shared helpers for the client-package tests: the environment tests/sdk/run exports, clients
// of both packages built the way their users build them (only a logging hook added), a record
// of the last HTTP exchanges for failure messages, and CLI helpers for webhooks.
// It does not start kazi: tests/sdk/run does, and these helpers only talk to it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ApiVersion, B24Hook, Logger } from '@bitrix24/b24jssdk';
import { Bitrix } from '@2bad/bitrix';

function need(name) {
    const v = process.env[name];
    if (!v) throw new Error(`environment variable ${name} is not set; run the tests with tests/sdk/run`);
    return v;
}

export const env = {
    httpsUrl: need('KAZI_HTTPS_URL'),
    httpUrl: process.env.KAZI_HTTP_URL || '',
    hookPath: need('KAZI_HOOK_PATH'),
    limitedPath: need('KAZI_HOOK_PATH_LIMITED'),
    adminId: need('KAZI_ADMIN_ID'),
    adminEmail: need('KAZI_ADMIN_EMAIL'),
    limitedId: need('KAZI_LIMITED_ID'),
    data: need('KAZI_DATA'),
    bin: need('KAZI_BIN'),
};

/** A short random marker, for names and e-mails that must not collide between runs. */
export function marker(prefix) {
    return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** The webhook URL (https) for a path such as /rest/1/secret. */
export function hookUrl(path) {
    return `${env.httpsUrl}${path}`;
}

// Exchanges kept per client, newest last; shown when a test fails. log.count counts them all.
const KEEP = 6;
const SHOW = 3;

function remember(log, entry) {
    log.count = (log.count || 0) + 1;
    entry.seq = log.count;
    log.push(entry);
    if (log.length > KEEP) log.shift();
}

function clip(v, n = 1500) {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > n ? `${s.slice(0, n)}...(${s.length} bytes)` : s;
}

/** Formats a client's exchanges numbered above `after` for an assertion message. */
export function describeLog(log, after = 0) {
    const mine = (log || []).filter((e) => e.seq > after);
    if (mine.length === 0) return '(no HTTP exchange recorded)';
    return mine
        .slice(-SHOW)
        .map((e, i) =>
            [
                `#${i + 1} ${e.method} ${clip(e.url, 600)}`,
                e.body !== undefined ? `   request body: ${clip(e.body)}` : null,
                `   -> ${e.status ?? 'no reply'} ${clip(e.reply)}`,
            ]
                .filter(Boolean)
                .join('\n'),
        )
        .join('\n');
}

/**
 * An official-SDK client for a webhook path, created as its documentation shows
 * (B24Hook.fromWebhookUrl). An axios interceptor records each exchange in client.log.
 * The SDK's own console warnings (deprecations) go to a handler-less logger.
 */
export function b24(path = env.hookPath) {
    const hook = B24Hook.fromWebhookUrl(hookUrl(path));
    hook.setLogger(new Logger('kazi-tests'));
    const log = [];
    const ax = hook.getHttpClient(ApiVersion.v2).ajaxClient;
    ax.interceptors.response.use(
        (res) => {
            remember(log, {
                method: res.config.method?.toUpperCase(),
                url: res.config.url,
                body: res.config.data,
                status: res.status,
                reply: res.data,
            });
            return res;
        },
        (err) => {
            remember(log, {
                method: err.config?.method?.toUpperCase(),
                url: err.config?.url,
                body: err.config?.data,
                status: err.response?.status,
                reply: err.response?.data ?? err.message,
            });
            return Promise.reject(err);
        },
    );
    return { hook, log };
}

/**
 * An @2bad/bitrix client for a webhook path, created as its README shows
 * (Bitrix('https://.../rest/1/SECRET')). A got afterResponse hook records each exchange; the
 * package's own beforeRequest hook only adds an OAuth token, which webhooks do not have.
 */
export function bitrix(path = env.hookPath) {
    const log = [];
    const client = Bitrix(hookUrl(path), undefined, {
        hooks: {
            afterResponse: [
                (res) => {
                    remember(log, {
                        method: res.request.options.method,
                        url: res.requestUrl.toString(),
                        status: res.statusCode,
                        reply: res.body,
                    });
                    return res;
                },
            ],
        },
    });
    return { client, log };
}

/**
 * Runs fn; when it throws, adds the client's recent HTTP exchanges to the error message so a
 * failure shows what was sent and what came back.
 */
export async function withLog(log, fn) {
    const after = log.count || 0;
    try {
        return await fn();
    } catch (e) {
        if (e && typeof e === 'object') {
            const extra = `\n--- last HTTP exchanges ---\n${describeLog(log, after)}`;
            try {
                e.message = `${e.message}${extra}`;
            } catch {
                throw new Error(`${String(e)}${extra}`);
            }
        }
        throw e;
    }
}

/** Runs the kazi CLI against the test data directory; returns stdout. */
export function kazi(...args) {
    return execFileSync(env.bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Creates a webhook with `kazi webhook add` and returns {id, path}. */
export function addWebhook(userId, scopes) {
    const out = kazi('webhook', 'add', '--data', env.data, '--user', String(userId), '--scopes', scopes);
    const lines = out.trim().split('\n');
    const id = /webhook (\d+)/.exec(out)?.[1];
    const path = /(\/rest\/\d+\/[^/\s]+)\/?\s*$/.exec(lines[lines.length - 1])?.[1];
    if (!id || !path) throw new Error(`unexpected output of 'kazi webhook add': ${out}`);
    return { id: Number(id), path };
}

/**
 * Revokes a webhook the way an operator would without the REST method: straight in the
 * database. Used only when webhook.revoke does not exist; the caller says so in a diagnostic.
 */
export function revokeInDatabase(id) {
    execFileSync('sqlite3', [`${env.data}/kazi.db`, `UPDATE core_webhook SET revoked_at=strftime('%s') WHERE id=${Number(id)};`], {
        stdio: ['ignore', 'pipe', 'pipe'],
    });
}

/** An ISO 8601 date-time with an offset, as Bitrix24 sends (2024-06-13T18:23:54+02:00). */
export const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;
