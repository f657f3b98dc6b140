/**
 * The wasm element-wise kernels on several threads: outputs large enough to be split over the
 * pool give identical bits on 1, 2 and 3 threads (units write disjoint ranges, and an element's
 * bits never depend on where a unit starts), and worker threads really ran some of the units
 * (the pool's own count, so the test fails if everything ran on the calling thread).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { apply1 } from '../src/op.js';
import { geluOps, siluOps, tanhOps } from '../src/ops/activation.js';
import { adamStep, sgdStep } from '../src/ops/optim_ops.js';
import { onBackend } from './helpers.js';
import { agree, bits, rand, rng } from './wasm_eltwise_gen.js';

const initial = ck.getNumThreads();
after(() => ck.setNumThreads(initial));

const NONE = { param: 0, threshold: 0, approximate: 'none' } as const;

describe('wasm element-wise kernels on 1, 2 and 3 threads', () => {
  const r = rng(21);
  // 257 × 1031 = 264,967 elements: above the serial threshold of every op below, not a multiple of 4
  const x = rand(r, [257, 1031], 'float32', 3, 0.01);
  const y = rand(r, [257, 1031], 'float32', 3, 0.01);
  const row = rand(r, [1031]);
  const col = rand(r, [257, 1]);
  const g = rand(r, [257, 1031], 'float32', 1, 0);

  const work = (): Tensor[] => {
    const outs = [
      ck.add(x, y),
      ck.mul(x, row),
      ck.sub(col, x),
      ck.div(x, 3),
      ck.where(ck.gt(x, col), x, row),
      ck.clamp(x, -1, 2),
      ck.exp(x),
      ck.log1p(ck.abs(x)),
      ck.sin(x),
      ck.pow(ck.abs(x), 1.7),
      ck.tanh(x),
      ck.gelu(x),
      apply1(siluOps.backwardOp, [g, x], NONE),
      apply1(tanhOps.backwardOp, [g, ck.tanh(x)], NONE),
      apply1(geluOps.backwardOp, [g, x], { ...NONE, approximate: 'tanh' }),
      ck.to(ck.mul(x, 1000), 'int32'),
      ck.expand(row, [257, 1031]),
    ];
    ck.noGrad(() => {
      const p = ck.clone(x);
      const m = ck.zerosLike(x);
      const v = ck.zerosLike(x);
      adamStep(p, g, m, v, null, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, maximize: false, decoupled: true, step: 1 });
      const q = ck.clone(y);
      const buf = ck.clone(x);
      sgdStep(q, g, buf, { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-4, maximize: false }, false);
      outs.push(p, m, v, q, buf);
    });
    return outs;
  };

  it('identical bits, and units run by worker threads on 2 and 3 threads', async () => {
    const runs: { out: Int32Array[]; units: number; workers: number }[] = [];
    for (const n of [1, 2, 3]) {
      ck.setNumThreads(n);
      await ck.threadsReady();
      const before = ck.poolStats();
      const out = bits(onBackend('wasm', work));
      const now = ck.poolStats();
      runs.push({ out, units: now.callerUnits + now.workerUnits - before.callerUnits - before.workerUnits, workers: now.workerUnits - before.workerUnits });
    }
    assert.equal(runs[0]!.workers, 0, 'one thread: the calling thread runs every unit');
    for (const k of [1, 2]) {
      const run = runs[k]!;
      assert.ok(run.units > 2 * 22, `${k + 1} threads: every op split into several units (${run.units} units)`);
      assert.ok(run.workers > 0, `${k + 1} threads: workers claimed units (${run.workers} of ${run.units})`);
      run.out.forEach((o, i) => assert.deepEqual(o, runs[0]!.out[i], `${k + 1} threads: output ${i} differs from 1 thread`));
    }
  });

  it('and agree with the reference when threaded', () => {
    ck.setNumThreads(2);
    agree('threaded ops', work, false);
  });
});
