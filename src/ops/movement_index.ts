/**
 * Indexing with int32 index tensors: indexSelect (and its scatter-back gradient op), gather and
 * scatterAdd (each other's gradients). Index values are checked in the shape rule, before any
 * kernel runs: an out-of-range index is a ValueError naming the index and the dimension size.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { normDim, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import { zeros } from '../creation.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectSameDtype, expectTensor } from '../op.js';
import { pad } from './movement_pad.js';
import { indexKernels } from '../backends/reference/movement_index.js';
import type { IndexSelectInfo, GatherInfo } from '../plans.js';
export type { IndexSelectInfo, GatherInfo } from '../plans.js';

function expectIndex(op: string, index: Tensor, arg = 'index'): void {
  if (index.dtype !== 'int32') {
    throw new DTypeError({ op, arg, expected: 'an int32 tensor of indices', got: `a ${index.dtype} tensor` });
  }
}

/** Checks every value of `index` is in [0, n). */
function checkRange(op: string, index: Tensor, n: number, dim: number): void {
  const d = valuesOf(index);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < 0 || v >= n) {
      throw new ValueError({
        op,
        arg: 'index',
        expected: `indices in [0, ${n - 1}] for dimension ${dim} of size ${n}`,
        got: `${v} at position ${i}`,
        message: `${op}: index ${v} (at position ${i} of index) is out of range for dimension ${dim} with size ${n}`,
      });
    }
  }
}

// ---- indexSelect -----------------------------------------------------------------------------

export const indexSelectOp = defineOp<number, IndexSelectInfo>({
  name: 'indexSelect',
  reference: indexKernels.indexSelect,
  info: ([x, index], dim) => {
    const op = 'indexSelect';
    expectIndex(op, index!);
    if (index!.shape.length > 1) {
      throw new ShapeError({ op, arg: 'index', expected: 'a 0-d or 1-d tensor', got: `shape ${fmtShape(index!.shape)}` });
    }
    if (x!.shape.length === 0) throw new ShapeError({ op, arg: 'input', expected: 'a tensor with at least one dimension', got: 'a 0-d tensor' });
    const d = normDim(op, dim, x!.shape.length);
    checkRange(op, index!, x!.shape[d]!, d);
    const outShape = x!.shape.map((s, k) => (k === d ? index!.numel : s));
    return { outShapes: [outShape], outDtypes: [x!.dtype], inShape: x!.shape, outShape, dim: d };
  },
  vjp: ({ info, inputs }, [g]) => [apply1(indexSelectBackwardOp, [g!, inputs[1]!], info), null],
});

/** The adjoint of indexSelect: adds gradient slices back at their indices (repeats accumulate). */
export const indexSelectBackwardOp = defineOp<IndexSelectInfo, IndexSelectInfo>({
  name: 'indexSelectBackward',
  reference: indexKernels.indexSelectBackward,
  info: ([g, index], fwd) => {
    if (!sameShape(g!.shape, fwd.outShape)) {
      throw new ShapeError({ op: 'indexSelectBackward', arg: 'grad', expected: `shape ${fmtShape(fwd.outShape)}`, got: fmtShape(g!.shape) });
    }
    expectIndex('indexSelectBackward', index!);
    return { ...fwd, outShapes: [fwd.inShape], outDtypes: [g!.dtype] };
  },
  vjp: ({ info, inputs }, [gg]) => [indexSelect(gg!, info.dim, inputs[1]!), null],
});

/** Picks the slices at `index` (an int32 0-d or 1-d tensor) along `dim`. */
export function indexSelect(input: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('indexSelect', 'input', input);
  expectTensor('indexSelect', 'index', index);
  return apply1(indexSelectOp, [input, index], dim);
}

// ---- gather and scatterAdd -------------------------------------------------------------------

/**
 * torch's rule: same rank; index.size(d) <= self.size(d) for d != dim, and (scatter) index.size(d)
 * <= src.size(d) for every d. Index values must lie in [0, self.size(dim)).
 */
