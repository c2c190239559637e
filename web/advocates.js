// advocates.js — advocates ranked as GET /advocates serves them, each
// score split into its components (a stacked bar chart and a table), and
// the detractors never followed up, with a button to mark one done.
import * as api from './api.js';
import { h } from './dom.js';
import { page, section, empty, partyLink, actionButton } from './view.js';
import { canWrite } from './session.js';
import { stackedBars } from './bars.js';

const PARTS = [
  ['converted', 'converted'],
  ['leads', 'leads'],
  ['lost', 'lost'],
  ['reviews', 'reviews'],
  ['promoter_answers', 'promoters'],
];

function ranking(items) {
  const head = h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'party'),
    PARTS.map(([, label]) => h('th', { scope: 'col' }, label)), h('th', { scope: 'col' }, 'score'));
  const cell = (c) => h('td', { class: 'num' }, c.count ? `${c.count} → ${c.points}` : '—');
  return h('div', { class: 'scroll' }, h('table', { class: 'data', id: 'advocates-table' },
    h('caption', { class: 'sr-only' }, 'Advocates ranked: count → points per component'),
    h('thead', {}, head),
    h('tbody', {}, items.map((a) => h('tr', {},
      h('td', { class: 'num' }, String(a.rank)), h('th', { scope: 'row' }, partyLink(a.party, a.name)),
      PARTS.map(([k]) => cell(a[k])), h('td', { class: 'num score' }, String(a.score)))))));
}

function detractor(d) {
  const button = canWrite() && actionButton('Followed up', `Mark ${d.name} followed up`,
    () => api.post('/nps/follow-up', { party: d.party }), `Followed up with ${d.name}`);
  return h('li', { class: 'item' },
    h('div', { class: 'row' }, partyLink(d.party, d.name), h('span', { class: 'score sd' }, String(d.score)),
      h('span', { class: 'muted' }, `${d.age_days} days ago`), button),
    d.comment && h('div', {}, `“${d.comment}”`),
    h('div', { class: 'suggestion' }, d.moment));
}

export async function advocates() {
  const doc = await api.get('/advocates' + api.qs({ limit: 15 }));
  const rows = doc.items.map((a) => ({ label: a.name, parts: PARTS.map(([k]) => a[k].points), total: a.score }));
  const points = doc.points;
  page('Advocates',
    section(`Ranked (${doc.advocates})`,
      doc.items.length ? [stackedBars(rows, PARTS.map(([, l]) => l), 'Advocacy points by component'), ranking(doc.items)]
        : empty('No advocates yet.'),
      h('p', { class: 'muted' }, `Points: converted referral ${points.converted}, lead ${points.lead}, lost ${points.lost}, ` +
        `review ${points.review}, promoter answer ${points.promoter_answer}.`)),
    section(`Detractors to follow up (${doc.detractors.length})`,
      doc.detractors.length ? h('ul', { class: 'list', id: 'detractors' }, doc.detractors.map(detractor)) : empty('None waiting.')));
}
