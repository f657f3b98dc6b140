/** Every WebGPU kernel, by op. */
import type { GpuEntry } from './kernel.js';
import { webgpuMatmulKernels } from './matmul.js';
import { webgpuConvKernels } from './conv.js';
import { webgpuElementwiseKernels } from './elementwise.js';
import { webgpuReduceKernels } from './reduce.js';
import { webgpuActivationKernels } from './activation.js';
import { webgpuPoolKernels } from './pooling.js';
import { webgpuNormKernels } from './norm.js';
import { webgpuLossKernels } from './loss.js';
import { webgpuMovementKernels } from './movement.js';
import { webgpuInplaceKernels } from './inplace.js';
import { webgpuIndexKernels } from './indexing.js';
import { webgpuSignalKernels } from './signal.js';

export const webgpuKernels: readonly GpuEntry[] = [
  ...webgpuMatmulKernels,
  ...webgpuConvKernels,
  ...webgpuElementwiseKernels,
  ...webgpuReduceKernels,
  ...webgpuActivationKernels,
  ...webgpuPoolKernels,
  ...webgpuNormKernels,
  ...webgpuLossKernels,
  ...webgpuMovementKernels,
  ...webgpuInplaceKernels,
  ...webgpuIndexKernels,
  ...webgpuSignalKernels,
];
