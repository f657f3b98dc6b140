// Entry point of the convkit WebAssembly SIMD kernels (built by scripts/build_wasm.mjs).
// The module allocates nothing: the host owns an arena above heapBase() and passes pointers.
export { gemm, transpose, fillRows, fillCols } from './gemm';
export { convForward, convBackwardInput, convBackwardWeight } from './conv';

export function heapBase(): usize {
  return __heap_base;
}
