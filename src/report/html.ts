/**
 * A training run as one self-contained HTML page (no scripts, fonts or requests: it opens from a
 * file anywhere): loss and accuracy curves per step and per epoch as inline SVG, the test set's
 * confusion matrix and per-class accuracy, the model summary with its working, and the settings.
 * Browser-safe; `convkit train` writes it to DIR/report.html.
 */
import { perClassAccuracy } from '../train/metrics.js';

export interface ReportStep {
  /** Global step (1-based across epochs). */
  step: number;
  epoch: number;
  /** Running mean over the epoch so far, as the progress bar shows. */
  loss: number;
  accuracy: number;
}

export interface ReportEpoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  lr?: number;
  seconds?: number;
}

export interface ReportData {
  title: string;
  /** Shown as a two-column table, in order. */
  settings: readonly (readonly [string, string])[];
  steps: readonly ReportStep[];
  epochs: readonly ReportEpoch[];
  /** confusion[t][p] on the test set. */
  confusion: readonly (readonly number[])[];
  classes: readonly string[];
  /** The model summary as text (formatSummary with the working). */
  summary: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const W = 760;
const H = 260;
const PAD = { l: 56, r: 16, t: 22, b: 40 };

interface Series {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** Index of each point's segment: the line breaks where it changes (running means restart each epoch). */
  segments?: readonly number[];
  /** Dots at the points (epoch values) rather than a plain line. */
  dots?: boolean;
}

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 || Number.isInteger(v) ? String(v) : Number(v.toPrecision(3)).toString());

/** A line chart as an SVG element: x from the series' first coordinates, y scaled to their range. */
export function lineChart(title: string, xLabel: string, series: readonly Series[], yRange?: readonly [number, number]): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return `<figure><figcaption>${escapeHtml(title)}</figcaption><p class="empty">no data</p></figure>`;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = yRange ?? [Math.min(...ys), Math.max(...ys)];
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const margin = 0.04 * (y1 - y0);
  [y0, y1] = [y0 - margin, y1 + margin];
  const sx = (x: number): number => PAD.l + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
  const sy = (y: number): number => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const parts: string[] = [];
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" class="grid"/><text x="${PAD.l - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, 6)) parts.push(`<text x="${sx(t).toFixed(1)}" y="${H - PAD.b + 16}" text-anchor="middle">${fmt(t)}</text>`);
  parts.push(`<text x="${(PAD.l + W - PAD.r) / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  let legendX = PAD.l + 8;
  series.forEach((s) => {
    const keep = s.points.map(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const pts = s.points.filter((_, i) => keep[i]);
    const seg = s.segments?.filter((_, i) => keep[i]);
    if (s.dots) {
      const d = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
      for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escapeHtml(s.name)}: ${fmt(y)} at ${fmt(x)}</title></circle>`);
    } else {
      const d = pts.map(([x, y], i) => `${i === 0 || seg?.[i] !== seg?.[i - 1] ? 'M' : 'L'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.2" opacity="0.8"/>`);
    }
    parts.push(`<rect x="${legendX}" y="${PAD.t - 12}" width="10" height="10" fill="${s.color}"/><text x="${legendX + 14}" y="${PAD.t - 3}">${escapeHtml(s.name)}</text>`);
    legendX += 26 + 6 * s.name.length;
  });
  const label = escapeHtml(title);
  return `<figure><figcaption>${label}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${label}"><rect x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${H - PAD.t - PAD.b}" class="frame"/>${parts.join('')}</svg></figure>`;
}

/** "3" for a class named by its label, "3 cat" otherwise. */
const classLabel = (classes: readonly string[], t: number): string => (classes[t] === undefined || classes[t] === String(t) ? String(t) : `${t} ${classes[t]}`);

function confusionTable(confusion: readonly (readonly number[])[], classes: readonly string[]): string {
  const max = Math.max(1, ...confusion.flat());
  const acc = perClassAccuracy(confusion);
  const head = `<tr><th>true \\ predicted</th>${confusion.map((_, p) => `<th title="${escapeHtml(classes[p] ?? String(p))}">${p}</th>`).join('')}<th>accuracy</th></tr>`;
  const rows = confusion.map((row, t) => {
    const cells = row.map((v, p) => {
      const a = v / max;
      const bg = t === p ? `rgba(46, 125, 50, ${(0.15 + 0.85 * a).toFixed(3)})` : v > 0 ? `rgba(198, 40, 40, ${(0.12 + 0.88 * a).toFixed(3)})` : 'transparent';
      const fg = a > 0.55 ? '#fff' : '#111';
      return `<td style="background:${bg};color:${fg}" title="true ${escapeHtml(classes[t] ?? String(t))}, predicted ${escapeHtml(classes[p] ?? String(p))}: ${v}">${v}</td>`;
    });
    const a = acc[t]!;
    return `<tr><th class="name">${escapeHtml(classLabel(classes, t))}</th>${cells.join('')}<td class="acc">${Number.isNaN(a) ? '--' : `${(100 * a).toFixed(1)}%`}</td></tr>`;
  });
  return `<table class="confusion" id="confusion">${head}${rows.join('')}</table>`;
}

