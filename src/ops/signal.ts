/**
 * The signal-processing view of convolution: the functions teachers use to check derivations.
 *
 * - `convolve(a, v, mode = 'full')` / `correlate(a, v, mode = 'valid')`: numpy.convolve /
 *   numpy.correlate, 1-d only (convolve, like numpy, also takes 0-d as length 1; correlate does not).
 * - `convolveNd(in1, in2, mode = 'full')` / `correlateNd(in1, in2, mode = 'full')`:
 *   scipy.signal.convolve / scipy.signal.correlate for inputs of any equal rank (1-d included).
 *   The names are separate because the two libraries disagree in 1-d ('same' has numpy's
 *   max(M, N) length but scipy's in1 length) and in the default mode of correlate.
 * - `circularCorrelate`, `circularConvolve` (signal_circular.ts) and `convMatrix`
 *   (signal_convmatrix.ts), re-exported here.
 *
 * Every linear mode reduces to ONE primitive op, `signalCorrelate`:
 *
 *   z[k] = Σ_j x[k + s + j] · w̃[j],     w̃ = w, or w flipped in every dimension (`flip`),
 *
 * over the multi-indices k of the output and j of w, with x read as zero outside its shape
 * (w is summed over its whole extent). The offset s and the output shape encode the mode.
 * A convolution is the flipped case: Σ_j x[k+s+j]·w[W-1-j] = Σ_m x[(k+s+W-1) - m]·w[m].
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectFloat, expectSameDtype } from '../op.js';
import { checkPair } from './signal_util.js';
import { reshape } from './movement.js';
import { signalKernels } from '../backends/reference/signal.js';
import type { SignalCorrelateInfo } from '../plans.js';
export type { SignalCorrelateInfo } from '../plans.js';

export type SignalMode = 'full' | 'valid' | 'same';

export interface SignalCorrelateAttrs {
  /** The public function, for messages. */
  readonly op: string;
  /** Offset s per dimension (any integer). */
  readonly offset: readonly number[];
  readonly outShape: readonly number[];
  readonly flip: boolean;
}

/** Valid (k, j) pairs along one dimension: 0 <= k < out, 0 <= j < W, 0 <= k + s + j < X. */
function pairsAlong(out: number, s: number, W: number, X: number): number {
  let n = 0;
  for (let k = 0; k < out; k++) {
    const base = k + s;
    const lo = Math.max(0, -base);
    const hi = Math.min(W, X - base);
    if (hi > lo) n += hi - lo;
  }
  return n;
}

