/**
 * The wasm backend's vector maths (assembly/mathf4.ts) against float64: the largest error over a
 * dense sweep of float32 inputs, in ulps of the float32 result, stays within the bound measured
 * over 4 million points per function (scripts/wasm_math_accuracy.mjs; 0.5 ulp is a correctly
 * rounded result), results whose float64 value rounds to 0, ±Infinity or NaN are exactly that,
 * and subnormal results are off by less than 1e-42.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { onBackend } from './helpers.js';
import { MATH_CASES, measure, sweep, ulp32 } from './math_sweep.js';

/** Largest ulp error allowed per case: the 4M-point measurement, rounded up. */
const BOUND: Record<string, number> = {
  exp: 1,
  expm1: 1.6,
  log: 0.8,
  log1p: 2.4,
  sigmoid: 2.4,
  tanh: 2.4,
  sin: 0.51,
  cos: 0.51,
  'sin (large)': 0.51,
  gelu: 0.6,
  'gelu (tanh)': 0.51,
  softplus: 2.8,
  elu: 1,
  silu: 3.2,
  'pow(|x|, 2.7)': 0.51,
  'pow(|x|, -1.3)': 0.51,
  'pow(1.5, y)': 0.51,
  'gelu′': 0.6,
  'gelu′ (tanh)': 0.51,
  'softplus′': 2.4,
  'elu′': 1,
  'silu′': 1,
};

describe('wasm vector maths: error against float64 over dense float32 sweeps', () => {
  it('the sweep helpers: ulp spacing and a range covered to its ends', () => {
    assert.equal(ulp32(1), 2 ** -23);
    assert.equal(ulp32(1.5), 2 ** -23);
    assert.equal(ulp32(-3), 2 ** -22);
    assert.equal(ulp32(1e-40), 2 ** -149);
    const xs = sweep(-2, 3, 1000);
    assert.equal(Math.min(...xs), -2);
    assert.equal(Math.max(...xs), 3);
    assert.ok(xs.some((v) => v > 0 && v < 1e-6), 'bit-pattern half reaches tiny magnitudes');
  });

  for (const c of MATH_CASES) {
    const bound = BOUND[c.name];
    it(`${c.name}: at most ${bound} ulp on [${c.lo}, ${c.hi}]${c.floor ? ` (ulps of max(|f|, ${c.floor}))` : ''}`, () => {
      assert.ok(bound !== undefined, `no bound for ${c.name}`);
      const r = onBackend('wasm', () => measure(c, 200_000));
      assert.ok(r.maxUlp <= bound, `${c.name}: ${r.maxUlp} ulp at x = ${r.at}`);
      assert.equal(r.specialMismatches, 0, `${c.name}: zero/Infinity/NaN results differ from float64's`);
      assert.ok(r.subnormalAbs < 1e-42, `${c.name}: subnormal results off by ${r.subnormalAbs}`);
    });
  }
});
