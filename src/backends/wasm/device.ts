/** The wasm Device: tensors as blocks of the module's memory (heap.ts). */
import type { DType, Data } from '../../dtype.js';
import type { Device } from '../../storage.js';
import type { Block } from './heap.js';
import { heap, view } from './heap.js';

export const wasmDevice: Device<Block> = {
  name: 'wasm',
  syncReads: true,
  alloc: (dtype: DType, n: number) => heap.alloc(dtype, n),
  upload(src: Data): Block | null {
    const dtype: DType = src instanceof Float32Array ? 'float32' : src instanceof Float64Array ? 'float64' : 'int32';
    const b = heap.alloc(dtype, src.length);
    if (b) view(b).set(src);
    return b;
  },
  readSync: (b: Block) => view(b).slice(),
  read: (b: Block) => Promise.resolve(view(b).slice()),
  free: (b: Block) => heap.free(b),
  finalizerToken: (b: Block) => b.id,
  finalize: (id: unknown) => heap.freeId(id as number),
  touch: (b: Block) => heap.touch(b),
  written: (b: Block) => heap.written(b),
  spilled: (b: Block) => b.spill,
  beginOp: () => heap.beginOp(),
  stats: () => heap.stats(),
  setHighWater(bytes: number) {
    heap.highWater = bytes;
  },
};
