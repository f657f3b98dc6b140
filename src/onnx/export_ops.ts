/**
 * How each traced convkit op becomes ONNX nodes (opset 13–17 conventions: Split/Squeeze/
 * ReduceSum take axes as inputs, ReduceMean/ReduceMax as attributes). Keyed by the op names that
 * `observeOps` reports; an op missing here cannot be exported and says so.
 */
import type { OpEvent } from '../op.js';
import { ValueError } from '../errors.js';
import type { GraphBuilder } from './export_graph.js';
import { float, int, ints, str } from './proto.js';
import { lowerAdaptivePool, lowerAvgPool, lowerMaxPool } from './export_pool.js';

/** Returns one value name per output of the op (unused outputs may repeat a name). */
export type Lowering = (g: GraphBuilder, e: OpEvent, ins: string[]) => string[];

interface ActAttrs {
  param: number;
  threshold: number;
  approximate: 'none' | 'tanh';
}
interface NormLayout {
  A: number;
  G: number;
  B: number;
  eps: number;
}

const unary = (opType: string): Lowering => (g, _e, [x]) => [g.op(opType, [x!])];
const binary = (opType: string): Lowering => (g, _e, [a, b]) => [g.op(opType, [a!, b!])];

function gelu(g: GraphBuilder, e: OpEvent, x: string): string {
  const dtype = e.inputs[0]!.dtype;
  const c = (v: number) => g.scalar(v, dtype);
  const half = g.op('Mul', [x, c(0.5)]);
  if ((e.attrs as ActAttrs).approximate === 'tanh') {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const x3 = g.op('Mul', [g.op('Mul', [x, x]), x]);
    const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [x3, c(0.044715)])]), c(Math.sqrt(2 / Math.PI))]);
    return g.op('Mul', [half, g.op('Add', [g.op('Tanh', [inner]), c(1)])]);
  }
  // 0.5·x·(1 + erf(x/√2))
  return g.op('Mul', [half, g.op('Add', [g.op('Erf', [g.op('Div', [x, c(Math.SQRT2)])]), c(1)])]);
}

/** Linear: Gemm(transB) for a 2-d input as PyTorch exports it, MatMul with the transposed weight (+ Add) otherwise. */
function linear(g: GraphBuilder, e: OpEvent, [x, w, b]: string[]): string[] {
  if (e.inputs[0]!.ndim === 2) return [g.op('Gemm', b === undefined ? [x!, w!] : [x!, w!, b], { transB: int(1) })];
  const y = g.op('MatMul', [x!, g.op('Transpose', [w!], { perm: ints([1, 0]) })]);
  return [b === undefined ? y : g.op('Add', [y, b])];
}

function conv(g: GraphBuilder, e: OpEvent, ins: string[]): string[] {
  const a = (e.info as unknown as { attrs: { stride: number[]; dilation: number[]; padBefore: number[]; padAfter: number[]; groups: number } }).attrs;
  const w = e.inputs[1]!;
  return [g.op('Conv', ins, { kernel_shape: ints(w.shape.slice(2)), strides: ints(a.stride), dilations: ints(a.dilation), pads: ints([...a.padBefore, ...a.padAfter]), group: int(a.groups) })];
}

function convTranspose(g: GraphBuilder, e: OpEvent, ins: string[]): string[] {
  const a = e.attrs as { stride: number[]; padding: number[]; outputPadding: number[]; dilation: number[]; groups: number };
  const w = e.inputs[1]!;
  return [
    g.op('ConvTranspose', ins, {
      kernel_shape: ints(w.shape.slice(2)),
      strides: ints(a.stride),
      dilations: ints(a.dilation),
      pads: ints([...a.padding, ...a.padding]),
      output_padding: ints(a.outputPadding),
      group: int(a.groups),
    }),
  ];
}

