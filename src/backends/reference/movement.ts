/** Reference kernels for movement ops. */
import type { Kernel } from '../../backend.js';
import type { ExpandInfo } from '../../ops/movement.js';
import { walk } from './index_walk.js';

const expand: Kernel<ExpandInfo> = (info, [out], [x]) => {
  const o = out!;
  const src = x!;
  walk(info.outShape, info.inStrides, (i, off) => {
    o[i] = src[off]!;
  });
};

export const movementKernels = { expand };
