/**
 * wasm kernels of the element-wise ops (src/ops/elementwise*.ts, `to`/`clone`/`expand`, and the
 * in-place `copy_`/`fill_`; `add_`/`sub_`/`mul_`/`div_` run the addAlpha/mul/div kernels through
 * `kernelOf`, which tolerate an output that is their first input). float32, and int32 where the op
 * is integer arithmetic, comparison or selection; float64 runs the reference kernels.
 *
 * int32 `mul`, `square` and `add` with an alpha wrap modulo 2^32 as PyTorch's int32 arithmetic
 * does; the reference computes those products in float64, which differs only where a product
 * exceeds 2^53.
 */
import type { BinaryInfo, ClampInfo, ClampTensorInfo, CopyInPlaceInfo, CopyInfo as CastInfo, ExpandInfo, FillInfo, PowScalarInfo, RoundInfo, TernaryInfo, UnaryInfo } from '../../plans.js';
import type { KernelEntry, KernelTable } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { OpDef } from '../../op.js';
import { addAlphaOp, addOp, divOp, mulOp, negOp, subOp } from '../../ops/elementwise.js';
import { eqOp, geOp, gtOp, leOp, ltOp, maximumOp, minimumOp, neOp, powOp, powScalarOp } from '../../ops/elementwise_binary.js';
import * as U from '../../ops/elementwise_unary.js';
import { clampOp, clampTensorOp, whereOp } from '../../ops/elementwise_where.js';
import { cloneOp, toOp } from '../../ops/movement_layout.js';
import { expandOp } from '../../ops/movement.js';
import { copyOp, fillOp } from '../../ops/inplace.js';
import type { Block } from './heap.js';
import { ELT_OP } from './abi.js';
import type { Cost, MapParams } from './eltwise.js';
import { MAX_ELEMENTS, cachedWalk, fits, runFlat, runMap } from './eltwise.js';

const F32 = ['float32'];
const F32_I32 = ['float32', 'int32'];
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const isInt32 = (v: number): boolean => Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;

type Code = number | null;

/**
 * A broadcasting binary op: ELT_OP `f` for float32, `i` for int32 (null: int32 runs the
 * reference); `params` null declines the plan.
 */
function binary<I extends BinaryInfo>(name: string, f: number, i: Code, params: (info: I, int: boolean) => MapParams | null = () => ({}), cost: Cost = 1): KernelEntry<I, Block> {
  const walk = (info: I) => cachedWalk(info, info.outShape, [info.aStrides, info.bStrides]);
  return {
    supports: (info, dtypes) =>
      fits(info.outShape.reduce((p, d) => p * d, 1), dtypes, i === null ? F32 : F32_I32) && walk(info) !== undefined && params(info, dtypes[0] === 'int32') !== null,
    run: (info, [out], ins) => {
      const int = ins[0]!.dtype === 'int32';
      return runMap(int ? i! : f, name, out!, ins, out!.n, walk(info)!, params(info, int)!, cost);
    },
  };
}

/** input + alpha·other: alpha in float64 (one rounding, as the reference), or an int32 alpha. */
const alphaParams = (info: { alpha: number }, int: boolean): MapParams | null => (!int ? { d0: info.alpha } : isInt32(info.alpha) ? { i0: info.alpha } : null);

/** A unary op over contiguous blocks: ELT_OP `f` for float32, `i` for int32. */
function unary<I extends UnaryInfo>(name: string, f: Code, i: Code, cost: Cost = 1): KernelEntry<I, Block> {
  const code = (d: DType | undefined): Code => (d === 'int32' ? i : d === 'float32' ? f : null);
  return {
    supports: (info, dtypes) => info.n < MAX_ELEMENTS && code(dtypes[0]) !== null,
    run: (_info, [out], [x]) => runFlat(code(x!.dtype)!, name, out!, [x!], {}, cost),
  };
}

/** where(cond, a, b) and clamp with tensor bounds: three broadcast operands. */
function ternary<I extends TernaryInfo>(name: string, pick: (info: I, dtypes: readonly (DType | undefined)[]) => Code): KernelEntry<I, Block> {
  const walk = (info: I) => cachedWalk(info, info.outShape, [info.aStrides, info.bStrides, info.cStrides]);
  return {
    supports: (info, dtypes) => fits(info.outShape.reduce((p, d) => p * d, 1), dtypes, F32_I32) && walk(info) !== undefined && pick(info, dtypes) !== null,
    run: (info, [out], ins) => runMap(pick(info, ins.map((b) => b.dtype))!, name, out!, ins, out!.n, walk(info)!),
  };
}

