// ask.js — the "can I ask?" button of a party's page: runs the give-first
// gate on the server and shows its verdict, every check with its reason,
// and the suggestion of what to give.
import * as api from './api.js';
import { h, clear, say } from './dom.js';
import { failed } from './view.js';

const WHAT = ['review', 'referral', 'introduction', 'favour', 'vote'];

export function askCheck(id) {
  const what = h('select', { id: 'ask-what' }, WHAT.map((w) => h('option', { value: w }, w)));
  const out = h('div', { id: 'ask-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'ask-check' }, 'Can I ask?');
  button.addEventListener('click', async () => {
    try {
      const v = await api.get(`/parties/${id}/ask-check` + api.qs({ what: what.value }));
      clear(out).append(
        h('p', { class: `verdict ${v.ready ? 'ready' : 'not-ready'}` }, v.ready ? 'Ready to ask' : 'Not yet'),
        h('ul', { class: 'checks' }, v.checks.map((c) => h('li', { class: c.pass ? 'pass' : 'fail' },
          h('span', { class: 'mark' }, c.pass ? 'pass' : 'fail'), ' ', h('strong', {}, c.check), ': ', c.reason))),
        v.suggestion ? h('p', { class: 'suggestion' }, h('strong', {}, v.ready ? 'To keep it genuine, give too: ' : 'Give first: '), v.suggestion) : null);
      say(v.ready ? `Ready to ask for a ${v.what}` : 'Not yet: give first');
    } catch (e) {
      failed(e, out);
    }
  });
  return h('div', { class: 'ask' }, h('div', { class: 'inline' }, h('label', { for: 'ask-what' }, 'Ask for'), what, button), out);
}
