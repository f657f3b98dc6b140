/**
 * Max, average and adaptive pools of every configuration (kernel, stride, padding, dilation, ceil
 * mode, 1-d to 3-d) and their backward ops on the WebAssembly module (assembly/pool_window.ts),
 * walking the plan's window tables as the reference does. The 2×2 stride-2 max pool keeps its
 * branch-free kernel (pooling.ts). Forward units are output rows of a plane; backward units are
 * whole planes, so the scatter-adds of overlapping windows stay inside one unit.
 */
import type { AvgPoolPlan, PoolPlan } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB, runtime } from './runtime.js';
import { POOL, POOL_MODE } from './abi.js';
import { Scratch } from './scratch.js';
import { MAX_ELEMS, targetUnits } from './reduce_engine.js';
import { wasmPoolKernels } from './pooling.js';

/** The W range of full windows at a constant distance: [owA, owB) and that distance. */
function regular(p: PoolPlan): [number, number, number] {
  const lo = p.lo[2]!;
  const hi = p.hi[2]!;
  let full = 0;
  for (let o = 0; o < lo.length; o++) full = Math.max(full, hi[o]! - lo[o]!);
  let a = 0;
  while (a < lo.length && hi[a]! - lo[a]! !== full) a++;
  if (a + 1 >= lo.length) return [0, 0, 1];
  const ks = lo[a + 1]! - lo[a]!;
  let b = a + 1;
  while (b < lo.length && hi[b]! - lo[b]! === full && lo[b]! - lo[b - 1]! === ks) b++;
  return ks >= 0 ? [a, b, ks] : [0, 0, 1];
}

function launch(p: PoolPlan, mode: number, op: string, y: Block, x: Block, idx: Block | null): boolean | void {
  const [iD, iH, iW] = p.inDims;
  const [oD, oH, oW] = p.outDims;
  const inPlane = iD * iH * iW;
  const outPlane = oD * oH * oW;
  if (p.planes * outPlane === 0) return;
  const avg = mode === POOL_MODE.AVG || mode === POOL_MODE.AVG_BWD;
  const nt = oD + oH + oW;
  const S = new Scratch();
  const pa = S.reserve(POOL.SIZE);
  const lo = S.reserve(nt);
  const hi = S.reserve(nt);
  const dv = S.reserve(avg ? 2 * nt : 0);
  if (!S.commit()) return false;
  try {
    S.i32(lo, nt).set([...p.lo[0], ...p.lo[1], ...p.lo[2]]);
    S.i32(hi, nt).set([...p.hi[0], ...p.hi[1], ...p.hi[2]]);
    const a = p as AvgPoolPlan;
    if (avg) new Float64Array(runtime().memory.buffer, S.at(dv), nt).set([...a.div[0], ...a.div[1], ...a.div[2]]);
    const forward = mode === POOL_MODE.MAX || mode === POOL_MODE.AVG;
    const slots = slotCount(p.planes * (forward ? outPlane : inPlane + outPlane));
    const target = targetUnits(slots);
    const rows = oD * oH;
    const per = forward ? Math.max(1, Math.ceil(rows / Math.ceil(target / p.planes))) : Math.max(1, Math.ceil(p.planes / target));
    const units = forward ? p.planes * Math.ceil(rows / per) : Math.ceil(p.planes / per);
    const [owA, owB, ks] = regular(p);
    const v = S.i32(pa, POOL.SIZE);
    v[POOL.X] = x.ptr;
    v[POOL.Y] = y.ptr;
    v[POOL.IDX] = idx ? idx.ptr : 0;
    v[POOL.PLANES] = p.planes;
    [v[POOL.ID], v[POOL.IH], v[POOL.IW], v[POOL.OD], v[POOL.OH], v[POOL.OW]] = [iD, iH, iW, oD, oH, oW];
    v[POOL.LO] = S.at(lo);
    v[POOL.HI] = S.at(hi);
    [v[POOL.S0], v[POOL.S1], v[POOL.S2]] = p.step;
    v[POOL.DIV] = avg ? S.at(dv) : 0;
    v[POOL.OVR] = avg ? (a.divisorOverride ?? 0) : 0;
    v[POOL.MODE] = mode;
    v[POOL.PER] = per;
    [v[POOL.OWA], v[POOL.OWB], v[POOL.KS]] = [owA, owB, ks];
    parallel(JOB.pool, S.at(pa), units, op, slots);
  } finally {
    S.release();
  }
}

const maxPool: DeviceKernel<PoolPlan, Block> = (p, outs, ins) => {
  if (wasmPoolKernels.maxPool.supports!(p, ['float32'], ['wasm'])) return wasmPoolKernels.maxPool.run(p, outs, ins);
  return launch(p, POOL_MODE.MAX, 'maxPool', outs[0]!, ins[0]!, outs[1]!);
};
const avgPool: DeviceKernel<AvgPoolPlan, Block> = (p, [y], [x]) => launch(p, POOL_MODE.AVG, 'avgPool', y!, x!, null);
const maxPoolBackward: DeviceKernel<PoolPlan, Block> = (p, [gi], [g, idx]) => launch(p, POOL_MODE.MAX_BWD, 'maxPoolBackward', gi!, g!, idx!);
const maxPoolGather: DeviceKernel<PoolPlan, Block> = (p, [y], [t, idx]) => launch(p, POOL_MODE.GATHER, 'maxPoolGather', y!, t!, idx!);
const avgPoolBackward: DeviceKernel<AvgPoolPlan, Block> = (p, [gi], [g]) => launch(p, POOL_MODE.AVG_BWD, 'avgPoolBackward', gi!, g!, null);

const sizes = (p: PoolPlan): number => p.planes * (p.inDims[0] * p.inDims[1] * p.inDims[2] + p.outDims[0] * p.outDims[1] * p.outDims[2]);
const supports = (p: PoolPlan, dtypes: readonly DType[]): boolean => dtypes.every((d) => d !== 'float64') && p.dtype === 'float32' && sizes(p) < MAX_ELEMS;
// a divisor override the module takes as an i32
const supportsAvg = (p: AvgPoolPlan, dtypes: readonly DType[]): boolean =>
  supports(p, dtypes) && (p.divisorOverride === null || (Number.isInteger(p.divisorOverride) && Math.abs(p.divisorOverride) < 2 ** 31));

export const wasmWindowPoolKernels: {
  maxPool: KernelEntry<PoolPlan, Block>;
  avgPool: KernelEntry<AvgPoolPlan, Block>;
  maxPoolBackward: KernelEntry<PoolPlan, Block>;
  maxPoolGather: KernelEntry<PoolPlan, Block>;
  avgPoolBackward: KernelEntry<AvgPoolPlan, Block>;
} = {
  maxPool: { run: maxPool, supports },
  avgPool: { run: avgPool, supports: supportsAvg },
  maxPoolBackward: { run: maxPoolBackward, supports },
  maxPoolGather: { run: maxPoolGather, supports },
  avgPoolBackward: { run: avgPoolBackward, supports: supportsAvg },
};
