// Client-side routes over the History API. kazi serves index.html for the app's sections
// (/, /login, /setup, /settings, /admin/... and each module's, e.g. /crm/..., /tasks/...), so a
// reload lands on the same screen. Which screen a path shows is decided in routes.js.
import { useEffect, useState } from 'preact/hooks';
import { html } from './h.js';

const listeners = new Set();

export function navigate(to, replace = false) {
    if (to === location.pathname + location.search) return;
    history[replace ? 'replaceState' : 'pushState'](null, '', to);
    listeners.forEach((f) => f());
}

export function usePath() {
    const [path, setPath] = useState(location.pathname);
    useEffect(() => {
        const f = () => setPath(location.pathname);
        listeners.add(f);
        addEventListener('popstate', f);
        return () => {
            listeners.delete(f);
            removeEventListener('popstate', f);
        };
    }, []);
    return path;
}

// '/crm/:entity/:id' against '/crm/deal/5' -> {entity: 'deal', id: '5'}, or null.
export function match(pattern, path) {
    const p = pattern.split('/').filter(Boolean);
    const s = path.split('/').filter(Boolean);
    if (p.length !== s.length) return null;
    const out = {};
    for (let i = 0; i < p.length; i++) {
        if (p[i][0] === ':') out[p[i].slice(1)] = decodeURIComponent(s[i]);
        else if (p[i] !== s[i]) return null;
    }
    return out;
}

export function Link({ href, children, ...rest }) {
    const click = (e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
        rest.onNavigate?.();
    };
    const { onNavigate, ...attrs } = rest;
    return html`<a href=${href} onClick=${click} ...${attrs}>${children}</a>`;
}

// Replaces the current address with `to` once rendered (a route that only forwards).
export function Redirect({ to }) {
    useEffect(() => navigate(to, true), [to]);
    return null;
}
