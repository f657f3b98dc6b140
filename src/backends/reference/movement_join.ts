/** Reference kernels for slice (and its backward), cat and split. */
import type { CatInfo, SliceInfo, SplitInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { gatherMaps, identityMap, scatterMaps, stridesFor } from './movement_engine.js';

export function sliceMaps(info: SliceInfo): Int32Array[] {
  const st = stridesFor(info.inShape);
  return info.outShape.map((n, d) => {
    if (d !== info.dim) return identityMap(n, st[d]!);
    const m = new Int32Array(n);
    for (let j = 0; j < n; j++) m[j] = (info.start + j * info.step) * st[d]!;
    return m;
  });
}

const slice: Kernel<SliceInfo> = (info, [out], [x]) => {
  gatherMaps(info.outShape, sliceMaps(info), x!, out!);
};

// slice selects distinct positions, so scattering back never accumulates: plain stores suffice
const sliceBackward: Kernel<SliceInfo> = (info, [out], [g]) => {
  scatterMaps(info.outShape, sliceMaps(info), g!, out!);
};

// for each outer index the inputs' chunks lie one after another in the output
const cat: Kernel<CatInfo> = (info, [out], ins) => {
  const o = out!;
  let off = 0;
  for (let k = 0; k < info.outer; k++) {
    for (let i = 0; i < ins.length; i++) {
      const c = info.chunks[i]!;
      if (c === 0) continue;
      o.set(ins[i]!.subarray(k * c, (k + 1) * c), off);
      off += c;
    }
  }
};

const split: Kernel<SplitInfo> = (info, outs, [x]) => {
  const src = x!;
  let off = 0;
  for (let k = 0; k < info.outer; k++) {
    for (let i = 0; i < outs.length; i++) {
      const c = info.chunks[i]!;
      if (c === 0) continue;
      outs[i]!.set(src.subarray(off, off + c), k * c);
      off += c;
    }
  }
};

export const joinKernels = { slice, sliceBackward, cat, split };
