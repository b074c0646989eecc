// The app's top level: asks /api/auth/state, then shows first-run setup, sign-in, or the shell
// with the screen for the current path. After sign-in it learns in one batch call which
// methods and modules exist and the user's saved language.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from './h.js';
import { auth, batch, loadMethods, setCsrf, setSignedOutHandler, rest } from './api.js';
import { getLang, setLang } from './i18n/index.js';
import { navigate, usePath } from './router.js';
import { SessionContext } from './session.js';
import { applyTheme, loadTheme, saveTheme } from './theme.js';
import { ErrorBox, Spinner, Toasts } from './ui/kit.js';
import { Shell } from './shell.js';
import { Setup } from './screens/setup.js';
import { Login } from './screens/login.js';
import { routeScreen } from './routes.js';
import { setOptions } from './options.js';

async function loadSessionData() {
    const [, b] = await Promise.all([
        loadMethods(),
        batch({ modules: ['kazi.modules', {}], me: ['user.current', {}], options: ['user.option.get', {}] }),
    ]);
    setOptions(b.result.options);
    return { modules: (b.result.modules || []).filter((m) => m.enabled), allModules: b.result.modules || [], me: b.result.me || {} };
}

export function App() {
    const [state, setState] = useState({ phase: 'loading' });
    const [lang, setLangState] = useState(getLang());
    const [theme, setThemeState] = useState('system');
    const path = usePath();

    const start = async () => {
        setState({ phase: 'loading' });
        try {
            const s = await auth.state();
            if (s.setup_required) return setState({ phase: 'setup' });
            if (!s.user) return setState({ phase: 'login', company: s.company });
            await signedIn(s.user, s.csrf, s.company);
        } catch (e) {
            setState({ phase: 'error', error: e });
        }
    };

    const signedIn = async (user, csrf, company) => {
        setCsrf(csrf);
        const data = await loadSessionData();
        const saved = data.me.LANGUAGE_ID;
        if (saved && saved !== getLang() && !localStorage.getItem('kazi.lang.chosen')) setLangState(setLang(saved));
        const th = loadTheme(user.id);
        applyTheme(th);
        setThemeState(th);
        setState({ phase: 'ready', user, company, ...data });
        if (location.pathname === '/login' || location.pathname === '/setup') navigate(sessionStorage.getItem('kazi.after') || '/', true);
        sessionStorage.removeItem('kazi.after');
    };

    useEffect(() => {
        setSignedOutHandler(() => setState((s) => (s.phase === 'ready' ? { phase: 'login', company: s.company, expired: true } : s)));
        start();
    }, []);

    useEffect(() => {
        if (state.phase === 'login' && location.pathname !== '/login') {
            if (location.pathname !== '/' && location.pathname !== '/setup')
                sessionStorage.setItem('kazi.after', location.pathname + location.search);
            navigate('/login', true);
        }
        if (state.phase === 'setup' && location.pathname !== '/setup') navigate('/setup', true);
    }, [state.phase, path]);

    const session = useMemo(
        () =>
            state.phase !== 'ready'
                ? null
                : {
                      user: state.user,
                      company: state.company,
                      modules: state.modules,
                      allModules: state.allModules,
                      me: state.me,
                      isAdmin: !!state.user.is_admin,
                      lang,
                      theme,
                      setCompany: (company) => setState((s) => ({ ...s, company })),
                      setLang: (code) => {
                          localStorage.setItem('kazi.lang.chosen', '1');
                          setLangState(setLang(code));
                          rest('user.update', { ID: state.user.id, fields: { LANGUAGE_ID: code } }).catch(() => {});
                      },
                      setTheme: (mode) => {
                          saveTheme(state.user.id, mode);
                          setThemeState(mode);
                      },
                      signOut: async () => {
                          try {
                              await auth.logout();
                          } catch {
                              /* the session is gone either way */
                          }
                          setCsrf('');
                          applyTheme('system');
                          setState({ phase: 'login', company: state.company });
                          navigate('/login', true);
                      },
                  },
        [state, lang, theme],
    );

    const chooseLang = (code) => {
        localStorage.setItem('kazi.lang.chosen', '1');
        setLangState(setLang(code));
    };

    let body;
    if (state.phase === 'loading') body = html`<div class="center-page"><${Spinner} /></div>`;
    else if (state.phase === 'error')
        body = html`<div class="center-page"><div class="auth-card"><h1>kazi</h1><${ErrorBox} error=${state.error} onRetry=${start} /></div></div>`;
    else if (state.phase === 'setup')
        body = html`<${Setup} lang=${lang} setLang=${chooseLang} onDone=${(r) => signedIn(r.user, r.csrf, r.company)} />`;
    else if (state.phase === 'login')
        body = html`<${Login} lang=${lang} setLang=${chooseLang} company=${state.company} expired=${state.expired}
            onDone=${(r) => signedIn(r.user, r.csrf, state.company)} />`;
    else
        body = html`<${SessionContext.Provider} value=${session}>
            <${Shell} path=${path}>${routeScreen(path, session)}<//>
        <//>`;
    return html`<div class="app">${body}<${Toasts} /></div>`;
}
