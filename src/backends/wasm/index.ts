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
import { convOp, convTransposeOp, convWeightGradOp } from '../../ops/conv_ops.js';
import { linearOp, matmulOp } from '../../ops/matmul.js';
import { wasmConvKernels } from './conv.js';
import { wasmMatmulKernels } from './matmul.js';
import { wasmSupported } from './runtime.js';
import { registerEltwise } from './eltwise_kernels.js';
import { registerActivations } from './eltwise_act.js';
import { registerOptim } from './optim.js';
// reductions, softmax, losses, norms, movement and general pools (wasm-red)
import { sumOp, meanOp } from '../../ops/reduce.js';
import { amaxOp, aminOp, argmaxOp, argminOp, maxDimOp, minDimOp } from '../../ops/reduce_minmax.js';
import { logsumexpOp, stdOp, varOp } from '../../ops/reduce_stats.js';
import { wasmReduceKernels as red } from './reduce.js';
import { logSoftmaxBackwardOp, logSoftmaxOp, softmaxBackwardOp, softmaxOp } from '../../ops/activation_softmax.js';
import { crossEntropyClassTargetOp, l1LossOp, mseLossOp, nllLossBackwardOp, nllLossOp, softmaxCrossEntropyBackwardOp, softmaxCrossEntropyOp } from '../../ops/loss_ops.js';
import { wasmSoftmaxKernels as sm } from './softmax.js';
import { wasmLossKernels as loss } from './loss.js';
import { expandOp } from '../../ops/movement.js';
import { cloneOp, flipOp, permuteOp, rollOp } from '../../ops/movement_layout.js';
import { catOp, sliceBackwardOp, sliceOp, splitOp } from '../../ops/movement_join.js';
import { padBackwardOp, padOp } from '../../ops/movement_pad.js';
import { wasmMovementKernels as mv } from './movement.js';
import { normAffineGradOp, normAffineOp, normStandardizeBackwardOp, normStandardizeOp, runningUpdateOp } from '../../ops/norm_ops.js';
import { wasmNormKernels as norm } from './norm.js';
import { adaptiveAvgPoolOp, adaptiveMaxPoolOp, avgPoolBackwardOp, avgPoolOp, maxPoolBackwardOp, maxPoolGatherOp, maxPoolOp } from '../../ops/pool_ops.js';
import { wasmWindowPoolKernels as pools } from './pool_window.js';

const kernels = new KernelTable<Block>()
  .set(matmulOp, wasmMatmulKernels.matmul)
  .set(linearOp, wasmMatmulKernels.linear)
  .set(convOp, wasmConvKernels.conv)
  .set(convTransposeOp, wasmConvKernels.convTranspose)
  .set(convWeightGradOp, wasmConvKernels.convWeightGrad)
  // reductions, softmax, losses, norms, movement and general pools (wasm-red)
  .set(sumOp, red.sum)
  .set(meanOp, red.mean)
  .set(amaxOp, red.amax)
  .set(aminOp, red.amin)
  .set(maxDimOp, red.maxDim)
  .set(minDimOp, red.minDim)
  .set(argmaxOp, red.argmax)
  .set(argminOp, red.argmin)
  .set(varOp, red.var)
  .set(stdOp, red.std)
  .set(logsumexpOp, red.logsumexp)
  .set(softmaxOp, sm.softmax)
  .set(logSoftmaxOp, sm.logSoftmax)
  .set(softmaxBackwardOp, sm.softmaxBackward)
  .set(logSoftmaxBackwardOp, sm.logSoftmaxBackward)
  .set(softmaxCrossEntropyOp, sm.softmaxCrossEntropy)
  .set(softmaxCrossEntropyBackwardOp, sm.softmaxCrossEntropyBackward)
  .set(crossEntropyClassTargetOp, loss.crossEntropyClassTarget)
  .set(nllLossOp, loss.nllLoss)
  .set(nllLossBackwardOp, loss.nllLossBackward)
  .set(mseLossOp, loss.mseLoss)
  .set(l1LossOp, loss.l1Loss)
  .set(permuteOp, mv.permute)
  .set(flipOp, mv.flip)
  .set(rollOp, mv.roll)
  .set(expandOp, mv.expand)
  .set(sliceOp, mv.slice)
  .set(sliceBackwardOp, mv.sliceBackward)
  .set(padOp, mv.pad)
  .set(padBackwardOp, mv.padBackward)
  .set(catOp, mv.cat)
  .set(splitOp, mv.split)
  .set(cloneOp, mv.clone)
  .set(normStandardizeOp, norm.normStandardize)
  .set(normStandardizeBackwardOp, norm.normStandardizeBackward)
  .set(normAffineOp, norm.normAffine)
  .set(normAffineGradOp, norm.normAffineGrad)
  .set(runningUpdateOp, norm.runningUpdate)
  // the 2×2 stride-2 max pool keeps pooling.ts's kernel (pools.maxPool dispatches to it)
  .set(maxPoolOp, pools.maxPool)
  .set(adaptiveMaxPoolOp, pools.maxPool)
  .set(maxPoolBackwardOp, pools.maxPoolBackward)
  .set(maxPoolGatherOp, pools.maxPoolGather)
  .set(avgPoolOp, pools.avgPool)
  .set(adaptiveAvgPoolOp, pools.avgPool)
  .set(avgPoolBackwardOp, pools.avgPoolBackward);
// element-wise ops, activations and optimizer steps
registerEltwise(kernels);
registerActivations(kernels);
registerOptim(kernels);

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
