/**
 * convkit.optim against torch 1.13 (fixtures from scripts/fixtures_optim.py): optimiser updates
 * step by step for every option combination, scheduler lr sequences, state-dict round trips that
 * resume identically, and the typed errors.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, ValueError, DTypeError, ShapeError, tensor, zeros, mul, sum } from '../src/index.js';
import type { DType } from '../src/index.js';
import * as optim from '../src/optim/index.js';
import type { Optimizer } from '../src/optim/index.js';
import { ROOT, assertClose, assertThrowsTyped } from './helpers.js';

interface OptCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  groups: ({ params: number[] } & Record<string, unknown>)[] | null;
  dtype: 'float32' | 'float64';
  shapes: number[][];
  init: number[][];
  grads: (number[] | null)[][];
  expected: number[][][];
}

interface SchedCase {
  name: string;
  scheduler: 'StepLR' | 'CosineAnnealingLR' | 'ReduceLROnPlateau';
  args: number[];
  options: Record<string, unknown>;
  lrs: number[];
  metrics: number[] | null;
  expected: number[][];
}

function load<T>(file: string): T[] {
  const text = readFileSync(new URL(`test/fixtures/optim/${file}`, ROOT), 'utf8');
  return (JSON.parse(text) as { cases: T[] }).cases;
}

const OPT_CASES = load<OptCase>('optimizers.json');
const SCHED_CASES = load<SchedCase>('schedulers.json');

const TOL = {
  float64: { rtol: 1e-12, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 0 },
};

function makeParams(c: OptCase): Tensor[] {
  return c.init.map((d, i) => tensor(d, { shape: c.shapes[i]!, dtype: c.dtype, requiresGrad: true }));
}

function makeOptimizer(c: OptCase, params: Tensor[]): Optimizer {
  const ctor = optim[c.optimizer] as new (p: unknown, o: unknown) => Optimizer;
  const spec = c.groups === null ? params : c.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]!) }));
  return new ctor(spec, c.options);
}

/** Sets the gradients of step `t` and steps. */
function runStep(c: OptCase, opt: Optimizer, params: Tensor[], t: number): void {
  c.grads[t]!.forEach((g, i) => {
    params[i]!.grad = g === null ? null : tensor(g, { shape: c.shapes[i]!, dtype: c.dtype });
  });
  opt.step();
}

function checkStep(c: OptCase, params: Tensor[], t: number, what: string): void {
  params.forEach((p, i) => {
    assertClose(p, tensor(c.expected[t]![i]!, { shape: c.shapes[i]!, dtype: 'float64' }), TOL[c.dtype], `${c.name} ${what} step ${t} param ${i}`);
  });
}

interface EncTensor {
  shape: number[];
  dtype: DType;
  data: number[];
}

/** A state dict through JSON (tensors as {shape, dtype, data}), as a checkpoint file would carry it. */
function viaJson(sd: optim.OptimizerStateDict): optim.OptimizerStateDict {
  const text = JSON.stringify(sd, (_k, v: unknown) => (v instanceof Tensor ? { shape: [...v.shape], dtype: v.dtype, data: [...v.data] } : v));
  const raw = JSON.parse(text) as { state: Record<string, Record<string, EncTensor>>; paramGroups: optim.GroupStateDict[] };
  const state: Record<string, optim.ParamState> = {};
  for (const [k, v] of Object.entries(raw.state)) {
    state[k] = Object.fromEntries(Object.entries(v).map(([n, e]) => [n, tensor(e.data, { shape: e.shape, dtype: e.dtype })]));
  }
  return { state, paramGroups: raw.paramGroups };
}

