/**
 * Binary element-wise ops beyond arithmetic: pow, maximum/minimum and the comparisons (which
 * return int32 0/1 tensors and carry no gradient). Broadcasting and dtype rules are those of
 * `add` (binaryInfo); plain numbers take the tensor's dtype (see scalar.ts for int32 tensors).
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { isTensor } from '../tensor.js';
import type { OpDef } from '../op.js';
import { apply1, defineOp, expectFloat, expectTensor } from '../op.js';
import type { TensorLike } from './elementwise.js';
import { binaryInfo, mul, operands, sub } from './elementwise.js';
import { log } from './elementwise_unary.js';
import { where } from './elementwise_where.js';
import { scalarResultDtype } from './scalar.js';
import { to } from './movement_layout.js';
import { compareKernels } from '../backends/reference/elementwise_cmp.js';
import type { BinaryInfo, PowScalarInfo, UnaryInfo } from '../plans.js';
export type { PowScalarInfo } from '../plans.js';

/**
 * base^exponent, both tensors (broadcast). PyTorch's gradients:
 *   d/dbase     = exponent·base^(exponent-1), forced to 0 where exponent == 0 (so 0^0 has slope 0);
 *   d/dexponent = result·log(base), forced to 0 where base == 0 and exponent >= 0
 *                 (0^e is constant 0 or 1 there; for e < 0 the infinities are kept).
 */
export const powOp = defineOp<void, BinaryInfo>({
  name: 'pow',
  reference: compareKernels.pow,
  info: ([a, b]) => {
    expectFloat('pow', 'input', a!);
    const info = binaryInfo('pow', a!, b!, ['input', 'exponent']);
    return info;
  },
  macs: (i) => i.outShape.reduce((p, d) => p * d, 1),
  vjp: ({ inputs: [x, e], outputs: [y], needs }, [g]) => [
    needs[0] ? mul(g!, where(eq(e!, 0), 0, mul(e!, pow(x!, sub(e!, 1))))) : null,
    needs[1] ? mul(g!, where(mul(eq(x!, 0), ge(e!, 0)), 0, mul(y!, log(x!)))) : null,
  ],
});

/** base^c for a number c (a fast path: small integer powers are exact products). */
export const powScalarOp = defineOp<{ exponent: number }, PowScalarInfo>({
  name: 'powScalar',
  reference: compareKernels.powScalar,
  info: ([x], a) => {
    expectFloat('pow', 'input', x!);
    return { outShapes: [x!.shape], outDtypes: [x!.dtype], n: x!.numel, exponent: a.exponent };
  },
  macs: (i) => i.n,
  vjp: ({ inputs: [x], info }, [g]) => {
    const c = info.exponent;
    if (c === 0) return [null];
    return [c === 1 ? g! : mul(g!, c === 2 ? mul(x!, 2) : mul(powScalar(x!, c - 1), c))];
  },
});

/** x^c for a number c (internal shortcut used by vjps; `pow` dispatches here too). */
export function powScalar(x: Tensor, c: number): Tensor {
  return apply1(powScalarOp, [x], { exponent: c });
}

/**
 * input^exponent (torch.pow): a tensor to a tensor or number power, or a number to a tensor power.
 * Float tensors only.
 */
export function pow(input: TensorLike, exponent: TensorLike): Tensor {
  if (isTensor(input) && typeof exponent === 'number') {
    if (Number.isNaN(exponent)) throw new ValueError({ op: 'pow', arg: 'exponent', expected: 'a number that is not NaN', got: 'NaN' });
    // int32 to a non-integer power computes in float32 (torch); an integer power stays a DTypeError
    const x = scalarResultDtype('pow', 'exponent', exponent, input.dtype) === input.dtype ? input : to(input, 'float32');
    return apply1(powScalarOp, [x], { exponent });
  }
  return apply1(powOp, operands('pow', input, exponent, ['input', 'exponent']), undefined);
}

/**
 * maximum/minimum. PyTorch's gradient at ties is split: each side gets grad/2 where
 * input == other; the smaller (larger) side gets nothing. NaN propagates (and, as in PyTorch,
 * a NaN on either side passes the full gradient to both).
 */
export const maximumOp = defineOp<void, BinaryInfo>({
  name: 'maximum',
  reference: compareKernels.maximum,
  info: ([a, b]) => binaryInfo('maximum', a!, b!, ['input', 'other']),
  vjp: ({ inputs: [a, b], needs }, [g]) => {
    const split = where(eq(a!, b!), mul(g!, 0.5), g!);
    return [needs[0] ? where(lt(a!, b!), 0, split) : null, needs[1] ? where(gt(a!, b!), 0, split) : null];
  },
});

export const minimumOp = defineOp<void, BinaryInfo>({
  name: 'minimum',
  reference: compareKernels.minimum,
  info: ([a, b]) => binaryInfo('minimum', a!, b!, ['input', 'other']),
  vjp: ({ inputs: [a, b], needs }, [g]) => {
    const split = where(eq(a!, b!), mul(g!, 0.5), g!);
    return [needs[0] ? where(gt(a!, b!), 0, split) : null, needs[1] ? where(lt(a!, b!), 0, split) : null];
  },
});

/** Element-wise maximum with broadcasting (NaN propagates). */
export function maximum(input: TensorLike, other: TensorLike): Tensor {
  return apply1(maximumOp, operands('maximum', input, other), undefined);
}

/** Element-wise minimum with broadcasting (NaN propagates). */
export function minimum(input: TensorLike, other: TensorLike): Tensor {
  return apply1(minimumOp, operands('minimum', input, other), undefined);
}

function comparison(name: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'): OpDef<void, BinaryInfo> {
  return defineOp<void, BinaryInfo>({
    name,
    reference: compareKernels[name],
    info: ([a, b]) => binaryInfo(name, a!, b!, ['input', 'other'], 'int32'),
  });
}

export const eqOp = comparison('eq');
export const neOp = comparison('ne');
export const ltOp = comparison('lt');
export const leOp = comparison('le');
export const gtOp = comparison('gt');
export const geOp = comparison('ge');

function compare(op: OpDef<void, BinaryInfo>, input: TensorLike, other: TensorLike): Tensor {
  // comparing with a NaN number is allowed, as in PyTorch: all false except ne
  expectTensor(op.name, 'input', input);
  return apply1(op, operands(op.name, input, other), undefined);
}

/** input == other as int32 0/1. */
export function eq(input: TensorLike, other: TensorLike): Tensor {
  return compare(eqOp, input, other);
}
/** input != other as int32 0/1 (1 for NaN). */
export function ne(input: TensorLike, other: TensorLike): Tensor {
  return compare(neOp, input, other);
}
/** input < other as int32 0/1. */
export function lt(input: TensorLike, other: TensorLike): Tensor {
  return compare(ltOp, input, other);
}
/** input <= other as int32 0/1. */
export function le(input: TensorLike, other: TensorLike): Tensor {
  return compare(leOp, input, other);
}
/** input > other as int32 0/1. */
export function gt(input: TensorLike, other: TensorLike): Tensor {
  return compare(gtOp, input, other);
}
/** input >= other as int32 0/1. */
export function ge(input: TensorLike, other: TensorLike): Tensor {
  return compare(geOp, input, other);
}
