/**
 * Fuzz specs for convolution, transposed convolution, conv gradients, convMatrix and pooling.
 * Every mutation is invalid in PyTorch too (see test/fuzz.test.ts).
 */
import * as ck from '../src/index.js';
import type { Mutant, Rng, Spec } from './fuzz_gen.js';
import {
  BAD_BOOL, BAD_ENUM, BAD_OPTIONAL_TENSOR, BAD_POSITIVE, NON_TENSORS, T, badNonnegTuple, badPositiveTuple, loose, withUnknown,
} from './fuzz_gen.js';

const m = (what: string, call: () => unknown): Mutant => ({ what, call });
const sp = (r: number, n: number): number[] => new Array<number>(r).fill(n);

function convSpecs(r: 1 | 2 | 3): Spec[] {
  const S = r === 3 ? 4 : 5; // spatial size
  const K = r === 3 ? 2 : 3; // kernel size
  const conv = loose(r === 1 ? ck.conv1d : r === 2 ? ck.conv2d : ck.conv3d);
  const op = `conv${r}d`;
  const x = (c = 4, dt: ck.DType = 'float32', s = S) => T([1, c, ...sp(r, s)], dt);
  const w = (o = 2, c = 4, dt: ck.DType = 'float32') => T([o, c, ...sp(r, K)], dt);
  const muts: ((g: Rng) => Mutant)[] = [
    (g) => { const v = g.pick(NON_TENSORS); return m(`input=${String(v)}`, () => conv(v, w(), null)); },
    (g) => { const v = g.pick(NON_TENSORS); return m(`weight=${String(v)}`, () => conv(x(), v, null)); },
    (g) => { const v = g.pick(BAD_OPTIONAL_TENSOR); return m(`bias=${String(v)}`, () => conv(x(), w(), v)); },
    (g) => { const rk = g.pick([0, 1, r, r + 3]); return m(`input rank ${rk}`, () => conv(T(sp(rk, S)), w(), null)); },
    (g) => { const rk = g.pick([1, r + 1, r + 3]); return m(`weight rank ${rk}`, () => conv(x(), T(sp(rk, 2)), null)); },
    (g) => { const c = g.pick([1, 3, 5, 8]); return m(`input channels ${c} vs weight 4`, () => conv(x(c), w(), null)); },
    (g) => { const gr = g.pick([3, 5, 8]); return m(`groups ${gr} not dividing 4`, () => conv(x(), w(2, 4), null, { groups: gr })); },
    (g) => { const gr = g.pick(BAD_POSITIVE); return m(`groups=${String(gr)}`, () => conv(x(), w(), null, { groups: gr })); },
    () => m('groups 2 but out channels 3', () => conv(x(), T([3, 2, ...sp(r, K)]), null, { groups: 2 })),
    (g) => { const v = badPositiveTuple(g, r); return m(`stride=${JSON.stringify(v)}`, () => conv(x(), w(), null, { stride: v })); },
    (g) => { const v = badPositiveTuple(g, r); return m(`dilation=${JSON.stringify(v)}`, () => conv(x(), w(), null, { dilation: v })); },
    (g) => { const v = badNonnegTuple(g, r); return m(`padding=${JSON.stringify(v)}`, () => conv(x(), w(), null, { padding: v })); },
    (g) => { const v = g.pick(BAD_ENUM.filter((b) => typeof b === 'string')); return m(`padding=${String(v)}`, () => conv(x(), w(), null, { padding: v })); },
    (g) => { const v = g.pick(BAD_ENUM); return m(`paddingMode=${String(v)}`, () => conv(x(), w(), null, { paddingMode: v, padding: 1 })); },
    (g) => {
      const p = g.pick([S, S + 1]);
      return m(`reflect padding ${p} >= size ${S}`, () => conv(x(), w(), null, { paddingMode: 'reflect', padding: p }));
    },
    () => m(`circular padding ${S + 1} > size ${S}`, () => conv(x(), w(), null, { paddingMode: 'circular', padding: S + 1 })),
    (g) => { const s = g.pick([0, 1, K - 1]); return m(`input size ${s} < kernel ${K} (output < 1)`, () => conv(x(4, 'float32', s), w(), null)); },
    () => m('dilation makes kernel span exceed input', () => conv(x(), w(), null, { dilation: S })),
    () => m('mixed dtypes input float32 weight float64', () => conv(x(), w(2, 4, 'float64'), null)),
    () => m('mixed dtypes input float64 weight float32', () => conv(x(4, 'float64'), w(), null)),
    () => m('bias float64 with float32 input', () => conv(x(), w(), T([2], 'float64'))),
    () => m('int32 input', () => conv(ck.randint(0, 3, [1, 4, ...sp(r, S)]), w(), null)),
    () => m('int32 input and weight', () => conv(ck.randint(0, 3, [1, 4, ...sp(r, S)]), ck.randint(0, 3, [2, 4, ...sp(r, K)]), null)),
    (g) => { const n = g.pick([1, 3, 4]); return m(`bias of size ${n} vs 2 out channels`, () => conv(x(), w(), T([n]))); },
    () => m('bias of rank 2', () => conv(x(), w(), T([1, 2]))),
    (g) => { const o = withUnknown(g); return m(`unknown option ${Object.keys(o)[0]}`, () => conv(x(), w(), null, o)); },
    (g) => { const o = g.pick(['x', 5, [1], true]); return m(`options=${String(o)}`, () => conv(x(), w(), null, o)); },
  ];
  const base = (): unknown => conv(x(), w(), T([2]), { stride: 1, padding: 1 });
  const specs: Spec[] = [{ op, base, muts: muts }];

  // transposed convolution: weight [in, out/groups, k...]
  const convT = loose(r === 1 ? ck.convTranspose1d : r === 2 ? ck.convTranspose2d : ck.convTranspose3d);
  const tw = (i = 4, o = 2, dt: ck.DType = 'float32') => T([i, o, ...sp(r, K)], dt);
  const tmuts: ((g: Rng) => Mutant)[] = [
    (g) => { const v = g.pick(NON_TENSORS); return m(`input=${String(v)}`, () => convT(v, tw(), null)); },
    (g) => { const v = g.pick(NON_TENSORS); return m(`weight=${String(v)}`, () => convT(x(), v, null)); },
    (g) => { const v = g.pick(BAD_OPTIONAL_TENSOR); return m(`bias=${String(v)}`, () => convT(x(), tw(), v)); },
    (g) => { const rk = g.pick([0, 1, r, r + 3]); return m(`input rank ${rk}`, () => convT(T(sp(rk, S)), tw(), null)); },
    (g) => { const rk = g.pick([1, r + 1, r + 3]); return m(`weight rank ${rk}`, () => convT(x(), T(sp(rk, 2)), null)); },
    (g) => { const c = g.pick([1, 3, 5]); return m(`input channels ${c} vs weight in 4`, () => convT(x(c), tw(), null)); },
    (g) => { const gr = g.pick([3, 5, 8]); return m(`groups ${gr} not dividing 4`, () => convT(x(), tw(), null, { groups: gr })); },
    (g) => { const gr = g.pick(BAD_POSITIVE); return m(`groups=${String(gr)}`, () => convT(x(), tw(), null, { groups: gr })); },
    (g) => { const v = badPositiveTuple(g, r); return m(`stride=${JSON.stringify(v)}`, () => convT(x(), tw(), null, { stride: v })); },
    (g) => { const v = badPositiveTuple(g, r); return m(`dilation=${JSON.stringify(v)}`, () => convT(x(), tw(), null, { dilation: v })); },
    (g) => { const v = badNonnegTuple(g, r); return m(`padding=${JSON.stringify(v)}`, () => convT(x(), tw(), null, { padding: v })); },
    (g) => { const v = badNonnegTuple(g, r); return m(`outputPadding=${JSON.stringify(v)}`, () => convT(x(), tw(), null, { stride: 2, outputPadding: v })); },
    () => m("padding 'same'", () => convT(x(), tw(), null, { padding: 'same' })),
    (g) => { const op2 = g.pick([1, 2]); return m(`outputPadding ${op2} >= stride 1 and dilation 1`, () => convT(x(), tw(), null, { outputPadding: op2 })); },
    () => m('outputPadding 2 >= stride 2', () => convT(x(), tw(), null, { stride: 2, outputPadding: 2 })),
    () => m('padding too large (output < 1)', () => convT(x(), tw(), null, { padding: S + K })),
    () => m('mixed dtypes', () => convT(x(), tw(4, 2, 'float64'), null)),
    () => m('int32 input', () => convT(ck.randint(0, 3, [1, 4, ...sp(r, S)]), tw(), null)),
    (g) => { const n = g.pick([1, 3, 4]); return m(`bias size ${n} vs 2`, () => convT(x(), tw(), T([n]))); },
    (g) => { const o = withUnknown(g); return m(`unknown option ${Object.keys(o)[0]}`, () => convT(x(), tw(), null, o)); },
    () => m('paddingMode (not an option of convTranspose)', () => convT(x(), tw(), null, { paddingMode: 'reflect' })),
  ];
  specs.push({ op: `convTranspose${r}d`, base: () => convT(x(), tw(), T([2]), { stride: 2, outputPadding: 1 }), muts: tmuts });

  // conv{r}dInput(inputSize, weight, gradOutput) and conv{r}dWeight(input, weightSize, gradOutput)
  const O = S - K + 1;
  const ci = loose(r === 1 ? ck.conv1dInput : r === 2 ? ck.conv2dInput : ck.conv3dInput);
  const inSize = [1, 4, ...sp(r, S)];
  const go = (c = 2, s = O, dt: ck.DType = 'float32') => T([1, c, ...sp(r, s)], dt);
  const imuts: ((g: Rng) => Mutant)[] = [
    (g) => { const v = g.pick(['x', 3, null, undefined, {}, T([2])]); return m(`inputSize=${String(v)}`, () => ci(v, w(), go())); },
    (g) => { const bad = g.pick(BAD_POSITIVE); const s = [...inSize] as unknown[]; s[g.int(0, s.length)] = bad; return m(`inputSize entry ${String(bad)}`, () => ci(s, w(), go())); },
    (g) => { const s = g.pick([[1, 4], [1, 4, ...sp(r + 1, S)]]); return m(`inputSize length ${s.length}`, () => ci(s, w(), go())); },
    (g) => { const v = g.pick(NON_TENSORS); return m(`weight=${String(v)}`, () => ci(inSize, v, go())); },
    (g) => { const v = g.pick(NON_TENSORS); return m(`gradOutput=${String(v)}`, () => ci(inSize, w(), v)); },
    (g) => { const s = g.pick([O + 1, O + 2]); return m(`gradOutput spatial ${s} vs ${O}`, () => ci(inSize, w(), go(2, s))); },
    (g) => { const c = g.pick([1, 3]); return m(`gradOutput channels ${c} vs 2`, () => ci(inSize, w(), go(c))); },
    () => m('inputSize channels 3 vs weight 4', () => ci([1, 3, ...sp(r, S)], w(), go())),
    () => m('mixed dtypes', () => ci(inSize, w(), go(2, O, 'float64'))),
    (g) => { const v = badPositiveTuple(g, r); return m(`stride=${JSON.stringify(v)}`, () => ci(inSize, w(), go(), { stride: v })); },
    (g) => { const gr = g.pick([3, 0, -1, 1.5]); return m(`groups=${gr}`, () => ci(inSize, w(), go(), { groups: gr })); },
    (g) => { const o = withUnknown(g); return m(`unknown option ${Object.keys(o)[0]}`, () => ci(inSize, w(), go(), o)); },
  ];
  specs.push({ op: `conv${r}dInput`, base: () => ci(inSize, w(), go()), muts: imuts });

  const cw = loose(r === 1 ? ck.conv1dWeight : r === 2 ? ck.conv2dWeight : ck.conv3dWeight);
  const wSize = [2, 4, ...sp(r, K)];
  const wmuts: ((g: Rng) => Mutant)[] = [
    (g) => { const v = g.pick(['x', 3, null, undefined, {}, T([2])]); return m(`weightSize=${String(v)}`, () => cw(x(), v, go())); },
    (g) => { const bad = g.pick(BAD_POSITIVE); const s = [...wSize] as unknown[]; s[g.int(0, s.length)] = bad; return m(`weightSize entry ${String(bad)}`, () => cw(x(), s, go())); },
    (g) => { const s = g.pick([[2, 4], [2, 4, ...sp(r + 1, K)]]); return m(`weightSize length ${s.length}`, () => cw(x(), s, go())); },
    (g) => { const v = g.pick(NON_TENSORS); return m(`input=${String(v)}`, () => cw(v, wSize, go())); },
    (g) => { const v = g.pick(NON_TENSORS); return m(`gradOutput=${String(v)}`, () => cw(x(), wSize, v)); },
    (g) => { const s = g.pick([O + 1, O + 2]); return m(`gradOutput spatial ${s} vs ${O}`, () => cw(x(), wSize, go(2, s))); },
    (g) => { const c = g.pick([1, 3]); return m(`gradOutput channels ${c} vs 2`, () => cw(x(), wSize, go(c))); },
    () => m('weightSize in-channels 3 vs input 4', () => cw(x(), [2, 3, ...sp(r, K)], go())),
    () => m('mixed dtypes', () => cw(x(4, 'float64'), wSize, go())),
    (g) => { const v = badPositiveTuple(g, r); return m(`dilation=${JSON.stringify(v)}`, () => cw(x(), wSize, go(), { dilation: v })); },
    (g) => { const o = withUnknown(g); return m(`unknown option ${Object.keys(o)[0]}`, () => cw(x(), wSize, go(), o)); },
  ];
  specs.push({ op: `conv${r}dWeight`, base: () => cw(x(), wSize, go()), muts: wmuts });
  return specs;
}

