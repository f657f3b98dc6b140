/** Reference kernels for var, std, logsumexp and norm (float64 accumulation per group). */
import type { ReduceInfo, VarInfo, VectorNormInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import { reducePlan } from './reduce_plan.js';

/** Two passes per group: the mean, then the sum of squared deviations (no cancellation). */
function variance(info: VarInfo, src: Data, out: Data, root: boolean): void {
  const { base, rel } = reducePlan(info.inShape, info.dims);
  const G = rel.length;
  for (let o = 0; o < base.length; o++) {
    const b = base[o]!;
    let s = 0;
    for (let k = 0; k < G; k++) s += src[b + rel[k]!]!;
    const m = s / G;
    let ss = 0;
    for (let k = 0; k < G; k++) {
      const d = src[b + rel[k]!]! - m;
      ss += d * d;
    }
    const v = ss / info.dof;
    out[o] = root ? Math.sqrt(v) : v;
  }
}

/** m + log Σ exp(x - m) with m the group maximum (0 when it is ±Infinity, as PyTorch does). */
const logsumexp: Kernel<ReduceInfo> = (info, [out], [x]) => {
  const o = out!;
  const src = x!;
  const { base, rel } = reducePlan(info.inShape, info.dims);
  const G = rel.length;
  for (let i = 0; i < base.length; i++) {
    const b = base[i]!;
    let m = -Infinity;
    for (let k = 0; k < G; k++) {
      const v = src[b + rel[k]!]!;
      if (v > m) m = v;
    }
    if (!Number.isFinite(m)) m = 0;
    let s = 0;
    for (let k = 0; k < G; k++) s += Math.exp(src[b + rel[k]!]! - m);
    o[i] = Math.log(s) + m;
  }
};

const norm: Kernel<VectorNormInfo> = (info, [out], [x]) => {
  const o = out!;
  const src = x!;
  const p = info.p;
  const { base, rel } = reducePlan(info.inShape, info.dims);
  const G = rel.length;
  for (let i = 0; i < base.length; i++) {
    const b = base[i]!;
    let acc = 0;
    if (p === 2) {
      // scaled by the largest |x| so that squares neither overflow nor underflow
      let scale = 0;
      for (let k = 0; k < G; k++) {
        const a = Math.abs(src[b + rel[k]!]!);
        if (a > scale || a !== a) scale = a;
      }
      if (scale === 0 || !Number.isFinite(scale)) acc = scale;
      else {
        for (let k = 0; k < G; k++) {
          const r = src[b + rel[k]!]! / scale;
          acc += r * r;
        }
        acc = scale * Math.sqrt(acc);
      }
    } else if (p === Infinity || p === -Infinity) {
      acc = p > 0 ? 0 : Infinity;
      for (let k = 0; k < G; k++) {
        const a = Math.abs(src[b + rel[k]!]!);
        if (a !== a) {
          acc = a;
          break;
        }
        if (p > 0 ? a > acc : a < acc) acc = a;
      }
    } else if (p === 0) {
      for (let k = 0; k < G; k++) if (src[b + rel[k]!]! !== 0) acc += 1;
    } else if (p === 1) {
      for (let k = 0; k < G; k++) acc += Math.abs(src[b + rel[k]!]!);
    } else {
      for (let k = 0; k < G; k++) acc += Math.pow(Math.abs(src[b + rel[k]!]!), p);
      acc = Math.pow(acc, 1 / p);
    }
    o[i] = acc;
  }
};

export const statsKernels = {
  var: ((info, [out], [x]) => variance(info, x!, out!, false)) as Kernel<VarInfo>,
  std: ((info, [out], [x]) => variance(info, x!, out!, true)) as Kernel<VarInfo>,
  logsumexp,
  norm,
};
