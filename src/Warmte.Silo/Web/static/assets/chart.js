// Small SVG charts drawn here, so nothing is fetched at run time: category x axis (months or
// years), lines (solid or dashed, broken at null), bars, shaded bands, markers, horizontal
// threshold lines and vertical "today" lines. Each chart is an image with a title and a
// description for screen readers; pages show the numbers in a table as well.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 900;
const HEIGHT = 340;
const MARGIN = { left: 84, right: 16, top: 14, bottom: 46 };

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  for (const child of children) if (child) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

/** Round tick values covering [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (min === max) { min -= 1; max += 1; }
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map(f => f * magnitude).find(f => f >= raw) || raw;
  const first = Math.floor(min / step) * step;
  const ticks = [];
  for (let v = first; v <= max + step * 0.5; v += step) ticks.push(Math.round(v / step) * step);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/**
 * Draws a chart and returns a <figure>.
 * options: id, title, description, labels (x categories), tickLabel(i), yFormat(v),
 *   series [{ name, values, kind: 'line'|'bar', className, dashed }],
 *   bands [{ from, to, className, label, kind }], markers [{ index, value, label, className, kind }],
 *   thresholds [{ value, label, className }], verticals [{ index, label, className }],
 *   legend [{ className, label, shape: 'line'|'dashed'|'band'|'marker'|'bar'|'threshold' }].
 */
