/**
 * Layout: permute/transpose/t, flatten/squeeze/unsqueeze (reshapes that share data), flip, roll,
 * repeat/tile, clone and dtype conversion.
 */
import type { DType } from '../dtype.js';
import { isDType } from '../dtype.js';
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { normDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectTensor } from '../op.js';
import { expand, reshape } from './movement.js';
import { layoutKernels } from '../backends/reference/movement_layout.js';
import type { PermuteInfo, FlipInfo, RollInfo, CopyInfo } from '../plans.js';
export type { PermuteInfo, FlipInfo, RollInfo, CopyInfo } from '../plans.js';

/** Normalises a list of distinct dimensions (`what` names the argument in messages). */
function normDims(op: string, dims: unknown, rank: number, arg = 'dims'): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) {
    throw new ValueError({ op, arg, expected: 'an integer or an array of integers', got: fmtValue(dims) });
  }
  const out = list.map((d: unknown) => {
    if (typeof d !== 'number') throw new ValueError({ op, arg, expected: 'an array of integers', got: fmtValue(dims) });
    return normDim(op, d, rank, arg);
  });
  if (new Set(out).size !== out.length) {
    throw new ValueError({ op, arg, expected: 'distinct dimensions', got: fmtValue(dims) });
  }
  return out;
}

// ---- permute ---------------------------------------------------------------------------------

export const permuteOp = defineOp<readonly number[], PermuteInfo>({
  name: 'permute',
  reference: layoutKernels.permute,
  info: ([x], dims) => {
    const rank = x!.shape.length;
    const perm = normDims('permute', dims, rank);
    if (perm.length !== rank) {
      throw new ShapeError({
        op: 'permute',
        arg: 'dims',
        expected: `a permutation of ${rank} dimensions`,
        got: fmtValue(dims),
        message: `permute: dims ${fmtValue(dims)} has ${perm.length} entries but the input ${fmtShape(x!.shape)} has ${rank} dimensions`,
      });
    }
    const outShape = perm.map((p) => x!.shape[p]!);
    return { outShapes: [outShape], outDtypes: [x!.dtype], inShape: x!.shape, outShape, perm };
  },
  vjp: ({ info }, [g]) => {
    const inv = new Array<number>(info.perm.length);
    info.perm.forEach((p, d) => (inv[p] = d));
    return [permute(g!, inv)];
  },
});

/** Reorders dimensions: output dimension d is input dimension dims[d] (a copy). */
export function permute(input: Tensor, dims: readonly number[]): Tensor {
  expectTensor('permute', 'input', input);
  return apply1(permuteOp, [input], dims);
}

/** Swaps two dimensions. */
export function transpose(input: Tensor, dim0: number, dim1: number): Tensor {
  expectTensor('transpose', 'input', input);
  const r = input.shape.length;
  const a = normDim('transpose', dim0, r, 'dim0');
  const b = normDim('transpose', dim1, r, 'dim1');
  if (a === b || r < 2) return input;
  const perm = input.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return apply1(permuteOp, [input], perm);
}

/** Transposes a 2-d tensor; 0-d and 1-d tensors are returned as they are (like torch.t). */
export function t(input: Tensor): Tensor {
  expectTensor('t', 'input', input);
  if (input.shape.length > 2) {
    throw new ShapeError({
      op: 't',
      arg: 'input',
      expected: 'a tensor with at most 2 dimensions',
      got: `shape ${fmtShape(input.shape)}`,
      message: `t: expected a tensor with at most 2 dimensions, got shape ${fmtShape(input.shape)}; use transpose(input, dim0, dim1)`,
    });
  }
  return input.shape.length < 2 ? input : transpose(input, 0, 1);
}

// ---- reshapes --------------------------------------------------------------------------------

