/**
 * Fuzz specs for elementwise ops, reductions, movement / indexing ops and signal ops.
 * Every mutation is invalid in PyTorch too, except mixed float32/float64 operands, which PyTorch
 * promotes but convkit rejects by design (docs/HACKING.md "never mixed silently").
 */
import * as ck from '../src/index.js';
import type { Mutant, Rng, Spec } from './fuzz_gen.js';
import { BAD_BOOL, BAD_ENUM, BAD_FINITE, BAD_INT, BAD_POSITIVE, I, NON_TENSORS, NON_TENSOR_LIKE, T, loose, withUnknown } from './fuzz_gen.js';

const m = (what: string, call: () => unknown): Mutant => ({ what, call });
type Maker = (g: Rng) => Mutant;
const spec = (op: string, base: () => unknown, muts: Maker[]): Spec => ({ op, base, muts });
const nonTensorAt = (f: (...a: unknown[]) => unknown, args: () => unknown[], i: number, pool: readonly unknown[] = NON_TENSORS): Maker =>
  (g) => {
    const v = g.pick(pool);
    return m(`arg ${i} = ${String(v)}`, () => { const a = args(); a[i] = v; return f(...a); });
  };
const x23 = (): ck.Tensor => T([2, 3]);
const x234 = (): ck.Tensor => T([2, 3, 4]);

function elementwiseSpecs(): Spec[] {
  const out: Spec[] = [];
  const binaries = [
    ['add', ck.add], ['sub', ck.sub], ['mul', ck.mul], ['div', ck.div], ['pow', ck.pow], ['maximum', ck.maximum], ['minimum', ck.minimum],
    ['eq', ck.eq], ['ne', ck.ne], ['lt', ck.lt], ['le', ck.le], ['gt', ck.gt], ['ge', ck.ge],
  ] as const;
  for (const [name, fn] of binaries) {
    const f = loose(fn);
    const muts: Maker[] = [
      nonTensorAt(f, () => [x23(), x23()], 0, NON_TENSOR_LIKE), nonTensorAt(f, () => [x23(), x23()], 1, NON_TENSOR_LIKE),
      (g) => { const s = g.pick([[4], [2, 4], [3, 3], [3, 3, 3]]); return m(`shapes [2, 3] and ${JSON.stringify(s)}`, () => f(x23(), T(s))); },
      (g) => { const d = g.pick([0, 1]); return m(`mixed float32/float64 (arg ${d})`, () => (d === 0 ? f(T([2, 3], 'float64'), x23()) : f(x23(), T([2, 3], 'float64')))); },
    ];
    if (name === 'add' || name === 'sub') {
      muts.push(
        (g) => { const v = g.pick(BAD_FINITE); return m(`alpha=${String(v)}`, () => f(x23(), x23(), { alpha: v })); },
        (g) => { const o = withUnknown(g); return m('unknown option', () => f(x23(), x23(), o)); },
      );
    }
    out.push(spec(name, () => f(x23(), T([3])), muts));
  }
  const unaries = [
    ['neg', ck.neg], ['exp', ck.exp], ['log', ck.log], ['sqrt', ck.sqrt], ['rsqrt', ck.rsqrt], ['abs', ck.abs], ['sign', ck.sign], ['square', ck.square],
    ['reciprocal', ck.reciprocal], ['sin', ck.sin], ['cos', ck.cos], ['log1p', ck.log1p], ['expm1', ck.expm1], ['floor', ck.floor], ['ceil', ck.ceil],
  ] as const;
  for (const [name, fn] of unaries) {
    const f = loose(fn);
    out.push(spec(name, () => f(x23()), [nonTensorAt(f, () => [x23()], 0)]));
  }
  const where = loose(ck.where);
  out.push(spec('where', () => where(I([2, 3], 2), x23(), 0), [
    nonTensorAt(where, () => [I([2, 3], 2), x23(), x23()], 0),
    nonTensorAt(where, () => [I([2, 3], 2), x23(), x23()], 1, NON_TENSOR_LIKE),
    (g) => { const s = g.pick([[4], [2, 4]]); return m(`condition shape ${JSON.stringify(s)}`, () => where(I(s, 2), x23(), x23())); },
    () => m('input/other shapes not broadcastable', () => where(I([2, 3], 2), x23(), T([4]))),
    () => m('mixed dtypes input/other', () => where(I([2, 3], 2), x23(), T([2, 3], 'float64'))),
  ]));
  const clamp = loose(ck.clamp);
  out.push(spec('clamp', () => clamp(x23(), -0.5, 0.5), [
    nonTensorAt(clamp, () => [x23(), -0.5, 0.5], 0),
    () => m('neither min nor max', () => clamp(x23())),
    () => m('min and max null', () => clamp(x23(), null, null)),
    () => m('min tensor shape [4]', () => clamp(x23(), T([4]))),
    (g) => { const o = withUnknown(g, { min: 0 }); return m('unknown option', () => clamp(x23(), o)); },
    (g) => { const v = g.pick(['x', [1], {}]); return m(`min=${String(v)}`, () => clamp(x23(), v)); },
  ]));
  return out;
}

