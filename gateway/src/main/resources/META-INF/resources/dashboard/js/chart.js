// Readings of a lot's devices for one watched quantity, drawn with uPlot (pinned in package.json, served by
// the gateway), with the watch's allowed range [lo, hi] drawn as two dashed limit lines.

/** Fixed-point encodings of protocol §7.2 (protocol/.../senml/Quantity): value = (encoded − offset) / 10^scale. */
export const QUANTITIES = {
  temperature: { unit: '°C', offset: 27315, scale: 2 },
  humidity: { unit: '%RH', offset: 0, scale: 2 },
  'co2e-register': { unit: 'g', offset: 0, scale: 0 },
};

/** A watch bound as stored (fixed-point) in the quantity's unit. */
export function decode(quantity, encoded) {
  const q = QUANTITIES[quantity];
  if (!q || encoded === null || encoded === undefined) {
    return null;
  }
  return (encoded - q.offset) / Math.pow(10, q.scale);
}

export function unitOf(quantity) {
  return QUANTITIES[quantity] ? QUANTITIES[quantity].unit : '';
}

const DEVICE_COLOURS = ['#0b5cad', '#1e7b34', '#7a3db8', '#b35c00', '#00838f', '#5d4037'];
const LIMIT_COLOUR = '#b3261e';

/**
 * Draws the chart into {@code figure}: {@code byDevice} maps device id → [{t (ms), v}] sorted by time,
 * {@code watch} has quantity, lo and hi (fixed-point). Returns the uPlot instance.
 */
export function drawReadings(figure, watch, byDevice) {
  if (!window.uPlot) {
    figure.querySelector('.plot').textContent = 'The chart library (uPlot) is missing from this build: run npm ci before Maven.';
    return null;
  }
  const quantity = watch.quantity;
  const lo = decode(quantity, watch.lo);
  const hi = decode(quantity, watch.hi);
  const unit = unitOf(quantity);
  const devices = Object.keys(byDevice).sort();
  const times = new Set();
  devices.forEach(d => byDevice[d].forEach(p => times.add(p.t)));
  const xs = Array.from(times).sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const data = [xs.map(t => t / 1000)];
  devices.forEach(d => {
    const ys = new Array(xs.length).fill(null);
    byDevice[d].forEach(p => { ys[index.get(p.t)] = p.v; });
    data.push(ys);
  });
  data.push(xs.map(() => lo));
  data.push(xs.map(() => hi));

  const series = [{}];
  devices.forEach((d, i) => series.push({ label: d, stroke: DEVICE_COLOURS[i % DEVICE_COLOURS.length], width: 2,
    spanGaps: false, points: { show: xs.length < 200 } }));
  series.push({ label: 'lower limit ' + lo + ' ' + unit, stroke: LIMIT_COLOUR, width: 2, dash: [8, 6],
    points: { show: false } });
  series.push({ label: 'upper limit ' + hi + ' ' + unit, stroke: LIMIT_COLOUR, width: 2, dash: [8, 6],
    points: { show: false } });

  const values = data.slice(1).flat().filter(v => v !== null);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = Math.max((max - min) * 0.1, 0.5);
  const width = Math.max(figure.clientWidth - 20, 320);
  const plot = new window.uPlot({
    width,
    height: 280,
    series,
    scales: { y: { range: [min - pad, max + pad] } },
    axes: [{ label: 'UTC', values: (u, splits) => splits.map(s => new Date(s * 1000).toISOString().slice(11, 19)) },
      { label: quantity + ' (' + unit + ')' }],
  }, data, figure.querySelector('.plot'));
  figure.dataset.lo = String(lo);
  figure.dataset.hi = String(hi);
  return plot;
}
