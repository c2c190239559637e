// today.js — the day in one view, as GET /agenda serves it: moments to act
// on, promises, what we owe, asks, who is due and who is expected, each
// section as the server ordered and titled it; then the quick forms.
import * as api from './api.js';
import { h } from './dom.js';
import { page, section, empty } from './view.js';
import { canWrite } from './session.js';
import { dueItem, expectedItem, momentItem, undoDismiss } from './items.js';
import { quickForms } from './forms.js';

const ITEM = { due: dueItem, expected: expectedItem };
let everything = false;

const cut = (s) => s.more || s.total > s.items.length;

function agendaSection(s) {
  const render = ITEM[s.section] || momentItem;
  const count = `${s.total}${s.more ? '+' : ''}`; // more: the server stopped counting at total
  const more = cut(s) ? h('p', { class: 'muted' }, `Showing ${s.items.length} of ${count}.`) : null;
  return section(`${s.title} (${count})`,
    s.items.length ? h('ul', { class: 'list', id: `agenda-${s.section}` }, s.items.map(render)) : empty('Nothing here today.'),
    more);
}

export async function today() {
  const doc = await api.get('/agenda' + api.qs({ limit: everything ? 0 : undefined }));
  const limited = doc.sections.some(cut);
  const toggle = (limited || everything) && h('button', { type: 'button', class: 'quiet-dark', id: 'agenda-all',
    onclick: () => { everything = !everything; today(); } }, everything ? 'Show the first few of each' : 'Show everything');
  page(`Today, ${doc.weekday} ${doc.date}`,
    undoDismiss(),
    toggle,
    doc.sections.map(agendaSection),
    canWrite() && section('Log', quickForms()));
}