function reductionSpecs(): Spec[] {
  const out: Spec[] = [];
  const dimMuts = (f: (...a: unknown[]) => unknown, allowList: boolean, extra: unknown[] = []): Maker[] => [
    nonTensorAt(f, () => [x234(), 1, ...extra], 0),
    (g) => { const d = g.pick([3, 4, -4, -7]); return m(`dim ${d} out of range`, () => f(x234(), d, ...extra)); },
    (g) => { const d = g.pick(BAD_INT); return m(`dim=${String(d)}`, () => f(x234(), d, ...extra)); },
    ...(allowList
      ? [(g: Rng) => { const d = g.pick([[0, 0], [1, -2], [0, 3], [0, 1.5]]); return m(`dims ${JSON.stringify(d)}`, () => f(x234(), d, ...extra)); }]
      : []),
    (g) => { const v = g.pick(BAD_BOOL); return m(`keepdim=${String(v)}`, () => f(x234(), 1, ...(extra.length ? extra : []), { keepdim: v })); },
    (g) => { const o = withUnknown(g); return m('unknown option', () => f(x234(), 1, ...extra, o)); },
  ];
  for (const [name, fn] of [['sum', ck.sum], ['mean', ck.mean], ['prod', ck.prod], ['amax', ck.amax], ['amin', ck.amin], ['var', ck.var], ['std', ck.std], ['logsumexp', ck.logsumexp]] as const) {
    const f = loose(fn);
    const muts = dimMuts(f, true);
    if (name === 'amax' || name === 'amin') muts.push(() => m('reduce over a zero-size dim', () => f(T([0, 3]), 0)));
    if (name === 'mean' || name === 'var' || name === 'std') muts.push(() => m('int32 input', () => f(I([2, 3, 4], 3), 1)));
    out.push(spec(name, () => f(x234(), [0, 2], { keepdim: true }), muts));
  }
  for (const [name, fn] of [['argmax', ck.argmax], ['argmin', ck.argmin]] as const) {
    const f = loose(fn);
    out.push(spec(name, () => f(x234(), 1, { keepdim: true }), [...dimMuts(f, false), () => m('reduce over a zero-size dim', () => f(T([0, 3]), 0))]));
  }
  for (const [name, fn] of [['max', ck.max], ['min', ck.min]] as const) {
    const f = loose(fn);
    const muts = dimMuts(f, false);
    muts.push(() => m('other tensor not broadcastable', () => f(x234(), T([5]))));
    muts.push(() => m('reduce over a zero-size dim', () => f(T([0, 3]), 0)));
    muts.push(() => m('full reduction of an empty tensor', () => f(T([0]))));
    out.push(spec(name, () => f(x234(), 1, { keepdim: true }), muts));
  }
  const norm = loose(ck.norm);
  out.push(spec('norm', () => norm(x234(), 2, 1), [
    nonTensorAt(norm, () => [x234(), 2, 1], 0),
    (g) => { const p = g.pick(['nuc2', 'x', NaN, {}, [2]]); return m(`p=${String(p)}`, () => norm(x234(), p, 1)); },
    (g) => { const d = g.pick([3, -4, 1.5, [0, 0]]); return m(`dim=${JSON.stringify(d)}`, () => norm(x234(), 2, d)); },
    (g) => { const o = withUnknown(g); return m('unknown option', () => norm(x234(), 2, 1, o)); },
  ]));
  const cumsum = loose(ck.cumsum);
  out.push(spec('cumsum', () => cumsum(x234(), 1), [
    nonTensorAt(cumsum, () => [x234(), 1], 0),
    (g) => { const d = g.pick([3, -4, ...BAD_INT]); return m(`dim=${String(d)}`, () => cumsum(x234(), d)); },
  ]));
  return out;
}

