/**
 * Element-wise arithmetic with NumPy/PyTorch broadcasting. Plain numbers are accepted wherever a
 * tensor is and take the tensor's dtype (a non-integer number with an int32 tensor computes in
 * float32, as in PyTorch: see scalar.ts). Gradients are returned at the broadcast shape: the tape
 * sums them back to each input's shape (autograd/tape.ts), so no vjp here un-broadcasts.
 */
import type { DType } from '../dtype.js';
import { DTypeError, ValueError, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { broadcastShapes, broadcastStrides, sameShape } from '../shape.js';
import { Tensor, isTensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectSameDtype, expectTensor, readOptions } from '../op.js';
import { scalarResultDtype } from './scalar.js';
import { scalarLike } from '../creation.js';
import { to } from './movement_layout.js';
import { elementwiseKernels } from '../backends/reference/elementwise.js';
import type { BinaryInfo, UnaryInfo } from '../plans.js';
export type { BinaryInfo, UnaryInfo } from '../plans.js';

export type TensorLike = Tensor | number;

/**
 * Turns the two operands into tensors of one dtype. A number takes the tensor's dtype, except that
 * a non-integer number with an int32 tensor computes in float32 (PyTorch's rule for Python
 * scalars, see scalar.ts).
 */
export function operands(op: string, a: TensorLike, b: TensorLike, names: [string, string] = ['input', 'other']): [Tensor, Tensor] {
  const ok = (v: unknown): boolean => isTensor(v) || typeof v === 'number';
  if (!ok(a)) throw new ValueError({ op, arg: names[0], expected: 'a Tensor or a number', got: fmtValue(a) });
  if (!ok(b)) throw new ValueError({ op, arg: names[1], expected: 'a Tensor or a number', got: fmtValue(b) });
  if (isTensor(a) && isTensor(b)) return [a, b];
  if (isTensor(a)) return withScalar(op, names[1], a, b as number);
  if (isTensor(b)) {
    const [tb, ta] = withScalar(op, names[0], b, a);
    return [ta, tb];
  }
  throw new ValueError({ op, arg: names[0], expected: 'at least one Tensor operand', got: 'two numbers' });
}

/**
 * `[tensor, scalar]`: the tensor (promoted to float32 when the number is not an integer and the
 * tensor is int32) and the number as a 0-d tensor of the same dtype.
 */
export function withScalar(op: string, arg: string, t: Tensor, value: number): [Tensor, Tensor] {
  const dtype = scalarResultDtype(op, arg, value, t.dtype);
  const tt = dtype === t.dtype ? t : to(t, dtype);
  return [tt, scalarLike(value, tt)];
}

export function binaryInfo(op: string, a: Tensor, b: Tensor, names: [string, string], outDtype?: DType): BinaryInfo {
  const dtype = expectSameDtype(op, [[names[0], a], [names[1], b]]);
  const outShape = broadcastShapes(op, a.shape, b.shape, names[0], names[1]);
  return {
    outShapes: [outShape],
    outDtypes: [outDtype ?? dtype],
    outShape,
    aStrides: broadcastStrides(a.shape, outShape),
    bStrides: broadcastStrides(b.shape, outShape),
    same: sameShape(a.shape, outShape) && sameShape(b.shape, outShape),
  };
}

const binaryShape = (op: string) => (inputs: readonly Tensor[]) => binaryInfo(op, inputs[0]!, inputs[1]!, ['input', 'other']);

export const addOp = defineOp<void, BinaryInfo>({
  name: 'add',
  reference: elementwiseKernels.add,
  info: binaryShape('add'),
  vjp: (_c, [g]) => [g!, g!],
});

export const subOp = defineOp<void, BinaryInfo>({
  name: 'sub',
  reference: elementwiseKernels.sub,
  info: binaryShape('sub'),
  vjp: (_c, [g]) => [g!, neg(g!)],
});

export const mulOp = defineOp<void, BinaryInfo>({
  name: 'mul',
  reference: elementwiseKernels.mul,
  info: binaryShape('mul'),
  macs: (i) => i.outShape.reduce((p, d) => p * d, 1),
  vjp: ({ inputs: [a, b], needs }, [g]) => [needs[0] ? mul(g!, b!) : null, needs[1] ? mul(g!, a!) : null],
});

export const divOp = defineOp<void, BinaryInfo>({
  name: 'div',
  reference: elementwiseKernels.div,
  info: (inputs) => {
    const info = binaryShape('div')(inputs);
    if (inputs[0]!.dtype === 'int32') {
      throw new DTypeError({ op: 'div', arg: 'input', expected: 'float tensors (true division)', got: 'int32; convert with .to("float32")' });
    }
    return info;
  },
  // d(a/b)/db = -a/b^2 = -(a/b)/b
  vjp: ({ inputs: [a, b], outputs: [y], needs }, [g]) => [
    needs[0] ? div(g!, b!) : null,
    needs[1] ? neg(mul(g!, div(y!, b!))) : null,
  ],
});

/** input + alpha·other in one pass (add and sub with an `alpha` other than 1). */
export const addAlphaOp = defineOp<{ alpha: number; op: string }, BinaryInfo & { alpha: number }>({
  name: 'addAlpha',
  reference: elementwiseKernels.addAlpha,
  info: (inputs, a) => ({ ...binaryShape(a.op)(inputs), alpha: a.alpha }),
  macs: (i) => i.outShape.reduce((p, d) => p * d, 1),
  vjp: ({ info, needs }, [g]) => [needs[0] ? g! : null, needs[1] ? mul(g!, info.alpha) : null],
});

export interface AlphaOptions {
  /** Multiplier of `other` (torch's `alpha`), default 1. */
  alpha?: number;
}

function readAlpha(op: string, options: unknown, ta: Tensor): number {
  const o = readOptions<AlphaOptions>(op, options, ['alpha']);
  const alpha = o.alpha ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new ValueError({ op, arg: 'options.alpha', expected: 'a finite number', got: fmtValue(alpha) });
  }
  if (ta.dtype === 'int32' && !Number.isInteger(alpha)) {
    throw new ValueError({ op, arg: 'options.alpha', expected: 'an integer for int32 tensors', got: fmtValue(alpha) });
  }
  return alpha;
}

