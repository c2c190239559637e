// items.js — how one entry of a report reads in a list: someone due for
// contact, a regular expected today, a moment to act on (with its dismiss
// button when the user may write). Shared by the agenda and the due list.
import * as api from './api.js';
import { h, day, say } from './dom.js';
import { partyLink, failed, refresh } from './view.js';
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

async function dismiss(item, button) {
  button.disabled = true;
  try {
    await api.post(momentPath(item));
    dismissed.item = item;
    say(`Dismissed: ${item.name}, ${item.trigger}`);
    await refresh();
  } catch (e) {
    button.disabled = false;
    failed(e, button.parentElement);
  }
}

export function undoDismiss() {
  const item = dismissed.item;
  dismissed.item = null;
  if (!item || !canWrite()) return null;
  const button = h('button', { type: 'button', class: 'small' }, 'Undo');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api.del(momentPath(item));
      say(`Brought back: ${item.name}, ${item.trigger}`);
      await refresh();
    } catch (e) {
      failed(e, button.parentElement);
    }
  });
  return h('p', { class: 'notice row', id: 'undo' }, `Dismissed ${item.trigger} of ${item.name}.`, button);
}

export function momentItem(item) {
  const button = canWrite() && !item.dismissed
    ? h('button', { type: 'button', class: 'small', 'aria-label': `Dismiss ${item.trigger} of ${item.name}` }, 'Dismiss') : null;
  if (button) button.addEventListener('click', () => dismiss(item, button));
  return h('li', { class: 'item', 'data-key': item.key },
    h('div', { class: 'row' }, partyLink(item.party, item.name), h('span', { class: 'badge' }, item.trigger),
      h('span', { class: 'muted' }, day(item.at)), button),
    h('div', { class: 'suggestion' }, item.suggestion));
}
