/**
 * The signal family on WebGPU, a thread per output element in the reference's summation order:
 * - signalCorrelate: z[k] = Σ_j x[k + s + j]·w̃[j] over the j where x is inside its shape (w̃ = w,
 *   or w flipped), any rank;
 * - circular correlation / convolution: z[k] = Σ_i x[i]·y[(i ± k) mod n];
 * - the convolution matrix M = A(w) (a thread per row: the row is zeroed, then each (channel,
 *   tap) adds its weight at the column the reference's tap table gives, so padding modes that fold
 *   several taps onto one column sum in the reference's order) and its adjoint Aᵀ(G) (a thread per
 *   weight, summing over images and output positions).
 */
import type { CircularInfo, ConvMatrixInfo, SignalCorrelateInfo } from '../../plans.js';
import { signalCorrelateOp } from '../../ops/signal.js';
import { circularConvolveOp, circularCorrelateOp } from '../../ops/signal_circular.js';
import { convMatrixOp, convMatrixWeightGradOp } from '../../ops/signal_convmatrix.js';
import { tapTable } from '../reference/signal_convmatrix.js';
import { stridesFor } from '../reference/movement_engine.js';
import { gpu } from './device.js';
import type { GpuEntry, GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';
import type { Program, Scalar } from './program.js';
import { cachedProgram, program } from './program.js';

const cached = (key: string, make: () => Program): Program => cachedProgram(`signal ${key}`, make);

const dimParams = (r: number, names: readonly string[]): (readonly [string, Scalar])[] =>
  Array.from({ length: r }, (_, d) => names.map((n) => [`${n}${d}`, n === 's' ? 'i32' : 'u32'] as const)).flat();

/** Output index i → coordinates k0..k{r-1} over the sizes P.Z{d}. */
function coords(r: number, v: string, size: string): string {
  const lines = ['  var rem = i;'];
  for (let d = r - 1; d >= 0; d--) lines.push(`  let ${v}${d} = rem % P.${size}${d}; rem = rem / P.${size}${d};`);
  return lines.join('\n');
}

function correlateProgram(r: number): Program {
  return cached(`correlate ${r}`, () => {
    // per dimension: j from lo = max(0, -(k + s)) to hi = min(W, X - (k + s)), nested, last innermost
    let inner = '      acc = acc + x[xo] * w[wo];';
    for (let d = r - 1; d >= 0; d--) {
      const xo = d === 0 ? '0u' : `xo${d - 1}`;
      const wo = d === 0 ? '0u' : `wo${d - 1}`;
      inner = `  {
    let base = i32(k${d}) + P.s${d};
    let lo = u32(max(0i, -base));
    let hi = u32(max(0i, min(i32(P.W${d}), i32(P.X${d}) - base)));
    for (var j = lo; j < hi; j = j + 1u) {
      let xo${d} = ${xo} + u32(base + i32(j)) * P.xs${d};
      let wo${d} = ${wo} + select(j, P.W${d} - 1u - j, P.flip == 1u) * P.ws${d};
${inner.replace(/xo\]/g, `xo${d}]`).replace(/wo\]/g, `wo${d}]`)}
    }
  }`;
    }
    return program({
      name: 'signalCorrelate',
      buffers: [{ name: 'z', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 'w', type: 'f32' }],
      params: [['n', 'u32'], ['flip', 'u32'], ...dimParams(r, ['Z', 'X', 'W', 's', 'xs', 'ws'])],
      workgroupSize: [256],
      body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
${r === 0 ? '  z[0] = x[0] * w[0];\n  return;' : `${coords(r, 'k', 'Z')}
  var acc = 0.0;
${inner}
  z[i] = acc;`}`,
    });
  });
}

const signalCorrelate: GpuKernel<SignalCorrelateInfo> = {
  supports: float32Only,
  run: (info, [z], [x, w]) => {
    const r = info.outShape.length;
    const n = info.outShape.reduce((p, d) => p * d, 1);
    const xs = stridesFor(info.xShape);
    const ws = stridesFor(info.wShape);
    const dims = Array.from({ length: r }, (_, d) => [info.outShape[d]!, info.xShape[d]!, info.wShape[d]!, info.offset[d]!, xs[d]!, ws[d]!]).flat();
    gpu().dispatch(correlateProgram(r), [z!.buffer, x!.buffer, w!.buffer], [n, info.flip ? 1 : 0, ...dims], groupsFor(n));
  },
};

function circularProgram(r: number, conv: boolean): Program {
  return cached(`circular ${r} ${conv}`, () => {
    const iLines = ['  var rest = t;', '  var xo = 0u;', '  var yo = 0u;'];
    for (let d = r - 1; d >= 0; d--) {
      const mod = conv ? `(k${d} + P.N${d} - q) % P.N${d}` : `(q + k${d}) % P.N${d}`;
      iLines.push(`  { let q = rest % P.N${d}; rest = rest / P.N${d}; xo = xo + q * P.st${d}; yo = yo + (${mod}) * P.st${d}; }`);
    }
    return program({
      name: conv ? 'circularConvolve' : 'circularCorrelate',
      buffers: [{ name: 'z', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 'y', type: 'f32' }],
      params: [['n', 'u32'], ...dimParams(r, ['N', 'st'])],
      workgroupSize: [256],
      helpers: `fn term(t: u32, ${Array.from({ length: r }, (_, d) => `k${d}: u32`).join(', ')}) -> f32 {
${iLines.join('\n')}
  return x[xo] * y[yo];
}`,
      body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
${coords(r, 'k', 'N')}
  var acc = 0.0;
  for (var t = 0u; t < P.n; t = t + 1u) { acc = acc + term(t, ${Array.from({ length: r }, (_, d) => `k${d}`).join(', ')}); }
  z[i] = acc;`,
    });
  });
}

