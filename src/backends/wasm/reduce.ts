/**
 * Reductions on the WebAssembly SIMD module (assembly/reduce.ts via reduce_engine.ts): sum, mean,
 * amax/amin, max/min along a dim (values and int32 indices), argmax/argmin, var/std (two passes:
 * the mean, then the centred sum of squares, as the reference does) and logsumexp (the group
 * maximum, then Σ exp(x - max)). float32 inputs; sums in float64. Groups of zero elements (a zero-
 * size reduced dimension) get the reference's constants: 0 for sum, NaN for mean/var/std, -Infinity
 * for logsumexp.
 */
import type { ReduceInfo, VarInfo } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { numel } from '../../shape.js';
import type { Block } from './heap.js';
import { heapF32 } from './heap.js';
import { RED_FIN, RED_KIND } from './abi.js';
import type { RedLayout } from './reduce_engine.js';
import { MAX_ELEMS, Reduction, reduceLayout } from './reduce_engine.js';

/** Runs `body` over a committed Reduction; false (decline) when scratch cannot be had. */
function withReduction(info: ReduceInfo, op: string, statBytes: number, empty: number, outs: Block[], body: (r: Reduction, lay: RedLayout) => void): boolean | void {
  const lay = reduceLayout(info.inShape, info.dims);
  if (lay === null) {
    // an empty input: outputs exist only when a reduced dimension is empty
    for (const o of outs) if (o.dtype === 'float32') heapF32(o).fill(empty);
    return;
  }
  const r = new Reduction(lay, op, statBytes);
  if (!r.begin()) return false;
  try {
    body(r, lay);
  } finally {
    r.end();
  }
}

const sum: DeviceKernel<ReduceInfo, Block> = (info, [y], [x]) =>
  withReduction(info, 'sum', 0, 0, [y!], (r) => r.run(x!, { kind: RED_KIND.SUM, fin: RED_FIN.RAW, y: y!.ptr }));

const mean: DeviceKernel<ReduceInfo, Block> = (info, [y], [x]) =>
  withReduction(info, 'mean', 0, NaN, [y!], (r) => r.run(x!, { kind: RED_KIND.SUM, fin: RED_FIN.DIV, y: y!.ptr, div: info.groupSize }));

/** amax/amin (values), max/min along a dim (values, indices), argmax/argmin (indices). */
function extremum(isMax: boolean, withValues: boolean, withIndices: boolean): DeviceKernel<ReduceInfo, Block> {
  const kind = isMax ? RED_KIND.ARGMAX : RED_KIND.ARGMIN;
  return (info, outs, [x]) => {
    const y = withValues ? outs[0]! : null;
    const idx = withIndices ? outs[withValues ? 1 : 0]! : null;
    return withReduction(info, isMax ? 'max' : 'min', 0, NaN, [], (r) => r.run(x!, { kind, fin: RED_FIN.RAW, y: y?.ptr ?? 0, idx: idx?.ptr ?? 0 }));
  };
}

function variance(root: boolean): DeviceKernel<VarInfo, Block> {
  return (info, [y], [x]) =>
    withReduction(info, root ? 'std' : 'var', 8 * numel(info.outShapes[0]!), NaN, [y!], (r, lay) => {
      r.run(x!, { kind: RED_KIND.SUM, fin: RED_FIN.STAT, statOut: r.stat(), div: lay.G });
      r.run(x!, { kind: RED_KIND.SQDEV, fin: root ? RED_FIN.SQRTDIV : RED_FIN.DIV, statIn: r.stat(), y: y!.ptr, div: info.dof });
    });
}

const logsumexp: DeviceKernel<ReduceInfo, Block> = (info, [y], [x]) =>
  withReduction(info, 'logsumexp', 4 * numel(info.outShapes[0]!), -Infinity, [y!], (r) => {
    r.run(x!, { kind: RED_KIND.MAX, fin: RED_FIN.STAT, statOut: r.stat() });
    r.run(x!, { kind: RED_KIND.SUMEXP, fin: RED_FIN.LSE, statIn: r.stat(), y: y!.ptr });
  });

const supports = (info: ReduceInfo, dtypes: readonly DType[]): boolean => dtypes[0] === 'float32' && numel(info.inShape) < MAX_ELEMS;

type Entry<I> = KernelEntry<I, Block>;

export const wasmReduceKernels: {
  sum: Entry<ReduceInfo>;
  mean: Entry<ReduceInfo>;
  amax: Entry<ReduceInfo>;
  amin: Entry<ReduceInfo>;
  maxDim: Entry<ReduceInfo>;
  minDim: Entry<ReduceInfo>;
  argmax: Entry<ReduceInfo>;
  argmin: Entry<ReduceInfo>;
  var: Entry<VarInfo>;
  std: Entry<VarInfo>;
  logsumexp: Entry<ReduceInfo>;
} = {
  sum: { run: sum, supports },
  mean: { run: mean, supports },
  amax: { run: extremum(true, true, false), supports },
  amin: { run: extremum(false, true, false), supports },
  maxDim: { run: extremum(true, true, true), supports },
  minDim: { run: extremum(false, true, true), supports },
  argmax: { run: extremum(true, false, true), supports },
  argmin: { run: extremum(false, false, true), supports },
  var: { run: variance(false), supports },
  std: { run: variance(true), supports },
  logsumexp: { run: logsumexp, supports },
};
