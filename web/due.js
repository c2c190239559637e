// due.js — the due list: who is due for contact today or within a few days.
import * as api from './api.js';
import { h, clear, say } from './dom.js';
import { page, empty, failed } from './view.js';
import { dueItem } from './items.js';

export async function due() {
  const select = h('select', { id: 'within' },
    [0, 7, 14, 30].map((d) => h('option', { value: d }, d ? `and the next ${d} days` : 'today')));
  const list = h('div', { 'aria-live': 'polite' });
  async function load() {
    const doc = await api.get('/due' + api.qs({ within: select.value }));
    clear(list).append(doc.items.length ? h('ul', { class: 'list' }, doc.items.map(dueItem)) : empty('Nobody is due.'));
    say(`${doc.items.length} due`);
  }
  select.addEventListener('change', () => load().catch(failed));
  page('Due for contact', h('p', {}, h('label', { for: 'within' }, 'Show who is due '), select), list);
  await load();
}
