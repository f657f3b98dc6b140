/**
 * The fused optimizer steps (src/ops/optim_ops.ts) on the WebAssembly module (assembly/optim.ts):
 * one pass over a float32 parameter, its gradient and its state, in place, with the reference
 * kernel's float64 arithmetic (bit-identical results), in units of elements over the thread pool.
 */
import type { AdamInfo, SgdInfo } from '../../plans.js';
import type { KernelEntry, KernelTable } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { adamOp, sgdOp } from '../../ops/optim_ops.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB, runtime } from './runtime.js';
import { ADAM, SGD } from './abi.js';
import { Scratch } from './scratch.js';
import { MAX_ELEMENTS } from './eltwise.js';

const supports = (info: { n: number }, dtypes: readonly DType[]): boolean => info.n < MAX_ELEMENTS && dtypes.every((d) => d === 'float32');

/**
 * Lays out a block of `size` i32s whose F area (at i32 index `f`) holds the float64 `params` and
 * whose PER field is at `perAt`, lets `fill` write the rest, and runs `job` over n elements.
 */
function launch(job: number, name: string, size: number, f: number, perAt: number, params: readonly number[], n: number, fill: (v: Int32Array) => void): boolean | void {
  if (n === 0) return;
  const L = new Scratch();
  const pa = L.reserve(size);
  if (!L.commit()) return false;
  try {
    const base = L.at(pa);
    const buf = runtime().memory.buffer;
    new Float64Array(buf, base + 4 * f, params.length).set(params);
    const v = new Int32Array(buf, base, size);
    fill(v);
    // three loads and two stores per element at least: worth threads from about 2^15 elements
    const slots = slotCount(n * 32);
    const per = slots === 1 ? n : Math.max(64, Math.ceil(Math.min(1 << 16, Math.ceil(n / (4 * slots))) / 16) * 16);
    v[perAt] = per;
    parallel(job, base, Math.ceil(n / per), name, slots);
  } finally {
    L.release();
  }
}

/** outs [p] or [p, buf]; ins [p, g] or [p, g, buf]. */
const sgd: KernelEntry<SgdInfo, Block> = {
  supports,
  run: (info, outs, ins) => {
    const flags = (info.maximize ? 1 : 0) | (outs[1] ? 2 : 0) | (info.fresh ? 4 : 0) | (info.nesterov ? 8 : 0) | (info.weightDecay !== 0 ? 16 : 0);
    const params = [-info.lr, info.momentum, 1 - info.dampening, info.weightDecay];
    return launch(JOB.sgd, 'sgd', SGD.SIZE, SGD.F, SGD.PER, params, info.n, (v) => {
      [v[SGD.FLAGS], v[SGD.N], v[SGD.P], v[SGD.G], v[SGD.B]] = [flags, info.n, outs[0]!.ptr, ins[1]!.ptr, outs[1]?.ptr ?? 0];
    });
  },
};

/** outs [p, m, v] or [p, m, v, vmax]; ins [p, g, m, v(, vmax)]. */
const adam: KernelEntry<AdamInfo, Block> = {
  supports,
  run: (info, outs, ins) => {
    const { lr, beta1, beta2, eps, weightDecay, step } = info;
    const flags = (info.maximize ? 1 : 0) | (info.decoupled ? 2 : 0) | (weightDecay !== 0 ? 4 : 0) | (info.amsgrad ? 8 : 0);
    // the reference's constants, computed the same way
    const bc1 = 1 - beta1 ** step;
    const bc2 = 1 - beta2 ** step;
    const params = [1 - lr * weightDecay, weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, Math.sqrt(bc2), eps, -(lr / bc1)];
    return launch(JOB.adam, 'adam', ADAM.SIZE, ADAM.F, ADAM.PER, params, info.n, (v) => {
      [v[ADAM.FLAGS], v[ADAM.N], v[ADAM.P], v[ADAM.G], v[ADAM.M], v[ADAM.V], v[ADAM.VMAX]] = [flags, info.n, outs[0]!.ptr, ins[1]!.ptr, outs[1]!.ptr, outs[2]!.ptr, outs[3]?.ptr ?? 0];
    });
  },
};

/** Registers the optimizer kernels (sgdMomentum and adamAmsgrad run these through `kernelOf`). */
export function registerOptim(t: KernelTable<Block>): void {
  t.set(sgdOp, sgd).set(adamOp, adam);
}
