/** Reference kernels for indexSelect (and its backward), gather and scatterAdd. */
import type { GatherInfo, IndexSelectInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import { gatherMaps, identityMap, scatterInto, stridesFor } from './movement_engine.js';

function indexSelectMaps(info: IndexSelectInfo, index: Data): Int32Array[] {
  const st = stridesFor(info.inShape);
  return info.outShape.map((n, d) => {
    if (d !== info.dim) return identityMap(n, st[d]!);
    const m = new Int32Array(n);
    for (let j = 0; j < n; j++) m[j] = index[j]! * st[d]!;
    return m;
  });
}

const indexSelect: Kernel<IndexSelectInfo> = (info, [out], [x, index]) => {
  gatherMaps(info.outShape, indexSelectMaps(info, index!), x!, out!);
};

const indexSelectBackward: Kernel<IndexSelectInfo> = (info, [out], [g, index]) => {
  scatterInto(out!, info.outShape, indexSelectMaps(info, index!), g!);
};

/**
 * For each element p of the index tensor (row-major), the offset of the same multi-index in a
 * tensor of shape `shape`, with the indexed dimension `dim` left at 0.
 */
function baseOffsets(indexShape: readonly number[], shape: readonly number[], dim: number): Int32Array {
  const n = indexShape.reduce((p, s) => p * s, 1);
  const st = stridesFor(shape);
  const r = indexShape.length;
  const out = new Int32Array(n);
  const idx = new Int32Array(Math.max(r, 1));
  let off = 0;
  for (let p = 0; p < n; p++) {
    out[p] = off;
    for (let d = r - 1; d >= 0; d--) {
      const s = d === dim ? 0 : st[d]!;
      if (++idx[d]! < indexShape[d]!) {
        off += s;
        break;
      }
      off -= s * (indexShape[d]! - 1);
      idx[d] = 0;
    }
  }
  return out;
}

const gather: Kernel<GatherInfo> = (info, [out], [x, index]) => {
  const o = out!;
  const src = x!;
  const ix = index!;
  const base = baseOffsets(info.indexShape, info.selfShape, info.dim);
  const sd = info.selfShape.length === 0 ? 0 : stridesFor(info.selfShape)[info.dim]!;
  for (let p = 0; p < base.length; p++) o[p] = src[base[p]! + ix[p]! * sd]!;
};

const scatterAdd: Kernel<GatherInfo> = (info, [out], [x, index, src]) => {
  const o = out!;
  const ix = index!;
  const s = src!;
  const acc: Data | Float64Array = o instanceof Float32Array ? new Float64Array(o.length) : o;
  acc.set(x!);
  const baseSelf = baseOffsets(info.indexShape, info.selfShape, info.dim);
  const baseSrc = baseOffsets(info.indexShape, info.srcShape, -1);
  const sd = info.selfShape.length === 0 ? 0 : stridesFor(info.selfShape)[info.dim]!;
  for (let p = 0; p < baseSelf.length; p++) {
    const t = baseSelf[p]! + ix[p]! * sd;
    acc[t] = acc[t]! + s[baseSrc[p]!]!;
  }
  if (acc !== o) o.set(acc);
};

export const indexKernels = { indexSelect, indexSelectBackward, gather, scatterAdd };
