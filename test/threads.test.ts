/**
 * The wasm backend's thread pool: results are bit-identical for every thread count (units write
 * disjoint outputs, sums run in a fixed order), the thread count is settable and reported, bad
 * counts are typed errors, and both conv lowerings (stride 1 without im2col, im2col otherwise)
 * agree with the reference under threads.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { BackendError, Tensor } from '../src/index.js';
import { TOL32, assertClose, assertThrowsTyped, onBackend } from './helpers.js';

const initial = ck.getNumThreads();
const macs = (xs: number[], ws: number[], y: Tensor): number => y.numel * ws[1]! * ws[2]! * ws[3]!;
after(() => ck.setNumThreads(initial));

/**
 * Runs `fn` on `n` threads until pool workers have claimed some of its units (the calling thread
 * takes units too, and on a loaded machine it may finish a small job before a worker wakes up), so
 * the comparison that follows really involves several threads. One thread: no worker may run any.
 */
async function onThreads<T>(n: number, fn: () => T): Promise<T> {
  ck.setNumThreads(n);
  await ck.threadsReady();
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = ck.poolStats().workerUnits;
    const r = fn();
    const claimed = ck.poolStats().workerUnits - before;
    if (n === 1) {
      assert.equal(claimed, 0, 'one thread: no worker ran a unit');
      return r;
    }
    if (claimed > 0) return r;
    await new Promise((res) => setTimeout(res, 10));
  }
  assert.fail(`${n} threads: no worker claimed a unit in 50 runs`);
}

/** conv output and both gradients of Σ conv(x, w)·r, as flat arrays. */
function convAll(x: Tensor, w: Tensor, opts: Record<string, unknown>): number[][] {
  const f = (x: Tensor, w: Tensor): Tensor => ck.conv2d(x, w, undefined, opts);
  const y = f(x, w);
  const r = ck.randn(y.shape, { generator: new ck.Generator(7) });
  const [gx, gw] = ck.grad((x: Tensor, w: Tensor) => ck.sum(ck.mul(f(x, w), r)), [0, 1])(x, w) as Tensor[];
  return [[...y.data], [...gx!.data], [...gw!.data]];
}

// every case is above SERIAL_MACS (2^20 multiply-adds), so 2 and 3 threads really split the work
const CASES: [string, number[], number[], Record<string, unknown>][] = [
  ['stride 1, valid (no im2col)', [6, 12, 21, 19], [16, 12, 3, 3], {}],
  ['stride 1, padding and dilation', [4, 8, 20, 22], [12, 8, 3, 2], { padding: [2, 1], dilation: [2, 1] }],
  ['stride 1, groups', [6, 12, 20, 20], [18, 4, 3, 3], { groups: 3, padding: 1 }],
  ['depthwise', [8, 32, 28, 28], [32, 1, 3, 3], { groups: 32, padding: 1 }],
  ['stride 2 (im2col)', [4, 6, 33, 31], [10, 6, 5, 5], { stride: 2, padding: 2 }],
  ['1×1', [8, 32, 16, 16], [32, 32, 1, 1], {}],
  ['batch 1', [1, 16, 40, 40], [16, 16, 3, 3], { padding: 1 }],
];

describe('wasm thread pool', () => {
  it('setNumThreads / getNumThreads / threadingStatus', () => {
    ck.setNumThreads(3);
    assert.equal(ck.getNumThreads(), 3);
    assert.deepEqual(ck.threadingStatus(), { threads: 3, requested: 3, limitedBy: null });
    ck.setNumThreads(1);
    assert.equal(ck.getNumThreads(), 1);
  });

  it('rejects bad thread counts with a typed error', () => {
    for (const n of [0, -1, 1.5, NaN, 1000]) assertThrowsTyped(() => ck.setNumThreads(n), BackendError, /setNumThreads/);
  });

  for (const [name, xs, ws, opts] of CASES) {
    it(`${name}: identical bits on 1, 2 and 3 threads, and close to the reference`, async () => {
      const g = new ck.Generator(11);
      const x = ck.randn(xs, { generator: g });
      const w = ck.randn(ws, { generator: g });
      assert.ok(macs(xs, ws, ck.conv2d(x, w, undefined, opts)) >= 2 ** 20, 'the case must be large enough to run threaded');
      // a pool that silently ran everything on the calling thread would pass the bit checks: onThreads
      // makes sure workers took part
      const runs: number[][][] = [];
      for (const n of [1, 2, 3]) runs.push(await onThreads(n, () => onBackend('wasm', () => convAll(x, w, opts))));
      assert.deepEqual(runs[1], runs[0], '2 threads vs 1');
      assert.deepEqual(runs[2], runs[0], '3 threads vs 1');
      const ref = onBackend('reference', () => convAll(x, w, opts));
      // float32 sums over thousands of terms (the weight gradient sums over batch × positions):
      // absolute tolerance relative to the largest magnitude, as for the W1 slice in wasm.test.ts
      ref.forEach((r, i) => {
        const big = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        assertClose(ck.tensor(runs[0]![i]!), r, { rtol: TOL32.rtol, atol: Math.max(TOL32.atol, 2e-5 * big) }, `${name} output ${i} vs reference`);
      });
    });
  }

  it('matmul and linear (packed, and dot products for few rows): identical bits on 1 and 2 threads', async () => {
    const g = new ck.Generator(3);
    const a = ck.randn([70, 300], { generator: g });
    const b = ck.randn([300, 60], { generator: g });
    const w = ck.randn([64, 300], { generator: g });
    const bias = ck.randn([64], { generator: g });
    const few = ck.randn([3, 6000], { generator: g });
    const wide = ck.randn([64, 6000], { generator: g });
    const go = (): number[][] => onBackend('wasm', () => [[...ck.matmul(a, b).data], [...ck.linear(a, w, bias).data], [...ck.linear(few, wide, bias).data]]);
    const one = await onThreads(1, go);
    assert.deepEqual(await onThreads(2, go), one);
    assertClose(ck.tensor(one[0]!).reshape([70, 60]), onBackend('reference', () => ck.matmul(a, b)), TOL32, 'matmul vs reference');
    // 3 rows: the dot-product path (W read in place)
    assertClose(ck.tensor(one[2]!).reshape([3, 64]), onBackend('reference', () => ck.linear(few, wide, bias)), TOL32, 'linear on 3 rows vs reference');
  });
});