/** torch's pad list (last dimension first, (before, after) pairs) → ONNX Pad; circular via Slice + Concat (ONNX's 'wrap' is opset 19). */
function pad(g: GraphBuilder, e: OpEvent, [x]: string[]): string[] {
  const a = e.attrs as { pads: number[]; mode: 'constant' | 'reflect' | 'replicate' | 'circular'; value?: number };
  const shape = e.inputs[0]!.shape;
  const rank = shape.length;
  const before = new Array<number>(rank).fill(0);
  const after = new Array<number>(rank).fill(0);
  for (let k = 0; k < a.pads.length / 2; k++) {
    before[rank - 1 - k] = a.pads[2 * k]!;
    after[rank - 1 - k] = a.pads[2 * k + 1]!;
  }
  if (a.mode === 'circular') {
    if ([...before, ...after].some((p) => p < 0)) throw new ValueError({ op: 'exportOnnx', arg: 'pad', expected: 'non-negative circular pads', got: `[${a.pads.join(', ')}]` });
    let y = x!;
    for (let d = 0; d < rank; d++) {
      if (before[d] === 0 && after[d] === 0) continue;
      const n = shape[d]!;
      const parts: string[] = [];
      if (before[d]! > 0) parts.push(g.op('Slice', [y, g.int64s([n - before[d]!]), g.int64s([n]), g.int64s([d])]));
      parts.push(y);
      if (after[d]! > 0) parts.push(g.op('Slice', [y, g.int64s([0]), g.int64s([after[d]!]), g.int64s([d])]));
      y = g.op('Concat', parts, { axis: int(d) });
    }
    return [y];
  }
  const mode = a.mode === 'replicate' ? 'edge' : a.mode;
  const inputs = [x!, g.int64s([...before, ...after])];
  if (mode === 'constant') inputs.push(g.scalar(a.value ?? 0, e.inputs[0]!.dtype));
  return [g.op('Pad', inputs, { mode: str(mode) })];
}

/** x seen as [A, G, B]: per-group statistics over A and B (batch or layer statistics). */
function normStandardize(g: GraphBuilder, e: OpEvent, [x]: string[]): string[] {
  const l = e.attrs as NormLayout;
  const dtype = e.inputs[0]!.dtype;
  const v = g.reshape(x!, [l.A, l.G, l.B]);
  const mean = g.op('ReduceMean', [v], { axes: ints([0, 2]), keepdims: int(1) });
  const d = g.op('Sub', [v, mean]);
  const variance = g.op('ReduceMean', [g.op('Mul', [d, d])], { axes: ints([0, 2]), keepdims: int(1) });
  const rstd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(l.eps, dtype)])])]);
  const xhat = g.reshape(g.op('Mul', [d, rstd]), e.inputs[0]!.shape);
  return [xhat, g.reshape(mean, [l.G]), g.reshape(variance, [l.G]), g.reshape(rstd, [l.G])];
}

function normAffine(g: GraphBuilder, e: OpEvent, [x, w, b]: string[]): string[] {
  const l = e.attrs as NormLayout;
  const v = g.reshape(x!, [l.A, l.G, l.B]);
  const y = g.op('Add', [g.op('Mul', [v, g.reshape(w!, [1, l.G, 1])]), g.reshape(b!, [1, l.G, 1])]);
  return [g.reshape(y, e.outputs[0]!.shape)];
}

function reduce(opType: 'ReduceSum' | 'ReduceMean'): Lowering {
  return (g, e, [x]) => {
    const dims = (e.info as unknown as { dims?: number[] }).dims ?? e.inputs[0]!.shape.map((_, i) => i);
    const keepdims = int((e.attrs as { keepdim?: boolean } | undefined)?.keepdim ? 1 : 0);
    if (opType === 'ReduceSum') return [g.op('ReduceSum', [x!, g.int64s(dims)], { keepdims })];
    return [g.op('ReduceMean', [x!], { axes: ints(dims), keepdims })];
  };
}

