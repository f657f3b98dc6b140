/**
 * Reference kernels for losses. Point-wise losses see inputs of one shape (broadcast beforehand);
 * class losses see the input as [outer, C, inner], element (n, c, d) at (n·C + c)·inner + d.
 */
import type { ClassInfo, PointLossInfo, SoftmaxCeInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';

const mseLoss: Kernel<PointLossInfo> = (info, [out], [x, t]) => {
  const o = out!;
  const a = x!;
  const b = t!;
  for (let i = 0; i < info.n; i++) {
    const d = a[i]! - b[i]!;
    o[i] = d * d;
  }
};

const l1Loss: Kernel<PointLossInfo> = (info, [out], [x, t]) => {
  const o = out!;
  const a = x!;
  const b = t!;
  for (let i = 0; i < info.n; i++) o[i] = Math.abs(a[i]! - b[i]!);
};

/** -w·(t·max(log x, -100) + (1-t)·max(log(1-x), -100)) (PyTorch clamps each log at -100). */
const binaryCrossEntropy: Kernel<PointLossInfo> = (info, [out], [x, t, w]) => {
  const o = out!;
  const a = x!;
  const b = t!;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    const y = b[i]!;
    const lx = Math.max(Math.log(v), -100);
    const l1x = Math.max(Math.log1p(-v), -100);
    const l = -(y * lx + (1 - y) * l1x);
    o[i] = w ? l * w[i]! : l;
  }
};

/**
 * w·[(1-t)·x + lw·softplus(-x)], lw = 1 + (pw-1)·t, with softplus(-x) = log1p(e^{-|x|}) + max(-x, 0)
 * (never overflows).
 */
const binaryCrossEntropyWithLogits: Kernel<PointLossInfo> = (info, [out], ins) => {
  const o = out!;
  const a = ins[0]!;
  const b = ins[1]!;
  const w = info.hasWeight ? ins[2]! : null;
  const pw = info.hasPosWeight ? ins[info.hasWeight ? 3 : 2]! : null;
  for (let i = 0; i < info.n; i++) {
    const v = a[i]!;
    const y = b[i]!;
    const sp = Math.log1p(Math.exp(-Math.abs(v))) + (v < 0 ? -v : 0);
    const lw = pw ? 1 + (pw[i]! - 1) * y : 1;
    const l = (1 - y) * v + lw * sp;
    o[i] = w ? l * w[i]! : l;
  }
};

/** Per position: -w[t]·x[n, t, d] (0 where t is ignored); output 1 is Σ w[t] over kept positions. */
const nllLoss: Kernel<ClassInfo> = (info, [out, total], [x, target, weight]) => {
  const o = out!;
  const a = x!;
  const t = target!;
  const { outer, classes, inner, ignoreIndex } = info;
  let wsum = 0;
  for (let n = 0; n < outer; n++) {
    for (let d = 0; d < inner; d++) {
      const p = n * inner + d;
      const c = t[p]!;
      if (c === ignoreIndex) continue;
      const wc = weight ? weight[c]! : 1;
      o[p] = -wc * a[(n * classes + c) * inner + d]!;
      wsum += wc;
    }
  }
  total![0] = wsum;
};

/** The adjoint of nllLoss: grad[n, t, d] = -w[t]·g[n, 0, d], zero elsewhere. */
const nllLossBackward: Kernel<ClassInfo> = (info, [out], [g, target, weight]) => {
  const o = out!;
  const gd = g!;
  const t = target!;
  const { outer, classes, inner, ignoreIndex } = info;
  for (let n = 0; n < outer; n++) {
    for (let d = 0; d < inner; d++) {
      const p = n * inner + d;
      const c = t[p]!;
      if (c === ignoreIndex) continue;
      o[(n * classes + c) * inner + d] = -(weight ? weight[c]! : 1) * gd[p]!;
    }
  }
};

/** Q = (1-ε)·w[t]·onehot(t) + (ε/C)·w at kept positions; output 1 is Σ w[t] over kept positions. */
const crossEntropyClassTarget: Kernel<ClassInfo> = (info, [out, total], [target, weight]) => {
  const q = out!;
  const t = target!;
  const { outer, classes, inner, ignoreIndex, labelSmoothing: eps } = info;
  const spread = eps / classes;
  let wsum = 0;
  for (let n = 0; n < outer; n++) {
    for (let d = 0; d < inner; d++) {
      const c = t[n * inner + d]!;
      if (c === ignoreIndex) continue;
      const base = n * classes * inner + d;
      if (spread > 0) for (let k = 0; k < classes; k++) q[base + k * inner] = spread * (weight ? weight[k]! : 1);
      const wc = weight ? weight[c]! : 1;
      q[base + c * inner] = q[base + c * inner]! + (1 - eps) * wc;
      wsum += wc;
    }
  }
  total![0] = wsum;
};

/** Per position Σ_c Q_c·(lse - x_c), lse = log Σ e^{x_c} (max subtracted); terms with Q_c = 0 skipped. */
const softmaxCrossEntropy: Kernel<SoftmaxCeInfo> = (info, [out], [x, q]) => {
  const o = out!;
  const a = x!;
  const qd = q!;
  const { outer, classes, inner } = info;
  for (let n = 0; n < outer; n++) {
    for (let d = 0; d < inner; d++) {
      const base = n * classes * inner + d;
      let m = -Infinity;
      for (let k = 0, j = base; k < classes; k++, j += inner) if (a[j]! > m) m = a[j]!;
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let k = 0, j = base; k < classes; k++, j += inner) s += Math.exp(a[j]! - m);
      const lse = m + Math.log(s);
      let l = 0;
      for (let k = 0, j = base; k < classes; k++, j += inner) {
        const qc = qd[j]!;
        if (qc !== 0) l += qc * (lse - a[j]!);
      }
      o[n * inner + d] = l;
    }
  }
};

/** (p_c·A - Q_c)·g[n, 0, d] with p = softmax over classes and A = Σ_c Q_c. */
const softmaxCrossEntropyBackward: Kernel<SoftmaxCeInfo> = (info, [out], [g, x, q]) => {
  const o = out!;
  const gd = g!;
  const a = x!;
  const qd = q!;
  const { outer, classes, inner } = info;
  for (let n = 0; n < outer; n++) {
    for (let d = 0; d < inner; d++) {
      const base = n * classes * inner + d;
      let m = -Infinity;
      let A = 0;
      for (let k = 0, j = base; k < classes; k++, j += inner) {
        if (a[j]! > m) m = a[j]!;
        A += qd[j]!;
      }
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let k = 0, j = base; k < classes; k++, j += inner) s += Math.exp(a[j]! - m);
      const gv = gd[n * inner + d]!;
      // a position without target mass (ignored) has zero loss whatever g is, even g = ±inf
      // (a mean over no kept target divides by 0): its gradient is 0, as in PyTorch
      for (let k = 0, j = base; k < classes; k++, j += inner) {
        const f = (Math.exp(a[j]! - m) / s) * A - qd[j]!;
        o[j] = f === 0 ? 0 : f * gv;
      }
    }
  }
};

export const lossKernels = {
  mseLoss,
  l1Loss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  nllLoss,
  nllLossBackward,
  crossEntropyClassTarget,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
};
