// htm bound to Preact's h: every component writes html`<div>...</div>` instead of JSX, so the
// sources need no compile step beyond bundling.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
