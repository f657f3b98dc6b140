/** Movement: reshaping, broadcasting and rearranging elements. All outputs are contiguous. */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { broadcastStrides, numel, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectTensor, notifyOp, recordCustom } from '../op.js';
import { sumToShape } from './reduce.js';
import { movementKernels } from '../backends/reference/movement.js';
import type { ExpandInfo } from '../plans.js';
export type { ExpandInfo } from '../plans.js';

/** Resolves one -1 in `shape` against `n` elements and validates the rest. */
export function inferShape(op: string, shape: readonly number[], n: number, from: Shape): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new ValueError({ op, arg: 'shape', expected: 'an array of integers >= -1', got: fmtValue(shape) });
  }
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new ValueError({ op, arg: 'shape', expected: 'at most one -1', got: fmtValue(shape) });
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const out = shape.slice();
  if (free === 1) {
    if (known === 0 || n % known !== 0) {
      throw new ShapeError({ op, arg: 'shape', expected: `a shape compatible with ${fmtShape(from)} (${n} elements)`, got: fmtShape(shape) });
    }
    out[out.indexOf(-1)] = n / known;
  } else if (known !== n) {
    throw new ShapeError({
      op,
      arg: 'shape',
      expected: `a shape with ${n} elements like ${fmtShape(from)}`,
      got: `${fmtShape(shape)} (${known} elements)`,
      message: `${op}: cannot reshape a tensor of shape ${fmtShape(from)} (${n} elements) into ${fmtShape(shape)} (${known} elements)`,
    });
  }
  return out;
}

/** A tensor with the same data in a new shape (shares memory, like a torch view). One -1 is inferred. */
export function reshape(input: Tensor, shape: readonly number[]): Tensor {
  expectTensor('reshape', 'input', input);
  const s = inferShape('reshape', shape, input.numel, input.shape);
  if (sameShape(s, input.shape)) return input;
  const out = new Tensor(input._storage, s);
  recordCustom('reshape', [input], [out], ([g]) => [reshape(g!, input.shape)]);
  notifyOp({ name: 'reshape', def: null, inputs: [input], attrs: s, info: null, outputs: [out] });
  return out;
}

/** PyTorch's `view`: identical to reshape here, since every tensor is contiguous. */
export const view = reshape;

export const expandOp = defineOp<Shape, ExpandInfo>({
  name: 'expand',
  reference: movementKernels.expand,
  info: ([x], target) => {
    const op = 'expand';
    const inShape = x!.shape;
    if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && d >= -1)) {
      throw new ValueError({ op, arg: 'size', expected: 'an array of integers (-1 keeps a dimension)', got: fmtValue(target) });
    }
    const lead = target.length - inShape.length;
    if (lead < 0) {
      throw new ShapeError({ op, arg: 'size', expected: `at least ${inShape.length} dimensions`, got: fmtShape(target) });
    }
    const outShape = target.map((d, i) => {
      const src = i >= lead ? inShape[i - lead]! : 1;
      if (d === -1) {
        if (i < lead) throw new ValueError({ op, arg: 'size', expected: 'no -1 in new leading dimensions', got: fmtShape(target) });
        return src;
      }
      if (src !== 1 && src !== d) {
        throw new ShapeError({
          op,
          arg: 'size',
          expected: `size ${src} or any size where the input has 1, at dimension ${i}`,
          got: fmtShape(target),
          message: `${op}: cannot expand shape ${fmtShape(inShape)} to ${fmtShape(target)}: dimension ${i} is ${src}, not 1`,
        });
      }
      return d;
    });
    return { outShapes: [outShape], outDtypes: [x!.dtype], outShape, inShape, inStrides: broadcastStrides(inShape, outShape) };
  },
  vjp: ({ info }, [g]) => [sumToShape(g!, info.inShape)],
});

/** Broadcasts to `size` (a copy here; torch returns a stride-0 view). */
export function expand(input: Tensor, size: readonly number[]): Tensor {
  expectTensor('expand', 'input', input);
  if (!Array.isArray(size)) {
    throw new ValueError({ op: 'expand', arg: 'size', expected: 'an array of integers (-1 keeps a dimension)', got: fmtValue(size) });
  }
  if (sameShape(size, input.shape)) return input;
  return apply1(expandOp, [input], size);
}

/** `broadcastTo` is `expand` without -1, checked under its own name. */
export function broadcastTo(input: Tensor, shape: readonly number[]): Tensor {
  const op = 'broadcastTo';
  expectTensor(op, 'input', input);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError({ op, arg: 'shape', expected: 'an array of non-negative integers', got: fmtValue(shape) });
  }
  const lead = shape.length - input.shape.length;
  const bad = lead < 0 ? -1 : input.shape.findIndex((d, i) => d !== 1 && d !== shape[i + lead]);
  if (bad !== -1 || lead < 0) {
    throw new ShapeError({
      op,
      arg: 'shape',
      expected: `a shape that ${fmtShape(input.shape)} broadcasts to`,
      got: fmtShape(shape),
      message:
        lead < 0
          ? `${op}: cannot broadcast shape ${fmtShape(input.shape)} to ${fmtShape(shape)}: the target has fewer dimensions`
          : `${op}: cannot broadcast shape ${fmtShape(input.shape)} to ${fmtShape(shape)}: dimension ${bad + lead} is ${input.shape[bad]}, not 1`,
    });
  }
  return expand(input, shape);
}

export { numel };

export * from './movement_pad.js';
export * from './movement_layout.js';
export * from './movement_join.js';
export * from './movement_index.js';
