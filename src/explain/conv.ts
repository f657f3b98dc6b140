/**
 * `explainConv(x, w, options)`: a 1-d or 2-d convolution as a textbook writes it out. The output is
 * computed by the engine (pad, then conv1d/conv2d in float64); the working is written from the
 * indices: for output position o along each axis the window starts at o·stride − padBefore and
 * taps every `dilation`-th input, each term kernel·input with the numbers substituted, e.g.
 *   Z[1,3] = 1·3 + (−1)·0 + 1·3 + (−1)·0 = 6.
 * Taps in the zero padding are left out of the sums (they add 0).
 *
 * Modes follow numpy/scipy (numpy.convolve / numpy.correlate for 1-d, scipy.signal.convolve /
 * correlate for 2-d): 'valid' pads nothing (or `padding` on both sides), 'full' pads
 * dilation·(k−1) on both sides, 'same' pads dilation·(k−1) in total with the odd one *before*
 * (the centre of the full output; PyTorch's padding='same' puts it after, and so, for
 * correlations with even kernels only, does scipy.signal.correlate2d). `flip` turns the cross-correlation (what deep-learning
 * "convolutions" compute) into a true convolution by reversing the kernel on every axis.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { tensor } from '../creation.js';
import { isTensor, valuesOf } from '../tensor.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { conv1d, conv2d } from '../ops/conv.js';
import { flip as flipTensor, pad, reshape } from '../ops/movement.js';
import { readOptions } from '../op.js';

export type ConvMode = 'valid' | 'same' | 'full';

export interface ExplainConvOptions {
  /** Default 'valid'. */
  mode?: ConvMode;
  /** Reverse the kernel (a true convolution). Default false: cross-correlation. */
  flip?: boolean;
  stride?: number | readonly number[];
  /** Zero padding on both sides, with mode 'valid' only. */
  padding?: number | readonly number[];
  dilation?: number | readonly number[];
}

export interface ConvTerm {
  /** The output position (0-based, one index per axis). */
  position: number[];
  /** `Z[i,j] = w·x + ... = value` with the numbers substituted. */
  text: string;
  /** The products in order: [kernel value, input value]. */
  products: [number, number][];
  value: number;
}

export interface ConvExplanation {
  /** 'cross-correlation' or 'convolution'. */
  kind: string;
  mode: ConvMode;
  /** The output (float64), [L] or [H, W]. */
  output: Tensor;
  /** The kernel as applied (reversed when flipped). */
  kernel: Tensor;
  padBefore: number[];
  padAfter: number[];
  stride: number[];
  dilation: number[];
  max: { value: number; positions: number[][] };
  min: { value: number; positions: number[][] };
  /** Positions whose value is exactly 0. */
  zeros: number[][];
  terms: ConvTerm[];
}

const OP = 'explainConv';

function asTensor(arg: string, v: Tensor | NestedArray): Tensor {
  const t = isTensor(v) ? v.to('float64') : tensor(v as NestedArray, { dtype: 'float64' });
  if (t.ndim !== 1 && t.ndim !== 2) throw new ShapeError({ op: OP, arg, expected: 'a 1-d or 2-d array of numbers', got: `shape ${fmtShape(t.shape)}` });
  if (t.numel === 0) throw new ShapeError({ op: OP, arg, expected: 'a non-empty array', got: `shape ${fmtShape(t.shape)}` });
  return t;
}

function perAxis(arg: string, v: unknown, r: number, min: number, dflt: number): number[] {
  const a = v === undefined ? dflt : v;
  const arr = typeof a === 'number' ? new Array<number>(r).fill(a) : a;
  if (!Array.isArray(arr) || arr.length !== r || !arr.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ValueError({ op: OP, arg: `options.${arg}`, expected: `an integer >= ${min} or ${r} of them`, got: fmtValue(v) });
  }
  return arr as number[];
}

