/**
 * Broadcast walking for element-wise kernels. The output is contiguous; each operand is read with
 * per-dimension strides (0 where it is broadcast). Dimensions are first coalesced: size-1
 * dimensions are dropped and neighbours d, d+1 merge when every operand has
 * stride[d] = stride[d+1]·size[d+1] (one linear run). The kernel then gets one callback per
 * innermost run `row(outOffset, offsets..., n, innerStrides...)` and does the per-element work in
 * its own tight loop, so no closure is called per element.
 */

import type { BinaryInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';

export interface Runs {
  /** Coalesced shape (at least one dimension). */
  readonly shape: number[];
  /** Coalesced strides, one array per operand. */
  readonly strides: number[][];
}

export function coalesce(shape: readonly number[], operandStrides: readonly (readonly number[])[]): Runs {
  const keep: number[] = [];
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) keep.push(d);
  const outShape: number[] = [];
  const outStrides: number[][] = operandStrides.map(() => []);
  for (const d of keep) {
    const n = shape[d]!;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && operandStrides.every((s, k) => outStrides[k]![last] === s[d]! * n);
    if (mergeable) {
      outShape[last] = outShape[last]! * n;
      operandStrides.forEach((s, k) => {
        outStrides[k]![last] = s[d]!;
      });
    } else {
      outShape.push(n);
      operandStrides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/** Visits the innermost runs for one operand. */
export function rows1(
  shape: readonly number[],
  sa: readonly number[],
  row: (o: number, a: number, n: number, da: number) => void,
): void {
  const { shape: s, strides } = coalesce(shape, [sa]);
  const A = strides[0]!;
  forRows(s, (o, idx, n) => {
    let a = 0;
    for (let d = 0; d < idx.length; d++) a += idx[d]! * A[d]!;
    row(o, a, n, A[s.length - 1]!);
  });
}

/** Visits the innermost runs for two operands. */
export function rows2(
  shape: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
  row: (o: number, a: number, b: number, n: number, da: number, db: number) => void,
): void {
  const { shape: s, strides } = coalesce(shape, [sa, sb]);
  const A = strides[0]!;
  const B = strides[1]!;
  const L = s.length - 1;
  forRows(s, (o, idx, n) => {
    let a = 0;
    let b = 0;
    for (let d = 0; d < idx.length; d++) {
      a += idx[d]! * A[d]!;
      b += idx[d]! * B[d]!;
    }
    row(o, a, b, n, A[L]!, B[L]!);
  });
}

/** Visits the innermost runs for three operands. */
export function rows3(
  shape: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
  sc: readonly number[],
  row: (o: number, a: number, b: number, c: number, n: number, da: number, db: number, dc: number) => void,
): void {
  const { shape: s, strides } = coalesce(shape, [sa, sb, sc]);
  const A = strides[0]!;
  const B = strides[1]!;
  const C = strides[2]!;
  const L = s.length - 1;
  forRows(s, (o, idx, n) => {
    let a = 0;
    let b = 0;
    let c = 0;
    for (let d = 0; d < idx.length; d++) {
      a += idx[d]! * A[d]!;
      b += idx[d]! * B[d]!;
      c += idx[d]! * C[d]!;
    }
    row(o, a, b, c, n, A[L]!, B[L]!, C[L]!);
  });
}

/**
 * Calls `row(outOffset, outerIndex, n)` for each run of the last dimension of `shape`, where
 * outerIndex is the multi-index over the leading dimensions (reused between calls).
 */
function forRows(shape: readonly number[], row: (o: number, idx: Int32Array, n: number) => void): void {
  const L = shape.length - 1;
  const n = shape[L]!;
  let rows = 1;
  for (let d = 0; d < L; d++) rows *= shape[d]!;
  if (rows === 0 || n === 0) return;
  const idx = new Int32Array(L);
  for (let r = 0; r < rows; r++) {
    row(r * n, idx, n);
    for (let d = L - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** A contiguous run kernel: n outputs from oi, the inputs advancing by da / db (0 = broadcast). */
export type Run = (o: Data, a: Data, b: Data, oi: number, ia: number, ib: number, n: number, da: number, db: number) => void;

/** Runs `run` over every broadcast run (the whole array at once when no broadcasting happens). */
export function binary(run: Run): Kernel<BinaryInfo> {
  return (info, [out], [a, b]) => {
    const o = out!;
    const x = a!;
    const y = b!;
    if (info.same) {
      run(o, x, y, 0, 0, 0, o.length, 1, 1);
      return;
    }
    rows2(info.outShape, info.aStrides, info.bStrides, (oi, ia, ib, n, da, db) => run(o, x, y, oi, ia, ib, n, da, db));
  };
}
