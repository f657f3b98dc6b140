/**
 * Differential fuzzing of the wasm reductions, softmax family, losses, norm primitives, movement
 * ops and general pools against the reference backend (the harness of wasm_fuzz.test.ts: float32
 * tolerance, bit-identical on 1, 2 and 3 threads with workers taking part, no fallback of the
 * family's ops). Cases are seeded: a failure names its configuration and reproduces.
 */
import { fuzzFamilies } from './wasm_fuzz_harness.js';
import { RED_FAMILIES } from './wasm_fuzz_red_cases.js';
import { RED2_FAMILIES } from './wasm_fuzz_red2_cases.js';

fuzzFamilies([...RED_FAMILIES, ...RED2_FAMILIES]);