function convMatrixSpec(): Spec {
  const f = loose(ck.convMatrix);
  const w = (): ck.Tensor => T([2, 3, 3]);
  const muts: ((g: Rng) => Mutant)[] = [
    (g) => { const v = g.pick(NON_TENSORS); return m(`weight=${String(v)}`, () => f([1, 3, 5], v)); },
    (g) => { const v = g.pick(['x', 3, null, {}, [1, 3], [1, 3, 5, 5, 5]]); return m(`inputShape=${JSON.stringify(v)}`, () => f(v, w())); },
    (g) => { const b = g.pick(BAD_POSITIVE); return m(`inputShape entry ${String(b)}`, () => f([1, 3, b], w())); },
    () => m('inputShape channels 4 vs weight 3', () => f([1, 4, 5], w())),
    () => m('input length 2 < kernel 3', () => f([1, 3, 2], w())),
    (g) => { const v = badPositiveTuple(g, 1); return m(`stride=${JSON.stringify(v)}`, () => f([1, 3, 5], w(), { stride: v })); },
    () => m('reflect padding 5 >= 5', () => f([1, 3, 5], w(), { padding: 5, paddingMode: 'reflect' })),
    (g) => { const o = withUnknown(g); return m(`unknown option ${Object.keys(o)[0]}`, () => f([1, 3, 5], w(), o)); },
  ];
  return { op: 'convMatrix', base: () => f([1, 3, 5], w(), { padding: 1 }), muts: muts };
}

