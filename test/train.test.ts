/** Training diagnostics on hand-built cases: dead ReLU units and per-layer gradient norms. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { nn, optim } from '../src/index.js';
import { TrainingDiagnostics, firstNonFiniteLayer } from '../src/train/diagnostics.js';
import { trainEpoch } from '../src/train/loop.js';
import { TensorDataset } from '../src/data/dataset.js';
import { DataLoader } from '../src/data/loader.js';

describe('training diagnostics', () => {
  it('finds the dead filter (negative pre-activation on every example) and its zero gradient', async () => {
    ck.manualSeed(3);
    const model = new nn.Sequential(new nn.Conv2d(1, 3, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(3 * 4 * 4, 2));
    const conv = model.at(0) as InstanceType<typeof nn.Conv2d>;
    conv.bias!.data.set([5, -100, 5]); // inputs in [0, 1), weights within ±1/3: filter 1 never fires, 0 and 2 always do
    const data = new TensorDataset(ck.rand([16, 1, 6, 6]), ck.randint(0, 2, [16]));
    const diag = new TrainingDiagnostics(model);
    await trainEpoch(model, new optim.SGD(model.parameters(), { lr: 0.01 }), new DataLoader(data, { batchSize: 8 }), { diagnostics: diag });
    const r = diag.report();
    const relu = r.layers.find((l) => l.name === '1')!;
    assert.deepEqual([relu.deadUnits, relu.units], [1, 3]);
    assert.ok(r.warnings.some((w) => /1 of 3 units after layer 1/.test(w)));
    assert.deepEqual(r.layers.filter((l) => l.gradNorm !== undefined).map((l) => l.name), ['0', '3']);
    // the dead filter's weights got exactly zero gradient
    assert.deepEqual([...ck.narrow(conv.weight.grad!, 0, 1, 1).data], new Array(9).fill(0));
  });

  it('warns about vanishing gradients and names the first non-finite layer', () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Sigmoid(), new nn.Linear(2, 1));
    for (const p of model.parameters()) p.data.fill(0);
    const diag = new TrainingDiagnostics(model);
    const loss = ck.sum(model.forward(ck.ones([1, 2])));
    loss.backward();
    diag.afterBackward();
    assert.ok(diag.report().warnings.some((w) => /vanishing gradient: layer 0/.test(w)));
    (model.at(2) as InstanceType<typeof nn.Linear>).weight.data[0] = Infinity;
    assert.equal(firstNonFiniteLayer(model, ck.ones([1, 2])), '2');
  });
});
