/** convkit.data: TensorDataset, DataLoader, transforms and the digits split (browser-safe parts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, ShapeError, Tensor, ValueError, manualSeed, rand, tensor } from '../src/index.js';
import { DataLoader, TensorDataset, compose, digitsSplit, normalize, toTensor } from '../src/data/index.js';
import type { Dataset } from '../src/data/index.js';
import { assertThrowsTyped } from './helpers.js';

/** N examples [2] holding [i, -i], labeled i % 3. */
function rows(n: number): TensorDataset {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) x.set([i, -i], 2 * i);
  return new TensorDataset(new Tensor(x, [n, 2]), Array.from({ length: n }, (_, i) => i % 3));
}

/** The example ids (first input column) of every batch of one epoch. */
function epoch(loader: DataLoader): number[][] {
  return [...loader].map((b) => Array.from({ length: b.input.shape[0]! }, (_, k) => b.input.data[2 * k]!));
}

describe('TensorDataset', () => {
  it('indexes rows as views and returns integer targets', () => {
    const ds = rows(5);
    assert.equal(ds.length, 5);
    const { input, target } = ds.get(3);
    assert.deepEqual([...input.shape], [2]);
    assert.deepEqual([...input.data], [3, -3]);
    assert.equal(target, 0);
    input.data[0] = 99;
    assert.equal(ds.inputs.data[6], 99, 'get returns a view, like PyTorch');
  });

  it('accepts int32 tensors as targets and applies a transform', () => {
    const ds = new TensorDataset(new Tensor(Float32Array.from([0, 1, 2, 3, 4, 5]), [3, 2]), tensor([2, 0, 1], { dtype: 'int32' }), {
      transform: (x) => new Tensor(Float32Array.from(x.data, (v) => v * 10), [...x.shape]),
    });
    assert.deepEqual([...ds.get(1).input.data], [20, 30]);
    assert.equal(ds.get(0).target, 2);
    assert.deepEqual([...ds.inputs.data.subarray(2, 4)], [2, 3], 'the transform does not touch the stored inputs');
  });

  it('rejects mismatched or ill-typed targets and bad indices', () => {
    const x = rand([4, 2]);
    assertThrowsTyped(() => new TensorDataset(x, [0, 1, 2]), ShapeError, 'TensorDataset: targets must be 4 labels (one per row of inputs [4, 2]), got 3 labels');
    assertThrowsTyped(() => new TensorDataset(x, tensor([0, 1, 2, 3])), DTypeError, /targets must be an int32 tensor of class labels, got a float32 tensor/);
    assertThrowsTyped(() => new TensorDataset(x, [0, 1, 2.5, 3]), ValueError, 'TensorDataset: targets[2] must be an integer class label, got 2.5');
    assertThrowsTyped(() => rows(4).get(4), ValueError, 'TensorDataset.get: i must be an integer index in [0, 4), got 4');
    assertThrowsTyped(() => rows(4).get(-1), ValueError, /integer index in \[0, 4\), got -1/);
  });
});

