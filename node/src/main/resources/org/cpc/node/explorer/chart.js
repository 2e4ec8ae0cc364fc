// Small bar charts as inline SVG, built node by node (no library, no markup strings).

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * One bar per point, oldest on the left; the figure stretches to its box. points: [{x: label, y: number}].
 * Returns a <figure> whose caption gives the title and the latest, mean and largest values.
 */
export function barChart(title, unit, points) {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...points.map((p) => p.y));
  const bar = width / Math.max(points.length, 1);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', class: 'chart' });
  const label = svg('title', {});
  const mean = points.length ? points.reduce((s, p) => s + p.y, 0) / points.length : 0;
  const last = points.length ? points[points.length - 1].y : 0;
  label.textContent = `${title}: latest ${fmt(last)}, mean ${fmt(mean)}, largest ${fmt(max)} ${unit}`;
  root.append(label);
  points.forEach((p, i) => {
    const h = (p.y / max) * (height - 4);
    const rect = svg('rect', { x: i * bar, y: height - h, width: Math.max(bar - 0.5, 0.5), height: h, class: 'bar' });
    const tip = svg('title', {});
    tip.textContent = `${p.x}: ${fmt(p.y)} ${unit}`;
    rect.append(tip);
    root.append(rect);
  });
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  caption.textContent = `${title} — latest ${fmt(last)}, mean ${fmt(mean)}, max ${fmt(max)} ${unit} (${points.length} blocks)`;
  figure.append(caption, root);
  return figure;
}

const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
