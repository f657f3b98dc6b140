/**
 * Fuzz specs for linear algebra, activations, normalisation and losses.
 * Every mutation is invalid in PyTorch too (see test/fuzz.test.ts).
 */
import * as ck from '../src/index.js';
import type { Mutant, Rng, Spec } from './fuzz_gen.js';
import { BAD_BOOL, BAD_ENUM, BAD_FINITE, BAD_INT, BAD_OPTIONAL_TENSOR, BAD_POSITIVE, I, NON_TENSORS, P, T, loose, withUnknown } from './fuzz_gen.js';

const m = (what: string, call: () => unknown): Mutant => ({ what, call });
type Maker = (g: Rng) => Mutant;
const spec = (op: string, base: () => unknown, muts: Maker[]): Spec => ({ op, base, muts });
/** Mutations replacing argument `i` of `args()` by a non-tensor. */
const nonTensorAt = (f: (...a: unknown[]) => unknown, args: () => unknown[], i: number, pool: readonly unknown[] = NON_TENSORS): Maker =>
  (g) => {
    const v = g.pick(pool);
    return m(`arg ${i} = ${String(v)}`, () => { const a = args(); a[i] = v; return f(...a); });
  };

function matmulSpecs(): Spec[] {
  const lin = loose(ck.linear);
  const mm = loose(ck.mm);
  const mat = loose(ck.matmul);
  const bmm = loose(ck.bmm);
  const mv = loose(ck.mv);
  const dot = loose(ck.dot);
  const outer = loose(ck.outer);
  const addmm = loose(ck.addmm);
  return [
    spec('linear', () => lin(T([3, 4]), T([2, 4]), T([2])), [
      nonTensorAt(lin, () => [T([3, 4]), T([2, 4])], 0), nonTensorAt(lin, () => [T([3, 4]), T([2, 4])], 1),
      nonTensorAt(lin, () => [T([3, 4]), T([2, 4]), T([2])], 2, BAD_OPTIONAL_TENSOR),
      (g) => { const k = g.pick([3, 5]); return m(`in features ${k} vs 4`, () => lin(T([3, 4]), T([2, k]))); },
      (g) => { const s = g.pick([[4], [2, 2, 4], []]); return m(`weight shape ${JSON.stringify(s)}`, () => lin(T([3, 4]), T(s))); },
      () => m('0-d input', () => lin(T([]), T([2, 4]))),
      (g) => { const s = g.pick([[3], [1, 2], [4]]); return m(`bias shape ${JSON.stringify(s)}`, () => lin(T([3, 4]), T([2, 4]), T(s))); },
      () => m('mixed dtypes', () => lin(T([3, 4]), T([2, 4], 'float64'))),
      () => m('bias float64', () => lin(T([3, 4]), T([2, 4]), T([2], 'float64'))),
    ]),
    spec('matmul', () => mat(T([2, 3]), T([3, 4])), [
      nonTensorAt(mat, () => [T([2, 3]), T([3, 4])], 0), nonTensorAt(mat, () => [T([2, 3]), T([3, 4])], 1),
      (g) => { const k = g.pick([2, 4]); return m(`inner ${k} vs 3`, () => mat(T([2, 3]), T([k, 4]))); },
      () => m('0-d operand', () => mat(T([]), T([3, 4]))),
      () => m('vector·vector length mismatch', () => mat(T([3]), T([4]))),
      () => m('batch 2 vs 3', () => mat(T([2, 2, 3]), T([3, 3, 4]))),
      () => m('mixed dtypes', () => mat(T([2, 3], 'float64'), T([3, 4]))),
    ]),
    spec('mm', () => mm(T([2, 3]), T([3, 4])), [
      nonTensorAt(mm, () => [T([2, 3]), T([3, 4])], 0), nonTensorAt(mm, () => [T([2, 3]), T([3, 4])], 1),
      (g) => { const s = g.pick([[3], [2, 2, 3]]); return m(`input shape ${JSON.stringify(s)}`, () => mm(T(s), T([3, 4]))); },
      () => m('inner mismatch', () => mm(T([2, 3]), T([4, 4]))),
      () => m('mixed dtypes', () => mm(T([2, 3]), T([3, 4], 'float64'))),
    ]),
    spec('bmm', () => bmm(T([2, 2, 3]), T([2, 3, 4])), [
      nonTensorAt(bmm, () => [T([2, 2, 3]), T([2, 3, 4])], 0), nonTensorAt(bmm, () => [T([2, 2, 3]), T([2, 3, 4])], 1),
      () => m('batch mismatch', () => bmm(T([2, 2, 3]), T([3, 3, 4]))),
      () => m('rank 2', () => bmm(T([2, 3]), T([3, 4]))),
      () => m('inner mismatch', () => bmm(T([2, 2, 3]), T([2, 4, 4]))),
      () => m('mixed dtypes', () => bmm(T([2, 2, 3]), T([2, 3, 4], 'float64'))),
    ]),
    spec('mv', () => mv(T([2, 3]), T([3])), [
      nonTensorAt(mv, () => [T([2, 3]), T([3])], 0), nonTensorAt(mv, () => [T([2, 3]), T([3])], 1),
      () => m('vec length 4 vs 3', () => mv(T([2, 3]), T([4]))),
      () => m('vec rank 2', () => mv(T([2, 3]), T([3, 1]))),
      () => m('mat rank 1', () => mv(T([3]), T([3]))),
      () => m('mixed dtypes', () => mv(T([2, 3]), T([3], 'float64'))),
    ]),
    spec('dot', () => dot(T([3]), T([3])), [
      nonTensorAt(dot, () => [T([3]), T([3])], 0), nonTensorAt(dot, () => [T([3]), T([3])], 1),
      () => m('length mismatch', () => dot(T([3]), T([4]))),
      () => m('rank 2', () => dot(T([3, 1]), T([3]))),
      () => m('0-d', () => dot(T([]), T([]))),
      () => m('mixed dtypes', () => dot(T([3]), T([3], 'float64'))),
    ]),
    spec('outer', () => outer(T([3]), T([4])), [
      nonTensorAt(outer, () => [T([3]), T([4])], 0), nonTensorAt(outer, () => [T([3]), T([4])], 1),
      (g) => { const s = g.pick([[3, 1], []]); return m(`input shape ${JSON.stringify(s)}`, () => outer(T(s), T([4]))); },
      () => m('mixed dtypes', () => outer(T([3]), T([4], 'float64'))),
    ]),
    spec('addmm', () => addmm(T([2, 4]), T([2, 3]), T([3, 4]), { alpha: 2, beta: 0.5 }), [
      nonTensorAt(addmm, () => [T([2, 4]), T([2, 3]), T([3, 4])], 0), nonTensorAt(addmm, () => [T([2, 4]), T([2, 3]), T([3, 4])], 1),
      () => m('inner mismatch', () => addmm(T([2, 4]), T([2, 3]), T([2, 4]))),
      () => m('input not broadcastable', () => addmm(T([3, 4]), T([2, 3]), T([3, 4]))),
      (g) => { const v = g.pick(BAD_FINITE); return m(`alpha=${String(v)}`, () => addmm(T([2, 4]), T([2, 3]), T([3, 4]), { alpha: v })); },
      (g) => { const v = g.pick(BAD_FINITE); return m(`beta=${String(v)}`, () => addmm(T([2, 4]), T([2, 3]), T([3, 4]), { beta: v })); },
      (g) => { const o = withUnknown(g); return m('unknown option', () => addmm(T([2, 4]), T([2, 3]), T([3, 4]), o)); },
      () => m('mixed dtypes', () => addmm(T([2, 4], 'float64'), T([2, 3]), T([3, 4]))),
    ]),
  ];
}

