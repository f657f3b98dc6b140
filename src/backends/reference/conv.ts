/**
 * Reference kernels of the convolution family: im2col (conv_lowering.ts) followed by a plain
 * matrix product, per image and group. With R = (Cin/groups)·prod(K) and P = prod(O):
 *   conv:            y[co, :]  = b[co] + Σ_r w[co, r] · col[r, :]          (Cout/groups × R × P)
 *   convTranspose:   col[r, :] = Σ_co w[co, r] · g[co, :], then col2im      (the adjoint)
 *   convWeightGrad:  dw[co, r] += Σ_p g[co, p] · col[r, p]
 * Products accumulate in float64 and are stored once.
 */
import type { ConvPlan } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { asF64, col2im, im2col } from './conv_lowering.js';
import { gemmNN, gemmNT } from './conv_gemm.js';

const conv: Kernel<ConvPlan> = (p, [out], [x, w, b]) => {
  const y = out!;
  const { cig, cog, R, P, Lsz } = p;
  const w64 = asF64(w!);
  const rg = p.taps;
  const col = new Float64Array(R * P);
  const acc = new Float64Array(cog * P);
  for (let n = 0; n < p.N; n++) {
    for (let g = 0; g < p.groups; g++) {
      im2col(p, rg, x!, (n * p.Cin + g * cig) * Lsz, cig, col);
      for (let co = 0; co < cog; co++) acc.fill(b ? b[g * cog + co]! : 0, co * P, (co + 1) * P);
      gemmNN(w64, g * cog, cog, R, col, P, acc, 0);
      y.set(acc, (n * p.Cout + g * cog) * P);
    }
  }
};

const convTranspose: Kernel<ConvPlan> = (p, [out], [gy, w, b]) => {
  const x = out!;
  const { cig, cog, R, P, Lsz } = p;
  // col = wᵀ g: transpose each group's weight block once so the product is again rows × matrix
  const w64 = asF64(w!);
  const wt = new Float64Array(w64.length);
  for (let g = 0; g < p.groups; g++) {
    for (let co = 0; co < cog; co++) {
      for (let r = 0; r < R; r++) wt[(g * R + r) * cog + co] = w64[(g * cog + co) * R + r]!;
    }
  }
  const rg = p.taps;
  const col = new Float64Array(R * P);
  const gp = new Float64Array(cog * P);
  const acc = new Float64Array(cig * Lsz);
  for (let n = 0; n < p.N; n++) {
    for (let g = 0; g < p.groups; g++) {
      const gOff = (n * p.Cout + g * cog) * P;
      for (let i = 0; i < gp.length; i++) gp[i] = gy![gOff + i]!;
      col.fill(0);
      gemmNN(wt, g * R, R, cog, gp, P, col, 0);
      for (let ci = 0; ci < cig; ci++) acc.fill(b ? b[g * cig + ci]! : 0, ci * Lsz, (ci + 1) * Lsz);
      col2im(p, rg, col, cig, acc);
      x.set(acc, (n * p.Cin + g * cig) * Lsz);
    }
  }
};

const convWeightGrad: Kernel<ConvPlan> = (p, [out], [x, gy]) => {
  const dw = out!;
  const { cig, cog, R, P, Lsz } = p;
  const rg = p.taps;
  const col = new Float64Array(R * P);
  const gp = new Float64Array(cog * P);
  const acc = new Float64Array(p.Cout * R);
  for (let n = 0; n < p.N; n++) {
    for (let g = 0; g < p.groups; g++) {
      im2col(p, rg, x!, (n * p.Cin + g * cig) * Lsz, cig, col);
      const gOff = (n * p.Cout + g * cog) * P;
      for (let i = 0; i < gp.length; i++) gp[i] = gy![gOff + i]!;
      gemmNT(gp, 0, cog, P, col, R, acc, g * cog * R);
    }
  }
  dw.set(acc);
};

export const convKernels = { conv, convTranspose, convWeightGrad };
