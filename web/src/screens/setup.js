// First run: creates the administrator and the company name (POST /api/auth/setup), which
// also signs the administrator in.
import { html } from '../h.js';
import { auth } from '../api.js';
import { t } from '../i18n/index.js';
import { Form } from '../ui/form.js';
import { AuthLayout } from './auth-layout.js';

export function Setup({ lang, setLang, onDone }) {
    const fields = [
        { name: 'company', label: t('setup.company'), required: true, max: 200, autocomplete: 'organization' },
        { name: 'name', label: t('field.firstName'), required: true, max: 100, autocomplete: 'given-name' },
        { name: 'last_name', label: t('field.lastName'), max: 100, autocomplete: 'family-name' },
        { name: 'email', label: t('field.email'), type: 'email', required: true, autocomplete: 'email' },
        {
            name: 'password',
            label: t('field.password'),
            type: 'password',
            required: true,
            min: 8,
            max: 1000,
            hint: t('setup.passwordHint'),
            autocomplete: 'new-password',
        },
        {
            name: 'password2',
            label: t('field.password2'),
            type: 'password',
            required: true,
            sameAs: 'password',
            max: 1000,
            autocomplete: 'new-password',
        },
    ];
    const submit = async (v) => {
        const body = {
            company: v.company.trim(),
            name: v.name.trim(),
            last_name: (v.last_name || '').trim(),
            email: v.email.trim(),
            password: v.password,
        };
        const r = await auth.setup(body);
        await onDone({ user: r.user, csrf: r.csrf, company: body.company });
    };
    return html`<${AuthLayout} title=${t('setup.title')} lang=${lang} setLang=${setLang} wide>
        <p class="lead">${t('setup.intro')}</p>
        <${Form} id="setup" fields=${fields} onSubmit=${submit} submitLabel=${t('setup.submit')} />
    <//>`;
}
