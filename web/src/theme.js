// Light and dark themes: the system preference by default, or the user's choice saved in
// localStorage per user. The choice sets data-theme on <html>; styles.css does the rest.
const key = (userId) => `kazi.theme.${userId || 0}`;

export function loadTheme(userId) {
    const v = localStorage.getItem(key(userId));
    return v === 'light' || v === 'dark' ? v : 'system';
}

export function applyTheme(mode) {
    const root = document.documentElement;
    if (mode === 'light' || mode === 'dark') root.dataset.theme = mode;
    else delete root.dataset.theme;
}

export function saveTheme(userId, mode) {
    if (mode === 'system') localStorage.removeItem(key(userId));
    else localStorage.setItem(key(userId), mode);
    applyTheme(mode);
}

// The theme in effect now, "light" or "dark".
export function effectiveTheme(mode) {
    if (mode === 'light' || mode === 'dark') return mode;
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
