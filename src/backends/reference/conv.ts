/** Reference kernels: conv (filled in by its op family). */
export const convKernels = {};
