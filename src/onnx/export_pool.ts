/**
 * Pooling as ONNX nodes, exact for PyTorch's rules. Nothing relies on ONNX's `ceil_mode`, whose
 * handling of a last window that starts in the right padding differs between onnxruntime versions
 * (and, for AveragePool, divides an overhanging window by the whole kernel: onnxruntime#16203):
 * the output size convkit computed is reached with floor mode and extra end padding instead.
 *
 * - MaxPool: pads (−∞) before p, after as many as the last window needs; an explicit Pad(−∞) when
 *   onnxruntime's "pad smaller than kernel" rule would refuse them (large dilations).
 * - AveragePool, count_include_pad: the padding is made real with a zero Pad, then
 *   AveragePool(count_include_pad=0) whose extra end padding is excluded from the divisor —
 *   PyTorch's divisor (the window clipped to input + padding). Without count_include_pad:
 *   AveragePool(count_include_pad=0) with the extra end padding. divisor_override: everything
 *   zero-padded, the window mean times kernel size / divisor.
 * - Adaptive pools: one pool when every size divides evenly, else per dimension Slice +
 *   ReduceMean/ReduceMax per output position + Concat (both reductions are separable over a
 *   rectangle), windows [⌊i·L/O⌋, ⌈(i+1)·L/O⌉) as PyTorch.
 */
import type { OpEvent } from '../op.js';
import type { GraphBuilder } from './export_graph.js';
import { int, ints } from './proto.js';

interface WindowAttrs {
  kernel: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** End padding that makes floor mode give `outLen` windows (at least the symmetric `p`). */
function endPad(inLen: number, k: number, s: number, d: number, p: number, outLen: number): number {
  return Math.max(p, (outLen - 1) * s + d * (k - 1) + 1 - inLen - p);
}

/** Pad node over the spatial dims (leading N, C unpadded) with a constant value. */
function padSpatial(g: GraphBuilder, x: string, before: readonly number[], after: readonly number[], value: string): string {
  return g.op('Pad', [x, g.int64s([0, 0, ...before, 0, 0, ...after]), value], { mode: { s: 'constant' } });
}

export function lowerMaxPool(g: GraphBuilder, e: OpEvent, x: string): string {
  const a = e.attrs as WindowAttrs;
  const inShape = e.inputs[0]!.shape;
  const outShape = e.outputs[0]!.shape;
  const r = a.kernel.length;
  const sp = (i: number) => inShape[inShape.length - r + i]!;
  const before = [...a.padding];
  const after = a.kernel.map((k, i) => endPad(sp(i), k, a.stride[i]!, a.dilation[i]!, a.padding[i]!, outShape[outShape.length - r + i]!));
  const attrs = { kernel_shape: ints(a.kernel), strides: ints(a.stride), dilations: ints(a.dilation), ceil_mode: int(0) };
  if ([...before, ...after].every((p, i) => p < a.kernel[i % r]!)) return g.op('MaxPool', [x], { ...attrs, pads: ints([...before, ...after]) });
  const padded = padSpatial(g, x, before, after, g.scalar(-Infinity, e.inputs[0]!.dtype));
  return g.op('MaxPool', [padded], { ...attrs, pads: ints(new Array<number>(2 * r).fill(0)) });
}

export function lowerAvgPool(g: GraphBuilder, e: OpEvent, x: string): string {
  const a = e.attrs as WindowAttrs;
  const dtype = e.inputs[0]!.dtype;
  const inShape = e.inputs[0]!.shape;
  const outShape = e.outputs[0]!.shape;
  const r = a.kernel.length;
  const sp = (i: number) => inShape[inShape.length - r + i]!;
  const after = a.kernel.map((k, i) => endPad(sp(i), k, a.stride[i]!, 1, a.padding[i]!, outShape[outShape.length - r + i]!));
  const attrs = { kernel_shape: ints(a.kernel), strides: ints(a.stride), ceil_mode: int(0) };
  const zeros = new Array<number>(r).fill(0);
  if (a.divisorOverride !== null && a.divisorOverride !== undefined) {
    const padded = padSpatial(g, x, a.padding, after, g.scalar(0, dtype));
    const mean = g.op('AveragePool', [padded], { ...attrs, pads: ints([...zeros, ...zeros]), count_include_pad: int(0) });
    return g.op('Mul', [mean, g.scalar(a.kernel.reduce((p, k) => p * k, 1) / a.divisorOverride, dtype)]);
  }
  if (a.countIncludePad && a.padding.some((p) => p > 0)) {
    const padded = padSpatial(g, x, a.padding, a.padding, g.scalar(0, dtype));
    const extra = after.map((p, i) => p - a.padding[i]!);
    return g.op('AveragePool', [padded], { ...attrs, pads: ints([...zeros, ...extra]), count_include_pad: int(0) });
  }
  return g.op('AveragePool', [x], { ...attrs, pads: ints([...a.padding, ...after]), count_include_pad: int(0) });
}

export function lowerAdaptivePool(g: GraphBuilder, e: OpEvent, x: string, kind: 'avg' | 'max'): string {
  const inShape = e.inputs[0]!.shape;
  const outShape = e.outputs[0]!.shape;
  const r = (e.attrs as { nd: number }).nd;
  const rank = inShape.length;
  const L = inShape.slice(rank - r);
  const O = outShape.slice(rank - r);
  if (L.every((l, i) => l % O[i]! === 0)) {
    const k = L.map((l, i) => l / O[i]!);
    const zeros = new Array<number>(2 * r).fill(0);
    return g.op(kind === 'avg' ? 'AveragePool' : 'MaxPool', [x], { kernel_shape: ints(k), strides: ints(k), pads: ints(zeros), ...(kind === 'avg' ? { count_include_pad: int(0) } : {}) });
  }
  let y = x;
  for (let i = 0; i < r; i++) {
    const axis = rank - r + i;
    const l = L[i]!;
    const o = O[i]!;
    if (l === o) continue;
    const parts: string[] = [];
    for (let j = 0; j < o; j++) {
      const start = Math.floor((j * l) / o);
      const end = Math.ceil(((j + 1) * l) / o);
      const s = g.op('Slice', [y, g.int64s([start]), g.int64s([end]), g.int64s([axis])]);
      parts.push(g.op(kind === 'avg' ? 'ReduceMean' : 'ReduceMax', [s], { axes: ints([axis]), keepdims: int(1) }));
    }
    y = parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: int(axis) });
  }
  return y;
}
