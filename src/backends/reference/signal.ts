/** Reference kernels: signal (filled in by its op family). */
export const signalKernels = {};
