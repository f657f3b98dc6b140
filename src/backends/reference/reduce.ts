/** Reference kernels for reductions (sums and means; the rest in reduce_*.ts). */
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import type { ReduceInfo } from '../../ops/reduce.js';
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
  const acc = trailingSums(info, src);
  if (acc) {
    if (scale !== 1) for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! * scale;
    return acc;
  }
  return planSums(info, src, scale);
}

/**
 * Sums over trailing dimensions (a full reduction included) read consecutive groups: no offset
 * tables, one pass. Null when the reduced dimensions are not the trailing ones.
 */
function trailingSums(info: ReduceInfo, src: Data): Float64Array | null {
  const r = info.inShape.length;
  const dims = [...info.dims].sort((a, b) => a - b);
  if (!dims.every((d, i) => d === r - dims.length + i)) return null;
  let group = 1;
  for (const d of dims) group *= info.inShape[d]!;
  const outer = group === 0 ? info.inShape.slice(0, r - dims.length).reduce((a, b) => a * b, 1) : src.length / group;
  const acc = new Float64Array(outer);
  for (let o = 0, i = 0; o < outer; o++) {
    let s = 0;
    for (const e = i + group; i < e; i++) s += src[i]!;
    acc[o] = s;
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
