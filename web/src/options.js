// Settings the user keeps on the server (user.option.*), so they follow them to any browser:
// saved list filters and column choices. Loaded once with the session, written through at once.
import { rest } from './api.js';

let opts = {};

export function setOptions(o) {
    opts = o && typeof o === 'object' && !Array.isArray(o) ? o : {};
}

export function option(name, fallback) {
    return Object.prototype.hasOwnProperty.call(opts, name) ? opts[name] : fallback;
}

// value null removes the option.
export async function saveOption(name, value) {
    await rest('user.option.set', { options: { [name]: value } });
    if (value === null) delete opts[name];
    else opts[name] = value;
}
