/**
 * The forward convolution (op `conv`) on the WebAssembly SIMD module: per image and group,
 * im2col then the f32x4 register-blocked GEMM (assembly/conv.ts); 1×1 unit-stride unpadded
 * kernels skip the lowering. The gradient ops run on the same module: convTranspose as
 * col = Wᵀ·g (GEMM) then col2im scatter-add, convWeightGrad as im2col of x, transposed, then
 * dw += g·colᵀ (GEMM, in blocks of output positions) summed over the batch. float32 only; other
 * dtypes run the reference kernels. Products accumulate in float32 (the reference, in float64).
 */
import type { Kernel } from '../../backend.js';
import type { ConvPlan } from '../../ops/conv_ops.js';
import { convKernels } from '../reference/conv.js';
import { Layout, wasm } from './runtime.js';

const refConv: Kernel<ConvPlan> = convKernels.conv;
const refConvTranspose: Kernel<ConvPlan> = convKernels.convTranspose;
const refConvWeightGrad: Kernel<ConvPlan> = convKernels.convWeightGrad;

/** Number of i32 entries in the parameter block read by convForward (assembly/conv.ts). */
const NPARAMS = 22;

const conv: Kernel<ConvPlan> = (p, outs, ins) => {
  const [x, w, b] = ins;
  const out = outs[0];
  if (!(out instanceof Float32Array && x instanceof Float32Array && w instanceof Float32Array && (b === undefined || b instanceof Float32Array))) {
    return refConv(p, outs, ins);
  }
  if (out.length === 0) return;
  const cig = p.Cin / p.groups;
  const R = cig * p.K[0]! * p.K[1]! * p.K[2]!;
  const P = p.O[0]! * p.O[1]! * p.O[2]!;
  const m = wasm();
  const L = new Layout(m);
  const pp = L.reserve(NPARAMS);
  const px = L.reserve(x.length);
  const pw = L.reserve(w.length);
  const pbias = b ? L.reserve(b.length) : 0;
  const py = L.reserve(out.length);
  const pcol = L.reserve(R * P);
  if (!L.commit()) return refConv(p, outs, ins);
  L.i32(pp, NPARAMS).set(params(p));
  L.f32(px, x.length).set(x);
  L.f32(pw, w.length).set(w);
  if (b && pbias) L.f32(pbias, b.length).set(b);
  m.convForward(pp, px, pw, pbias, py, pcol);
  out.set(L.f32(py, out.length));
};

/** The parameter block of assembly/conv.ts (sizes padded to 3 spatial dimensions). */
function params(p: ConvPlan): number[] {
  return [p.N, p.Cin, p.Cout, p.groups, ...p.L, ...p.K, ...p.O, ...p.stride, ...p.dilation, ...p.padBefore];
}

/** Every size the module indexes with i32 arithmetic must fit (else the reference runs). */
function fitsI32(...n: number[]): boolean {
  return n.every((v) => Number.isSafeInteger(v) && v >= 0 && v < 2 ** 31);
}

/** x = convTranspose(g, w) + b: the input gradient of conv, and the transposed convolution. */
const convTranspose: Kernel<ConvPlan> = (p, outs, ins) => {
  const [g, w, b] = ins;
  const out = outs[0];
  if (!(out instanceof Float32Array && g instanceof Float32Array && w instanceof Float32Array && (b === undefined || b instanceof Float32Array))) {
    return refConvTranspose(p, outs, ins);
  }
  if (out.length === 0) return;
  const cig = p.Cin / p.groups;
  const R = cig * p.K[0]! * p.K[1]! * p.K[2]!;
  const P = p.O[0]! * p.O[1]! * p.O[2]!;
  if (!fitsI32(out.length, g.length, w.length, R * P)) return refConvTranspose(p, outs, ins);
  const m = wasm();
  const L = new Layout(m);
  const pp = L.reserve(NPARAMS);
  const pg = L.reserve(g.length);
  const pw = L.reserve(w.length);
  const pbias = b ? L.reserve(b.length) : 0;
  const px = L.reserve(out.length);
  const pwt = L.reserve(w.length);
  const pcol = L.reserve(R * P);
  if (!L.commit()) return refConvTranspose(p, outs, ins);
  L.i32(pp, NPARAMS).set(params(p));
  L.f32(pg, g.length).set(g);
  L.f32(pw, w.length).set(w);
  if (b && pbias) L.f32(pbias, b.length).set(b);
  m.convBackwardInput(pp, pg, pw, pbias, px, pwt, pcol);
  out.set(L.f32(px, out.length));
};

/** dw = convWeightGrad(x, g): the weight gradient of conv, summed over the batch. */
const convWeightGrad: Kernel<ConvPlan> = (p, outs, ins) => {
  const [x, g] = ins;
  const out = outs[0];
  if (!(out instanceof Float32Array && x instanceof Float32Array && g instanceof Float32Array)) {
    return refConvWeightGrad(p, outs, ins);
  }
  if (out.length === 0) return;
  const cig = p.Cin / p.groups;
  const R = cig * p.K[0]! * p.K[1]! * p.K[2]!;
  const P = p.O[0]! * p.O[1]! * p.O[2]!;
  if (!fitsI32(out.length, g.length, x.length, R * P)) return refConvWeightGrad(p, outs, ins);
  const m = wasm();
  const L = new Layout(m);
  const pp = L.reserve(NPARAMS);
  const px = L.reserve(x.length);
  const pg = L.reserve(g.length);
  const pdw = L.reserve(out.length);
  const pcol = L.reserve(R * P);
  const pcolT = L.reserve(R * P);
  const ptmp = L.reserve((p.Cout / p.groups) * R);
  if (!L.commit()) return refConvWeightGrad(p, outs, ins);
  L.i32(pp, NPARAMS).set(params(p));
  L.f32(px, x.length).set(x);
  L.f32(pg, g.length).set(g);
  L.f32(pdw, out.length).fill(0);
  m.convBackwardWeight(pp, px, pg, pdw, pcol, pcolT, ptmp);
  out.set(L.f32(pdw, out.length));
};

export const wasmConvKernels = { conv, convTranspose, convWeightGrad };
