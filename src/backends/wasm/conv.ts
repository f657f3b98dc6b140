/**
 * The forward convolution (op `conv`) on the WebAssembly SIMD module: per image and group,
 * im2col then the f32x4 register-blocked GEMM (assembly/conv.ts); 1×1 unit-stride unpadded
 * kernels skip the lowering. float32 only; other dtypes run the reference kernel. The gradient
 * ops (convTranspose, convWeightGrad) still fall back to the reference backend.
 */
import type { Kernel } from '../../backend.js';
import type { ConvPlan } from '../../ops/conv_ops.js';
import { convKernels } from '../reference/conv.js';
import { Layout, wasm } from './runtime.js';

const refConv: Kernel<ConvPlan> = convKernels.conv;

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
  L.i32(pp, NPARAMS).set([p.N, p.Cin, p.Cout, p.groups, ...p.L, ...p.K, ...p.O, ...p.stride, ...p.dilation, ...p.padBefore]);
  L.f32(px, x.length).set(x);
  L.f32(pw, w.length).set(w);
  if (b && pbias) L.f32(pbias, b.length).set(b);
  m.convForward(pp, px, pw, pbias, py, pcol);
  out.set(L.f32(py, out.length));
};

export const wasmConvKernels = { conv };