export function chart(options) {
  const { id, title, description, labels, tickLabel = i => labels[i], yFormat = String,
    series = [], bands = [], markers = [], thresholds = [], verticals = [], legend = [] } = options;
  const n = labels.length;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = plotWidth / Math.max(n, 1);
  const x = i => MARGIN.left + (i + 0.5) * step;

  const values = [0, ...series.flatMap(sr => sr.values.filter(v => v !== null && v !== undefined)),
    ...thresholds.map(t => t.value), ...markers.map(m => m.value).filter(v => v !== null && v !== undefined)];
  const ticks = niceTicks(Math.min(...values), Math.max(...values));
  const yMin = ticks[0];
  const yMax = ticks[ticks.length - 1];
  const y = v => MARGIN.top + plotHeight - ((v - yMin) / (yMax - yMin)) * plotHeight;

  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart', id },
    s('title', { id: titleId }, title), s('desc', { id: descId }, description));

  // Hatching for bands of planned (not booked) amounts; the legend's key uses the same pattern (one per page is enough).
  if (bands.some(b => b.className === 'planned') && !document.getElementById('hatch-planned')) {
    svg.append(s('defs', {}, s('pattern', { id: 'hatch-planned', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('rect', { width: 8, height: 8, class: 'hatch-ground' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 8, class: 'hatch-line' }))));
  }

  // Bands behind everything (stall months, planned amounts).
  for (const band of bands) {
    const rect = s('rect', {
      x: MARGIN.left + band.from * step, y: MARGIN.top, width: (band.to - band.from + 1) * step, height: plotHeight,
      class: band.className, 'data-kind': band.kind, 'data-from': labels[band.from], 'data-to': labels[band.to], 'data-amount': band.amount,
    }, s('title', {}, band.label));
    svg.append(rect);
  }

  // Grid and y axis.
  const grid = s('g', { class: 'grid', 'aria-hidden': 'true' });
  for (const t of ticks) {
    grid.append(s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(t), y2: y(t), class: t === 0 ? 'zero' : null }));
    grid.append(s('text', { x: MARGIN.left - 8, y: y(t) + 4, 'text-anchor': 'end' }, yFormat(t)));
  }
  // x ticks: at most about 10 labels.
  const every = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += every) {
    grid.append(s('line', { x1: x(i), x2: x(i), y1: MARGIN.top + plotHeight, y2: MARGIN.top + plotHeight + 5 }));
    grid.append(s('text', { x: x(i), y: MARGIN.top + plotHeight + 20, 'text-anchor': 'middle' }, tickLabel(i)));
  }
  svg.append(grid);

  // Bars.
  const bars = series.filter(sr => sr.kind === 'bar');
  bars.forEach((sr, k) => {
    const width = (step * 0.8) / bars.length;
    const group = s('g', { class: sr.className, 'data-series': sr.name });
    sr.values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      const top = Math.min(y(v), y(0));
      group.append(s('rect', { x: x(i) - step * 0.4 + k * width, y: top, width: Math.max(width - 1, 1), height: Math.max(Math.abs(y(v) - y(0)), 0.5) },
        s('title', {}, `${labels[i]}: ${yFormat(v)}`)));
    });
    svg.append(group);
  });

  // Lines, broken where a value is null.
  for (const sr of series.filter(sr => sr.kind !== 'bar')) {
    let d = '';
    let open = false;
    sr.values.forEach((v, i) => {
      if (v === null || v === undefined) { open = false; return; }
      d += `${open ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      open = true;
    });
    // data-values: the plotted numbers, so a test can compare the chart with the table it stands for.
    svg.append(s('path', { d, class: `line ${sr.className || ''}${sr.dashed ? ' dashed' : ''}`, 'data-series': sr.name, fill: 'none',
      'data-values': sr.values.map(v => (v === null || v === undefined ? '' : v)).join(';') }));
  }

  for (const t of thresholds) {
    svg.append(s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(t.value), y2: y(t.value), class: `threshold ${t.className || ''}`, 'data-kind': 'threshold', 'data-value': t.value },
      s('title', {}, t.label)));
    svg.append(s('text', { x: WIDTH - MARGIN.right - 4, y: y(t.value) - 6, 'text-anchor': 'end', class: 'threshold-label' }, t.label));
  }

  for (const v of verticals) {
    svg.append(s('line', { x1: x(v.index), x2: x(v.index), y1: MARGIN.top, y2: MARGIN.top + plotHeight, class: `vertical ${v.className || ''}` }, s('title', {}, v.label)));
    svg.append(s('text', { x: x(v.index) + 4, y: MARGIN.top + 12, class: 'vertical-label' }, v.label));
  }

  for (const m of markers) {
    const cx = x(m.index);
    const cy = y(m.value);
    svg.append(s('path', { d: `M${cx},${cy - 9}L${cx + 7},${cy + 4}L${cx - 7},${cy + 4}Z`, class: `marker ${m.className || ''}`, 'data-kind': m.kind, 'data-month': labels[m.index] },
      s('title', {}, m.label)));
  }

  const legendList = document.createElement('ul');
  legendList.className = 'legend';
  for (const item of legend) {
    const li = document.createElement('li');
    const key = s('svg', { width: 28, height: 14, 'aria-hidden': 'true', class: 'legend-key' });
    if (item.shape === 'band' || item.shape === 'bar') key.append(s('rect', { x: 2, y: 1, width: 24, height: 12, class: item.className }));
    else if (item.shape === 'marker') key.append(s('path', { d: 'M14,1L21,13L7,13Z', class: `marker ${item.className || ''}` }));
    else key.append(s('line', { x1: 1, x2: 27, y1: 7, y2: 7, class: `${item.shape === 'threshold' ? 'threshold' : 'line'} ${item.className || ''}${item.shape === 'dashed' ? ' dashed' : ''}` }));
    li.append(key, document.createTextNode(' ' + item.label));
    legendList.append(li);
  }

  const figure = document.createElement('figure');
  figure.className = 'chart-figure';
  // On a phone the chart scrolls sideways in this frame; tabindex lets the keyboard scroll it too.
  const frame = document.createElement('div');
  frame.className = 'chart-scroll';
  frame.tabIndex = 0;
  frame.setAttribute('role', 'region');
  frame.setAttribute('aria-label', title);
  frame.append(svg);
  const caption = document.createElement('figcaption');
  caption.append(legendList);
  figure.append(frame, caption);
  // Where the chart is wider than its frame (a phone), start with "today" in view.
  if (verticals.length) {
    requestAnimationFrame(() => {
      if (frame.scrollWidth > frame.clientWidth) frame.scrollLeft = (x(verticals[0].index) / WIDTH) * frame.scrollWidth - frame.clientWidth / 2;
    });
  }
  return figure;
}
