/**
 * Reference kernels for the signal family: the linear correlation primitive (every mode of
 * convolve/correlate/convolveNd/correlateNd and all their gradients), the circular pair, and the
 * convolution-matrix builder.
 */
import type { SignalCorrelateInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { circularKernels } from './signal_circular.js';
import { convMatrixKernels } from './signal_convmatrix.js';

function stridesOf(shape: readonly number[]): Int32Array {
  const s = new Int32Array(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

/**
 * z[k] = Σ_j x[k + s + j]·w̃[j], x zero outside its shape. For each output element the valid j
 * range of every dimension is the interval where 0 <= k + s + j < X, so no bounds test runs in
 * the inner loop: the leading dimensions of j are walked with an odometer, the last one directly.
 */
const signalCorrelate: Kernel<SignalCorrelateInfo> = (info, [out], [xd, wd]) => {
  const o = out!;
  const x = xd!;
  const w = wd!;
  const r = info.outShape.length;
  if (r === 0) {
    o[0] = x[0]! * w[0]!;
    return;
  }
  const X = info.xShape;
  const W = info.wShape;
  const Z = info.outShape;
  const s = info.offset;
  const flip = info.flip;
  const xs = stridesOf(X);
  const ws = stridesOf(W);
  const k = new Int32Array(r);
  const lo = new Int32Array(r);
  const hi = new Int32Array(r);
  const j = new Int32Array(r);
  const L = r - 1;
  const WL = W[L]!;
  for (let oi = 0; oi < o.length; oi++) {
    let empty = false;
    for (let d = 0; d < r; d++) {
      const base = k[d]! + s[d]!;
      lo[d] = Math.max(0, -base);
      hi[d] = Math.min(W[d]!, X[d]! - base);
      if (hi[d]! <= lo[d]!) empty = true;
    }
    if (!empty) {
      let acc = 0;
      for (let d = 0; d < L; d++) j[d] = lo[d]!;
      const baseL = k[L]! + s[L]!;
      const jlo = lo[L]!;
      const jhi = hi[L]!;
      for (;;) {
        let xo = baseL;
        let wo = 0;
        for (let d = 0; d < L; d++) {
          xo += (k[d]! + s[d]! + j[d]!) * xs[d]!;
          wo += (flip ? W[d]! - 1 - j[d]! : j[d]!) * ws[d]!;
        }
        if (flip) {
          const wEnd = wo + WL - 1;
          for (let jj = jlo; jj < jhi; jj++) acc += x[xo + jj]! * w[wEnd - jj]!;
        } else {
          for (let jj = jlo; jj < jhi; jj++) acc += x[xo + jj]! * w[wo + jj]!;
        }
        let d = L - 1;
        for (; d >= 0; d--) {
          j[d]!++;
          if (j[d]! < hi[d]!) break;
          j[d] = lo[d]!;
        }
        if (d < 0) break;
      }
      o[oi] = acc;
    }
    for (let d = L; d >= 0; d--) {
      k[d]!++;
      if (k[d]! < Z[d]!) break;
      k[d] = 0;
    }
  }
};

export const signalKernels = { signalCorrelate, ...circularKernels, ...convMatrixKernels };
