// Small shared pieces: data loading, toasts, modal dialogs, confirmation, the pager, error
// text for ApiError, and the spinner. Forms live in form.js.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../h.js';
import { t } from '../i18n/index.js';
import { Icon } from './icons.js';

// Runs fn() (async) when deps change: {data, error, loading, reload, setData}.
export function useAsync(fn, deps) {
    const [state, setState] = useState({ data: undefined, error: null, loading: true });
    const seq = useRef(0);
    const run = useCallback(() => {
        const n = ++seq.current;
        setState((s) => ({ ...s, loading: true, error: null }));
        Promise.resolve()
            .then(fn)
            .then(
                (data) => n === seq.current && setState({ data, error: null, loading: false }),
                (error) => n === seq.current && setState({ data: undefined, error, loading: false }),
            );
    }, deps);
    useEffect(run, [run]);
    return { ...state, reload: run, setData: (d) => setState((s) => ({ ...s, data: d })) };
}

// What a person should read for an ApiError (translated for the codes the app knows).
export function errorText(e) {
    if (!e) return '';
    const known = {
        NETWORK: 'err.network',
        ACCESS_DENIED: 'err.denied',
        insufficient_scope: 'err.denied',
        DATABASE_BUSY: 'err.busy',
        SERVER_BUSY: 'err.busy',
        QUERY_LIMIT_EXCEEDED: 'err.busy',
        REQUEST_TOO_LARGE: 'err.tooLarge',
        REQUEST_BODY_TOO_LARGE: 'err.tooLarge',
        ERROR_METHOD_NOT_FOUND: 'err.noMethod',
    };
    if (known[e.code]) return t(known[e.code]);
    if (e.status >= 500) return t('err.server');
    return e.description || e.message || t('err.server');
}

// ---- toasts: one polite live region for the whole app
const toastListeners = new Set();
let toastSeq = 0;
export function toast(text, kind = 'info') {
    const item = { id: ++toastSeq, text, kind };
    toastListeners.forEach((f) => f(item));
}

export function Toasts() {
    const [items, setItems] = useState([]);
    useEffect(() => {
        const add = (item) => {
            setItems((xs) => [...xs.slice(-2), item]);
            setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== item.id)), item.kind === 'error' ? 8000 : 3500);
        };
        toastListeners.add(add);
        return () => toastListeners.delete(add);
    }, []);
    return html`<div class="toasts" role="status" aria-live="polite">
        ${items.map((i) => html`<div key=${i.id} class=${`toast toast-${i.kind}`}>${i.text}</div>`)}
    </div>`;
}

// A modal dialog: focus moves into it, Escape and the close button call onClose, focus
// returns to where it was.
export function Modal({ title, onClose, children, wide }) {
    const box = useRef(null);
    useEffect(() => {
        const before = document.activeElement;
        const first = box.current?.querySelector('input, select, textarea, button:not(.modal-close)');
        (first || box.current)?.focus();
        const key = (e) => {
            if (e.key === 'Escape') onClose();
            if (e.key === 'Tab' && box.current) {
                const f = [...box.current.querySelectorAll('a[href], button, input, select, textarea, [tabindex="0"]')].filter(
                    (x) => !x.disabled,
                );
                if (!f.length) return;
                if (e.shiftKey && document.activeElement === f[0]) {
                    e.preventDefault();
                    f[f.length - 1].focus();
                } else if (!e.shiftKey && document.activeElement === f[f.length - 1]) {
                    e.preventDefault();
                    f[0].focus();
                }
            }
        };
        document.addEventListener('keydown', key);
        return () => {
            document.removeEventListener('keydown', key);
            before?.focus?.();
        };
    }, []);
    return html`<div class="modal-backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
        <div class=${`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby="modal-title" ref=${box} tabindex="-1">
            <div class="modal-head">
                <h2 id="modal-title">${title}</h2>
                <button type="button" class="icon-btn modal-close" onClick=${onClose} aria-label=${t('common.close')}><${Icon} name="x" /></button>
            </div>
            <div class="modal-body">${children}</div>
        </div>
    </div>`;
}

export function Confirm({ title, text, confirmLabel, danger, onConfirm, onClose }) {
    const [busy, setBusy] = useState(false);
    const [err, setErr] = useState('');
    const go = async () => {
        setBusy(true);
        try {
            await onConfirm();
            onClose();
        } catch (e) {
            setErr(errorText(e));
            setBusy(false);
        }
    };
    return html`<${Modal} title=${title} onClose=${onClose}>
        <p>${text}</p>
        ${err && html`<p class="form-error" role="alert">${err}</p>`}
        <div class="form-actions">
            <button type="button" class="btn" onClick=${onClose}>${t('common.cancel')}</button>
            <button type="button" class=${`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled=${busy} onClick=${go}>${confirmLabel}</button>
        </div>
    <//>`;
}

// "1–50 of 230" with previous / next; total may be unknown (null) for cursor paging.
export function Pager({ start, count, total, hasNext, onPrev, onNext }) {
    const from = count ? start + 1 : 0;
    const to = start + count;
    return html`<nav class="pager" aria-label=${t('common.pages')}>
        <span class="pager-text">${
            total === null || total === undefined ? t('common.rangeOpen', { from, to }) : t('common.range', { from, to, total })
        }</span>
        <button type="button" class="btn btn-small" onClick=${onPrev} disabled=${start <= 0} aria-label=${t('common.prev')}><${Icon} name="left" size=${16} /></button>
        <button type="button" class="btn btn-small" onClick=${onNext} disabled=${!hasNext} aria-label=${t('common.next')}><${Icon} name="right" size=${16} /></button>
    </nav>`;
}

export function Spinner() {
    return html`<div class="spinner" role="status"><span class="visually-hidden">${t('common.loading')}</span></div>`;
}

export function ErrorBox({ error, onRetry }) {
    if (!error) return null;
    return html`<div class="error-box" role="alert">
        <p>${errorText(error)}</p>
        ${onRetry && html`<button type="button" class="btn btn-small" onClick=${onRetry}>${t('common.retry')}</button>`}
    </div>`;
}

// Loading / error / content in one place.
export function Loaded({ state, children }) {
    if (state.error) return html`<${ErrorBox} error=${state.error} onRetry=${state.reload} />`;
    if (state.loading && state.data === undefined) return html`<${Spinner} />`;
    return children(state.data);
}

export function PageHead({ title, children }) {
    useEffect(() => {
        document.title = `${title} · kazi`;
    }, [title]);
    return html`<div class="page-head"><h1 id="page-title">${title}</h1><div class="page-actions">${children}</div></div>`;
}

export function CopyButton({ text }) {
    const [done, setDone] = useState(false);
    const copy = async () => {
        try {
            await navigator.clipboard.writeText(text);
        } catch {
            const ta = document.createElement('textarea');
            ta.value = text;
            document.body.appendChild(ta);
            ta.select();
            document.execCommand('copy');
            ta.remove();
        }
        setDone(true);
        setTimeout(() => setDone(false), 2000);
    };
    return html`<button type="button" class="btn" onClick=${copy}><${Icon} name="copy" size=${16} /> ${done ? t('common.copied') : t('common.copy')}</button>`;
}
