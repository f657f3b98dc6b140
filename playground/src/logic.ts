/**
 * Pure UI logic of the playground (no DOM, no convkit): chart scales and ticks, the heat-map colour
 * scales, conv-lab parameter validation, number lists; the MNIST-style preprocessing of a drawn
 * digit is convkit's own (src/data/preprocess.ts), re-exported. Unit-tested in Node by
 * test/playground_logic.test.ts (bundled there with esbuild).
 */

// ---- charts ---------------------------------------------------------------------------------

/** A linear map from [d0, d1] onto [r0, r1] (a zero-width domain maps to the middle of the range). */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** "Nice" tick values covering [min, max] with about `count` steps of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const d = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= d;
    max += d;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** The y-range of a chart: [lo, hi] of the finite values, padded 5%; `fixed` pins either end. */
export function chartDomain(values: readonly number[], fixed: { min?: number; max?: number } = {}): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [fixed.min ?? 0, fixed.max ?? 1];
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 0.05;
  return [fixed.min ?? lo - pad, fixed.max ?? hi + pad];
}

/** At most `max` points of a series, keeping the first and last (for drawing long runs quickly). */
export function decimate<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max || max < 2) return points.slice();
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

/** Exponential moving average (alpha = weight of the new value), for a smoothed loss curve. */
export function ema(values: readonly number[], alpha: number): number[] {
  const out: number[] = [];
  let s = NaN;
  for (const v of values) {
    s = Number.isNaN(s) ? v : alpha * v + (1 - alpha) * s;
    out.push(s);
  }
  return out;
}

// ---- colour scales --------------------------------------------------------------------------

export type Rgb = readonly [number, number, number];

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
function ramp(stops: readonly Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(lerp(a[0], b[0], f)), Math.round(lerp(a[1], b[1], f)), Math.round(lerp(a[2], b[2], f))];
}

/** Blue (negative) – white (0) – red (positive), symmetric around zero: signed weights, gradients. */
const DIVERGING: readonly Rgb[] = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];
/** Dark to bright (a viridis approximation): magnitudes, activations. */
const SEQUENTIAL: readonly Rgb[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

/**
 * The colour of `v` on a heat map whose values span [min, max]: diverging around zero when the
 * values have both signs (the scale is then symmetric, ±max|v|, so zero is always white), else
 * sequential from min to max.
 */
export function heatColor(v: number, min: number, max: number): Rgb {
  if (min < 0 && max > 0) {
    const m = Math.max(-min, max);
    return ramp(DIVERGING, (v / m + 1) / 2);
  }
  if (max === min) return ramp(SEQUENTIAL, max === 0 ? 0 : 0.5);
  return ramp(SEQUENTIAL, (v - min) / (max - min));
}

/** Black or white text, whichever reads better on `rgb` (for numbers drawn on heat-map cells). */
export function textColorOn(rgb: Rgb): string {
  const lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  return lum > 140 ? '#111' : '#fff';
}

/** [min, max] of an array (0, 0 when empty). */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 0] : [lo, hi];
}

/** A short, readable number: integers as they are, others to 3 significant digits. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

// ---- conv lab parameters --------------------------------------------------------------------

export type PaddingChoice = number | 'valid' | 'same' | 'full';
export type PaddingModeChoice = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvLabParams {
  inH: number;
  inW: number;
  kH: number;
  kW: number;
  stride: number;
  padding: PaddingChoice;
  paddingMode: PaddingModeChoice;
  dilation: number;
  /** 'correlation' = what deep-learning conv layers compute; 'convolution' flips the kernel first. */
  operation: 'correlation' | 'convolution';
}

export interface FieldError {
  field: keyof ConvLabParams;
  message: string;
}

export const CONV_LIMITS = { size: [1, 16], kernel: [1, 7], stride: [1, 4], dilation: [1, 4], padding: [0, 6] } as const;

