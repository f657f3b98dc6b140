/** Reference kernels for movement ops (the families' tables are merged here). */
import type { ExpandInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { gatherMaps, identityMap } from './movement_engine.js';
import { padKernels } from './movement_pad.js';
import { layoutKernels } from './movement_layout.js';
import { joinKernels } from './movement_join.js';
import { indexKernels } from './movement_index.js';

// broadcast dimensions read with stride 0
const expand: Kernel<ExpandInfo> = (info, [out], [x]) => {
  const maps = info.outShape.map((n, d) => identityMap(n, info.inStrides[d]!));
  gatherMaps(info.outShape, maps, x!, out!);
};

export const movementKernels = { expand, ...padKernels, ...layoutKernels, ...joinKernels, ...indexKernels };
