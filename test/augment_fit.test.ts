/**
 * Augmentations (checked against their definitions by brute force), the MNIST-style preprocessing
 * shared by `convkit predict` and the playground, the training loop's callbacks and cancellation,
 * and the confusion matrix of `evaluate`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { Generator, data, fit, evaluate, nn, optim, tensor, randn, formatConfusionMatrix, perClassAccuracy } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { ShapeError, ValueError } from '../src/errors.js';
import { assertThrowsTyped } from './helpers.js';

const { randomCrop, randomHorizontalFlip, randomShift, compose, normalize, preprocessDigit, mnistPreprocess } = data;

/** Pixel (c, y, x) of a [C, H, W] image with zero padding outside. */
const at = (img: Tensor, c: number, y: number, x: number): number => {
  const [, H, W] = img.shape as [number, number, number];
  return y < 0 || y >= H || x < 0 || x >= W ? 0 : img.data[(c * H + y) * W + x]!;
};

describe('augmentations', () => {
  const img = tensor(Float32Array.from({ length: 2 * 5 * 6 }, (_, i) => i + 1), { shape: [2, 5, 6] });

  it('randomCrop(size, {padding}) is a window of the zero-padded image at a position in range', () => {
    const crop = randomCrop([4, 4], { padding: 2, generator: new Generator(1) });
    const seen = new Set<string>();
    for (let k = 0; k < 60; k++) {
      const out = crop(img);
      assert.deepEqual(out.shape, [2, 4, 4]);
      const fits: string[] = [];
      for (let top = -2; top <= 5 + 2 - 4; top++) {
        for (let left = -2; left <= 6 + 2 - 4; left++) {
          let same = true;
          for (let c = 0; c < 2 && same; c++) for (let i = 0; i < 4 && same; i++) for (let j = 0; j < 4 && same; j++) same = out.data[(c * 4 + i) * 4 + j] === at(img, c, top + i, left + j);
          if (same) fits.push(`${top},${left}`);
        }
      }
      assert.equal(fits.length, 1, 'exactly one window of the padded image matches');
      seen.add(fits[0]!);
    }
    // 6 x 7 possible corners (top in [-2, 3], left in [-2, 4]); 60 draws visit many of them
    assert.ok(seen.size >= 15, `${seen.size} positions`);
  });

  it('randomHorizontalFlip mirrors with probability p; p = 0 and 1 are exact', () => {
    const mirror = (x: Tensor): number[] => [...ck.flip(x, [-1]).data];
    assert.deepEqual([...randomHorizontalFlip({ p: 1 })(img).data], mirror(img));
    assert.deepEqual([...randomHorizontalFlip({ p: 0 })(img).data], [...img.data]);
    const f = randomHorizontalFlip({ generator: new Generator(3) });
    let flips = 0;
    for (let k = 0; k < 400; k++) {
      const out = [...f(img).data];
      const m = out.join() === mirror(img).join();
      assert.ok(m || out.join() === [...img.data].join());
      if (m) flips++;
    }
    // Binomial(400, 0.5): 4 standard deviations either side
    assert.ok(flips > 160 && flips < 240, `${flips} flips`);
  });

  it('randomShift moves by at most maxShift, filling zeros', () => {
    const s = randomShift(1, { generator: new Generator(2) });
    for (let k = 0; k < 30; k++) {
      const out = s(img);
      const ok = [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => [...out.data].every((v, i) => {
        const c = Math.floor(i / 30);
        const y = Math.floor(i / 6) % 5;
        const x = i % 6;
        return v === at(img, c, y - dy, x - dx);
      })));
      assert.ok(ok);
    }
  });

  it('seeded, batch = each image in turn, composable with normalize', () => {
    const batch = ck.stack([img, ck.mul(img, 2), ck.neg(img)], 0);
    const a = randomCrop(3, { padding: 1, generator: new Generator(9) })(batch);
    const one = randomCrop(3, { padding: 1, generator: new Generator(9) });
    const b = [0, 1, 2].map((i) => [...one(ck.reshape(ck.narrow(batch, 0, i, 1), [2, 5, 6])).data]).flat();
    assert.deepEqual([...a.data], b);
    assert.deepEqual(a.shape, [3, 2, 3, 3]);
    const t = compose(randomHorizontalFlip({ p: 1 }), normalize([1, 2], [2, 4]));
    const y = t(img);
    assert.equal(y.data[0], (6 - 1) / 2);
    assert.equal(y.data[30], (36 - 2) / 4);
    assertThrowsTyped(() => randomCrop(8)(img), ShapeError, /randomCrop: .* an image of at least 8 x 8/);
    assertThrowsTyped(() => randomHorizontalFlip({ p: 2 }), ValueError, /options\.p/);
    assertThrowsTyped(() => randomShift(-1), ValueError, /maxShift/);
  });
});

