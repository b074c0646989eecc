// One catalogue per language (en, pt, sw), one lookup: t('key', {vars}). The files here hold
// the strings of the shell and of core; each web module brings its own (web/src/<module>/i18n/)
// and registerModule() merges them in with addStrings. The chosen language is kept in
// localStorage and, once signed in, in the user's LANGUAGE_ID. Dates, numbers and money are
// formatted with Intl for the language's locale. Missing keys fall back to English.
import en from './en.js';
import pt from './pt.js';
import sw from './sw.js';

export const languages = [
    { code: 'en', name: 'English', locale: 'en-GB' },
    { code: 'pt', name: 'Português', locale: 'pt-PT' },
    { code: 'sw', name: 'Kiswahili', locale: 'sw-KE' },
];
const catalogues = { en, pt, sw };
const STORE = 'kazi.lang';

let lang = pick(localStorage.getItem(STORE) || navigator.language || 'en');

// Merges a module's strings {en: {...}, pt: {...}, sw: {...}} into the catalogues. A key that
// is already there is a mistake (two owners for one string) and throws; languages the app does
// not offer are ignored.
export function addStrings(strings, owner = '') {
    for (const [code, dict] of Object.entries(strings)) {
        const cat = catalogues[code];
        if (!cat) continue;
        for (const [k, v] of Object.entries(dict)) {
            if (Object.prototype.hasOwnProperty.call(cat, k))
                throw new Error(`addStrings: '${k}' (${code}) of '${owner}' is defined twice`);
            cat[k] = v;
        }
    }
}

function pick(code) {
    const c = String(code || '')
        .slice(0, 2)
        .toLowerCase();
    return catalogues[c] ? c : 'en';
}

export function getLang() {
    return lang;
}

export function setLang(code) {
    lang = pick(code);
    localStorage.setItem(STORE, lang);
    document.documentElement.lang = lang;
    return lang;
}

export function locale() {
    return languages.find((l) => l.code === lang).locale;
}

export function t(key, vars) {
    let s = catalogues[lang][key] ?? en[key] ?? key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
    return s;
}

// "2024-06-13T18:23:54+02:00" -> a date and time in the user's locale ("" for empty).
export function fmtDateTime(v) {
    if (!v) return '';
    const d = new Date(v);
    if (isNaN(d)) return String(v);
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function fmtDate(v) {
    if (!v) return '';
    const d = new Date(String(v).length === 10 ? `${v}T00:00:00` : v);
    if (isNaN(d)) return String(v);
    return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(d);
}

export function fmtNumber(v) {
    const n = Number(v);
    return isFinite(n) ? new Intl.NumberFormat(locale()).format(n) : String(v ?? '');
}

export function fmtMoney(amount, currency) {
    const n = Number(amount || 0);
    try {
        return new Intl.NumberFormat(locale(), { style: 'currency', currency: currency || 'USD' }).format(n);
    } catch {
        return `${fmtNumber(n)} ${currency || ''}`.trim();
    }
}
