/**
 * summary(model): rows from one traced forward pass, MACs from the ops themselves (each op's own
 * `macs`), so functional calls inside custom modules count, nested modules count once, recurrent
 * layers count every time step, and the totals equal the sum over every op the model ran.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, nn, noGrad, rand, observeOps, relu, summary, summarizeArchitecture, zeros, linear, mul, formatSummary } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import type { OpInfo } from '../src/op.js';
import { buildModel } from '../src/models/index.js';

/** Σ def.macs(info) over every op of one forward pass: the independent total. */
function opTotal(model: nn.AnyModule, shape: number[]): number {
  let total = 0;
  model.eval();
  observeOps((e) => {
    if (e.def?.macs && e.info) total += e.def.macs(e.info as OpInfo);
  }, () => noGrad(() => model.call(zeros(shape) as never)));
  return total;
}

/** Evaluates the working's arithmetic (digits, + - * / and parentheses). */
function evalFormula(f: string): number {
  assert.match(f, /^[0-9+\-*/() ]*$/, f);
  return (new Function(`return (${f});`) as () => number)();
}

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

  it('a module without a layer spec (LayerNorm) is counted from the ops it runs', () => {
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.LayerNorm(8), new nn.Linear(8, 2));
    const r = summary(m, [3, 4], { explain: true });
    const ln = r.rows[1]!;
    assert.equal(ln.params, 16);
    // normStandardize counts 3 per element (3·24) and the affine one per element (24)
    assert.equal(ln.macs, 3 * 24 + 24);
    assert.equal(ln.explain.find((e) => e.quantity === 'MACs')!.text, 'MACs = 72 + 24 = 96');
    assert.ok(r.totals.macsComplete);
    assert.equal(r.totals.params, 40 + 16 + 18);
    assert.equal(r.rows[2]!.macs, 3 * 8 * 2);
    assert.equal(r.totals.macs, opTotal(m, [3, 4]));
  });

  it('functional calls inside a custom module are counted (torchinfo#226, fvcore#42 miss them)', () => {
    class Gate extends nn.Module {
      w = zeros([6, 5], { requiresGrad: true });
      conv = new nn.Conv1d(2, 2, 3, { padding: 1 });
      forward(x: Tensor): Tensor {
        // a linear and a product written in forward, around a child module
        const h = linear(x, this.w);
        return mul(relu(this.conv.call(h)), h);
      }
    }
    const g = new Gate();
    const r = summary(g, [4, 2, 5], { explain: true });
    // rows: the conv child, then the module itself with its own ops
    assert.deepEqual(r.rows.map((x) => x.name), ['(root) (Gate)', 'conv (Conv1d)']);
    const own = r.rows[0]!;
    // linear 4·2·5·6 = 240 MACs; mul 4·2·6 = 48 products; the conv is its own row: 4·2·6·2·3 = 288
    assert.equal(own.macs, 240 + 48);
    assert.equal(own.params, 30);
    assert.equal(r.rows[1]!.macs, 288);
    assert.equal(r.totals.macs, 240 + 48 + 288);
    assert.equal(r.totals.params, 30 + 12 + 2);
    assert.equal(r.totals.macs, opTotal(g, [4, 2, 5]));
    assert.deepEqual(own.otherOps, [{ kind: 'elementwise', count: 48, what: 'relu' }]);
  });

  it('a residual block: its layers are rows below it, the addition is its own, nothing counted twice', () => {
    const src = '4x6x6 | res( conv 4 k3 p1 | bn | relu | conv 4 k3 p1 ) | relu | fc 3';
    const r = summarizeArchitecture(src, { explain: true });
    assert.deepEqual(r.rows.map((x) => [x.type, x.depth]), [
      ['residual', 0], ['conv2d', 1], ['batchNorm2d', 1], ['relu', 1], ['conv2d', 1], ['relu', 0], ['flatten', 0], ['linear', 0],
    ]);
    const block = r.rows[0]!;
    assert.equal(block.params, 0);
    assert.equal(block.macs, 0);
    assert.deepEqual(block.otherOps, [{ kind: 'additions', count: 144, what: 'add' }]);
    // conv 4·6·6·4·9 = 5,184 each; bn 144 + 2·4; fc 144·3
    assert.equal(r.totals.macs, 2 * 5184 + 144 + 8 + 432);
    // conv 4·4·9 + 4 = 148 each; bn 8; fc 432 + 3
    assert.equal(r.totals.params, 2 * 148 + 8 + 435);
    assert.match(formatSummary(r), /\n {2}Conv2d-2 \(conv2d 4→4 k3x3 p1x1\)/);
    for (const row of r.rows) for (const e of row.explain) if (e.formula !== '') assert.equal(evalFormula(e.formula.replace(/floor|ceil/g, '')), e.value, e.text);
  });

  it('a shared module called twice gives two rows and is counted twice, as it runs twice', () => {
    const lin = new nn.Linear(3, 3);
    const m = new nn.Sequential(lin, new nn.ReLU(), lin);
    const r = summary(m, [2, 3]);
    assert.equal(r.rows.length, 3);
    assert.equal(r.totals.macs, 2 * 2 * 3 * 3);
    assert.equal(r.totals.macs, opTotal(m, [2, 3]));
  });

  it('explains each formula with numbers', () => {
    const r = summary(buildModel('digits'), [1, 1, 28, 28], { explain: true });
    const texts = r.rows[0]!.explain.map((e) => e.text);
    assert.ok(texts.includes('H_out = floor((28 + 2*0 - 1*(5-1) - 1)/1 + 1) = 24'), texts.join('\n'));
    assert.ok(texts.some((t) => t.startsWith('params = 16 * (1/1) * 5 * 5 + 16 = 416')), texts.join('\n'));
    assert.ok(texts.includes('MACs = 16 * 24 * 24 * (1/1) * 5 * 5 = 230,400'), texts.join('\n'));
  });

  it('leaves the model in the mode it was in and the random state untouched', () => {
    const m = buildModel('mnist-net');
    m.train();
    (m as nn.Sequential).at(5).eval();
    summary(m, [1, 1, 28, 28]);
    assert.equal(m.training, true);
    assert.equal((m as nn.Sequential).at(5).training, false);
    // summarizing a string builds (and initialises) its layers; later random numbers are unchanged
    manualSeed(7);
    const a = rand([4]).toArray();
    manualSeed(7);
    summarizeArchitecture('1x28x28 | conv 32 k3 | fc 10');
    assert.deepEqual(rand([4]).toArray(), a);
  });
});

