/**
 * Reference kernels for activations. Each loop is written out (no per-element callbacks): these
 * run on every layer of every training step until a faster backend replaces them.
 * Values are computed in float64 and rounded once on store.
 */
import type { ActInfo, DropoutMaskInfo, SoftmaxInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { normalCdf, normalPdf } from './activation_math.js';

const GELU_K = 0.7978845608028654; // √(2/π)
const GELU_C = 0.044715;

/*
 * relu and its backward are branch-free on float32: with random signs a compare-and-branch
 * mispredicts half the time (5-10× slower here). relu keeps the bits of non-negative floats and
 * zeroes the rest (sign bit set); the backward passes g where x > 0 through an all-ones mask.
 * NaN: relu keeps a NaN with a clear sign bit (torch keeps every NaN); the backward gives 0 for
 * x = NaN, as torch does.
 */
const relu: Kernel<ActInfo> = (info, [out], [x]) => {
  const n = info.n;
  if (out instanceof Float32Array && x instanceof Float32Array) {
    const o = new Int32Array(out.buffer, out.byteOffset, n);
    const a = new Int32Array(x.buffer, x.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const v = a[i]!;
      o[i] = v & ~(v >> 31);
    }
    return;
  }
  const o = out!;
  const a = x!;
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    o[i] = v > 0 ? v : v !== v ? v : 0;
  }
};

const reluBackward: Kernel<ActInfo> = (info, [out], [g, x]) => {
  const n = info.n;
  if (out instanceof Float32Array && g instanceof Float32Array && x instanceof Float32Array) {
    const o = new Int32Array(out.buffer, out.byteOffset, n);
    const gi = new Int32Array(g.buffer, g.byteOffset, n);
    for (let i = 0; i < n; i++) o[i] = gi[i]! & -(+(x[i]! > 0));
    return;
  }
  const o = out!;
  const gd = g!;
  const a = x!;
  for (let i = 0; i < n; i++) o[i] = a[i]! > 0 ? gd[i]! : 0;
};

const leakyRelu: Kernel<ActInfo> = (info, [out], [x]) => {
  const o = out!;
  const a = x!;
  const s = info.param;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    o[i] = v > 0 ? v : v * s;
  }
};

const leakyReluBackward: Kernel<ActInfo> = (info, [out], [g, x]) => {
  const o = out!;
  const gd = g!;
  const a = x!;
  const s = info.param;
  for (let i = 0; i < info.n; i++) o[i] = a[i]! > 0 ? gd[i]! : gd[i]! * s;
};

const sigmoid: Kernel<ActInfo> = (info, [out], [x]) => {
  const o = out!;
  const a = x!;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    // e^v/(1+e^v) for v < 0 keeps relative precision where σ is tiny
    if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      o[i] = e / (1 + e);
    }
  }
};

/** Gradient through the output y: g·y(1-y). */
const sigmoidBackward: Kernel<ActInfo> = (info, [out], [g, y]) => {
  const o = out!;
  const gd = g!;
  const yd = y!;
  for (let i = 0; i < info.n; i++) {
    const v = yd[i]!;
    o[i] = gd[i]! * v * (1 - v);
  }
};

const tanh: Kernel<ActInfo> = (info, [out], [x]) => {
  const o = out!;
  const a = x!;
  for (let i = 0; i < info.n; i++) o[i] = Math.tanh(a[i]!);
};

/** Gradient through the output y: g·(1-y²). */
const tanhBackward: Kernel<ActInfo> = (info, [out], [g, y]) => {
  const o = out!;
  const gd = g!;
  const yd = y!;
  for (let i = 0; i < info.n; i++) {
    const v = yd[i]!;
    o[i] = gd[i]! * (1 - v * v);
  }
};

const gelu: Kernel<ActInfo> = (info, [out], [x]) => {
  const o = out!;
  const a = x!;
  if (info.approximate === 'tanh') {
    for (let i = 0; i < info.n; i++) {
      const v = a[i]!;
      o[i] = 0.5 * v * (1 + Math.tanh(GELU_K * (v + GELU_C * v * v * v)));
    }
  } else {
    for (let i = 0; i < info.n; i++) {
      const v = a[i]!;
      o[i] = v * normalCdf(v);
    }
  }
};

/** Exact: Φ(x) + x·φ(x). Tanh form: ½(1+t) + ½x(1-t²)·√(2/π)(1 + 3c x²), t = tanh(√(2/π)(x + c x³)). */
const geluBackward: Kernel<ActInfo> = (info, [out], [g, x]) => {
  const o = out!;
  const gd = g!;
  const a = x!;
  if (info.approximate === 'tanh') {
    for (let i = 0; i < info.n; i++) {
      const v = a[i]!;
      const t = Math.tanh(GELU_K * (v + GELU_C * v * v * v));
      const d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_K * (1 + 3 * GELU_C * v * v);
      o[i] = gd[i]! * d;
    }
  } else {
    for (let i = 0; i < info.n; i++) {
      const v = a[i]!;
      o[i] = gd[i]! * (normalCdf(v) + v * normalPdf(v));
    }
  }
};

