// Entry point: registers the compiled-in web modules (modules.js), then renders the app into
// #app.
import { render } from 'preact';
import { html } from './h.js';
import { App } from './app.js';
import './modules.js';
import { getLang } from './i18n/index.js';

document.documentElement.lang = getLang();
render(html`<${App} />`, document.getElementById('app'));
