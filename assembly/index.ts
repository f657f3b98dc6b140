// Entry point of the convkit WebAssembly SIMD kernels (built by scripts/build_wasm.mjs).
// The module allocates nothing: the host owns the memory above heapBase() and passes pointers.
// Every thread instantiates this module over the same (shared) memory and runs units of a job
// through `run`; see src/backends/wasm/pool.ts.
import { convDirectUnit, convForwardUnit, convInputUnit, convPackGradDirectUnit, convPackGradUnit, convWeightDirectUnit, convWeightUnit, dwDirectUnit, dwWeightUnit } from './conv';
import { gemmUnit, linearSmallUnit, packAUnit, packBUnit } from './jobs';
import { maxPool2Unit } from './pool';
import { reluUnit } from './eltwise';
export { convPackFlipped, convPackForward, convPackInput } from './conv';

// Job ids: keep in step with JOB in src/backends/wasm/runtime.ts.
export function run(fn: i32, args: usize, unit: i32, slot: i32): void {
  switch (fn) {
    case 0: convForwardUnit(args, unit, slot); break;
    case 1: convInputUnit(args, unit, slot); break;
    case 2: convPackGradUnit(args, unit, slot); break;
    case 3: convWeightUnit(args, unit, slot); break;
    case 4: gemmUnit(args, unit); break;
    case 5: packAUnit(args, unit); break;
    case 6: packBUnit(args, unit); break;
    case 7: convDirectUnit(args, unit, slot); break;
    case 8: convPackGradDirectUnit(args, unit, slot); break;
    case 9: convWeightDirectUnit(args, unit, slot); break;
    case 10: dwDirectUnit(args, unit, slot); break;
    case 11: dwWeightUnit(args, unit, slot); break;
    case 12: maxPool2Unit(args, unit); break;
    case 13: linearSmallUnit(args, unit); break;
    case 14: reluUnit(args, unit); break;
    default: unreachable();
  }
}

export function heapBase(): usize {
  return __heap_base;
}
