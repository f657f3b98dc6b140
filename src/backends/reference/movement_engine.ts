/**
 * The copy engine behind most movement kernels. A movement op whose output element at multi-index
 * (o_0, ..., o_{r-1}) reads input offset Σ_d map_d[o_d] is described by one table per output
 * dimension (`maps`): permute, flip, roll, slice, pad, index_select, expand and repeat are all of
 * this form. A negative table entry means "no source" (constant padding): the element gets `fill`.
 * The adjoint (`scatterMaps`) adds each output element back into its source, which is the
 * gradient of any such op (entries hit several times accumulate, e.g. reflect padding).
 */
import type { Data } from '../../dtype.js';

/** Row-major strides of `shape`. */
export function stridesFor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** The identity table of a dimension of size n read with `stride`. */
export function identityMap(n: number, stride: number): Int32Array {
  const m = new Int32Array(n);
  for (let i = 0; i < n; i++) m[i] = i * stride;
  return m;
}

/**
 * Walks the rows (all dimensions but the last) of `outShape`, calling `row(outOffset, srcBase)`
 * with srcBase = -1 when some table entry of the row is negative. Written as a counter loop so
 * that kernels do their per-element work in their own tight inner loops.
 */
function forEachRow(outShape: readonly number[], maps: readonly Int32Array[], row: (outOff: number, base: number) => void): void {
  const r = outShape.length;
  const last = outShape[r - 1]!;
  let rows = 1;
  for (let d = 0; d < r - 1; d++) rows *= outShape[d]!;
  if (rows === 0 || last === 0) return;
  const idx = new Int32Array(Math.max(r - 1, 1));
  for (let k = 0; k < rows; k++) {
    let base = 0;
    for (let d = 0; d < r - 1; d++) {
      const m = maps[d]![idx[d]!]!;
      if (m < 0) {
        base = -1;
        break;
      }
      base += m;
    }
    row(k * last, base);
    for (let d = r - 2; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** out[o] = src[Σ_d maps[d][o_d]] (or `fill` where an entry is negative). */
export function gatherMaps(outShape: readonly number[], maps: readonly Int32Array[], src: Data, out: Data, fill = 0): void {
  if (outShape.length === 0) {
    out[0] = src[0]!;
    return;
  }
  // one source element and no padding (e.g. the gradient of a full sum): a fill
  if (src.length === 1 && maps.every((m) => m.every((v) => v === 0))) {
    out.fill(src[0]!);
    return;
  }
  const lastMap = maps[outShape.length - 1]!;
  const last = lastMap.length;
  const contiguous = lastMap.every((v, j) => v === j);
  forEachRow(outShape, maps, (o, base) => {
    if (base < 0) {
      out.fill(fill, o, o + last);
      return;
    }
    if (contiguous) {
      for (let j = 0; j < last; j++) out[o + j] = src[base + j]!;
      return;
    }
    for (let j = 0; j < last; j++) {
      const m = lastMap[j]!;
      out[o + j] = m < 0 ? fill : src[base + m]!;
    }
  });
}

/** acc[Σ_d maps[d][o_d]] += g[o] for every element of g (entries with a negative table are dropped). */
export function scatterMaps(gShape: readonly number[], maps: readonly Int32Array[], g: Data, acc: Data | Float64Array): void {
  if (gShape.length === 0) {
    acc[0] = acc[0]! + g[0]!;
    return;
  }
  const lastMap = maps[gShape.length - 1]!;
  const last = lastMap.length;
  forEachRow(gShape, maps, (o, base) => {
    if (base < 0) return;
    for (let j = 0; j < last; j++) {
      const m = lastMap[j]!;
      if (m >= 0) acc[base + m] = acc[base + m]! + g[o + j]!;
    }
  });
}

/**
 * Runs `scatterMaps` into a float64 scratch when the destination is float32 (so that several
 * contributions to one element are summed exactly before a single rounding), then stores.
 */
export function scatterInto(out: Data, gShape: readonly number[], maps: readonly Int32Array[], g: Data): void {
  if (out instanceof Float32Array) {
    const acc = new Float64Array(out.length);
    scatterMaps(gShape, maps, g, acc);
    out.set(acc);
  } else {
    scatterMaps(gShape, maps, g, out);
  }
}
