/**
 * Reference kernels for extremum reductions. One scan per group finds the first extreme
 * element; a NaN beats everything (PyTorch propagates NaN), so the scan stops at the first NaN.
 */
import type { ReduceInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import { reducePlan } from './reduce_plan.js';

/** Writes the value (into `vals`) and/or group position (into `idx`) of each group's extremum. */
function extremum(info: ReduceInfo, src: Data, vals: Data | null, idx: Data | null, isMax: boolean): void {
  const { base, rel } = reducePlan(info.inShape, info.dims);
  const G = rel.length;
  for (let o = 0; o < base.length; o++) {
    const b = base[o]!;
    let best = src[b + rel[0]!]!;
    let at = 0;
    if (best === best) {
      if (isMax) {
        for (let k = 1; k < G; k++) {
          const v = src[b + rel[k]!]!;
          if (v > best) {
            best = v;
            at = k;
          } else if (v !== v) {
            best = v;
            at = k;
            break;
          }
        }
      } else {
        for (let k = 1; k < G; k++) {
          const v = src[b + rel[k]!]!;
          if (v < best) {
            best = v;
            at = k;
          } else if (v !== v) {
            best = v;
            at = k;
            break;
          }
        }
      }
    }
    if (vals) vals[o] = best;
    if (idx) idx[o] = at;
  }
}

export const minmaxKernels = {
  amax: ((info, [v], [x]) => extremum(info, x!, v!, null, true)) as Kernel<ReduceInfo>,
  amin: ((info, [v], [x]) => extremum(info, x!, v!, null, false)) as Kernel<ReduceInfo>,
  maxDim: ((info, [v, i], [x]) => extremum(info, x!, v!, i!, true)) as Kernel<ReduceInfo>,
  minDim: ((info, [v, i], [x]) => extremum(info, x!, v!, i!, false)) as Kernel<ReduceInfo>,
  argmax: ((info, [i], [x]) => extremum(info, x!, null, i!, true)) as Kernel<ReduceInfo>,
  argmin: ((info, [i], [x]) => extremum(info, x!, null, i!, false)) as Kernel<ReduceInfo>,
};