export const signalCorrelateOp = defineOp<SignalCorrelateAttrs, SignalCorrelateInfo>({
  name: 'signalCorrelate',
  reference: signalKernels.signalCorrelate,
  info: ([x, w], a) => {
    const op = a.op;
    const dtype = expectSameDtype(op, [['x', x!], ['w', w!]]);
    expectFloat(op, 'x', x!);
    const r = x!.shape.length;
    if (w!.shape.length !== r) {
      throw new ShapeError({
        op,
        arg: 'w',
        expected: `a ${r}-d tensor like x`,
        got: `shape ${fmtShape(w!.shape)}`,
        message: `${op}: both inputs must have the same number of dimensions, got ${fmtShape(x!.shape)} and ${fmtShape(w!.shape)}`,
      });
    }
    const intsOk = (v: readonly number[], min: number): boolean =>
      Array.isArray(v) && v.length === r && v.every((d) => Number.isInteger(d) && d >= min);
    if (!intsOk(a.offset, -Infinity)) {
      throw new ValueError({ op, arg: 'offset', expected: `${r} integers`, got: fmtValue(a.offset) });
    }
    if (!intsOk(a.outShape, 1)) {
      throw new ValueError({ op, arg: 'outShape', expected: `${r} positive integers`, got: fmtValue(a.outShape) });
    }
    let pairs = 1;
    for (let d = 0; d < r; d++) pairs *= pairsAlong(a.outShape[d]!, a.offset[d]!, w!.shape[d]!, x!.shape[d]!);
    const outShape = a.outShape.slice();
    return {
      outShapes: [outShape],
      outDtypes: [dtype],
      xShape: x!.shape,
      wShape: w!.shape,
      outShape,
      offset: a.offset.slice(),
      flip: a.flip,
      op,
      pairs,
    };
  },
  macs: (i) => i.pairs,
  // With z[k] = Σ_j x[k+s+j]·w̃[j] and upstream gradient g (zero outside the output):
  //  ∂/∂x[i] = Σ_k g[k]·w̃[i-s-k] = Σ_m g[i - s - (W-1) + m]·w̃[W-1-m]: the same primitive with g as the
  //    signal, offset -s-(W-1), output shape X, and w flipped once more (flip -> !flip).
  //  ∂/∂w̃[j] = Σ_k x[j + s + k]·g[k]: the primitive with x as the signal and g as the kernel, shape W.
  //    With flip, w[m] = w̃[W-1-m], so ∂/∂w[m] = Σ_k g[k]·x[k + s + W-1 - m] = Σ_n g[m + n - (s+W-1)]·x[n]:
  //    the primitive with g as the signal, x as the kernel and offset -(s+W-1) (no flip needed).
  // E.g. numpy's 'valid' correlate (s = 0, no flip): the x-gradient has offset -(W-1) and a flip,
  //   Σ_m g[i-m]·w[m] = convolve(g, w, 'full'); the w-gradient is correlate(x, g, 'valid').
  // Each gradient is again a signalCorrelate, so gradients of gradients follow from this same rule.
  vjp: ({ inputs: [x, w], info, needs }, [g]) => {
    const W = info.wShape;
    const s = info.offset;
    const back = s.map((sd, d) => -sd - (W[d]! - 1));
    return [
      needs[0] ? signalCorrelate(info.op, g!, w!, back, info.xShape, !info.flip) : null,
      needs[1] ? (info.flip ? signalCorrelate(info.op, g!, x!, back, W, false) : signalCorrelate(info.op, x!, g!, s, W, false)) : null,
    ];
  },
});

/** The primitive (see the file comment); `op` names the public function in messages. */
function signalCorrelate(op: string, x: Tensor, w: Tensor, offset: readonly number[], outShape: readonly number[], flip: boolean): Tensor {
  return apply1(signalCorrelateOp, [x, w], { op, offset, outShape, flip });
}

// ---- argument checks shared by the public functions -------------------------------------------

function readMode(op: string, mode: unknown): SignalMode {
  if (mode === 'full' || mode === 'valid' || mode === 'same') return mode;
  throw new ValueError({ op, arg: 'mode', expected: '"full", "valid" or "same"', got: fmtValue(mode) });
}

function expectNonEmpty(op: string, arg: string, t: Tensor): void {
  if (t.numel === 0) {
    throw new ValueError({
      op,
      arg,
      expected: 'a non-empty tensor',
      got: `shape ${fmtShape(t.shape)}`,
      message: `${op}: ${arg} cannot be empty, got shape ${fmtShape(t.shape)}`,
    });
  }
}

/**
 * numpy's inputs must be 1-d. np.convolve wraps them with `ndmin=1`, so a 0-d tensor counts as
 * length 1 there; np.correlate does not (it rejects 0-d), and neither do we.
 */
function as1d(op: string, arg: string, t: Tensor): Tensor {
  const allow0d = op === 'convolve';
  if (allow0d && t.shape.length === 0) return reshape(t, [1]);
  if (t.shape.length !== 1) {
    const other = op === 'convolve' ? 'convolveNd' : 'correlateNd';
    const exp = allow0d ? 'a 1-d (or 0-d) tensor' : 'a 1-d tensor';
    throw new ShapeError({
      op,
      arg,
      expected: `${exp} (numpy semantics)`,
      got: `shape ${fmtShape(t.shape)}`,
      message: `${op}: expected ${arg} to be ${exp} (numpy semantics; use ${other} for N-d), got shape ${fmtShape(t.shape)}`,
    });
  }
  return t;
}

