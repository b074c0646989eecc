// The live channel's browser side: one WebSocket to /live (the session cookie signs it in),
// shared by every screen that subscribes. A message names what changed ({"id", "event",
// "entity", "data": {"FIELDS": {"ID"}}}); screens re-fetch through REST, so what they show is
// still decided by REST. After a drop it reconnects with backoff (1 s doubling to 30 s) and asks
// for the events it missed (last_event_id); when the server cannot replay them it sends
// "resync", which every subscriber gets, as if everything had changed. Where no WebSocket
// opens (none in the browser, or three attempts in a row fail, e.g. behind a proxy that drops
// the upgrade) it reads the same events as Server-Sent Events from /live/sse instead.
import { useEffect, useRef } from 'preact/hooks';

const subs = new Set();
let ws = null;
let lastId = 0;
let backoff = 1000;
let retry = null;
let idle = null;
let failures = 0;
let sse = typeof WebSocket === 'undefined';

function deliver(msg) {
    for (const s of [...subs]) {
        if (msg.event === 'resync' || s.entity === '*' || s.entity === msg.entity) s.fn(msg);
    }
}

function onMessage(e) {
    let msg;
    try {
        msg = JSON.parse(e.data);
    } catch {
        return;
    }
    if (msg.id) lastId = msg.id;
    deliver(msg);
}

function connect() {
    clearTimeout(retry);
    retry = null;
    if (ws || !subs.size) return;
    if (sse) {
        if (typeof EventSource === 'undefined') return;
        // EventSource reconnects by itself and sends Last-Event-ID
        ws = new EventSource(`/live/sse${lastId ? `?last_event_id=${lastId}` : ''}`);
        ws.onmessage = onMessage;
        return;
    }
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live${lastId ? `?last_event_id=${lastId}` : ''}`;
    const sock = new WebSocket(url);
    ws = sock;
    let opened = false;
    sock.onopen = () => {
        backoff = 1000;
        failures = 0;
        opened = true;
    };
    sock.onmessage = onMessage;
    sock.onclose = () => {
        if (ws !== sock) return;
        ws = null;
        if (!opened && ++failures >= 3 && typeof EventSource !== 'undefined') sse = true;
        if (!subs.size) return;
        retry = setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 30000);
    };
}

// Calls fn(msg) for every event about entity ('deal', 'lead', 'task', ... or '*'), and for
// "resync". Returns the function that stops it. The socket closes a little after the last
// subscriber leaves, so moving between screens keeps it.
export function subscribe(entity, fn) {
    const s = { entity, fn };
    subs.add(s);
    clearTimeout(idle);
    connect();
    return () => {
        subs.delete(s);
        if (subs.size) return;
        idle = setTimeout(() => {
            if (subs.size || !ws) return;
            const sock = ws;
            ws = null;
            sock.close();
        }, 5000);
    };
}

// Screen hook: runs fn(msg) on events about entity (and, when given, for which match(msg) is
// true; "resync" always) while the component is shown. Bursts are coalesced (one call per
// 150 ms, with the last message) so a batch of changes costs one re-fetch.
export function useLive(entity, fn, match) {
    const ref = useRef(fn);
    ref.current = fn;
    const pick = useRef(match);
    pick.current = match;
    useEffect(() => {
        let timer = null,
            last = null;
        const off = subscribe(entity, (msg) => {
            if (msg.event !== 'resync' && pick.current && !pick.current(msg)) return;
            last = msg;
            if (!timer)
                timer = setTimeout(() => {
                    timer = null;
                    ref.current(last);
                }, 150);
        });
        return () => {
            clearTimeout(timer);
            off();
        };
    }, [entity]);
}
