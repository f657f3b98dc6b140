/** Reference kernels for circular correlation and convolution (indices modulo each dimension). */
import type { CircularInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';

/**
 * conv = false: z[k] = Σ_i x[i]·y[(i + k) mod n];  conv = true: z[k] = Σ_i x[i]·y[(k - i) mod n].
 * Leading dimensions of i are walked with an odometer; along the last one the modular index is
 * split into its two contiguous runs, so the inner loops carry no `%`.
 */
function circular(conv: boolean): Kernel<CircularInfo> {
  return (info, [out], [xd, yd]) => {
    const o = out!;
    const x = xd!;
    const y = yd!;
    const shape = info.shape;
    const r = shape.length;
    const L = r - 1;
    const n = shape[L]!;
    const st = new Int32Array(r);
    for (let d = r - 1, acc = 1; d >= 0; d--) {
      st[d] = acc;
      acc *= shape[d]!;
    }
    const k = new Int32Array(r);
    const i = new Int32Array(r);
    for (let oi = 0; oi < o.length; oi++) {
      let acc = 0;
      i.fill(0);
      const kL = k[L]!;
      for (;;) {
        let xo = 0;
        let yo = 0;
        for (let d = 0; d < L; d++) {
          const nd = shape[d]!;
          const t = conv ? (k[d]! - i[d]! + nd) % nd : (i[d]! + k[d]!) % nd;
          xo += i[d]! * st[d]!;
          yo += t * st[d]!;
        }
        if (conv) {
          // (kL - m) mod n: kL - m for m <= kL, kL - m + n above
          for (let m = 0; m <= kL; m++) acc += x[xo + m]! * y[yo + kL - m]!;
          for (let m = kL + 1; m < n; m++) acc += x[xo + m]! * y[yo + kL - m + n]!;
        } else {
          // (m + kL) mod n: m + kL below n - kL, m + kL - n from there
          for (let m = 0; m < n - kL; m++) acc += x[xo + m]! * y[yo + m + kL]!;
          for (let m = n - kL; m < n; m++) acc += x[xo + m]! * y[yo + m + kL - n]!;
        }
        let d = L - 1;
        for (; d >= 0; d--) {
          i[d]!++;
          if (i[d]! < shape[d]!) break;
          i[d] = 0;
        }
        if (d < 0) break;
      }
      o[oi] = acc;
      for (let d = L; d >= 0; d--) {
        k[d]!++;
        if (k[d]! < shape[d]!) break;
        k[d] = 0;
      }
    }
  };
}

export const circularKernels = {
  circularCorrelate: circular(false),
  circularConvolve: circular(true),
};