/** A number as the working shows it: integers plain, others to 6 significant digits, negatives in parentheses with a real minus sign. */
export function fmtNumber(v: number): string {
  if (v === 0) return '0';
  const s = Number.isInteger(v) ? String(Math.abs(v)) : String(Number(Math.abs(v).toPrecision(6)));
  return v < 0 ? `(−${s})` : s;
}

/** A number on its own (no parentheses around a negative). */
const plain = (v: number): string => fmtNumber(v).replace(/^\((.*)\)$/, '$1');

function positionsOf(out: Tensor, pred: (v: number) => boolean): number[][] {
  const [a, b] = out.ndim === 1 ? [out.shape[0]!, 1] : [out.shape[0]!, out.shape[1]!];
  const res: number[][] = [];
  const d = valuesOf(out);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) if (pred(d[i * b + j]!)) res.push(out.ndim === 1 ? [i] : [i, j]);
  return res;
}

export function explainConv(input: Tensor | NestedArray, weight: Tensor | NestedArray, options: ExplainConvOptions = {}): ConvExplanation {
  const o = readOptions<ExplainConvOptions>(OP, options, ['mode', 'flip', 'stride', 'padding', 'dilation']);
  const x = asTensor('input', input);
  const w0 = asTensor('weight', weight);
  const r = x.ndim;
  if (w0.ndim !== r) throw new ShapeError({ op: OP, arg: 'weight', expected: `a ${r}-d kernel like the input`, got: `shape ${fmtShape(w0.shape)}` });
  const mode = o.mode ?? 'valid';
  if (mode !== 'valid' && mode !== 'same' && mode !== 'full') throw new ValueError({ op: OP, arg: 'options.mode', expected: "'valid', 'same' or 'full'", got: fmtValue(mode) });
  const stride = perAxis('stride', o.stride, r, 1, 1);
  const dilation = perAxis('dilation', o.dilation, r, 1, 1);
  const padding = perAxis('padding', o.padding, r, 0, 0);
  if (mode !== 'valid' && padding.some((p) => p > 0)) {
    throw new ValueError({ op: OP, arg: 'options.padding', expected: `no padding with mode '${mode}' (the mode sets it)`, got: fmtValue(o.padding) });
  }
  const w = o.flip ? flipTensor(w0, r === 1 ? [0] : [0, 1]) : w0;
  const K = w.shape;
  const span = K.map((k, i) => dilation[i]! * (k - 1));
  const padBefore = mode === 'valid' ? padding : mode === 'full' ? span : span.map((s) => Math.ceil(s / 2));
  const padAfter = mode === 'valid' ? padding : mode === 'full' ? span : span.map((s) => Math.floor(s / 2));
  // F.pad order: last axis first
  const pads = r === 1 ? [padBefore[0]!, padAfter[0]!] : [padBefore[1]!, padAfter[1]!, padBefore[0]!, padAfter[0]!];
  const xp = reshape(pad(reshape(x, [1, 1, ...x.shape]), pads), [1, 1, ...x.shape.map((n, i) => n + padBefore[i]! + padAfter[i]!)]);
  const wk = reshape(w, [1, 1, ...K]);
  const y = r === 1 ? conv1d(xp, wk, null, { stride, dilation }) : conv2d(xp, wk, null, { stride, dilation });
  const output = reshape(y, y.shape.slice(2));
  const outShape = output.shape;
  const terms: ConvTerm[] = [];
  const xd = valuesOf(x);
  const wd = valuesOf(w);
  const od = valuesOf(output);
  const W = r === 2 ? x.shape[1]! : 1;
  const [O0, O1] = r === 1 ? [outShape[0]!, 1] : [outShape[0]!, outShape[1]!];
  const [K0, K1] = r === 1 ? [K[0]!, 1] : [K[0]!, K[1]!];
  for (let a = 0; a < O0; a++) {
    for (let b = 0; b < O1; b++) {
      const products: [number, number][] = [];
      for (let i = 0; i < K0; i++) {
        const p = a * stride[0]! - padBefore[0]! + i * dilation[0]!;
        if (p < 0 || p >= x.shape[0]!) continue;
        for (let j = 0; j < K1; j++) {
          const q = r === 1 ? 0 : b * stride[1]! - padBefore[1]! + j * dilation[1]!;
          if (q < 0 || q >= W) continue;
          products.push([wd[i * K1 + j]!, xd[p * W + q]!]);
        }
      }
      const value = od[a * O1 + b]!;
      const position = r === 1 ? [a] : [a, b];
      const sum = products.length === 0 ? '0 (every tap is in the padding)' : products.map(([k, v]) => `${fmtNumber(k)}·${fmtNumber(v)}`).join(' + ');
      terms.push({ position, products, value, text: `Z[${position.join(',')}] = ${sum} = ${plain(value)}` });
    }
  }
  let max = -Infinity;
  let min = Infinity;
  for (const v of od) {
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  return {
    kind: o.flip ? 'convolution' : 'cross-correlation',
    mode,
    output,
    kernel: w,
    padBefore,
    padAfter,
    stride,
    dilation,
    max: { value: max, positions: positionsOf(output, (v) => v === max) },
    min: { value: min, positions: positionsOf(output, (v) => v === min) },
    zeros: positionsOf(output, (v) => v === 0),
    terms,
  };
}

const pos = (ps: readonly number[][]): string => (ps.length === 0 ? 'nowhere' : ps.map((p) => `[${p.join(',')}]`).join(', '));

function matrixText(t: Tensor): string {
  const d = valuesOf(t);
  const rows = t.ndim === 1 ? [[...d]] : Array.from({ length: t.shape[0]! }, (_, i) => [...d.slice(i * t.shape[1]!, (i + 1) * t.shape[1]!)]);
  const cells = rows.map((row) => row.map((v) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))))));
  const w = Math.max(...cells.flat().map((c) => c.length));
  const lines = cells.map((row) => `[${row.map((c) => c.padStart(w)).join(', ')}]`);
  return t.ndim === 1 ? `  ${lines[0]}` : lines.map((l, i) => `${i === 0 ? '  [' : '   '}${l}${i === lines.length - 1 ? ']' : ','}`).join('\n');
}

