// view.js — the pieces every view shares: replacing the main region as a
// new page would (title, heading, focus), sections with headings, links to
// a party, empty states, and how a failed request is shown.
import { h, clear, say } from './dom.js';
import { session } from './session.js';

const main = () => document.getElementById('main');
let router = () => {};

// app.js registers the router so views can re-render the current page.
export function setRouter(fn) {
  router = fn;
}

export const refresh = () => router();

export function page(title, ...content) {
  document.title = `${title} — recip`;
  const heading = h('h1', { tabindex: '-1' }, title);
  clear(main()).append(heading, ...content.flat().filter(Boolean));
  heading.focus();
}

export function section(title, ...content) {
  const id = 'h-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

export function empty(text) {
  return h('p', { class: 'muted' }, text);
}

export function partyLink(id, name) {
  return h('a', { href: `#/party/${id}` }, name);
}

// An expired session goes back to the sign-in; anything else is said aloud
// and shown where the user is looking.
export function failed(e, where) {
  if (e && e.status === 401) {
    session.me = null;
    return router();
  }
  const text = (e && e.message) || String(e);
  say(text);
  (where || main()).append(h('p', { class: 'error', role: 'alert' }, text));
}

// A button that writes: disabled while the request runs, the outcome said
// aloud, the page re-rendered after; a refusal shown beside the button.
export function actionButton(text, label, write, done) {
  const button = h('button', { type: 'button', class: 'small', 'aria-label': label }, text);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await write();
      say(done);
      await refresh();
    } catch (e) {
      button.disabled = false;
      failed(e, button.parentElement);
    }
  });
  return button;
}
