/**
 * The three convolution ops as implicit GEMMs on gemm.ts, one product per group, in convolution
 * space (src/ops/conv_ops.ts; 1-d and 2-d arrive padded to 3 spatial dimensions, other padding
 * modes were applied by a pad op before). With cig = Cin/groups, cog = Cout/groups, KK = prod(K),
 * R = cig·KK, Psz = prod(O), Lsz = prod(L), for group g:
 *
 *   conv            Y[co, (n,p)]  = Σ_r   W[co, r] · X̂[r, (n,p)]          M = cog, N = NB·Psz, K = R
 *   convTranspose   X[ci, (n,l)]  = Σ_(co,t) W[co, ci, t] · Ĝ[(co,t), (n,l)] M = cig, N = NB·Lsz, K = cog·KK
 *   convWeightGrad  dW[co, r]     = Σ_(n,p) G[co, (n,p)] · X̂[r, (n,p)]     M = cog, N = R, K = NB·Psz (split-K)
 *
 * X̂ is the im2col matrix, read through the index maths (x at o·s − pad + t·d, 0 in the padding)
 * and never stored. Ĝ gathers, for input position l and tap t, the output o with o·s − pad + t·d = l,
 * zero where no integer o in range exists (stride > 1 leaves most taps empty: correct, and left
 * for a stride-decomposed kernel to speed up). Batch and position share the GEMM's N dimension, so
 * small images still give wide products.
 */
import type { ConvPlan } from '../../plans.js';
import { convOp, convTransposeOp, convWeightGradOp } from '../../ops/conv_ops.js';
import { gemmParams, gemmProgram, planGemm, splitSum } from './gemm.js';
import type { GemmPlan } from './gemm.js';
import { gpu } from './device.js';
import type { Program, Scalar } from './program.js';
import { cachedProgram } from './program.js';
import type { GpuKernel } from './kernel.js';
import { entry, float32Only, groupsFor } from './kernel.js';

const CONV_FIELDS = ['NB', 'Cin', 'Cout', 'G', 'cig', 'cog', 'KK', 'R', 'Lsz', 'Psz', 'LD', 'LH', 'LW', 'KD', 'KH', 'KW', 'OD', 'OH', 'OW', 'sd', 'sh', 'sw', 'dd', 'dh', 'dw'];
const CONV_PARAMS: (readonly [string, Scalar])[] = [
  ...CONV_FIELDS.map((f) => [f, 'u32'] as const),
  ['pd', 'i32'],
  ['ph', 'i32'],
  ['pw', 'i32'],
];

function convValues(p: ConvPlan): number[] {
  const cig = p.Cin / p.groups;
  const kk = p.K[0]! * p.K[1]! * p.K[2]!;
  return [
    p.N, p.Cin, p.Cout, p.groups, cig, p.Cout / p.groups, kk, cig * kk,
    p.L[0]! * p.L[1]! * p.L[2]!, p.O[0]! * p.O[1]! * p.O[2]!,
    ...p.L, ...p.K, ...p.O, ...p.stride, ...p.dilation, ...p.padBefore,
  ];
}

/** x[n, c] at output position p and kernel tap t, 0 in the padding (the im2col entry). */
const X_AT = `
fn xAt(n: u32, c: u32, p: u32, t: u32) -> f32 {
  let kw = t % P.KW;
  let kh = (t / P.KW) % P.KH;
  let kd = t / (P.KW * P.KH);
  let ow = p % P.OW;
  let oh = (p / P.OW) % P.OH;
  let od = p / (P.OW * P.OH);
  let iw = i32(ow * P.sw + kw * P.dw) - P.pw;
  let ih = i32(oh * P.sh + kh * P.dh) - P.ph;
  let id = i32(od * P.sd + kd * P.dd) - P.pd;
  if (iw < 0 || ih < 0 || id < 0 || u32(iw) >= P.LW || u32(ih) >= P.LH || u32(id) >= P.LD) { return 0.0; }
  return x[((n * P.Cin + c) * P.LD + u32(id)) * P.LH * P.LW + u32(ih) * P.LW + u32(iw)];
}`;

/** The output index o along one axis that tap k reaches from input index l, or -1 when none. */
const TAP_OUT = `
fn tapOut(l: u32, k: u32, s: u32, d: u32, pad: i32, O: u32) -> i32 {
  let num = i32(l) + pad - i32(k * d);
  if (num < 0 || num % i32(s) != 0) { return -1; }
  let o = num / i32(s);
  if (u32(o) >= O) { return -1; }
  return o;
}
fn gAt(n: u32, c: u32, l: u32, t: u32) -> f32 {
  let kw = t % P.KW;
  let kh = (t / P.KW) % P.KH;
  let kd = t / (P.KW * P.KH);
  let lw = l % P.LW;
  let lh = (l / P.LW) % P.LH;
  let ld = l / (P.LW * P.LH);
  let ow = tapOut(lw, kw, P.sw, P.dw, P.pw, P.OW);
  let oh = tapOut(lh, kh, P.sh, P.dh, P.ph, P.OH);
  let od = tapOut(ld, kd, P.sd, P.dd, P.pd, P.OD);
  if (ow < 0 || oh < 0 || od < 0) { return 0.0; }
  return gy[(n * P.Cout + c) * P.Psz + (u32(od) * P.OH + u32(oh)) * P.OW + u32(ow)];
}`;

type Kind = 'conv' | 'convT' | 'convW';
function convProgram(kind: Kind, g: GemmPlan, bias: boolean): Program {
  return cachedProgram(`conv ${kind} ${g.tile.tx}x${g.tile.ty} ${bias}`, () => makeConvProgram(kind, g, bias));
}

