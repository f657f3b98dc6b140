/** Reference kernels for pow, maximum/minimum, comparisons, where and clamp. */
import type { ClampInfo, ClampTensorInfo, PowScalarInfo, TernaryInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { binary, rows3 } from './elementwise_walk.js';

const powScalar: Kernel<PowScalarInfo> = (info, [out], [a]) => {
  const o = out!;
  const x = a!;
  const c = info.exponent;
  const n = o.length;
  if (c === 2) for (let i = 0; i < n; i++) o[i] = x[i]! * x[i]!;
  else if (c === 3) for (let i = 0; i < n; i++) o[i] = x[i]! * x[i]! * x[i]!;
  else if (c === 1) for (let i = 0; i < n; i++) o[i] = x[i]!;
  else for (let i = 0; i < n; i++) o[i] = Math.pow(x[i]!, c);
};

export const compareKernels = {
  pow: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = Math.pow(a[ia]!, b[ib]!);
  }),
  powScalar,
  // NaN on either side propagates: `v > w || v !== v` keeps a NaN v, otherwise w (possibly NaN)
  maximum: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) {
      const v = a[ia]!;
      const w = b[ib]!;
      o[oi + k] = v > w || v !== v ? v : w;
    }
  }),
  minimum: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) {
      const v = a[ia]!;
      const w = b[ib]!;
      o[oi + k] = v < w || v !== v ? v : w;
    }
  }),
  eq: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! === b[ib]! ? 1 : 0;
  }),
  ne: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! !== b[ib]! ? 1 : 0;
  }),
  lt: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! < b[ib]! ? 1 : 0;
  }),
  le: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! <= b[ib]! ? 1 : 0;
  }),
  gt: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! > b[ib]! ? 1 : 0;
  }),
  ge: binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! >= b[ib]! ? 1 : 0;
  }),
  where: ((info, [out], [c, a, b]) => {
    const o = out!;
    const cond = c!;
    const x = a!;
    const y = b!;
    rows3(info.outShape, info.aStrides, info.bStrides, info.cStrides, (oi, ic, ia, ib, n, dc, da, db) => {
      for (let k = 0; k < n; k++, ic += dc, ia += da, ib += db) o[oi + k] = cond[ic]! !== 0 ? x[ia]! : y[ib]!;
    });
  }) as Kernel<TernaryInfo>,
  // min(max(v, lo), hi): a NaN v stays NaN (both tests are false); hi wins when lo > hi
  clamp: ((info, [out], [a]) => {
    const o = out!;
    const x = a!;
    const lo = info.min;
    const hi = info.max;
    for (let i = 0; i < o.length; i++) {
      const v = x[i]!;
      const r = v < lo ? lo : v;
      o[i] = r > hi ? hi : r;
    }
  }) as Kernel<ClampInfo>,
  clampTensor: ((info, [out], [a, l, h]) => {
    const o = out!;
    const x = a!;
    const lo = l!;
    const hi = h!;
    const useLo = info.hasMin;
    const useHi = info.hasMax;
    rows3(info.outShape, info.aStrides, info.bStrides, info.cStrides, (oi, ia, il, ih, n, da, dl, dh) => {
      for (let k = 0; k < n; k++, ia += da, il += dl, ih += dh) {
        let r = x[ia]!;
        if (useLo && r < lo[il]!) r = lo[il]!;
        if (useHi && r > hi[ih]!) r = hi[ih]!;
        o[oi + k] = r;
      }
    });
  }) as Kernel<ClampTensorInfo>,
};