describe('DataLoader', () => {
  it('batches in order, stacking inputs [B, ...] and int32 targets [B]', () => {
    const loader = new DataLoader(rows(10), { batchSize: 4 });
    assert.equal(loader.length, 3);
    const batches = [...loader];
    assert.deepEqual(batches.map((b) => [...b.input.shape]), [[4, 2], [4, 2], [2, 2]]);
    assert.deepEqual(epoch(loader), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const last = batches[2]!;
    assert.deepEqual([...last.input.data], [8, -8, 9, -9]);
    assert.equal(last.target.dtype, 'int32');
    assert.deepEqual([...last.target.shape], [2]);
    assert.deepEqual([...batches[0]!.target.data], [0, 1, 2, 0]);
  });

  it('dropLast drops the short final batch; batchSize defaults to 1', () => {
    const loader = new DataLoader(rows(10), { batchSize: 4, dropLast: true });
    assert.equal(loader.length, 2);
    assert.deepEqual(epoch(loader), [[0, 1, 2, 3], [4, 5, 6, 7]]);
    assert.equal(new DataLoader(rows(8), { batchSize: 4, dropLast: true }).length, 2);
    const ones = new DataLoader(rows(3));
    assert.equal(ones.length, 3);
    assert.deepEqual(epoch(ones), [[0], [1], [2]]);
    assert.equal([...new DataLoader(rows(0), { batchSize: 2 })].length, 0);
  });

  it('shuffles deterministically per seed, with a fresh permutation every epoch', () => {
    const a = new DataLoader(rows(20), { batchSize: 6, shuffle: true, seed: 42 });
    const b = new DataLoader(rows(20), { batchSize: 6, shuffle: true, seed: 42 });
    const c = new DataLoader(rows(20), { batchSize: 6, shuffle: true, seed: 43 });
    const ea = [epoch(a), epoch(a), epoch(a)];
    rand([100]); // the global generator does not feed a seeded loader
    const eb = [epoch(b), epoch(b), epoch(b)];
    assert.deepEqual(eb, ea, 'same seed, same sequence of epochs');
    for (const e of ea) {
      assert.deepEqual(e.map((x) => x.length), [6, 6, 6, 2]);
      assert.deepEqual(e.flat().sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i), 'each epoch is a permutation');
    }
    assert.notDeepEqual(ea[0]!.flat(), Array.from({ length: 20 }, (_, i) => i), 'shuffled');
    assert.notDeepEqual(ea[1], ea[0], 'a new order each epoch');
    assert.notDeepEqual(ea[2], ea[1]);
    assert.notDeepEqual(epoch(c), ea[0], 'another seed, another order');
  });

  it('draws every permutation about equally often', () => {
    const loader = new DataLoader(rows(3), { batchSize: 3, shuffle: true, seed: 1 });
    const seen = new Map<string, number>();
    for (let e = 0; e < 1200; e++) {
      const key = epoch(loader)[0]!.join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    assert.equal(seen.size, 6, `all 3! orders appear: ${[...seen.keys()]}`);
    // 200 expected each; a uniform shuffle stays within ±60 with overwhelming probability
    for (const [k, n] of seen) assert.ok(n > 140 && n < 260, `order ${k} drawn ${n} times of 1200`);
  });

  it('without a seed, draws its seed from the global generator (manualSeed reproduces it)', () => {
    manualSeed(7);
    const a = epoch(new DataLoader(rows(12), { batchSize: 5, shuffle: true }));
    manualSeed(7);
    const b = epoch(new DataLoader(rows(12), { batchSize: 5, shuffle: true }));
    manualSeed(8);
    const c = epoch(new DataLoader(rows(12), { batchSize: 5, shuffle: true }));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    manualSeed(3);
    const first = rand([2]).data;
    manualSeed(3);
    new DataLoader(rows(12), { batchSize: 5 });
    assert.deepEqual(rand([2]).data, first, 'a loader that does not shuffle leaves the global generator alone');
  });

  it('validates options and the examples it stacks', () => {
    const ds = rows(4);
    assertThrowsTyped(() => new DataLoader(ds, { batchSize: 0 }), ValueError, 'DataLoader: options.batchSize must be a positive integer, got 0');
    assertThrowsTyped(() => new DataLoader(ds, { batchSize: 2.5 }), ValueError, /batchSize must be a positive integer, got 2.5/);
    assertThrowsTyped(() => new DataLoader(ds, { batch_size: 2 } as never), ValueError, 'DataLoader: unknown option "batch_size" (allowed: batchSize, shuffle, seed, dropLast)');
    assertThrowsTyped(() => new DataLoader(ds, { shuffle: 1 } as never), ValueError, 'DataLoader: options.shuffle must be true or false, got 1');
    assertThrowsTyped(() => new DataLoader(ds, { seed: 0.5 }), ValueError, 'DataLoader: options.seed must be an integer, got 0.5');
    assertThrowsTyped(() => new DataLoader([] as never), ValueError, /dataset must be a Dataset/);
    const ragged: Dataset = { length: 3, get: (i) => ({ input: rand([i === 2 ? 3 : 2]), target: 0 }) };
    assertThrowsTyped(() => [...new DataLoader(ragged, { batchSize: 3 })], ShapeError, 'DataLoader: cannot batch examples of different shapes: example 0 is [2] but example 2 is [3]');
    const fractional: Dataset = { length: 1, get: () => ({ input: rand([2]), target: 0.5 }) };
    assertThrowsTyped(() => [...new DataLoader(fractional)], ValueError, 'DataLoader: dataset.get(0).target must be an integer class label, got 0.5');
  });
});

describe('transforms', () => {
  it('toTensor maps bytes 0..255 to float32 [0, 1] and adds the channel to [H, W]', () => {
    const t = toTensor(new Uint8Array([0, 51, 255, 128]), [1, 2, 2]);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual([...t.shape], [1, 2, 2]);
    assert.deepEqual([...t.data], [0, 0.2, 1, 128 / 255].map(Math.fround));
    const img = toTensor(tensor([[0, 255], [255, 0]], { dtype: 'int32' }));
    assert.deepEqual([...img.shape], [1, 2, 2]);
    assert.deepEqual([...img.data], [0, 1, 1, 0]);
    assertThrowsTyped(() => toTensor([0, 256], [2]), ValueError, 'toTensor: data must be integer pixel values 0..255, got 256 at index 1');
    assertThrowsTyped(() => toTensor(new Uint8Array(4), [3]), ShapeError, 'toTensor: shape must be a shape with 4 elements, got [3] (3 elements)');
    assertThrowsTyped(() => toTensor(new Uint8Array(4)), ValueError, /shape must be the image shape/);
  });

  it('normalize applies (x - mean[c]) / std[c] per channel of [..., C, H, W]', () => {
    const x = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const y = normalize([1, 2], [2, 0.5])(x);
    assert.deepEqual([...y.data], [0, 0.5, 2, 4]);
    assert.deepEqual([...x.data], [1, 2, 3, 4], 'input untouched');
    const batch = tensor([[[[1, 2]], [[3, 4]]], [[[5, 6]], [[7, 8]]]]); // [2, 2, 1, 2]
    assert.deepEqual([...normalize([1, 2], [2, 0.5])(batch).data], [0, 0.5, 2, 4, 2, 2.5, 10, 12]);
    const mnist = normalize(0.1307, 0.3081)(tensor([0.1307, 1], { dtype: 'float64' }));
    assert.equal(mnist.dtype, 'float64');
    assert.deepEqual([...mnist.data], [0, (1 - 0.1307) / 0.3081]);
    assertThrowsTyped(() => normalize([0.5], [0]), ValueError, 'normalize: std[0] is 0, which would divide by zero');
    assertThrowsTyped(() => normalize([0, 0, 0], [1, 1, 1])(rand([2, 4, 4])), ShapeError, 'normalize: input must be a [..., 3, H, W] tensor (3 channels, one per mean/std value), got shape [2, 4, 4]');
    assertThrowsTyped(() => normalize(0, 1)(tensor([1], { dtype: 'int32' })), DTypeError, /convert pixel bytes with toTensor first/);
    assertThrowsTyped(() => normalize([], 1), ValueError, /mean must be a finite number or a non-empty array/);
  });

  it('compose applies transforms left to right', () => {
    const f = compose((x) => toTensor(x), normalize(0.5, 0.5));
    const y = f(tensor([[0, 255]], { dtype: 'int32' }));
    assert.deepEqual([...y.shape], [1, 1, 2]);
    assert.deepEqual([...y.data], [-1, 1]);
  });
});

describe('digitsSplit', () => {
  /** Class c has `counts[c]` images; image j of class c is filled with (c·10 + j)/255. */
  const synth = (counts: number[]) => counts.map((n, c) => Float64Array.from({ length: n * 784 }, (_, p) => Number(((c * 10 + Math.floor(p / 784)) / 255).toFixed(3))));

  it('tests on the last testPerClass images of each class, trains on the rest, classes round-robin', () => {
    const counts = [3, 4, 3, 3, 3, 3, 3, 3, 3, 5];
    const { train, test } = digitsSplit(synth(counts), { testPerClass: 2 });
    assert.equal(test.length, 20);
    assert.equal(train.length, counts.reduce((a, b) => a + b) - 20);
    assert.deepEqual([...test.targets.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // train: first round has every class, then only classes 1 (4 images) and 9 (5 images) go on
    assert.deepEqual([...train.targets.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 9, 9]);
    const pixel = (ds: TensorDataset, i: number) => ds.get(i).input.data[0]! * 255;
    assert.equal(Math.round(pixel(test, 0)), 1, 'class 0 test starts at image 3 - 2 = 1');
    assert.equal(Math.round(pixel(test, 19)), 94, 'class 9 test ends with image 4');
    assert.equal(Math.round(pixel(train, 12)), 92, 'class 9 train is images 0, 1, 2');
    const img = test.get(0).input;
    assert.deepEqual([...img.shape], [1, 28, 28]);
    assert.equal(img.data[0], Math.fround(1 / 255), 'the 3-decimal value is restored to byte / 255 exactly');
  });

  it('trainPerClass gives an exactly balanced training set', () => {
    const { train } = digitsSplit(synth([3, 4, 3, 3, 3, 3, 3, 3, 3, 5]), { testPerClass: 2, trainPerClass: 1 });
    assert.deepEqual([...train.targets.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(Math.round(train.get(9).input.data[0]! * 255), 90, 'the first image of class 9');
  });

  it('rejects malformed per-class arrays', () => {
    const ok = synth(Array(10).fill(2));
    assertThrowsTyped(() => digitsSplit(ok.slice(0, 9)), ValueError, /rawPerClass must be an array of 10 pixel arrays/);
    assertThrowsTyped(() => digitsSplit(ok, { testPerClass: 3 }), ValueError, 'digitsSplit: rawPerClass[0] must be at least 3 images of class 0, got 2 images');
    const short = ok.slice();
    short[4] = new Float64Array(783);
    assertThrowsTyped(() => digitsSplit(short, { testPerClass: 1 }), ValueError, 'digitsSplit: rawPerClass[4] must be a flat pixel array whose length is a multiple of 784, got length 783');
    const bright = ok.slice();
    bright[1] = Float64Array.from(ok[1]!, (v, p) => (p === 5 ? 255 : v));
    assertThrowsTyped(() => digitsSplit(bright, { testPerClass: 1 }), ValueError, /rawPerClass\[1\]\[5\] must be a grey value in \[0, 1\], got 255/);
  });
});
