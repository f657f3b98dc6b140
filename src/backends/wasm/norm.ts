/**
 * The norm primitives behind batchNorm, layerNorm and groupNorm (src/ops/norm_ops.ts) on the
 * WebAssembly module: group statistics are reductions of the [A, G, B] view over A and B
 * (assembly/reduce.ts, f64 sums: the mean, then the centred sum of squares, as the reference), and
 * the element-wise passes are assembly/norm.ts. The running statistics' update touches one value
 * per channel and runs in JavaScript on the module's memory (the reference's arithmetic exactly).
 */
import type { NormInfo, RunningUpdateInfo } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { numel } from '../../shape.js';
import type { Block } from './heap.js';
import { heapF32 } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB, runtime } from './runtime.js';
import { NORM_WRITE, RED_FIN, RED_KIND } from './abi.js';
import { MAX_ELEMS, Reduction, perUnit, reduceLayout } from './reduce_engine.js';
import { Scratch } from './scratch.js';

/** The element-wise pass over the A·G rows, parameters at `pa` (st: the f64 group statistics). */
function write(pa: number, info: NormInfo, mode: number, y: Block, x: Block, x2: Block | null, st: number, w: Block | null, b: Block | null): void {
  const rows = info.A * info.G;
  const slots = slotCount(rows * info.B);
  const per = perUnit(rows, slots);
  const v = new Int32Array(runtime().memory.buffer, pa, NORM_WRITE.SIZE);
  v[NORM_WRITE.X] = x.ptr;
  v[NORM_WRITE.X2] = x2 ? x2.ptr : 0;
  v[NORM_WRITE.Y] = y.ptr;
  v[NORM_WRITE.G] = info.G;
  v[NORM_WRITE.B] = info.B;
  v[NORM_WRITE.ROWS] = rows;
  v[NORM_WRITE.MODE] = mode;
  v[NORM_WRITE.ST] = st;
  v[NORM_WRITE.W] = w ? w.ptr : 0;
  v[NORM_WRITE.BIAS] = b ? b.ptr : 0;
  v[NORM_WRITE.PER] = per;
  parallel(JOB.normWrite, pa, Math.ceil(rows / per), 'norm', slots);
}

/** Runs `body` with a reduction of the [A, G, B] view over A and B (statBytes of f64 statistics). */
function grouped(info: NormInfo, statBytes: number, body: (r: Reduction) => void): boolean | void {
  if (numel(info.shape) === 0) return;
  const lay = reduceLayout([info.A, info.G, info.B], [0, 2])!;
  const r = new Reduction(lay, 'norm', statBytes + 4 * NORM_WRITE.SIZE);
  if (!r.begin()) return false;
  try {
    body(r);
  } finally {
    r.end();
  }
}

const f64View = (addr: number, n: number): Float64Array => new Float64Array(runtime().memory.buffer, addr, n);

const normStandardize: DeviceKernel<NormInfo, Block> = (info, [y, mean, vr, rstd], [x]) =>
  grouped(info, 24 * info.G, (r) => {
    const M = info.A * info.B;
    r.run(x!, { kind: RED_KIND.SUM, fin: RED_FIN.STAT, statOut: r.stat(0), div: M });
    r.run(x!, { kind: RED_KIND.SQDEV, fin: RED_FIN.STAT, statIn: r.stat(0), statOut: r.stat(16 * info.G), div: M });
    // per group: mean and rstd (f64) for the pass, and the three float32 outputs
    const st = f64View(r.stat(0), 3 * info.G);
    const [m32, v32, r32] = [heapF32(mean!), heapF32(vr!), heapF32(rstd!)];
    for (let g = 0; g < info.G; g++) {
      const v = st[2 * info.G + g]!;
      const rs = 1 / Math.sqrt(v + info.eps);
      m32[g] = st[g]!;
      v32[g] = v;
      r32[g] = rs;
      st[info.G + g] = rs;
    }
    write(r.stat(24 * info.G), info, 0, y!, x!, null, r.stat(0), null, null);
  });

const normStandardizeBackward: DeviceKernel<NormInfo, Block> = (info, [y], [h, xh, rstd]) =>
  grouped(info, 16 * info.G, (r) => {
    r.run(h!, { kind: RED_KIND.DOT, fin: RED_FIN.STAT, statOut: r.stat(0), div: info.A * info.B }, xh!);
    write(r.stat(16 * info.G), info, 1, y!, h!, xh!, r.stat(0), rstd!, null);
  });

const normAffineGrad: DeviceKernel<NormInfo, Block> = (info, [gw, gb], [g, x]) => {
  if (numel(info.shape) === 0) {
    heapF32(gw!).fill(0);
    heapF32(gb!).fill(0);
    return;
  }
  return grouped(info, 0, (r) => r.run(g!, { kind: RED_KIND.DOT, fin: RED_FIN.RAW, y: gw!.ptr, y2: gb!.ptr }, x!));
};

const normAffine: DeviceKernel<NormInfo, Block> = (info, [y], [x, w, b]) => {
  if (numel(info.shape) === 0) return;
  const S = new Scratch();
  const pa = S.reserve(NORM_WRITE.SIZE);
  if (!S.commit()) return false;
  try {
    write(S.at(pa), info, 2, y!, x!, null, 0, w!, b!);
  } finally {
    S.release();
  }
};

// in place: running ← (1 − momentum)·running + (momentum·batch)·scale, in f64 like the reference
const runningUpdate: DeviceKernel<RunningUpdateInfo, Block> = (info, [r], [, s]) => {
  const rv = heapF32(r!);
  const sv = heapF32(s!);
  const m = info.momentum;
  for (let i = 0; i < rv.length; i++) rv[i] = (1 - m) * rv[i]! + m * sv[i]! * info.scale;
};

const supports = (info: NormInfo, dtypes: readonly DType[]): boolean => dtypes.every((d) => d === 'float32') && numel(info.shape) < MAX_ELEMS;

export const wasmNormKernels: {
  normStandardize: KernelEntry<NormInfo, Block>;
  normStandardizeBackward: KernelEntry<NormInfo, Block>;
  normAffine: KernelEntry<NormInfo, Block>;
  normAffineGrad: KernelEntry<NormInfo, Block>;
  runningUpdate: KernelEntry<RunningUpdateInfo, Block>;
} = {
  normStandardize: { run: normStandardize, supports },
  normStandardizeBackward: { run: normStandardizeBackward, supports },
  normAffine: { run: normAffine, supports },
  normAffineGrad: { run: normAffineGrad, supports },
  runningUpdate: { run: runningUpdate, supports: (_i, dtypes) => dtypes.every((d) => d === 'float32') },
};