function intField(raw: string | undefined, field: keyof ConvLabParams, label: string, [lo, hi]: readonly [number, number], errors: FieldError[]): number {
  const s = (raw ?? '').trim();
  const v = Number(s);
  if (s === '' || !Number.isInteger(v)) {
    errors.push({ field, message: `${label} must be a whole number (got "${s}")` });
    return lo;
  }
  if (v < lo || v > hi) errors.push({ field, message: `${label} must be between ${lo} and ${hi} (got ${v})` });
  return v;
}

/**
 * Reads the conv lab's form values (strings, as from <input>/<select>) into parameters, checking
 * what the form itself limits (ranges that keep the grids and matrices drawable). Geometry errors
 * (a kernel larger than the padded input, 'same' with a stride) are left to convkit, whose messages
 * the lab shows as they are.
 */
export function parseConvParams(raw: Readonly<Record<string, string | undefined>>): { ok: true; params: ConvLabParams } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const inH = intField(raw['inH'], 'inH', 'Input height', CONV_LIMITS.size, errors);
  const inW = intField(raw['inW'], 'inW', 'Input width', CONV_LIMITS.size, errors);
  const kH = intField(raw['kH'], 'kH', 'Kernel height', CONV_LIMITS.kernel, errors);
  const kW = intField(raw['kW'], 'kW', 'Kernel width', CONV_LIMITS.kernel, errors);
  const stride = intField(raw['stride'], 'stride', 'Stride', CONV_LIMITS.stride, errors);
  const dilation = intField(raw['dilation'], 'dilation', 'Dilation', CONV_LIMITS.dilation, errors);
  const p = (raw['padding'] ?? '').trim();
  let padding: PaddingChoice = 0;
  if (p === 'valid' || p === 'same' || p === 'full') padding = p;
  else padding = intField(p, 'padding', 'Padding', CONV_LIMITS.padding, errors);
  const mode = raw['paddingMode'] ?? 'zeros';
  if (mode !== 'zeros' && mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') {
    errors.push({ field: 'paddingMode', message: `Padding mode must be zeros, reflect, replicate or circular (got "${mode}")` });
  }
  const op = raw['operation'] ?? 'correlation';
  if (op !== 'correlation' && op !== 'convolution') errors.push({ field: 'operation', message: `Operation must be correlation or convolution (got "${op}")` });
  if (errors.length) return { ok: false, errors };
  return { ok: true, params: { inH, inW, kH, kW, stride, padding, paddingMode: mode as PaddingModeChoice, dilation, operation: op as ConvLabParams['operation'] } };
}

/** Parses "1, 2, 3" or "1 2 3" into numbers; null when any entry is not a finite number or it is empty. */
export function parseNumberList(s: string, maxLength = 32): number[] | null {
  const parts = s.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0 || parts.length > maxLength) return null;
  const out = parts.map(Number);
  return out.every(Number.isFinite) ? out : null;
}

/** A small deterministic PRNG (mulberry32) for the lab's example inputs. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n integers drawn uniformly from [lo, hi] (small integers keep every grid exact and readable). */
export function randomInts(n: number, lo: number, hi: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

// ---- drawing → 28×28 --------------------------------------------------------------------------

// one implementation for the page and `convkit predict` (a pure function of plain arrays)
export { preprocessDigit } from '../../src/data/preprocess.js';

/** Softmax of logits (stable: subtracts the maximum first). */
export function softmax(logits: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i]!);
  const e = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Index of the largest value (first on ties). */
export function argmax(v: ArrayLike<number>): number {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[k]!) k = i;
  return k;
}

// ---- tabs -------------------------------------------------------------------------------------

/** The tab index a key press moves to (ARIA tabs pattern: arrows wrap, Home/End), or null. */
export function nextTabIndex(key: string, current: number, count: number): number | null {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return (current + 1) % count;
    case 'ArrowLeft':
    case 'ArrowUp':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
