// trust.js — a party's trust equation as the trust route serves it: the
// equation, each component's score as a bar and the basis it came from.
import { h } from './dom.js';
import { scoreBars } from './bars.js';

// key, short label for the chart, label with its sense for the list
const COMPONENTS = [
  ['credibility', 'Credibility', 'Credibility'],
  ['reliability', 'Reliability', 'Reliability'],
  ['intimacy', 'Intimacy', 'Intimacy'],
  ['self_orientation', 'Self-orientation', 'Self-orientation (lower is better)'],
];

export function trustView(doc) {
  const shown = COMPONENTS.filter(([k]) => doc[k]);
  const rows = shown.map(([k, label]) => ({ label, score: doc[k].score, weakest: doc.weakest === k }));
  return h('div', { id: 'trust' },
    h('p', { class: 'standing' }, h('span', { class: 'score-big' }, String(doc.trust)),
      ' trust = ', h('code', {}, doc.equation), doc.weakest ? ` · weakest: ${doc.weakest.replace('_', '-')}` : ''),
    scoreBars(rows, 10, `Trust components of ${doc.name}`),
    h('dl', { class: 'facts-list' }, shown.map(([k, , label]) =>
      [h('dt', {}, `${label}: ${doc[k].score}`), h('dd', {}, doc[k].basis)])));
}
