/**
 * softmax, logSoftmax and their backward ops, and the fused softmax cross-entropy (forward loss per
 * position and its gradient) on the WebAssembly SIMD module (assembly/softmax.ts). Each fibre (one
 * softmax, or one position's classes) is computed by one unit, so results do not depend on the
 * thread count. float32 only.
 */
import type { SoftmaxCeInfo, SoftmaxInfo } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { SM_MODE, SOFTMAX, softmaxColsScratch } from './abi.js';
import { Scratch } from './scratch.js';
import { MAX_ELEMS, targetUnits } from './reduce_engine.js';

interface Fibres {
  readonly outer: number;
  readonly size: number;
  readonly inner: number;
}

/** One call: x (and x2, x3) → y over `f`'s fibres in `mode` (SM_MODE). */
function launch(f: Fibres, mode: number, op: string, y: Block, x: Block, x2: Block | null = null, x3: Block | null = null): boolean | void {
  const n = f.outer * f.size * f.inner;
  if (f.outer * f.inner === 0) return;
  const slots = slotCount(Math.max(n, f.outer * f.inner));
  const target = targetUnits(slots);
  let cb = 0;
  let units: number;
  let per = 0;
  if (f.inner > 1) {
    const want = Math.max(1, Math.ceil(target / f.outer));
    cb = f.inner < 4 ? f.inner : Math.min(512, Math.max(4, Math.ceil(f.inner / want / 4) * 4));
    units = f.outer * Math.ceil(f.inner / cb);
  } else {
    per = Math.max(1, Math.ceil(f.outer / target));
    units = Math.ceil(f.outer / per);
  }
  const S = new Scratch();
  const pa = S.reserve(SOFTMAX.SIZE);
  const scr = S.reserve(slots * softmaxColsScratch({ CB: cb }));
  if (!S.commit()) return false;
  try {
    const v = S.i32(pa, SOFTMAX.SIZE);
    v[SOFTMAX.X] = x.ptr;
    v[SOFTMAX.X2] = x2 ? x2.ptr : 0;
    v[SOFTMAX.X3] = x3 ? x3.ptr : 0;
    v[SOFTMAX.Y] = y.ptr;
    v[SOFTMAX.OUTER] = f.outer;
    v[SOFTMAX.LEN] = f.size;
    v[SOFTMAX.INNER] = f.inner;
    v[SOFTMAX.MODE] = mode;
    v[SOFTMAX.PER] = per;
    v[SOFTMAX.CB] = cb;
    v[SOFTMAX.SCR] = S.at(scr);
    parallel(JOB.softmax, S.at(pa), units, op, slots);
  } finally {
    S.release();
  }
}

const ce = (i: SoftmaxCeInfo): Fibres => ({ outer: i.outer, size: i.classes, inner: i.inner });

const softmax: DeviceKernel<SoftmaxInfo, Block> = (i, [y], [x]) => launch(i, SM_MODE.SOFTMAX, 'softmax', y!, x!);
const logSoftmax: DeviceKernel<SoftmaxInfo, Block> = (i, [y], [x]) => launch(i, SM_MODE.LOG_SOFTMAX, 'logSoftmax', y!, x!);
// ins: [g, y]; the module takes the forward output first
const softmaxBackward: DeviceKernel<SoftmaxInfo, Block> = (i, [o], [g, y]) => launch(i, SM_MODE.SOFTMAX_BWD, 'softmaxBackward', o!, y!, g!);
const logSoftmaxBackward: DeviceKernel<SoftmaxInfo, Block> = (i, [o], [g, y]) => launch(i, SM_MODE.LOG_SOFTMAX_BWD, 'logSoftmaxBackward', o!, y!, g!);
const softmaxCrossEntropy: DeviceKernel<SoftmaxCeInfo, Block> = (i, [l], [x, q]) => launch(ce(i), SM_MODE.CE, 'crossEntropy', l!, x!, q!);
// ins: [g (kept shape), x, Q]
const softmaxCrossEntropyBackward: DeviceKernel<SoftmaxCeInfo, Block> = (i, [o], [g, x, q]) => launch(ce(i), SM_MODE.CE_BWD, 'crossEntropyBackward', o!, x!, q!, g!);

const fits = (n: number, dtypes: readonly DType[]): boolean => dtypes.every((d) => d === 'float32') && n < MAX_ELEMS;
const supports = (i: SoftmaxInfo, dtypes: readonly DType[]): boolean => fits(i.outer * i.size * i.inner, dtypes);
const supportsCe = (i: SoftmaxCeInfo, dtypes: readonly DType[]): boolean => fits(i.outer * i.classes * i.inner, dtypes);

export const wasmSoftmaxKernels: {
  softmax: KernelEntry<SoftmaxInfo, Block>;
  logSoftmax: KernelEntry<SoftmaxInfo, Block>;
  softmaxBackward: KernelEntry<SoftmaxInfo, Block>;
  logSoftmaxBackward: KernelEntry<SoftmaxInfo, Block>;
  softmaxCrossEntropy: KernelEntry<SoftmaxCeInfo, Block>;
  softmaxCrossEntropyBackward: KernelEntry<SoftmaxCeInfo, Block>;
} = {
  softmax: { run: softmax, supports },
  logSoftmax: { run: logSoftmax, supports },
  softmaxBackward: { run: softmaxBackward, supports },
  logSoftmaxBackward: { run: logSoftmaxBackward, supports },
  softmaxCrossEntropy: { run: softmaxCrossEntropy, supports: supportsCe },
  softmaxCrossEntropyBackward: { run: softmaxCrossEntropyBackward, supports: supportsCe },
};
