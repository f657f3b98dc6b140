/**
 * Losses on WebGPU. Point-wise losses are element-wise maps (inputs already broadcast). Class
 * losses see the input as [outer, C, inner] with int32 targets per position: a thread per position
 * (softmax cross-entropy loops over the classes, subtracting the maximum first), or per element
 * for the dense outputs (the target distribution Q, the NLL gradient). The divisor Σ w[target]
 * over kept positions is summed by one workgroup in a fixed order.
 */
import type { ClassInfo, PointLossInfo, SoftmaxCeInfo } from '../../plans.js';
import type { DType } from '../../dtype.js';
import {
  binaryCrossEntropyOp, binaryCrossEntropyWithLogitsOp, crossEntropyClassTargetOp, l1LossOp, mseLossOp, nllLossBackwardOp, nllLossOp,
  softmaxCrossEntropyBackwardOp, softmaxCrossEntropyOp,
} from '../../ops/loss_ops.js';
import { gpu } from './device.js';
import type { GpuBuf } from './runtime.js';
import type { GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';
import { runMap } from './map.js';
import type { BufferDecl, Elem } from './program.js';
import { program } from './program.js';
import { WGSL_MATH } from './wgsl_math.js';
import { ValueError } from '../../errors.js';

function pointLoss(name: string, expr: (i: PointLossInfo) => string): GpuKernel<PointLossInfo> {
  return {
    supports: float32Only,
    run: (info, [out], ins) => {
      runMap({ name, ins: ins.map((): Elem => 'f32'), out: 'f32', expr: expr(info), helpers: WGSL_MATH }, [info.n], null, out!, ins);
    },
  };
}

// PyTorch clamps each log at -100
const BCE = '-(b * max(log_(a), -100.0) + (1.0 - b) * max(log1p_(-a), -100.0))';

/**
 * binaryCrossEntropy with its input check on the device: the shape rule cannot read a GPU input,
 * so an element outside [0, 1] is recorded in the runtime's check flag and the next read throws
 * the same ValueError the shape rule gives on the host (naming the first such element's index).
 */
const bceProgram = (weighted: boolean) =>
  program({
    name: 'binaryCrossEntropy',
    buffers: [
      { name: 'o', type: 'f32', write: true },
      { name: 'flag', type: 'atomic<u32>', write: true },
      { name: 'x', type: 'f32' },
      { name: 't', type: 'f32' },
      ...(weighted ? [{ name: 'w', type: 'f32' as const }] : []),
    ],
    params: [['n', 'u32'], ['code', 'u32']],
    workgroupSize: [256],
    helpers: WGSL_MATH,
    body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  let a = x[i];
  let b = t[i];
  if (isnan_(a) || a < 0.0 || a > 1.0) {
    atomicMax(&flag[0], P.code);
    atomicMin(&flag[1], i);
  }
  o[i] = ${BCE}${weighted ? ' * w[i]' : ''};`,
  });

const BCE_PROGRAMS = [bceProgram(false), bceProgram(true)] as const;
const bceCodes = new WeakMap<object, number>();

const binaryCrossEntropy: GpuKernel<PointLossInfo> = {
  supports: float32Only,
  run: (info, [out], ins) => {
    const rt = gpu();
    let code = bceCodes.get(rt);
    if (code === undefined) {
      code = rt.registerCheck(
        (i) =>
          new ValueError({
            op: 'binaryCrossEntropy',
            arg: 'input',
            expected: 'probabilities between 0 and 1',
            got: `a value outside [0, 1] at flat index ${i}`,
            message: `binaryCrossEntropy: all elements of input should be between 0 and 1, got a value outside [0, 1] at flat index ${i} (checked on the GPU)`,
          }),
      );
      bceCodes.set(rt, code);
    }
    rt.dispatch(BCE_PROGRAMS[info.hasWeight ? 1 : 0], [out!.buffer, rt.checkFlag, ...ins.map((b) => b.buffer)], [info.n, code], groupsFor(info.n));
  },
};
// softplus(-x) = log1p(e^{-|x|}) + max(-x, 0) never overflows; lw = 1 + (pw - 1)·t
const bceLogits = (i: PointLossInfo): string => {
  const pw = i.hasPosWeight ? (i.hasWeight ? 'd' : 'c') : '';
  const lw = pw ? `(1.0 + (${pw} - 1.0) * b)` : '1.0';
  const l = `((1.0 - b) * a + ${lw} * (log1p_(exp_(-abs(a))) + max(-a, 0.0)))`;
  return i.hasWeight ? `${l} * c` : l;
};

/** x f32, target int32, weight f32 (the class losses' inputs). */
const classDtypes = (_i: unknown, dtypes: readonly DType[]): boolean => dtypes.every((d) => d !== 'float64');

const CLASS_PARAMS = [
  ['outer', 'u32'],
  ['C', 'u32'],
  ['inner', 'u32'],
  ['ignore', 'i32'],
  ['eps', 'f32'],
  ['hasW', 'u32'],
] as const;

function classValues(i: ClassInfo): number[] {
  return [i.outer, i.classes, i.inner, i.ignoreIndex, i.labelSmoothing, i.hasWeight ? 1 : 0];
}

/** w[c] or 1 (the weight buffer is bound in either case; a 1-element stand-in when absent). */
const WEIGHT = 'fn wt(c: i32) -> f32 { if (P.hasW == 1u) { return w[u32(c)]; } return 1.0; }';

/** Σ w[t[p]] over kept positions p, by one workgroup in a fixed order. */
const divisorProgram = program({
  name: 'class loss divisor',
  buffers: [{ name: 'total', type: 'f32', write: true }, { name: 't', type: 'i32' }, { name: 'w', type: 'f32' }],
  params: CLASS_PARAMS,
  workgroupSize: [256],
  helpers: `${WEIGHT}\nvar<workgroup> red: array<f32, 256>;`,
  body: `
  if (wg > 0u) { return; }
  let n = P.outer * P.inner;
  var a = 0.0;
  for (var p = li; p < n; p = p + 256u) { let c = t[p]; if (c != P.ignore) { a = a + wt(c); } }
  red[li] = a;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) { if (li < s) { red[li] = red[li] + red[li + s]; } workgroupBarrier(); }
  if (li == 0u) { total[0] = red[0]; }`,
});

function classProgram(name: string, buffers: BufferDecl[], body: string) {
  const weighted = buffers.some((b) => b.name === 'w');
  return program({ name, buffers, params: CLASS_PARAMS, workgroupSize: [256], helpers: `${WGSL_MATH}\n${weighted ? WEIGHT : ''}`, body });
}

/** Per position: -w[t]·x[n, t, d], 0 where ignored. */
const nllProgram = classProgram('nllLoss', [{ name: 'o', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 't', type: 'i32' }, { name: 'w', type: 'f32' }], `
  let p = wg * 256u + li;
  if (p >= P.outer * P.inner) { return; }
  let c = t[p];
  if (c == P.ignore) { o[p] = 0.0; return; }
  o[p] = -wt(c) * x[((p / P.inner) * P.C + u32(c)) * P.inner + p % P.inner];`);

/** Per element (n, k, d): -w[t]·g[n, d] where k = t, else 0. */
const nllBackwardProgram = classProgram('nllLossBackward', [{ name: 'o', type: 'f32', write: true }, { name: 'g', type: 'f32' }, { name: 't', type: 'i32' }, { name: 'w', type: 'f32' }], `
  let j = wg * 256u + li;
  if (j >= P.outer * P.C * P.inner) { return; }
  let d = j % P.inner;
  let k = (j / P.inner) % P.C;
  let p = (j / (P.C * P.inner)) * P.inner + d;
  let c = t[p];
  o[j] = select(0.0, -wt(c) * g[p], c != P.ignore && u32(c) == k);`);

/** Q[n, k, d] = (ε/C)·w[k] + (k == t ? (1-ε)·w[t] : 0) at kept positions, else 0. */
const targetProgram = classProgram('crossEntropyClassTarget', [{ name: 'q', type: 'f32', write: true }, { name: 't', type: 'i32' }, { name: 'w', type: 'f32' }], `
  let j = wg * 256u + li;
  if (j >= P.outer * P.C * P.inner) { return; }
  let d = j % P.inner;
  let k = (j / P.inner) % P.C;
  let c = t[(j / (P.C * P.inner)) * P.inner + d];
  if (c == P.ignore) { q[j] = 0.0; return; }
  let spread = P.eps / f32(P.C);
  q[j] = select(0.0, spread * wt(i32(k)), spread > 0.0) + select(0.0, (1.0 - P.eps) * wt(c), u32(c) == k);`);

/** The max, A = Σ_c Q_c and s = Σ e^{x - max} of the fibre at position p (shared by loss and gradient). */
const FIBRE = `
  let p = wg * 256u + li;
  if (p >= P.outer * P.inner) { return; }
  let base = (p / P.inner) * P.C * P.inner + p % P.inner;
  var m = -inf_();
  var A = 0.0;
  for (var k = 0u; k < P.C; k = k + 1u) { let v = x[base + k * P.inner]; if (v > m) { m = v; } A = A + q[base + k * P.inner]; }
  if (m == -inf_()) { m = 0.0; }
  var s = 0.0;
  for (var k = 0u; k < P.C; k = k + 1u) { s = s + exp_(x[base + k * P.inner] - m); }`;

const sceProgram = classProgram('softmaxCrossEntropy', [{ name: 'o', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 'q', type: 'f32' }], `${FIBRE}
  let lse = m + log_(s);
  var l = 0.0;
  for (var k = 0u; k < P.C; k = k + 1u) { let qc = q[base + k * P.inner]; if (qc != 0.0) { l = l + qc * (lse - x[base + k * P.inner]); } }
  o[p] = l;`);

// a position without target mass has zero loss whatever g is (even ±inf): its gradient is 0
const sceBackwardProgram = classProgram('softmaxCrossEntropyBackward', [{ name: 'o', type: 'f32', write: true }, { name: 'g', type: 'f32' }, { name: 'x', type: 'f32' }, { name: 'q', type: 'f32' }], `${FIBRE}
  let gv = g[p];
  for (var k = 0u; k < P.C; k = k + 1u) {
    let j = base + k * P.inner;
    let f = exp_(x[j] - m) / s * A - q[j];
    o[j] = select(f * gv, 0.0, f == 0.0);
  }`);

/** The weight buffer, or a 1-element stand-in (freed by the caller) when the loss has none. */
function weightOr(w: GpuBuf | undefined): { buf: GpuBuf; temp: boolean } {
  return w ? { buf: w, temp: false } : { buf: gpu().upload(new Float32Array(1)), temp: true };
}

function run(info: ClassInfo, prog: ReturnType<typeof classProgram>, outBuf: GpuBuf, ins: GpuBuf[], w: GpuBuf | undefined, n: number, total?: GpuBuf, t?: GpuBuf): void {
  const rt = gpu();
  const wb = weightOr(w);
  const vals = classValues(info);
  rt.dispatch(prog, [outBuf.buffer, ...ins.map((b) => b.buffer), wb.buf.buffer], vals, groupsFor(n));
  if (total) rt.dispatch(divisorProgram, [total.buffer, t!.buffer, wb.buf.buffer], vals, 1);
  if (wb.temp) rt.free(wb.buf);
}

const positions = (i: { outer: number; inner: number }): number => i.outer * i.inner;
const elements = (i: { outer: number; classes: number; inner: number }): number => i.outer * i.classes * i.inner;

export const webgpuLossKernels = [
  entry(mseLossOp, pointLoss('mseLoss', () => '(a - b) * (a - b)')),
  entry(l1LossOp, pointLoss('l1Loss', () => 'abs(a - b)')),
  entry(binaryCrossEntropyOp, binaryCrossEntropy),
  entry(binaryCrossEntropyWithLogitsOp, pointLoss('binaryCrossEntropyWithLogits', bceLogits)),
  entry(nllLossOp, { supports: classDtypes, run: (info, [o, total], [x, t, w]) => run(info, nllProgram, o!, [x!, t!], w, positions(info), total!, t!) }),
  entry(nllLossBackwardOp, { supports: classDtypes, run: (info, [o], [g, t, w]) => run(info, nllBackwardProgram, o!, [g!, t!], w, elements(info)) }),
  entry(crossEntropyClassTargetOp, { supports: classDtypes, run: (info, [q, total], [t, w]) => run(info, targetProgram, q!, [t!], w, elements(info), total!, t!) }),
  entry(softmaxCrossEntropyOp, {
    supports: float32Only,
    run: (info: SoftmaxCeInfo, [o], [x, q]) => gpu().dispatch(sceProgram, [o!.buffer, x!.buffer, q!.buffer], [info.outer, info.classes, info.inner, 0, 0, 0], groupsFor(positions(info))),
  }),
  entry(softmaxCrossEntropyBackwardOp, {
    supports: float32Only,
    run: (info: SoftmaxCeInfo, [o], [g, x, q]) =>
      gpu().dispatch(sceBackwardProgram, [o!.buffer, g!.buffer, x!.buffer, q!.buffer], [info.outer, info.classes, info.inner, 0, 0, 0], groupsFor(positions(info))),
  }),
];
