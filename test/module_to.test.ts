/** Module.to(dtype): every floating parameter and buffer cast, names and fields kept, training works. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildArchitecture, crossEntropy, manualSeed, nn, noGrad, randn, tensor } from '../src/index.js';
import { ValueError } from '../src/errors.js';
import { assertClose, assertThrowsTyped } from './helpers.js';

describe('Module.to(dtype)', () => {
  it('casts parameters and float buffers, keeps counters, fields and requiresGrad; outputs agree', () => {
    manualSeed(1);
    const m = buildArchitecture('2x6x6 | conv 3 k3 p1 | bn | relu | res( conv 3 k3 p1 ) | fc 4');
    const x = randn([2, 2, 6, 6]);
    m.eval();
    const y32 = noGrad(() => m.forward(x));
    (m.at(0) as nn.Conv2d).weight.requiresGrad_(false);
    assert.equal(m.to('float64'), m);
    for (const [k, t] of Object.entries(m.stateDict())) assert.equal(t.dtype, k.endsWith('num_batches_tracked') ? 'int32' : 'float64', k);
    const conv = m.at(0) as nn.Conv2d;
    // the field and the registry hold the same new tensor
    assert.equal(conv.weight, new Map(conv.namedParameters(false)).get('weight'));
    assert.equal(conv.weight.requiresGrad, false);
    assert.equal(conv.bias!.requiresGrad, true);
    const y64 = noGrad(() => m.forward(x.to('float64')));
    assert.equal(y64.dtype, 'float64');
    assertClose(y64, y32.to('float64'), { rtol: 1e-5, atol: 1e-6 });
    // training in float64: gradients reach the new parameters
    m.train();
    crossEntropy(m.forward(x.to('float64')), tensor([0, 3], { dtype: 'int32' })).backward();
    assert.equal(conv.bias!.grad!.dtype, 'float64');
    assert.equal((m.at(5) as nn.Linear).weight.grad!.dtype, 'float64');
    assert.equal(conv.weight.grad, null);
  });

  it('recurrent layers (parameters looked up by name) and back to float32', () => {
    manualSeed(2);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const x = randn([5, 2, 3]);
    const [a] = noGrad(() => lstm.forward(x));
    lstm.to('float64');
    const [b] = noGrad(() => lstm.forward(x.to('float64')));
    assertClose(b, a.to('float64'), { rtol: 1e-5, atol: 1e-6 });
    lstm.to('float32');
    assert.ok([...lstm.parameters()].every((p) => p.dtype === 'float32' && p.requiresGrad));
    const cell = new nn.GatedRNNCell(2, 3).to('float64');
    assert.equal(cell.Wc.dtype, 'float64');
    assertThrowsTyped(() => cell.to('int32' as never), ValueError, /Module\.to: options\.dtype must be "float32" or "float64"/);
  });
});
