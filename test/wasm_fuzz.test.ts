/**
 * Differential fuzzing of the wasm kernels against the reference backend: seeded random *valid*
 * configurations (odd sizes, non-multiples of 4 and 8, strides, dilation, groups, every padding
 * form, transposed convolutions, broadcasting, tiny and large), each run on the wasm backend at 1,
 * 2 and 3 threads — bit-identical — and compared with the reference within the float32 tolerance
 * (rtol 1e-4, atol max(1e-5, 2e-5·max|reference|): long float32 sums). Every case must run its wasm
 * kernels (no fallback) so the comparison is about the kernels. Seeds are fixed: a failure names
 * the case and reproduces.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { onBackend } from './helpers.js';
import { FAMILIES } from './wasm_fuzz_cases.js';
import type { FuzzCase } from './wasm_fuzz_cases.js';

const initial = ck.getNumThreads();
after(() => ck.setNumThreads(initial));

/** Outputs as host copies (reading back does not move the tensors). */
const values = (ts: Tensor[]): Float64Array[] => ts.map((t) => Float64Array.from(t.reshape([-1]).toArray() as number[]));

function compare(c: FuzzCase, got: Float64Array[], ref: Float64Array[]): void {
  assert.equal(got.length, ref.length, `${c.name}: number of outputs`);
  got.forEach((g, k) => {
    const r = ref[k]!;
    assert.equal(g.length, r.length, `${c.name}: output ${k} length`);
    let big = 0;
    for (const v of r) if (Number.isFinite(v)) big = Math.max(big, Math.abs(v));
    const atol = Math.max(1e-5, 2e-5 * big);
    for (let i = 0; i < r.length; i++) {
      const [a, e] = [g[i]!, r[i]!];
      if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
      if (!(Math.abs(a - e) <= atol + 1e-4 * Math.abs(e))) assert.fail(`${c.name}: output ${k}[${i}] is ${a} on wasm, ${e} on the reference`);
    }
  });
}

function bitsEqual(c: FuzzCase, n: number, a: Float64Array[], b: Float64Array[]): void {
  a.forEach((x, k) => {
    const y = b[k]!;
    for (let i = 0; i < x.length; i++) {
      if (Object.is(x[i], y[i])) continue;
      assert.fail(`${c.name}: output ${k}[${i}] is ${y[i]} on ${n} threads but ${x[i]} on 1`);
    }
  });
}

for (const fam of FAMILIES) {
  describe(`wasm differential fuzz: ${fam.name}`, () => {
    const cases = fam.cases();
    it(`${cases.length} random configurations agree with the reference, bit-identical on 1, 2 and 3 threads`, async () => {
      ck.setNumThreads(1);
      const fell0 = ck.memoryStats().fallbacks;
      const one = cases.map((c) => onBackend('wasm', () => values(c.run())));
      const fell = ck.memoryStats().fallbacks;
      for (const op of fam.ops) assert.equal((fell[op] ?? 0) - (fell0[op] ?? 0), 0, `${fam.name}: ${op} fell back to the reference`);
      cases.forEach((c, i) => compare(c, one[i]!, onBackend('reference', () => values(c.run()))));
      for (const n of [2, 3]) {
        ck.setNumThreads(n);
        await ck.threadsReady();
        const before = ck.poolStats().workerUnits;
        cases.forEach((c, i) => bitsEqual(c, n, one[i]!, onBackend('wasm', () => values(c.run()))));
        if (fam.threaded) assert.ok(ck.poolStats().workerUnits > before, `${fam.name}: workers ran units on ${n} threads`);
      }
    });
  });
}
