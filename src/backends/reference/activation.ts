/** Reference kernels: activation (filled in by its op family). */
export const activationKernels = {};