function perClassBars(confusion: readonly (readonly number[])[], classes: readonly string[]): string {
  const acc = perClassAccuracy(confusion);
  const bw = 360;
  const rowH = 22;
  const bars = acc.map((a, t) => {
    const w = Number.isNaN(a) ? 0 : a * bw;
    const y = t * rowH;
    return `<text x="150" y="${y + 15}" text-anchor="end">${escapeHtml(classLabel(classes, t))}</text><rect x="158" y="${y + 4}" width="${w.toFixed(1)}" height="14" fill="#1565c0"/><text x="${(164 + w).toFixed(1)}" y="${y + 15}">${Number.isNaN(a) ? '--' : `${(100 * a).toFixed(1)}%`}</text>`;
  });
  const h = acc.length * rowH + 4;
  return `<svg viewBox="0 0 ${bw + 230} ${h}" width="${bw + 230}" height="${h}" role="img" aria-label="per-class accuracy" id="per-class">${bars.join('')}</svg>`;
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#111;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:4px}svg text{font-size:11px;fill:#333}
.grid{stroke:#e3e3e3}.frame{fill:none;stroke:#999}.empty{color:#777}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}th.name{text-align:left}
.confusion td{min-width:28px;font-variant-numeric:tabular-nums}.settings td,.settings th{text-align:left}
pre{background:#f6f6f6;padding:10px;overflow-x:auto;font:12px/1.35 ui-monospace,Menlo,Consolas,monospace}
.big{font-size:20px;font-weight:600}`;

/** The report page. */
export function renderReport(d: ReportData): string {
  const last = d.epochs[d.epochs.length - 1];
  const segments = d.steps.map((s) => s.epoch);
  const stepLoss: Series = { name: 'train loss (running mean in the epoch, per step)', color: '#90a4ae', points: d.steps.map((s) => [s.step, s.loss]), segments };
  const stepAcc: Series = { name: 'train accuracy (running mean in the epoch, per step)', color: '#90a4ae', points: d.steps.map((s) => [s.step, 100 * s.accuracy]), segments };
  // epoch values are placed at the epoch's last step, so both curves share the step axis
  const stepsPerEpoch = new Map<number, number>();
  for (const s of d.steps) stepsPerEpoch.set(s.epoch, Math.max(stepsPerEpoch.get(s.epoch) ?? 0, s.step));
  const perEpochSteps = d.steps.length > 0 ? d.steps[d.steps.length - 1]!.step / Math.max(1, d.steps[d.steps.length - 1]!.epoch) : 1;
  const at = (e: number): number => stepsPerEpoch.get(e) ?? e * perEpochSteps;
  const xLabel = d.steps.length > 0 ? 'training step' : 'epoch';
  const ex = (e: number): number => (d.steps.length > 0 ? at(e) : e);
  const lossChart = lineChart('Loss', xLabel, [
    stepLoss,
    { name: 'train loss (epoch)', color: '#ef6c00', dots: true, points: d.epochs.map((e) => [ex(e.epoch), e.trainLoss]) },
    { name: 'test loss (epoch)', color: '#2e7d32', dots: true, points: d.epochs.map((e) => [ex(e.epoch), e.testLoss]) },
  ]);
  const accChart = lineChart('Accuracy (%)', xLabel, [
    stepAcc,
    { name: 'train accuracy (epoch)', color: '#ef6c00', dots: true, points: d.epochs.map((e) => [ex(e.epoch), 100 * e.trainAccuracy]) },
    { name: 'test accuracy (epoch)', color: '#2e7d32', dots: true, points: d.epochs.map((e) => [ex(e.epoch), 100 * e.testAccuracy]) },
  ]);
  const epochRows = d.epochs.map((e) => `<tr><td>${e.epoch}</td><td>${e.trainLoss.toFixed(4)}</td><td>${(100 * e.trainAccuracy).toFixed(2)}%</td><td>${e.testLoss.toFixed(4)}</td><td>${(100 * e.testAccuracy).toFixed(2)}%</td><td>${e.lr === undefined ? '' : e.lr.toPrecision(3)}</td><td>${e.seconds === undefined ? '' : e.seconds.toFixed(1)}</td></tr>`);
  const settings = d.settings.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(d.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(d.title)}</h1>
<p class="big" id="final">${last ? `Test accuracy ${(100 * last.testAccuracy).toFixed(2)}% after ${last.epoch} epoch${last.epoch === 1 ? '' : 's'}` : 'No epoch finished yet'}</p>
<h2>Curves</h2>
<div id="curves">${lossChart}${accChart}</div>
<table><tr><th>epoch</th><th>train loss</th><th>train acc</th><th>test loss</th><th>test acc</th><th>lr</th><th>seconds</th></tr>${epochRows.join('')}</table>
<h2>Test set: confusion matrix</h2>
<p>Rows are the true classes, columns the predicted ones; the diagonal holds the correct predictions.</p>
${d.confusion.length ? confusionTable(d.confusion, d.classes) : '<p class="empty">not evaluated yet</p>'}
<h2>Per-class accuracy</h2>
${d.confusion.length ? perClassBars(d.confusion, d.classes) : '<p class="empty">not evaluated yet</p>'}
<h2>Model</h2>
<pre id="summary">${escapeHtml(d.summary)}</pre>
<h2>Settings</h2>
<table class="settings">${settings}</table>
</body></html>
`;
}