function activationSpecs(): Spec[] {
  const out: Spec[] = [];
  for (const [name, fn] of [['relu', ck.relu], ['sigmoid', ck.sigmoid], ['tanh', ck.tanh], ['silu', ck.silu]] as const) {
    const f = loose(fn);
    out.push(spec(name, () => f(T([2, 3])), [nonTensorAt(f, () => [T([2, 3])], 0)]));
  }
  const lr = loose(ck.leakyRelu);
  out.push(spec('leakyRelu', () => lr(T([2, 3]), 0.2), [
    nonTensorAt(lr, () => [T([2, 3])], 0),
    (g) => { const v = g.pick(BAD_FINITE.filter((b) => typeof b !== 'object')); return m(`negativeSlope=${String(v)}`, () => lr(T([2, 3]), v)); },
    (g) => { const v = g.pick(BAD_FINITE); return m(`options.negativeSlope=${String(v)}`, () => lr(T([2, 3]), { negativeSlope: v })); },
    (g) => { const o = withUnknown(g); return m('unknown option', () => lr(T([2, 3]), o)); },
  ]));
  const gelu = loose(ck.gelu);
  out.push(spec('gelu', () => gelu(T([2, 3]), { approximate: 'tanh' }), [
    nonTensorAt(gelu, () => [T([2, 3])], 0),
    (g) => { const v = g.pick(BAD_ENUM); return m(`approximate=${String(v)}`, () => gelu(T([2, 3]), { approximate: v })); },
    (g) => { const o = withUnknown(g); return m('unknown option', () => gelu(T([2, 3]), o)); },
  ]));
  const softplus = loose(ck.softplus);
  out.push(spec('softplus', () => softplus(T([2, 3]), { beta: 2, threshold: 10 }), [
    nonTensorAt(softplus, () => [T([2, 3])], 0),
    (g) => { const k = g.pick(['beta', 'threshold']); const v = g.pick(BAD_FINITE.filter((b) => b !== Infinity)); return m(`${k}=${String(v)}`, () => softplus(T([2, 3]), { [k]: v })); },
    (g) => { const o = withUnknown(g); return m('unknown option', () => softplus(T([2, 3]), o)); },
  ]));
  const elu = loose(ck.elu);
  out.push(spec('elu', () => elu(T([2, 3]), { alpha: 0.5 }), [
    nonTensorAt(elu, () => [T([2, 3])], 0),
    (g) => { const v = g.pick(BAD_FINITE); return m(`alpha=${String(v)}`, () => elu(T([2, 3]), { alpha: v })); },
    (g) => { const o = withUnknown(g); return m('unknown option', () => elu(T([2, 3]), o)); },
  ]));
  for (const [name, fn] of [['softmax', ck.softmax], ['logSoftmax', ck.logSoftmax]] as const) {
    const f = loose(fn);
    out.push(spec(name, () => f(T([2, 3]), 1), [
      nonTensorAt(f, () => [T([2, 3]), 1], 0),
      (g) => { const d = g.pick([2, 3, -3, -5]); return m(`dim ${d} out of range`, () => f(T([2, 3]), d)); },
      (g) => { const d = g.pick(BAD_INT); return m(`dim=${String(d)}`, () => f(T([2, 3]), d)); },
      () => m('int32 input', () => f(I([2, 3], 4), 1)),
    ]));
  }
  const dr = loose(ck.dropout);
  out.push(spec('dropout', () => dr(T([2, 3]), { p: 0.3, training: true }), [
    nonTensorAt(dr, () => [T([2, 3])], 0),
    (g) => { const v = g.pick([-0.1, 1.5, 2, NaN, Infinity, 'x', {}]); return m(`p=${String(v)}`, () => dr(T([2, 3]), { p: v })); },
    (g) => { const v = g.pick(BAD_BOOL); return m(`training=${String(v)}`, () => dr(T([2, 3]), { training: v })); },
    (g) => { const o = withUnknown(g); return m('unknown option', () => dr(T([2, 3]), o)); },
  ]));
  return out;
}

