/** The Inside panel's views: first-layer filters, every layer's output, the training diagnostics. */
import type { DiagnosticsReport } from '../../src/train/diagnostics.js';
import type { LayerOutput, PageModel } from './infer.js';
import { extent } from './logic.js';
import { el, figure, heatCanvas } from './ui.js';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The first convolution's kernels, on one symmetric colour scale (zero = white). */
export function renderFilters(box: HTMLElement, model: PageModel): void {
  box.textContent = '';
  const f = model.firstFilters();
  if (!f) {
    box.append(el('p', { class: 'empty', text: 'This model has no convolution.' }));
    return;
  }
  const [O = 0, I = 1, kH = 1, kW = 1] = f.shape;
  const [lo, hi] = extent(f.data);
  const m = Math.max(-lo, hi);
  // input channel 0 of each filter (the digits are grey, so there is only one)
  for (let o = 0; o < O; o++) {
    const at = o * I * kH * kW;
    box.append(figure(`#${o}`, heatCanvas(f.data.subarray(at, at + kH * kW), kH, kW, { range: [-m, m], label: `filter ${o}` })));
  }
}

function channelTiles(o: LayerOutput, maxChannels: number): HTMLElement {
  const [, C = 1, H = 1, W = 1] = o.shape;
  const tiles = el('div', { class: 'tiles' });
  // one scale per layer, so channels compare; grey for non-negative maps (after ReLU / pooling)
  const [lo, hi] = extent(o.data);
  for (let c = 0; c < Math.min(C, maxChannels); c++) {
    const map = o.data.subarray(c * H * W, (c + 1) * H * W);
    tiles.append(figure(`#${c}`, heatCanvas(map, H, W, { grey: lo >= 0, range: [lo, hi], label: `${o.name} channel ${c}` })));
  }
  return tiles;
}

/** Each child's output for `pixels`: feature maps as tiles, flat outputs as a strip. */
export function renderActivations(box: HTMLElement, model: PageModel, pixels: Float32Array | null): void {
  box.textContent = '';
  if (!pixels) return;
  let outs: LayerOutput[];
  try {
    outs = model.layers(pixels);
  } catch (err) {
    box.append(el('p', { class: 'status error', text: `Forward pass failed: ${errText(err)}` }));
    return;
  }
  for (const o of outs) {
    const sec = el('div', { class: 'layer' }, el('h3', { text: `${o.name} ${o.type} → [${o.shape.join(', ')}]` }));
    if (o.shape.length === 4) {
      sec.append(channelTiles(o, 32));
      if ((o.shape[1] ?? 0) > 32) sec.append(el('p', { class: 'hint', text: `first 32 of ${o.shape[1]} channels` }));
    } else {
      const n = o.data.length;
      const strip = heatCanvas(o.data, 1, n, { label: `${o.name}: ${n} values` });
      strip.classList.add('strip');
      sec.append(strip);
      if (n === 10) sec.append(el('p', { class: 'hint', text: `logits: ${[...o.data].map((v, i) => `${i}: ${v.toFixed(2)}`).join('  ')}` }));
    }
    box.append(sec);
  }
}

/** Gradient norms per layer (log-scale bars) and dead ReLU units, with the diagnostics' warnings. */
export function renderDiagnostics(box: HTMLElement, report: DiagnosticsReport, step: number): void {
  box.textContent = '';
  const norms = report.layers.filter((l) => l.gradNorm !== undefined);
  const relus = report.layers.filter((l) => l.units !== undefined);
  const logs = norms.map((l) => Math.log10(l.gradNorm! + 1e-12));
  const maxLog = Math.max(...logs);
  const minLog = Math.min(...logs);
  const t1 = el('table', {}, el('caption', { class: 'hint', text: `Mean gradient norm per layer, this epoch up to step ${step} (bar: log scale)` }), el('tr', {}, el('th', { text: 'layer' }), el('th', { text: '‖∇‖' }), el('th', { text: '' })));
  norms.forEach((l, i) => {
    const bar = el('span', { class: 'normbar' });
    bar.style.width = `${8 + (maxLog > minLog ? (120 * (logs[i]! - minLog)) / (maxLog - minLog) : 60)}px`;
    t1.append(el('tr', {}, el('td', { text: l.name }), el('td', { class: 'num', text: l.gradNorm!.toExponential(2) }), el('td', {}, bar)));
  });
  const t2 = el('table', {}, el('caption', { class: 'hint', text: 'Dead ReLU units (never active this epoch)' }), el('tr', {}, el('th', { text: 'after layer' }), el('th', { text: 'dead / units' }), el('th', { text: 'fraction' })));
  for (const l of relus) t2.append(el('tr', {}, el('td', { text: l.name }), el('td', { class: 'num', text: `${l.deadUnits} / ${l.units}` }), el('td', { class: 'num', text: `${(100 * l.deadFraction!).toFixed(1)}%` })));
  box.append(el('div', { class: 'grids' }, t1, t2));
  if (report.warnings.length) box.append(el('ul', { class: 'warnings' }, ...report.warnings.map((w) => el('li', { text: w }))));
  else box.append(el('p', { class: 'hint', text: 'No warnings: no vanishing or exploding gradients, no dead units.' }));
}
