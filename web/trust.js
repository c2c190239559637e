// trust.js — a party's trust equation as the trust route serves it: the
// equation, each component's score as a bar and the basis it came from.
import { h } from './dom.js';
import { scoreBars } from './bars.js';

const COMPONENTS = [
  ['credibility', 'Credibility'],
  ['reliability', 'Reliability'],
  ['intimacy', 'Intimacy'],
  ['self_orientation', 'Self-orientation (lower is better)'],
];

export function trustView(doc) {
  const rows = COMPONENTS.filter(([k]) => doc[k]).map(([k, label]) => ({ label, score: doc[k].score, weakest: doc.weakest === k }));
  return h('div', { id: 'trust' },
    h('p', { class: 'standing' }, h('span', { class: 'score-big' }, String(doc.trust)),
      ' trust = ', h('code', {}, doc.equation), doc.weakest ? ` · weakest: ${doc.weakest.replace('_', '-')}` : ''),
    scoreBars(rows, 10, `Trust components of ${doc.name}`),
    h('dl', { class: 'facts-list' }, COMPONENTS.filter(([k]) => doc[k]).map(([k, label]) =>
      [h('dt', {}, `${label}: ${doc[k].score}`), h('dd', {}, doc[k].basis)])));
}
