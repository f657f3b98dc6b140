/**
 * Index walking shared by reference kernels: calls `body(outIndex, srcOffset)` for each element of
 * `shape` in row-major order, with `srcOffset` advanced by per-dimension `strides` (0 = broadcast).
 */
export function walk(shape: readonly number[], strides: readonly number[], body: (i: number, off: number) => void): void {
  const rank = shape.length;
  const n = shape.reduce((p, d) => p * d, 1);
  if (n === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    body(i, off);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** Like `walk` for two sources at once (binary broadcasting). */
export function walk2(
  shape: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
  body: (i: number, offA: number, offB: number) => void,
): void {
  const rank = shape.length;
  const n = shape.reduce((p, d) => p * d, 1);
  if (n === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let oa = 0;
  let ob = 0;
  for (let i = 0; i < n; i++) {
    body(i, oa, ob);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      oa += sa[d]!;
      ob += sb[d]!;
      if (idx[d]! < shape[d]!) break;
      oa -= sa[d]! * shape[d]!;
      ob -= sb[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
