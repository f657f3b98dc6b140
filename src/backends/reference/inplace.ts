/** Reference kernels of the in-place writes: copy (broadcasting, converting dtype) and fill. */
import type { CopyInPlaceInfo, FillInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { rows1 } from './elementwise_walk.js';

/** dst ← src broadcast to dst's shape; float → int32 truncates toward zero, as torch does. */
const copy: Kernel<CopyInPlaceInfo> = (info, [dst], [, src]) => {
  const o = dst!;
  const s = src!;
  const trunc = o instanceof Int32Array && !(s instanceof Int32Array);
  rows1(info.outShape, info.srcStrides, (oi, si, n, ds) => {
    if (trunc) for (let k = 0; k < n; k++, si += ds) o[oi + k] = Math.trunc(s[si]!);
    else for (let k = 0; k < n; k++, si += ds) o[oi + k] = s[si]!;
  });
};

const fill: Kernel<FillInfo> = (info, [dst]) => {
  dst!.fill(info.value);
};

export const inplaceKernels = { copy, fill };