describe('summary(model) of recurrent layers: every time step counts', () => {
  it('LSTM: N·L·Σ_layers (4H·(I+H) + 3H): gate products count as the mul op counts them', () => {
    const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
    const r = summary(lstm, [3, 7, 10], { explain: true }); // N=3, L=7
    // per step: W_ih x (4H·I), W_hh h (4H·H), f⊙c, i⊙g, o⊙tanh(c) (3H); layer 0 I = 10, layer 1 I = 20
    assert.equal(r.rows[0]!.macs, 3 * 7 * (80 * 10 + 80 * 20 + 3 * 20 + 80 * 20 + 80 * 20 + 3 * 20));
    assert.equal(r.rows[0]!.explain.find((e) => e.quantity === 'MACs')!.formula, '7 * (3 * 10 * 80) + 21 * (3 * 20 * 80) + 42 * (3 * 20)');
    assert.equal(r.totals.params, 4 * 20 * (10 + 20 + 2) + 4 * 20 * (20 + 20 + 2));
    assert.equal(r.totals.macs, opTotal(lstm as unknown as nn.AnyModule, [3, 7, 10]));
  });
  it('GRU: L·N·(3H·(I+H) + 2H); RNN: L·N·H·(I+H); the gated cell: N·(H·(2I+H) + 2H)', () => {
    const gru = summary(new nn.GRU(5, 6), [4, 2, 5]); // L=4, N=2
    // per step: 3H·I + 3H·H, r⊙(W_hn h) and z⊙(h - n): 2H
    assert.equal(gru.rows[0]!.macs, 4 * 2 * (18 * 11 + 12));
    const rnn = summary(new nn.RNN(5, 6), [4, 2, 5]);
    assert.equal(rnn.rows[0]!.macs, 4 * 2 * 6 * 11);
    const cell = summary(new nn.GatedRNNCell(3, 4), [2, 3]);
    // W_c x, W_h h, W_x x, c⊙h and (1-c)⊙(W_x x)
    assert.equal(cell.rows[0]!.macs, 2 * (4 * (2 * 3 + 4) + 2 * 4));
    assert.equal(cell.totals.macsComplete, true);
  });
});
