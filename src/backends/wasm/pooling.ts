/**
 * Max-pool kernels on the WebAssembly SIMD module: the 2×2, stride-2 pool without padding or
 * dilation (assembly/pool.ts, branch-free, with PyTorch's tie and NaN rules), in units of planes
 * over the thread pool; its backward, a scatter of each output gradient to its argmax, which for
 * non-overlapping windows touches every input once. Every other pool runs the reference kernels.
 */
import type { Kernel } from '../../backend.js';
import type { PoolPlan } from '../../ops/pool_plan.js';
import { poolKernels } from '../reference/pool.js';
import { parallel, slotCount } from './pool.js';
import { JOB, Layout } from './runtime.js';

const refMaxPool: Kernel<PoolPlan> = poolKernels.maxPool;
const refMaxPoolBackward: Kernel<PoolPlan> = poolKernels.maxPoolBackward;

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

const maxPool: Kernel<PoolPlan> = (p, outs, ins) => {
  const [x] = ins;
  const [y, idx] = outs;
  if (!(x instanceof Float32Array && y instanceof Float32Array && idx instanceof Int32Array) || !is2x2(p)) return refMaxPool(p, outs, ins);
  if (y.length === 0) return;
  const [, H, W] = p.inDims;
  const [, OH, OW] = p.outDims;
  const slots = slotCount(x.length);
  const per = Math.max(1, Math.ceil(p.planes / (4 * slots)));
  const L = new Layout();
  const pa = L.reserve(9);
  const px = L.reserve(x.length);
  const py = L.reserve(y.length);
  const pi = L.reserve(idx.length);
  if (x.length >= 2 ** 31 || !L.commit()) return refMaxPool(p, outs, ins);
  L.i32(pa, 9).set([px, py, pi, H, W, OH, OW, per, p.planes]);
  L.f32(px, x.length).set(x);
  parallel(JOB.maxPool2, pa, Math.ceil(p.planes / per), 'maxPool', slots, [y, idx]);
  y.set(L.f32(py, y.length));
  idx.set(L.i32(pi, idx.length));
};

/** Gradient of a max pool: g scattered to the argmax positions (windows that never overlap). */
const maxPoolBackward: Kernel<PoolPlan> = (p, outs, ins) => {
  const [gi] = outs;
  const [go, ind] = ins;
  if (!(gi instanceof Float32Array && go instanceof Float32Array && ind instanceof Int32Array) || !is2x2(p)) return refMaxPoolBackward(p, outs, ins);
  const inPlane = p.inDims[1] * p.inDims[2];
  const outPlane = p.outDims[1] * p.outDims[2];
  // outputs are zero-filled; each input position is the argmax of at most one window
  for (let pl = 0, o = 0; pl < p.planes; pl++) {
    const base = pl * inPlane;
    for (let e = o + outPlane; o < e; o++) gi[base + ind[o]!] = go[o]!;
  }
};

export const wasmPoolKernels = { maxPool, maxPoolBackward };