/** input + alpha·other (torch.add). */
export function add(input: TensorLike, other: TensorLike, options?: AlphaOptions): Tensor {
  const ops = operands('add', input, other);
  const alpha = options === undefined ? 1 : readAlpha('add', options, ops[0]);
  return alpha === 1 ? apply1(addOp, ops, undefined) : apply1(addAlphaOp, ops, { alpha, op: 'add' });
}

/** input - alpha·other (torch.sub). */
export function sub(input: TensorLike, other: TensorLike, options?: AlphaOptions): Tensor {
  const ops = operands('sub', input, other);
  const alpha = options === undefined ? 1 : readAlpha('sub', options, ops[0]);
  return alpha === 1 ? apply1(subOp, ops, undefined) : apply1(addAlphaOp, ops, { alpha: -alpha, op: 'sub' });
}

export function mul(input: TensorLike, other: TensorLike): Tensor {
  return apply1(mulOp, operands('mul', input, other), undefined);
}

/** input / other, true division: int32 operands are divided in float32 (as torch.div). */
export function div(input: TensorLike, other: TensorLike): Tensor {
  const [a, b] = operands('div', input, other);
  if (a.dtype === 'int32' && b.dtype === 'int32') return apply1(divOp, [to(a, 'float32'), to(b, 'float32')], undefined);
  return apply1(divOp, [a, b], undefined);
}

export const negOp = defineOp<void, UnaryInfo>({
  name: 'neg',
  reference: elementwiseKernels.neg,
  info: ([x]) => ({ outShapes: [x!.shape], outDtypes: [x!.dtype], n: x!.numel }),
  vjp: (_c, [g]) => [neg(g!)],
});

export function neg(input: Tensor): Tensor {
  expectTensor('neg', 'input', input);
  return apply1(negOp, [input], undefined);
}

export * from './elementwise_unary.js';
export * from './elementwise_binary.js';
export * from './elementwise_where.js';
