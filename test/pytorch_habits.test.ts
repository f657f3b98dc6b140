/**
 * What a PyTorch user writes on day one works: callable modules, select/index, reductions and
 * element-wise ops as tensor methods, loss modules, Dropout2d, Embedding, a positional learning
 * rate, a second backward refused unless retainGraph, tensors with methods from every entry point.
 * Values are exact (small integers) or compared with the functional op they must equal.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as ck from '../src/index.js';
import { GradError, ShapeError, Tensor, DTypeError, ValueError, nn, optim, tensor } from '../src/index.js';
import { loadDigits } from '../src/io/index.js';
import { assertThrowsTyped } from './helpers.js';

const arr = (t: Tensor): number[] => Array.from(t.data);

describe('modules are callable', () => {
  it('model(x) is model.call(x): forward, then the forward hooks', () => {
    ck.manualSeed(1);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const x = ck.randn([5, 3]);
    assert.deepEqual(arr(model(x)), arr(model.forward(x)));
    let seen = 0;
    model.at(0).registerForwardHook(() => {
      seen++;
    });
    model(x);
    assert.equal(seen, 1);
    assert.equal(model.length, 3, "Sequential's length is not shadowed by the function's");
    assert.ok(model instanceof nn.Module);
    assert.match(String(model), /^Sequential\(\n {2}\(0\): Linear\(in_features=3, out_features=4, bias=True\)/);
  });

  it('a user module with its own name field and submodules, called inside another', () => {
    class Net extends nn.Module {
      override name = 'net'; // modules are functions: TypeScript sees Function's name as inherited
      fc = new nn.Linear(2, 1);
      forward(x: Tensor): Tensor {
        return this.fc(x).relu();
      }
    }
    const n = new Net();
    assert.equal(n.name, 'net');
    assert.deepEqual(Object.keys(n.stateDict()), ['fc.weight', 'fc.bias']);
    assert.deepEqual(n(ck.ones([3, 2])).shape, [3, 1]);
  });
});

describe('select and index', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('values, negative indices, and gradients', () => {
    assert.deepEqual(x.select(0, 1).toArray(), [4, 5, 6]);
    assert.deepEqual(ck.select(x, 1, -1).toArray(), [3, 6]);
    assert.deepEqual(x.index(1).toArray(), [4, 5, 6]);
    assert.equal(x.index(1, 2).item(), 6);
    assert.equal(x.index(-1, -3).item(), 4);
    const w = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    w.select(1, 2).mul(tensor([10, 20])).sum().backward();
    assert.deepEqual(w.grad!.toArray(), [[0, 0, 10], [0, 0, 20]]);
  });
  it('errors name the dimension and its size', () => {
    assertThrowsTyped(() => x.select(0, 2), ValueError, 'select: index 2 is out of range for dimension 0 of size 2 (tensor of shape [2, 3])');
    assertThrowsTyped(() => x.index(0, 3), ValueError, 'index: index 3 is out of range for dimension 1 of size 3 (tensor of shape [2, 3])');
    assertThrowsTyped(() => x.index(0, 0, 0), ValueError, 'index: 3 indices for a 2-d tensor of shape [2, 3]');
    assertThrowsTyped(() => tensor(5).select(0, 0), ValueError, 'select: cannot select from a 0-d tensor');
  });
});

describe('reductions and element-wise ops as tensor methods', () => {
  const x = tensor([[1, -2, 3], [4, 5, -6]]);
  it('max/min in their three forms, clamp/clip, tolist', () => {
    assert.equal(x.max().item(), 5);
    assert.equal(x.min().item(), -6);
    const [v, i] = x.max(1);
    assert.deepEqual([v.toArray(), i.toArray()], [[3, 5], [2, 1]]);
    assert.deepEqual(x.min(0, { keepdim: true })[0].toArray(), [[1, -2, -6]]);
    assert.deepEqual(x.max(tensor([2, 2, 2])).toArray(), [[2, 2, 3], [4, 5, 2]]);
    assert.deepEqual(x.clamp(0, 3).toArray(), [[1, 0, 3], [3, 3, 0]]);
    assert.deepEqual(x.clamp({ min: 0 }).toArray(), [[1, 0, 3], [4, 5, 0]]);
    assert.deepEqual(x.clip(-1, 1).toArray(), [[1, -1, 1], [1, 1, -1]]);
    assert.deepEqual(x.tolist(), [[1, -2, 3], [4, 5, -6]]);
    assert.equal(tensor(7).tolist(), 7);
  });
  it('each method equals its functional op', () => {
    const y = tensor([[0.5, 1.5, 2.5], [3.5, -0.25, 1]]);
    const cases: [string, Tensor | Tensor[], Tensor | Tensor[]][] = [
      ['prod', y.prod(1), ck.prod(y, 1)],
      ['var', y.var(1), ck.var(y, 1)],
      ['std', y.std(), ck.std(y)],
      ['logsumexp', y.logsumexp(0), ck.logsumexp(y, 0)],
      ['cumsum', y.cumsum(1), ck.cumsum(y, 1)],
      ['norm', y.norm(), ck.norm(y)],
      ['reciprocal', y.reciprocal(), ck.reciprocal(y)],
      ['sign', y.sign(), ck.sign(y)],
      ['sin', y.sin(), ck.sin(y)],
      ['cos', y.cos(), ck.cos(y)],
      ['floor', y.floor(), ck.floor(y)],
      ['ceil', y.ceil(), ck.ceil(y)],
      ['round', y.round(), ck.round(y)],
      ['log1p', y.abs().log1p(), ck.log1p(ck.abs(y))],
      ['expm1', y.expm1(), ck.expm1(y)],
      ['rsqrt', y.abs().rsqrt(), ck.rsqrt(ck.abs(y))],
      ['maximum', y.maximum(1), ck.maximum(y, 1)],
      ['minimum', y.minimum(1), ck.minimum(y, 1)],
      ['gelu', y.gelu(), ck.gelu(y)],
      ['silu', y.silu(), ck.silu(y)],
      ['softplus', y.softplus(), ck.softplus(y)],
      ['leakyRelu', y.leakyRelu(0.1), ck.leakyRelu(y, 0.1)],
      ['t', y.t(), ck.t(y)],
      ['mm', y.mm(y.t()), ck.mm(y, ck.t(y))],
      ['mv', y.mv(tensor([1, 2, 3])), ck.mv(y, tensor([1, 2, 3]))],
      ['dot', y.index(0).dot(y.index(1)), ck.dot(y.index(0), y.index(1))],
      ['bmm', y.unsqueeze(0).bmm(y.t().unsqueeze(0)), ck.bmm(y.unsqueeze(0), ck.t(y).unsqueeze(0))],
      ['repeat', y.repeat([2, 1]), ck.repeat(y, [2, 1])],
      ['tile', y.tile([1, 2]), ck.tile(y, [1, 2])],
      ['roll', y.roll(1, 1), ck.roll(y, 1, 1)],
      ['indexSelect', y.indexSelect(1, tensor([2, 0], { dtype: 'int32' })), ck.indexSelect(y, 1, tensor([2, 0], { dtype: 'int32' }))],
      ['gather', y.gather(1, tensor([[0], [2]], { dtype: 'int32' })), ck.gather(y, 1, tensor([[0], [2]], { dtype: 'int32' }))],
      ['split', y.split(1, 1), ck.split(y, 1, 1)],
      ['chunk', y.chunk(3, 1), ck.chunk(y, 3, 1)],
    ];
    for (const [name, a, b] of cases) {
      const as = Array.isArray(a) ? a : [a];
      const bs = Array.isArray(b) ? b : [b];
      assert.deepEqual(as.map((t) => [t.shape, arr(t)]), bs.map((t) => [t.shape, arr(t)]), name);
    }
  });
});

describe('loss modules', () => {
  const logits = tensor([[2, 0.5, -1], [0, 1, 0.25]]);
  const target = tensor([0, 2], { dtype: 'int32' });
  it('equal the functional losses with the same options', () => {
    const eq = (a: Tensor, b: Tensor) => assert.deepEqual(arr(a), arr(b));
    eq(new nn.CrossEntropyLoss()(logits, target), ck.crossEntropy(logits, target));
    eq(new nn.CrossEntropyLoss({ labelSmoothing: 0.1, reduction: 'sum' })(logits, target), ck.crossEntropy(logits, target, { labelSmoothing: 0.1, reduction: 'sum' }));
    const logp = ck.logSoftmax(logits, 1);
    eq(new nn.NLLLoss({ reduction: 'none' })(logp, target), ck.nllLoss(logp, target, { reduction: 'none' }));
    const y = tensor([[1, 0, 1], [0, 1, 0]]);
    eq(new nn.MSELoss()(logits, y), ck.mseLoss(logits, y));
    eq(new nn.L1Loss({ reduction: 'sum' })(logits, y), ck.l1Loss(logits, y, { reduction: 'sum' }));
    eq(new nn.BCELoss()(logits.sigmoid(), y), ck.binaryCrossEntropy(logits.sigmoid(), y));
    eq(new nn.BCEWithLogitsLoss({ posWeight: tensor([1, 2, 3]) })(logits, y), ck.binaryCrossEntropyWithLogits(logits, y, { posWeight: tensor([1, 2, 3]) }));
  });
  it('train a model like PyTorch code does', () => {
    ck.manualSeed(0);
    const model = new nn.Linear(3, 3);
    const lossFn = new nn.CrossEntropyLoss();
    const opt = new optim.SGD(model.parameters(), 0.5);
    const first = lossFn(model(logits), target).item();
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      lossFn(model(logits), target).backward();
      opt.step();
    }
    assert.ok(lossFn(model(logits), target).item() < first / 4);
  });
  it('unknown options are refused when the module is built', () => {
    assertThrowsTyped(() => new nn.MSELoss({ reduce: 'sum' } as never), ValueError, 'MSELoss: unknown option "reduce" (allowed: reduction)');
  });
});

describe('Dropout2d and Embedding', () => {
  it('Dropout2d zeroes whole channels in training and is the identity in eval', () => {
    ck.manualSeed(3);
    const x = ck.ones([4, 8, 3, 3]);
    const d = new nn.Dropout2d(0.5);
    const y = d(x);
    let zeroed = 0;
    for (let c = 0; c < 32; c++) {
      const plane = arr(y).slice(c * 9, c * 9 + 9);
      assert.ok(plane.every((v) => v === 0) || plane.every((v) => v === 2), `channel ${c}: ${plane}`);
      if (plane[0] === 0) zeroed++;
    }
    assert.ok(zeroed > 4 && zeroed < 28, `${zeroed} of 32 channels zeroed`);
    assert.equal(d.eval()(x), x);
    assert.deepEqual(ck.dropout2d(ck.ones([2, 3, 3]), { p: 1 }).toArray(), ck.zeros([2, 3, 3]).toArray());
    assertThrowsTyped(() => ck.dropout2d(ck.ones([4, 4])), ValueError, 'dropout2d: input must be a 3-d (C, H, W) or 4-d (N, C, H, W) tensor, got shape [4, 4]');
    assert.equal(String(d), 'Dropout2d(p=0.5, inplace=False)');
  });

  it('Embedding looks rows up, accumulates their gradients, and leaves the padding row alone', () => {
    ck.manualSeed(5);
    const e = new nn.Embedding(5, 3, { paddingIdx: 0 });
    assert.deepEqual(e.weight.index(0).toArray(), [0, 0, 0]);
    const ids = tensor([[1, 0], [1, 4]], { dtype: 'int32' });
    const y = e(ids);
    assert.deepEqual(y.shape, [2, 2, 3]);
    assert.deepEqual(arr(y.index(1, 1)), arr(e.weight.index(4)));
    y.sum().backward();
    assert.deepEqual(e.weight.grad!.toArray(), [[0, 0, 0], [2, 2, 2], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    assert.equal(String(e), 'Embedding(5, 3, padding_idx=0)');
    assertThrowsTyped(() => e(tensor([1.5])), DTypeError, 'embedding: input must be an int32 tensor of indices, got a float32 tensor');
    assertThrowsTyped(() => e(tensor([5], { dtype: 'int32' })), ValueError, /index 5/);
    assertThrowsTyped(() => new nn.Embedding(5, 3, { paddingIdx: 5 }), ValueError, 'Embedding: options.paddingIdx must be an integer in [-5, 4] or null, got 5');
  });
});

describe('optimisers take a positional learning rate', () => {
  it('SGD(params, 0.1) and Adam(params, 0.01) equal the options form', () => {
    const step = (make: (p: Tensor[]) => optim.Optimizer) => {
      const w = tensor([1, -2, 3], { requiresGrad: true });
      const o = make([w]);
      w.mul(w).sum().backward();
      o.step();
      return arr(w);
    };
    assert.deepEqual(step((p) => new optim.SGD(p, 0.1)), step((p) => new optim.SGD(p, { lr: 0.1 })));
    assert.deepEqual(step((p) => new optim.SGD(p, 0.1, { momentum: 0.9 })), step((p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 })));
    assert.deepEqual(step((p) => new optim.Adam(p, 0.01)), step((p) => new optim.Adam(p, { lr: 0.01 })));
    assert.deepEqual(step((p) => new optim.SGD(p, 0.1)), [0.8, -1.6, 2.4].map(Math.fround));
    assertThrowsTyped(() => new optim.SGD([tensor([1], { requiresGrad: true })], 0.1, { lr: 0.2 } as never), ValueError, 'SGD: the learning rate is given twice (0.1 and options.lr 0.2)');
  });
});

describe('backward twice through one graph', () => {
  it('raises as PyTorch does, unless the first backward retains the graph', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward();
    assertThrowsTyped(() => loss.backward(), GradError, /backward: trying to backward through the graph a second time \(at \w+\); its first backward released it\. Pass \{ retainGraph: true \}/);
    const v = tensor([1, 2], { requiresGrad: true });
    const l2 = v.mul(v).sum();
    l2.backward(undefined, { retainGraph: true });
    l2.backward();
    assert.deepEqual(v.grad!.toArray(), [4, 8], 'gradients accumulate over the two passes');
    // a new forward pass builds a new graph
    w.mul(3).sum().backward();
    assert.deepEqual(w.grad!.toArray(), [5, 7]);
  });
});

describe('entry points and data sets', () => {
  it('tensors from convkit/io alone have their methods; loadDigits().test.targets is a tensor', () => {
    const io = new URL('../src/io/index.js', import.meta.url).href;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(io)}); const d = m.loadDigits(); console.log(d.test.inputs.sum().item() > 0, d.test.targets.eq(3).sum().item(), d.test.targets.dtype)`], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'true 200 int32', r.stderr);
    const { test } = loadDigits();
    assert.ok(test.targets instanceof Tensor);
    assert.deepEqual(test.targets.shape, [2000]);
    assert.deepEqual(test.targets.index(13).item(), 3);
  });

  it('the nn namespace holds modules, not formatting helpers', () => {
    for (const k of ['pyBool', 'pyFloat', 'pyTuple']) assert.ok(!(k in nn), k);
    for (const k of ['CrossEntropyLoss', 'MSELoss', 'NLLLoss', 'L1Loss', 'BCELoss', 'BCEWithLogitsLoss', 'Dropout2d', 'Embedding']) assert.ok(k in nn, k);
    assertThrowsTyped(() => ck.select(tensor([1]), 1, 0), ValueError, /select: dim must be an integer in \[-1, 0\]/);
    void ShapeError;
  });
});