function gatherCheck(op: string, self: Tensor, index: Tensor, src: Tensor | null, dim: number): number {
  expectIndex(op, index);
  const r = self.shape.length;
  const d = normDim(op, dim, r);
  for (const [name, t] of [['index', index], ...(src ? [['src', src]] : [])] as [string, Tensor][]) {
    if (t.shape.length !== r) {
      throw new ShapeError({
        op,
        arg: name,
        expected: `a ${r}-d tensor like input ${fmtShape(self.shape)}`,
        got: `shape ${fmtShape(t.shape)}`,
        message: `${op}: ${name} ${fmtShape(t.shape)} must have as many dimensions as input ${fmtShape(self.shape)}`,
      });
    }
  }
  index.shape.forEach((s, k) => {
    if (k !== d && s > (self.shape[k] ?? 1)) {
      throw new ShapeError({
        op,
        arg: 'index',
        expected: `size at most ${self.shape[k]} at dimension ${k}`,
        got: `shape ${fmtShape(index.shape)}`,
        message: `${op}: index ${fmtShape(index.shape)} is larger than input ${fmtShape(self.shape)} at dimension ${k} (only dimension ${d} may differ)`,
      });
    }
    if (src && s > (src.shape[k] ?? 1)) {
      throw new ShapeError({
        op,
        arg: 'index',
        expected: `size at most ${src.shape[k]} at dimension ${k}`,
        got: `shape ${fmtShape(index.shape)}`,
        message: `${op}: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} at dimension ${k}`,
      });
    }
  });
  checkRange(op, index, self.shape[d] ?? 1, d);
  return d;
}

export const gatherOp = defineOp<number, GatherInfo>({
  name: 'gather',
  reference: indexKernels.gather,
  info: ([x, index], dim) => {
    const d = gatherCheck('gather', x!, index!, null, dim);
    return { outShapes: [index!.shape], outDtypes: [x!.dtype], selfShape: x!.shape, indexShape: index!.shape, srcShape: index!.shape, dim: d };
  },
  vjp: ({ info, inputs }, [g]) => [scatterAdd(zeros(info.selfShape, { dtype: g!.dtype }), info.dim, inputs[1]!, g!), null],
});

/** out[i][j][k] = input[index[i][j][k]][j][k] for dim 0 (and likewise for other dims). */
export function gather(input: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('gather', 'input', input);
  expectTensor('gather', 'index', index);
  return apply1(gatherOp, [input, index], dim);
}

export const scatterAddOp = defineOp<number, GatherInfo>({
  name: 'scatterAdd',
  reference: indexKernels.scatterAdd,
  info: ([x, index, src], dim) => {
    const op = 'scatterAdd';
    const dtype = expectSameDtype(op, [['input', x!], ['src', src!]]);
    const d = gatherCheck(op, x!, index!, src!, dim);
    return { outShapes: [x!.shape], outDtypes: [dtype], selfShape: x!.shape, indexShape: index!.shape, srcShape: src!.shape, dim: d };
  },
  vjp: ({ info, inputs, needs }, [g]) => {
    let gs: Tensor | null = null;
    if (needs[2]) {
      gs = gather(g!, info.dim, inputs[1]!);
      // src elements outside the index's extent were never read: zero gradient
      if (!sameShape(info.srcShape, info.indexShape)) {
        gs = pad(gs, padList(info.indexShape, info.srcShape));
      }
    }
    return [needs[0] ? g! : null, null, gs];
  },
});

/** pad() list (last dimension first) that grows `from` at the end of each dimension to `to`. */
function padList(from: Shape, to: Shape): number[] {
  const out: number[] = [];
  for (let k = from.length - 1; k >= 0; k--) out.push(0, (to[k] ?? 1) - from[k]!);
  return out;
}

/**
 * A copy of `input` with each src element added at the position index names along `dim`:
 * out[index[i][j]][j] += src[i][j] for dim 0. Repeated indices accumulate.
 */
export function scatterAdd(input: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  expectTensor('scatterAdd', 'input', input);
  expectTensor('scatterAdd', 'index', index);
  expectTensor('scatterAdd', 'src', src);
  return apply1(scatterAddOp, [input, index, src], dim);
}