// ---- numpy (1-d) ---------------------------------------------------------------------------

/**
 * numpy's correlation kernel (`_pyarray_correlate`) for n1 >= n2: out[k] = Σ_j a[k - left + j]·v[j]
 * with left = n2-1 ('full'), floor(n2/2) ('same'), 0 ('valid'), of length n1+n2-1, n1, n1-n2+1.
 */
function numpyPlan(mode: SignalMode, n1: number, n2: number): { offset: number; length: number } {
  if (mode === 'full') return { offset: -(n2 - 1), length: n1 + n2 - 1 };
  if (mode === 'same') return { offset: -Math.floor(n2 / 2), length: n1 };
  return { offset: 0, length: n1 - n2 + 1 };
}

/**
 * numpy.correlate(a, v, mode): c[k] = Σ_n a[n + k - left]·v[n] (real inputs). When v is longer
 * than a, numpy correlates v with a and reverses the result. Reversing z'[k] = z[L-1-k] of
 * z[k] = Σ_j v[k+s+j]·a[j] gives z'[k] = Σ_n a[k + n - (L-1+s)]·v[n]: the same primitive with the
 * original argument order and offset -(L-1+s), so no reversal op is needed.
 * Default mode 'valid', as in numpy. Both inputs must be non-empty and 1-d (numpy rejects 0-d here).
 */
export function correlate(a: Tensor, v: Tensor, mode: SignalMode = 'valid'): Tensor {
  const op = 'correlate';
  let [ta, tv] = checkPair(op, ['a', 'v'], a, v);
  const m = readMode(op, mode);
  ta = as1d(op, 'a', ta);
  tv = as1d(op, 'v', tv);
  expectNonEmpty(op, 'a', ta);
  expectNonEmpty(op, 'v', tv);
  const na = ta.shape[0]!;
  const nv = tv.shape[0]!;
  if (na >= nv) {
    const p = numpyPlan(m, na, nv);
    return signalCorrelate(op, ta, tv, [p.offset], [p.length], false);
  }
  const p = numpyPlan(m, nv, na);
  return signalCorrelate(op, ta, tv, [-(p.length - 1 + p.offset)], [p.length], false);
}

/**
 * numpy.convolve(a, v, mode): (a * v)[k] = Σ_m a[m]·v[k - m] for 'full'; numpy swaps the inputs
 * when v is longer than a and then computes correlate(a, v[::-1], mode), so 'same' has length
 * max(len(a), len(v)) and starts floor((n-1)/2) samples into the full result (n = min length):
 * convolve([1,2,3], [1,2], 'same') = [1, 4, 7], the first three of the full [1, 4, 7, 6].
 * Default mode 'full', as in numpy. Both inputs must be non-empty; 0-d counts as length 1.
 */
export function convolve(a: Tensor, v: Tensor, mode: SignalMode = 'full'): Tensor {
  const op = 'convolve';
  let [ta, tv] = checkPair(op, ['a', 'v'], a, v);
  const m = readMode(op, mode);
  ta = as1d(op, 'a', ta);
  tv = as1d(op, 'v', tv);
  expectNonEmpty(op, 'a', ta);
  expectNonEmpty(op, 'v', tv);
  if (tv.shape[0]! > ta.shape[0]!) [ta, tv] = [tv, ta];
  const p = numpyPlan(m, ta.shape[0]!, tv.shape[0]!);
  return signalCorrelate(op, ta, tv, [p.offset], [p.length], true);
}

// ---- scipy.signal (N-d) --------------------------------------------------------------------

/**
 * scipy.signal's shape rule, in terms of the full result F (shape n1+n2-1, aligned so that
 * F[k] = Σ_j in1[k - (n2-1) + j]·in2[j] for correlation): 'same' is the centred slice of shape n1
 * (start (n2-1)//2, scipy's `_centered`), 'valid' the centred slice of shape |n1-n2|+1
 * (start min(n1,n2)-1), allowed only when one input is at least as large as the other in every
 * dimension. Returns the primitive's offset -(n2-1) + start and the output shape.
 */
