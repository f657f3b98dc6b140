/**
 * The reference backend: plain TypeScript, complete, float32 and float64. It is the living spec
 * the fast backend is tested against, so kernels favour clarity over speed.
 */
import type { Backend } from '../../backend.js';
import { elementwiseKernels } from './elementwise.js';
import { movementKernels } from './movement.js';
import { reduceKernels } from './reduce.js';

export const reference: Backend = {
  name: 'reference',
  kernels: {
    ...elementwiseKernels,
    ...reduceKernels,
    ...movementKernels,
  },
};
