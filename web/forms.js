// forms.js — the quick forms that record what happened (a give, a receive,
// a visit, a touch, an NPS answer) and the form that remembers a fact. Each
// posts what was typed as it is; the server checks and answers.
import * as api from './api.js';
import { h, clear, say } from './dom.js';
import { refresh } from './view.js';

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

// Tabs of forms; after a recording, `after` (or the current page) re-renders.
export function quickForms(partyName, after) {
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
      for (const old of form.querySelectorAll('.error')) old.remove();
      try {
        const rec = await api.post(spec.path, body);
        say(`Recorded ${spec.label.toLowerCase()} for ${rec.party_name}`);
        await (after ? after() : refresh());
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

export function factForm(id, after) {
  const form = h('form', { class: 'inline', 'aria-label': 'Remember a fact' },
    h('label', { for: 'fact-key' }, 'Remember'), h('input', { id: 'fact-key', name: 'key', required: true, placeholder: 'regular order' }),
    h('label', { for: 'fact-value' }, 'is'), h('input', { id: 'fact-value', name: 'value', required: true, placeholder: 'flat white, oat milk' }),
    h('button', { type: 'submit' }, 'Remember'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api.post('/facts', { party: id, key: form.key.value, value: form.value.value });
      say('Remembered');
      await after();
    } catch (e) {
      say(e.message);
      form.append(h('p', { class: 'error', role: 'alert' }, e.message));
    }
  });
  return form;
}
