// The frame of the sign-in and first-run screens: a centred card with the language choice.
import { useEffect } from 'preact/hooks';
import { html } from '../h.js';
import { languages, t } from '../i18n/index.js';

export function AuthLayout({ title, lang, setLang, children, wide }) {
    useEffect(() => {
        document.title = `${title} · kazi`;
    }, [title]);
    return html`<main class="center-page" id="main">
        <div class=${`auth-card${wide ? ' auth-wide' : ''}`}>
            <div class="auth-top">
                <span class="brand"><span class="brand-mark" aria-hidden="true">k</span><span class="brand-name">kazi</span></span>
                <label class="lang-pick"><span class="visually-hidden">${t('user.language')}</span>
                    <select value=${lang} onChange=${(e) => setLang(e.target.value)} data-testid="lang-select">
                        ${languages.map((l) => html`<option value=${l.code} selected=${l.code === lang}>${l.name}</option>`)}
                    </select>
                </label>
            </div>
            <h1>${title}</h1>
            ${children}
        </div>
    </main>`;
}