const where = ternary<TernaryInfo>('where', (_i, [c]) => (c === 'int32' ? ELT_OP.whereI : ELT_OP.whereF));

const clampTensor = ternary<ClampTensorInfo>('clamp', (info, [x]) => {
  const int = x === 'int32';
  if (info.hasMin && info.hasMax) return int ? ELT_OP.clampI : ELT_OP.clampF;
  if (info.hasMin) return int ? ELT_OP.clampLoI : ELT_OP.clampLoF;
  return int ? ELT_OP.clampHiI : ELT_OP.clampHiF;
});

/**
 * clamp with number bounds. float32: the bounds rounded to float32 select the same elements and
 * store the same values as the float64 bounds. int32: integer bounds, or ±Infinity on their own side.
 */
const clamp: KernelEntry<ClampInfo, Block> = {
  supports: (info, dtypes) => info.n < MAX_ELEMENTS && (dtypes[0] === 'float32' || (dtypes[0] === 'int32' && intBounds(info) !== null)),
  run: (info, [out], [x]) => {
    if (x!.dtype === 'float32') return runFlat(ELT_OP.clampSF, 'clamp', out!, [x!], { d0: info.min, d1: info.max });
    const [lo, hi] = intBounds(info)!;
    return runFlat(ELT_OP.clampSI, 'clamp', out!, [x!], { i0: lo, i1: hi });
  },
};

function intBounds(info: ClampInfo): [number, number] | null {
  const lo = info.min === -Infinity ? INT32_MIN : info.min;
  const hi = info.max === Infinity ? INT32_MAX : info.max;
  return isInt32(lo) && isInt32(hi) ? [lo, hi] : null;
}

/** x^c: exact products for c = 1, 2, 3 (as the reference), √ for 1/2, else the float64 pow per element. */
const powScalar: KernelEntry<PowScalarInfo, Block> = {
  supports: (info, dtypes) => info.n < MAX_ELEMENTS && dtypes[0] === 'float32',
  run: (info, [out], [x]) => {
    const c = info.exponent;
    const op = c === 1 ? ELT_OP.copy : c === 2 ? ELT_OP.squareF : c === 3 ? ELT_OP.cube : c === 0.5 ? ELT_OP.powHalf : ELT_OP.powS;
    return runFlat(op, 'pow', out!, [x!], { d0: c }, op === ELT_OP.powS ? 16 : 1);
  },
};

/** round half to even; to `decimals` places with PyTorch's float32 scaling by p = 10^|decimals|. */
const round: KernelEntry<RoundInfo, Block> = {
  supports: (info, dtypes) => info.n < MAX_ELEMENTS && (dtypes[0] === 'float32' || (dtypes[0] === 'int32' && info.decimals === 0)),
  run: (info, [out], [x]) => {
    const d = info.decimals;
    if (x!.dtype === 'int32') return runFlat(ELT_OP.copy, 'round', out!, [x!]);
    const op = d === 0 ? ELT_OP.round : d > 0 ? ELT_OP.roundUp : ELT_OP.roundDown;
    return runFlat(op, 'round', out!, [x!], { p0: Math.fround(Math.pow(10, Math.abs(d))) });
  },
};

/** `to`: float32 ↔ int32 (float → int truncates toward zero; out of range wraps as Int32Array stores do). */
const to: KernelEntry<CastInfo, Block> = {
  supports: (info, dtypes) => fits(info.n, [dtypes[0]!, info.outDtypes[0]!], F32_I32),
  run: (info, [out], [x]) => runFlat(castOp(x!.dtype, out!.dtype), 'to', out!, [x!]),
};

function castOp(from: DType, to: DType): number {
  return from === to ? ELT_OP.copy : to === 'int32' ? ELT_OP.f2i : ELT_OP.i2f;
}

const clone: KernelEntry<CastInfo, Block> = {
  supports: (info, dtypes) => fits(info.n, dtypes, F32_I32),
  run: (_info, [out], [x]) => runFlat(ELT_OP.copy, 'clone', out!, [x!]),
};

const expand: KernelEntry<ExpandInfo, Block> = {
  supports: (info, dtypes) => fits(info.outShape.reduce((p, d) => p * d, 1), dtypes, F32_I32) && cachedWalk(info, info.outShape, [info.inStrides]) !== undefined,
  run: (info, [out], [x]) => runMap(ELT_OP.copy, 'expand', out!, [x!], out!.n, cachedWalk(info, info.outShape, [info.inStrides])!),
};

