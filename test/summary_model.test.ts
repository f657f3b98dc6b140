/** summary(model): leaf modules traced by hooks, counted with the same rules as architecture strings. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, summary, summarizeArchitecture } from '../src/index.js';
import { buildModel } from '../src/models/index.js';

describe('summary(model)', () => {
  it("PyTorch's MNIST example net: 1,199,882 params and 11,992,448 MACs, as its architecture string", () => {
    const r = summary(buildModel('mnist-net'), [1, 1, 28, 28]);
    assert.equal(r.totals.params, 1_199_882);
    // conv1 26·26·32·9 = 194,688; conv2 24·24·64·32·9 = 10,616,832; fc1 9216·128 = 1,179,648; fc2 128·10 = 1,280
    assert.equal(r.totals.macs, 194_688 + 10_616_832 + 1_179_648 + 1_280);
    assert.equal(r.totals.flops, 2 * r.totals.macs);
    const s = summarizeArchitecture('1x28x28 | conv 32 k3 | relu | conv 64 k3 | relu | maxpool 2 | dropout 0.25 | flatten | fc 128 | relu | dropout 0.5 | fc 10');
    assert.deepEqual(r.rows.map((x) => [x.outputShape, x.params, x.macs]), s.rows.map((x) => [x.outputShape, x.params, x.macs]));
    assert.equal(r.rows[0]!.name, '0 (Conv2d)');
  });
  it('flags a module it cannot count instead of reporting 0 MACs, and counts its parameters', () => {
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.LayerNorm(8), new nn.Linear(8, 2));
    const r = summary(m, [3, 4]);
    const ln = r.rows[1]!;
    assert.equal(ln.macs, null);
    assert.equal(ln.params, 16);
    assert.equal(r.totals.macsComplete, false);
    assert.equal(r.totals.params, 40 + 16 + 18);
    assert.equal(r.rows[2]!.macs, 3 * 8 * 2);
  });
  it('explains each formula with numbers', () => {
    const r = summary(buildModel('digits'), [1, 1, 28, 28], { explain: true });
    const texts = r.rows[0]!.explain.map((e) => e.text);
    assert.ok(texts.includes('H_out = floor((28 + 2*0 - 1*(5-1) - 1)/1 + 1) = 24'), texts.join('\n'));
    assert.ok(texts.some((t) => t.startsWith('params = 16 * (1/1) * 5 * 5 + 16 = 416')), texts.join('\n'));
  });
});

describe('summary(model) of recurrent layers', () => {
  it('counts MACs per time step × steps: LSTM 4·H·(I+H) per layer, GRU 3, RNN 1', () => {
    const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
    const r = summary(lstm, [3, 7, 10]); // N=3, L=7
    assert.equal(r.rows[0]!.macs, 3 * 7 * (4 * 20 * (10 + 20) + 4 * 20 * (20 + 20)));
    assert.equal(r.totals.params, 4 * 20 * (10 + 20 + 2) + 4 * 20 * (20 + 20 + 2));
    const gru = summary(new nn.GRU(5, 6), [4, 2, 5]); // L=4, N=2
    assert.equal(gru.rows[0]!.macs, 2 * 4 * 3 * 6 * (5 + 6));
    const cell = summary(new nn.GatedRNNCell(3, 4), [2, 3]);
    assert.equal(cell.rows[0]!.macs, 2 * 4 * (2 * 3 + 4));
    assert.equal(cell.totals.macsComplete, true);
  });
});
