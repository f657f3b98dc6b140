/**
 * Pooling on WebGPU, driven by the plans' window tables (ops/pool_plan.ts), uploaded per call:
 * - max / adaptive max: a thread per output walks its window (a value replaces the running max
 *   when greater or NaN, as in the reference) and writes the value and the flat plane index;
 * - average / adaptive average: window sums over the per-dimension divisors (or the override);
 * - the backward passes gather instead of scattering (no float atomics, a fixed order): a thread
 *   per input position visits the outputs whose windows can contain it — per dimension, the range
 *   of output indices whose [lo, hi) holds the position, tabulated on the host — adding the
 *   gradient of each max output whose index is this position, or each average output's share;
 * - maxPoolGather reads each plane at the indices.
 */
import type { AvgPoolPlan, PoolPlan } from '../../plans.js';
import type { DType } from '../../dtype.js';
import { adaptiveAvgPoolOp, adaptiveMaxPoolOp, avgPoolBackwardOp, avgPoolOp, maxPoolBackwardOp, maxPoolGatherOp, maxPoolOp } from '../../ops/pool_ops.js';
import { gpu } from './device.js';
import type { GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';
import { program } from './program.js';
import type { Scalar } from './program.js';
import { WGSL_MATH } from './wgsl_math.js';

const DIM_PARAMS: (readonly [string, Scalar])[] = [
  ['planes', 'u32'],
  ['I0', 'u32'], ['I1', 'u32'], ['I2', 'u32'],
  ['O0', 'u32'], ['O1', 'u32'], ['O2', 'u32'],
  ['s0', 'u32'], ['s1', 'u32'], ['s2', 'u32'],
  // offsets into the table buffer: lo_d, hi_d (per output index), rlo_d, rhi_d (per input index)
  ['lo0', 'u32'], ['lo1', 'u32'], ['lo2', 'u32'],
  ['hi0', 'u32'], ['hi1', 'u32'], ['hi2', 'u32'],
  ['rlo0', 'u32'], ['rlo1', 'u32'], ['rlo2', 'u32'],
  ['rhi0', 'u32'], ['rhi1', 'u32'], ['rhi2', 'u32'],
  ['ovr', 'f32'],
  ['hasOvr', 'u32'],
];

/**
 * The window tables and, per dimension and input position i, the range [rlo, rhi) of outputs o
 * with lo[o] <= i < hi[o] (a bound: dilated windows skip positions, the kernels check exactly).
 */
function tables(p: PoolPlan): { data: Int32Array; params: number[] } {
  const parts: Int32Array[] = [];
  const offs: number[][] = [[], [], [], []];
  let at = 0;
  const push = (t: Int32Array, k: number): void => {
    offs[k]!.push(at);
    parts.push(t);
    at += t.length;
  };
  for (let d = 0; d < 3; d++) push(p.lo[d]!, 0);
  for (let d = 0; d < 3; d++) push(p.hi[d]!, 1);
  const inverse: [Int32Array, Int32Array][] = [0, 1, 2].map((d) => {
    const I = p.inDims[d]!;
    const rlo = new Int32Array(I).fill(0x7fffffff);
    const rhi = new Int32Array(I);
    const lo = p.lo[d]!;
    const hi = p.hi[d]!;
    for (let o = 0; o < lo.length; o++) {
      for (let i = lo[o]!; i < hi[o]!; i++) {
        if (o < rlo[i]!) rlo[i] = o;
        if (o + 1 > rhi[i]!) rhi[i] = o + 1;
      }
    }
    for (let i = 0; i < I; i++) if (rhi[i] === 0) rlo[i] = 0;
    return [rlo, rhi];
  });
  for (let d = 0; d < 3; d++) push(inverse[d]![0], 2);
  for (let d = 0; d < 3; d++) push(inverse[d]![1], 3);
  const data = new Int32Array(Math.max(at, 1));
  let k = 0;
  for (const t of parts) {
    data.set(t, k);
    k += t.length;
  }
  const avg = p as Partial<AvgPoolPlan>;
  const params = [p.planes, ...p.inDims, ...p.outDims, ...p.step, ...offs.flat(), avg.divisorOverride ?? 0, avg.divisorOverride != null ? 1 : 0];
  return { data, params };
}

const PROLOGUE = `
fn tab(off: u32, i: u32) -> u32 { return u32(t[off + i]); }
fn divisor(o0: u32, o1: u32, o2: u32) -> f32 {
  if (P.hasOvr == 1u) { return P.ovr; }
  return dv[o0] * dv[P.O0 + o1] * dv[P.O0 + P.O1 + o2];
}`;

const outIndex = `
  let i = wg * 256u + li;
  let outPlane = P.O0 * P.O1 * P.O2;
  if (i >= P.planes * outPlane) { return; }
  let pl = i / outPlane;
  let r = i % outPlane;
  let o2 = r % P.O2;
  let o1 = (r / P.O2) % P.O1;
  let o0 = r / (P.O2 * P.O1);
  let hw = P.I1 * P.I2;
  let base = pl * P.I0 * hw;`;

const inIndex = `
  let j = wg * 256u + li;
  let inPlane = P.I0 * P.I1 * P.I2;
  if (j >= P.planes * inPlane) { return; }
  let pl = j / inPlane;
  let r = j % inPlane;
  let i2 = r % P.I2;
  let i1 = (r / P.I2) % P.I1;
  let i0 = r / (P.I2 * P.I1);
  let outPlane = P.O0 * P.O1 * P.O2;
  var acc = 0.0;`;

const visitOutputs = (body: string): string => `
  for (var o0 = tab(P.rlo0, i0); o0 < tab(P.rhi0, i0); o0 = o0 + 1u) {
    for (var o1 = tab(P.rlo1, i1); o1 < tab(P.rhi1, i1); o1 = o1 + 1u) {
      for (var o2 = tab(P.rlo2, i2); o2 < tab(P.rhi2, i2); o2 = o2 + 1u) {
        let o = pl * outPlane + (o0 * P.O1 + o1) * P.O2 + o2;
        ${body}
      }
    }
  }`;

const maxPoolProgram = program({
  name: 'maxPool',
  buffers: [{ name: 'y', type: 'f32', write: true }, { name: 'ind', type: 'i32', write: true }, { name: 'x', type: 'f32' }, { name: 't', type: 'i32' }],
  params: DIM_PARAMS,
  workgroupSize: [256],
  helpers: `${WGSL_MATH}\nfn tab(off: u32, i: u32) -> u32 { return u32(t[off + i]); }`,
  body: `${outIndex}
  let a0 = tab(P.lo0, o0); let b0 = tab(P.hi0, o0);
  let a1 = tab(P.lo1, o1); let b1 = tab(P.hi1, o1);
  let a2 = tab(P.lo2, o2); let b2 = tab(P.hi2, o2);
  var best = -inf_();
  var bi = -1i;
  if (a0 < b0 && a1 < b1 && a2 < b2) {
    bi = i32(a0 * hw + a1 * P.I2 + a2);
    for (var i0 = a0; i0 < b0; i0 = i0 + P.s0) {
      for (var i1 = a1; i1 < b1; i1 = i1 + P.s1) {
        for (var i2 = a2; i2 < b2; i2 = i2 + P.s2) {
          let at = i0 * hw + i1 * P.I2 + i2;
          let v = x[base + at];
          if (v > best || isnan_(v)) { best = v; bi = i32(at); }
        }
      }
    }
  }
  y[i] = best;
  ind[i] = bi;`,
});

const maxPoolBackwardProgram = program({
  name: 'maxPoolBackward',
  buffers: [{ name: 'gx', type: 'f32', write: true }, { name: 'g', type: 'f32' }, { name: 'ind', type: 'i32' }, { name: 't', type: 'i32' }],
  params: DIM_PARAMS,
  workgroupSize: [256],
  helpers: 'fn tab(off: u32, i: u32) -> u32 { return u32(t[off + i]); }',
  body: `${inIndex}
  ${visitOutputs('if (ind[o] == i32(r)) { acc = acc + g[o]; }')}
  gx[j] = acc;`,
});

const avgPoolProgram = program({
  name: 'avgPool',
  buffers: [{ name: 'y', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 't', type: 'i32' }, { name: 'dv', type: 'f32' }],
  params: DIM_PARAMS,
  workgroupSize: [256],
  helpers: PROLOGUE,
  body: `${outIndex}
  var s = 0.0;
  for (var i0 = tab(P.lo0, o0); i0 < tab(P.hi0, o0); i0 = i0 + 1u) {
    for (var i1 = tab(P.lo1, o1); i1 < tab(P.hi1, o1); i1 = i1 + 1u) {
      for (var i2 = tab(P.lo2, o2); i2 < tab(P.hi2, o2); i2 = i2 + 1u) { s = s + x[base + i0 * hw + i1 * P.I2 + i2]; }
    }
  }
  y[i] = s / divisor(o0, o1, o2);`,
});

const avgPoolBackwardProgram = program({
  name: 'avgPoolBackward',
  buffers: [{ name: 'gx', type: 'f32', write: true }, { name: 'g', type: 'f32' }, { name: 't', type: 'i32' }, { name: 'dv', type: 'f32' }],
  params: DIM_PARAMS,
  workgroupSize: [256],
  helpers: PROLOGUE,
  body: `${inIndex}
  ${visitOutputs('acc = acc + g[o] / divisor(o0, o1, o2);')}
  gx[j] = acc;`,
});

const gatherProgram = program({
  name: 'maxPoolGather',
  buffers: [{ name: 'y', type: 'f32', write: true }, { name: 'src', type: 'f32' }, { name: 'ind', type: 'i32' }],
  params: [['n', 'u32'], ['inPlane', 'u32'], ['outPlane', 'u32']],
  workgroupSize: [256],
  body: `
  let o = wg * 256u + li;
  if (o >= P.n) { return; }
  let k = ind[o];
  y[o] = select(0.0, src[(o / P.outPlane) * P.inPlane + u32(max(k, 0i))], k >= 0i);`,
});

const size = (d: readonly number[]): number => d[0]! * d[1]! * d[2]!;

const maxPool: GpuKernel<PoolPlan> = {
  supports: float32Only,
  run: (p, [y, ind], [x]) => {
    const rt = gpu();
    const { data, params } = tables(p);
    const tb = rt.upload(data);
    rt.dispatch(maxPoolProgram, [y!.buffer, ind!.buffer, x!.buffer, tb.buffer], params, groupsFor(p.planes * size(p.outDims)));
    rt.free(tb);
  },
};

/** float32 gradients (the indices input is int32). */
const floatGrad = (_p: unknown, dtypes: readonly DType[]): boolean => dtypes[0] === 'float32';

const maxPoolBackward: GpuKernel<PoolPlan> = {
  supports: floatGrad,
  run: (p, [gx], [g, ind]) => {
    const rt = gpu();
    const { data, params } = tables(p);
    const tb = rt.upload(data);
    rt.dispatch(maxPoolBackwardProgram, [gx!.buffer, g!.buffer, ind!.buffer, tb.buffer], params, groupsFor(p.planes * size(p.inDims)));
    rt.free(tb);
  },
};

function avg(backward: boolean): GpuKernel<AvgPoolPlan> {
  return {
    supports: float32Only,
    run: (p, [out], [x]) => {
      const rt = gpu();
      const { data, params } = tables(p);
      const tb = rt.upload(data);
      const dv = rt.upload(new Float32Array([...p.div[0], ...p.div[1], ...p.div[2]]));
      const n = p.planes * size(backward ? p.inDims : p.outDims);
      rt.dispatch(backward ? avgPoolBackwardProgram : avgPoolProgram, [out!.buffer, x!.buffer, tb.buffer, dv.buffer], params, groupsFor(n));
      rt.free(tb);
      rt.free(dv);
    },
  };
}

const maxPoolGather: GpuKernel<PoolPlan> = {
  supports: floatGrad,
  run: (p, [y], [src, ind]) => {
    const n = p.planes * size(p.outDims);
    gpu().dispatch(gatherProgram, [y!.buffer, src!.buffer, ind!.buffer], [n, size(p.inDims), size(p.outDims)], groupsFor(n));
  },
};

export const webgpuPoolKernels = [
  entry(maxPoolOp, maxPool),
  entry(adaptiveMaxPoolOp, maxPool),
  entry(maxPoolBackwardOp, maxPoolBackward),
  entry(maxPoolGatherOp, maxPoolGather),
  entry(avgPoolOp, avg(false)),
  entry(adaptiveAvgPoolOp, avg(false)),
  entry(avgPoolBackwardOp, avg(true)),
];
