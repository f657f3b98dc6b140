/**
 * relu and its backward on the WebAssembly SIMD module (assembly/eltwise.ts), in blocks over the
 * thread pool, for float32 tensors large enough that the two copies pay (a JavaScript loop that
 * writes a freshly allocated array is slower than copy in, SIMD on every thread, copy out). NaN
 * propagates through relu, as in PyTorch. Small or float64 tensors run the reference kernels.
 */
import type { Kernel } from '../../backend.js';
import type { ActInfo } from '../../ops/activation.js';
import { activationKernels } from '../reference/activation.js';
import { parallel, slotCount } from './pool.js';
import { JOB, Layout } from './runtime.js';

const refRelu: Kernel<ActInfo> = activationKernels.relu;
const refReluBackward: Kernel<ActInfo> = activationKernels.reluBackward;

/** Below this many elements the reference loop is faster than the copies. */
const MIN_ELEMENTS = 1 << 15;
/** Elements per unit. */
const BLOCK = 1 << 16;

function run(n: number, x: Float32Array, g: Float32Array | null, out: Float32Array): boolean {
  const L = new Layout();
  const pa = L.reserve(6);
  const px = L.reserve(n);
  const pg = g ? L.reserve(n) : 0;
  const py = L.reserve(n);
  if (n >= 2 ** 29 || !L.commit()) return false;
  const slots = slotCount(n);
  const per = Math.min(BLOCK, Math.ceil(n / (4 * slots)));
  L.i32(pa, 6).set([px, py, pg, n, per, g ? 1 : 0]);
  L.f32(px, n).set(x);
  if (g) L.f32(pg, n).set(g);
  parallel(JOB.relu, pa, Math.ceil(n / per), g ? 'reluBackward' : 'relu', slots, [out]);
  out.set(L.f32(py, n));
  return true;
}

const relu: Kernel<ActInfo> = (info, outs, ins) => {
  const [x] = ins;
  const [out] = outs;
  if (!(x instanceof Float32Array && out instanceof Float32Array) || info.n < MIN_ELEMENTS || !run(info.n, x, null, out)) refRelu(info, outs, ins);
};

const reluBackward: Kernel<ActInfo> = (info, outs, ins) => {
  const [g, x] = ins;
  const [out] = outs;
  if (!(g instanceof Float32Array && x instanceof Float32Array && out instanceof Float32Array) || info.n < MIN_ELEMENTS || !run(info.n, x, g, out)) refReluBackward(info, outs, ins);
};

export const wasmActivationKernels = { relu, reluBackward };
