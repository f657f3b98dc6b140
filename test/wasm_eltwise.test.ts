/**
 * Differential tests of the wasm element-wise kernels against the reference kernels: seeded random
 * valid configurations (ranks 0-5, odd sizes and sizes around multiples of 4 and 8, every way of
 * broadcasting, NaN/±Infinity/±0/huge/subnormal values, float32 and int32) for the binary,
 * comparison, where and clamp ops, the unary maths, casts and copies, the activations and their
 * backward ops, dropout and the optimizer steps. Ops whose float32 result is exact (arithmetic,
 * comparisons, selections, copies, the float64-evaluated formulas) must match the reference's bits,
 * NaN and -0 included; the transcendental ones agree within the float32 tolerance with the same
 * NaN/Infinity pattern. None of them may fall back to the reference kernel.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { apply1 } from '../src/op.js';
import type { ActAttrs, PointwiseOps } from '../src/ops/activation.js';
import { eluOps, geluOps, leakyReluOps, reluOps, sigmoidOps, siluOps, softplusOps, tanhOps } from '../src/ops/activation.js';
import { adamStep, sgdStep } from '../src/ops/optim_ops.js';
import { moveStats } from '../src/storage.js';
import { onBackend } from './helpers.js';
import { agree, broadcastFrom, pick, rand, rng, shape } from './wasm_eltwise_gen.js';

const CONFIGS = 150;

describe('wasm element-wise kernels agree with the reference', () => {
  it('binary float32 ops with broadcasting: add, sub, mul, div, alpha, maximum, minimum (exact), pow', () => {
    const r = rng(1);
    for (let k = 0; k < CONFIGS; k++) {
      const out = shape(r);
      const [sa, sb] = r() < 0.5 ? [out, broadcastFrom(r, out)] : [broadcastFrom(r, out), out];
      const a = rand(r, sa);
      const b = rand(r, sb);
      const tag = `[${sa}] and [${sb}]`;
      agree(`add ${tag}`, () => ck.add(a, b), true);
      agree(`sub ${tag}`, () => ck.sub(a, b), true);
      agree(`mul ${tag}`, () => ck.mul(a, b), true);
      agree(`div ${tag}`, () => ck.div(a, b), true);
      const alpha = pick(r, [0.1, -2.5, 1e-3, 3]);
      agree(`add alpha ${alpha} ${tag}`, () => ck.add(a, b, { alpha }), true);
      agree(`sub alpha ${alpha} ${tag}`, () => ck.sub(a, b, { alpha }), true);
      agree(`maximum ${tag}`, () => ck.maximum(a, b), true);
      agree(`minimum ${tag}`, () => ck.minimum(a, b), true);
      agree(`pow ${tag}`, () => ck.pow(a, b), false);
      agree(`number ops ${tag}`, () => ck.mul(ck.add(a, 0.3), 7), true);
    }
  });

  it('comparisons (int32 0/1, NaN compares false except ne) on float32 and int32 operands', () => {
    const r = rng(2);
    for (let k = 0; k < CONFIGS; k++) {
      const dtype: DType = pick(r, ['float32', 'int32']);
      const out = shape(r);
      const a = rand(r, out, dtype, 1.5, 0.1);
      const b = rand(r, broadcastFrom(r, out), dtype, 1.5, 0.1);
      for (const f of [ck.eq, ck.ne, ck.lt, ck.le, ck.gt, ck.ge]) agree(`${f.name} ${dtype} [${a.shape}] [${b.shape}]`, () => f(a, b), true);
      // integer-valued floats make ties frequent
      const ra = ck.round(a);
      agree(`eq ties ${dtype}`, () => ck.eq(ra, ck.round(b)), true);
    }
  });

  it('int32 arithmetic: add, sub, mul (wrapping), alpha, maximum, minimum, neg, abs, sign, square, floor, ceil, round', () => {
    const r = rng(3);
    for (let k = 0; k < CONFIGS; k++) {
      const out = shape(r);
      const a = rand(r, out, 'int32');
      const b = rand(r, broadcastFrom(r, out), 'int32');
      for (const f of [ck.add, ck.sub, ck.maximum, ck.minimum]) agree(`${f.name} int32`, () => f(a, b), true);
      // products below 2^53 (where the reference's float64 product is exact)
      const small = ck.clamp(a, -40000, 40000);
      agree('mul int32', () => ck.mul(small, b), true);
      agree('add int32 alpha', () => ck.add(small, b, { alpha: -3 }), true);
      for (const f of [ck.neg, ck.abs, ck.sign, ck.floor, ck.ceil, ck.round]) agree(`${f.name} int32`, () => f(a), true);
      agree('square int32', () => ck.square(small), true);
    }
  });

  it('where (float or int32 condition and values, three-way broadcasting) and clamp with number and tensor bounds', () => {
    const r = rng(4);
    for (let k = 0; k < CONFIGS; k++) {
      const out = shape(r);
      const cd: DType = pick(r, ['float32', 'int32']);
      const vd: DType = pick(r, ['float32', 'int32']);
      const cond = cd === 'int32' ? ck.gt(rand(r, broadcastFrom(r, out)), 0) : ck.mul(rand(r, broadcastFrom(r, out), 'float32', 1, 0.2), ck.gt(rand(r, broadcastFrom(r, out)), 0).to('float32'));
      const a = rand(r, broadcastFrom(r, out), vd);
      const b = rand(r, out, vd);
      agree(`where ${cd}/${vd} [${cond.shape}] [${a.shape}] [${b.shape}]`, () => ck.where(cond, a, b), true);
      agree(`where with a number`, () => ck.where(cond, a, 0), true);
      const lo = pick(r, vd === 'int32' ? [-1, -20, 0, null] : [-1, -0.5, 0, null]);
      const hi = lo === null ? 15 : pick(r, vd === 'int32' ? [null, 3, 25, -30] : [null, 0.25, 2, -3]);
      agree(`clamp ${vd} [${lo}, ${hi}]`, () => ck.clamp(b, lo, hi), true);
      const tlo = rand(r, broadcastFrom(r, out), vd, 1);
      const thi = rand(r, broadcastFrom(r, out), vd, 1);
      agree(`clamp ${vd} tensor bounds`, () => ck.clamp(b, tlo, thi), true);
      agree(`clamp ${vd} tensor min`, () => ck.clamp(b, { min: tlo }), true);
      agree(`clamp ${vd} tensor max`, () => ck.clamp(b, { max: thi }), true);
    }
    const x = ck.tensor([1, -5, 7, 2 ** 31 - 1, -(2 ** 31)], { dtype: 'int32' });
    agree('clamp int32 with infinite bounds', () => ck.clamp(x, -Infinity, 3), true);
  });

  it('unary maths: exact ones bit for bit, transcendental ones within float32 tolerance', () => {
    const r = rng(5);
    const exactOps: ((x: Tensor) => Tensor)[] = [ck.neg, ck.abs, ck.sign, ck.square, ck.reciprocal, ck.sqrt, ck.rsqrt, ck.floor, ck.ceil, ck.round];
    const approxOps: ((x: Tensor) => Tensor)[] = [ck.exp, ck.log, ck.log1p, ck.expm1, ck.sin, ck.cos];
    for (let k = 0; k < CONFIGS; k++) {
      const x = rand(r, shape(r), 'float32', pick(r, [0.5, 3, 40]), 0.1);
      for (const f of exactOps) agree(`${f.name} [${x.shape}]`, () => f(x), true);
      for (const f of approxOps) agree(`${f.name} [${x.shape}]`, () => f(x), false);
      const decimals = pick(r, [-2, -1, 1, 2, 3]);
      agree(`round decimals ${decimals}`, () => ck.round(x, { decimals }), true);
      for (const c of [0, 1, 2, 3]) agree(`pow x^${c}`, () => ck.pow(x, c), true);
      for (const c of [0.5, -1, 2.7, -0.3]) agree(`pow x^${c}`, () => ck.pow(x, c), false);
    }
    // ties of round, halves of sqrt, signed zeros, NaN and the infinities everywhere
    const s = ck.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 4.2e8, -1e10]);
    for (const f of [...exactOps, ...approxOps]) agree(`${f.name} special values`, () => f(s), f !== ck.sin && f !== ck.cos ? !approxOps.includes(f) : false);
    for (const c of [0.5, -1, 2, 3, 1.5, 0]) agree(`pow special ^${c}`, () => ck.pow(s, c), c === 2 || c === 3 || c === 0);
    agree('pow special both sides', () => ck.pow(ck.tensor([1, 1, -1, -1, 0, -0, NaN, 2]), ck.tensor([NaN, Infinity, -Infinity, 3, -1, -3, 0, NaN])), false);
  });

  it('casts and copies: to (truncation, wrap, NaN → 0), clone, expand, copy_ (broadcast and cast), fill_', () => {
    const r = rng(6);
    const wide = ck.tensor([2.7, -2.7, 0.5, -0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 256, 3e9, -3e9, 1e20, 2 ** 40 + 2 ** 20, 16777217]);
    agree('to int32 out of range', () => ck.to(wide, 'int32'), true);
    agree('to float32 from big ints', () => ck.to(ck.tensor([16777217, -16777219, 2 ** 31 - 1, -(2 ** 31), 5], { dtype: 'int32' }), 'float32'), true);
    for (let k = 0; k < CONFIGS; k++) {
      const out = shape(r);
      const dtype: DType = pick(r, ['float32', 'int32']);
      const x = rand(r, broadcastFrom(r, out), dtype, 1e3);
      agree(`to ${dtype} → other`, () => ck.to(x, dtype === 'int32' ? 'float32' : 'int32'), true);
      agree(`clone ${dtype}`, () => ck.clone(x), true);
      agree(`expand [${x.shape}] to [${out}]`, () => ck.expand(x, out), true);
      const dst: DType = pick(r, ['float32', 'int32']);
      agree(`copy_ ${dtype} [${x.shape}] into ${dst} [${out}]`, () => ck.noGrad(() => ck.copy_(ck.zeros(out, { dtype: dst }), x)), true);
      const v = dst === 'int32' ? pick(r, [7, -3, 2 ** 31 - 1]) : pick(r, [0, -0, 0.1, NaN, -Infinity]);
      agree(`fill_ ${dst} ${v}`, () => ck.noGrad(() => ck.fill_(ck.ones(out, { dtype: dst }), v)), true);
    }
  });

  it('empty tensors, and broadcasts beyond six walked dimensions (the reference kernel runs them)', () => {
    const r = rng(8);
    const e = rand(r, [0, 3]);
    const row = rand(r, [3]);
    agree('add empty', () => ck.add(e, row), true);
    agree('exp empty', () => ck.exp(e), false);
    agree('where empty', () => ck.where(ck.gt(e, 0), e, row), true);
    agree('expand empty', () => ck.expand(row, [0, 3]), true);
    agree('fill_ empty', () => ck.noGrad(() => ck.fill_(ck.zeros([0]), 2)), true);
    // alternating broadcast dimensions do not coalesce: 8 walked dimensions
    const a = rand(r, [2, 1, 3, 1, 2, 1, 3, 1]);
    const b = rand(r, [1, 2, 1, 3, 1, 2, 1, 3]);
    const ref = onBackend('reference', () => ck.mul(a, b).data);
    const before = ck.memoryStats().fallbacks['mul'] ?? 0;
    const got = onBackend('wasm', () => ck.mul(a, b).data);
    assert.equal((ck.memoryStats().fallbacks['mul'] ?? 0) - before, 1, 'the reference kernel ran');
    assert.deepEqual([...got], [...ref]);
  });

  it('in-place add_/sub_/mul_/div_ write through the broadcasting kernels', () => {
    const r = rng(7);
    for (let k = 0; k < 60; k++) {
      const out = shape(r);
      const b = rand(r, broadcastFrom(r, out));
      const base = rand(r, out);
      agree('add_', () => ck.noGrad(() => ck.add_(ck.clone(base), b, { alpha: 0.7 })), true);
      agree('sub_', () => ck.noGrad(() => ck.sub_(ck.clone(base), b)), true);
      agree('mul_', () => ck.noGrad(() => ck.mul_(ck.clone(base), b)), true);
      agree('div_', () => ck.noGrad(() => ck.div_(ck.clone(base), b)), true);
      agree('mul_ by itself', () => ck.noGrad(() => {
        const t = ck.clone(base);
        return ck.mul_(t, t);
      }), true);
    }
  });
});

const ACTS: [string, PointwiseOps, ActAttrs, boolean][] = [
  ['relu', reluOps, { param: 0, threshold: 0, approximate: 'none' }, true],
  ['leakyRelu', leakyReluOps, { param: 0.01, threshold: 0, approximate: 'none' }, true],
  ['leakyRelu -0.3', leakyReluOps, { param: -0.3, threshold: 0, approximate: 'none' }, true],
  ['sigmoid', sigmoidOps, { param: 0, threshold: 0, approximate: 'none' }, false],
  ['tanh', tanhOps, { param: 0, threshold: 0, approximate: 'none' }, false],
  ['gelu', geluOps, { param: 0, threshold: 0, approximate: 'none' }, false],
  ['gelu tanh', geluOps, { param: 0, threshold: 0, approximate: 'tanh' }, false],
  ['softplus', softplusOps, { param: 1, threshold: 20, approximate: 'none' }, false],
  ['softplus β 2.5', softplusOps, { param: 2.5, threshold: 3, approximate: 'none' }, false],
  ['elu', eluOps, { param: 1, threshold: 0, approximate: 'none' }, false],
  ['elu α 0.3', eluOps, { param: 0.3, threshold: 0, approximate: 'none' }, false],
  ['silu', siluOps, { param: 0, threshold: 0, approximate: 'none' }, false],
];

describe('wasm activation kernels agree with the reference', () => {
  for (const [name, ops, attrs, exact] of ACTS) {
    it(`${name} and its backward op (${exact ? 'exact' : 'float32 tolerance'}; backward of sigmoid/tanh exact)`, () => {
      const r = rng(name.length * 31 + 7);
      for (let k = 0; k < 60; k++) {
        const s = shape(r);
        const x = rand(r, s, 'float32', pick(r, [1, 4, 30]), 0.1);
        // (gelu's tanh form: the reference's float64 tanh saturates to ±1 beyond |u| ≈ 19 and gives
        // g·0 = NaN for an infinite g where the exact derivative is tiny but not 0; no infinite g there)
        const g = rand(r, s, 'float32', 1, name === 'gelu tanh' ? 0 : 0.02);
        agree(`${name} [${s}]`, () => apply1(ops.forwardOp, [x], attrs), exact);
        // sigmoid/tanh differentiate through their output: their backward formulas are exact float64 products
        const viaOutput = ops === sigmoidOps || ops === tanhOps;
        const v = viaOutput ? ck.clamp(x, -1, 1) : x;
        agree(`${name} backward [${s}]`, () => apply1(ops.backwardOp, [g, v], attrs), exact || viaOutput);
      }
    });
  }

  it('dropout: the same seed draws the same mask on either backend, and nothing moves between memories', () => {
    const x = onBackend('wasm', () => ck.randn([3, 1001], { generator: new ck.Generator(5) }));
    const run = (): Tensor => {
      ck.manualSeed(42);
      return ck.dropout(x, { p: 0.3 });
    };
    agree('dropout', run, true);
    const before = moveStats();
    onBackend('wasm', () => ck.sum(run()).item());
    const after = moveStats();
    assert.equal(after['host->wasm']?.bytes ?? 0, before['host->wasm']?.bytes ?? 0, 'no upload of a mask');
  });
});

describe('wasm optimizer steps are bit-identical to the reference', () => {
  const r = rng(11);
  for (let k = 0; k < 24; k++) {
    const n = pick(r, [1, 3, 7, 8, 33, 1001]);
    const sgd = { lr: pick(r, [0.1, 0.01]), momentum: pick(r, [0, 0.9]), dampening: pick(r, [0, 0.1]), nesterov: r() < 0.3, weightDecay: pick(r, [0, 1e-4]), maximize: r() < 0.2 };
    const adam = { lr: 1e-3, beta1: 0.9, beta2: pick(r, [0.999, 0.99]), eps: 1e-8, weightDecay: pick(r, [0, 0.01]), maximize: r() < 0.2, decoupled: r() < 0.5, step: 1 + Math.floor(r() * 5) };
    const p0 = rand(r, [n], 'float32', 1, 0);
    const g0 = rand(r, [n], 'float32', 1, 0);
    const s0 = rand(r, [n], 'float32', 0.1, 0);
    it(`sgd ${JSON.stringify(sgd)} on ${n} elements, three steps`, () => {
      agree('sgd', () => ck.noGrad(() => {
        const [p, buf] = [ck.clone(p0), ck.clone(s0)];
        for (let t = 0; t < 3; t++) sgdStep(p, g0, sgd.momentum ? buf : null, sgd, t === 0);
        return [p, buf];
      }), true);
    });
    it(`adam ${JSON.stringify(adam)} on ${n} elements${k % 2 ? ', amsgrad' : ''}`, () => {
      agree('adam', () => ck.noGrad(() => {
        const [p, m, v, vm] = [ck.clone(p0), ck.clone(s0), ck.abs(s0), ck.abs(g0)];
        adamStep(p, g0, m, v, k % 2 ? vm : null, adam);
        return [p, m, v, vm];
      }), true);
    });
  }
});
