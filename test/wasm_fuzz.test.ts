/**
 * Differential fuzzing of the wasm kernels against the reference backend: seeded random *valid*
 * configurations (odd sizes, non-multiples of 4 and 8, strides, dilation, groups, every padding
 * form, transposed convolutions, broadcasting, tiny and large), each run on the wasm backend at 1,
 * 2 and 3 threads — bit-identical — and compared with the reference within the float32 tolerance
 * (rtol 1e-4, atol max(1e-5, 2e-5·max|reference|): long float32 sums). Every case must run its wasm
 * kernels (no fallback) so the comparison is about the kernels. Seeds are fixed: a failure names
 * the case and reproduces.
 */
import { fuzzFamilies } from './wasm_fuzz_harness.js';
import { FAMILIES } from './wasm_fuzz_cases.js';

fuzzFamilies(FAMILIES);
