/** Small DOM and canvas helpers: element creation, heat maps (canvas and numbered cells), line charts. */
import { chartDomain, decimate, extent, fmtNum, heatColor, linearScale, niceTicks, textColorOn } from './logic.js';

export function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`playground: missing element #${id}`);
  return e;
}
export const $input = (id: string): HTMLInputElement => $(id) as HTMLInputElement;
export const $canvas = (id: string): HTMLCanvasElement => $(id) as HTMLCanvasElement;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

export function ctx2d(c: HTMLCanvasElement): CanvasRenderingContext2D {
  const g = c.getContext('2d');
  if (!g) throw new Error('playground: no 2-d canvas context');
  return g;
}

/**
 * Paints a rows×cols heat map into a canvas of exactly that many pixels (CSS scales it up with
 * pixelated rendering). `range` fixes the colour scale (default: the values' own extent).
 */
export function heatCanvas(values: ArrayLike<number>, rows: number, cols: number, opts: { range?: [number, number]; grey?: boolean; label?: string } = {}): HTMLCanvasElement {
  const c = el('canvas', { class: 'heat', width: String(cols), height: String(rows), role: 'img' });
  if (opts.label) c.setAttribute('aria-label', opts.label);
  paintHeat(c, values, rows, cols, opts);
  return c;
}

export function paintHeat(c: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number, opts: { range?: [number, number]; grey?: boolean } = {}): void {
  c.width = cols;
  c.height = rows;
  const g = ctx2d(c);
  const img = g.createImageData(cols, rows);
  const [lo, hi] = opts.range ?? extent(values);
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i] ?? 0;
    let rgb: readonly [number, number, number];
    if (opts.grey) {
      const t = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : v > 0 ? 255 : 0;
      rgb = [t, t, t];
    } else rgb = heatColor(v, lo, hi);
    img.data[4 * i] = rgb[0];
    img.data[4 * i + 1] = rgb[1];
    img.data[4 * i + 2] = rgb[2];
    img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
}

/** A heat map as a grid of numbered cells (for the small grids of the conv lab). */
export function heatCells(values: ArrayLike<number>, rows: number, cols: number, opts: { label: string; padMask?: (r: number, c: number) => boolean; focusable?: boolean; range?: [number, number] }): HTMLElement {
  const [lo, hi] = opts.range ?? extent(values);
  const grid = el('div', { class: 'heat-cells', role: 'grid', 'aria-label': opts.label });
  grid.style.gridTemplateColumns = `repeat(${cols}, auto)`;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c] ?? 0;
      const rgb = heatColor(v, lo, hi);
      const cell = el('span', { role: 'gridcell', 'data-r': String(r), 'data-c': String(c), text: fmtNum(v) });
      cell.style.background = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
      cell.style.color = textColorOn(rgb);
      if (opts.padMask?.(r, c)) cell.classList.add('pad');
      if (opts.focusable) {
        cell.tabIndex = -1;
        cell.setAttribute('aria-label', `row ${r}, column ${c}: ${fmtNum(v)}`);
      }
      grid.append(cell);
    }
  if (opts.focusable && grid.firstElementChild) (grid.firstElementChild as HTMLElement).tabIndex = 0;
  return grid;
}

export function figure(caption: string, ...content: Node[]): HTMLElement {
  return el('figure', {}, el('figcaption', { text: caption }), ...content);
}

export interface Series {
  points: readonly (readonly [number, number])[];
  color: string;
  label: string;
  dots?: boolean;
}

/** Draws line series on a canvas with nice y ticks; the canvas is redrawn from scratch. */
export function lineChart(c: HTMLCanvasElement, series: readonly Series[], opts: { yMin?: number; yMax?: number; yFormat?: (v: number) => string; xLabel?: string }): void {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const cssW = c.clientWidth || 480;
  const cssH = c.clientHeight || 200;
  if (c.width !== Math.round(cssW * dpr)) c.width = Math.round(cssW * dpr);
  if (c.height !== Math.round(cssH * dpr)) c.height = Math.round(cssH * dpr);
  const g = ctx2d(c);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cssW, cssH);
  const style = getComputedStyle(c);
  const fg = style.getPropertyValue('--muted').trim() || '#666';
  const line = style.getPropertyValue('--line').trim() || '#ddd';
  const all = series.flatMap((s) => s.points);
  const left = 44;
  const right = 8;
  const top = 8;
  const bottom = 22;
  g.font = '11px system-ui, sans-serif';
  if (all.length === 0) {
    g.fillStyle = fg;
    g.fillText('no data yet', cssW / 2 - 28, cssH / 2);
    return;
  }
  const xs = all.map((p) => p[0]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  const fixed: { min?: number; max?: number } = {};
  if (opts.yMin !== undefined) fixed.min = opts.yMin;
  if (opts.yMax !== undefined) fixed.max = opts.yMax;
  const [y0, y1] = chartDomain(all.map((p) => p[1]), fixed);
  const sx = linearScale(x0, x1, left, cssW - right);
  const sy = linearScale(y0, y1, cssH - bottom, top);
  g.strokeStyle = line;
  g.fillStyle = fg;
  g.lineWidth = 1;
  for (const t of niceTicks(y0, y1, 4)) {
    if (t < y0 || t > y1) continue;
    const y = Math.round(sy(t)) + 0.5;
    g.beginPath();
    g.moveTo(left, y);
    g.lineTo(cssW - right, y);
    g.stroke();
    g.fillText(opts.yFormat ? opts.yFormat(t) : fmtNum(t), 2, y + 4);
  }
  for (const t of niceTicks(x0, x1, 5)) {
    if (t < x0 || t > x1) continue;
    const s = fmtNum(t);
    const w = g.measureText(s).width;
    g.fillText(s, Math.min(cssW - right - w, sx(t) - w / 2), cssH - 6);
  }
  if (opts.xLabel) g.fillText(opts.xLabel, 2, cssH - 6);
  for (const s of series) {
    const pts = decimate(s.points, 600);
    g.strokeStyle = s.color;
    g.fillStyle = s.color;
    g.lineWidth = 2;
    g.beginPath();
    pts.forEach(([x, y], i) => (i ? g.lineTo(sx(x), sy(y)) : g.moveTo(sx(x), sy(y))));
    if (!s.dots) g.stroke();
    if (s.dots) for (const [x, y] of pts) g.fillRect(sx(x) - 3, sy(y) - 3, 6, 6);
  }
  // legend
  let lx = left + 6;
  for (const s of series) {
    g.fillStyle = s.color;
    g.fillRect(lx, top + 2, 10, 10);
    g.fillStyle = fg;
    g.fillText(s.label, lx + 14, top + 11);
    lx += 20 + g.measureText(s.label).width;
  }
}