function normSpecs(): Spec[] {
  const bn = loose(ck.batchNorm);
  const ln = loose(ck.layerNorm);
  const gn = loose(ck.groupNorm);
  const x = (): ck.Tensor => T([2, 3, 4]);
  const rv = (): ck.Tensor => ck.add(ck.rand([3]), 0.5);
  return [
    spec('batchNorm', () => bn(x(), T([3]), rv(), { weight: T([3]), bias: T([3]), momentum: 0.2, eps: 1e-3 }), [
      nonTensorAt(bn, () => [x(), T([3]), rv()], 0),
      nonTensorAt(bn, () => [x(), T([3]), rv()], 1, BAD_OPTIONAL_TENSOR),
      nonTensorAt(bn, () => [x(), T([3]), rv()], 2, BAD_OPTIONAL_TENSOR),
      (g) => { const n = g.pick([2, 4]); return m(`runningMean size ${n} vs 3 channels`, () => bn(x(), T([n]), rv())); },
      (g) => { const n = g.pick([2, 4]); return m(`runningVar size ${n} vs 3 channels`, () => bn(x(), T([3]), T([n]))); },
      (g) => { const k = g.pick(['weight', 'bias']); const n = g.pick([2, 4]); return m(`${k} size ${n}`, () => bn(x(), T([3]), rv(), { [k]: T([n]) })); },
      (g) => { const k = g.pick(['weight', 'bias']); const v = g.pick(BAD_OPTIONAL_TENSOR); return m(`${k}=${String(v)}`, () => bn(x(), T([3]), rv(), { [k]: v })); },
      () => m('input rank 1', () => bn(T([3]), T([3]), rv())),
      () => m('one value per channel when training', () => bn(T([1, 3]), null, null, { training: true })),
      () => m('no running stats in eval mode', () => bn(x(), null, null, { training: false })),
      (g) => { const k = g.pick(['eps', 'momentum']); const v = g.pick(BAD_FINITE); return m(`${k}=${String(v)}`, () => bn(x(), T([3]), rv(), { [k]: v })); },
      (g) => { const v = g.pick(BAD_BOOL); return m(`training=${String(v)}`, () => bn(x(), T([3]), rv(), { training: v })); },
      () => m('mixed dtypes runningMean float64', () => bn(x(), T([3], 'float64'), rv())),
      () => m('int32 input', () => bn(I([2, 3, 4], 3), T([3]), rv())),
      (g) => { const o = withUnknown(g); return m('unknown option', () => bn(x(), T([3]), rv(), o)); },
    ]),
    spec('layerNorm', () => ln(x(), [4], { weight: T([4]), bias: T([4]), eps: 1e-3 }), [
      nonTensorAt(ln, () => [x(), [4]], 0),
      (g) => { const s = g.pick([[5], [3], [2, 3], [1, 2, 3, 4], [2, 3, 4, 1]]); return m(`normalizedShape ${JSON.stringify(s)}`, () => ln(x(), s)); },
      (g) => { const s = g.pick([0, -1, 1.5, NaN, 'x', [4.5], [-4], null]); return m(`normalizedShape=${JSON.stringify(s)}`, () => ln(x(), s)); },
      (g) => { const k = g.pick(['weight', 'bias']); const s = g.pick([[3], [5], [1, 4]]); return m(`${k} shape ${JSON.stringify(s)}`, () => ln(x(), [4], { [k]: T(s) })); },
      (g) => { const v = g.pick(BAD_FINITE); return m(`eps=${String(v)}`, () => ln(x(), [4], { eps: v })); },
      () => m('weight float64', () => ln(x(), [4], { weight: T([4], 'float64') })),
      () => m('int32 input', () => ln(I([2, 3, 4], 3), [4])),
      (g) => { const o = withUnknown(g); return m('unknown option', () => ln(x(), [4], o)); },
    ]),
    spec('groupNorm', () => gn(T([2, 4, 3]), 2, { weight: T([4]), bias: T([4]) }), [
      nonTensorAt(gn, () => [T([2, 4, 3]), 2], 0),
      (g) => { const n = g.pick([3, 5, 8]); return m(`numGroups ${n} not dividing 4`, () => gn(T([2, 4, 3]), n)); },
      (g) => { const n = g.pick(BAD_POSITIVE); return m(`numGroups=${String(n)}`, () => gn(T([2, 4, 3]), n)); },
      (g) => { const k = g.pick(['weight', 'bias']); const n = g.pick([2, 3, 8]); return m(`${k} size ${n}`, () => gn(T([2, 4, 3]), 2, { [k]: T([n]) })); },
      () => m('input rank 1', () => gn(T([4]), 2)),
      (g) => { const v = g.pick(BAD_FINITE); return m(`eps=${String(v)}`, () => gn(T([2, 4, 3]), 2, { eps: v })); },
      () => m('int32 input', () => gn(I([2, 4, 3], 3), 2)),
      (g) => { const o = withUnknown(g); return m('unknown option', () => gn(T([2, 4, 3]), 2, o)); },
    ]),
  ];
}