/** The explanation as text: output, extremes and zeros, and with `explain` every sum. */
export function formatConvExplanation(e: ConvExplanation, options: { explain?: boolean } = {}): string {
  const r = e.output.ndim;
  const settings = [`mode ${e.mode}`];
  if (e.padBefore.some((p, i) => p > 0 || e.padAfter[i]! > 0)) settings.push(`zero padding ${e.padBefore.map((p, i) => (p === e.padAfter[i] ? String(p) : `${p} before, ${e.padAfter[i]} after`)).join(' x ')}`);
  if (e.stride.some((s) => s !== 1)) settings.push(`stride ${e.stride.join('x')}`);
  if (e.dilation.some((d) => d !== 1)) settings.push(`dilation ${e.dilation.join('x')}`);
  const lines = [
    `${r}-d ${e.kind} (${settings.join(', ')}${e.kind === 'convolution' ? ', kernel flipped' : ''}); indices from 0`,
    ...(e.kind === 'convolution' ? [`kernel as applied (flipped):\n${matrixText(e.kernel)}`] : []),
    `output Z, shape ${e.output.shape.join('x')}:`,
    matrixText(e.output),
    `largest: ${plain(e.max.value)} at ${pos(e.max.positions)}`,
    `smallest: ${plain(e.min.value)} at ${pos(e.min.positions)}`,
    `zero at: ${pos(e.zeros)}`,
  ];
  if (options.explain) {
    lines.push(`working (kernel·input for every tap inside the input${e.padBefore.some((p) => p > 0) ? '; padding taps add 0 and are left out' : ''}):`);
    for (const t of e.terms) lines.push(`  ${t.text}`);
  }
  return lines.join('\n');
}