function clip(g: GraphBuilder, e: OpEvent, [x]: string[]): string[] {
  const a = e.attrs as { min: number | null; max: number | null };
  const dtype = e.inputs[0]!.dtype;
  return [g.op('Clip', [x!, a.min === null ? '' : g.scalar(a.min, dtype), a.max === null ? '' : g.scalar(a.max, dtype)])];
}

function slice(g: GraphBuilder, e: OpEvent, [x]: string[]): string[] {
  const a = e.attrs as { dim: number; start: number; step: number; length: number };
  const end = a.length === 0 ? a.start : a.start + a.step * (a.length - 1) + 1;
  return [g.op('Slice', [x!, g.int64s([a.start]), g.int64s([end]), g.int64s([a.dim]), g.int64s([a.step])])];
}

function activation(opType: string, attr?: string): Lowering {
  return (g, e, [x]) => [g.op(opType, [x!], attr === undefined ? {} : { [attr]: float((e.attrs as ActAttrs).param) })];
}

export const LOWERINGS: Readonly<Record<string, Lowering>> = {
  conv,
  convTranspose,
  pad,
  linear,
  matmul: binary('MatMul'),
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  leakyRelu: activation('LeakyRelu', 'alpha'),
  elu: activation('Elu', 'alpha'),
  gelu: (g, e, [x]) => [gelu(g, e, x!)],
  silu: (g, _e, [x]) => [g.op('Mul', [x!, g.op('Sigmoid', [x!])])],
  softplus: (g, e, [x]) => {
    const beta = (e.attrs as ActAttrs).param;
    if (beta === 1) return [g.op('Softplus', [x!])];
    const s = g.scalar(beta, e.inputs[0]!.dtype);
    return [g.op('Div', [g.op('Softplus', [g.op('Mul', [x!, s])]), s])];
  },
  softmax: (g, e, [x]) => [g.op('Softmax', [x!], { axis: int(e.attrs as number) })],
  logSoftmax: (g, e, [x]) => [g.op('LogSoftmax', [x!], { axis: int(e.attrs as number) })],
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  powScalar: (g, e, [x]) => [g.op('Pow', [x!, g.scalar((e.attrs as { exponent: number }).exponent, e.inputs[0]!.dtype)])],
  neg: unary('Neg'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  rsqrt: (g, _e, [x]) => [g.op('Reciprocal', [g.op('Sqrt', [x!])])],
  abs: unary('Abs'),
  reciprocal: unary('Reciprocal'),
  floor: unary('Floor'),
  ceil: unary('Ceil'),
  sign: unary('Sign'),
  clamp: clip,
  reshape: (g, e, [x]) => {
    const [i, o] = [e.inputs[0]!.shape, e.outputs[0]!.shape];
    const keepBatch = g.dynamicBatch && i.length > 0 && o.length > 0 && i[0] === o[0];
    return [g.reshape(x!, keepBatch ? [0, ...o.slice(1)] : o)];
  },
  permute: (g, e, [x]) => [g.op('Transpose', [x!], { perm: ints(e.attrs as number[]) })],
  expand: (g, e, [x]) => [g.op('Expand', [x!, g.int64s(e.outputs[0]!.shape)])],
  slice,
  split: (g, e, [x]) => {
    const a = e.attrs as { sizes: number[]; dim: number };
    return g.node('Split', [x!, g.int64s(a.sizes)], { axis: int(a.dim) }, e.outputs.length);
  },
  cat: (g, e, ins) => [g.op('Concat', ins, { axis: int(e.attrs as number) })],
  sum: reduce('ReduceSum'),
  mean: reduce('ReduceMean'),
  normStandardize,
  normAffine,
  maxPool: (g, e, [x]) => [lowerMaxPool(g, e, x!)],
  avgPool: (g, e, [x]) => [lowerAvgPool(g, e, x!)],
  adaptiveAvgPool: (g, e, [x]) => [lowerAdaptivePool(g, e, x!, 'avg')],
  adaptiveMaxPool: (g, e, [x]) => [lowerAdaptivePool(g, e, x!, 'max')],
};
