/** Reference kernels for permute, flip, roll, clone and dtype conversion. */
import type { CopyInfo, FlipInfo, PermuteInfo, RollInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { gatherMaps, identityMap, stridesFor } from './movement_engine.js';

const permute: Kernel<PermuteInfo> = (info, [out], [x]) => {
  const st = stridesFor(info.inShape);
  const maps = info.perm.map((p, d) => identityMap(info.outShape[d]!, st[p]!));
  gatherMaps(info.outShape, maps, x!, out!);
};

const flip: Kernel<FlipInfo> = (info, [out], [x]) => {
  const st = stridesFor(info.shape);
  const maps = info.shape.map((n, d) => {
    const m = identityMap(n, st[d]!);
    return info.dims.includes(d) ? m.reverse() : m;
  });
  gatherMaps(info.shape, maps, x!, out!);
};

// output position o reads input position (o - shift) mod n
const roll: Kernel<RollInfo> = (info, [out], [x]) => {
  const st = stridesFor(info.shape);
  const maps = info.shape.map((n, d) => {
    const s = info.shifts[d]!;
    const m = new Int32Array(n);
    for (let o = 0; o < n; o++) m[o] = ((o - s + n) % n) * st[d]!;
    return m;
  });
  gatherMaps(info.shape, maps, x!, out!);
};

const clone: Kernel<CopyInfo> = (_info, [out], [x]) => {
  out!.set(x!);
};

// typed-array conversion: float -> int32 truncates toward zero, float64 -> float32 rounds to nearest
const to: Kernel<CopyInfo> = (_info, [out], [x]) => {
  out!.set(x!);
};

export const layoutKernels = { permute, flip, roll, clone, to };