describe('optim: optimisers vs torch 1.13', () => {
  for (const c of OPT_CASES) {
    it(c.name, () => {
      const params = makeParams(c);
      const opt = makeOptimizer(c, params);
      for (let t = 0; t < c.grads.length; t++) {
        runStep(c, opt, params, t);
        checkStep(c, params, t, 'direct');
        for (const p of params) {
          assert.equal(p.dtype, c.dtype);
          assert.ok(p.requiresGrad && p.isLeaf, 'parameters stay trainable leaves');
        }
      }
    });
  }
  it('covers every optimiser and option', () => {
    const seen = new Set<string>();
    for (const c of OPT_CASES) for (const [k, v] of Object.entries(c.options)) if (v !== 0 && v !== false) seen.add(`${c.optimizer}.${k}`);
    for (const k of ['SGD.momentum', 'SGD.dampening', 'SGD.nesterov', 'SGD.weightDecay', 'SGD.maximize', 'Adam.betas', 'Adam.eps', 'Adam.weightDecay', 'Adam.amsgrad', 'Adam.maximize', 'AdamW.weightDecay', 'AdamW.amsgrad', 'AdamW.maximize', 'AdamW.betas']) {
      assert.ok(seen.has(k), k);
    }
    assert.ok(OPT_CASES.every((c) => c.grads.length >= 5));
  });
});

describe('optim: state dicts resume identically', () => {
  for (const c of OPT_CASES) {
    it(c.name, () => {
      const split = 3;
      const params = makeParams(c);
      const opt = makeOptimizer(c, params);
      for (let t = 0; t < split; t++) runStep(c, opt, params, t);
      const sd = viaJson(opt.stateDict());
      // a fresh run: parameters restored from the checkpoint, a new optimiser with the saved state
      const params2 = params.map((p) => tensor(p, { requiresGrad: true }));
      const opt2 = makeOptimizer(c, params2);
      opt2.loadStateDict(sd);
      const before = opt.stateDict();
      for (let t = split; t < c.grads.length; t++) {
        runStep(c, opt, params, t);
        runStep(c, opt2, params2, t);
        checkStep(c, params2, t, 'resumed');
        params.forEach((p, i) => assert.deepEqual([...params2[i]!.data], [...p.data], `${c.name} step ${t}: resumed run equals the uninterrupted one`));
      }
      // stateDict() returned copies: stepping on did not change them
      assert.deepEqual(JSON.stringify(viaJson(before)), JSON.stringify(viaJson(sd)));
    });
  }

  it('stores the hyper-parameters as JSON and per-parameter state by index, like torch', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([[3]], { requiresGrad: true, dtype: 'float64' });
    const c = tensor([4], { requiresGrad: true });
    const opt = new optim.Adam([{ params: [a] }, { params: [b, c], lr: 0.5, amsgrad: true }]);
    a.grad = tensor([1, 1]);
    c.grad = tensor([2]);
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(JSON.parse(JSON.stringify(sd.paramGroups)), [
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0] },
      { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [1, 2] },
    ]);
    assert.deepEqual(Object.keys(sd.state), ['0', '2']); // b had no gradient: no state
    assert.deepEqual(Object.keys(sd.state['2']!).sort(), ['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
    assert.equal(sd.state['2']!['step']!.item(), 1);
    assert.equal(sd.state['0']!['expAvg']!.dtype, 'float32');
    const sgd = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1, -1]);
    sgd.step();
    assert.deepEqual([...sgd.stateDict().state['0']!['momentumBuffer']!.data], [1, -1]);
    assert.deepEqual(Object.keys(new optim.SGD([a], { lr: 0.1 }).stateDict().state), []);
  });

  it('casts loaded state to the parameter dtype and checks shapes and group sizes', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true, dtype: 'float64' });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.5 });
    opt.loadStateDict({ state: { '0': { momentumBuffer: tensor([1, 2, 3]) } }, paramGroups: [{ lr: 0.2, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, params: [0] }] });
    assert.equal(opt.state.get(p)!['momentumBuffer']!.dtype, 'float64');
    assert.equal(opt.paramGroups[0]!.lr, 0.2);
    const group = { lr: 0.2, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, params: [0] };
    assertThrowsTyped(() => opt.loadStateDict({ state: { '0': { momentumBuffer: zeros([2]) } }, paramGroups: [group] }), ShapeError,
      "SGD.loadStateDict: stateDict.state[0].momentumBuffer must be the parameter's shape [3], got [2]");
    assertThrowsTyped(() => opt.loadStateDict({ state: {}, paramGroups: [group, group] }), ValueError,
      'SGD.loadStateDict: stateDict.paramGroups must be an array of 1 parameter groups, got 2 groups');
    assertThrowsTyped(() => opt.loadStateDict({ state: {}, paramGroups: [{ ...group, params: [0, 1] }] }), ValueError,
      "SGD.loadStateDict: stateDict.paramGroups[0].params must be 1 parameter indices (the size of the optimiser's group), got 2");
    assertThrowsTyped(() => opt.loadStateDict({ state: { '5': {} }, paramGroups: [group] }), ValueError,
      'SGD.loadStateDict: stateDict.state[5] must be the index of a parameter (0), got "5"');
    assertThrowsTyped(() => opt.loadStateDict({ state: {}, paramGroups: [{ ...group, lr: -1 }] }), ValueError,
      'SGD: stateDict.paramGroups[0].lr must be a finite number >= 0, got -1');
  });
});

