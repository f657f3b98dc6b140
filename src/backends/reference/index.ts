/**
 * The reference backend: plain TypeScript, complete, float32 and float64. It is the living spec
 * the fast backend is tested against, so kernels favour clarity over speed.
 */
import type { Backend } from '../../backend.js';
import { elementwiseKernels } from './elementwise.js';
import { movementKernels } from './movement.js';
import { reduceKernels } from './reduce.js';
import { activationKernels } from './activation.js';
import { lossKernels } from './loss.js';
import { normKernels } from './norm.js';
import { matmulKernels } from './matmul.js';
import { convKernels } from './conv.js';
import { poolKernels } from './pool.js';
import { signalKernels } from './signal.js';

export const reference: Backend = {
  name: 'reference',
  kernels: {
    ...elementwiseKernels,
    ...reduceKernels,
    ...movementKernels,
    ...activationKernels,
    ...lossKernels,
    ...normKernels,
    ...matmulKernels,
    ...convKernels,
    ...poolKernels,
    ...signalKernels,
  },
};
