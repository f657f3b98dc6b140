/** Reference kernels: matmul (filled in by its op family). */
export const matmulKernels = {};
