// nps.js — the Net Promoter Score as GET /nps/report serves it: the score
// and its counts over a window, a bar per month, the detractors' latest
// answers, and the latest answers of all.
import * as api from './api.js';
import { h, day } from './dom.js';
import { page, section, empty, partyLink } from './view.js';
import { monthBars } from './bars.js';

const WINDOWS = [['30', '30 days'], ['90', '90 days'], ['180', '6 months'], ['1y', 'a year']];
let windowChoice = '';

const pct = (v) => (v === null || v === undefined ? '—' : `${Math.round(v)}%`);
// The category is the server's (answers in a report carry it); a plain
// list of answers has none, and the page does not guess it from the score.
const CATEGORY = { promoter: 'score sp', passive: 'score', detractor: 'score sd' };

function answer(n) {
  return h('li', { class: 'item row' }, partyLink(n.party, n.party_name || n.name),
    h('span', { class: CATEGORY[n.category] || 'score' }, String(n.score)),
    n.category ? h('span', { class: 'muted' }, n.category) : null,
    h('span', { class: 'muted' }, `${day(n.at)}${n.comment ? ' — ' + n.comment : ''}`),
    n.followed_up_at ? h('span', { class: 'badge' }, `followed up ${day(n.followed_up_at)}`)
      : n.category === 'detractor' ? h('span', { class: 'badge' }, 'not followed up') : null);
}

export async function nps() {
  const [doc, latest] = await Promise.all([api.get('/nps/report' + api.qs({ window: windowChoice })), api.get('/nps?limit=20')]);
  const select = h('select', { id: 'nps-window' },
    h('option', { value: '' }, `the usual ${doc.window_days} days`),
    WINDOWS.map(([v, label]) => h('option', { value: v, selected: v === windowChoice }, label)));
  select.addEventListener('change', () => { windowChoice = select.value; nps(); });
  const score = doc.nps === null ? '—' : String(Math.round(doc.nps));
  page('Net Promoter Score',
    h('p', { class: 'inline' }, h('label', { for: 'nps-window' }, 'Over'), select),
    h('p', { class: 'standing', id: 'nps-score', 'aria-live': 'polite' }, h('span', { class: 'score-big' }, score),
      ` NPS since ${doc.from} · ${doc.respondents} respondents: ${doc.promoters} promoters (${pct(doc.promoter_percent)}), ` +
      `${doc.passives} passives (${pct(doc.passive_percent)}), ${doc.detractors} detractors (${pct(doc.detractor_percent)})`),
    section('By month', monthBars(doc.months, 'NPS by month')),
    section('Detractors', doc.detractor_answers.length ? h('ul', { class: 'list' }, doc.detractor_answers.map(answer))
      : empty('No detractors in this window.')),
    section('Latest answers', latest.items.length ? h('ul', { class: 'list', id: 'nps-latest' }, latest.items.map(answer))
      : empty('No answers yet.')));
}
