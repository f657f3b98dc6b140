/**
 * ONNX RNN, GRU and LSTM (opsets 7–14+) as convkit ops, differentiable in every weight:
 * directions forward / reverse / bidirectional, layout 0 or 1, optional B, initial_h/initial_c,
 * LSTM peepholes P, GRU linear_before_reset 0 or 1. Gate order as ONNX: LSTM i,o,f,c; GRU z,r,h.
 * Refused with a typed error: non-default activations (RNN may use Tanh, Relu or Sigmoid), clip,
 * input_forget, and sequence_lens shorter than the sequence.
 */
import { zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import { add, mul, sub } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { narrow, permute, reshape, stack, squeeze } from '../ops/movement.js';
import { relu, sigmoid, tanh } from '../ops/activation.js';
import type { Attrs, Ctx, OpSpec } from './import_spec.js';
import { nodeError } from './import_spec.js';

type Mode = 'RNN' | 'GRU' | 'LSTM';
const GATES: Record<Mode, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTS: Record<Mode, string[]> = { RNN: ['Tanh'], GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'] };

/** Slice `k` of `n` equal parts along the last dim. */
const part = (t: Tensor, k: number, size: number): Tensor => narrow(t, t.ndim - 1, k * size, size);
/** [dir, ...] → the `d`-th entry. */
const dirOf = (t: Tensor, d: number): Tensor => squeeze(narrow(t, 0, d, 1), 0);

function check(mode: Mode, a: Attrs): void {
  a.only('direction', ['forward', 'reverse', 'bidirectional']);
  a.only('layout', [0, 1]);
  a.only('input_forget', [0], '0 (coupled input-forget gates are not supported)');
  if (a.has('clip')) throw nodeError(a.node, 'attribute "clip"', 'absent (cell clipping is not supported)', a.float('clip', 0));
  if (a.has('activation_alpha') || a.has('activation_beta')) throw nodeError(a.node, 'attribute "activation_alpha"', 'absent', 'present');
  const acts = a.strs('activations');
  if (acts !== null) {
    const n = DEFAULT_ACTS[mode].length;
    const ok = mode === 'RNN' ? acts.every((s) => ['Tanh', 'Relu', 'Sigmoid'].includes(s)) : acts.every((s, i) => s === DEFAULT_ACTS[mode][i % n]);
    if (!ok) throw nodeError(a.node, 'attribute "activations"', mode === 'RNN' ? 'Tanh, Relu or Sigmoid' : `the defaults ${DEFAULT_ACTS[mode].join(', ')}`, acts);
  }
}

function run(mode: Mode, c: Ctx): Tensor[] {
  const a = c.attrs;
  const H = a.int('hidden_size', 0);
  const G = GATES[mode];
  const layout = a.int('layout', 0);
  let X = c.input(0);
  if (layout === 1) X = permute(X, [1, 0, 2]);
  const [L, N] = [X.shape[0]!, X.shape[1]!];
  const W = c.input(1);
  const R = c.input(2);
  if (H <= 0 || W.shape[1] !== G * H) throw nodeError(c.node, 'attribute "hidden_size"', `W.shape[1] / ${G} = ${W.shape[1]! / G}`, H);
  const B = c.inputs[3] ?? null;
  const lens = c.inputs[4] ?? null;
  if (lens !== null && [...valuesOf(lens)].some((v) => v !== L)) throw nodeError(c.node, 'input "sequence_lens"', `every length equal to the sequence length ${L}`, [...valuesOf(lens)]);
  const h0 = c.inputs[5] ?? null;
  const c0 = mode === 'LSTM' ? (c.inputs[6] ?? null) : null;
  const P = mode === 'LSTM' ? (c.inputs[7] ?? null) : null;
  const direction = a.str('direction', 'forward');
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const acts = a.strs('activations');
  const ys: Tensor[] = [];
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let d = 0; d < dirs; d++) {
    const reverse = direction === 'reverse' || d === 1;
    const Wd = dirOf(W, d);
    const Rd = dirOf(R, d);
    const Wb = B === null ? null : narrow(dirOf(B, d), 0, 0, G * H);
    const Rb = B === null ? null : narrow(dirOf(B, d), 0, G * H, G * H);
    const pd = P === null ? null : dirOf(P, d);
    // all input projections at once: [L, N, G·H]
    let xw = matmul(X, permute(Wd, [1, 0]));
    if (Wb !== null) xw = add(xw, Wb);
    let h = h0 === null ? zeros([N, H], { dtype: X.dtype }) : dirOf(h0, d);
    let cell = c0 === null ? zeros([N, H], { dtype: X.dtype }) : dirOf(c0, d);
    const act = (t: Tensor): Tensor => {
      const f = acts?.[d] ?? 'Tanh';
      return f === 'Relu' ? relu(t) : f === 'Sigmoid' ? sigmoid(t) : tanh(t);
    };
    const out: Tensor[] = new Array<Tensor>(L);
    for (let s = 0; s < L; s++) {
      const t = reverse ? L - 1 - s : s;
      const xt = reshape(narrow(xw, 0, t, 1), [N, G * H]);
      if (mode === 'GRU') {
        const hr = matmul(h, permute(Rd, [1, 0]));
        const rb = (k: number) => (Rb === null ? null : part(Rb, k, H));
        const withB = (v: Tensor, k: number) => (rb(k) === null ? v : add(v, rb(k)!));
        const z = sigmoid(add(part(xt, 0, H), withB(part(hr, 0, H), 0)));
        const r = sigmoid(add(part(xt, 1, H), withB(part(hr, 1, H), 1)));
        let cand: Tensor;
        if (a.int('linear_before_reset', 0) === 1) cand = tanh(add(part(xt, 2, H), mul(r, withB(part(hr, 2, H), 2))));
        else cand = tanh(add(part(xt, 2, H), withB(matmul(mul(r, h), permute(narrow(Rd, 0, 2 * H, H), [1, 0])), 2)));
        h = add(cand, mul(z, sub(h, cand)));
      } else {
        let g = add(xt, matmul(h, permute(Rd, [1, 0])));
        if (Rb !== null) g = add(g, Rb);
        if (mode === 'RNN') h = act(g);
        else {
          const peep = (k: number, v: Tensor) => (pd === null ? v : mul(part(pd, k, H), v));
          const i = sigmoid(pd === null ? part(g, 0, H) : add(part(g, 0, H), peep(0, cell)));
          const f = sigmoid(pd === null ? part(g, 2, H) : add(part(g, 2, H), peep(2, cell)));
          cell = add(mul(f, cell), mul(i, tanh(part(g, 3, H))));
          const o = sigmoid(pd === null ? part(g, 1, H) : add(part(g, 1, H), peep(1, cell)));
          h = mul(o, tanh(cell));
        }
      }
      out[t] = h;
    }
    ys.push(L === 0 ? zeros([0, N, H], { dtype: X.dtype }) : stack(out, 0));
    hs.push(h);
    cs.push(cell);
  }
  let Y = stack(ys, 1); // [L, dirs, N, H]
  let Yh = stack(hs, 0);
  let Yc = stack(cs, 0);
  if (layout === 1) {
    Y = permute(Y, [2, 0, 1, 3]);
    Yh = permute(Yh, [1, 0, 2]);
    Yc = permute(Yc, [1, 0, 2]);
  }
  return mode === 'LSTM' ? [Y, Yh, Yc] : [Y, Yh];
}

function spec(mode: Mode): OpSpec {
  return {
    attrs: ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'layout', 'input_forget', 'linear_before_reset'],
    outputs: mode === 'LSTM' ? 3 : 2,
    check: (a) => check(mode, a),
    run: (c) => run(mode, c),
  };
}

export const RECURRENT_OPS: Readonly<Record<string, OpSpec>> = { RNN: spec('RNN'), GRU: spec('GRU'), LSTM: spec('LSTM') };
