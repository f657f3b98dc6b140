/**
 * Element-wise arithmetic, unary maths, comparisons, where and clamp on WebGPU (map.ts), float32
 * and (where the op allows it) int32. Expressions mirror the reference kernels' choices: NaN
 * propagation in maximum/minimum, sign(NaN) = 0, round half to even (WGSL's round), pow with
 * Math.pow's special cases (wgsl_math.ts).
 */
import type { BinaryInfo, ClampInfo, ClampTensorInfo, PowScalarInfo, RoundInfo, TernaryInfo, UnaryInfo } from '../../plans.js';
import type { DType } from '../../dtype.js';
import { addAlphaOp, addOp, divOp, mulOp, negOp, subOp } from '../../ops/elementwise.js';
import { eqOp, geOp, gtOp, leOp, ltOp, maximumOp, minimumOp, neOp, powOp, powScalarOp } from '../../ops/elementwise_binary.js';
import {
  absOp, ceilOp, cosOp, expOp, expm1Op, floorOp, log1pOp, logOp, reciprocalOp, roundOp, rsqrtOp, signOp, sinOp, sqrtOp, squareOp,
} from '../../ops/elementwise_unary.js';
import { clampOp, clampTensorOp, whereOp } from '../../ops/elementwise_where.js';
import type { GpuEntry, GpuKernel } from './kernel.js';
import { entry } from './kernel.js';
import { elemOf, runMap } from './map.js';
import { WGSL_MATH } from './wgsl_math.js';

const gpuDtype = (d: DType): boolean => d === 'float32' || d === 'int32';
const allGpu = (_i: unknown, dtypes: readonly DType[]): boolean => dtypes.every(gpuDtype);
const allF32 = (_i: unknown, dtypes: readonly DType[]): boolean => dtypes.every((d) => d === 'float32');

/** A binary op with broadcasting; `expr(T)` is its value for element type T. */
function binary(name: string, expr: (t: string) => string, floatOnly = false, extra?: (i: BinaryInfo) => number[]): GpuKernel<BinaryInfo> {
  return {
    supports: floatOnly ? allF32 : allGpu,
    run: (info, [out], [a, b]) => {
      const t = elemOf(a!.dtype);
      runMap(
        { name, ins: [t, t], out: elemOf(info.outDtypes[0]!), expr: expr(t), helpers: WGSL_MATH, ...(extra ? { extra: [['alpha', t === 'f32' ? 'f32' : 'i32']] } : {}) },
        info.outShape,
        info.same ? null : [info.aStrides, info.bStrides],
        out!,
        [a!, b!],
        extra ? extra(info) : [],
      );
    },
  };
}

/** A unary op over n elements. */
function unary<I extends UnaryInfo>(name: string, expr: (t: string) => string, floatOnly: boolean, extra?: [string, (i: I) => number]): GpuKernel<I> {
  return {
    supports: floatOnly ? allF32 : allGpu,
    run: (info, [out], [a]) => {
      const t = elemOf(a!.dtype);
      const spec = { name, ins: [t], out: t, expr: expr(t), helpers: WGSL_MATH, ...(extra ? { extra: [[extra[0], 'f32'] as const] } : {}) };
      runMap(spec, [info.n], null, out!, [a!], extra ? [extra[1](info)] : []);
    },
  };
}

const f = (e: string, i = 'a') => (t: string): string => (t === 'f32' ? e : i);
const cmp = (o: string) => (): string => `select(0i, 1i, a ${o} b)`;

/** x^c: small integer powers as products, as the reference does (exact, and fine for x < 0). */
const powScalar = unary<PowScalarInfo>('powScalar', () => 'select(select(select(pow_(a, P.c), a, P.c == 1.0), a * a * a, P.c == 3.0), a * a, P.c == 2.0)', true, ['c', (i) => i.exponent]);

/** Half to even at `decimals` places: x·10^d rounded then divided (or the reverse for d < 0), in float32. */
const round: GpuKernel<RoundInfo> = {
  supports: allGpu,
  run: (info, [out], [a]) => {
    const t = elemOf(a!.dtype);
    if (t === 'i32' || info.decimals === 0) {
      runMap({ name: 'round', ins: [t], out: t, expr: t === 'i32' ? 'a' : 'round(a)' }, [info.n], null, out!, [a!]);
      return;
    }
    const expr = info.decimals > 0 ? 'round(a * P.p) / P.p' : 'round(a / P.p) * P.p';
    runMap({ name: 'round decimals', ins: ['f32'], out: 'f32', expr, extra: [['p', 'f32']] }, [info.n], null, out!, [a!], [10 ** Math.abs(info.decimals)]);
  },
};

