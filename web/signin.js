// signin.js — the sign-in form and signing out.
import * as api from './api.js';
import { h, say } from './dom.js';
import { page } from './view.js';
import { session } from './session.js';

export function signInPage(started) {
  document.querySelector('header.top').hidden = true;
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' });
  const form = h('form', { class: 'card narrow', 'aria-describedby': 'signin-error' },
    h('label', { for: 'name' }, 'Name'),
    h('input', { id: 'name', name: 'name', autocomplete: 'username', required: true, autocapitalize: 'none' }),
    h('label', { for: 'password' }, 'Password'),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
    error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    try {
      session.me = await api.signIn(form.name.value, form.password.value);
      started();
    } catch (e) {
      error.textContent = e.message;
      form.password.select();
    }
  });
  page('Sign in to recip', form);
  form.name.focus();
}

export async function signOut() {
  await api.signOut().catch(() => {});
  session.me = null;
  history.replaceState(null, '', '#/signin');
  say('Signed out');
}
