/** convkit.nn: Module core, strict loading, train/eval, init statistics, GatedRNNCell, utils. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, ShapeError, ValueError, add, flatten, linear, manualSeed, mul, ones, randn, sigmoid, sub, sum, tensor, zeros } from '../src/index.js';
import * as nn from '../src/nn/index.js';
import { TOL32, TOL64, assertClose, assertThrowsTyped } from './helpers.js';

class Net extends nn.Module {
  features = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU());
  head = new nn.Linear(8, 3);
  scale = ones([1], { requiresGrad: true });
  forward(x: Tensor): Tensor {
    const f = this.features.call(x);
    return mul(this.head.call(flatten(f, 1)), this.scale);
  }
}

describe('Module core', () => {
  it('names parameters, buffers and modules like torch', () => {
    const m = new Net();
    assert.deepEqual(
      [...m.namedParameters()].map(([k]) => k),
      ['scale', 'features.0.weight', 'features.0.bias', 'features.1.weight', 'features.1.bias', 'head.weight', 'head.bias'],
    );
    assert.deepEqual([...m.namedBuffers()].map(([k]) => k), ['features.1.running_mean', 'features.1.running_var', 'features.1.num_batches_tracked']);
    // torch order: a module's own parameters and buffers first, then its children's
    assert.deepEqual(Object.keys(m.stateDict()), [
      'scale',
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'features.1.running_mean',
      'features.1.running_var',
      'features.1.num_batches_tracked',
      'head.weight',
      'head.bias',
    ]);
    assert.deepEqual([...m.namedChildren()].map(([k]) => k), ['features', 'head']);
    assert.deepEqual([...m.namedModules()].map(([k]) => k), ['', 'features', 'features.0', 'features.1', 'features.2', 'head']);
    assert.equal([...m.children()].length, 2);
    assert.equal([...m.modules()].length, 6);
    assert.equal([...m.parameters()].length, 7);
    assert.equal([...m.buffers()].length, 3);
  });

  it('shared parameters are listed once; explicit registration works', () => {
    const a = new nn.Linear(2, 2);
    const s = new nn.Sequential(a, new nn.ReLU(), a);
    assert.equal([...s.parameters()].length, 2);
    assert.deepEqual(Object.keys(s.stateDict()), ['0.weight', '0.bias', '2.weight', '2.bias']);
    class M extends nn.Module {
      constructor() {
        super();
        this.registerParameter('w', zeros([2]));
        this.registerBuffer('b', ones([2]));
        this.registerBuffer('tmp', ones([1]), false);
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new M();
    assert.ok([...m.parameters()][0]!.requiresGrad);
    assert.deepEqual(Object.keys(m.stateDict()), ['w', 'b']);
    assert.deepEqual([...m.namedBuffers()].map(([k]) => k), ['b', 'tmp']);
    assertThrowsTyped(() => m.registerParameter('a.b', zeros([1])), ValueError);
  });

  it('loadStateDict copies values in place and round-trips', () => {
    manualSeed(1);
    const a = new Net();
    const b = new Net();
    const w = b.head.weight;
    b.loadStateDict(a.stateDict());
    assert.equal(b.head.weight, w, 'same tensor object');
    assert.deepEqual([...b.head.weight.data], [...a.head.weight.data]);
    const x = randn([2, 1, 4, 4]);
    assertClose(b.eval().forward(x), a.eval().forward(x), TOL32, 'same outputs');
  });

  it('strict loading reports missing, unexpected and mis-shaped keys by name', () => {
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
    const sd = m.stateDict();
    const { ['2.bias']: _drop, ...missing } = sd;
    void _drop;
    assertThrowsTyped(
      () => m.loadStateDict({ ...missing, extra: zeros([1]) }),
      ValueError,
      'loadStateDict: error(s) loading the state dict of Sequential: missing keys: "2.bias"; unexpected keys: "extra"',
    );
    assertThrowsTyped(
      () => m.loadStateDict({ ...sd, '0.weight': zeros([2, 4]), '2.weight': zeros([1]) }),
      ShapeError,
      'loadStateDict: error(s) loading the state dict of Sequential: size mismatch: 0.weight: copying a tensor of shape [2, 4] into a parameter of shape [2, 3]; 2.weight: copying a tensor of shape [1] into a parameter of shape [1, 2]',
    );
    const before = [...m.at(0).stateDict().weight!.data];
    assertThrowsTyped(() => m.loadStateDict({ ...sd, '0.weight': ones([2, 3]), '2.weight': zeros([5]) }), ShapeError);
    assert.deepEqual([...m.at(0).stateDict().weight!.data], before, 'nothing copied on error');
    const r = m.loadStateDict({ ...missing, extra: zeros([1]) }, { strict: false });
    assert.deepEqual(r, { missingKeys: ['2.bias'], unexpectedKeys: ['extra'] });
    assertThrowsTyped(() => m.loadStateDict({ ...sd, '0.bias': zeros([3]) }, { strict: false }), ShapeError);
  });

  it('train/eval switch Dropout and BatchNorm', () => {
    const m = new nn.Sequential(new nn.Dropout(0.5), new nn.BatchNorm1d(4));
    assert.ok(m.training && m.at(0).training && m.at(1).training);
    const x = add(randn([64, 4]), 3);
    const y = m.forward(x);
    assert.ok([...y.data].some((v, i) => v !== x.data[i]));
    const bn = m.at(1) as nn.BatchNorm1d;
    assert.equal(bn.numBatchesTracked!.data[0], 1);
    assert.ok(Math.abs(bn.runningMean!.data[0]! - 0.3) < 0.15, 'running mean moved toward 3 by momentum 0.1');
    m.eval();
    assert.ok(!m.training && !m.at(0).training && !bn.training);
    const d = new nn.Dropout(0.5).eval();
    assert.deepEqual([...d.forward(x).data], [...x.data]);
    const rm = [...bn.runningMean!.data];
    const ye = bn.forward(x);
    assert.deepEqual([...bn.runningMean!.data], rm, 'eval leaves running stats');
    assert.equal(bn.numBatchesTracked!.data[0], 1);
    // eval normalises with running stats: (x - rm)/sqrt(rv + eps)
    const rv = bn.runningVar!.data;
    assertClose(ye, tensor([...x.data].map((v, i) => (v - rm[i % 4]!) / Math.sqrt(rv[i % 4]! + 1e-5)), { shape: [64, 4] }), TOL32, 'eval bn');
    m.train();
    assert.ok(bn.training);
  });

  it('forward hooks run on call (not forward) and can be removed', () => {
    const lin = new nn.Linear(2, 2);
    const s = new nn.Sequential(lin, new nn.ReLU());
    const seen: string[] = [];
    const rm = lin.registerForwardHook((mod, inputs, out) => {
      seen.push(`${mod.constructor.name} ${inputs[0].shape.join('x')} -> ${out.shape.join('x')}`);
    });
    const rm2 = s.registerForwardHook((_m, _i, out) => mul(out, 0));
    s.call(ones([3, 2]));
    s.forward(ones([3, 2]));
    assert.deepEqual(seen, ['Linear 3x2 -> 3x2', 'Linear 3x2 -> 3x2']);
    assert.deepEqual([...s.call(ones([1, 2])).data], [0, 0], 'hook replaced output');
    rm();
    rm2.remove();
    s.call(ones([1, 2]));
    assert.equal(seen.length, 3);
    assert.deepEqual([...s.call(ones([1, 2])).data], [...s.forward(ones([1, 2])).data], 'no hook left');
  });

  it('zeroGrad and requiresGrad_', () => {
    const m = new nn.Linear(3, 2);
    sum(m.forward(ones([1, 3]))).backward();
    assert.ok(m.weight.grad);
    m.zeroGrad();
    assert.equal(m.weight.grad, null);
    m.requiresGrad_(false);
    assert.ok([...m.parameters()].every((p) => !p.requiresGrad));
  });

  it('toString prints the architecture like torch', () => {
    const m = new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.Sequential(new nn.Linear(4, 2, { bias: false })), new nn.LayerNorm(5));
    assert.equal(
      String(m),
      [
        'Sequential(',
        '  (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))',
        '  (1): ReLU()',
        '  (2): Sequential(',
        '    (0): Linear(in_features=4, out_features=2, bias=False)',
        '  )',
        '  (3): LayerNorm((5,), eps=1e-05, elementwise_affine=True)',
        ')',
      ].join('\n'),
    );
  });

  it('layers keep their hyper-parameters and validate arguments', () => {
    const c = new nn.Conv2d(4, 6, [3, 5], { stride: 2, groups: 2, bias: false });
    assert.deepEqual([c.inChannels, c.outChannels, c.groups], [4, 6, 2]);
    assert.deepEqual([...c.kernelSize], [3, 5]);
    assert.deepEqual([...c.stride], [2, 2]);
    assert.deepEqual([...c.weight.shape], [6, 2, 3, 5]);
    assert.equal(c.bias, null);
    const p = new nn.MaxPool2d(2);
    assert.deepEqual([...p.stride], [2, 2]);
    assertThrowsTyped(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), ValueError, /inChannels must be a multiple of groups \(2\), got 3/);
    assertThrowsTyped(() => new nn.Linear(3, 4, { biass: true } as never), ValueError, /unknown option "biass"/);
    assertThrowsTyped(() => new nn.BatchNorm2d(3).forward(zeros([2, 3])), ShapeError);
    assertThrowsTyped(() => new nn.Dropout(1.5), ValueError);
  });
});

function stats(t: Tensor): { min: number; max: number; mean: number; var: number } {
  const d = t.data;
  let min = Infinity;
  let max = -Infinity;
  let s = 0;
  for (const v of d) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    s += v;
  }
  const mean = s / d.length;
  let q = 0;
  for (const v of d) q += (v - mean) ** 2;
  return { min, max, mean, var: q / d.length };
}

describe('initialisation', () => {
  it('conv/linear: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias', () => {
    manualSeed(7);
    for (const [m, fan] of [
      [new nn.Linear(400, 300), 400],
      [new nn.Conv2d(16, 64, 5), 16 * 25],
      [new nn.Conv2d(16, 64, 3, { groups: 4 }), 4 * 9],
      [new nn.ConvTranspose2d(32, 48, 3, { groups: 2 }), 24 * 9],
    ] as const) {
      const b = 1 / Math.sqrt(fan);
      const w = stats(m.weight);
      assert.ok(w.min >= -b && w.max <= b, 'weight within bound');
      assert.ok(w.max > 0.99 * b && w.min < -0.99 * b, 'weight fills the range');
      assert.ok(Math.abs(w.mean) < 0.02 * b, `weight mean ${w.mean}`);
      assert.ok(Math.abs(w.var / (b * b / 3) - 1) < 0.05, `weight var ${w.var} vs ${(b * b) / 3}`);
      const bs = stats(m.bias!);
      assert.ok(bs.min >= -b && bs.max <= b, 'bias within bound');
    }
  });

  it('recurrent: U(-1/sqrt(hidden), 1/sqrt(hidden)); norms: 1 and 0', () => {
    manualSeed(3);
    const l = new nn.LSTM(50, 100, { numLayers: 2 });
    const b = 0.1;
    for (const [k, p] of l.namedParameters()) {
      const s = stats(p);
      assert.ok(s.min >= -b && s.max <= b, k);
      if (p.numel > 10000) assert.ok(Math.abs(s.var / (b * b / 3) - 1) < 0.05, `${k} var`);
    }
    const g = new nn.GatedRNNCell(10, 400);
    const sg = stats(g.Wh);
    assert.ok(sg.min >= -0.05 && sg.max <= 0.05);
    const bn = new nn.BatchNorm2d(4);
    assert.deepEqual([...bn.weight!.data, ...bn.bias!.data], [1, 1, 1, 1, 0, 0, 0, 0]);
    const ln = new nn.LayerNorm([2, 2]);
    assert.deepEqual([...ln.weight!.data, ...ln.bias!.data], [1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('a seed gives a reproducible model', () => {
    const make = (): nn.Sequential => new nn.Sequential(new nn.Conv2d(1, 3, 3), new nn.Flatten(), new nn.Linear(12, 2));
    manualSeed(42);
    const a = make().stateDict();
    manualSeed(42);
    const b = make().stateDict();
    manualSeed(43);
    const c = make().stateDict();
    for (const k of Object.keys(a)) assert.deepEqual([...b[k]!.data], [...a[k]!.data], k);
    assert.notDeepEqual([...c['0.weight']!.data], [...a['0.weight']!.data]);
  });
});

describe('GatedRNNCell', () => {
  it('matches the hand-written recurrence c = σ(Wc x + Wh h), h = c⊙h + (1−c)⊙Wx x, with gradients', () => {
    manualSeed(5);
    const cell = new nn.GatedRNNCell(3, 4, { dtype: 'float64' });
    assert.deepEqual([...cell.namedParameters()].map(([k]) => k), ['Wc', 'Wh', 'Wx']);
    const xs = [0, 1, 2].map(() => randn([2, 3], { dtype: 'float64' }));
    const ref = (Wc: Tensor, Wh: Tensor, Wx: Tensor): Tensor => {
      let h = zeros([2, 4], { dtype: 'float64' });
      for (const x of xs) {
        const c = sigmoid(add(linear(x, Wc), linear(h, Wh)));
        h = add(mul(c, h), mul(sub(1, c), linear(x, Wx)));
      }
      return h;
    };
    let h: Tensor | null = null;
    for (const x of xs) h = cell.call(x, h);
    const W = [cell.Wc, cell.Wh, cell.Wx].map((p) => tensor(p, { requiresGrad: true }));
    const r = ref(W[0]!, W[1]!, W[2]!);
    assertClose(h!, r, TOL64, 'forward');
    sum(mul(h!, h!)).backward();
    sum(mul(r, r)).backward();
    [cell.Wc, cell.Wh, cell.Wx].forEach((p, i) => assertClose(p.grad!, W[i]!.grad!, TOL64, `grad ${i}`));
    // hand check of one element: h0 = 0 ⇒ h1 = (1 − σ(Wc x))·Wx x
    const one = cell.forward(xs[0]!);
    const c0 = 1 / (1 + Math.exp(-linear(xs[0]!, cell.Wc).data[0]!));
    assert.ok(Math.abs(one.data[0]! - (1 - c0) * linear(xs[0]!, cell.Wx).data[0]!) < 1e-14);
    assertThrowsTyped(() => cell.forward(zeros([2, 5], { dtype: 'float64' })), ShapeError);
  });
});

describe('nn.utils', () => {
  it('parametersToVector / vectorToParameters', () => {
    const m = new nn.Linear(3, 2);
    const v = nn.utils.parametersToVector(m.parameters());
    assert.deepEqual([...v.shape], [8]);
    assert.deepEqual([...v.data], [...m.weight.data, ...m.bias!.data]);
    const w = m.weight;
    nn.utils.vectorToParameters(tensor([1, 2, 3, 4, 5, 6, 7, 8]), m.parameters());
    assert.equal(m.weight, w);
    assert.deepEqual([...m.weight.data, ...m.bias!.data], [1, 2, 3, 4, 5, 6, 7, 8]);
    assertThrowsTyped(() => nn.utils.vectorToParameters(tensor([1, 2]), m.parameters()), ShapeError);
  });

  const sigmoidNet = (sizes: number[], finalSigmoid: boolean, bias = true): nn.Sequential => {
    const s = new nn.Sequential();
    for (let i = 0; i + 1 < sizes.length; i++) {
      s.append(new nn.Linear(sizes[i]!, sizes[i + 1]!, { dtype: 'float64', bias: bias || i % 2 === 0 }));
      if (i + 2 < sizes.length || finalSigmoid) s.append(new nn.Sigmoid());
    }
    return s;
  };

  it('sigmoidToTanh: equal outputs in float64 (chains of sigmoid layers, with and without final Sigmoid)', () => {
    manualSeed(11);
    for (const [sizes, fin, bias] of [
      [[4, 3], true, true],
      [[5, 7, 3], false, true],
      [[5, 7, 6, 4, 2], false, false],
      [[5, 7, 6, 4, 2], true, true],
    ] as const) {
      const net = sigmoidNet([...sizes], fin, bias);
      const t = nn.utils.sigmoidToTanh(net);
      assert.ok([...t].every((m) => m instanceof nn.Linear || m instanceof nn.Tanh));
      assert.equal([...t].filter((m) => m instanceof nn.Tanh).length, [...net].filter((m) => m instanceof nn.Sigmoid).length);
      const x = randn([6, sizes[0]], { dtype: 'float64' });
      assertClose(t.forward(x), net.forward(x), { rtol: 0, atol: 1e-12 }, `sizes ${sizes.join(',')} final ${fin}`);
    }
    const net = sigmoidNet([3, 2], true);
    const w = [...(net.at(0) as nn.Linear).weight.data];
    nn.utils.sigmoidToTanh(net);
    assert.deepEqual([...(net.at(0) as nn.Linear).weight.data], w, 'original untouched');
    const lin = nn.utils.sigmoidToTanh(net).at(0) as nn.Linear;
    assert.deepEqual([...lin.weight.data], w.map((v) => v / 2), 'the Linear before a Sigmoid is halved');
  });

  it('sigmoidToTanh refuses what it cannot convert', () => {
    assertThrowsTyped(() => nn.utils.sigmoidToTanh(sigmoidNet([3, 2], true), { finalSigmoid: 'error' }), ValueError, /final Sigmoid/);
    assertThrowsTyped(() => nn.utils.sigmoidToTanh(new nn.Sequential(new nn.Sigmoid(), new nn.Linear(2, 2))), ValueError, /first layer/);
    assertThrowsTyped(() => nn.utils.sigmoidToTanh(new nn.Sequential(new nn.Linear(2, 2), new nn.Sigmoid(), new nn.Sigmoid())), ValueError, /after Sigmoid/);
    assertThrowsTyped(() => nn.utils.sigmoidToTanh(new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU())), ValueError, /ReLU/);
  });

  it('clipGradNorm with no gradients returns 0; errorIfNonfinite', () => {
    assert.equal(nn.utils.clipGradNorm([zeros([2], { requiresGrad: true })], 1).item(), 0);
    const p = zeros([2], { requiresGrad: true });
    p.grad = tensor([Infinity, 1]);
    assertThrowsTyped(() => nn.utils.clipGradNorm([p], 1, 2, { errorIfNonfinite: true }), ValueError);
  });
});
