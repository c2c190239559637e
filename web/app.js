// app.js — the recip web page: sign-in, today, the due list, a party's page
// (facts, timeline, balance over time, the give-first check), quick forms to
// log what happened, search, and advocacy lists. Every figure comes from the
// API, which serves the library's documents: the page computes nothing.
import * as api from './api.js';
import { h, clear, say, day, when, signed } from './dom.js';
import { balanceChart } from './chart.js';

const main = document.getElementById('main');
let me = null;

const canWrite = () => me && (me.role === 'member' || me.role === 'owner');

// ---- routing -----------------------------------------------------------------------------

const routes = [
  [/^#\/today$/, today],
  [/^#\/due$/, due],
  [/^#\/log$/, () => logPage()],
  [/^#\/search$/, search],
  [/^#\/party\/(\d+)$/, (m) => party(Number(m[1]))],
  [/^#\/advocates$/, advocates],
];

async function route() {
  if (!me) return signInPage();
  const hash = location.hash || '#/today';
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (m) {
      markNav(hash);
      try {
        await view(m);
      } catch (e) {
        failed(e);
      }
      return;
    }
  }
  location.hash = '#/today';
}

function markNav(hash) {
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === hash) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// Replaces the main region and moves focus to its heading, as a new page would.
function page(title, ...content) {
  document.title = `${title} — recip`;
  const heading = h('h1', { tabindex: '-1' }, title);
  clear(main).append(heading, ...content.flat().filter(Boolean));
  heading.focus();
}

function failed(e) {
  if (e.status === 401) {
    me = null;
    return route();
  }
  say(e.message || String(e));
  main.append(h('p', { class: 'error', role: 'alert' }, e.message || String(e)));
}

// ---- sign in and out ---------------------------------------------------------------------------

function signInPage() {
  document.querySelector('header.top').hidden = true;
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' });
  const form = h('form', { class: 'card narrow', 'aria-describedby': 'signin-error' },
    h('label', { for: 'name' }, 'Name'),
    h('input', { id: 'name', name: 'name', autocomplete: 'username', required: true, autocapitalize: 'none' }),
    h('label', { for: 'password' }, 'Password'),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
    error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    try {
      me = await api.signIn(form.name.value, form.password.value);
      started();
    } catch (e) {
      error.textContent = e.message;
      form.password.select();
    }
  });
  page('Sign in to recip', form);
  form.name.focus();
}

function started() {
  document.querySelector('header.top').hidden = false;
  document.getElementById('who').textContent = `${me.name} (${me.role})`;
  if (!location.hash || location.hash === '#/signin') location.hash = '#/today';
  else route();
}

document.getElementById('signout').addEventListener('click', async () => {
  await api.signOut().catch(() => {});
  me = null;
  history.replaceState(null, '', '#/signin');
  say('Signed out');
  signInPage();
});

// ---- pieces ----------------------------------------------------------------------------------------

function partyLink(id, name) {
  return h('a', { href: `#/party/${id}` }, name);
}

function section(title, ...content) {
  return h('section', { 'aria-label': title }, h('h2', {}, title), ...content);
}

function empty(text) {
  return h('p', { class: 'muted' }, text);
}

function dueItem(item) {
  const facts = (item.facts || []).map((f) => `${f.key}: ${f.value}`).join(' · ');
  const last = item.last_contact ? `${item.last_contact.summary}, ${day(item.last_contact.at)}` : 'never in touch yet';
  const late = item.never_contacted ? 'new' : item.days_overdue > 0 ? `${item.days_overdue} days overdue` : `due ${day(item.due_on)}`;
  return h('li', { class: 'item' },
    h('div', { class: 'row' }, partyLink(item.party, item.name), h('span', { class: 'badge' }, late)),
    h('div', { class: 'muted' }, `last: ${last}`),
    facts && h('div', { class: 'facts' }, facts));
}

// ---- today ------------------------------------------------------------------------------------------

async function today() {
  const [dueDoc, balances, asks] = await Promise.all([
    api.get('/due'), api.get('/balance'), api.get('/asks?status=open&limit=20')]);
  const owe = balances.items.filter((b) => b.balance < 0);
  page(`Today, ${day(dueDoc.as_of)}`,
    section('Get in touch',
      dueDoc.items.length ? h('ul', { class: 'list', id: 'today-due' }, dueDoc.items.map(dueItem))
        : empty('Nobody is due today.')),
    section('We owe them',
      owe.length ? h('ul', { class: 'list', id: 'today-owe' }, owe.map((b) => h('li', { class: 'item row' },
        partyLink(b.party, b.name), h('span', { class: 'balance neg' }, signed(b.balance)))))
        : empty('We owe nobody.')),
    section('Open asks',
      asks.items.length ? h('ul', { class: 'list' }, asks.items.map((a) => h('li', { class: 'item row' },
        partyLink(a.party, a.party_name),
        h('span', {}, `${a.direction === 'ours' ? 'we asked' : 'they asked'} for ${a.what} on ${day(a.at)}`))))
        : empty('No open asks.')),
    canWrite() && section('Log', quickForms()));
}

// ---- the due list -----------------------------------------------------------------------------------

async function due() {
  const select = h('select', { id: 'within' },
    [0, 7, 14, 30].map((d) => h('option', { value: d }, d ? `and the next ${d} days` : 'today')));
  const list = h('div');
  async function load() {
    const doc = await api.get('/due' + api.qs({ within: select.value }));
    clear(list).append(doc.items.length ? h('ul', { class: 'list' }, doc.items.map(dueItem)) : empty('Nobody is due.'));
    say(`${doc.items.length} due`);
  }
  select.addEventListener('change', () => load().catch(failed));
  page('Due for contact', h('p', {}, h('label', { for: 'within' }, 'Show who is due '), select), list);
  await load();
}

// ---- search -------------------------------------------------------------------------------------------

async function search() {
  const input = h('input', { id: 'q', type: 'search', autocomplete: 'off' });
  const results = h('div', { 'aria-live': 'polite' });
  let timer;
  async function load() {
    const doc = await api.get('/parties' + api.qs({ q: input.value, limit: 50 }));
    clear(results).append(doc.items.length ? h('ul', { class: 'list' }, doc.items.map((p) => h('li', { class: 'item row' },
      partyLink(p.id, p.name), h('span', { class: 'muted' }, [...(p.roles || []), ...(p.tags || [])].join(', ')),
      h('span', { class: `balance ${p.balance < 0 ? 'neg' : ''}` }, signed(p.balance)))))
      : empty('No one matches.'));
    results.prepend(h('p', { class: 'muted' }, `${doc.total} found`));
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => load().catch(failed), 150); });
  page('Search', h('label', { for: 'q' }, 'Name, e-mail, phone or tag'), input, results);
  input.focus();
  await load();
}

// ---- a party -------------------------------------------------------------------------------------------

async function party(id) {
  const [doc, history] = await Promise.all([
    api.get(`/parties/${id}/overview`), api.get(`/parties/${id}/balance-history?points=25`)]);
  const p = doc.party, st = doc.standing;
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
    section('Balance over time', balanceChart(history.points, `Balance of ${p.name} over the last year`)),
    section('Can I ask?', askCheck(id)),
    doc.trust ? section('Trust', trustView(doc.trust)) : null,
    section('What we know', facts, canWrite() && factForm(id)),
    section('Timeline', timeline),
    canWrite() && section('Log', quickForms(p.name, () => party(id))));
}

function trustView(trust) {
  return h('dl', { class: 'facts-list' }, Object.entries(trust).map(([k, v]) =>
    [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

function askCheck(id) {
  const what = h('select', { id: 'ask-what' },
    ['review', 'referral', 'introduction', 'favour', 'vote'].map((w) => h('option', { value: w }, w)));
  const out = h('div', { id: 'ask-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'ask-check' }, 'Can I ask?');
  button.addEventListener('click', async () => {
    try {
      const v = await api.get(`/parties/${id}/ask-check` + api.qs({ what: what.value }));
      clear(out).append(
        h('p', { class: `verdict ${v.ready ? 'ready' : 'not-ready'}` }, v.ready ? 'Ready to ask' : 'Not yet'),
        h('ul', { class: 'checks' }, v.checks.map((c) => h('li', { class: c.pass ? 'pass' : 'fail' },
          h('span', { class: 'mark' }, c.pass ? 'pass' : 'fail'), ' ', h('strong', {}, c.check), ': ', c.reason))),
        h('p', {}, h('strong', {}, v.ready ? 'To keep it genuine, give too: ' : 'Give first: '), v.suggestion));
      say(v.ready ? 'Ready to ask' : 'Not yet: give first');
    } catch (e) {
      failed(e);
    }
  });
  return h('div', { class: 'inline' }, h('label', { for: 'ask-what' }, 'Ask for '), what, button, out);
}

function factForm(id) {
  const form = h('form', { class: 'inline', 'aria-label': 'Remember a fact' },
    h('label', { for: 'fact-key' }, 'Remember'), h('input', { id: 'fact-key', name: 'key', required: true, placeholder: 'regular order' }),
    h('label', { for: 'fact-value' }, 'is'), h('input', { id: 'fact-value', name: 'value', required: true, placeholder: 'flat white, oat milk' }),
    h('button', { type: 'submit' }, 'Remember'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api.post('/facts', { party: id, key: form.key.value, value: form.value.value });
      say('Remembered');
      await party(id);
    } catch (e) {
      say(e.message);
    }
  });
  return form;
}

// ---- quick forms ---------------------------------------------------------------------------------------

const KINDS = ['favour', 'gift', 'introduction', 'referral', 'review', 'advice', 'hospitality', 'discount', 'treat'];

const FORMS = {
  give: { label: 'Gave', path: '/exchanges', fields: ['party', 'kind', 'personal', 'unexpected', 'note'], fixed: { direction: 'gave' } },
  receive: { label: 'Received', path: '/exchanges', fields: ['party', 'kind', 'note'], fixed: { direction: 'received' } },
  visit: { label: 'Visit', path: '/visits', fields: ['party', 'amount', 'note'] },
  touch: { label: 'Touch', path: '/touches', fields: ['party', 'channel', 'purpose', 'note'] },
  nps: { label: 'NPS answer', path: '/nps', fields: ['party', 'score', 'comment'] },
};

function field(form, name, value) {
  const id = `${form}-${name}`;
  const label = (text, ...input) => h('div', { class: 'field' }, h('label', { for: id }, text), ...input);
  switch (name) {
    case 'party':
      return label('Who', h('input', { id, name, required: true, list: 'party-names', value: value || '', autocomplete: 'off' }));
    case 'kind':
      return label('What', h('select', { id, name }, KINDS.map((k) => h('option', { value: k }, k))));
    case 'personal':
    case 'unexpected':
      return h('div', { class: 'field check' }, h('input', { id, name, type: 'checkbox' }), h('label', { for: id }, name));
    case 'amount':
      return label('Spent', h('input', { id, name, type: 'number', min: '0', step: '0.01', inputmode: 'decimal' }));
    case 'channel':
      return label('How', h('select', { id, name }, ['call', 'email', 'meeting', 'message', 'letter', 'social', 'video'].map((c) => h('option', { value: c }, c))));
    case 'purpose':
      return label('Why', h('select', { id, name }, h('option', { value: 'checkin' }, 'keeping in touch'), h('option', { value: 'need' }, 'we needed something')));
    case 'score':
      return label('Score (0–10)', h('input', { id, name, type: 'number', min: '0', max: '10', required: true, inputmode: 'numeric' }));
    default:
      return label(name === 'comment' ? 'What they said' : 'Note', h('input', { id, name }));
  }
}

function quickForms(partyName, after) {
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'What happened' });
  const holder = h('div');
  const names = h('datalist', { id: 'party-names' });
  function show(key) {
    const spec = FORMS[key];
    for (const b of tabs.children) b.setAttribute('aria-pressed', String(b.dataset.form === key));
    const form = h('form', { class: 'card', id: `form-${key}`, 'aria-label': spec.label },
      spec.fields.map((f) => field(key, f, f === 'party' ? partyName : '')),
      h('button', { type: 'submit' }, `Record ${spec.label.toLowerCase()}`));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { ...(spec.fixed || {}) };
      for (const f of spec.fields) {
        const input = form.elements[f];
        if (input.type === 'checkbox') body[f] = input.checked;
        else if (input.value !== '') body[f] = input.value;
      }
      try {
        const rec = await api.post(spec.path, body);
        say(`Recorded ${spec.label.toLowerCase()} for ${rec.party_name}`);
        if (after) await after();
        else await route();
      } catch (e) {
        say(e.message);
        form.append(h('p', { class: 'error', role: 'alert' }, e.message));
      }
    });
    clear(holder).append(form);
  }
  for (const key of Object.keys(FORMS))
    tabs.append(h('button', { type: 'button', 'data-form': key, onclick: () => show(key) }, FORMS[key].label));
  api.get('/parties?limit=500').then((doc) => {
    for (const p of doc.items) names.append(h('option', { value: p.name }));
  }).catch(() => {});
  show('visit');
  return h('div', {}, tabs, holder, names);
}

function logPage() {
  if (!canWrite()) {
    page('Log', h('p', { class: 'notice', id: 'read-only' }, `As a ${me.role} you can read everything but not record.`));
    return;
  }
  page('Log what happened', quickForms());
}

// ---- advocacy -------------------------------------------------------------------------------------------

async function advocates() {
  const [nps, referrals, reviews] = await Promise.all([
    api.get('/nps?limit=50'), api.get('/referrals?limit=50'), api.get('/reviews?limit=50')]);
  page('Advocates',
    section('NPS answers', nps.items.length ? h('ul', { class: 'list' }, nps.items.map((n) => h('li', { class: 'item row' },
      partyLink(n.party, n.party_name), h('span', { class: `score s${n.score >= 9 ? 'p' : n.score >= 7 ? 'n' : 'd'}` }, String(n.score)),
      h('span', { class: 'muted' }, `${day(n.at)}${n.comment ? ' — ' + n.comment : ''}`)))) : empty('No answers yet.')),
    section('Referrals', referrals.items.length ? h('ul', { class: 'list' }, referrals.items.map((r) => h('li', { class: 'item' },
      partyLink(r.referrer, r.referrer_name), ' sent ', partyLink(r.party, r.party_name), h('span', { class: 'muted' }, ` · ${r.status}, ${day(r.at)}`))))
      : empty('No referrals yet.')),
    section('Reviews', reviews.items.length ? h('ul', { class: 'list' }, reviews.items.map((r) => h('li', { class: 'item' },
      partyLink(r.party, r.party_name), ` · ${r.platform} ${'★'.repeat(r.rating)}`, h('span', { class: 'muted' }, ` ${day(r.at)}`))))
      : empty('No reviews yet.')));
}

// ---- start ---------------------------------------------------------------------------------------------------

window.addEventListener('hashchange', () => route());
api.whoAmI().then((who) => { me = who; started(); }).catch(() => signInPage());