function makeConvProgram(kind: Kind, g: GemmPlan, bias: boolean): Program {
  let p: Program;
  if (kind === 'conv') {
    p = gemmProgram(
      {
        name: 'conv',
        buffers: [{ name: 'y', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 'w', type: 'f32' }, ...(bias ? [{ name: 'bias', type: 'f32' as const }] : [])],
        params: CONV_PARAMS,
        functions: `${X_AT}
fn loadA(g: u32, co: u32, r: u32) -> f32 { return w[(g * P.cog + co) * P.R + r]; }
fn loadB(g: u32, r: u32, col: u32) -> f32 { return xAt(col / P.Psz, g * P.cig + r / P.KK, col % P.Psz, r % P.KK); }
fn store(g: u32, split: u32, co: u32, col: u32, v: f32) {
  let c = g * P.cog + co;
  y[((col / P.Psz) * P.Cout + c) * P.Psz + col % P.Psz] = v${bias ? ' + bias[c]' : ''};
}`,
      },
      g.tile,
    );
  } else if (kind === 'convT') {
    p = gemmProgram(
      {
        name: 'convTranspose',
        buffers: [{ name: 'xo', type: 'f32', write: true }, { name: 'gy', type: 'f32' }, { name: 'w', type: 'f32' }, ...(bias ? [{ name: 'bias', type: 'f32' as const }] : [])],
        params: CONV_PARAMS,
        functions: `${TAP_OUT}
fn loadA(g: u32, ci: u32, k: u32) -> f32 { return w[((g * P.cog + k / P.KK) * P.cig + ci) * P.KK + k % P.KK]; }
fn loadB(g: u32, k: u32, col: u32) -> f32 { return gAt(col / P.Lsz, g * P.cog + k / P.KK, col % P.Lsz, k % P.KK); }
fn store(g: u32, split: u32, ci: u32, col: u32, v: f32) {
  let c = g * P.cig + ci;
  xo[((col / P.Lsz) * P.Cin + c) * P.Lsz + col % P.Lsz] = v${bias ? ' + bias[c]' : ''};
}`,
      },
      g.tile,
    );
  } else {
    p = gemmProgram(
      {
        name: 'convWeightGrad',
        buffers: [{ name: 'dw', type: 'f32', write: true }, { name: 'x', type: 'f32' }, { name: 'gy', type: 'f32' }],
        params: CONV_PARAMS,
        functions: `${X_AT}
fn loadA(g: u32, co: u32, k: u32) -> f32 { return gy[((k / P.Psz) * P.Cout + g * P.cog + co) * P.Psz + k % P.Psz]; }
fn loadB(g: u32, k: u32, r: u32) -> f32 { return xAt(k / P.Psz, g * P.cig + r / P.KK, k % P.Psz, r % P.KK); }
fn store(g: u32, split: u32, co: u32, r: u32, v: f32) { dw[((split * P.G + g) * P.cog + co) * P.R + r] = v; }`,
      },
      g.tile,
    );
  }
  return p;
}

function dims(p: ConvPlan) {
  const kk = p.K[0]! * p.K[1]! * p.K[2]!;
  return {
    cig: p.Cin / p.groups,
    cog: p.Cout / p.groups,
    kk,
    Psz: p.O[0]! * p.O[1]! * p.O[2]!,
    Lsz: p.L[0]! * p.L[1]! * p.L[2]!,
  };
}

const conv: GpuKernel<ConvPlan> = {
  supports: float32Only,
  run: (p: ConvPlan, [y], [x, w, b]) => {
    const d = dims(p);
    const g = planGemm({ M: d.cog, N: p.N * d.Psz, K: d.cig * d.kk, batches: p.groups });
    const bufs = [y!.buffer, x!.buffer, w!.buffer];
    if (p.hasBias) bufs.push(b!.buffer);
    gpu().dispatch(convProgram('conv', g, p.hasBias), bufs, [...gemmParams(g), ...convValues(p)], g.groups);
  },
};

const convTranspose: GpuKernel<ConvPlan> = {
  supports: float32Only,
  run: (p: ConvPlan, [xo], [gy, w, b]) => {
    const d = dims(p);
    const g = planGemm({ M: d.cig, N: p.N * d.Lsz, K: d.cog * d.kk, batches: p.groups });
    const bufs = [xo!.buffer, gy!.buffer, w!.buffer];
    if (p.hasBias) bufs.push(b!.buffer);
    gpu().dispatch(convProgram('convT', g, p.hasBias), bufs, [...gemmParams(g), ...convValues(p)], g.groups);
  },
};

const convWeightGrad: GpuKernel<ConvPlan> = {
  supports: float32Only,
  run: (p: ConvPlan, [dw], [x, gy]) => {
    const rt = gpu();
    const d = dims(p);
    const g = planGemm({ M: d.cog, N: d.cig * d.kk, K: p.N * d.Psz, batches: p.groups }, true);
    const params = [...gemmParams(g), ...convValues(p)];
    const n = p.Cout * d.cig * d.kk;
    if (g.splits === 1) {
      rt.dispatch(convProgram('convW', g, false), [dw!.buffer, x!.buffer, gy!.buffer], params, g.groups);
      return;
    }
    const part = rt.alloc('float32', g.splits * n);
    rt.dispatch(convProgram('convW', g, false), [part.buffer, x!.buffer, gy!.buffer], params, g.groups);
    rt.dispatch(splitSum, [dw!.buffer, part.buffer], [n, g.splits], groupsFor(n));
    rt.free(part);
  },
};

// the per-rank public ops (conv2dOp, ...) run these through their `kernelOf`
export const webgpuConvKernels = [entry(convOp, conv), entry(convTransposeOp, convTranspose), entry(convWeightGradOp, convWeightGrad)];