describe('optim: behaviour', () => {
  it('updates .data without recording autograd; the parameters train on', () => {
    const w = tensor([1, -2, 3], { requiresGrad: true, dtype: 'float64' });
    const opt = new optim.SGD([w], { lr: 0.1 });
    sum(mul(w, w)).backward();
    const data = w.data;
    opt.step();
    assert.equal(w.data, data, 'updated in place');
    assert.deepEqual([...w.data], [1 - 0.1 * 2, -2 + 0.1 * 4, 3 - 0.1 * 6]);
    assert.ok(w.isLeaf && w.requiresGrad);
    opt.zeroGrad();
    sum(mul(w, w)).backward();
    assert.deepEqual([...w.grad!.data], [...w.data].map((x) => 2 * x));
  });

  it('zeroGrad sets grads to null by default, or zero-fills them with setToNone: false', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const opt = new optim.Adam([a, b]);
    a.grad = tensor([5, 6]);
    b.grad = tensor([7]);
    const g = a.grad;
    opt.zeroGrad({ setToNone: false });
    assert.equal(a.grad, g);
    assert.deepEqual([...a.grad.data], [0, 0]);
    opt.zeroGrad();
    assert.equal(a.grad, null);
    assert.equal(b.grad, null);
  });

  it('skips parameters without a gradient (no state, no change, even with weight decay)', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const opt = new optim.AdamW([a, b], { weightDecay: 0.5 });
    a.grad = tensor([1, 1]);
    opt.step();
    assert.deepEqual([...b.data], [3]);
    assert.equal(opt.state.has(b), false);
    assert.equal(opt.state.has(a), true);
  });

  it('step(closure) returns the closure result', () => {
    const a = tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([a], { lr: 1 });
    const loss = opt.step(() => {
      a.grad = tensor([0.5]);
      return 42;
    });
    assert.equal(loss, 42);
    assert.deepEqual([...a.data], [0.5]);
    assert.equal(opt.step(), undefined);
  });

  it('addParamGroup fills in defaults; groups are live (schedulers write lr there)', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], lr: 0.01 });
    assert.equal(opt.paramGroups[1]!.momentum, 0.9);
    assert.equal(opt.paramGroups[1]!.lr, 0.01);
    opt.paramGroups[0]!.lr = 1;
    a.grad = tensor([1]);
    opt.step();
    assert.deepEqual([...a.data], [0]);
  });
});

function makeScheduler(c: SchedCase, opt: Optimizer): { step(m?: number): void; getLastLr(): number[]; stateDict(): unknown; loadStateDict(s: never): void } {
  switch (c.scheduler) {
    case 'StepLR':
      return new optim.StepLR(opt, c.args[0]!, c.options);
    case 'CosineAnnealingLR':
      return new optim.CosineAnnealingLR(opt, c.args[0]!, c.options);
    case 'ReduceLROnPlateau': {
      const s = new optim.ReduceLROnPlateau(opt, c.options);
      return { step: (m) => s.step(m!), getLastLr: () => s.getLastLr(), stateDict: () => s.stateDict(), loadStateDict: (d) => s.loadStateDict(d) };
    }
  }
}

