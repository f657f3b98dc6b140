/** Reference kernels for reductions. */
import type { Kernel } from '../../backend.js';
import type { ReduceInfo } from '../../ops/reduce.js';
import { walk } from './index_walk.js';

const sum: Kernel<ReduceInfo> = (info, [out], [x]) => {
  const o = out!;
  const src = x!;
  // accumulate in float64 scratch, then store (exactly rounded once for float32)
  const acc = new Float64Array(o.length);
  walk(info.inShape, info.outStrides, (i, oi) => {
    acc[oi] = acc[oi]! + src[i]!;
  });
  o.set(acc);
};

export const reduceKernels = { sum };
