/** Reference kernels for pad and its backward. */
import type { PadInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import { gatherMaps, scatterInto, stridesFor } from './movement_engine.js';

/**
 * For each dimension, the input offset each output position reads (-1: the constant).
 * With i = o - before the source index is i itself inside [0, n), else:
 *   reflect:   mirror about the edge elements (-1 -> 1, n -> n-2)
 *   replicate: clamp to [0, n-1]
 *   circular:  negative pads crop to [start, start + m); positive pads wrap around that range
 */
export function padMaps(info: PadInfo): Int32Array[] {
  const strides = stridesFor(info.inShape);
  return info.inShape.map((n, d) => {
    const b = info.before[d]!;
    const a = info.after[d]!;
    const size = info.outShape[d]!;
    const st = strides[d]!;
    const map = new Int32Array(size);
    const start = Math.max(-b, 0);
    const pb = Math.max(b, 0);
    const m = n + Math.min(b, 0) + Math.min(a, 0);
    for (let o = 0; o < size; o++) {
      let i = o - b;
      if (i < 0 || i >= n) {
        switch (info.mode) {
          case 'constant':
            i = -1;
            break;
          case 'reflect':
            i = i < 0 ? -i : 2 * (n - 1) - i;
            break;
          case 'replicate':
            i = i < 0 ? 0 : n - 1;
            break;
          case 'circular':
            i = start + ((((o - pb) % m) + m) % m);
            break;
        }
      } else if (info.mode === 'circular') {
        i = start + ((((o - pb) % m) + m) % m);
      }
      map[o] = i < 0 ? -1 : i * st;
    }
    return map;
  });
}

const pad: Kernel<PadInfo> = (info, [out], [x]) => {
  gatherMaps(info.outShape, padMaps(info), x!, out!, info.value);
};

const padBackward: Kernel<PadInfo> = (info, [out], [g]) => {
  scatterInto(out!, info.outShape, padMaps(info), g!);
};

export const padKernels = { pad, padBackward };
