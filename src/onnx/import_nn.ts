/**
 * ONNX's layer ops as convkit functions: Conv, ConvTranspose, MaxPool, AveragePool,
 * GlobalAveragePool, BatchNormalization (inference form), LayerNormalization, Gemm, MatMul.
 *
 * Padding: explicit `pads` [x1_begin, …, x1_end, …] or auto_pad SAME_UPPER / SAME_LOWER
 * (total = max((⌈in/s⌉ − 1)·s + d·(k − 1) + 1 − in, 0), the odd element after for UPPER, before
 * for LOWER) / VALID. Asymmetric pads become an explicit Pad (−∞ for MaxPool). Pool output sizes
 * follow ONNX's formula (floor, or ceil with ceil_mode); AveragePool without count_include_pad is
 * Σx / Σ(real elements) over windows of the zero-padded input, so any padding and ceil mode are
 * exact; with count_include_pad, the padding is made real first (divisor: the window clipped to
 * input + padding). A ceil-mode window that would start in the end padding (ONNX keeps it,
 * PyTorch drops it) is refused rather than computed differently.
 */
import { ones } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, rsqrt, sub } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { narrow, pad, permute } from '../ops/movement.js';
import { matmul } from '../ops/matmul.js';
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from '../ops/conv.js';
import { avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d } from '../ops/pool.js';
import { batchNorm, layerNorm } from '../ops/norm.js';
import type { Attrs, Ctx, OpSpec } from './import_spec.js';
import { nodeError } from './import_spec.js';

const CONV = [conv1d, conv2d, conv3d];
const CONVT = [convTranspose1d, convTranspose2d, convTranspose3d];

/** torch's pad list (last dim first) for the spatial dims of a rank-(2 + r) tensor. */
function torchPads(before: readonly number[], after: readonly number[]): number[] {
  const l: number[] = [];
  for (let i = before.length - 1; i >= 0; i--) l.push(before[i]!, after[i]!);
  return l;
}

interface Geometry {
  r: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  before: number[];
  after: number[];
}

function geometry(c: Ctx, x: Tensor, kernel: number[]): Geometry {
  const a = c.attrs;
  const r = x.ndim - 2;
  if (r < 1 || r > 3) throw nodeError(c.node, 'input X', 'a 3-d, 4-d or 5-d tensor (N, C, spatial...)', `shape [${x.shape.join(', ')}]`);
  const stride = a.ints('strides', null) ?? new Array<number>(r).fill(1);
  const dilation = a.ints('dilations', null) ?? new Array<number>(r).fill(1);
  const autoPad = a.str('auto_pad', 'NOTSET');
  let before = new Array<number>(r).fill(0);
  let after = new Array<number>(r).fill(0);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    kernel.forEach((k, i) => {
      const n = x.shape[2 + i]!;
      const s = stride[i]!;
      const total = Math.max((Math.ceil(n / s) - 1) * s + dilation[i]! * (k - 1) + 1 - n, 0);
      const small = Math.floor(total / 2);
      before[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      after[i] = total - before[i]!;
    });
  } else if (autoPad === 'NOTSET') {
    const pads = a.ints('pads', null);
    if (pads !== null) {
      if (pads.length !== 2 * r) throw nodeError(c.node, 'attribute "pads"', `${2 * r} values`, pads);
      before = pads.slice(0, r);
      after = pads.slice(r);
    }
  } else if (autoPad !== 'VALID') {
    throw nodeError(c.node, 'attribute "auto_pad"', 'NOTSET, SAME_UPPER, SAME_LOWER or VALID', autoPad);
  }
  return { r, kernel, stride, dilation, before, after };
}

const checkAutoPad = (a: Attrs): void => a.only('auto_pad', ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);

