/**
 * Reference kernels for normalisation, on the [A, G, B] view of norm_ops.ts: group g holds the
 * elements (a·G + g)·B + b for a < A, b < B. Statistics accumulate in float64 (two passes: the
 * mean, then the centred sum of squares, which does not cancel).
 */
import type { NormInfo, RunningUpdateInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';

/** [x̂, mean, var (biased), rstd] per group. */
const normStandardize: Kernel<NormInfo> = (info, [out, meanOut, varOut, rstdOut], [x]) => {
  const o = out!;
  const a = x!;
  const { A, G, B, eps } = info;
  const M = A * B;
  for (let g = 0; g < G; g++) {
    let s = 0;
    for (let i = 0; i < A; i++) {
      const base = (i * G + g) * B;
      for (let j = base; j < base + B; j++) s += a[j]!;
    }
    const mean = s / M;
    let ss = 0;
    for (let i = 0; i < A; i++) {
      const base = (i * G + g) * B;
      for (let j = base; j < base + B; j++) {
        const d = a[j]! - mean;
        ss += d * d;
      }
    }
    const v = ss / M;
    const r = 1 / Math.sqrt(v + eps);
    for (let i = 0; i < A; i++) {
      const base = (i * G + g) * B;
      for (let j = base; j < base + B; j++) o[j] = (a[j]! - mean) * r;
    }
    meanOut![g] = mean;
    varOut![g] = v;
    rstdOut![g] = r;
  }
};

/** r·(h - m(h) - x̂·m(h·x̂)) per group. */
const normStandardizeBackward: Kernel<NormInfo> = (info, [out], [h, xh, rstd]) => {
  const o = out!;
  const hd = h!;
  const xd = xh!;
  const { A, G, B } = info;
  const M = A * B;
  for (let g = 0; g < G; g++) {
    let sh = 0;
    let shx = 0;
    for (let i = 0; i < A; i++) {
      const base = (i * G + g) * B;
      for (let j = base; j < base + B; j++) {
        sh += hd[j]!;
        shx += hd[j]! * xd[j]!;
      }
    }
    const mh = sh / M;
    const mhx = shx / M;
    const r = rstd![g]!;
    for (let i = 0; i < A; i++) {
      const base = (i * G + g) * B;
      for (let j = base; j < base + B; j++) o[j] = r * (hd[j]! - mh - xd[j]! * mhx);
    }
  }
};

/** x·w[g] + b[g]. */
const normAffine: Kernel<NormInfo> = (info, [out], [x, w, b]) => {
  const o = out!;
  const a = x!;
  const { A, G, B } = info;
  for (let i = 0; i < A; i++) {
    for (let g = 0; g < G; g++) {
      const wg = w![g]!;
      const bg = b![g]!;
      const base = (i * G + g) * B;
      for (let j = base; j < base + B; j++) o[j] = a[j]! * wg + bg;
    }
  }
};

/** [Σ g·x, Σ g] per group. */
const normAffineGrad: Kernel<NormInfo> = (info, [gw, gb], [g, x]) => {
  const gd = g!;
  const a = x!;
  const { A, G, B } = info;
  const sw = new Float64Array(G);
  const sb = new Float64Array(G);
  for (let i = 0; i < A; i++) {
    for (let k = 0; k < G; k++) {
      const base = (i * G + k) * B;
      let s1 = 0;
      let s2 = 0;
      for (let j = base; j < base + B; j++) {
        s1 += gd[j]! * a[j]!;
        s2 += gd[j]!;
      }
      sw[k] = sw[k]! + s1;
      sb[k] = sb[k]! + s2;
    }
  }
  gw!.set(sw);
  gb!.set(sb);
};

/** running ← (1 − momentum)·running + (momentum·batch)·scale, in place (ins: [running, batch]). */
const runningUpdate: Kernel<RunningUpdateInfo> = (info, [r], [, s]) => {
  const m = info.momentum;
  for (let i = 0; i < r!.length; i++) r![i] = (1 - m) * r![i]! + m * s![i]! * info.scale;
};

export const normKernels = { normStandardize, normStandardizeBackward, normAffine, normAffineGrad, runningUpdate };