function lossSpecs(): Spec[] {
  const out: Spec[] = [];
  for (const [name, fn] of [['mseLoss', ck.mseLoss], ['l1Loss', ck.l1Loss]] as const) {
    const f = loose(fn);
    out.push(spec(name, () => f(T([2, 3]), T([2, 3]), { reduction: 'sum' }), [
      nonTensorAt(f, () => [T([2, 3]), T([2, 3])], 0), nonTensorAt(f, () => [T([2, 3]), T([2, 3])], 1),
      (g) => { const s = g.pick([[2, 4], [4, 5], [4], [3, 3, 3]]); return m(`target shape ${JSON.stringify(s)} not broadcastable`, () => f(T([2, 3]), T(s))); },
      (g) => { const v = g.pick(BAD_ENUM); return m(`reduction=${String(v)}`, () => f(T([2, 3]), T([2, 3]), { reduction: v })); },
      () => m('mixed dtypes', () => f(T([2, 3]), T([2, 3], 'float64'))),
      (g) => { const o = withUnknown(g); return m('unknown option', () => f(T([2, 3]), T([2, 3]), o)); },
    ]));
  }
  const bce = loose(ck.binaryCrossEntropy);
  out.push(spec('binaryCrossEntropy', () => bce(P([2, 3]), P([2, 3]), { weight: T([3]) }), [
    nonTensorAt(bce, () => [P([2, 3]), P([2, 3])], 0), nonTensorAt(bce, () => [P([2, 3]), P([2, 3])], 1),
    (g) => { const s = g.pick([[2, 4], [3], [1, 2, 3]]); return m(`target shape ${JSON.stringify(s)}`, () => bce(P([2, 3]), P(s))); },
    (g) => { const s = g.pick([[4], [2, 4]]); return m(`weight shape ${JSON.stringify(s)}`, () => bce(P([2, 3]), P([2, 3]), { weight: T(s) })); },
    (g) => { const v = g.pick([1.5, -0.5, 2]); return m(`input value ${v} outside [0, 1]`, () => bce(ck.full([2, 3], v), P([2, 3]))); },
    (g) => { const v = g.pick(BAD_ENUM); return m(`reduction=${String(v)}`, () => bce(P([2, 3]), P([2, 3]), { reduction: v })); },
    () => m('mixed dtypes', () => bce(P([2, 3]), P([2, 3], 'float64'))),
    (g) => { const o = withUnknown(g); return m('unknown option', () => bce(P([2, 3]), P([2, 3]), o)); },
  ]));
  const bcel = loose(ck.binaryCrossEntropyWithLogits);
  out.push(spec('binaryCrossEntropyWithLogits', () => bcel(T([2, 3]), P([2, 3]), { posWeight: T([3]) }), [
    nonTensorAt(bcel, () => [T([2, 3]), P([2, 3])], 0), nonTensorAt(bcel, () => [T([2, 3]), P([2, 3])], 1),
    (g) => { const s = g.pick([[2, 4], [3], [1, 2, 3]]); return m(`target shape ${JSON.stringify(s)}`, () => bcel(T([2, 3]), P(s))); },
    (g) => { const k = g.pick(['weight', 'posWeight']); const s = g.pick([[4], [2, 4]]); return m(`${k} shape ${JSON.stringify(s)}`, () => bcel(T([2, 3]), P([2, 3]), { [k]: T(s) })); },
    (g) => { const v = g.pick(BAD_ENUM); return m(`reduction=${String(v)}`, () => bcel(T([2, 3]), P([2, 3]), { reduction: v })); },
    () => m('mixed dtypes', () => bcel(T([2, 3], 'float64'), P([2, 3]))),
    (g) => { const o = withUnknown(g); return m('unknown option', () => bcel(T([2, 3]), P([2, 3]), o)); },
  ]));
  for (const [name, fn] of [['nllLoss', ck.nllLoss], ['crossEntropy', ck.crossEntropy]] as const) {
    const f = loose(fn);
    const x = (): ck.Tensor => T([3, 5]);
    const t = (): ck.Tensor => I([3], 5);
    const muts: Maker[] = [
      nonTensorAt(f, () => [x(), t()], 0), nonTensorAt(f, () => [x(), t()], 1),
      (g) => { const c = g.pick([5, 6, 100, -2, -1]); return m(`target class ${c} out of [0, 5)`, () => f(x(), ck.tensor([0, c, 1], { dtype: 'int32' }))); },
      (g) => { const s = g.pick([[4], [3, 1], [2]]); return m(`target shape ${JSON.stringify(s)}`, () => f(x(), I(s, 5))); },
      () => m('float target of shape [3]', () => f(x(), ck.tensor([0, 1, 2]))),
      () => m('0-d input', () => f(T([]), ck.tensor(0, { dtype: 'int32' }))),
      (g) => { const n = g.pick([4, 6]); return m(`weight size ${n} vs 5 classes`, () => f(x(), t(), { weight: T([n]) })); },
      () => m('weight float64', () => f(x(), t(), { weight: T([5], 'float64') })),
      (g) => { const v = g.pick(BAD_INT.filter((b) => typeof b !== 'object')); return m(`ignoreIndex=${String(v)}`, () => f(x(), t(), { ignoreIndex: v })); },
      (g) => { const v = g.pick(BAD_ENUM); return m(`reduction=${String(v)}`, () => f(x(), t(), { reduction: v })); },
      () => m('int32 input', () => f(I([3, 5], 3), t())),
      (g) => { const o = withUnknown(g); return m('unknown option', () => f(x(), t(), o)); },
    ];
    if (name === 'crossEntropy') {
      muts.push((g) => { const v = g.pick([-0.1, 1.5, NaN, Infinity, 'x']); return m(`labelSmoothing=${String(v)}`, () => f(x(), t(), { labelSmoothing: v })); });
      muts.push(() => m('probability target shape [3, 4]', () => f(x(), P([3, 4]))));
    }
    out.push(spec(name, () => f(name === 'nllLoss' ? ck.logSoftmax(x(), 1) : x(), t(), { weight: T([5]), ignoreIndex: 1 }), muts));
  }
  return out;
}

export function nnSpecsAll(): Spec[] {
  return [...matmulSpecs(), ...activationSpecs(), ...normSpecs(), ...lossSpecs()];
}
