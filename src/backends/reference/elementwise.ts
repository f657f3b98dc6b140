/**
 * Reference kernels for element-wise arithmetic and unary maths. Each kernel writes its own inner
 * loop (no per-element closure); broadcasting is walked run by run (elementwise_walk.ts).
 * Values are computed in JS doubles and rounded once when stored into a float32 output.
 */
import type { BinaryInfo, RoundInfo, UnaryInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import { binary } from './elementwise_walk.js';
import { compareKernels } from './elementwise_cmp.js';

const add = binary((o, a, b, oi, ia, ib, n, da, db) => {
  for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! + b[ib]!;
});
const sub = binary((o, a, b, oi, ia, ib, n, da, db) => {
  for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! - b[ib]!;
});
const mul = binary((o, a, b, oi, ia, ib, n, da, db) => {
  for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! * b[ib]!;
});
const div = binary((o, a, b, oi, ia, ib, n, da, db) => {
  for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! / b[ib]!;
});

const addAlpha: Kernel<BinaryInfo & { alpha: number }> = (info, outs, ins) => {
  const alpha = info.alpha;
  binary((o, a, b, oi, ia, ib, n, da, db) => {
    for (let k = 0; k < n; k++, ia += da, ib += db) o[oi + k] = a[ia]! + alpha * b[ib]!;
  })(info, outs, ins);
};

/** x rounded to the nearest integer, ties to even (C's nearbyint, which PyTorch uses). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends ties up; a tie that landed on an odd integer goes back down
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function unary(run: (o: Data, x: Data, n: number) => void): Kernel<UnaryInfo> {
  return (_info, [out], [a]) => run(out!, a!, out!.length);
}

const round: Kernel<RoundInfo> = (info, [out], [a]) => {
  const o = out!;
  const x = a!;
  const d = info.decimals;
  if (d === 0) {
    for (let i = 0; i < o.length; i++) o[i] = roundHalfEven(x[i]!);
    return;
  }
  // PyTorch scales by 10^|d| in the tensor's precision: x·10^d then /10^d (d > 0), or
  // x/10^-d then ·10^-d (d < 0); float32 intermediates are rounded to float32 the same way.
  const f32 = o instanceof Float32Array;
  const q = (v: number): number => (f32 ? Math.fround(v) : v);
  const p = q(Math.pow(10, Math.abs(d)));
  if (d > 0) for (let i = 0; i < o.length; i++) o[i] = roundHalfEven(q(x[i]! * p)) / p;
  else for (let i = 0; i < o.length; i++) o[i] = roundHalfEven(q(x[i]! / p)) * p;
};

export const elementwiseKernels = {
  add,
  sub,
  mul,
  div,
  addAlpha,
  neg: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = -x[i]!;
  }),
  exp: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!);
  }),
  log: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!);
  }),
  sqrt: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!);
  }),
  rsqrt: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]!);
  }),
  abs: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!);
  }),
  sign: unary((o, x, n) => {
    // NaN → 0 like PyTorch; (v > 0) - (v < 0) also maps -0 to 0
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = (v > 0 ? 1 : 0) - (v < 0 ? 1 : 0);
    }
  }),
  square: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = x[i]! * x[i]!;
  }),
  reciprocal: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = 1 / x[i]!;
  }),
  sin: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sin(x[i]!);
  }),
  cos: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.cos(x[i]!);
  }),
  log1p: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.log1p(x[i]!);
  }),
  expm1: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]!);
  }),
  floor: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.floor(x[i]!);
  }),
  ceil: unary((o, x, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.ceil(x[i]!);
  }),
  round,
  ...compareKernels,
};
