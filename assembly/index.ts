// Entry point of the convkit WebAssembly SIMD kernels (built by scripts/build_wasm.mjs).
// The module allocates nothing: the host owns the memory above heapBase() and passes pointers.
// Every thread instantiates this module over the same (shared) memory and runs units of a job
// through `run`; see src/backends/wasm/pool.ts. Jobs and parameter blocks are declared once, in
// scripts/wasm_abi.mjs, which generates assembly/abi.ts, assembly/dispatch.ts and the host's twin.
import { dispatch } from './dispatch';
export { convPackFlipped, convPackForward, convPackInput } from './conv';

export function run(fn: i32, args: usize, unit: i32, slot: i32): void {
  dispatch(fn, args, unit, slot);
}

export function heapBase(): usize {
  return __heap_base;
}
