/**
 * Max-pool kernels on the WebAssembly SIMD module: the 2×2, stride-2 pool without padding or
 * dilation (assembly/pool.ts, branch-free, with PyTorch's tie and NaN rules), in units of planes
 * over the thread pool. Every other pool, and the backward ops, are in pool_window.ts.
 */
import type { PoolPlan } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { MAX_POOL2 } from './abi.js';
import { Scratch } from './scratch.js';

/** Whether every window is exactly input rows 2i, 2i+1 × columns 2j, 2j+1 of a 2-d plane. */
function is2x2(p: PoolPlan): boolean {
  if (p.inDims[0] !== 1 || p.outDims[0] !== 1 || p.step[1] !== 1 || p.step[2] !== 1) return false;
  for (const d of [1, 2] as const) {
    const lo = p.lo[d]!;
    const hi = p.hi[d]!;
    for (let o = 0; o < p.outDims[d]; o++) if (lo[o] !== 2 * o || hi[o] !== 2 * o + 2) return false;
  }
  return true;
}

const maxPool: DeviceKernel<PoolPlan, Block> = (p, outs, ins) => {
  const [x] = ins as [Block];
  const [y, idx] = outs as [Block, Block];
  if (y.n === 0) return;
  const [, H, W] = p.inDims;
  const [, OH, OW] = p.outDims;
  const slots = slotCount(x.n);
  const per = Math.max(1, Math.ceil(p.planes / (4 * slots)));
  const L = new Scratch();
  const pa = L.reserve(MAX_POOL2.SIZE);
  if (!L.commit()) return false;
  try {
    const v = L.i32(pa, MAX_POOL2.SIZE);
    [v[MAX_POOL2.X], v[MAX_POOL2.Y], v[MAX_POOL2.IDX], v[MAX_POOL2.H], v[MAX_POOL2.W], v[MAX_POOL2.OH], v[MAX_POOL2.OW], v[MAX_POOL2.PER], v[MAX_POOL2.PLANES]] = [x.ptr, y.ptr, idx.ptr, H, W, OH, OW, per, p.planes];
    parallel(JOB.maxPool2, L.at(pa), Math.ceil(p.planes / per), 'maxPool', slots);
  } finally {
    L.release();
  }
};

/** float32 values (int32 indices) of a 2×2 stride-2 pool over planes the module can index. */
const supportsForward = (p: PoolPlan, dtypes: readonly DType[]): boolean => dtypes[0] === 'float32' && is2x2(p) && p.planes * p.inDims[1] * p.inDims[2] < 2 ** 29;

export const wasmPoolKernels: { maxPool: KernelEntry<PoolPlan, Block> } = {
  maxPool: { run: maxPool, supports: supportsForward },
};
