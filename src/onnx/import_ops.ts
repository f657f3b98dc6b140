/**
 * ONNX ops as convkit functions: elementwise maths, activations and the shape ops. Integer
 * tensors (shapes, indices: INT64 in ONNX) are int32 in convkit and are read as plain numbers, so
 * Shape → Gather → Concat → Reshape chains are evaluated as they run (constant-folded in effect).
 * Opset differences handled: Softmax/LogSoftmax before 13 (2-d coercion at `axis`, default 1),
 * Squeeze/Unsqueeze/Split/ReduceSum axes as attributes before 13 and inputs from 13, Clip
 * bounds as attributes before 11.
 */
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import * as ck from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduce.js';
import { cat, expand, flip, indexSelect, pad, permute, reshape, slice, split, squeeze, to, unsqueeze } from '../ops/movement.js';
import { elu, leakyRelu, logSoftmax, relu, sigmoid, softmax, softplus, tanh, gelu } from '../ops/activation.js';
import type { Ctx, OpSpec } from './import_spec.js';
import { nodeError } from './import_spec.js';

const ints = (t: Tensor): number[] => [...valuesOf(t)];
const first = (t: Tensor): number => valuesOf(t)[0]!;
const norm = (d: number, rank: number): number => (d < 0 ? d + rank : d);

function unary(f: (x: Tensor) => Tensor): OpSpec {
  return { attrs: [], run: (c) => [f(c.input(0))] };
}

function binary(f: (a: Tensor, b: Tensor) => Tensor): OpSpec {
  return { attrs: [], run: (c) => [f(c.input(0), c.input(1))] };
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), written with differentiable ops. */
function erf(x: Tensor): Tensor {
  const a = ck.abs(x);
  const t = ck.reciprocal(ck.add(ck.mul(a, 0.3275911), 1));
  let poly = ck.mul(t, 1.061405429);
  for (const c of [-1.453152027, 1.421413741, -0.284496736, 0.254829592]) poly = ck.mul(ck.add(poly, c), t);
  const y = ck.sub(1, ck.mul(poly, ck.exp(ck.neg(ck.mul(a, a)))));
  return ck.mul(ck.sign(x), y);
}

function softmaxSpec(log: boolean): OpSpec {
  return {
    attrs: ['axis'],
    run: (c) => {
      const x = c.input(0);
      const f = log ? logSoftmax : softmax;
      if (c.node.opset >= 13) return [f(x, norm(c.attrs.int('axis', -1), x.ndim))];
      // before opset 13: coerce to 2-d at `axis` (default 1) and normalise each row
      const axis = norm(c.attrs.int('axis', 1), x.ndim);
      const rows = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      return [reshape(f(reshape(x, [rows, x.numel / Math.max(rows, 1)]), 1), x.shape)];
    },
  };
}

/** Axes from an attribute (old opsets) or the optional second input (new ones). */
function axesOf(c: Ctx, inputFrom: number, idx = 1): number[] | null {
  if (c.node.opset >= inputFrom) {
    const t = c.inputs[idx];
    return t === null || t === undefined ? null : ints(t);
  }
  return c.attrs.ints('axes', null);
}

function reduceSpec(kind: 'sum' | 'mean'): OpSpec {
  return {
    attrs: ['axes', 'keepdims', 'noop_with_empty_axes'],
    run: (c) => {
      const x = c.input(0);
      const axes = kind === 'sum' ? axesOf(c, 13) : c.attrs.ints('axes', null);
      const keepdim = c.attrs.int('keepdims', 1) === 1;
      if (axes === null || axes.length === 0) {
        if (c.attrs.int('noop_with_empty_axes', 0) === 1) return [x];
        const all = x.shape.map((_, i) => i);
        return [kind === 'sum' ? sum(x, all, { keepdim }) : mean(x, all, { keepdim })];
      }
      const dims = axes.map((a) => norm(a, x.ndim));
      return [kind === 'sum' ? sum(x, dims, { keepdim }) : mean(x, dims, { keepdim })];
    },
  };
}

function reshapeSpec(): OpSpec {
  return {
    attrs: ['allowzero'],
    run: (c) => {
      const x = c.input(0);
      const shape = ints(c.input(1));
      if (c.attrs.int('allowzero', 0) === 1 && shape.includes(0)) throw nodeError(c.node, 'attribute "allowzero"', '0 when the shape holds a 0', 1);
      return [reshape(x, shape.map((d, i) => (d === 0 ? x.shape[i]! : d)))];
    },
  };
}

