/**
 * Memory without dispose (docs/STORAGE.md): tensors' wasm blocks are freed when the tensors are
 * collected, and memory stays bounded even in a loop that never yields to the event loop (where
 * finalizers cannot run: least-recently-used blocks spill to JavaScript memory past the high-water
 * mark). Step counts bound the work; nothing here is timed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ck from '../src/index.js';
import { onBackend } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LIMIT = 4 * 2 ** 20;

function tinyNet(): ck.nn.Sequential {
  const { nn } = ck;
  return new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3));
}

function trainer(): () => number {
  ck.manualSeed(7);
  const model = tinyNet();
  const opt = new ck.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = ck.randn([4, 1, 8, 8]);
  const y = ck.tensor([0, 1, 2, 1], { dtype: 'int32' });
  return () => {
    opt.zeroGrad();
    const loss = ck.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  };
}

const wasm = (): ck.DeviceStats => ck.memoryStats().backends['wasm']!;
const rss = (): number => process.memoryUsage().rss;
/** Collects garbage and lets finalizers run until the live-buffer count stops changing. */
const settle = async (): Promise<void> => {
  let last = -1;
  for (let i = 0, stable = 0; i < 100 && stable < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
    const now = wasm().liveBuffers;
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
};

describe('memory without dispose [wasm]', () => {
  it('10,000 training steps in one synchronous loop: wasm memory and RSS stay flat', () => {
    ck.setMemoryLimit('wasm', LIMIT);
    try {
      onBackend('wasm', () => {
        const step = trainer();
        for (let i = 0; i < 2000; i++) step();
        const mem0 = wasm()['memoryBytes']!;
        const rss0 = rss();
        for (let i = 0; i < 8000; i++) step();
        const st = wasm();
        assert.ok(st['spills']! > 0, 'the loop spilled (finalizers cannot run inside it)');
        assert.ok(st.liveBytes <= LIMIT, `live bytes ${st.liveBytes} ≤ the high-water mark`);
        assert.equal(st['memoryBytes'], mem0, 'wasm memory did not grow after the first 2,000 steps');
        // RSS: JavaScript's GC reclaims spilled copies; allow its slack, not growth with the step count
        assert.ok(rss() < rss0 + 64 * 2 ** 20, `RSS ${(rss() / 2 ** 20).toFixed(0)} MB vs ${(rss0 / 2 ** 20).toFixed(0)} MB after 2,000 steps`);
      });
    } finally {
      ck.setMemoryLimit('wasm', 512 * 2 ** 20);
    }
  });

  it('10,000 training steps in an async loop: wasm memory and RSS stay flat', async () => {
    ck.setMemoryLimit('wasm', LIMIT);
    const prev = ck.getBackend();
    ck.setBackend('wasm');
    try {
      const step = trainer();
      let mem0 = 0;
      let rss0 = 0;
      for (let i = 0; i < 10_000; i++) {
        step();
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
        if (i === 1999) {
          mem0 = wasm()['memoryBytes']!;
          rss0 = rss();
        }
      }
      const st = wasm();
      assert.ok(st.liveBytes <= LIMIT);
      assert.equal(st['memoryBytes'], mem0, 'wasm memory did not grow after the first 2,000 steps');
      assert.ok(rss() < rss0 + 64 * 2 ** 20, `RSS ${(rss() / 2 ** 20).toFixed(0)} MB vs ${(rss0 / 2 ** 20).toFixed(0)} MB after 2,000 steps`);
    } finally {
      ck.setBackend(prev);
      ck.setMemoryLimit('wasm', 512 * 2 ** 20);
    }
  });

  it('the live-buffer count returns to its baseline after a training run', async () => {
    const prev = ck.getBackend();
    ck.setBackend('wasm');
    try {
      await settle();
      const base = wasm().liveBuffers;
      (() => {
        const step = trainer();
        for (let i = 0; i < 50; i++) step();
        assert.ok(wasm().liveBuffers > base, 'training made wasm tensors');
      })();
      await settle();
      assert.equal(wasm().liveBuffers, base, 'every block of the run was freed once its tensors were collected');
    } finally {
      ck.setBackend(prev);
    }
  });

  it('in-place writes bump the version; .data exposes the host copy and writes through it are seen by every backend', () => {
    onBackend('wasm', () => {
      const w = ck.randn([64, 64]);
      const x = ck.randn([3, 64]);
      const y0 = ck.matmul(x, w);
      assert.equal(w.device, 'wasm', 'a kernel input moved to the wasm heap');
      const v = w.version;
      ck.noGrad(() => w.mul_(2));
      assert.equal(w.version, v + 1);
      const [a, b] = [(ck.matmul(x, w).toArray() as number[][]).flat(), (ck.mul(y0, 2).toArray() as number[][]).flat()];
      a.forEach((e, i) => assert.ok(Math.abs(e - b[i]!) <= 1e-4 * Math.abs(b[i]!) + 1e-5));
      const d = w.data;
      assert.equal(w.device, 'host');
      d.fill(0);
      assert.deepEqual((ck.matmul(x, w).toArray() as number[][]).flat().every((e) => e === 0), true);
    });
  });

  it('a tensor saved for backward and then written in place refuses to back-propagate', () => {
    const w = ck.randn([3, 3], { requiresGrad: true });
    const y = ck.sum(ck.mul(w, w));
    ck.noGrad(() => w.add_(1));
    assert.throws(() => y.backward(), (e: unknown) => e instanceof ck.GradError && /modified by an in-place operation/.test((e as Error).message));
    assert.throws(() => w.add_(1), (e: unknown) => e instanceof ck.GradError && /noGrad/.test((e as Error).message));
  });
});

describe('packed weights are cached with the weights [wasm]', () => {
  it('inference reuses them; an in-place write (an optimizer step) invalidates them', () => {
    onBackend('wasm', () => {
      const g = new ck.Generator(5);
      const x = ck.randn([16, 300], { generator: g });
      const w = ck.randn([40, 300], { generator: g });
      const xc = ck.randn([2, 8, 12, 12], { generator: g });
      const wc = ck.randn([6, 8, 3, 3], { generator: g });
      const stats = (): [number, number] => [wasm()['cacheHits']!, wasm()['cacheMisses']!];
      const y1 = ck.linear(x, w);
      const c1 = ck.conv2d(xc, wc, null, { padding: 1 });
      const [h0, m0] = stats();
      const y2 = ck.linear(x, w);
      const c2 = ck.conv2d(xc, wc, null, { padding: 1 });
      const [h1, m1] = stats();
      assert.equal(m1, m0, 'no new packing for unchanged weights');
      assert.equal(h1 - h0, 2, 'both layers found their packed weights');
      assert.deepEqual(y2.toArray(), y1.toArray());
      assert.deepEqual(c2.toArray(), c1.toArray());
      ck.noGrad(() => {
        w.mul_(-1);
        wc.mul_(-1);
      });
      const y3 = ck.linear(x, w);
      const c3 = ck.conv2d(xc, wc, null, { padding: 1 });
      assert.equal(stats()[1] - m1, 2, 'written weights are packed anew');
      assert.deepEqual(y3.toArray(), ck.neg(y1).toArray());
      assert.deepEqual(c3.toArray(), ck.neg(c1).toArray());
    });
  });
});
