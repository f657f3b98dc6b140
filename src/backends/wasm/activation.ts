/**
 * relu and its backward on the WebAssembly SIMD module (assembly/eltwise.ts), in blocks over the
 * thread pool. NaN propagates through relu, as in PyTorch. float32 only.
 */
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { ActInfo } from '../../ops/activation.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { RELU } from './abi.js';
import { Scratch } from './scratch.js';

/** Elements per unit. */
const BLOCK = 1 << 16;

function run(n: number, x: Block, g: Block | null, out: Block): boolean | void {
  if (n === 0) return;
  const L = new Scratch();
  const pa = L.reserve(RELU.SIZE);
  if (!L.commit()) return false;
  try {
    const slots = slotCount(n);
    const per = Math.min(BLOCK, Math.ceil(n / (4 * slots)));
    const v = L.i32(pa, RELU.SIZE);
    [v[RELU.X], v[RELU.Y], v[RELU.G], v[RELU.N], v[RELU.PER], v[RELU.MODE]] = [x.ptr, out.ptr, g ? g.ptr : 0, n, per, g ? 1 : 0];
    parallel(JOB.relu, L.at(pa), Math.ceil(n / per), g ? 'reluBackward' : 'relu', slots);
  } finally {
    L.release();
  }
}

const relu: DeviceKernel<ActInfo, Block> = (info, [out], [x]) => run(info.n, x!, null, out!);
const reluBackward: DeviceKernel<ActInfo, Block> = (info, [out], [g, x]) => run(info.n, x!, g!, out!);

const supports = (info: ActInfo, dtypes: readonly DType[]): boolean => dtypes.every((d) => d === 'float32') && info.n < 2 ** 29;

export const wasmActivationKernels: { relu: KernelEntry<ActInfo, Block>; reluBackward: KernelEntry<ActInfo, Block> } = {
  relu: { run: relu, supports },
  reluBackward: { run: reluBackward, supports },
};