function schedOptimizer(c: SchedCase): Optimizer {
  return new optim.SGD(c.lrs.map((lr) => ({ params: [zeros([1], { requiresGrad: true })], lr })), { lr: c.lrs[0]! });
}

/**
 * lrs equal torch's bit for bit, except CosineAnnealingLR within 1e-15 relative: V8's Math.cos and
 * glibc's cos differ by one ulp at some arguments (e.g. cos(12π/10)), which the recursion carries on.
 * (The closed form misses torch's values by up to 2e-14, so this still tells the two forms apart.)
 */
function assertLrs(actual: number[], expected: number[], what: string, rtol = 0): void {
  assert.equal(actual.length, expected.length, what);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.ok(a === e || Math.abs(a - e) <= rtol * Math.abs(e), `${what} group ${i}: ${a} vs torch ${e}`);
  });
}

const COS_RTOL = 1e-15;

describe('optim: schedulers vs torch 1.13', () => {
  for (const c of SCHED_CASES) {
    const rtol = c.scheduler === 'CosineAnnealingLR' ? COS_RTOL : 0;
    it(c.name, () => {
      const opt = schedOptimizer(c);
      const s = makeScheduler(c, opt);
      assertLrs(s.getLastLr(), c.expected[0]!, `${c.name} initial`, rtol);
      for (let t = 0; t + 1 < c.expected.length; t++) {
        s.step(c.metrics?.[t]);
        assertLrs(s.getLastLr(), c.expected[t + 1]!, `${c.name} step ${t + 1}`, rtol);
        assertLrs(opt.paramGroups.map((g) => g.lr), c.expected[t + 1]!, `${c.name} step ${t + 1} (groups)`, rtol);
      }
      assert.ok(c.expected.length > 30);
    });
    it(`${c.name}: state dict round trip resumes identically`, () => {
      const opt = schedOptimizer(c);
      const s = makeScheduler(c, opt);
      const split = 13;
      for (let t = 0; t < split; t++) s.step(c.metrics?.[t]);
      const optSd = opt.stateDict();
      const schedSd = JSON.parse(JSON.stringify(s.stateDict())) as never;
      const opt2 = schedOptimizer(c);
      opt2.loadStateDict(optSd);
      const s2 = makeScheduler(c, opt2);
      s2.loadStateDict(schedSd);
      assertLrs(s2.getLastLr(), c.expected[split]!, `${c.name} resumed`, rtol);
      for (let t = split; t + 1 < c.expected.length; t++) {
        s2.step(c.metrics?.[t]);
        assertLrs(s2.getLastLr(), c.expected[t + 1]!, `${c.name} resumed step ${t + 1}`, rtol);
      }
    });
  }

  it("CosineAnnealingLR follows torch's recursive form, which the closed form would not match", () => {
    const c = SCHED_CASES.find((k) => k.name === 'CosineAnnealingLR/long')!;
    const T = c.args[0]!;
    const etaMin = c.options['etaMin'] as number;
    const worst = Math.max(...c.expected.map((row, e) => {
      const closed = etaMin + ((c.lrs[0]! - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2;
      return Math.abs(closed - row[0]!) / Math.abs(row[0]!);
    }));
    assert.ok(worst > 10 * COS_RTOL, `closed form within ${worst} of torch`);
  });

  it('ReduceLROnPlateau accepts a one-element tensor metric and keeps a JSON-safe best', () => {
    const opt = new optim.SGD([zeros([1], { requiresGrad: true })], { lr: 1 });
    const s = new optim.ReduceLROnPlateau(opt, { patience: 0 });
    assert.deepEqual(s.getLastLr(), [1]);
    assert.equal(s.stateDict().best, null);
    s.step(tensor([0.5]));
    assert.equal(s.stateDict().best, 0.5);
    s.step(0.5);
    assert.deepEqual(s.getLastLr(), [0.1]);
  });
});

describe('optim: errors', () => {
  const p = (): Tensor => tensor([1, 2], { requiresGrad: true });
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ['SGD negative lr', () => new optim.SGD([p()], { lr: -0.1 }), ValueError, 'SGD: options.lr must be a finite number >= 0, got -0.1'],
    ['SGD missing lr', () => new optim.SGD([p()], {} as optim.SGDOptions), ValueError, 'SGD: options.lr must be a finite number >= 0, got undefined'],
    ['SGD negative momentum', () => new optim.SGD([p()], { lr: 0.1, momentum: -1 }), ValueError, 'SGD: options.momentum must be a finite number >= 0, got -1'],
    ['SGD negative weight decay', () => new optim.SGD([p()], { lr: 0.1, weightDecay: -1e-4 }), ValueError, 'SGD: options.weightDecay must be a finite number >= 0, got -0.0001'],
    ['SGD nesterov without momentum', () => new optim.SGD([p()], { lr: 0.1, nesterov: true }), ValueError, 'SGD: options.nesterov requires momentum > 0 and dampening = 0, got momentum = 0, dampening = 0'],
    ['SGD nesterov with dampening', () => new optim.SGD([p()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), ValueError, 'SGD: options.nesterov requires momentum > 0 and dampening = 0, got momentum = 0.9, dampening = 0.1'],
    ['SGD NaN lr', () => new optim.SGD([p()], { lr: NaN }), ValueError, 'SGD: options.lr must be a finite number >= 0, got NaN'],
    ['SGD unknown option', () => new optim.SGD([p()], { lr: 0.1, weight_decay: 1 } as unknown as optim.SGDOptions), ValueError, 'SGD: unknown option "weight_decay" (allowed: lr, momentum, dampening, nesterov, weightDecay, maximize)'],
    ['SGD bad group hyper', () => new optim.SGD([{ params: [p()] }, { params: [p()], lr: -1 }], { lr: 0.1 }), ValueError, 'SGD: paramGroups[1].lr must be a finite number >= 0, got -1'],
    ['SGD unknown group hyper', () => new optim.SGD([{ params: [p()], betas: [0.9, 0.9] } as unknown as optim.ParamGroupSpec<optim.SGDHyper>], { lr: 0.1 }), ValueError, 'SGD: unknown hyper-parameter "betas" in paramGroups[0] (allowed: lr, momentum, dampening, nesterov, weightDecay, maximize)'],
    ['Adam beta1 = 1', () => new optim.Adam([p()], { betas: [1, 0.999] }), ValueError, 'Adam: options.betas[0] must be a number in [0, 1), got 1'],
    ['Adam beta2 < 0', () => new optim.Adam([p()], { betas: [0.9, -0.1] }), ValueError, 'Adam: options.betas[1] must be a number in [0, 1), got -0.1'],
    ['Adam betas length', () => new optim.Adam([p()], { betas: [0.9] as unknown as [number, number] }), ValueError, 'Adam: options.betas must be an array of 2 numbers, got [0.9]'],
    ['Adam negative eps', () => new optim.Adam([p()], { eps: -1e-8 }), ValueError, 'Adam: options.eps must be a finite number >= 0, got -1e-8'],
    ['Adam negative lr', () => new optim.Adam([p()], { lr: -1 }), ValueError, 'Adam: options.lr must be a finite number >= 0, got -1'],
    ['AdamW negative weight decay', () => new optim.AdamW([p()], { weightDecay: -0.01 }), ValueError, 'AdamW: options.weightDecay must be a finite number >= 0, got -0.01'],
    ['AdamW amsgrad not boolean', () => new optim.AdamW([p()], { amsgrad: 1 as unknown as boolean }), ValueError, 'AdamW: options.amsgrad must be a boolean, got 1'],
    ['empty params', () => new optim.Adam([]), ValueError, 'Adam: got an empty parameter list'],
    ['a tensor as params', () => new optim.Adam(p() as unknown as Tensor[]), ValueError, 'Adam: params must be an iterable of tensors or of parameter groups, got tensor of shape [2] (float32)'],
    ['int32 param', () => new optim.SGD([tensor([1], { dtype: 'int32' })], { lr: 1 }), DTypeError, 'SGD: paramGroups[0].params[0] must be a floating-point tensor (float32 or float64), got int32'],
    ['non-leaf param', () => new optim.SGD([mul(p(), 2)], { lr: 1 }), ValueError, "SGD: can't optimize a non-leaf tensor (paramGroups[0].params[0])"],
    ['duplicate param', () => { const x = p(); return new optim.SGD([{ params: [x] }, { params: [x] }], { lr: 1 }); }, ValueError, 'SGD: some parameters appear in more than one parameter group (paramGroups[1].params[0])'],
    ['grad of the wrong shape', () => { const x = p(); x.grad = tensor([1, 2, 3]); new optim.SGD([x], { lr: 1 }).step(); }, ShapeError, "SGD.step: grad must be a gradient of the parameter's shape [2], got [3]"],
    ['StepLR stepSize 0', () => new optim.StepLR(new optim.SGD([p()], { lr: 1 }), 0), ValueError, 'StepLR: stepSize must be an integer >= 1, got 0'],
    ['StepLR negative gamma', () => new optim.StepLR(new optim.SGD([p()], { lr: 1 }), 2, { gamma: -1 }), ValueError, 'StepLR: options.gamma must be a finite number >= 0, got -1'],
    ['StepLR not an optimizer', () => new optim.StepLR({} as Optimizer, 2), ValueError, 'StepLR: optimizer must be an Optimizer, got {}'],
    ['Cosine tMax 0', () => new optim.CosineAnnealingLR(new optim.SGD([p()], { lr: 1 }), 0), ValueError, 'CosineAnnealingLR: tMax must be an integer >= 1, got 0'],
    ['Plateau factor 1', () => new optim.ReduceLROnPlateau(new optim.SGD([p()], { lr: 1 }), { factor: 1 }), ValueError, 'ReduceLROnPlateau: options.factor must be a number in [0, 1) (the factor must be below 1.0), got 1'],
    ['Plateau mode', () => new optim.ReduceLROnPlateau(new optim.SGD([p()], { lr: 1 }), { mode: 'low' as 'min' }), ValueError, 'ReduceLROnPlateau: options.mode must be one of "min", "max", got "low"'],
    ['Plateau thresholdMode', () => new optim.ReduceLROnPlateau(new optim.SGD([p()], { lr: 1 }), { thresholdMode: 'pct' as 'rel' }), ValueError, 'ReduceLROnPlateau: options.thresholdMode must be one of "rel", "abs", got "pct"'],
    ['Plateau minLr list length', () => new optim.ReduceLROnPlateau(new optim.SGD([p()], { lr: 1 }), { minLr: [0, 0] }), ValueError, 'ReduceLROnPlateau: options.minLr must be an array of 1 numbers, got [0, 0]'],
    ['Plateau negative patience', () => new optim.ReduceLROnPlateau(new optim.SGD([p()], { lr: 1 }), { patience: -1 }), ValueError, 'ReduceLROnPlateau: options.patience must be an integer >= 0, got -1'],
    ['Plateau metric', () => new optim.ReduceLROnPlateau(new optim.SGD([p()], { lr: 1 })).step(tensor([1, 2])), ValueError, 'ReduceLROnPlateau.step: metric must be a number or a one-element tensor, got tensor of shape [2] (float32)'],
  ];
  for (const [title, fn, cls, msg] of cases) {
    it(title, () => assertThrowsTyped(fn, cls, msg));
  }
});
