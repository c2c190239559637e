// chart.js — the balance over time as an SVG line chart, with the same
// figures in a table for screen readers (the picture is aria-hidden).
import { day, signed } from './dom.js';
import { s, picture, figureTable, figure } from './svg.js';

export function balanceChart(points, caption) {
  const W = 600, H = 200, P = 36;
  const values = points.map((p) => Number(p.balance));
  const lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const x = (i) => P + (i * (W - 2 * P)) / Math.max(1, points.length - 1);
  const y = (v) => H - P - ((v - lo) * (H - 2 * P)) / span;
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(Number(p.balance)).toFixed(1)}`).join(' ');
  const svg = picture(W, H,
    s('line', { x1: P, x2: W - P, y1: y(0), y2: y(0), class: 'zero' }),
    s('path', { d: line, class: 'line' }),
    s('text', { x: 4, y: y(hi) + 4, class: 'tick' }, signed(hi)),
    s('text', { x: 4, y: y(lo) + 4, class: 'tick' }, signed(lo)),
    s('text', { x: P, y: H - 8, class: 'tick' }, day(points[0] && points[0].at)),
    s('text', { x: W - P, y: H - 8, class: 'tick', 'text-anchor': 'end' }, day(points.length ? points[points.length - 1].at : '')),
    points.map((p, i) => s('circle', { cx: x(i), cy: y(Number(p.balance)), r: 2.5, class: 'dot' })));
  return figure(svg, figureTable(caption, ['date', 'balance'], points.map((p) => [day(p.at), signed(p.balance)])), caption);
}
