/**
 * The iteration plan shared by reduction kernels. The input's dimensions split into kept ones
 * (indexing the output) and reduced ones (indexing a group). Input offset = base[o] + rel[k]:
 * `base` for each output element o (row-major over the kept dimensions, i.e. the output order)
 * and `rel` for each position k of a group (row-major over the reduced dimensions, so for a
 * single reduced dimension k is the index along it, and for a full reduction k is the flat index).
 */
import { stridesOf } from '../../shape.js';

export interface ReducePlan {
  readonly base: Int32Array;
  readonly rel: Int32Array;
}

/**
 * Offsets of all elements of the sub-grid spanned by `dims`, row-major over those dims. Built
 * from the innermost dim outwards: with the first `len` entries holding the offsets over the
 * inner dims, block i of the next dim is those entries plus i·stride.
 */
function offsets(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Int32Array {
  let n = 1;
  for (const d of dims) n *= shape[d]!;
  const out = new Int32Array(n);
  if (n === 0) return out;
  let len = 1;
  for (let j = dims.length - 1; j >= 0; j--) {
    const d = dims[j]!;
    const size = shape[d]!;
    const st = strides[d]!;
    for (let i = 1; i < size; i++) {
      const add = i * st;
      const dst = i * len;
      for (let k = 0; k < len; k++) out[dst + k] = out[k]! + add;
    }
    len *= size;
  }
  return out;
}

export function reducePlan(inShape: readonly number[], dims: readonly number[]): ReducePlan {
  const strides = stridesOf(inShape);
  const kept: number[] = [];
  for (let d = 0; d < inShape.length; d++) if (!dims.includes(d)) kept.push(d);
  return { base: offsets(inShape, strides, kept), rel: offsets(inShape, strides, dims) };
}
