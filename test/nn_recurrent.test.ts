/** convkit.nn recurrent layers and containers: shapes, unbatched inputs, dropout, naming. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, ValueError, manualSeed, ones, randn, reshape, zeros } from '../src/index.js';
import * as nn from '../src/nn/index.js';
import { TOL32, assertClose, assertThrowsTyped } from './helpers.js';

describe('recurrent layers', () => {
  it('torch parameter names, gate layouts and output shapes', () => {
    const l = new nn.LSTM(3, 5, { numLayers: 2, batchFirst: true });
    assert.deepEqual(Object.keys(l.stateDict()), [
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
    ]);
    assert.deepEqual([...l.stateDict().weight_ih_l0!.shape], [20, 3]);
    assert.deepEqual([...l.stateDict().weight_ih_l1!.shape], [20, 5]);
    const [out, [h, c]] = l.call(randn([2, 7, 3]));
    assert.deepEqual([out.shape, h.shape, c.shape].map((s) => [...s]), [[2, 7, 5], [2, 2, 5], [2, 2, 5]]);
    const g = new nn.GRU(3, 4, { bias: false });
    assert.deepEqual(Object.keys(g.stateDict()), ['weight_ih_l0', 'weight_hh_l0']);
    assert.deepEqual([...g.stateDict().weight_hh_l0!.shape], [12, 4]);
    assert.equal(String(l), 'LSTM(3, 5, num_layers=2, batch_first=True)');
  });

  it('unbatched input equals the batch of one', () => {
    manualSeed(2);
    for (const m of [new nn.RNN(3, 4, { numLayers: 2 }), new nn.GRU(3, 4)]) {
      const x = randn([6, 3]);
      const [o1, h1] = m.forward(x);
      const [o2, h2] = m.forward(reshape(x, [6, 1, 3]));
      assertClose(o1, reshape(o2, [6, 4]), TOL32);
      assertClose(h1, reshape(h2, [h1.shape[0]!, 4]), TOL32);
      assert.deepEqual([...o1.shape], [6, 4]);
    }
    const lstm = new nn.LSTM(3, 4);
    const x = randn([6, 3]);
    const [o, [h, c]] = lstm.forward(x);
    const [ob, [hb, cb]] = lstm.forward(reshape(x, [6, 1, 3]));
    assertClose(o, reshape(ob, [6, 4]), TOL32);
    assertClose(h, reshape(hb, [1, 4]), TOL32);
    assertClose(c, reshape(cb, [1, 4]), TOL32);
    const cell = new nn.LSTMCell(3, 4);
    const [hc, cc] = cell.forward(x);
    assert.deepEqual([...hc.shape, ...cc.shape], [6, 4, 6, 4]);
  });

  it('dropout between layers only in training mode', () => {
    manualSeed(4);
    const m = new nn.GRU(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([5, 2, 3]);
    const [a] = m.eval().forward(x);
    const [b] = m.forward(x);
    assert.deepEqual([...a.data], [...b.data], 'deterministic in eval');
    const [t] = m.train().forward(x);
    assert.notDeepEqual([...t.data], [...a.data]);
  });

  it('validates shapes and options', () => {
    const m = new nn.RNN(3, 4, { numLayers: 2 });
    assertThrowsTyped(() => m.forward(zeros([5, 2, 4])), ShapeError, /input/);
    assertThrowsTyped(() => m.forward(zeros([5, 2, 3]), zeros([1, 2, 4])), ShapeError, /h0 must be shape \[2, 2, 4\], got shape \[1, 2, 4\]/);
    assertThrowsTyped(() => new nn.RNN(3, 4, { bidirectional: 'yes' } as never), ValueError, /options\.bidirectional/);
    const b = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true });
    assertThrowsTyped(() => b.forward(zeros([5, 2, 3]), zeros([2, 2, 4])), ShapeError, /h0 must be shape \[4, 2, 4\]/);
    // the second layer reads both directions: 2·hidden features
    assert.deepEqual([...b.stateDict().weight_ih_l1_reverse!.shape], [12, 8]);
    const [out, h] = b.forward(randn([5, 2, 3]));
    assert.deepEqual([[...out.shape], [...h.shape]], [[5, 2, 8], [4, 2, 4]]);
    assertThrowsTyped(() => new nn.GRU(3, 4, { nonlinearity: 'relu' } as never), ValueError);
    assertThrowsTyped(() => new nn.RNNCell(3, 4, { nonlinearity: 'sigmoid' as never }), ValueError);
  });
});

describe('containers', () => {
  it('Sequential from named modules, append, at, iteration; ModuleList', () => {
    const s = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), act: new nn.ReLU() });
    assert.deepEqual(Object.keys(s.stateDict()), ['conv.weight', 'conv.bias']);
    assert.equal(s.length, 2);
    assert.ok(s.at(-1) instanceof nn.ReLU);
    assert.equal(String(s), 'Sequential(\n  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n  (act): ReLU()\n)');
    const l = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 1)]);
    assert.deepEqual(Object.keys(l.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.equal([...l].length, 2);
    const p = nn.Parameter(ones([2]));
    assert.ok(p.requiresGrad);
    assertThrowsTyped(() => new nn.Sequential(5 as never), ValueError);
  });
});