function convSpec(): OpSpec {
  return {
    attrs: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'],
    check: checkAutoPad,
    run: (c) => {
      const x = c.input(0);
      const w = c.input(1);
      const b = c.inputs[2] ?? null;
      const g = geometry(c, x, w.shape.slice(2));
      const sym = g.before.every((p, i) => p === g.after[i]);
      const xin = sym ? x : pad(x, torchPads(g.before, g.after));
      return [CONV[g.r - 1]!(xin, w, b, { stride: g.stride, dilation: g.dilation, groups: c.attrs.int('group', 1), padding: sym ? g.before : 0 })];
    },
  };
}

function convTransposeSpec(): OpSpec {
  return {
    attrs: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'pads', 'strides'],
    check: (a) => {
      a.only('auto_pad', ['NOTSET', 'VALID'], 'NOTSET or VALID (SAME_* is ambiguous for ConvTranspose: give pads)');
    },
    run: (c) => {
      const x = c.input(0);
      const w = c.input(1);
      const b = c.inputs[2] ?? null;
      const g = geometry(c, x, w.shape.slice(2));
      const outputPadding = c.attrs.ints('output_padding', null) ?? new Array<number>(g.r).fill(0);
      const f = CONVT[g.r - 1]!;
      const groups = c.attrs.int('group', 1);
      if (g.before.every((p, i) => p === g.after[i])) return [f(x, w, b, { stride: g.stride, dilation: g.dilation, groups, padding: g.before, outputPadding })];
      // asymmetric: the unpadded result, then cropped
      let y = f(x, w, b, { stride: g.stride, dilation: g.dilation, groups, outputPadding });
      g.before.forEach((p, i) => (y = narrow(y, 2 + i, p, y.shape[2 + i]! - p - g.after[i]!)));
      return [y];
    },
  };
}

/** ONNX's pool output size; refuses a ceil-mode last window that starts in the end padding. */
function poolOut(c: Ctx, x: Tensor, g: Geometry, ceil: boolean): number[] {
  return g.kernel.map((k, i) => {
    const n = x.shape[2 + i]!;
    const span = n + g.before[i]! + g.after[i]! - g.dilation[i]! * (k - 1) - 1;
    const out = (ceil ? Math.ceil(span / g.stride[i]!) : Math.floor(span / g.stride[i]!)) + 1;
    if (ceil && (out - 1) * g.stride[i]! >= n + g.before[i]!) {
      throw nodeError(c.node, 'attribute "ceil_mode"', 'a ceil mode whose last window starts inside the input or the begin padding', `a last window starting in the end padding at spatial dim ${i}`);
    }
    return out;
  });
}

/** End padding that makes floor mode give `out` windows. */
function extraEnd(x: Tensor, g: Geometry, out: readonly number[]): number[] {
  return g.kernel.map((k, i) => Math.max(g.after[i]!, (out[i]! - 1) * g.stride[i]! + g.dilation[i]! * (k - 1) + 1 - x.shape[2 + i]! - g.before[i]!));
}

const MAXPOOL = [maxPool1d, maxPool2d, maxPool3d] as const;
const AVGPOOL = [avgPool1d, avgPool2d, avgPool3d] as const;

function maxPoolSpec(): OpSpec {
  return {
    attrs: ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides'],
    outputs: 1,
    check: checkAutoPad,
    run: (c) => {
      const x = c.input(0);
      const g = geometry(c, x, c.attrs.ints('kernel_shape', null) ?? []);
      const out = poolOut(c, x, g, c.attrs.int('ceil_mode', 0) === 1);
      const after = extraEnd(x, g, out);
      const padded = [...g.before, ...after].some((p) => p > 0) ? pad(x, torchPads(g.before, after), { mode: 'constant', value: -Infinity }) : x;
      return [(MAXPOOL[g.r - 1] as typeof maxPool1d)(padded, g.kernel, { stride: g.stride, dilation: g.dilation })];
    },
  };
}

