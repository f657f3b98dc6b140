/**
 * The WebAssembly SIMD backend (float32, multi-threaded: pool.ts): kernels for `matmul`, `linear`, the
 * three conv ops (`conv`, `convTranspose`, `convWeightGrad`), the 2×2 max pool and relu; every other op, and float64/int32
 * inputs, run the reference kernels. src/index.ts registers it and makes it the default when
 * the engine has WebAssembly SIMD.
 */
import type { Backend } from '../../backend.js';
import { KernelTable, registerBackend } from '../../backend.js';
import type { Data } from '../../dtype.js';
import { reluOps } from '../../ops/activation.js';
import { convOp, convTransposeOp, convWeightGradOp } from '../../ops/conv_ops.js';
import { linearOp, matmulOp } from '../../ops/matmul.js';
import { maxPoolBackwardOp, maxPoolOp } from '../../ops/pool_ops.js';
import { wasmActivationKernels } from './activation.js';
import { wasmConvKernels } from './conv.js';
import { wasmMatmulKernels } from './matmul.js';
import { wasmPoolKernels } from './pooling.js';
import { wasmSupported } from './runtime.js';

const kernels = new KernelTable<Data>()
  .set(matmulOp, wasmMatmulKernels.matmul)
  .set(linearOp, wasmMatmulKernels.linear)
  .set(convOp, wasmConvKernels.conv)
  .set(convTransposeOp, wasmConvKernels.convTranspose)
  .set(convWeightGradOp, wasmConvKernels.convWeightGrad)
  .set(maxPoolOp, wasmPoolKernels.maxPool)
  .set(maxPoolBackwardOp, wasmPoolKernels.maxPoolBackward)
  .set(reluOps.forwardOp, wasmActivationKernels.relu)
  .set(reluOps.backwardOp, wasmActivationKernels.reluBackward);

export const wasmBackend: Backend<Data> = { name: 'wasm', device: null, kernels };

/**
 * Registers the 'wasm' backend (without selecting it). Returns false, registering nothing, when
 * this engine cannot compile the module (no WebAssembly SIMD).
 */
export function registerWasm(): boolean {
  if (!wasmSupported()) return false;
  registerBackend(wasmBackend);
  return true;
}

export { wasmMemoryBytes, wasmSupported } from './runtime.js';
