/** Reference kernels for reductions (sums and means; the rest in reduce_*.ts). */
import type { ReduceInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import { reducePlan } from './reduce_plan.js';
import { minmaxKernels } from './reduce_minmax.js';
import { statsKernels } from './reduce_stats.js';
import { prodKernels } from './reduce_prod.js';

/**
 * Sums each group into a float64 accumulator (one rounding per output for float32). When the
 * input's last dimension is kept, the loops run group position outermost so the inner loop reads
 * consecutive memory; otherwise one group at a time.
 */
export function sumInto(info: ReduceInfo, src: Data, scale: number): Float64Array {
  const acc = blockSums(info, src);
  if (acc) {
    if (scale !== 1) for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! * scale;
    return acc;
  }
  return planSums(info, src, scale);
}

/**
 * Sums whose kept dimensions form one contiguous block (full, leading, trailing reductions, and
 * e.g. [N, C, H, W] over [0, 2, 3], a conv bias gradient): input = [outer, kept, inner], each
 * inner run read consecutively, no offset tables. Null for other patterns.
 */
function blockSums(info: ReduceInfo, src: Data): Float64Array | null {
  const shape = info.inShape;
  const r = shape.length;
  const kept: number[] = [];
  for (let d = 0; d < r; d++) if (!info.dims.includes(d)) kept.push(d);
  // a full reduction is one run: nothing kept, everything inner
  const a = kept.length > 0 ? kept[0]! : 0;
  const b = kept.length > 0 ? kept[kept.length - 1]! + 1 : 0;
  if (b - a !== kept.length) return null;
  const prod = (from: number, to: number): number => {
    let p = 1;
    for (let d = from; d < to; d++) p *= shape[d]!;
    return p;
  };
  const outer = prod(0, a);
  const mid = prod(a, b);
  const inner = prod(b, r);
  const acc = new Float64Array(mid);
  if (inner === 1) {
    // a leading reduction: whole rows of `mid` added in order
    for (let o = 0, i = 0; o < outer; o++) for (let m = 0; m < mid; m++, i++) acc[m] = acc[m]! + src[i]!;
    return acc;
  }
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      let s = 0;
      for (let i = (o * mid + m) * inner, e = i + inner; i < e; i++) s += src[i]!;
      acc[m] = acc[m]! + s;
    }
  }
  return acc;
}

function planSums(info: ReduceInfo, src: Data, scale: number): Float64Array {
  const { base, rel } = reducePlan(info.inShape, info.dims);
  const acc = new Float64Array(base.length);
  const lastKept = info.inShape.length > 0 && !info.dims.includes(info.inShape.length - 1);
  if (lastKept) {
    for (let k = 0; k < rel.length; k++) {
      const r = rel[k]!;
      for (let o = 0; o < base.length; o++) acc[o] = acc[o]! + src[base[o]! + r]!;
    }
  } else {
    for (let o = 0; o < base.length; o++) {
      const b = base[o]!;
      let s = 0;
      for (let k = 0; k < rel.length; k++) s += src[b + rel[k]!]!;
      acc[o] = s;
    }
  }
  if (scale !== 1) for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! * scale;
  return acc;
}

const sum: Kernel<ReduceInfo> = (info, [out], [x]) => {
  out!.set(sumInto(info, x!, 1));
};

// the mean of an empty group is 0 * (1/0) = NaN, as in PyTorch
const mean: Kernel<ReduceInfo> = (info, [out], [x]) => {
  const acc = sumInto(info, x!, 1);
  const n = info.groupSize;
  for (let o = 0; o < acc.length; o++) out![o] = acc[o]! / n;
};

export const reduceKernels = { sum, mean, ...minmaxKernels, ...statsKernels, ...prodKernels };