/** ONNX Slice (opset 10+): starts/ends/axes/steps inputs, clamped as the spec says; negative steps by flipping. */
function sliceSpec(): OpSpec {
  return {
    attrs: [],
    run: (c) => {
      let x = c.input(0);
      const starts = ints(c.input(1));
      const ends = ints(c.input(2));
      const axes = c.inputs[3] ? ints(c.inputs[3]) : starts.map((_, i) => i);
      const steps = c.inputs[4] ? ints(c.inputs[4]) : starts.map(() => 1);
      axes.forEach((a, i) => {
        const d = norm(a, x.ndim);
        const n = x.shape[d]!;
        const step = steps[i]!;
        if (step === 0) throw nodeError(c.node, 'input "steps"', 'non-zero steps', steps);
        const fix = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
        if (step > 0) {
          x = slice(x, d, fix(starts[i]!, 0, n), fix(ends[i]!, 0, n), step);
        } else {
          // walk backwards from start (clamped to n-1) down to end (exclusive, clamped to -1): flip, then a positive step
          const s = fix(starts[i]!, -1, n - 1);
          const e = ends[i]! < -n ? -1 : fix(ends[i]!, -1, n - 1);
          const f = flip(x, d);
          x = s > e ? slice(f, d, n - 1 - s, n - 1 - e, -step) : slice(f, d, 0, 0, 1);
        }
      });
      return [x];
    },
  };
}

function gatherSpec(): OpSpec {
  return {
    attrs: ['axis'],
    run: (c) => {
      const x = c.input(0);
      const idx = c.input(1);
      const axis = norm(c.attrs.int('axis', 0), x.ndim);
      const n = x.shape[axis]!;
      const flat = tensor(ints(idx).map((i) => (i < 0 ? i + n : i)), { dtype: 'int32' });
      const picked = indexSelect(x, axis, flat);
      return [reshape(picked, [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)])];
    },
  };
}

function padSpec(): OpSpec {
  return {
    attrs: ['mode', 'pads', 'value'],
    check: (a) => a.only('mode', ['constant', 'reflect', 'edge']),
    run: (c) => {
      const x = c.input(0);
      const pads = c.node.opset >= 11 ? ints(c.input(1)) : c.attrs.ints('pads', [])!;
      const value = c.node.opset >= 11 ? (c.inputs[2] ? first(c.inputs[2]) : 0) : c.attrs.float('value', 0);
      const mode = c.attrs.str('mode', 'constant');
      const r = x.ndim;
      // ONNX [x1_begin, ..., xn_begin, x1_end, ...] → torch's (before, after) pairs from the last dim
      const list: number[] = [];
      for (let d = r - 1; d >= 0; d--) list.push(pads[d]!, pads[d + r]!);
      if (mode === 'constant') return [pad(x, list, { mode: 'constant', value })];
      return [pad(x, list, { mode: mode === 'edge' ? 'replicate' : 'reflect' })];
    },
  };
}

function clipSpec(): OpSpec {
  return {
    attrs: ['min', 'max'],
    run: (c) => {
      const x = c.input(0);
      const lo = c.node.opset >= 11 ? (c.inputs[1] ? first(c.inputs[1]) : null) : c.attrs.has('min') ? c.attrs.float('min', 0) : null;
      const hi = c.node.opset >= 11 ? (c.inputs[2] ? first(c.inputs[2]) : null) : c.attrs.has('max') ? c.attrs.float('max', 0) : null;
      return [lo === null && hi === null ? x : ck.clamp(x, lo, hi)];
    },
  };
}

function constantSpec(): OpSpec {
  return {
    attrs: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'],
    run: (c) => {
      const a = c.attrs;
      const t = a.tensor('value');
      if (t !== undefined) return [t];
      if (a.has('value_float')) return [tensor(a.float('value_float', 0))];
      if (a.has('value_floats')) return [tensor(a.floats('value_floats')!)];
      if (a.has('value_int')) return [tensor(a.int('value_int', 0), { dtype: 'int32' })];
      if (a.has('value_ints')) return [tensor(a.ints('value_ints', [])!, { dtype: 'int32' })];
      throw nodeError(c.node, 'attribute "value"', 'one of value, value_float(s), value_int(s)', 'none');
    },
  };
}

function castSpec(): OpSpec {
  // ONNX TensorProto.DataType: FLOAT 1, INT32 6, INT64 7, DOUBLE 11, BOOL 9
  const TO: Record<number, 'float32' | 'int32' | 'float64'> = { 1: 'float32', 6: 'int32', 7: 'int32', 9: 'int32', 11: 'float64' };
  return {
    attrs: ['to', 'saturate'],
    check: (a) => a.only('to', Object.keys(TO).map(Number), 'FLOAT, DOUBLE, INT32, INT64 or BOOL'),
    run: (c) => [to(c.input(0), TO[c.attrs.int('to', 1)]!)],
  };
}

function variadic(f: (a: Tensor, b: Tensor) => Tensor): OpSpec {
  return { attrs: [], run: (c) => [(c.inputs.filter((t): t is Tensor => t !== null)).reduce((a, b) => f(a, b))] };
}

