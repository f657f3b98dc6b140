/** Reference kernels: pool (filled in by its op family). */
export const poolKernels = {};
