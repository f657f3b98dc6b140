/**
 * In-place writes, PyTorch's trailing-underscore methods: `copy_`, `fill_`, `zero_`, `add_`, `sub_`,
 * `mul_`, `div_`. They write into the tensor's storage on the device that runs them and bump its
 * version (docs/STORAGE.md), so caches of derived data (packed weights) notice, and a backward pass
 * that saved the old values refuses to run. Like every in-place op they are not recorded on the
 * tape: a tensor that requires grad can be written only inside `noGrad()`.
 */
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { broadcastShapes, broadcastStrides, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply, defineOp, expectTensor } from '../op.js';
import type { TensorLike } from './elementwise.js';
import { addAlphaOp, binaryInfo, divOp, mulOp, operands } from './elementwise.js';
import { inplaceKernels } from '../backends/reference/inplace.js';
import { elementwiseKernels } from '../backends/reference/elementwise.js';
import type { BinaryInfo, CopyInPlaceInfo, FillInfo } from '../plans.js';
export type { CopyInPlaceInfo, FillInfo } from '../plans.js';

/** dst ← src: src broadcasts to dst's shape (never the other way) and converts to dst's dtype. */
export const copyOp = defineOp<void, CopyInPlaceInfo>({
  name: 'copy_',
  reference: inplaceKernels.copy,
  inplace: [0],
  info: ([dst, src]) => {
    const shape = broadcastShapes('copy_', dst!.shape, src!.shape, 'self', 'src');
    if (!sameShape(shape, dst!.shape)) {
      throw new ShapeError({ op: 'copy_', arg: 'src', expected: `a shape that broadcasts to ${fmtShape(dst!.shape)}`, got: fmtShape(src!.shape) });
    }
    return { outShapes: [dst!.shape], outDtypes: [dst!.dtype], outShape: dst!.shape, srcStrides: broadcastStrides(src!.shape, dst!.shape) };
  },
});

export const fillOp = defineOp<{ value: number }, FillInfo>({
  name: 'fill_',
  reference: inplaceKernels.fill,
  inplace: [0],
  info: ([t], a) => {
    if (typeof a.value !== 'number') throw new ValueError({ op: 'fill_', arg: 'value', expected: 'a number', got: fmtValue(a.value) });
    if (t!.dtype === 'int32' && !Number.isInteger(a.value)) {
      throw new DTypeError({ op: 'fill_', arg: 'value', expected: 'an integer for an int32 tensor', got: String(a.value) });
    }
    return { outShapes: [t!.shape], outDtypes: [t!.dtype], value: a.value, n: t!.numel };
  },
});

/** The shape rule of `a op= b`: b broadcasts to a's shape, and the result keeps a's shape. */
function inplaceInfo(op: string, a: Tensor, b: Tensor): BinaryInfo {
  const info = binaryInfo(op, a, b, ['self', 'other']);
  if (!sameShape(info.outShape, a.shape)) {
    throw new ShapeError({
      op,
      arg: 'other',
      expected: `a shape that broadcasts to ${fmtShape(a.shape)}`,
      got: fmtShape(b.shape),
      message: `${op}: the result of shape ${fmtShape(info.outShape)} does not fit self of shape ${fmtShape(a.shape)}`,
    });
  }
  return info;
}

export const addInPlaceOp = defineOp<{ alpha: number }, BinaryInfo & { alpha: number }>({
  name: 'add_',
  reference: elementwiseKernels.addAlpha,
  kernelOf: addAlphaOp,
  inplace: [0],
  info: ([a, b], attrs) => ({ ...inplaceInfo('add_', a!, b!), alpha: attrs.alpha }),
});

export const mulInPlaceOp = defineOp<void, BinaryInfo>({
  name: 'mul_',
  reference: elementwiseKernels.mul,
  kernelOf: mulOp,
  inplace: [0],
  info: ([a, b]) => inplaceInfo('mul_', a!, b!),
});

export const divInPlaceOp = defineOp<void, BinaryInfo>({
  name: 'div_',
  reference: elementwiseKernels.div,
  kernelOf: divOp,
  inplace: [0],
  info: ([a, b]) => {
    if (a!.dtype === 'int32') throw new DTypeError({ op: 'div_', arg: 'self', expected: 'a float tensor (true division)', got: 'int32' });
    return inplaceInfo('div_', a!, b!);
  },
});

function self(op: string, t: unknown): Tensor {
  return expectTensor(op, 'self', t);
}

/**
 * `operands` for `self op= other`: a number that would promote an int32 self to float32 (0.5,
 * NaN) is refused, as in torch, since the result cannot be stored back in self.
 */
function inplaceOperands(op: string, t: unknown, other: TensorLike): [Tensor, Tensor] {
  const s = self(op, t);
  const [a, b] = operands(op, s, other, ['self', 'other']);
  if (a !== s) {
    throw new DTypeError({
      op,
      arg: 'other',
      expected: `a value whose result fits self's dtype ${s.dtype}`,
      got: fmtValue(other),
      message: `${op}: with ${fmtValue(other)} the result is ${a.dtype} (PyTorch's scalar promotion), which cannot be stored in the ${s.dtype} self in place; use ${op.slice(0, -1)}() for a new tensor, or convert self with .to('${a.dtype}') first`,
    });
  }
  return [a, b];
}

/** self ← src (broadcast to self's shape, converted to self's dtype). Returns self. */
export function copy_(dst: Tensor, src: Tensor): Tensor {
  self('copy_', dst);
  expectTensor('copy_', 'src', src);
  return apply(copyOp, [dst, src], undefined)[0]!;
}

/** Every element of self ← value. Returns self. */
export function fill_(t: Tensor, value: number): Tensor {
  return apply(fillOp, [self('fill_', t)], { value })[0]!;
}

export function zero_(t: Tensor): Tensor {
  return fill_(t, 0);
}

/** self ← self + alpha·other. Returns self. */
export function add_(t: Tensor, other: TensorLike, options: { alpha?: number } = {}): Tensor {
  const alpha = options.alpha ?? 1;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ValueError({ op: 'add_', arg: 'options.alpha', expected: 'a finite number', got: fmtValue(alpha) });
  const [a, b] = inplaceOperands('add_', t, other);
  if (a.dtype === 'int32' && !Number.isInteger(alpha)) throw new DTypeError({ op: 'add_', arg: 'options.alpha', expected: 'an integer for an int32 self', got: fmtValue(alpha) });
  return apply(addInPlaceOp, [a, b], { alpha })[0]!;
}

/** self ← self − alpha·other. Returns self. */
export function sub_(t: Tensor, other: TensorLike, options: { alpha?: number } = {}): Tensor {
  return add_(t, other, { alpha: -(options.alpha ?? 1) });
}

/** self ← self·other. Returns self. */
export function mul_(t: Tensor, other: TensorLike): Tensor {
  return apply(mulInPlaceOp, inplaceOperands('mul_', t, other), undefined)[0]!;
}

/** self ← self / other. Returns self. */
export function div_(t: Tensor, other: TensorLike): Tensor {
  return apply(divInPlaceOp, inplaceOperands('div_', t, other), undefined)[0]!;
}