const where: GpuKernel<TernaryInfo> = {
  supports: allGpu,
  run: (info, [out], [c, a, b]) => {
    const t = elemOf(a!.dtype);
    // non-zero means true: a float condition compares by value (so -0.0 is false)
    const cond = c!.dtype === 'int32' ? 'a != 0i' : '(a != 0.0 || isnan_(a))';
    runMap({ name: 'where', ins: [elemOf(c!.dtype), t, t], out: t, expr: `select(c, b, ${cond})`, helpers: WGSL_MATH }, info.outShape, [info.aStrides, info.bStrides, info.cStrides], out!, [c!, a!, b!]);
  },
};

const clamp: GpuKernel<ClampInfo> = {
  supports: allF32,
  run: (info, [out], [a]) => {
    // min(max(v, lo), hi) with NaN kept: both comparisons are false for NaN
    const expr = 'select(select(a, P.lo, a < P.lo), P.hi, select(a, P.lo, a < P.lo) > P.hi)';
    runMap({ name: 'clamp', ins: ['f32'], out: 'f32', expr, extra: [['lo', 'f32'], ['hi', 'f32']] }, [info.n], null, out!, [a!], [info.min, info.max]);
  },
};

const clampTensor: GpuKernel<ClampTensorInfo> = {
  supports: allF32,
  run: (info, [out], [x, lo, hi]) => {
    const r1 = info.hasMin ? 'select(a, b, a < b)' : 'a';
    const expr = info.hasMax ? `select(${r1}, c, ${r1} > c)` : r1;
    runMap({ name: 'clampTensor', ins: ['f32', 'f32', 'f32'], out: 'f32', expr }, info.outShape, [info.aStrides, info.bStrides, info.cStrides], out!, [x!, lo!, hi!]);
  },
};

export const webgpuElementwiseKernels: GpuEntry[] = [
  entry(addOp, binary('add', () => 'a + b')),
  entry(subOp, binary('sub', () => 'a - b')),
  entry(mulOp, binary('mul', () => 'a * b')),
  entry(divOp, binary('div', () => 'a / b', true)),
  entry(addAlphaOp, binary('addAlpha', () => 'a + P.alpha * b', false, (i) => [(i as BinaryInfo & { alpha: number }).alpha])),
  entry(powOp, binary('pow', () => 'pow_(a, b)', true)),
  // a NaN on either side wins, as in the reference
  entry(maximumOp, binary('maximum', (t) => (t === 'f32' ? 'select(b, a, a > b || isnan_(a))' : 'max(a, b)'))),
  entry(minimumOp, binary('minimum', (t) => (t === 'f32' ? 'select(b, a, a < b || isnan_(a))' : 'min(a, b)'))),
  entry(eqOp, binary('eq', cmp('=='))),
  // NaN is unequal to everything (WGSL's != may assume no NaN)
  entry(neOp, binary('ne', (t) => (t === 'f32' ? 'select(0i, 1i, a != b || isnan_(a) || isnan_(b))' : 'select(0i, 1i, a != b)'))),
  entry(ltOp, binary('lt', cmp('<'))),
  entry(leOp, binary('le', cmp('<='))),
  entry(gtOp, binary('gt', cmp('>'))),
  entry(geOp, binary('ge', cmp('>='))),
  entry(negOp, unary('neg', () => '-a', false)),
  entry(expOp, unary('exp', () => 'exp_(a)', true)),
  entry(logOp, unary('log', () => 'log_(a)', true)),
  entry(sqrtOp, unary('sqrt', () => 'sqrt(a)', true)),
  entry(rsqrtOp, unary('rsqrt', () => '1.0 / sqrt(a)', true)),
  entry(absOp, unary('abs', () => 'abs(a)', false)),
  entry(signOp, unary('sign', f('select(0.0, 1.0, a > 0.0) - select(0.0, 1.0, a < 0.0)', 'sign(a)'), false)),
  entry(squareOp, unary('square', () => 'a * a', false)),
  entry(reciprocalOp, unary('reciprocal', () => '1.0 / a', true)),
  entry(sinOp, unary('sin', () => 'sin_(a)', true)),
  entry(cosOp, unary('cos', () => 'cos_(a)', true)),
  entry(log1pOp, unary('log1p', () => 'log1p_(a)', true)),
  entry(expm1Op, unary('expm1', () => 'expm1_(a)', true)),
  entry(floorOp, unary('floor', f('floor(a)'), false)),
  entry(ceilOp, unary('ceil', f('ceil(a)'), false)),
  entry(powScalarOp, powScalar),
  entry(roundOp, round),
  entry(whereOp, where),
  entry(clampOp, clamp),
  entry(clampTensorOp, clampTensor),
];
