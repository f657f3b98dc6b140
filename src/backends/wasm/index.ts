/**
 * The WebAssembly SIMD backend (multi-threaded: pool.ts). Its tensors live in the module's memory
 * (device.ts, heap.ts), so a chain of its kernels never copies through JavaScript; an op it has no
 * kernel for (or whose plan it does not support, e.g. float64) runs the reference kernel on the
 * host, its inputs read back (counted in `memoryStats().moves`). src/index.ts registers it and
 * makes it the default when the engine has WebAssembly SIMD.
 */
import type { Backend } from '../../backend.js';
import { KernelTable, registerBackend } from '../../backend.js';
import type { Block } from './heap.js';
import { wasmDevice } from './device.js';
import { reluOps } from '../../ops/activation.js';
import { convOp, convTransposeOp, convWeightGradOp } from '../../ops/conv_ops.js';
import { linearOp, matmulOp } from '../../ops/matmul.js';
import { maxPoolBackwardOp, maxPoolOp } from '../../ops/pool_ops.js';
import { wasmActivationKernels } from './activation.js';
import { wasmConvKernels } from './conv.js';
import { wasmMatmulKernels } from './matmul.js';
import { wasmPoolKernels } from './pooling.js';
import { wasmSupported } from './runtime.js';

const kernels = new KernelTable<Block>()
  .set(matmulOp, wasmMatmulKernels.matmul)
  .set(linearOp, wasmMatmulKernels.linear)
  .set(convOp, wasmConvKernels.conv)
  .set(convTransposeOp, wasmConvKernels.convTranspose)
  .set(convWeightGradOp, wasmConvKernels.convWeightGrad)
  .set(maxPoolOp, wasmPoolKernels.maxPool)
  .set(maxPoolBackwardOp, wasmPoolKernels.maxPoolBackward)
  .set(reluOps.forwardOp, wasmActivationKernels.relu)
  .set(reluOps.backwardOp, wasmActivationKernels.reluBackward);

export const wasmBackend: Backend<Block> = { name: 'wasm', device: wasmDevice, kernels };

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
