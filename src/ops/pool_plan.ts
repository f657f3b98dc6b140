/**
 * Pooling plans: every pool (max, average, adaptive, 1-d to 3-d) is described by per-dimension
 * window tables. For spatial dimension d and output index o, the window visits input positions
 * lo[d][o], lo[d][o] + step[d], ... below hi[d][o] (already clipped to the unpadded input), and
 * an average divides by the product over d of div[d][o] (or by a fixed override). Spatial
 * dimensions are left-padded to three with size-1 dimensions, so one kernel serves 1-d, 2-d and
 * 3-d and a window's flat index in its (n, c) plane is i0*H*W + i1*W + i2.
 */
import type { DType } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { convOutFormula, convOutSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { expectFloat, expectRank } from '../op.js';
import type { PoolPlan, AvgPoolPlan } from '../plans.js';
export type { PoolPlan, AvgPoolPlan } from '../plans.js';

export type Dims3 = readonly [number, number, number];
export type Tables3 = readonly [Int32Array, Int32Array, Int32Array];

/** Attributes of max/avg pools with a fixed kernel (normalised options, one entry per spatial dim). */
export interface WindowAttrs {
  readonly op: string;
  readonly nd: number;
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly ceilMode: boolean;
}

export interface AvgAttrs extends WindowAttrs {
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
}

/** Attributes of adaptive pools: null keeps that input size (PyTorch's None). */
export interface AdaptiveAttrs {
  readonly op: string;
  readonly nd: number;
  readonly outputSize: readonly (number | null)[];
}

export type AvgSource = { readonly kind: 'avg'; readonly attrs: AvgAttrs } | { readonly kind: 'adaptive'; readonly attrs: AdaptiveAttrs };

const SPATIAL = [['L'], ['H', 'W'], ['D', 'H', 'W']] as const;

interface Layout {
  readonly lead: number[];
  readonly planes: number;
  readonly spatial: number[];
}

/** Checks dtype, rank and non-empty non-batch dimensions of a pooling input (batch may be 0, as in torch). */
export function poolLayout(op: string, x: Tensor, nd: number): Layout {
  expectFloat(op, 'input', x);
  const sp = SPATIAL[nd - 1]!.join(', ');
  expectRank(op, 'input', x, [nd + 1, nd + 2], `(C, ${sp}) or (N, C, ${sp})`);
  const batched = x.shape.length === nd + 2;
  const lead = x.shape.slice(0, batched ? 2 : 1);
  const spatial = x.shape.slice(lead.length);
  const nonBatch = x.shape.slice(batched ? 1 : 0);
  if (nonBatch.some((d) => d === 0)) {
    throw new ShapeError({
      op,
      arg: 'input',
      expected: 'non-zero channel and spatial sizes (only the batch may be empty)',
      got: `shape ${fmtShape(x.shape)}`,
      message: `${op}: expected input with non-zero channel and spatial sizes (only the batch may be empty), got shape ${fmtShape(x.shape)}`,
    });
  }
  return { lead, planes: lead.reduce((p, d) => p * d, 1), spatial };
}

function pad3(v: readonly number[], fill: number): [number, number, number] {
  const out: [number, number, number] = [fill, fill, fill];
  for (let i = 0; i < v.length; i++) out[3 - v.length + i] = v[i]!;
  return out;
}

function unitTable(): Int32Array {
  return Int32Array.of(0);
}

/** PyTorch requires padding <= floor(kernel/2) for max and average pools. */
function checkPadding(a: WindowAttrs): void {
  a.padding.forEach((p, d) => {
    const k = a.kernel[d]!;
    if (p > Math.floor(k / 2)) {
      throw new ValueError({
        op: a.op,
        arg: 'options.padding',
        expected: `at most half of kernelSize in every dimension (floor(${k}/2) = ${Math.floor(k / 2)} in dimension ${d})`,
        got: fmtShape(a.padding),
        message: `${a.op}: padding ${fmtShape(a.padding)} must be at most half of kernelSize ${fmtShape(a.kernel)}: padding ${p} > floor(${k}/2) = ${Math.floor(k / 2)} in spatial dimension ${d}`,
      });
    }
  });
}

/**
 * PyTorch's avg_pool3d (pool3d_shape_check with check_input_size) refuses an input smaller than
 * the kernel in any dimension, padding or not, where the 1-d and 2-d pools (and max_pool3d) accept
 * it in ceil mode; convkit follows it so that a model behaves the same in both.
 */
function checkInputCoversKernel(a: WindowAttrs, x: Tensor, spatial: readonly number[]): void {
  const d = spatial.findIndex((n, i) => n < a.kernel[i]!);
  if (d < 0) return;
  throw new ShapeError({
    op: a.op,
    arg: 'input',
    expected: `spatial sizes at least the kernel size ${fmtShape(a.kernel)} (PyTorch's avg_pool3d rule, padding not counted)`,
    got: `shape ${fmtShape(x.shape)}`,
    message: `${a.op}: input ${fmtShape(x.shape)} is smaller than the kernel ${fmtShape(a.kernel)} in spatial dimension ${d} (${spatial[d]} < ${a.kernel[d]}); PyTorch's avg_pool3d requires every spatial size to be at least the kernel size, padding not counted`,
  });
}

/** Output sizes by the shared formula; a size below 1 is a ShapeError showing the formula. */
function windowOutSizes(a: WindowAttrs, x: Tensor, spatial: readonly number[]): number[] {
  return spatial.map((n, d) => {
    const args = [n, a.kernel[d]!, a.stride[d]!, a.padding[d]!, a.padding[d]!, a.dilation[d]!, a.ceilMode] as const;
    const out = convOutSize(...args);
    if (out < 1) {
      throw new ShapeError({
        op: a.op,
        arg: 'input',
        expected: `an input large enough for an output size of at least 1 in spatial dimension ${d}`,
        got: `input size ${n}, giving output size ${out}`,
        message: `${a.op}: output size is too small in spatial dimension ${d} of input ${fmtShape(x.shape)}: ${convOutFormula(...args)}; it must be at least 1`,
      });
    }
    return out;
  });
}

function outputs(x: Tensor, lead: readonly number[], outSp: readonly number[], max: boolean): Pick<PoolPlan, 'outShapes' | 'outDtypes' | 'outShape'> {
  const outShape = [...lead, ...outSp];
  return {
    outShape,
    outShapes: max ? [outShape, outShape] : [outShape],
    outDtypes: max ? [x.dtype, 'int32'] : [x.dtype],
  };
}

/**
 * Max pool windows: the window of output o starts at s = o*stride - padding and taps s + j*dilation;
 * taps in the implicit -inf padding are skipped, so lo is the first tap at or after 0.
 */
export function maxPoolPlan(x: Tensor, a: WindowAttrs): PoolPlan {
  const { lead, planes, spatial } = poolLayout(a.op, x, a.nd);
  checkPadding(a);
  const outSp = windowOutSizes(a, x, spatial);
  const lo: Int32Array[] = [];
  const hi: Int32Array[] = [];
  outSp.forEach((m, d) => {
    const [n, k, st, p, dil] = [spatial[d]!, a.kernel[d]!, a.stride[d]!, a.padding[d]!, a.dilation[d]!];
    const l = new Int32Array(m);
    const h = new Int32Array(m);
    for (let o = 0; o < m; o++) {
      const s = o * st - p;
      l[o] = s < 0 ? s + Math.ceil(-s / dil) * dil : s;
      h[o] = Math.min(s + (k - 1) * dil + 1, n);
    }
    lo.push(l);
    hi.push(h);
  });
  return finishPlan(a.op, x, lead, planes, spatial, outSp, lo, hi, a.dilation, true);
}

/**
 * Average pool windows (PyTorch's rule): the window [s, s + k) is first clipped to the padded
 * extent [-p, n + p) -- with ceilMode a last window may run past it -- and that clipped length is
 * the countIncludePad divisor factor; clipped again to [0, n) it gives the summed elements and the
 * factor without padding.
 */
export function avgPoolPlan(x: Tensor, a: AvgAttrs): AvgPoolPlan {
  const { lead, planes, spatial } = poolLayout(a.op, x, a.nd);
  checkPadding(a);
  if (a.nd === 3) checkInputCoversKernel(a, x, spatial);
  const outSp = windowOutSizes(a, x, spatial);
  const lo: Int32Array[] = [];
  const hi: Int32Array[] = [];
  const div: Float64Array[] = [];
  outSp.forEach((m, d) => {
    const [n, k, st, p] = [spatial[d]!, a.kernel[d]!, a.stride[d]!, a.padding[d]!];
    const l = new Int32Array(m);
    const h = new Int32Array(m);
    const f = new Float64Array(m);
    for (let o = 0; o < m; o++) {
      const s = o * st - p;
      const e = Math.min(s + k, n + p);
      l[o] = Math.max(s, 0);
      h[o] = Math.min(e, n);
      f[o] = a.countIncludePad ? e - s : h[o]! - l[o]!;
    }
    lo.push(l);
    hi.push(h);
    div.push(f);
  });
  const base = finishPlan(a.op, x, lead, planes, spatial, outSp, lo, hi, a.dilation, false);
  return { ...base, div: padTables(div, () => Float64Array.of(1)), divisorOverride: a.divisorOverride, source: { kind: 'avg', attrs: a } };
}

/** Adaptive windows: output o of m over n inputs covers [floor(o*n/m), ceil((o+1)*n/m)). */
function adaptiveTables(a: AdaptiveAttrs, x: Tensor): { lead: number[]; planes: number; spatial: number[]; outSp: number[]; lo: Int32Array[]; hi: Int32Array[] } {
  const { lead, planes, spatial } = poolLayout(a.op, x, a.nd);
  const outSp = a.outputSize.map((m, d) => m ?? spatial[d]!);
  const lo: Int32Array[] = [];
  const hi: Int32Array[] = [];
  outSp.forEach((m, d) => {
    const n = spatial[d]!;
    const l = new Int32Array(m);
    const h = new Int32Array(m);
    for (let o = 0; o < m; o++) {
      l[o] = Math.floor((o * n) / m);
      h[o] = Math.floor(((o + 1) * n + m - 1) / m);
    }
    lo.push(l);
    hi.push(h);
  });
  return { lead, planes, spatial, outSp, lo, hi };
}

export function adaptiveMaxPoolPlan(x: Tensor, a: AdaptiveAttrs): PoolPlan {
  const t = adaptiveTables(a, x);
  return finishPlan(a.op, x, t.lead, t.planes, t.spatial, t.outSp, t.lo, t.hi, t.spatial.map(() => 1), true);
}

export function adaptiveAvgPoolPlan(x: Tensor, a: AdaptiveAttrs): AvgPoolPlan {
  const t = adaptiveTables(a, x);
  const base = finishPlan(a.op, x, t.lead, t.planes, t.spatial, t.outSp, t.lo, t.hi, t.spatial.map(() => 1), false);
  const div = t.lo.map((l, d) => Float64Array.from(l, (v, o) => t.hi[d]![o]! - v));
  return { ...base, div: padTables(div, () => Float64Array.of(1)), divisorOverride: null, source: { kind: 'adaptive', attrs: a } };
}

function padTables<T>(v: readonly T[], unit: () => T): readonly [T, T, T] {
  const out: T[] = [];
  for (let i = 0; i < 3 - v.length; i++) out.push(unit());
  out.push(...v);
  return [out[0]!, out[1]!, out[2]!];
}

function finishPlan(
  op: string,
  x: Tensor,
  lead: readonly number[],
  planes: number,
  spatial: readonly number[],
  outSp: readonly number[],
  lo: readonly Int32Array[],
  hi: readonly Int32Array[],
  step: readonly number[],
  max: boolean,
): PoolPlan {
  return {
    op,
    dtype: x.dtype,
    inShape: x.shape,
    planes,
    inDims: pad3(spatial, 1),
    outDims: pad3(outSp, 1),
    lo: padTables(lo, unitTable),
    // a size-1 padded dimension visits position 0 only: [0, 1)
    hi: padTables(hi, () => Int32Array.of(1)),
    step: pad3(step, 1),
    ...outputs(x, lead, outSp, max),
  };
}

/**
 * Checks a gradient (or gathered tensor) fed to a pooling backward op: float, the plan's dtype,
 * and the expected shape.
 */
export function expectPoolTensor(plan: PoolPlan, op: string, arg: string, t: Tensor, shape: Shape): void {
  expectFloat(op, arg, t);
  if (t.dtype !== plan.dtype) {
    throw new DTypeError({
      op,
      arg,
      expected: `${plan.dtype} like the pooled input`,
      got: t.dtype,
      message: `${op}: mixed dtypes: the pooled input is ${plan.dtype} but ${arg} is ${t.dtype}; convert one with .to()`,
    });
  }
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError({ op, arg, expected: `shape ${fmtShape(shape)}`, got: fmtShape(t.shape) });
  }
}

/** Checks the int32 indices fed to a max-pool backward or gather op. */
export function expectPoolIndices(op: string, t: Tensor, shape: Shape): void {
  if (t.dtype !== 'int32') {
    throw new DTypeError({ op, arg: 'indices', expected: 'an int32 tensor', got: `a ${t.dtype} tensor` });
  }
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError({ op, arg: 'indices', expected: `shape ${fmtShape(shape)}`, got: fmtShape(t.shape) });
  }
}

/**
 * Window elements visited by a pooling op (comparisons for max, additions for averages): the
 * model summary shows this next to MACs, which are 0 for pools. Padding taps are not counted.
 */
export function poolOps(info: PoolPlan): number {
  let total = info.planes;
  for (let d = 0; d < 3; d++) {
    const lo = info.lo[d]!;
    const hi = info.hi[d]!;
    const st = info.step[d]!;
    let s = 0;
    for (let o = 0; o < lo.length; o++) s += Math.max(0, Math.ceil((hi[o]! - lo[o]!) / st));
    total *= s;
  }
  return total;
}
