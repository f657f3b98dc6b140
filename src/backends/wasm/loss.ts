/**
 * Loss kernels on the WebAssembly module (assembly/loss.ts): the class-index parts of
 * cross-entropy (the smoothed, weighted target distribution Q and its divisor Σ w[t]), nllLoss and
 * its backward, and the point-wise mseLoss and l1Loss. The divisor is summed by one unit in
 * position order; every other output element belongs to exactly one unit.
 */
import type { ClassInfo, PointLossInfo } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB, runtime } from './runtime.js';
import { CLASS_LOSS, CL_MODE, POINT_LOSS } from './abi.js';
import { Scratch } from './scratch.js';
import { MAX_ELEMS, perUnit } from './reduce_engine.js';

/** Runs mode `mode` of the classLoss job; `total`: also the divisor (unit -1, on this thread). */
function classLoss(i: ClassInfo, mode: number, op: string, y: Block, x: Block | null, t: Block, w: Block | null, total: Block | null): boolean | void {
  const positions = i.outer * i.inner;
  const S = new Scratch();
  const pa = S.reserve(CLASS_LOSS.SIZE);
  const eps = S.reserve(2);
  if (!S.commit()) return false;
  try {
    const slots = slotCount(positions * (mode === CL_MODE.NLL ? 1 : i.classes));
    const per = perUnit(i.inner, slots, i.outer);
    const v = S.i32(pa, CLASS_LOSS.SIZE);
    v[CLASS_LOSS.X] = x ? x.ptr : 0;
    v[CLASS_LOSS.T] = t.ptr;
    v[CLASS_LOSS.W] = w ? w.ptr : 0;
    v[CLASS_LOSS.Y] = y.ptr;
    v[CLASS_LOSS.TOTAL] = total ? total.ptr : 0;
    v[CLASS_LOSS.OUTER] = i.outer;
    v[CLASS_LOSS.C] = i.classes;
    v[CLASS_LOSS.INNER] = i.inner;
    v[CLASS_LOSS.IGNORE] = i.ignoreIndex;
    v[CLASS_LOSS.MODE] = mode;
    v[CLASS_LOSS.PER] = per;
    v[CLASS_LOSS.EPS] = S.at(eps);
    new Float64Array(runtime().memory.buffer, S.at(eps), 1)[0] = i.labelSmoothing;
    if (positions > 0) parallel(JOB.classLoss, S.at(pa), i.outer * Math.ceil(i.inner / per), op, slots);
    if (total) S.w.run(JOB.classLoss, S.at(pa), -1, 0);
  } finally {
    S.release();
  }
}

const crossEntropyClassTarget: DeviceKernel<ClassInfo, Block> = (i, [q, total], [t, w]) => classLoss(i, CL_MODE.Q, 'crossEntropy', q!, null, t!, w ?? null, total!);
const nllLoss: DeviceKernel<ClassInfo, Block> = (i, [y, total], [x, t, w]) => classLoss(i, CL_MODE.NLL, 'nllLoss', y!, x!, t!, w ?? null, total!);
const nllLossBackward: DeviceKernel<ClassInfo, Block> = (i, [gx], [g, t, w]) => classLoss(i, CL_MODE.NLL_BWD, 'nllLossBackward', gx!, g!, t!, w ?? null, null);

function pointLoss(mode: number, op: string): DeviceKernel<PointLossInfo, Block> {
  return (info, [y], [x, t]) => {
    if (info.n === 0) return;
    const S = new Scratch();
    const pa = S.reserve(POINT_LOSS.SIZE);
    if (!S.commit()) return false;
    try {
      const slots = slotCount(info.n);
      const per = Math.min(1 << 16, Math.max(1024, Math.ceil(info.n / (4 * slots))));
      const v = S.i32(pa, POINT_LOSS.SIZE);
      [v[POINT_LOSS.X], v[POINT_LOSS.T], v[POINT_LOSS.Y], v[POINT_LOSS.N], v[POINT_LOSS.PER], v[POINT_LOSS.MODE]] = [x!.ptr, t!.ptr, y!.ptr, info.n, per, mode];
      parallel(JOB.pointLoss, S.at(pa), Math.ceil(info.n / per), op, slots);
    } finally {
      S.release();
    }
  };
}

const classSupports = (i: ClassInfo, dtypes: readonly DType[]): boolean =>
  dtypes.every((d) => d !== 'float64') && i.outDtypes.every((d) => d === 'float32') && i.outer * i.classes * i.inner < MAX_ELEMS && Math.abs(i.ignoreIndex) < 2 ** 31;
const pointSupports = (i: PointLossInfo, dtypes: readonly DType[]): boolean => dtypes.every((d) => d === 'float32') && i.n < MAX_ELEMS;

export const wasmLossKernels: {
  crossEntropyClassTarget: KernelEntry<ClassInfo, Block>;
  nllLoss: KernelEntry<ClassInfo, Block>;
  nllLossBackward: KernelEntry<ClassInfo, Block>;
  mseLoss: KernelEntry<PointLossInfo, Block>;
  l1Loss: KernelEntry<PointLossInfo, Block>;
} = {
  crossEntropyClassTarget: { run: crossEntropyClassTarget, supports: classSupports },
  nllLoss: { run: nllLoss, supports: classSupports },
  nllLossBackward: { run: nllLossBackward, supports: classSupports },
  mseLoss: { run: pointLoss(0, 'mseLoss'), supports: pointSupports },
  l1Loss: { run: pointLoss(1, 'l1Loss'), supports: pointSupports },
};
