/**
 * Activations on WebGPU: the point-wise ones and their fused backward ops (map.ts), softmax and
 * log-softmax with their backward ops over [outer, size, inner] fibres, and the dropout mask.
 *
 * The dropout mask is drawn on the host from the same seeded generator, in the same order, as
 * the reference kernel (so a seed gives the same mask on every backend), packed one bit per
 * element, and expanded on the GPU: 1/32 of the mask's bytes cross the bus.
 */
import type { ActInfo, DropoutMaskInfo, SoftmaxInfo } from '../../plans.js';
import { eluOps, geluOps, leakyReluOps, reluOps, sigmoidOps, siluOps, softplusOps, tanhOps } from '../../ops/activation.js';
import type { PointwiseOps } from '../../ops/activation.js';
import { logSoftmaxBackwardOp, logSoftmaxOp, softmaxBackwardOp, softmaxOp } from '../../ops/activation_softmax.js';
import { dropoutMaskOp } from '../../ops/activation_dropout.js';
import { gpu } from './device.js';
import type { GpuEntry, GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';
import { runMap } from './map.js';
import type { Program } from './program.js';
import { cachedProgram, program } from './program.js';
import { WGSL_MATH } from './wgsl_math.js';

const GELU_K = '0.7978845608028654';
const GELU_C = '0.044715';

/** Forward and backward expressions: a is x (or g in a backward), b is x or y (the backward's second input). */
const POINTWISE: [PointwiseOps, string, string][] = [
  // relu keeps the bits of non-negative floats and zeroes the rest, exactly as the reference
  [reluOps, 'bitcast<f32>(bitcast<i32>(a) & ~(bitcast<i32>(a) >> 31u))', 'select(0.0, a, b > 0.0)'],
  [leakyReluOps, 'select(a * P.param, a, a > 0.0)', 'select(a * P.param, a, b > 0.0)'],
  [sigmoidOps, 'sigmoid_(a)', 'a * b * (1.0 - b)'],
  [tanhOps, 'tanh_(a)', 'a * (1.0 - b * b)'],
  [softplusOps, 'select(log1p_(exp_(a * P.param)) / P.param, a, a * P.param > P.threshold)', 'select(a * sigmoid_(b * P.param), a, b * P.param > P.threshold)'],
  [eluOps, 'select(P.param * expm1_(a), a, a > 0.0)', 'select(a * P.param * exp_(b), a, b > 0.0)'],
  [siluOps, 'a * sigmoid_(a)', 'a * sigmoid_(b) * (1.0 + b * (1.0 - sigmoid_(b)))'],
];

const GELU_EXACT = ['a * normalCdf_(a)', 'a * (normalCdf_(b) + b * normalPdf_(b))'];
const GELU_TANH = [
  `0.5 * a * (1.0 + tanh_(${GELU_K} * (a + ${GELU_C} * a * a * a)))`,
  `a * geluTanhGrad(b)`,
];
const GELU_HELPER = `${WGSL_MATH}
fn geluTanhGrad(v: f32) -> f32 {
  let t = tanh_(${GELU_K} * (v + ${GELU_C} * v * v * v));
  return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * ${GELU_K} * (1.0 + 3.0 * ${GELU_C} * v * v);
}`;

function pointwise(name: string, expr: (i: ActInfo) => string, inputs: 1 | 2): GpuKernel<ActInfo> {
  return {
    supports: float32Only,
    run: (info, [out], ins) => {
      runMap(
        { name, ins: inputs === 1 ? ['f32'] : ['f32', 'f32'], out: 'f32', expr: expr(info), helpers: GELU_HELPER, extra: [['param', 'f32'], ['threshold', 'f32']] },
        [info.n],
        null,
        out!,
        ins.slice(0, inputs),
        [info.param, info.threshold],
      );
    },
  };
}

const pointwiseEntries: GpuEntry[] = [
  ...POINTWISE.flatMap(([ops, fwd, bwd]) => [
    entry(ops.forwardOp, pointwise(ops.forwardOp.name, () => fwd, 1)),
    entry(ops.backwardOp, pointwise(ops.backwardOp.name, () => bwd, 2)),
  ]),
  entry(geluOps.forwardOp, pointwise('gelu', (i) => (i.approximate === 'tanh' ? GELU_TANH : GELU_EXACT)[0]!, 1)),
  entry(geluOps.backwardOp, pointwise('geluBackward', (i) => (i.approximate === 'tanh' ? GELU_TANH : GELU_EXACT)[1]!, 2)),
];

type SoftKind = 'softmax' | 'logSoftmax' | 'softmaxBackward' | 'logSoftmaxBackward';

/**
 * One fibre x[p, ·, q] per thread (size ≤ 64) or per workgroup of 256 (a tree combines the
 * partial maxima and sums). `at(k)` is the fibre's k-th element's index.
 */
function softProgram(kind: SoftKind, wide: boolean): Program {
  const backward = kind.endsWith('Backward');
  const loop = (body: string): string => (wide ? `for (var k = li; k < P.size; k = k + 256u) { ${body} }` : `for (var k = 0u; k < P.size; k = k + 1u) { ${body} }`);
  const combine = (v: string, op: 'max' | 'sum'): string =>
    wide
      ? `red[li] = ${v};
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) { if (li < s) { ${op === 'max' ? 'if (red[li + s] > red[li]) { red[li] = red[li + s]; }' : 'red[li] = red[li] + red[li + s];'} } workgroupBarrier(); }
  ${v} = red[0];
  workgroupBarrier();`
      : '';
  let body: string;
  if (!backward) {
    const write = kind === 'softmax' ? 'y[at(k)] = exp_(x[at(k)] - m) / s;' : 'y[at(k)] = x[at(k)] - lse;';
    body = `
  var m = -inf_();
  ${loop('let v = x[at(k)]; if (v > m) { m = v; }')}
  ${combine('m', 'max')}
  // all -inf (or empty): softmax gives NaN and log-softmax -inf - -inf = NaN, as the reference
  if (m == -inf_()) { m = 0.0; }
  var s = 0.0;
  ${loop('s = s + exp_(x[at(k)] - m);')}
  ${combine('s', 'sum')}
  let lse = m + log_(s);
  ${loop(write)}`;
  } else {
    const acc = kind === 'softmaxBackward' ? 's = s + g[at(k)] * x[at(k)];' : 's = s + g[at(k)];';
    const write = kind === 'softmaxBackward' ? 'y[at(k)] = x[at(k)] * (g[at(k)] - s);' : 'y[at(k)] = g[at(k)] - exp_(x[at(k)]) * s;';
    body = `
  var s = 0.0;
  ${loop(acc)}
  ${combine('s', 'sum')}
  ${loop(write)}`;
  }
  return program({
    name: kind,
    buffers: [{ name: 'y', type: 'f32', write: true }, ...(backward ? [{ name: 'g', type: 'f32' as const }] : []), { name: 'x', type: 'f32' }],
    params: [
      ['fibres', 'u32'],
      ['size', 'u32'],
      ['inner', 'u32'],
    ],
    workgroupSize: [256],
    helpers: `${WGSL_MATH}
${wide ? 'var<workgroup> red: array<f32, 256>;' : ''}
var<private> fibreBase: u32;
fn at(k: u32) -> u32 { return fibreBase + k * P.inner; }`,
    body: `
  let f = ${wide ? 'wg' : 'wg * 256u + li'};
  if (f >= P.fibres) { return; }
  fibreBase = (f / P.inner) * P.size * P.inner + f % P.inner;${body}`,
  });
}

function soft(kind: SoftKind): GpuKernel<SoftmaxInfo> {
  return {
    supports: float32Only,
    run: (info, [y], ins) => {
      const fibres = info.outer * info.inner;
      if (fibres === 0 || info.size === 0) return;
      const wide = info.size > 64;
      const p = cachedProgram(`activation ${kind} ${wide}`, () => softProgram(kind, wide));
      // backward ops take (g, y): bind g then y (named x in the program)
      gpu().dispatch(p, [y!.buffer, ...ins.map((b) => b.buffer)], [fibres, info.size, info.inner], wide ? fibres : groupsFor(fibres));
    },
  };
}

const expandBits = program({
  name: 'dropoutMask',
  buffers: [
    { name: 'out', type: 'f32', write: true },
    { name: 'bits', type: 'u32' },
  ],
  params: [
    ['n', 'u32'],
    ['scale', 'f32'],
  ],
  workgroupSize: [256],
  body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  out[i] = select(0.0, P.scale, ((bits[i >> 5u] >> (i & 31u)) & 1u) == 1u);`,
});

const dropoutMask: GpuKernel<DropoutMaskInfo> = {
  supports: (info) => info.outDtypes[0] === 'float32',
  run: (info, [out]) => {
    const n = out!.n;
    const bits = new Int32Array(Math.max(1, Math.ceil(n / 32)));
    // the reference's draw, element by element: kept when the uniform draw is at least p
    for (let i = 0; i < n; i++) if (info.generator.random() >= info.p) bits[i >> 5] = bits[i >> 5]! | (1 << (i & 31));
    const rt = gpu();
    const b = rt.upload(bits);
    rt.dispatch(expandBits, [out!.buffer, b.buffer], [n, info.scale], groupsFor(n));
    rt.free(b);
  },
};

export const webgpuActivationKernels: GpuEntry[] = [
  ...pointwiseEntries,
  entry(softmaxOp, soft('softmax')),
  entry(logSoftmaxOp, soft('logSoftmax')),
  entry(softmaxBackwardOp, soft('softmaxBackward')),
  entry(logSoftmaxBackwardOp, soft('logSoftmaxBackward')),
  entry(dropoutMaskOp, dropoutMask),
];