/** Merges dimensions startDim..endDim into one (a 0-d input becomes 1-d). Shares data. */
export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  expectTensor('flatten', 'input', input);
  const r = input.shape.length;
  if (r === 0) {
    normDim('flatten', startDim, 0, 'startDim');
    normDim('flatten', endDim, 0, 'endDim');
    return reshape(input, [1]);
  }
  const s = normDim('flatten', startDim, r, 'startDim');
  const e = normDim('flatten', endDim, r, 'endDim');
  if (s > e) {
    throw new ValueError({
      op: 'flatten',
      arg: 'endDim',
      expected: `a dimension at or after startDim (${s})`,
      got: `${endDim} (dimension ${e})`,
      message: `flatten: startDim ${startDim} (dimension ${s}) comes after endDim ${endDim} (dimension ${e})`,
    });
  }
  const mid = input.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(input, [...input.shape.slice(0, s), mid, ...input.shape.slice(e + 1)]);
}

/** Removes dimensions of size 1: all of them, or those among `dim` (others are left). Shares data. */
export function squeeze(input: Tensor, dim?: number | readonly number[]): Tensor {
  expectTensor('squeeze', 'input', input);
  const r = input.shape.length;
  const dims = dim === undefined ? input.shape.map((_, i) => i) : normDims('squeeze', dim, r, 'dim');
  return reshape(input, input.shape.filter((d, i) => !(d === 1 && dims.includes(i))));
}

/** Inserts a dimension of size 1 at `dim` (in [-rank-1, rank]). Shares data. */
export function unsqueeze(input: Tensor, dim: number): Tensor {
  expectTensor('unsqueeze', 'input', input);
  const r = input.shape.length;
  const d = normDim('unsqueeze', dim, r + 1);
  return reshape(input, [...input.shape.slice(0, d), 1, ...input.shape.slice(d)]);
}

// ---- flip and roll ---------------------------------------------------------------------------

export const flipOp = defineOp<readonly number[], FlipInfo>({
  name: 'flip',
  reference: layoutKernels.flip,
  info: ([x], dims) => {
    const d = normDims('flip', dims, x!.shape.length);
    return { outShapes: [x!.shape], outDtypes: [x!.dtype], shape: x!.shape, dims: d };
  },
  vjp: ({ info }, [g]) => [flip(g!, info.dims)],
});

/** Reverses the order of elements along `dims`. */
export function flip(input: Tensor, dims: number | readonly number[]): Tensor {
  expectTensor('flip', 'input', input);
  return apply1(flipOp, [input], typeof dims === 'number' ? [dims] : dims);
}

export interface RollAttrs {
  readonly shifts: readonly number[];
  readonly dims: readonly number[];
}

export const rollOp = defineOp<RollAttrs, RollInfo>({
  name: 'roll',
  reference: layoutKernels.roll,
  info: ([x], a) => {
    const rank = x!.shape.length;
    if (!a.shifts.every((s) => typeof s === 'number' && Number.isInteger(s))) {
      throw new ValueError({ op: 'roll', arg: 'shifts', expected: 'an integer or an array of integers', got: fmtValue(a.shifts) });
    }
    const dims = a.dims.map((d) => normDim('roll', d, rank, 'dims'));
    if (dims.length !== a.shifts.length) {
      throw new ValueError({
        op: 'roll',
        arg: 'dims',
        expected: `one dimension per shift (${a.shifts.length})`,
        got: fmtValue(a.dims),
        message: `roll: shifts ${fmtValue(a.shifts)} and dims ${fmtValue(a.dims)} must have the same length`,
      });
    }
    const shifts = new Array<number>(rank).fill(0);
    dims.forEach((d, k) => {
      const n = x!.shape[d]!;
      // a dimension listed twice rolls by the sum of its shifts (as torch does)
      if (n > 0) shifts[d] = (((shifts[d]! + a.shifts[k]!) % n) + n) % n;
    });
    return { outShapes: [x!.shape], outDtypes: [x!.dtype], shape: x!.shape, shifts };
  },
  vjp: ({ info }, [g]) => {
    const dims = info.shape.map((_, i) => i);
    return [roll(g!, info.shifts.map((s) => -s), dims)];
  },
});

/**
 * Rolls elements along `dims` by `shifts` (an element at i moves to i + shift, wrapping). Without
 * `dims` the tensor is rolled as if flattened (shifts must then be one integer).
 */