function movementSpecs(): Spec[] {
  const pad = loose(ck.pad);
  const reshape = loose(ck.reshape);
  const permute = loose(ck.permute);
  const transpose = loose(ck.transpose);
  const squeeze = loose(ck.squeeze);
  const unsqueeze = loose(ck.unsqueeze);
  const narrow = loose(ck.narrow);
  const slice = loose(ck.slice);
  const gather = loose(ck.gather);
  const indexSelect = loose(ck.indexSelect);
  const scatterAdd = loose(ck.scatterAdd);
  const flip = loose(ck.flip);
  const roll = loose(ck.roll);
  const cat = loose(ck.cat);
  const stack = loose(ck.stack);
  const split = loose(ck.split);
  const chunk = loose(ck.chunk);
  const flatten = loose(ck.flatten);
  const expand = loose(ck.expand);
  const broadcastTo = loose(ck.broadcastTo);
  const repeat = loose(ck.repeat);
  const tile = loose(ck.tile);
  const to = loose(ck.to);
  const tt = loose(ck.t);
  const clone = loose(ck.clone);
  const x = (): ck.Tensor => T([1, 2, 4]);
  return [
    spec('pad', () => pad(x(), [1, 2], { mode: 'reflect' }), [
      nonTensorAt(pad, () => [x(), [1, 1]], 0),
      (g) => { const p = g.pick([[1], [1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1], 'x', 3, null]); return m(`pads=${JSON.stringify(p)}`, () => pad(x(), p)); },
      (g) => { const b = g.pick([1.5, NaN, Infinity, 'x']); return m(`pads entry ${String(b)}`, () => pad(x(), [1, b])); },
      (g) => { const p = g.pick([4, 5, 9]); return m(`reflect pad ${p} >= size 4`, () => pad(x(), [p, 0], { mode: 'reflect' })); },
      (g) => { const p = g.pick([5, 9]); return m(`circular pad ${p} > size 4`, () => pad(x(), [0, p], { mode: 'circular' })); },
      () => m('constant pad removes more than the size', () => pad(x(), [-3, -3])),
      (g) => { const mode = g.pick(['reflect', 'replicate', 'circular']); return m(`${mode} with negative pad larger than size`, () => pad(x(), [-5, 0], { mode })); },
      (g) => { const v = g.pick(BAD_ENUM); return m(`mode=${String(v)}`, () => pad(x(), [1, 1], { mode: v })); },
      (g) => { const o = withUnknown(g); return m('unknown option', () => pad(x(), [1, 1], o)); },
    ]),
    spec('reshape', () => reshape(T([2, 3]), [3, -1]), [
      nonTensorAt(reshape, () => [x23(), [6]], 0),
      (g) => { const s = g.pick([[4, 2], [7], [-1, -1], [-1, 4], [0, 6], [-1, 0], [2, -2], [1.5, 4], 'x', 6, null, undefined, [NaN]]); return m(`shape=${JSON.stringify(s)}`, () => reshape(x23(), s)); },
    ]),
    spec('permute', () => permute(x234(), [2, 0, 1]), [
      nonTensorAt(permute, () => [x234(), [2, 0, 1]], 0),
      (g) => { const d = g.pick([[0, 0, 1], [0, 1], [0, 1, 2, 3], [0, 1, 3], [0, 1, 1.5], [0, 1, -4], 'x', 1, null, undefined]); return m(`dims=${JSON.stringify(d)}`, () => permute(x234(), d)); },
    ]),
    spec('transpose', () => transpose(x234(), 0, -1), [
      nonTensorAt(transpose, () => [x234(), 0, 1], 0),
      (g) => { const d = g.pick([3, -4, ...BAD_INT, undefined]); const i = g.int(1, 3); return m(`dim${i - 1}=${String(d)}`, () => (i === 1 ? transpose(x234(), d, 1) : transpose(x234(), 0, d))); },
    ]),
    spec('t', () => tt(x23()), [nonTensorAt(tt, () => [x23()], 0), () => m('3-d input', () => tt(x234()))]),
    spec('squeeze', () => squeeze(T([2, 1, 3]), 1), [
      nonTensorAt(squeeze, () => [T([2, 1, 3]), 1], 0),
      (g) => { const d = g.pick([3, -4, ...BAD_INT, [0, 0], [1, 5]]); return m(`dim=${JSON.stringify(d)}`, () => squeeze(T([2, 1, 3]), d)); },
    ]),
    spec('unsqueeze', () => unsqueeze(x23(), 2), [
      nonTensorAt(unsqueeze, () => [x23(), 0], 0),
      (g) => { const d = g.pick([3, 4, -4, ...BAD_INT, undefined]); return m(`dim=${String(d)}`, () => unsqueeze(x23(), d)); },
    ]),
    spec('narrow', () => narrow(T([4, 5]), 1, 1, 3), [
      nonTensorAt(narrow, () => [T([4, 5]), 0, 1, 2], 0),
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => narrow(T([4, 5]), d, 0, 1)); },
      (g) => { const s = g.pick([5, 9, -6, ...BAD_INT]); return m(`start=${String(s)}`, () => narrow(T([4, 5]), 0, s, 1)); },
      (g) => { const l = g.pick([5, 4, -1, ...BAD_INT]); return m(`length=${String(l)} from start 1 of size 4`, () => narrow(T([4, 5]), 0, 1, l)); },
    ]),
    spec('slice', () => slice(T([4, 5]), 1, 1, 4, 2), [
      nonTensorAt(slice, () => [T([4, 5]), 0, 0, 2], 0),
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => slice(T([4, 5]), d, 0, 2)); },
      (g) => { const s = g.pick([0, -1, -2, ...BAD_INT]); return m(`step=${String(s)}`, () => slice(T([4, 5]), 0, 0, 2, s)); },
      (g) => { const s = g.pick(BAD_INT); const i = g.int(0, 2); return m(`${i ? 'end' : 'start'}=${String(s)}`, () => (i ? slice(T([4, 5]), 0, 0, s) : slice(T([4, 5]), 0, s, 2))); },
    ]),
    spec('gather', () => gather(T([3, 4]), 1, I([3, 2], 4)), [
      nonTensorAt(gather, () => [T([3, 4]), 1, I([3, 2], 4)], 0), nonTensorAt(gather, () => [T([3, 4]), 1, I([3, 2], 4)], 2),
      (g) => { const v = g.pick([4, 5, -1, -5]); return m(`index value ${v} out of [0, 4)`, () => gather(T([3, 4]), 1, ck.tensor([[0, v], [1, 2], [3, 0]], { dtype: 'int32' }))); },
      () => m('float index', () => gather(T([3, 4]), 1, T([3, 2]))),
      (g) => { const s = g.pick([[3], [3, 2, 1], [4, 2]]); return m(`index shape ${JSON.stringify(s)}`, () => gather(T([3, 4]), 1, I(s, 4))); },
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => gather(T([3, 4]), d, I([3, 2], 3))); },
    ]),
    spec('indexSelect', () => indexSelect(T([3, 4]), 0, I([2], 3)), [
      nonTensorAt(indexSelect, () => [T([3, 4]), 0, I([2], 3)], 0), nonTensorAt(indexSelect, () => [T([3, 4]), 0, I([2], 3)], 2),
      (g) => { const v = g.pick([3, 7, -1, -4]); return m(`index value ${v} out of [0, 3)`, () => indexSelect(T([3, 4]), 0, ck.tensor([0, v], { dtype: 'int32' }))); },
      () => m('float index', () => indexSelect(T([3, 4]), 0, T([2]))),
      () => m('index rank 2', () => indexSelect(T([3, 4]), 0, I([2, 2], 3))),
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => indexSelect(T([3, 4]), d, I([2], 3))); },
    ]),
    spec('scatterAdd', () => scatterAdd(T([3, 4]), 1, I([3, 2], 4), T([3, 2])), [
      nonTensorAt(scatterAdd, () => [T([3, 4]), 1, I([3, 2], 4), T([3, 2])], 0),
      nonTensorAt(scatterAdd, () => [T([3, 4]), 1, I([3, 2], 4), T([3, 2])], 2),
      nonTensorAt(scatterAdd, () => [T([3, 4]), 1, I([3, 2], 4), T([3, 2])], 3),
      (g) => { const v = g.pick([4, 9, -1]); return m(`index value ${v} out of [0, 4)`, () => scatterAdd(T([3, 4]), 1, ck.tensor([[0, v], [1, 2], [3, 0]], { dtype: 'int32' }), T([3, 2]))); },
      () => m('src smaller than index', () => scatterAdd(T([3, 4]), 1, I([3, 2], 4), T([3, 1]))),
      () => m('index larger than input', () => scatterAdd(T([3, 4]), 1, I([4, 2], 4), T([4, 2]))),
      () => m('src float64', () => scatterAdd(T([3, 4]), 1, I([3, 2], 4), T([3, 2], 'float64'))),
      () => m('float index', () => scatterAdd(T([3, 4]), 1, T([3, 2]), T([3, 2]))),
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => scatterAdd(T([3, 4]), d, I([3, 2], 3), T([3, 2]))); },
    ]),
    spec('flip', () => flip(x234(), [0, 2]), [
      nonTensorAt(flip, () => [x234(), [0]], 0),
      (g) => { const d = g.pick([[3], [0, 0], [1, -2], [1.5], 3, -4, 'x', null]); return m(`dims=${JSON.stringify(d)}`, () => flip(x234(), d)); },
    ]),
    spec('roll', () => roll(x234(), [1, -2], [0, 2]), [
      nonTensorAt(roll, () => [x234(), 1, 0], 0),
      (g) => { const d = g.pick([3, -4, [0, 3], 1.5]); return m(`dims=${JSON.stringify(d)}`, () => roll(x234(), 1, d)); },
      () => m('shifts/dims length mismatch', () => roll(x234(), [1, 2], [0])),
      (g) => { const s = g.pick([1.5, NaN, 'x', [1.5], null, undefined]); return m(`shifts=${JSON.stringify(s)}`, () => roll(x234(), s, 0)); },
    ]),
    spec('cat', () => cat([x23(), T([1, 3])], 0), [
      (g) => { const v = g.pick(NON_TENSORS.filter((u) => !Array.isArray(u))); return m(`tensors=${String(v)}`, () => cat(v as never)); },
      () => m('empty list', () => cat([])),
      (g) => { const v = g.pick(NON_TENSORS); return m(`list element ${String(v)}`, () => cat([x23(), v])); },
      () => m('non-cat dim mismatch', () => cat([x23(), T([2, 4])], 0)),
      () => m('rank mismatch', () => cat([x23(), T([3])], 0)),
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => cat([x23(), x23()], d)); },
    ]),
    spec('stack', () => stack([x23(), x23()], 2), [
      (g) => { const v = g.pick(NON_TENSORS.filter((u) => !Array.isArray(u))); return m(`tensors=${String(v)}`, () => stack(v as never)); },
      () => m('empty list', () => stack([])),
      (g) => { const v = g.pick(NON_TENSORS); return m(`list element ${String(v)}`, () => stack([x23(), v])); },
      () => m('shape mismatch', () => stack([x23(), T([3, 2])])),
      (g) => { const d = g.pick([3, -4, ...BAD_INT]); return m(`dim=${String(d)}`, () => stack([x23(), x23()], d)); },
    ]),
    spec('split', () => split(T([4, 3]), [1, 3], 0), [
      nonTensorAt(split, () => [T([4, 3]), 2, 0], 0),
      (g) => { const s = g.pick([0, -1, 1.5, NaN, 'x', null]); return m(`splitSize=${String(s)}`, () => split(T([4, 3]), s, 0)); },
      (g) => { const s = g.pick([[1, 2], [2, 3], [5], [-1, 5], [2, 1.5, 0.5]]); return m(`sections ${JSON.stringify(s)} (dim size 4)`, () => split(T([4, 3]), s, 0)); },
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => split(T([4, 3]), 2, d)); },
    ]),
    spec('chunk', () => chunk(T([4, 3]), 3, 1), [
      nonTensorAt(chunk, () => [T([4, 3]), 2, 0], 0),
      (g) => { const c = g.pick([0, -1, 1.5, NaN, 'x']); return m(`chunks=${String(c)}`, () => chunk(T([4, 3]), c, 0)); },
      (g) => { const d = g.pick([2, -3, ...BAD_INT]); return m(`dim=${String(d)}`, () => chunk(T([4, 3]), 2, d)); },
    ]),
    spec('flatten', () => flatten(x234(), 1), [
      nonTensorAt(flatten, () => [x234(), 0, -1], 0),
      () => m('startDim after endDim', () => flatten(x234(), 2, 1)),
      (g) => { const d = g.pick([3, -4, ...BAD_INT]); const i = g.int(0, 2); return m(`${i ? 'endDim' : 'startDim'}=${String(d)}`, () => (i ? flatten(x234(), 0, d) : flatten(x234(), d, -1))); },
    ]),
    spec('expand', () => expand(T([2, 1]), [3, 2, 4]), [
      nonTensorAt(expand, () => [T([2, 1]), [2, 3]], 0),
      (g) => { const s = g.pick([[3, 3], [4], [2, 1.5], [2, -2], 'x', null, undefined]); return m(`size=${JSON.stringify(s)}`, () => expand(T([2, 1]), s)); },
    ]),
    spec('broadcastTo', () => broadcastTo(T([2, 1]), [2, 3]), [
      nonTensorAt(broadcastTo, () => [T([2, 1]), [2, 3]], 0),
      (g) => { const s = g.pick([[3, 3], [4], [2, 1.5], [2, -2], 'x', null, undefined]); return m(`shape=${JSON.stringify(s)}`, () => broadcastTo(T([2, 1]), s)); },
    ]),
    spec('repeat', () => repeat(x23(), [1, 2, 2]), [
      nonTensorAt(repeat, () => [x23(), [2, 2]], 0),
      (g) => { const s = g.pick([[2], [], [-1, 2], [1.5, 1], 'x', 2, null, undefined]); return m(`repeats=${JSON.stringify(s)}`, () => repeat(x23(), s)); },
    ]),
    spec('tile', () => tile(x23(), [2]), [
      nonTensorAt(tile, () => [x23(), [2]], 0),
      (g) => { const s = g.pick([[-1], [1.5, 1], [NaN], 'x', null, undefined]); return m(`dims=${JSON.stringify(s)}`, () => tile(x23(), s)); },
    ]),
    spec('to', () => to(x23(), 'float64'), [
      nonTensorAt(to, () => [x23(), 'float64'], 0),
      (g) => { const d = g.pick(['float16', 'bogus', 'int64', 3, null, undefined]); return m(`dtype=${String(d)}`, () => to(x23(), d)); },
    ]),
    spec('clone', () => clone(x23()), [nonTensorAt(clone, () => [x23()], 0)]),
  ];
}