function circular(conv: boolean): GpuKernel<CircularInfo> {
  return {
    supports: float32Only,
    run: (info, [z], [x, y]) => {
      const r = info.shape.length;
      const n = info.shape.reduce((p, d) => p * d, 1);
      if (r === 0) {
        gpu().dispatch(correlateProgram(0), [z!.buffer, x!.buffer, y!.buffer], [1, 0], 1);
        return;
      }
      const st = stridesFor(info.shape);
      gpu().dispatch(circularProgram(r, conv), [z!.buffer, x!.buffer, y!.buffer], [n, ...info.shape.flatMap((s, d) => [s, st[d]!])], groupsFor(n));
    },
  };
}

const MATRIX_PARAMS: (readonly [string, Scalar])[] = [['batch', 'u32'], ['Cin', 'u32'], ['Cout', 'u32'], ['P', 'u32'], ['Pin', 'u32'], ['Kn', 'u32'], ['coutPG', 'u32'], ['cinPG', 'u32'], ['cols', 'u32']];

function matrixValues(info: ConvMatrixInfo): number[] {
  const P = info.outSize.reduce((p, d) => p * d, 1);
  const Pin = info.inSize.reduce((p, d) => p * d, 1);
  const Kn = info.kernel.reduce((p, d) => p * d, 1);
  return [info.batch, info.inChannels, info.outChannels, P, Pin, Kn, info.outChannels / info.groups, info.inChannels / info.groups, info.cols];
}

const matrixProgram = program({
  name: 'convMatrix',
  buffers: [{ name: 'M', type: 'f32', write: true }, { name: 'w', type: 'f32' }, { name: 'tap', type: 'i32' }],
  params: MATRIX_PARAMS,
  workgroupSize: [256],
  body: `
  let row = wg * 256u + li;
  if (row >= P.batch * P.Cout * P.P) { return; }
  let o = row % P.P;
  let co = (row / P.P) % P.Cout;
  let n = row / (P.P * P.Cout);
  let g = co / P.coutPG;
  let rowBase = row * P.cols;
  for (var c = 0u; c < P.cols; c = c + 1u) { M[rowBase + c] = 0.0; }
  for (var c = 0u; c < P.cinPG; c = c + 1u) {
    let colBase = rowBase + (n * P.Cin + g * P.cinPG + c) * P.Pin;
    for (var k = 0u; k < P.Kn; k = k + 1u) {
      let t = tap[o * P.Kn + k];
      if (t >= 0i) { M[colBase + u32(t)] = M[colBase + u32(t)] + w[(co * P.cinPG + c) * P.Kn + k]; }
    }
  }`,
});

const matrixGradProgram = program({
  name: 'convMatrixWeightGrad',
  buffers: [{ name: 'gw', type: 'f32', write: true }, { name: 'G', type: 'f32' }, { name: 'tap', type: 'i32' }],
  params: MATRIX_PARAMS,
  workgroupSize: [256],
  body: `
  let e = wg * 256u + li;
  if (e >= P.Cout * P.cinPG * P.Kn) { return; }
  let k = e % P.Kn;
  let c = (e / P.Kn) % P.cinPG;
  let co = e / (P.Kn * P.cinPG);
  let g = co / P.coutPG;
  var acc = 0.0;
  for (var n = 0u; n < P.batch; n = n + 1u) {
    for (var o = 0u; o < P.P; o = o + 1u) {
      let t = tap[o * P.Kn + k];
      if (t >= 0i) { acc = acc + G[((n * P.Cout + co) * P.P + o) * P.cols + (n * P.Cin + g * P.cinPG + c) * P.Pin + u32(t)]; }
    }
  }
  gw[e] = acc;`,
});

function matrixKernel(grad: boolean): GpuKernel<ConvMatrixInfo> {
  return {
    supports: float32Only,
    run: (info, [out], [a]) => {
      const rt = gpu();
      const vals = matrixValues(info);
      const tb = rt.upload(tapTable(info));
      const threads = grad ? info.outChannels * vals[7]! * vals[5]! : info.batch * info.outChannels * vals[3]!;
      rt.dispatch(grad ? matrixGradProgram : matrixProgram, [out!.buffer, a!.buffer, tb.buffer], vals, groupsFor(threads));
      rt.free(tb);
    },
  };
}

export const webgpuSignalKernels: GpuEntry[] = [
  entry(signalCorrelateOp, signalCorrelate),
  entry(circularCorrelateOp, circular(false)),
  entry(circularConvolveOp, circular(true)),
  entry(convMatrixOp, matrixKernel(false)),
  entry(convMatrixWeightGradOp, matrixKernel(true)),
];
