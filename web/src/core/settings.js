// Personal settings: language (saved in the browser and in the user's LANGUAGE_ID), theme
// (per user, in this browser), the user's own name and password (user.password.set with the
// current one; this session stays signed in, the user's other sessions end).
import { useState } from 'preact/hooks';
import { html } from '../h.js';
import { ApiError, rest } from '../api.js';
import { languages, t } from '../i18n/index.js';
import { useSession } from '../session.js';
import { Form } from '../ui/form.js';
import { PageHead, toast } from '../ui/kit.js';

// Server refusals of a password change, in the user's language.
const passwordErrors = {
    INVALID_OLD_PASSWORD: 'settings.wrongOld',
    PASSWORD_NOT_SET: 'settings.noPassword',
    TOO_MANY_ATTEMPTS: 'settings.throttled',
};

function PasswordForm() {
    const [round, setRound] = useState(0); // a new key empties the form after a change
    const fields = [
        {
            name: 'OLD_PASSWORD',
            label: t('field.oldPassword'),
            type: 'password',
            required: true,
            max: 1024,
            autocomplete: 'current-password',
        },
        {
            name: 'PASSWORD',
            label: t('field.newPassword'),
            type: 'password',
            required: true,
            min: 8,
            max: 1024,
            hint: t('setup.passwordHint'),
            autocomplete: 'new-password',
        },
        {
            name: 'PASSWORD2',
            label: t('field.newPassword2'),
            type: 'password',
            required: true,
            sameAs: 'PASSWORD',
            max: 1024,
            autocomplete: 'new-password',
        },
    ];
    const save = async (v) => {
        try {
            await rest('user.password.set', { OLD_PASSWORD: v.OLD_PASSWORD, PASSWORD: v.PASSWORD });
        } catch (e) {
            const key = passwordErrors[e.code];
            throw key ? new ApiError(e.status, e.code, t(key), e.retryAfter) : e;
        }
        toast(t('settings.passwordChanged'), 'ok');
        setRound(round + 1);
    };
    return html`<section class="card">
        <h2>${t('settings.password')}</h2>
        <p class="muted">${t('settings.passwordText')}</p>
        <${Form} key=${round} id="password" fields=${fields} onSubmit=${save} submitLabel=${t('settings.password')} />
    </section>`;
}

export function Settings() {
    const s = useSession();
    const profileFields = [
        { name: 'NAME', label: t('field.firstName'), required: true, max: 100 },
        { name: 'LAST_NAME', label: t('field.lastName'), max: 100 },
        { name: 'WORK_POSITION', label: t('field.position'), max: 255 },
    ];
    const save = async (v) => {
        await rest('user.update', {
            ID: s.user.id,
            fields: { NAME: v.NAME.trim(), LAST_NAME: (v.LAST_NAME || '').trim(), WORK_POSITION: (v.WORK_POSITION || '').trim() },
        });
        toast(t('common.saved'), 'ok');
    };
    const themes = [
        ['system', t('theme.system')],
        ['light', t('theme.light')],
        ['dark', t('theme.dark')],
    ];
    return html`<div class="page narrow">
        <${PageHead} title=${t('nav.settings')} />
        <section class="card">
            <h2>${t('settings.appearance')}</h2>
            <div class="field">
                <label for="set-lang">${t('user.language')}</label>
                <select id="set-lang" value=${s.lang} onChange=${(e) => s.setLang(e.target.value)}>
                    ${languages.map((l) => html`<option value=${l.code} selected=${l.code === s.lang}>${l.name}</option>`)}
                </select>
            </div>
            <fieldset class="field">
                <legend>${t('settings.theme')}</legend>
                <div class="radio-row">${themes.map(
                    ([v, label]) => html`<label key=${v} class="radio">
                    <input type="radio" name="theme" value=${v} checked=${s.theme === v} onChange=${() => s.setTheme(v)} /> ${label}</label>`,
                )}</div>
            </fieldset>
        </section>
        <section class="card">
            <h2>${t('settings.profile')}</h2>
            <${Form} id="profile" fields=${profileFields} initial=${{ NAME: s.me.NAME || s.user.name || '', LAST_NAME: s.me.LAST_NAME || '', WORK_POSITION: s.me.WORK_POSITION || '' }} onSubmit=${save} />
        </section>
        <${PasswordForm} />
    </div>`;
}
