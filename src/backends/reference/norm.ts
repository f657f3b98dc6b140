/** Reference kernels: norm (filled in by its op family). */
export const normKernels = {};
