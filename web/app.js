// app.js — the recip web page's start and its routes: each route is a view
// module; the views show what the API serves and compute nothing.
import * as api from './api.js';
import { h } from './dom.js';
import { page, setRouter, failed } from './view.js';
import { session, canWrite } from './session.js';
import { signInPage, signOut } from './signin.js';
import { today } from './today.js';
import { due } from './due.js';
import { search } from './search.js';
import { party } from './party.js';
import { advocates } from './advocates.js';
import { nps } from './nps.js';
import { quickForms } from './forms.js';

function logPage() {
  if (!canWrite()) {
    page('Log', h('p', { class: 'notice', id: 'read-only' },
      `As a ${session.me.role} you can read everything but not record.`));
    return;
  }
  page('Log what happened', quickForms());
}

const routes = [
  [/^#\/today$/, today],
  [/^#\/due$/, due],
  [/^#\/log$/, logPage],
  [/^#\/search$/, search],
  [/^#\/party\/(\d+)$/, (m) => party(Number(m[1]))],
  [/^#\/advocates$/, advocates],
  [/^#\/nps$/, nps],
];

function markNav(hash) {
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === hash) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function route() {
  if (!session.me) return signInPage(started);
  const hash = location.hash || '#/today';
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (m) {
      markNav(hash);
      try {
        await view(m);
      } catch (e) {
        failed(e);
      }
      return;
    }
  }
  location.hash = '#/today';
}

function started() {
  document.querySelector('header.top').hidden = false;
  document.getElementById('who').textContent = `${session.me.name} (${session.me.role})`;
  if (!location.hash || location.hash === '#/signin') location.hash = '#/today';
  else route();
}

setRouter(route);
document.getElementById('signout').addEventListener('click', async () => {
  await signOut();
  signInPage(started);
});
window.addEventListener('hashchange', () => route());
api.whoAmI().then((who) => { session.me = who; started(); }).catch(() => signInPage(started));