function signalSpecs(): Spec[] {
  const out: Spec[] = [];
  for (const [name, fn] of [['convolve', ck.convolve], ['correlate', ck.correlate]] as const) {
    const f = loose(fn);
    out.push(spec(name, () => f(T([5]), T([3]), 'same'), [
      nonTensorAt(f, () => [T([5]), T([3])], 0), nonTensorAt(f, () => [T([5]), T([3])], 1),
      (g) => { const s = g.pick([[2, 5], [1, 3]]); const i = g.int(0, 2); return m(`${i ? 'v' : 'a'} shape ${JSON.stringify(s)}`, () => (i ? f(T([5]), T(s)) : f(T(s), T([3])))); },
      (g) => { const i = g.int(0, 2); return m(`empty ${i ? 'v' : 'a'}`, () => (i ? f(T([5]), T([0])) : f(T([0]), T([3])))); },
      (g) => { const v = g.pick(BAD_ENUM); return m(`mode=${String(v)}`, () => f(T([5]), T([3]), v)); },
      () => m('mixed dtypes', () => f(T([5]), T([3], 'float64'))),
    ]));
  }
  for (const [name, fn] of [['convolveNd', ck.convolveNd], ['correlateNd', ck.correlateNd]] as const) {
    const f = loose(fn);
    out.push(spec(name, () => f(T([4, 4]), T([2, 3]), 'valid'), [
      nonTensorAt(f, () => [T([4, 4]), T([2, 2])], 0), nonTensorAt(f, () => [T([4, 4]), T([2, 2])], 1),
      () => m('rank mismatch', () => f(T([4, 4]), T([2]))),
      () => m("'valid' with neither input containing the other", () => f(T([4, 2]), T([2, 4]), 'valid')),
      (g) => { const v = g.pick(BAD_ENUM); return m(`mode=${String(v)}`, () => f(T([4, 4]), T([2, 2]), v)); },
      () => m('mixed dtypes', () => f(T([4, 4], 'float64'), T([2, 2]))),
    ]));
  }
  for (const [name, fn] of [['circularConvolve', ck.circularConvolve], ['circularCorrelate', ck.circularCorrelate]] as const) {
    const f = loose(fn);
    out.push(spec(name, () => f(T([2, 5]), T([2, 5])), [
      nonTensorAt(f, () => [T([5]), T([5])], 0), nonTensorAt(f, () => [T([5]), T([5])], 1),
      (g) => { const s = g.pick([[4], [6], [1, 5], [5, 1]]); return m(`shapes [5] and ${JSON.stringify(s)}`, () => f(T([5]), T(s))); },
      () => m('0-d inputs', () => f(T([]), T([]))),
      () => m('mixed dtypes', () => f(T([5]), T([5], 'float64'))),
    ]));
  }
  return out;
}

export function tensorSpecsAll(): Spec[] {
  return [...elementwiseSpecs(), ...reductionSpecs(), ...movementSpecs(), ...signalSpecs()];
}
