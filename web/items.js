// items.js — how one entry of a report reads in a list: someone due for
// contact, a regular expected today, a moment to act on (with its dismiss
// button when the user may write). Shared by the agenda and the due list.
import * as api from './api.js';
import { h, day } from './dom.js';
import { partyLink, actionButton } from './view.js';
import { canWrite } from './session.js';

const factsLine = (facts) => (facts || []).map((f) => `${f.key}: ${f.value}`).join(' · ');

export function dueItem(item) {
  const facts = factsLine(item.facts);
  const last = item.last_contact ? `${item.last_contact.summary}, ${day(item.last_contact.at)}` : 'never in touch yet';
  const late = item.never_contacted ? 'new' : item.days_overdue > 0 ? `${item.days_overdue} days overdue` : `due ${day(item.due_on)}`;
  return h('li', { class: 'item' },
    h('div', { class: 'row' }, partyLink(item.party, item.name), h('span', { class: 'badge' }, late)),
    h('div', { class: 'muted' }, `last: ${last}`),
    facts && h('div', { class: 'facts' }, facts));
}

export function expectedItem(item) {
  const facts = factsLine(item.facts);
  const seen = item.visited_at ? `came at ${item.visited_at.slice(11, 16)}` : `usually ${item.usual_time || '—'}`;
  return h('li', { class: 'item' },
    h('div', { class: 'row' }, partyLink(item.party, item.name),
      h('span', { class: 'badge' }, `${Math.round(item.likelihood * 100)}% likely`), h('span', { class: 'muted' }, seen)),
    h('div', { class: 'muted' }, `${item.weekday_visits} of ${item.visits} visits on this weekday · last ${day(item.last_visit_at)}`),
    facts && h('div', { class: 'facts' }, facts));
}

// The moment dismissed last, so the agenda can offer to bring it back.
export const dismissed = { item: null };

const momentPath = (item) => `/moments/${encodeURIComponent(item.key)}/dismiss`;

export function undoDismiss() {
  const item = dismissed.item;
  dismissed.item = null;
  if (!item || !canWrite()) return null;
  return h('p', { class: 'notice row', id: 'undo' }, `Dismissed ${item.trigger} of ${item.name}.`,
    actionButton('Undo', `Bring back ${item.trigger} of ${item.name}`, () => api.del(momentPath(item)),
      `Brought back: ${item.name}, ${item.trigger}`));
}

export function momentItem(item) {
  const button = canWrite() && !item.dismissed && actionButton('Dismiss', `Dismiss ${item.trigger} of ${item.name}`,
    async () => { await api.post(momentPath(item)); dismissed.item = item; }, `Dismissed: ${item.name}, ${item.trigger}`);
  return h('li', { class: 'item', 'data-key': item.key },
    h('div', { class: 'row' }, partyLink(item.party, item.name), h('span', { class: 'badge' }, item.trigger),
      h('span', { class: 'muted' }, day(item.at)), button),
    h('div', { class: 'suggestion' }, item.suggestion));
}
