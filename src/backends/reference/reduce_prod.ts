/** Reference kernels for prod, prodOthers (its exact gradient family) and cumsum. */
import type { CumsumInfo, ProdOthersInfo, ReduceInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { reducePlan } from './reduce_plan.js';

const prod: Kernel<ReduceInfo> = (info, [out], [x]) => {
  const o = out!;
  const src = x!;
  const { base, rel } = reducePlan(info.inShape, info.dims);
  for (let i = 0; i < base.length; i++) {
    const b = base[i]!;
    let p = 1;
    for (let k = 0; k < rel.length; k++) p *= src[b + rel[k]!]!;
    o[i] = p;
  }
};

/**
 * For each group, polynomials in t1..tm truncated to multilinear terms, stored as 2^m
 * coefficients indexed by subset bitmask S (coefficient of ∏_{i∈S} t_i):
 *   pre[j] = ∏_{k<j} (x_k + Σ t_i v_ik),  suf[j] = ∏_{k>j} (...),
 * and out_j = [t1…tm] pre[j]·suf[j] = Σ_S pre[j][S]·suf[j][~S].
 * Multiplying by a factor: new[S] = old[S]·x_k + Σ_{i∈S} old[S∖i]·v_ik.
 */
const prodOthers: Kernel<ProdOthersInfo> = (info, [out], ins) => {
  const o = out!;
  const x = ins[0]!;
  const vs = ins.slice(1);
  const m = info.m;
  const C = 1 << m;
  const full = C - 1;
  const { base, rel } = reducePlan(info.inShape, info.dims);
  const G = rel.length;
  const pre = new Float64Array((G + 1) * C);
  const suf = new Float64Array((G + 1) * C);
  for (let gi = 0; gi < base.length; gi++) {
    const b = base[gi]!;
    // pre row j (j = 0..G) holds ∏_{k<j}; suf row j holds ∏_{k>=j}
    pre.fill(0, 0, C);
    pre[0] = 1;
    for (let j = 0; j < G; j++) {
      const off = b + rel[j]!;
      const xk = x[off]!;
      const src = j * C;
      const dst = src + C;
      for (let S = 0; S < C; S++) {
        let c = pre[src + S]! * xk;
        for (let i = 0; i < m; i++) if (S & (1 << i)) c += pre[src + (S ^ (1 << i))]! * vs[i]![off]!;
        pre[dst + S] = c;
      }
    }
    suf.fill(0, G * C, G * C + C);
    suf[G * C] = 1;
    for (let j = G - 1; j >= 0; j--) {
      const off = b + rel[j]!;
      const xk = x[off]!;
      const src = (j + 1) * C;
      const dst = j * C;
      for (let S = 0; S < C; S++) {
        let c = suf[src + S]! * xk;
        for (let i = 0; i < m; i++) if (S & (1 << i)) c += suf[src + (S ^ (1 << i))]! * vs[i]![off]!;
        suf[dst + S] = c;
      }
    }
    for (let j = 0; j < G; j++) {
      const p = j * C;
      const s = (j + 1) * C;
      let acc = 0;
      for (let S = 0; S < C; S++) acc += pre[p + S]! * suf[s + (full ^ S)]!;
      o[b + rel[j]!] = acc;
    }
  }
};

const cumsum: Kernel<CumsumInfo> = (info, [out], [x]) => {
  const o = out!;
  const src = x!;
  const { outer, n, inner, reverse } = info;
  const acc = new Float64Array(inner);
  for (let a = 0; a < outer; a++) {
    acc.fill(0);
    const start = a * n * inner;
    for (let t = 0; t < n; t++) {
      const off = start + (reverse ? n - 1 - t : t) * inner;
      for (let c = 0; c < inner; c++) {
        acc[c] = acc[c]! + src[off + c]!;
        o[off + c] = acc[c]!;
      }
    }
  }
};

export const prodKernels = { prod, prodOthers, cumsum };
