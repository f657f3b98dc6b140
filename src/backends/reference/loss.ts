/** Reference kernels: loss (filled in by its op family). */
export const lossKernels = {};