function scipyPlan(op: string, mode: SignalMode, s1: Shape, s2: Shape): { offset: number[]; outShape: number[] } {
  if (mode === 'valid') {
    const ge = s1.every((d, i) => d >= s2[i]!);
    const le = s1.every((d, i) => d <= s2[i]!);
    if (!ge && !le) {
      throw new ShapeError({
        op,
        arg: 'in2',
        expected: 'for mode "valid", one input at least as large as the other in every dimension',
        got: `in1 of shape ${fmtShape(s1)} and in2 of shape ${fmtShape(s2)}`,
        message: `${op}: for mode "valid" one input must be at least as large as the other in every dimension, got in1 of shape ${fmtShape(s1)} and in2 of shape ${fmtShape(s2)}`,
      });
    }
  }
  const offset: number[] = [];
  const outShape: number[] = [];
  s1.forEach((n1, d) => {
    const n2 = s2[d]!;
    const start = mode === 'full' ? 0 : mode === 'same' ? Math.floor((n2 - 1) / 2) : Math.min(n1, n2) - 1;
    offset.push(-(n2 - 1) + start);
    outShape.push(mode === 'full' ? n1 + n2 - 1 : mode === 'same' ? n1 : Math.abs(n1 - n2) + 1);
  });
  return { offset, outShape };
}

function ndInputs(op: string, in1: unknown, in2: unknown, mode: unknown): [Tensor, Tensor, SignalMode] {
  const [a, b] = checkPair(op, ['in1', 'in2'], in1, in2);
  const m = readMode(op, mode);
  if (a.shape.length !== b.shape.length) {
    throw new ShapeError({
      op,
      arg: 'in2',
      expected: `a ${a.shape.length}-d tensor like in1`,
      got: `shape ${fmtShape(b.shape)}`,
      message: `${op}: in1 and in2 must have the same number of dimensions, got in1 of shape ${fmtShape(a.shape)} and in2 of shape ${fmtShape(b.shape)}`,
    });
  }
  expectNonEmpty(op, 'in1', a);
  expectNonEmpty(op, 'in2', b);
  return [a, b, m];
}

/**
 * scipy.signal.correlate(in1, in2, mode): the full result is
 * F[k] = Σ_j in1[k - (n2-1) + j]·in2[j] per dimension; 'same' is the centred part with in1's
 * shape, 'valid' the part of shape |n1-n2|+1 (one input must be at least as large as the other in
 * every dimension; when in2 is the larger, scipy's swap-and-reverse gives exactly this centred
 * slice). Inputs of any equal rank, including 0-d (the product). Default mode 'full', as in scipy.
 * Zero-size inputs are rejected (scipy returns an empty array).
 */
export function correlateNd(in1: Tensor, in2: Tensor, mode: SignalMode = 'full'): Tensor {
  const op = 'correlateNd';
  const [a, b, m] = ndInputs(op, in1, in2, mode);
  const p = scipyPlan(op, m, a.shape, b.shape);
  return signalCorrelate(op, a, b, p.offset, p.outShape, false);
}

/**
 * scipy.signal.convolve(in1, in2, mode): full result C[k] = Σ_j in1[k - j]·in2[j], shape n1+n2-1;
 * 'same' and 'valid' are the same centred slices as in `correlateNd`. Default mode 'full'.
 */
export function convolveNd(in1: Tensor, in2: Tensor, mode: SignalMode = 'full'): Tensor {
  const op = 'convolveNd';
  const [a, b, m] = ndInputs(op, in1, in2, mode);
  const p = scipyPlan(op, m, a.shape, b.shape);
  return signalCorrelate(op, a, b, p.offset, p.outShape, true);
}

export * from './signal_circular.js';
export * from './signal_convmatrix.js';