describe('MNIST-style preprocessing (one implementation for predict and the playground)', () => {
  it('scales the ink box to 20 pixels and centres its centre of mass at (14, 14)', () => {
    // a 10 x 40 bar of ink in a 100 x 100 image: scaled to 5 x 20
    const w = 100;
    const g = new Float32Array(w * w);
    for (let y = 30; y < 70; y++) for (let x = 50; x < 60; x++) g[y * w + x] = 1;
    const out = preprocessDigit(g, w, w);
    let m = 0;
    let cx = 0;
    let cy = 0;
    let rows = 0;
    let cols = 0;
    for (let y = 0; y < 28; y++) {
      let any = false;
      for (let x = 0; x < 28; x++) {
        const v = out[y * 28 + x]!;
        m += v;
        cx += v * (x + 0.5);
        cy += v * (y + 0.5);
        any ||= v > 0;
      }
      if (any) rows++;
    }
    for (let x = 0; x < 28; x++) if ([...Array(28).keys()].some((y) => out[y * 28 + x]! > 0)) cols++;
    assert.deepEqual([rows, cols], [20, 5]);
    assert.ok(Math.abs(cx / m - 14) <= 0.5 && Math.abs(cy / m - 14) <= 0.5, `${cx / m}, ${cy / m}`);
    const t = mnistPreprocess(tensor(g, { shape: [1, w, w] }));
    assert.deepEqual(t.shape, [1, 28, 28]);
    assert.deepEqual([...t.data], [...out]);
    assertThrowsTyped(() => mnistPreprocess(randn([3, 4, 4])), ShapeError, /a grey image \[1, H, W\]/);
  });
});

describe('fit: callbacks and cancellation; evaluate: confusion matrix', () => {
  // a separable toy problem: class = whether the sum of the 4 inputs is positive
  const g = new Generator(0);
  const x = randn([64, 4], { generator: g });
  const y = tensor(Int32Array.from({ length: 64 }, (_, i) => ((x.data[4 * i]! + x.data[4 * i + 1]! + x.data[4 * i + 2]! + x.data[4 * i + 3]!) > 0 ? 1 : 0)), { dtype: 'int32' });
  const ds = new data.TensorDataset(x, y);

  it('onStep after every step, onEpoch after every epoch with the test numbers, the scheduler stepped', async () => {
    ck.manualSeed(0);
    const model = new nn.Linear(4, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
    const sched = new optim.StepLR(opt as never, 1, { gamma: 0.5 });
    const steps: [number, number][] = [];
    const epochs: number[] = [];
    const r = await fit(model, opt as never, new data.DataLoader(ds, { batchSize: 16, shuffle: true, seed: 1 }), {
      epochs: 3,
      test: new data.DataLoader(ds, { batchSize: 64 }),
      scheduler: sched,
      onStep: (s) => steps.push([s.epoch, s.batch]),
      onEpoch: (e) => {
        epochs.push(e.epoch);
        assert.equal(e.test!.examples, 64);
      },
    });
    assert.deepEqual(steps, [1, 2, 3].flatMap((e) => [1, 2, 3, 4].map((b) => [e, b] as [number, number])));
    assert.deepEqual(epochs, [1, 2, 3]);
    assert.deepEqual(r.history.map((h) => h.lr), [0.5, 0.25, 0.125]);
    assert.equal(r.stopped, false);
    assert.ok(r.history[2]!.test!.accuracy > 0.9);
  });

  it('an AbortSignal stops after the current step; nothing runs after it', async () => {
    const model = new nn.Linear(4, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const ac = new AbortController();
    let n = 0;
    const r = await fit(model, opt as never, new data.DataLoader(ds, { batchSize: 8 }), {
      epochs: 5,
      signal: ac.signal,
      onStep: () => {
        if (++n === 3) ac.abort();
      },
      onEpoch: () => assert.fail('no epoch finishes'),
    });
    assert.equal(n, 3);
    assert.equal(r.stopped, true);
    assert.deepEqual(r.history, []);
    await assertRejectsValue(() => fit(model, opt as never, new data.DataLoader(ds), { epochs: 0 }));
  });

  it('evaluate: the confusion matrix adds up to the examples and its trace to the accuracy', async () => {
    const model = new nn.Linear(4, 3);
    const r = await evaluate(model, new data.DataLoader(ds, { batchSize: 10 }));
    assert.equal(r.confusion.length, 3);
    assert.equal(r.confusion.flat().reduce((a, b) => a + b, 0), 64);
    assert.equal(r.confusion.reduce((s, row, t) => s + row[t]!, 0), Math.round(r.accuracy * 64));
    // no example has true class 2
    assert.ok(Number.isNaN(perClassAccuracy(r.confusion)[2]));
    const text = formatConfusionMatrix([[5, 1], [2, 2]], ['cat', 'dog']);
    assert.equal(text, ['true \\ predicted   0   1   accuracy', '0 cat              5   1    83.3%', '1 dog              2   2    50.0%'].join('\n'));
  });
});

async function assertRejectsValue(fn: () => Promise<unknown>): Promise<void> {
  await assert.rejects(fn, ValueError);
}