const softplus: Kernel<ActInfo> = (info, [out], [x]) => {
  const o = out!;
  const a = x!;
  const beta = info.param;
  const thr = info.threshold;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    const bx = v * beta;
    o[i] = bx > thr ? v : Math.log1p(Math.exp(bx)) / beta;
  }
};

/** σ(βx) below the threshold, 1 above it (PyTorch's rule: the identity branch has slope 1). */
const softplusBackward: Kernel<ActInfo> = (info, [out], [g, x]) => {
  const o = out!;
  const gd = g!;
  const a = x!;
  const beta = info.param;
  const thr = info.threshold;
  for (let i = 0; i < info.n; i++) {
    const bx = a[i]! * beta;
    if (bx > thr) o[i] = gd[i]!;
    else {
      const z = Math.exp(bx);
      o[i] = (gd[i]! * z) / (z + 1);
    }
  }
};

const elu: Kernel<ActInfo> = (info, [out], [x]) => {
  const o = out!;
  const a = x!;
  const alpha = info.param;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    o[i] = v > 0 ? v : alpha * Math.expm1(v);
  }
};

const eluBackward: Kernel<ActInfo> = (info, [out], [g, x]) => {
  const o = out!;
  const gd = g!;
  const a = x!;
  const alpha = info.param;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    o[i] = v > 0 ? gd[i]! : gd[i]! * alpha * Math.exp(v);
  }
};

const silu: Kernel<ActInfo> = (info, [out], [x]) => {
  const o = out!;
  const a = x!;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    o[i] = v / (1 + Math.exp(-v));
  }
};

/** σ(x)(1 + x(1 - σ(x))). */
const siluBackward: Kernel<ActInfo> = (info, [out], [g, x]) => {
  const o = out!;
  const gd = g!;
  const a = x!;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    const s = 1 / (1 + Math.exp(-v));
    o[i] = gd[i]! * s * (1 + v * (1 - s));
  }
};

/** softmax or log-softmax of each [outer, ·, inner] fibre, after subtracting the fibre's maximum. */
function softmaxLike(log: boolean): Kernel<SoftmaxInfo> {
  return (info, [out], [x]) => {
    const o = out!;
    const a = x!;
    const { outer, size, inner } = info;
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        const base = p * size * inner + q;
        let m = -Infinity;
        for (let k = 0, j = base; k < size; k++, j += inner) if (a[j]! > m) m = a[j]!;
        // all -inf (or empty): PyTorch gives NaN for softmax and -inf - -inf = NaN for log-softmax
        if (m === -Infinity) m = 0;
        let s = 0;
        for (let k = 0, j = base; k < size; k++, j += inner) s += Math.exp(a[j]! - m);
        if (log) {
          const lse = m + Math.log(s);
          for (let k = 0, j = base; k < size; k++, j += inner) o[j] = a[j]! - lse;
        } else {
          for (let k = 0, j = base; k < size; k++, j += inner) o[j] = Math.exp(a[j]! - m) / s;
        }
      }
    }
  };
}

/** y ⊙ (g - Σ g·y) per fibre. */
const softmaxBackward: Kernel<SoftmaxInfo> = (info, [out], [g, y]) => {
  const o = out!;
  const gd = g!;
  const yd = y!;
  const { outer, size, inner } = info;
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      let s = 0;
      for (let k = 0, j = base; k < size; k++, j += inner) s += gd[j]! * yd[j]!;
      for (let k = 0, j = base; k < size; k++, j += inner) o[j] = yd[j]! * (gd[j]! - s);
    }
  }
};

/** g - e^y · Σ g per fibre. */
const logSoftmaxBackward: Kernel<SoftmaxInfo> = (info, [out], [g, y]) => {
  const o = out!;
  const gd = g!;
  const yd = y!;
  const { outer, size, inner } = info;
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const base = p * size * inner + q;
      let s = 0;
      for (let k = 0, j = base; k < size; k++, j += inner) s += gd[j]!;
      for (let k = 0, j = base; k < size; k++, j += inner) o[j] = gd[j]! - Math.exp(yd[j]!) * s;
    }
  }
};

/** Keeps an element (value 1/(1-p)) when a uniform draw is at least p, so P(keep) = 1-p. */
const dropoutMask: Kernel<DropoutMaskInfo> = (info, [out]) => {
  const o = out!;
  const g = info.generator;
  const { p, scale } = info;
  for (let i = 0; i < o.length; i++) o[i] = g.random() >= p ? scale : 0;
};

export const activationKernels = {
  relu,
  reluBackward,
  leakyRelu,
  leakyReluBackward,
  sigmoid,
  sigmoidBackward,
  tanh,
  tanhBackward,
  gelu,
  geluBackward,
  softplus,
  softplusBackward,
  elu,
  eluBackward,
  silu,
  siluBackward,
  softmax: softmaxLike(false),
  logSoftmax: softmaxLike(true),
  softmaxBackward,
  logSoftmaxBackward,
  dropoutMask,
};
