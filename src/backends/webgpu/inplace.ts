/**
 * In-place writes on WebGPU (ops/inplace.ts, optim_ops.ts, norm_ops.ts' running statistics): the
 * target's buffer is bound once, read_write, and every thread reads its element before writing it.
 * `add_`/`mul_`/`div_` run the binary kernels through their `kernelOf` (map.ts binds the aliased
 * input through the output).
 *
 * The optimizer steps are one fused pass per parameter, with the reference's arithmetic in float32
 * (bias corrections and the step size computed on the host in double precision).
 */
import type { AdamInfo, CopyInPlaceInfo, FillInfo, RunningUpdateInfo, SgdInfo } from '../../plans.js';
import type { DType } from '../../dtype.js';
import { copyOp, fillOp } from '../../ops/inplace.js';
import { runningUpdateOp } from '../../ops/norm_ops.js';
import { adamOp, sgdOp } from '../../ops/optim_ops.js';
import { gpu } from './device.js';
import type { GpuEntry, GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';
import { elemOf, runMap } from './map.js';
import { TO_INT32 } from './movement.js';
import type { Program } from './program.js';
import { program } from './program.js';

const onGpu = (_i: unknown, dtypes: readonly DType[]): boolean => dtypes.every((d) => d !== 'float64');

const copy: GpuKernel<CopyInPlaceInfo> = {
  supports: onGpu,
  run: (info, [dst], [, src]) => {
    const from = elemOf(src!.dtype);
    const to = elemOf(dst!.dtype);
    // float → int32 truncates toward zero (and wraps like the reference's Int32Array store)
    const expr = from === to ? 'a' : to === 'f32' ? 'f32(a)' : 'toInt32_(a)';
    runMap({ name: 'copy_', ins: [from], out: to, expr, helpers: TO_INT32 }, info.outShape, [info.srcStrides], dst!, [src!]);
  },
};

const fill: GpuKernel<FillInfo> = {
  supports: onGpu,
  run: (info, [dst]) => {
    const t = elemOf(dst!.dtype);
    runMap({ name: 'fill_', ins: [], out: t, expr: 'P.v', extra: [['v', t]] }, [info.n], null, dst!, [], [info.value]);
  },
};

const runningUpdate: GpuKernel<RunningUpdateInfo> = {
  supports: float32Only,
  run: (info, [r], [, s]) => {
    const expr = '(1.0 - P.m) * a + P.m * b * P.scale';
    runMap({ name: 'runningUpdate', ins: ['f32', 'f32'], out: 'f32', expr, extra: [['m', 'f32'], ['scale', 'f32']] }, [r!.n], null, r!, [r!, s!], [info.momentum, info.scale]);
  },
};

const sgdProgram = (withBuf: boolean): Program =>
  program({
    name: withBuf ? 'sgd momentum' : 'sgd',
    buffers: [{ name: 'p', type: 'f32', write: true }, { name: 'g', type: 'f32' }, ...(withBuf ? [{ name: 'buf', type: 'f32' as const, write: true }] : [])],
    params: [['n', 'u32'], ['lr', 'f32'], ['momentum', 'f32'], ['dampening', 'f32'], ['wd', 'f32'], ['maximize', 'u32'], ['nesterov', 'u32'], ['fresh', 'u32']],
    workgroupSize: [256],
    body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  var d = select(g[i], -g[i], P.maximize == 1u);
  if (P.wd != 0.0) { d = d + P.wd * p[i]; }
${withBuf ? `  let b = select(buf[i] * P.momentum + (1.0 - P.dampening) * d, d, P.fresh == 1u);
  buf[i] = b;
  d = select(b, d + P.momentum * b, P.nesterov == 1u);` : ''}
  p[i] = p[i] + -P.lr * d;`,
  });

const SGD = [sgdProgram(false), sgdProgram(true)] as const;

const sgd: GpuKernel<SgdInfo> = {
  supports: float32Only,
  run: (info, outs, ins) => {
    const withBuf = outs.length === 2;
    const flags = [info.maximize, info.nesterov, info.fresh].map((f) => (f ? 1 : 0));
    const bufs = [outs[0]!.buffer, ins[1]!.buffer, ...(withBuf ? [outs[1]!.buffer] : [])];
    gpu().dispatch(SGD[withBuf ? 1 : 0], bufs, [info.n, info.lr, info.momentum, info.dampening, info.weightDecay, ...flags], groupsFor(info.n));
  },
};

const adamProgram = (amsgrad: boolean): Program =>
  program({
    name: amsgrad ? 'adam amsgrad' : 'adam',
    buffers: [
      { name: 'p', type: 'f32', write: true },
      { name: 'gr', type: 'f32' },
      { name: 'm', type: 'f32', write: true },
      { name: 'v', type: 'f32', write: true },
      ...(amsgrad ? [{ name: 'vmax', type: 'f32' as const, write: true }] : []),
    ],
    params: [
      ['n', 'u32'], ['beta1', 'f32'], ['beta2', 'f32'], ['eps', 'f32'], ['wd', 'f32'], ['stepSize', 'f32'], ['bc2Sqrt', 'f32'], ['shrink', 'f32'],
      ['maximize', 'u32'], ['decoupled', 'u32'],
    ],
    workgroupSize: [256],
    body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  var g = select(gr[i], -gr[i], P.maximize == 1u);
  var pv = p[i];
  if (P.decoupled == 1u) { pv = pv * P.shrink; } else if (P.wd != 0.0) { g = g + P.wd * pv; }
  let mv = m[i] * P.beta1 + (1.0 - P.beta1) * g;
  m[i] = mv;
  let vv = v[i] * P.beta2 + (1.0 - P.beta2) * g * g;
  v[i] = vv;
  var sq = vv;
${amsgrad ? '  sq = max(vmax[i], vv);\n  vmax[i] = sq;' : ''}
  p[i] = pv + (-P.stepSize * mv) / (sqrt(sq) / P.bc2Sqrt + P.eps);`,
  });

const ADAM = [adamProgram(false), adamProgram(true)] as const;

const adam: GpuKernel<AdamInfo> = {
  supports: float32Only,
  run: (info, outs, ins) => {
    const bc1 = 1 - info.beta1 ** info.step;
    const bc2 = 1 - info.beta2 ** info.step;
    const params = [info.n, info.beta1, info.beta2, info.eps, info.weightDecay, info.lr / bc1, Math.sqrt(bc2), 1 - info.lr * info.weightDecay, info.maximize ? 1 : 0, info.decoupled ? 1 : 0];
    gpu().dispatch(ADAM[info.amsgrad ? 1 : 0], [outs[0]!.buffer, ins[1]!.buffer, ...outs.slice(1).map((b) => b.buffer)], params, groupsFor(info.n));
  },
};

export const webgpuInplaceKernels: GpuEntry[] = [
  entry(copyOp, copy),
  entry(fillOp, fill),
  entry(runningUpdateOp, runningUpdate),
  entry(sgdOp, sgd),
  entry(adamOp, adam),
];
