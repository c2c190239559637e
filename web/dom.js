// dom.js — building the page from data without ever parsing it as markup:
// every text goes in through textContent or attributes, so a name such as
// "<img onerror=…>" shows as those characters and runs nothing.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function say(text) {
  const status = document.getElementById('status');
  status.textContent = '';
  // a fresh node so that screen readers announce a repeated message too
  requestAnimationFrame(() => { status.textContent = text; });
}

export function day(text) {
  return text ? text.slice(0, 10) : '—';
}

export function when(text) {
  return text ? text.slice(0, 16).replace('T', ' ') : '—';
}

export function signed(v) {
  const n = Number(v || 0);
  if (Math.abs(n) < 0.005) return '0';
  return (n > 0 ? '+' : '') + n.toFixed(2);
}