/** copy_(dst, src): src broadcast to dst's shape, cast to dst's dtype. */
const copy: KernelEntry<CopyInPlaceInfo, Block> = {
  supports: (info, dtypes) => fits(info.outShape.reduce((p, d) => p * d, 1), dtypes, F32_I32) && cachedWalk(info, info.outShape, [info.srcStrides]) !== undefined,
  run: (info, [dst], [, src]) => runMap(castOp(src!.dtype, dst!.dtype), 'copy_', dst!, [src!], dst!.n, cachedWalk(info, info.outShape, [info.srcStrides])!),
};

/** fill_: the value's float32 (or int32) bit pattern stored everywhere. */
const fill: KernelEntry<FillInfo, Block> = {
  supports: (info, dtypes) => fits(info.n, dtypes, F32_I32),
  run: (info, [dst]) => {
    const bits = dst!.dtype === 'int32' ? new Int32Array([info.value])[0]! : new Int32Array(new Float32Array([info.value]).buffer)[0]!;
    return runFlat(ELT_OP.fill, 'fill_', dst!, [], { i0: bits });
  },
};

const cmp = (name: string, f: number, i: number): KernelEntry<BinaryInfo, Block> => binary(name, f, i);
const unaryF = (op: OpDef<void, UnaryInfo>, f: number, cost: Cost = 1): [OpDef<void, UnaryInfo>, KernelEntry<UnaryInfo, Block>] => [op, unary(op.name, f, null, cost)];

/** Registers the element-wise kernels in the wasm backend's table. */
export function registerEltwise(t: KernelTable<Block>): void {
  t.set(addOp, binary('add', ELT_OP.addF, ELT_OP.addI))
    .set(subOp, binary('sub', ELT_OP.subF, ELT_OP.subI))
    .set(mulOp, binary('mul', ELT_OP.mulF, ELT_OP.mulI))
    .set(divOp, binary('div', ELT_OP.div, null))
    .set(addAlphaOp, binary<BinaryInfo & { alpha: number }>('addAlpha', ELT_OP.addAlphaF, ELT_OP.addAlphaI, alphaParams, 2))
    .set(powOp, binary('pow', ELT_OP.pow, null, () => ({}), 16))
    .set(maximumOp, binary('maximum', ELT_OP.maxF, ELT_OP.maxI))
    .set(minimumOp, binary('minimum', ELT_OP.minF, ELT_OP.minI))
    .set(eqOp, cmp('eq', ELT_OP.eqF, ELT_OP.eqI))
    .set(neOp, cmp('ne', ELT_OP.neF, ELT_OP.neI))
    .set(ltOp, cmp('lt', ELT_OP.ltF, ELT_OP.ltI))
    .set(leOp, cmp('le', ELT_OP.leF, ELT_OP.leI))
    .set(gtOp, cmp('gt', ELT_OP.gtF, ELT_OP.gtI))
    .set(geOp, cmp('ge', ELT_OP.geF, ELT_OP.geI))
    .set(whereOp, where)
    .set(clampOp, clamp)
    .set(clampTensorOp, clampTensor)
    .set(negOp, unary('neg', ELT_OP.negF, ELT_OP.negI))
    .set(U.absOp, unary('abs', ELT_OP.absF, ELT_OP.absI))
    .set(U.signOp, unary('sign', ELT_OP.signF, ELT_OP.signI))
    .set(U.squareOp, unary('square', ELT_OP.squareF, ELT_OP.squareI))
    .set(U.floorOp, unary('floor', ELT_OP.floor, ELT_OP.copy))
    .set(U.ceilOp, unary('ceil', ELT_OP.ceil, ELT_OP.copy))
    .set(U.roundOp, round)
    .set(powScalarOp, powScalar)
    .set(toOp, to)
    .set(cloneOp, clone)
    .set(expandOp, expand)
    .set(copyOp, copy)
    .set(fillOp, fill);
  const floats: [OpDef<void, UnaryInfo>, KernelEntry<UnaryInfo, Block>][] = [
    unaryF(U.reciprocalOp, ELT_OP.recip),
    unaryF(U.sqrtOp, ELT_OP.sqrt),
    unaryF(U.rsqrtOp, ELT_OP.rsqrt, 2),
    unaryF(U.expOp, ELT_OP.exp, 4),
    unaryF(U.logOp, ELT_OP.log, 4),
    unaryF(U.log1pOp, ELT_OP.log1p, 8),
    unaryF(U.expm1Op, ELT_OP.expm1, 4),
    unaryF(U.sinOp, ELT_OP.sin, 8),
    unaryF(U.cosOp, ELT_OP.cos, 8),
  ];
  for (const [op, k] of floats) t.set(op, k);
}