function poolSpecs(r: 1 | 2 | 3): Spec[] {
  const S = r === 3 ? 4 : 5;
  const x = (s = S) => T([1, 2, ...sp(r, s)]);
  const out: Spec[] = [];
  for (const kind of ['max', 'avg'] as const) {
    const f = loose(kind === 'max' ? [ck.maxPool1d, ck.maxPool2d, ck.maxPool3d][r - 1] : [ck.avgPool1d, ck.avgPool2d, ck.avgPool3d][r - 1]);
    const muts: ((g: Rng) => Mutant)[] = [
      (g) => { const v = g.pick(NON_TENSORS); return m(`input=${String(v)}`, () => f(v, 2)); },
      (g) => { const rk = g.pick([0, r, r + 3]); return m(`input rank ${rk}`, () => f(T(sp(rk, S)), 2)); },
      (g) => { const v = badPositiveTuple(g, r); return m(`kernelSize=${JSON.stringify(v)}`, () => f(x(), v)); },
      (g) => { const v = g.pick([undefined, null]); return m(`kernelSize=${String(v)}`, () => f(x(), v)); },
      (g) => { const v = badPositiveTuple(g, r, false, false); return m(`stride=${JSON.stringify(v)}`, () => f(x(), 2, { stride: v })); },
      (g) => { const v = badNonnegTuple(g, r); return m(`padding=${JSON.stringify(v)}`, () => f(x(), 2, { padding: v })); },
      (g) => { const p = g.pick([2, 3]); return m(`padding ${p} > kernel/2`, () => f(x(), 2, { padding: p })); },
      (g) => { const k = g.pick([S + 1, S + 3]); return m(`kernel ${k} > input ${S} (output < 1)`, () => f(x(), k)); },
      () => m('empty spatial dimension', () => f(x(0), 1)),
      () => m('zero channels', () => f(T([1, 0, ...sp(r, S)]), 2)),
      (g) => { const v = g.pick(BAD_BOOL); return m(`ceilMode=${String(v)}`, () => f(x(), 2, { ceilMode: v })); },
      (g) => { const o = withUnknown(g); return m(`unknown option ${Object.keys(o)[0]}`, () => f(x(), 2, o)); },
      (g) => { const o = g.pick(['x', 5, [1], true]); return m(`options=${String(o)}`, () => f(x(), 2, o)); },
    ];
    if (kind === 'max') {
      muts.push(
        (g) => { const v = badPositiveTuple(g, r); return m(`dilation=${JSON.stringify(v)}`, () => f(x(), 2, { dilation: v })); },
        () => m('dilation makes window exceed input', () => f(x(), 2, { dilation: S })),
        (g) => { const v = g.pick(BAD_BOOL); return m(`returnIndices=${String(v)}`, () => f(x(), 2, { returnIndices: v })); },
      );
    } else {
      muts.push(
        () => m('int32 input', () => f(ck.randint(0, 3, [1, 2, ...sp(r, S)]), 2)),
        (g) => { const v = g.pick(BAD_BOOL); return m(`countIncludePad=${String(v)}`, () => f(x(), 2, { countIncludePad: v })); },
        (g) => { const v = g.pick(['dilation', ...(r === 1 ? ['divisorOverride'] : [])]); return m(`option ${v} not accepted`, () => f(x(), 2, { [v]: 1 })); },
      );
      if (r > 1) muts.push((g) => { const v = g.pick([0, 1.5, NaN, Infinity, 'x']); return m(`divisorOverride=${String(v)}`, () => f(x(), 2, { divisorOverride: v })); });
    }
    out.push({ op: `${kind}Pool${r}d`, base: () => f(x(), 2, { stride: 1, padding: 1 }), muts: muts });
  }
  for (const kind of ['Avg', 'Max'] as const) {
    const f = loose(kind === 'Avg' ? [ck.adaptiveAvgPool1d, ck.adaptiveAvgPool2d, ck.adaptiveAvgPool3d][r - 1] : [ck.adaptiveMaxPool1d, ck.adaptiveMaxPool2d, ck.adaptiveMaxPool3d][r - 1]);
    const muts: ((g: Rng) => Mutant)[] = [
      (g) => { const v = g.pick(NON_TENSORS); return m(`input=${String(v)}`, () => f(v, 2)); },
      (g) => { const rk = g.pick([0, r, r + 3]); return m(`input rank ${rk}`, () => f(T(sp(rk, S)), 2)); },
      (g) => { const v = badPositiveTuple(g, r, true); return m(`outputSize=${JSON.stringify(v)}`, () => f(x(), v)); },
      (g) => { const v = g.pick([undefined, 'x', {}]); return m(`outputSize=${String(v)}`, () => f(x(), v)); },
    ];
    if (kind === 'Max') {
      muts.push(
        (g) => { const o = withUnknown(g); return m(`unknown option ${Object.keys(o)[0]}`, () => f(x(), 2, o)); },
        (g) => { const v = g.pick(BAD_BOOL); return m(`returnIndices=${String(v)}`, () => f(x(), 2, { returnIndices: v })); },
      );
    } else {
      muts.push(() => m('int32 input', () => f(ck.randint(0, 3, [1, 2, ...sp(r, S)]), 2)));
    }
    out.push({ op: `adaptive${kind}Pool${r}d`, base: () => f(x(), 2), muts: muts });
  }
  return out;
}

export function convSpecsAll(): Spec[] {
  return [
    ...convSpecs(1), ...convSpecs(2), ...convSpecs(3), convMatrixSpec(),
    ...poolSpecs(1), ...poolSpecs(2), ...poolSpecs(3),
  ];
}
