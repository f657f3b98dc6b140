/**
 * The pieces exact resume is built from, tested directly: generator state round trips (including a
 * pending Box–Muller normal), a loader epoch continued from batch k equals the tail of the full
 * epoch, and state dicts refuse integer/float reinterpretation.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, Generator, ValueError, tensor } from '../src/index.js';
import { DataLoader, TensorDataset } from '../src/data/index.js';
import { Linear } from '../src/nn/index.js';
import { assertThrowsTyped } from './helpers.js';

it('Generator.getState/setState continue the same stream, through JSON', () => {
  const g = new Generator(42);
  g.normal(); // leaves a spare normal pending
  const saved = JSON.parse(JSON.stringify(g.getState())) as ReturnType<Generator['getState']>;
  const a = [g.normal(), g.random(), g.nextU32(), g.normal()];
  const h = new Generator(7).setState(saved);
  assert.deepEqual([h.normal(), h.random(), h.nextU32(), h.normal()], a);
  assert.equal(typeof saved.spare, 'number', 'the pending normal is part of the state');
  assertThrowsTyped(() => new Generator().setState({ s: [0, 0, 0, 0], spare: null }), ValueError, /Generator\.setState: state must be a state from getState\(\)/);
  assertThrowsTyped(() => new Generator().setState({ s: [1, 2, 3], spare: null }), ValueError, /Generator\.setState/);
});

it('DataLoader.iterFrom(k) yields the same batches as the rest of a full epoch', () => {
  const ds = new TensorDataset(tensor(Array.from({ length: 23 }, (_, i) => [i])), tensor(Array.from({ length: 23 }, (_, i) => i % 3), { dtype: 'int32' }));
  const make = () => new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 9 });
  const full = [...make()].map((b) => Array.from(b.input.data));
  for (const k of [0, 1, 4, 5]) assert.deepEqual([...make().iterFrom(k)].map((b) => Array.from(b.input.data)), full.slice(k));
  assertThrowsTyped(() => make().iterFrom(-1).next(), ValueError, 'DataLoader.iterFrom: start must be a non-negative integer, got -1');
});

it('loadStateDict converts float64 to float32 but refuses int32 values for float parameters', () => {
  const m = new Linear(2, 1);
  m.loadStateDict({ weight: tensor([[0.5, 0.25]], { dtype: 'float64' }), bias: tensor([1], { dtype: 'float64' }) });
  assert.deepEqual(Array.from(m.weight.data), [0.5, 0.25]);
  assertThrowsTyped(
    () => m.loadStateDict({ weight: tensor([[1, 2]], { dtype: 'int32' }), bias: tensor([1]) }),
    DTypeError,
    'loadStateDict: error(s) loading the state dict of Linear: dtype mismatch: weight: int32 values for a float32 parameter',
  );
  assert.deepEqual(Array.from(m.weight.data), [0.5, 0.25], 'nothing copied');
});