export const GENERAL_OPS: Readonly<Record<string, OpSpec>> = {
  Add: binary((a, b) => ck.add(a, b)),
  Sub: binary((a, b) => ck.sub(a, b)),
  Mul: binary(ck.mul),
  Div: binary(ck.div),
  Pow: binary(ck.pow),
  Max: variadic(ck.maximum),
  Min: variadic(ck.minimum),
  Neg: unary(ck.neg),
  Abs: unary(ck.abs),
  Exp: unary(ck.exp),
  Log: unary(ck.log),
  Sqrt: unary(ck.sqrt),
  Reciprocal: unary(ck.reciprocal),
  Erf: unary(erf),
  Relu: unary(relu),
  Sigmoid: unary(sigmoid),
  Tanh: unary(tanh),
  Identity: unary((x) => x),
  LeakyRelu: { attrs: ['alpha'], run: (c) => [leakyRelu(c.input(0), c.attrs.float('alpha', 0.01))] },
  Elu: { attrs: ['alpha'], run: (c) => [elu(c.input(0), { alpha: c.attrs.float('alpha', 1) })] },
  Softplus: unary((x) => softplus(x)),
  Gelu: { attrs: ['approximate'], check: (a) => a.only('approximate', ['none', 'tanh']), run: (c) => [gelu(c.input(0), { approximate: c.attrs.str('approximate', 'none') as 'none' | 'tanh' })] },
  Softmax: softmaxSpec(false),
  LogSoftmax: softmaxSpec(true),
  ReduceSum: reduceSpec('sum'),
  ReduceMean: reduceSpec('mean'),
  Reshape: reshapeSpec(),
  Flatten: {
    attrs: ['axis'],
    run: (c) => {
      const x = c.input(0);
      const axis = norm(c.attrs.int('axis', 1), x.ndim);
      const rows = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      return [reshape(x, [rows, x.shape.slice(axis).reduce((p, d) => p * d, 1)])];
    },
  },
  Transpose: { attrs: ['perm'], run: (c) => [permute(c.input(0), c.attrs.ints('perm', null) ?? c.input(0).shape.map((_, i, s) => s.length - 1 - i))] },
  Concat: { attrs: ['axis'], run: (c) => [cat(c.inputs.filter((t): t is Tensor => t !== null), norm(c.attrs.int('axis', 0), c.input(0).ndim))] },
  Slice: sliceSpec(),
  Gather: gatherSpec(),
  Squeeze: {
    attrs: ['axes'],
    run: (c) => {
      const x = c.input(0);
      const axes = axesOf(c, 13);
      return [axes === null ? squeeze(x) : squeeze(x, axes.map((a) => norm(a, x.ndim)))];
    },
  },
  Unsqueeze: {
    attrs: ['axes'],
    run: (c) => {
      let x = c.input(0);
      const axes = axesOf(c, 13) ?? [];
      const rank = x.ndim + axes.length;
      for (const a of axes.map((v) => norm(v, rank)).sort((p, q) => p - q)) x = unsqueeze(x, a);
      return [x];
    },
  },
  Split: {
    attrs: ['axis', 'split'],
    outputs: 64,
    run: (c) => {
      const x = c.input(0);
      const axis = norm(c.attrs.int('axis', 0), x.ndim);
      const sizes = axesOf(c, 13) ?? (c.node.opset < 13 ? c.attrs.ints('split', null) : null);
      return split(x, sizes ?? Math.ceil(x.shape[axis]! / c.outputs), axis);
    },
  },
  Expand: {
    attrs: [],
    run: (c) => {
      const x = c.input(0);
      const shape = ints(c.input(1));
      // ONNX Expand broadcasts both ways (a 1 in `shape` keeps x's size)
      const rank = Math.max(shape.length, x.ndim);
      const xs = [...new Array<number>(rank - x.ndim).fill(1), ...x.shape];
      const ss = [...new Array<number>(rank - shape.length).fill(1), ...shape];
      return [expand(reshape(x, xs), xs.map((d, i) => (ss[i] === 1 ? d : ss[i]!)))];
    },
  },
  Pad: padSpec(),
  Clip: clipSpec(),
  Constant: constantSpec(),
  ConstantOfShape: {
    attrs: ['value'],
    run: (c) => {
      const v = c.attrs.tensor('value');
      const shape = ints(c.input(0));
      return [ck.add(tensor(new Array<number>(shape.reduce((p, d) => p * d, 1)).fill(v ? first(v) : 0), { shape, dtype: v?.dtype ?? 'float32' }), 0)];
    },
  },
  Shape: {
    attrs: ['start', 'end'],
    run: (c) => {
      const s = c.input(0).shape;
      const r = s.length;
      const clampD = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
      return [tensor(s.slice(clampD(c.attrs.int('start', 0)), clampD(c.attrs.int('end', r))), { dtype: 'int32' })];
    },
  },
  Cast: castSpec(),
  Dropout: {
    attrs: ['ratio', 'seed'],
    outputs: 1,
    run: (c) => {
      if (c.inputs[2] && first(c.inputs[2]) !== 0) throw nodeError(c.node, 'input "training_mode"', 'false (inference)', 'true');
      return [c.input(0)];
    },
  },
};
