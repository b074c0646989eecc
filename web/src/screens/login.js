// Sign-in: e-mail, password, "remember me". Wrong credentials, throttling (429 with
// Retry-After) and a busy server each get their own message.
import { html } from '../h.js';
import { auth } from '../api.js';
import { t } from '../i18n/index.js';
import { Form } from '../ui/form.js';
import { errorText } from '../ui/kit.js';
import { AuthLayout } from './auth-layout.js';

function waitText(seconds) {
    return seconds >= 90 ? t('login.waitMinutes', { n: Math.ceil(seconds / 60) }) : t('login.waitSeconds', { n: seconds || 60 });
}

export function Login({ lang, setLang, company, expired, onDone }) {
    const fields = [
        { name: 'email', label: t('field.email'), type: 'email', required: true, autocomplete: 'username' },
        { name: 'password', label: t('field.password'), type: 'password', required: true, max: 1000, autocomplete: 'current-password' },
        { name: 'remember', label: t('login.remember'), type: 'checkbox' },
    ];
    const submit = async (v) => {
        let r;
        try {
            r = await auth.login({ email: v.email.trim(), password: v.password, remember: !!v.remember });
        } catch (e) {
            let msg;
            if (e.status === 401) msg = t('login.bad');
            else if (e.status === 429) msg = t('login.throttled', { wait: waitText(e.retryAfter) });
            else msg = errorText(e);
            throw { description: msg };
        }
        await onDone(r);
    };
    return html`<${AuthLayout} title=${t('login.title')} lang=${lang} setLang=${setLang}>
        ${company && html`<p class="lead">${company}</p>`}
        ${expired && html`<p class="notice" role="status">${t('login.expired')}</p>`}
        <${Form} id="login" fields=${fields} onSubmit=${submit} submitLabel=${t('login.submit')} />
    <//>`;
}
