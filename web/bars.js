// bars.js — bar charts drawn from the figures the API serves: the NPS of
// each month (bars up or down from zero), points stacked by component (the
// advocates' ranking) and scores on a fixed scale (the trust components).
// Nothing is computed here but positions.
import { s, picture, figureTable, figure } from './svg.js';

const fixed = (v) => (v === null || v === undefined ? '—' : String(Math.round(Number(v))));

// months: [{month, respondents, nps|null}], nps from -100 to 100.
export function monthBars(months, caption) {
  const W = 600, H = 240, P = 30, top = 20, bottom = H - 40;
  const mid = (top + bottom) / 2;
  const y = (v) => mid - (v * (bottom - top)) / 200;
  const slot = (W - 2 * P) / Math.max(1, months.length);
  const bar = Math.min(56, slot * 0.6);
  const svg = picture(W, H,
    s('line', { x1: P, x2: W - P, y1: mid, y2: mid, class: 'zero' }),
    s('text', { x: 2, y: y(100) + 4, class: 'tick' }, '+100'),
    s('text', { x: 2, y: mid + 4, class: 'tick' }, '0'),
    s('text', { x: 2, y: y(-100) + 4, class: 'tick' }, '−100'),
    months.map((m, i) => {
      const cx = P + slot * i + slot / 2;
      const v = m.nps === null || m.nps === undefined ? null : Number(m.nps);
      return s('g', { class: 'month' },
        v === null ? s('text', { x: cx, y: mid - 6, class: 'tick', 'text-anchor': 'middle' }, 'no answers')
          : s('rect', { x: cx - bar / 2, width: bar, y: Math.min(y(v), mid), height: Math.max(1, Math.abs(y(v) - mid)),
            class: v >= 0 ? 'bar up' : 'bar down' }),
        v === null ? null : s('text', { x: cx, y: v >= 0 ? y(v) - 5 : y(v) + 14, class: 'value', 'text-anchor': 'middle' }, fixed(v)),
        s('text', { x: cx, y: H - 20, class: 'tick', 'text-anchor': 'middle' }, m.month),
        s('text', { x: cx, y: H - 5, class: 'tick', 'text-anchor': 'middle' }, `${m.respondents} ans.`));
    }));
  return figure(svg, figureTable(caption, ['month', 'respondents', 'NPS'],
    months.map((m) => [m.month, String(m.respondents), fixed(m.nps)])), caption);
}

// rows: [{label, parts: [points per component]}]; names: the components.
export function stackedBars(rows, names, caption) {
  const W = 600, L = 170, R = 40, row = 26;
  const H = rows.length * row + 36;
  const most = Math.max(1, ...rows.map((r) => r.parts.reduce((a, p) => a + Math.max(0, p), 0)));
  const x = (v) => (v * (W - L - R)) / most;
  const svg = picture(W, H,
    rows.map((r, i) => {
      let at = L;
      const y = i * row + 4;
      const parts = r.parts.map((p, k) => {
        if (p <= 0) return null;
        const rect = s('rect', { x: at, y, width: x(p), height: row - 8, class: `part c${k}` });
        at += x(p);
        return rect;
      });
      return s('g', {}, s('text', { x: L - 6, y: y + row / 2, class: 'label', 'text-anchor': 'end' }, r.label),
        parts, s('text', { x: at + 4, y: y + row / 2, class: 'value' }, String(r.total)));
    }),
    names.map((n, k) => s('g', {},
      s('rect', { x: L + k * 85, y: H - 24, width: 12, height: 12, class: `part c${k}` }),
      s('text', { x: L + k * 85 + 16, y: H - 14, class: 'tick' }, n))));
  return figure(svg, figureTable(caption, ['party', ...names, 'score'],
    rows.map((r) => [r.label, ...r.parts.map(String), String(r.total)])), caption);
}

// rows: [{label, score}] on a scale from 0 to max.
export function scoreBars(rows, max, caption) {
  const W = 600, L = 150, R = 40, row = 30;
  const H = rows.length * row + 8;
  const x = (v) => (Math.max(0, Number(v)) * (W - L - R)) / max;
  const svg = picture(W, H, rows.map((r, i) => {
    const y = i * row + 4;
    return s('g', {},
      s('text', { x: L - 6, y: y + row / 2, class: 'label', 'text-anchor': 'end' }, r.label),
      s('rect', { x: L, y, width: W - L - R, height: row - 10, class: 'track' }),
      s('rect', { x: L, y, width: x(r.score), height: row - 10, class: r.weakest ? 'bar down' : 'bar up' }),
      s('text', { x: L + x(r.score) + 4, y: y + row / 2, class: 'value' }, String(r.score)));
  }));
  return figure(svg, figureTable(caption, ['component', 'score'], rows.map((r) => [r.label, String(r.score)])), caption);
}
