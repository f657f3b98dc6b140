/** Three-operand element-wise ops: `where(condition, input, other)` and `clamp`. */
import { ValueError, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { broadcastShapes, broadcastStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { isTensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectSameDtype, expectTensor, readOptions } from '../op.js';
import { scalarLike, full } from '../creation.js';
import { scalarResultDtype } from './scalar.js';
import { to } from './movement_layout.js';
import type { TensorLike } from './elementwise.js';
import { maximum } from './elementwise_binary.js';
import { ge, gt, le, lt } from './elementwise_binary.js';
import { mul, withScalar } from './elementwise.js';
import { compareKernels } from '../backends/reference/elementwise_cmp.js';
import type { ClampInfo, ClampTensorInfo, TernaryInfo, UnaryInfo } from '../plans.js';
export type { TernaryInfo, ClampInfo, ClampTensorInfo } from '../plans.js';

function ternaryInfo(op: string, [a, b, c]: readonly Tensor[], names: [string, string, string]): TernaryInfo {
  const ab = broadcastShapes(op, a!.shape, b!.shape, names[0], names[1]);
  const outShape = broadcastShapes(op, ab, c!.shape, `${names[0]} and ${names[1]}`, names[2]);
  return {
    outShapes: [outShape],
    outDtypes: [b!.dtype],
    outShape,
    aStrides: broadcastStrides(a!.shape, outShape),
    bStrides: broadcastStrides(b!.shape, outShape),
    cStrides: broadcastStrides(c!.shape, outShape),
  };
}

export const whereOp = defineOp<void, TernaryInfo>({
  name: 'where',
  reference: compareKernels.where,
  info: (inputs) => {
    expectSameDtype('where', [['input', inputs[1]!], ['other', inputs[2]!]]);
    return ternaryInfo('where', inputs, ['condition', 'input', 'other']);
  },
  vjp: ({ inputs: [cond], needs }, [g]) => [
    null,
    needs[1] ? where(cond!, g!, 0) : null,
    needs[2] ? where(cond!, 0, g!) : null,
  ],
});

/**
 * input where condition is non-zero, else other (torch.where), broadcasting all three.
 * `condition` may have any dtype; numbers for input/other take the other operand's dtype
 * (float32 when both are numbers; a non-integer number with an int32 tensor gives float32, as
 * in PyTorch).
 */
export function where(condition: Tensor, input: TensorLike, other: TensorLike): Tensor {
  expectTensor('where', 'condition', condition);
  for (const [name, v] of [['input', input], ['other', other]] as const) {
    if (!isTensor(v) && typeof v !== 'number') throw new ValueError({ op: 'where', arg: name, expected: 'a Tensor or a number', got: fmtValue(v) });
  }
  if (isTensor(input) && isTensor(other)) return apply1(whereOp, [condition, input, other], undefined);
  if (isTensor(input)) return apply1(whereOp, [condition, ...withScalar('where', 'other', input, other as number)], undefined);
  if (isTensor(other)) {
    const [tb, ta] = withScalar('where', 'input', other, input);
    return apply1(whereOp, [condition, ta, tb], undefined);
  }
  return apply1(whereOp, [condition, full([], input), full([], other)], undefined);
}

/** clamp with number bounds (a missing bound is ±Infinity). */
export const clampOp = defineOp<{ min: number | null; max: number | null }, ClampInfo>({
  name: 'clamp',
  reference: compareKernels.clamp,
  info: ([x], a) => ({
    outShapes: [x!.shape],
    outDtypes: [x!.dtype],
    n: x!.numel,
    min: a.min ?? -Infinity,
    max: a.max ?? Infinity,
  }),
  // PyTorch passes the gradient where min <= x <= max, boundaries included
  vjp: ({ inputs: [x], info }, [g]) => {
    const hasMin = info.min !== -Infinity;
    const hasMax = info.max !== Infinity;
    const mask = hasMin && hasMax ? mul(ge(x!, info.min), le(x!, info.max)) : hasMin ? ge(x!, info.min) : le(x!, info.max);
    return [where(mask, g!, 0)];
  },
});

/**
 * clamp with tensor bounds: inputs [input, min, max]; a missing bound is a placeholder (input
 * itself) that the kernel ignores. The output is min(max(input, min), max), so max wins when
 * min > max. PyTorch's gradients (clamp_backward_min_max):
 *   input: min <= x <= max;   min: x < min and min < max;   max: x > max or max < min.
 */
export const clampTensorOp = defineOp<{ hasMin: boolean; hasMax: boolean }, ClampTensorInfo>({
  name: 'clampTensor',
  reference: compareKernels.clampTensor,
  info: (inputs, a) => {
    expectSameDtype('clamp', [['input', inputs[0]!], ['min', inputs[1]!], ['max', inputs[2]!]]);
    const t = ternaryInfo('clamp', inputs, ['input', 'min', 'max']);
    return { ...t, outDtypes: [inputs[0]!.dtype], hasMin: a.hasMin, hasMax: a.hasMax };
  },
  vjp: ({ inputs: [x, lo, hi], info, needs }, [g]) => {
    if (info.hasMin && info.hasMax) {
      return [
        needs[0] ? where(mul(ge(x!, lo!), le(x!, hi!)), g!, 0) : null,
        needs[1] ? where(mul(lt(x!, lo!), lt(lo!, hi!)), g!, 0) : null,
        needs[2] ? where(maximum(gt(x!, hi!), lt(hi!, lo!)), g!, 0) : null,
      ];
    }
    if (info.hasMin) return [needs[0] ? where(ge(x!, lo!), g!, 0) : null, needs[1] ? where(lt(x!, lo!), g!, 0) : null, null];
    return [needs[0] ? where(le(x!, hi!), g!, 0) : null, null, needs[2] ? where(gt(x!, hi!), g!, 0) : null];
  },
});

export interface ClampOptions {
  /** Lower bound: a number or a tensor broadcastable with input. */
  min?: TensorLike | null;
  /** Upper bound: a number or a tensor broadcastable with input. */
  max?: TensorLike | null;
}

/**
 * Limits input to [min, max] (torch.clamp): `clamp(x, {min, max})` or, as in PyTorch,
 * `clamp(x, min, max)` with numbers, tensors (broadcast) or null. At least one bound is
 * required; when min > max every element becomes max. NaN stays NaN.
 */
export function clamp(input: Tensor, options?: ClampOptions): Tensor;
export function clamp(input: Tensor, min: TensorLike | null, max?: TensorLike | null): Tensor;
export function clamp(input: Tensor, minOrOptions?: ClampOptions | TensorLike | null, max?: TensorLike | null): Tensor {
  const op = 'clamp';
  expectTensor(op, 'input', input);
  let lo: unknown;
  let hi: unknown;
  if (typeof minOrOptions === 'object' && minOrOptions !== null && !isTensor(minOrOptions)) {
    if (max !== undefined) {
      throw new ValueError({
        op,
        arg: 'max',
        expected: 'no third argument after an options object',
        got: fmtValue(max),
        message: `clamp: pass the bounds either in an options object or positionally, not both (got a third argument ${fmtValue(max)})`,
      });
    }
    const o = readOptions<ClampOptions>(op, minOrOptions, ['min', 'max']);
    lo = o.min ?? null;
    hi = o.max ?? null;
  } else {
    lo = minOrOptions ?? null;
    hi = max ?? null;
  }
  if (lo === null && hi === null) {
    throw new ValueError({
      op,
      arg: 'options',
      expected: 'at least one of min and max',
      got: 'neither',
      message: 'clamp: at least one of min and max must be given',
    });
  }
  for (const [name, v] of [['min', lo], ['max', hi]] as const) {
    if (v === null) continue;
    if (isTensor(v)) {
      expectSameDtype(op, [['input', input], [name, v]]);
      continue;
    }
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError({ op, arg: name, expected: 'a number (not NaN) or a Tensor', got: fmtValue(v) });
    // an int32 input clamped to a non-integer bound computes in float32 (as torch.clamp)
    if (scalarResultDtype(op, name, v, input.dtype) !== input.dtype) input = to(input, 'float32');
  }
  if (!isTensor(lo) && !isTensor(hi)) return apply1(clampOp, [input], { min: lo as number | null, max: hi as number | null });
  const x = input;
  const tlo = lo === null ? x : isTensor(lo) ? lo : scalarLike(lo as number, x);
  const thi = hi === null ? x : isTensor(hi) ? hi : scalarLike(hi as number, x);
  return apply1(clampTensorOp, [x, tlo, thi], { hasMin: lo !== null, hasMax: hi !== null });
}
