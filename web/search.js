// search.js — finding a party by name, e-mail, phone or tag as one types.
import * as api from './api.js';
import { h, clear, signed } from './dom.js';
import { page, empty, partyLink, failed } from './view.js';

export async function search() {
  const input = h('input', { id: 'q', type: 'search', autocomplete: 'off' });
  const results = h('div', { 'aria-live': 'polite' });
  let timer;
  async function load() {
    const doc = await api.get('/parties' + api.qs({ q: input.value, limit: 50 }));
    clear(results).append(h('p', { class: 'muted' }, `${doc.total} found`),
      doc.items.length ? h('ul', { class: 'list' }, doc.items.map((p) => h('li', { class: 'item row' },
        partyLink(p.id, p.name), h('span', { class: 'muted' }, [...(p.roles || []), ...(p.tags || [])].join(', ')),
        h('span', { class: `balance ${p.balance < 0 ? 'neg' : ''}` }, signed(p.balance)))))
        : empty('No one matches.'));
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load().catch(failed), 150); });
  page('Search', h('label', { for: 'q' }, 'Name, e-mail, phone or tag'), input, results);
  input.focus();
  await load();
}
