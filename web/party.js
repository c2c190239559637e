// party.js — one party's page: who they are, the standing, the balance over
// time, the give-first check, trust, what we know, the timeline, and the
// quick forms with their name filled in.
import * as api from './api.js';
import { h, day, when, signed } from './dom.js';
import { balanceChart } from './chart.js';
import { page, section, empty } from './view.js';
import { canWrite } from './session.js';
import { askCheck } from './ask.js';
import { trustView } from './trust.js';
import { quickForms, factForm } from './forms.js';

export async function party(id) {
  const [doc, history, trust] = await Promise.all([
    api.get(`/parties/${id}/overview`), api.get(`/parties/${id}/balance-history?points=25`), api.get(`/parties/${id}/trust`)]);
  const p = doc.party, st = doc.standing;
  const again = () => party(id);
  const facts = doc.facts.length ? h('dl', { class: 'facts-list' }, doc.facts.map((f) => [h('dt', {}, f.key), h('dd', {}, f.value)]))
    : empty('Nothing remembered yet.');
  const timeline = doc.timeline.length ? h('ol', { class: 'timeline' }, doc.timeline.map((e) => h('li', {},
    h('time', { datetime: e.at }, when(e.at)), ' ', e.summary, e.note ? h('span', { class: 'muted' }, ` — ${e.note}`) : null)))
    : empty('Nothing happened yet.');
  const summary = h('p', { class: 'standing' },
    h('span', { class: `balance big ${st.balance < 0 ? 'neg' : ''}`, id: 'party-balance' }, signed(st.balance)),
    ` balance · gave ${st.gave_count}, received ${st.received_count} · last contact ${day(st.last_contact_at)}`,
    st.visit_count ? ` · ${st.visit_count} visits` : '');
  const roles = [...(p.role || []), ...(p.tag || [])].join(', ');
  page(p.name,
    h('p', { class: 'muted' }, [p.kind, roles, p.org_name ? `at ${p.org_name}` : ''].filter(Boolean).join(' · ')),
    summary,
    section('Can I ask?', askCheck(id)),
    section('Balance over time', balanceChart(history.points, `Balance of ${p.name} over the last year`)),
    section('Trust', trustView(trust)),
    section('What we know', facts, canWrite() && factForm(id, again)),
    section('Timeline', timeline),
    canWrite() && section('Log', quickForms(p.name, again)));
}