function avgPoolSpec(): OpSpec {
  return {
    attrs: ['auto_pad', 'ceil_mode', 'count_include_pad', 'kernel_shape', 'pads', 'strides'],
    check: checkAutoPad,
    run: (c) => {
      const x = c.input(0);
      const g = geometry(c, x, c.attrs.ints('kernel_shape', null) ?? []);
      const out = poolOut(c, x, g, c.attrs.int('ceil_mode', 0) === 1);
      const after = extraEnd(x, g, out);
      const pool = (t: Tensor) => (AVGPOOL[g.r - 1] as typeof avgPool1d)(t, g.kernel, { stride: g.stride, countIncludePad: true });
      if (c.attrs.int('count_include_pad', 0) === 1) {
        // the padding counts, the ceil overhang past it does not
        const real = pad(x, torchPads(g.before, g.after));
        const over = after.map((p, i) => p - g.after[i]!);
        const overPads = torchPads(new Array<number>(g.r).fill(0), over);
        return [div(pool(pad(real, overPads)), pool(pad(ones(real.shape, { dtype: x.dtype }), overPads)))];
      }
      const list = torchPads(g.before, after);
      return [div(pool(pad(x, list)), pool(pad(ones(x.shape, { dtype: x.dtype }), list)))];
    },
  };
}

function gemmSpec(): OpSpec {
  return {
    attrs: ['alpha', 'beta', 'transA', 'transB'],
    run: (c) => {
      let a = c.input(0);
      let b = c.input(1);
      if (c.attrs.int('transA', 0) === 1) a = permute(a, [1, 0]);
      if (c.attrs.int('transB', 0) === 1) b = permute(b, [1, 0]);
      let y = matmul(a, b);
      const alpha = c.attrs.float('alpha', 1);
      if (alpha !== 1) y = mul(y, alpha);
      const cc = c.inputs[2];
      if (cc) {
        const beta = c.attrs.float('beta', 1);
        y = add(y, beta === 1 ? cc : mul(cc, beta));
      }
      return [y];
    },
  };
}

export const NN_OPS: Readonly<Record<string, OpSpec>> = {
  Conv: convSpec(),
  ConvTranspose: convTransposeSpec(),
  MaxPool: maxPoolSpec(),
  AveragePool: avgPoolSpec(),
  GlobalAveragePool: {
    attrs: [],
    run: (c) => {
      const x = c.input(0);
      return [mean(x, x.shape.slice(2).map((_, i) => i + 2), { keepdim: true })];
    },
  },
  BatchNormalization: {
    attrs: ['epsilon', 'momentum', 'training_mode', 'spatial'],
    outputs: 1,
    check: (a) => {
      a.only('training_mode', [0], '0 (convkit imports the inference form)');
      a.only('spatial', [1]);
    },
    run: (c) => [batchNorm(c.input(0), c.input(3), c.input(4), { weight: c.input(1), bias: c.input(2), eps: c.attrs.float('epsilon', 1e-5), training: false })],
  },
  LayerNormalization: {
    attrs: ['axis', 'epsilon', 'stash_type'],
    outputs: 3,
    run: (c) => {
      const x = c.input(0);
      const axis = c.attrs.int('axis', -1);
      const a = axis < 0 ? axis + x.ndim : axis;
      const eps = c.attrs.float('epsilon', 1e-5);
      const y = layerNorm(x, x.shape.slice(a), { eps });
      const scaled = mul(y, c.input(1));
      const out = [c.inputs[2] ? add(scaled, c.inputs[2]) : scaled];
      if (c.outputs > 1) {
        // Mean and InvStdDev over the normalised dims, kept as size-1 dims
        const dims = x.shape.slice(a).map((_, i) => a + i);
        const m = mean(x, dims, { keepdim: true });
        const d = sub(x, m);
        out.push(m, rsqrt(add(mean(mul(d, d), dims, { keepdim: true }), eps)));
      }
      return out;
    },
  },
  Gemm: gemmSpec(),
  MatMul: { attrs: [], run: (c) => [matmul(c.input(0), c.input(1))] },
};