export function roll(input: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  expectTensor('roll', 'input', input);
  const sh = typeof shifts === 'number' ? [shifts] : shifts;
  if (!Array.isArray(sh)) throw new ValueError({ op: 'roll', arg: 'shifts', expected: 'an integer or an array of integers', got: fmtValue(shifts) });
  if (dims === undefined || dims === null) {
    if (sh.length !== 1) {
      throw new ValueError({ op: 'roll', arg: 'shifts', expected: 'one shift when dims is omitted', got: fmtValue(shifts) });
    }
    const flat = reshape(input, [input.numel]);
    return reshape(apply1(rollOp, [flat], { shifts: sh, dims: [0] }), input.shape);
  }
  const ds = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(ds)) throw new ValueError({ op: 'roll', arg: 'dims', expected: 'an integer or an array of integers', got: fmtValue(dims) });
  return apply1(rollOp, [input], { shifts: sh, dims: ds });
}

// ---- repeat and tile (compositions of reshape and expand) -------------------------------------

function checkReps(op: string, reps: unknown, arg: string): number[] {
  if (!Array.isArray(reps) || !reps.every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0)) {
    throw new ValueError({ op, arg, expected: 'an array of non-negative integers', got: fmtValue(reps) });
  }
  return reps as number[];
}

/**
 * Tiles `input` `repeats[d]` times along each dimension (torch's Tensor.repeat); `repeats` may be
 * longer than the rank (new leading dimensions) but not shorter.
 */
export function repeat(input: Tensor, repeats: readonly number[]): Tensor {
  expectTensor('repeat', 'input', input);
  const reps = checkReps('repeat', repeats, 'repeats');
  const r = input.shape.length;
  if (reps.length < r) {
    throw new ShapeError({
      op: 'repeat',
      arg: 'repeats',
      expected: `at least ${r} values (one per input dimension)`,
      got: fmtValue(repeats),
      message: `repeat: repeats ${fmtValue(repeats)} has fewer entries than the input ${fmtShape(input.shape)} has dimensions`,
    });
  }
  const shape = [...new Array<number>(reps.length - r).fill(1), ...input.shape];
  // view as [1, s0, 1, s1, ...], broadcast to [r0, s0, r1, s1, ...], merge each pair
  const inter = shape.flatMap((s) => [1, s]);
  const big = shape.flatMap((s, i) => [reps[i]!, s]);
  return reshape(expand(reshape(input, inter), big), shape.map((s, i) => s * reps[i]!));
}

/** Like repeat, but a shorter `dims` is padded with leading 1s (torch.tile). */
export function tile(input: Tensor, dims: readonly number[]): Tensor {
  expectTensor('tile', 'input', input);
  const reps = checkReps('tile', dims, 'dims');
  const r = input.shape.length;
  return repeat(input, reps.length < r ? [...new Array<number>(r - reps.length).fill(1), ...reps] : reps);
}

// ---- clone and dtype conversion --------------------------------------------------------------

export const cloneOp = defineOp<void, CopyInfo>({
  name: 'clone',
  reference: layoutKernels.clone,
  info: ([x]) => ({ outShapes: [x!.shape], outDtypes: [x!.dtype], n: x!.numel, inDtype: x!.dtype }),
  vjp: (_c, [g]) => [g!],
});

/** A copy with its own data (still in the graph). */
export function clone(input: Tensor): Tensor {
  expectTensor('clone', 'input', input);
  return apply1(cloneOp, [input], undefined);
}

export const toOp = defineOp<DType, CopyInfo>({
  name: 'to',
  reference: layoutKernels.to,
  info: ([x], dtype) => {
    if (!isDType(dtype)) throw new ValueError({ op: 'to', arg: 'dtype', expected: '"float32", "float64" or "int32"', got: fmtValue(dtype) });
    return { outShapes: [x!.shape], outDtypes: [dtype], n: x!.numel, inDtype: x!.dtype };
  },
  // only float -> float conversions are recorded (int32 outputs carry no gradient)
  vjp: ({ info }, [g]) => [to(g!, info.inDtype)],
});

/**
 * Converts to `dtype` ('float32' | 'float64' | 'int32'); float -> int32 truncates toward zero.
 * Returns `input` itself when it already has that dtype (like torch).
 */
export function to(input: Tensor, dtype: DType): Tensor {
  expectTensor('to', 'input', input);
  if (isDType(dtype) && input.dtype === dtype) return input;
  return apply1(toOp, [input], dtype);
}
