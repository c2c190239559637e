// svg.js — building SVG charts the way dom.js builds HTML (text only ever as
// text nodes), and the table of figures that stands in for a chart for
// screen readers, since every picture here is aria-hidden.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export function picture(width, height, ...children) {
  return s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', 'aria-hidden': 'true', focusable: 'false' }, ...children);
}

// headers: column names; rows: arrays of cells already formatted as text.
export function figureTable(caption, headers, rows) {
  return h('table', { class: 'sr-only' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

export function figure(svg, table, caption) {
  return h('figure', { class: 'figure' }, svg, table, h('figcaption', {}, caption));
}
