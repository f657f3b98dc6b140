/**
 * Recurrent layers with torch's gate layouts and parameter names: RNNCell, GRUCell, LSTMCell and
 * the sequence layers RNN, GRU, LSTM (several layers, batchFirst, inter-layer dropout and
 * bidirectional, whose reverse direction's parameters end in `_reverse`), plus GatedRNNCell. Every weight and bias starts at
 * U(-1/√hidden, 1/√hidden), as in torch (drawn from convkit's generator).
 *
 * Gates (torch): RNN h' = act(W_ih x + b_ih + W_hh h + b_hh);
 * GRU rows [r | z | n]: r = σ(..), z = σ(..), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
 *   h' = (1 - z) ⊙ n + z ⊙ h;
 * LSTM rows [i | f | g | o]: c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { DType } from '../dtype.js';
import { zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { linear } from '../ops/matmul.js';
import { add, mul, sub } from '../ops/elementwise.js';
import { cat, chunk, reshape, split, stack, squeeze, transpose, unsqueeze } from '../ops/movement.js';
import { dropout, relu, sigmoid, tanh } from '../ops/activation.js';
import { uniform_ } from './init.js';
import { Module, pyBool, pyFloat, readDType } from './module.js';
import type { AnyModule } from './module.js';
import { bool, posInt, readOptions } from './util_args.js';

export type Nonlinearity = 'tanh' | 'relu';

export interface RNNCellOptions {
  bias?: boolean;
  /** RNNCell only: 'tanh' (default) or 'relu'. */
  nonlinearity?: Nonlinearity;
  dtype?: DType;
}

function initAll(m: AnyModule, hidden: number): void {
  const b = 1 / Math.sqrt(hidden);
  for (const p of m.parameters()) uniform_(p, -b, b);
}

function readNonlinearity(op: string, v: unknown): Nonlinearity {
  if (v === undefined) return 'tanh';
  if (v !== 'tanh' && v !== 'relu') throw new ValueError({ op, arg: 'options.nonlinearity', expected: "'tanh' or 'relu'", got: fmtValue(v) });
  return v;
}

/** One step of each cell type on (N, in) and (N, H) tensors. */
function rnnStep(x: Tensor, h: Tensor, wih: Tensor, whh: Tensor, bih: Tensor | null, bhh: Tensor | null, act: Nonlinearity): Tensor {
  const z = add(linear(x, wih, bih), linear(h, whh, bhh));
  return act === 'tanh' ? tanh(z) : relu(z);
}

function gruStep(x: Tensor, h: Tensor, wih: Tensor, whh: Tensor, bih: Tensor | null, bhh: Tensor | null): Tensor {
  const [ir, iz, inn] = chunk(linear(x, wih, bih), 3, 1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = chunk(linear(h, whh, bhh), 3, 1) as [Tensor, Tensor, Tensor];
  const r = sigmoid(add(ir, hr));
  const z = sigmoid(add(iz, hz));
  const n = tanh(add(inn, mul(r, hn)));
  // (1 - z)·n + z·h = n + z·(h - n)
  return add(n, mul(z, sub(h, n)));
}

function lstmStep(x: Tensor, h: Tensor, c: Tensor, wih: Tensor, whh: Tensor, bih: Tensor | null, bhh: Tensor | null): [Tensor, Tensor] {
  const gates = add(linear(x, wih, bih), linear(h, whh, bhh));
  const [gi, gf, gg, go] = chunk(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const c2 = add(mul(sigmoid(gf), c), mul(sigmoid(gi), tanh(gg)));
  const h2 = mul(sigmoid(go), tanh(c2));
  return [h2, c2];
}

/** Checks a cell input (N, in) or (in) and state; returns batched views and whether to unbatch. */
function cellArgs(op: string, x: Tensor, inputSize: number, hiddenSize: number, states: readonly (Tensor | undefined | null)[]): { x: Tensor; states: Tensor[]; batched: boolean } {
  if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== inputSize) {
    throw new ShapeError({ op, arg: 'input', expected: `a (N, ${inputSize}) or (${inputSize}) tensor`, got: `shape ${fmtShape(x.shape)}` });
  }
  const batched = x.ndim === 2;
  const xb = batched ? x : unsqueeze(x, 0);
  const n = xb.shape[0]!;
  const out = states.map((s, i) => {
    if (s === undefined || s === null) return zeros([n, hiddenSize], { dtype: x.dtype });
    const want = batched ? [n, hiddenSize] : [hiddenSize];
    if (s.ndim !== want.length || s.shape.some((d, j) => d !== want[j])) {
      throw new ShapeError({ op, arg: i === 0 ? 'hx' : 'cx', expected: `shape ${fmtShape(want)}`, got: `shape ${fmtShape(s.shape)}` });
    }
    return batched ? s : unsqueeze(s, 0);
  });
  return { x: xb, states: out, batched };
}

abstract class RNNCellBase extends Module<[Tensor, (Tensor | null)?], Tensor> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null;
  bias_hh: Tensor | null;
  constructor(op: string, gates: number, inputSize: number, hiddenSize: number, o: RNNCellOptions) {
    super();
    this.inputSize = posInt(op, 'inputSize', inputSize);
    this.hiddenSize = posInt(op, 'hiddenSize', hiddenSize);
    this.bias = bool(op, 'options.bias', o.bias, true);
    const dtype = readDType(op, o.dtype);
    const G = gates * hiddenSize;
    this.weight_ih = zeros([G, inputSize], { dtype, requiresGrad: true });
    this.weight_hh = zeros([G, hiddenSize], { dtype, requiresGrad: true });
    this.bias_ih = this.bias ? zeros([G], { dtype, requiresGrad: true }) : null;
    this.bias_hh = this.bias ? zeros([G], { dtype, requiresGrad: true }) : null;
    this.registerParameter('weight_ih', this.weight_ih);
    this.registerParameter('weight_hh', this.weight_hh);
    this.registerParameter('bias_ih', this.bias_ih);
    this.registerParameter('bias_hh', this.bias_hh);
    initAll(this as unknown as AnyModule, hiddenSize);
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'}`;
  }
}

/** h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu); input (N, in) or (in), hx defaults to 0. */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: Nonlinearity;
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    const o = readOptions<RNNCellOptions>('RNNCell', options, ['bias', 'nonlinearity', 'dtype']);
    super('RNNCell', 1, inputSize, hiddenSize, o);
    this.nonlinearity = readNonlinearity('RNNCell', o.nonlinearity);
  }
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const a = cellArgs('RNNCell', input, this.inputSize, this.hiddenSize, [hx]);
    const h = rnnStep(a.x, a.states[0]!, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh, this.nonlinearity);
    return a.batched ? h : squeeze(h, 0);
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }
}

/** torch.nn.GRUCell (gate rows r, z, n). */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNCellOptions, 'nonlinearity'> = {}) {
    const o = readOptions<RNNCellOptions>('GRUCell', options, ['bias', 'dtype']);
    super('GRUCell', 3, inputSize, hiddenSize, o);
  }
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const a = cellArgs('GRUCell', input, this.inputSize, this.hiddenSize, [hx]);
    const h = gruStep(a.x, a.states[0]!, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return a.batched ? h : squeeze(h, 0);
  }
}

/** torch.nn.LSTMCell (gate rows i, f, g, o): forward(x, [h, c]?) → [h', c']. */
export class LSTMCell extends Module<[Tensor, ([Tensor, Tensor] | null)?], [Tensor, Tensor]> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null;
  bias_hh: Tensor | null;
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNCellOptions, 'nonlinearity'> = {}) {
    super();
    const op = 'LSTMCell';
    const o = readOptions<RNNCellOptions>(op, options, ['bias', 'dtype']);
    this.inputSize = posInt(op, 'inputSize', inputSize);
    this.hiddenSize = posInt(op, 'hiddenSize', hiddenSize);
    this.bias = bool(op, 'options.bias', o.bias, true);
    const dtype = readDType(op, o.dtype);
    const G = 4 * hiddenSize;
    this.weight_ih = zeros([G, inputSize], { dtype, requiresGrad: true });
    this.weight_hh = zeros([G, hiddenSize], { dtype, requiresGrad: true });
    this.bias_ih = this.bias ? zeros([G], { dtype, requiresGrad: true }) : null;
    this.bias_hh = this.bias ? zeros([G], { dtype, requiresGrad: true }) : null;
    this.registerParameter('weight_ih', this.weight_ih);
    this.registerParameter('weight_hh', this.weight_hh);
    this.registerParameter('bias_ih', this.bias_ih);
    this.registerParameter('bias_hh', this.bias_hh);
    initAll(this as unknown as AnyModule, hiddenSize);
  }
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    const a = cellArgs('LSTMCell', input, this.inputSize, this.hiddenSize, hx ? [hx[0], hx[1]] : [null, null]);
    const [h, c] = lstmStep(a.x, a.states[0]!, a.states[1]!, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return a.batched ? [h, c] : [squeeze(h, 0), squeeze(c, 0)];
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'}`;
  }
}

export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /**
   * Also run every layer from the last step to the first (default false): outputs have 2·hidden
   * features [forward | reverse] and states 2·numLayers rows (layer-major, forward first).
   */
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** RNN only: 'tanh' (default) or 'relu'. */
  nonlinearity?: Nonlinearity;
  dtype?: DType;
}

type Mode = 'RNN' | 'GRU' | 'LSTM';

/** One direction of one layer: the names of its parameters (looked up when it runs). */
interface Cell {
  wih: string;
  whh: string;
  bih: string | null;
  bhh: string | null;
}

/**
 * Shared by RNN, GRU and LSTM. Input (L, N, in), or (N, L, in) with batchFirst, or unbatched
 * (L, in); states (numLayers·D, N, H) or (numLayers·D, H) with D = 2 when bidirectional.
 * Parameters weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} per layer, and the same
 * with `_reverse` for the reverse direction, in torch's order.
 */
abstract class RNNBase<S> extends Module<[Tensor, (S | null)?], [Tensor, S]> {
  readonly mode: Mode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly nonlinearity: Nonlinearity;
  /** [layer][direction] */
  private readonly _cells: Cell[][] = [];

  constructor(mode: Mode, inputSize: number, hiddenSize: number, options: RNNOptions) {
    super();
    const op = mode;
    const keys: (keyof RNNOptions)[] = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype'];
    if (mode === 'RNN') keys.push('nonlinearity');
    const o = readOptions<RNNOptions>(op, options, keys);
    this.mode = mode;
    this.inputSize = posInt(op, 'inputSize', inputSize);
    this.hiddenSize = posInt(op, 'hiddenSize', hiddenSize);
    this.numLayers = posInt(op, 'options.numLayers', o.numLayers ?? 1);
    this.bias = bool(op, 'options.bias', o.bias, true);
    this.batchFirst = bool(op, 'options.batchFirst', o.batchFirst, false);
    this.bidirectional = bool(op, 'options.bidirectional', o.bidirectional, false);
    const p = o.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError({ op, arg: 'options.dropout', expected: 'a probability in [0, 1]', got: fmtValue(p) });
    this.dropout = p;
    this.nonlinearity = readNonlinearity(op, o.nonlinearity);
    const dtype = readDType(op, o.dtype);
    const G = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    for (let k = 0; k < this.numLayers; k++) {
      const dirs: Cell[] = [];
      for (let d = 0; d < D; d++) {
        const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
        const cell: Cell = { wih: `weight_ih${sfx}`, whh: `weight_hh${sfx}`, bih: this.bias ? `bias_ih${sfx}` : null, bhh: this.bias ? `bias_hh${sfx}` : null };
        this.registerParameter(cell.wih, zeros([G, k === 0 ? inputSize : hiddenSize * D], { dtype, requiresGrad: true }));
        this.registerParameter(cell.whh, zeros([G, hiddenSize], { dtype, requiresGrad: true }));
        if (cell.bih !== null && cell.bhh !== null) {
          this.registerParameter(cell.bih, zeros([G], { dtype, requiresGrad: true }));
          this.registerParameter(cell.bhh, zeros([G], { dtype, requiresGrad: true }));
        }
        dirs.push(cell);
      }
      this._cells.push(dirs);
    }
    initAll(this as unknown as AnyModule, hiddenSize);
  }

  /** Rows of the state tensors: numLayers × directions. */
  private get stateRows(): number {
    return this.numLayers * (this.bidirectional ? 2 : 1);
  }

  /** Validates the input and one state tensor; returns (L, N, in) input, and (numLayers, N, H) states. */
  protected prepare(input: Tensor, states: readonly (Tensor | null)[]): { x: Tensor; states: Tensor[]; batched: boolean } {
    const op = this.mode;
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError({
        op,
        arg: 'input',
        expected: `a (${this.batchFirst ? 'N, L' : 'L, N'}, ${this.inputSize}) or (L, ${this.inputSize}) tensor`,
        got: `shape ${fmtShape(input.shape)}`,
      });
    }
    const batched = input.ndim === 3;
    let x = batched ? input : unsqueeze(input, 1);
    if (batched && this.batchFirst) x = transpose(x, 0, 1);
    const n = x.shape[1]!;
    const rows = this.stateRows;
    const want = batched ? [rows, n, this.hiddenSize] : [rows, this.hiddenSize];
    const st = states.map((s, i) => {
      if (s === null) return zeros([rows, n, this.hiddenSize], { dtype: input.dtype });
      if (s.ndim !== want.length || s.shape.some((d, j) => d !== want[j])) {
        throw new ShapeError({ op, arg: i === 0 ? 'h0' : 'c0', expected: `shape ${fmtShape(want)}`, got: `shape ${fmtShape(s.shape)}` });
      }
      return batched ? s : unsqueeze(s, 1);
    });
    return { x, states: st, batched };
  }

  /**
   * Runs every layer over the sequence (the reverse direction from the last step to the first, its
   * outputs put back in time order beside the forward ones); returns the last layer's outputs and
   * the final states, row k·D + d for layer k and direction d.
   */
  protected run(x: Tensor, states: Tensor[], batched: boolean): [Tensor, Tensor[]] {
    const L = x.shape[0]!;
    const n = x.shape[1]!;
    const D = this.bidirectional ? 2 : 1;
    const params = new Map(this.namedParameters(false));
    const get = (name: string | null): Tensor | null => (name === null ? null : params.get(name)!);
    const init = states.map((s) => split(s, 1, 0).map((t) => reshape(t, [n, this.hiddenSize])));
    const finals: Tensor[][] = states.map(() => []);
    let steps = L === 0 ? [] : split(x, 1, 0).map((t) => reshape(t, [n, t.shape[2]!]));
    this._cells.forEach((dirs, k) => {
      const outs: Tensor[][] = dirs.map((cell, d) => {
        const [wih, whh, bih, bhh] = [get(cell.wih)!, get(cell.whh)!, get(cell.bih), get(cell.bhh)];
        let h = init[0]![k * D + d]!;
        let c = init[1]?.[k * D + d] ?? null;
        const seq: Tensor[] = new Array<Tensor>(L);
        for (let i = 0; i < L; i++) {
          const t = d === 0 ? i : L - 1 - i;
          const xt = steps[t]!;
          if (this.mode === 'LSTM') [h, c] = lstmStep(xt, h, c!, wih, whh, bih, bhh);
          else if (this.mode === 'GRU') h = gruStep(xt, h, wih, whh, bih, bhh);
          else h = rnnStep(xt, h, wih, whh, bih, bhh, this.nonlinearity);
          seq[t] = h;
        }
        finals[0]!.push(h);
        if (c !== null) finals[1]!.push(c);
        return seq;
      });
      const layerOut = D === 1 ? outs[0]! : outs[0]!.map((f, t) => cat([f, outs[1]![t]!], 1));
      steps = this.dropout > 0 && this.training && k < this.numLayers - 1 ? layerOut.map((o) => dropout(o, { p: this.dropout, training: true })) : layerOut;
    });
    let out = steps.length === 0 ? zeros([0, n, D * this.hiddenSize], { dtype: x.dtype }) : stack(steps, 0);
    if (batched && this.batchFirst) out = transpose(out, 0, 1);
    if (!batched) out = squeeze(out, 1);
    const fin = finals.map((f) => {
      const s = stack(f, 0);
      return batched ? s : squeeze(s, 1);
    });
    return [out, fin];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    // torch 1.13's RNN repr omits the nonlinearity (RNNCell's shows it)
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(true)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(true)}`;
    return s;
  }
}

/** torch.nn.RNN: forward(input, h0?) → [output, hN]. */
export class RNN extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('RNN', inputSize, hiddenSize, options);
  }
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const p = this.prepare(input, [h0 ?? null]);
    const [out, [h]] = this.run(p.x, p.states, p.batched);
    return [out, h!];
  }
}

/** torch.nn.GRU: forward(input, h0?) → [output, hN]. */
export class GRU extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNOptions, 'nonlinearity'> = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const p = this.prepare(input, [h0 ?? null]);
    const [out, [h]] = this.run(p.x, p.states, p.batched);
    return [out, h!];
  }
}

/** torch.nn.LSTM: forward(input, [h0, c0]?) → [output, [hN, cN]]. */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: Omit<RNNOptions, 'nonlinearity'> = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const p = this.prepare(input, hx ? [hx[0], hx[1]] : [null, null]);
    const [out, [h, c]] = this.run(p.x, p.states, p.batched);
    return [out, [h!, c!]];
  }
}

/**
 * c[t] = σ(Wc x[t] + Wh h[t−1]), h[t] = c[t] ⊙ h[t−1] + (1 − c[t]) ⊙ Wx x[t]; parameters Wc
 * (hidden, input), Wh (hidden, hidden), Wx (hidden, input), no bias, U(-1/√hidden, 1/√hidden).
 * forward(x, h?) is one step on (N, input) or (input) with h defaulting to 0.
 */
export class GatedRNNCell extends Module<[Tensor, (Tensor | null)?], Tensor> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  Wc: Tensor;
  Wh: Tensor;
  Wx: Tensor;
  constructor(inputSize: number, hiddenSize: number, options: { dtype?: DType } = {}) {
    super();
    const op = 'GatedRNNCell';
    const o = readOptions<{ dtype: DType }>(op, options, ['dtype']);
    this.inputSize = posInt(op, 'inputSize', inputSize);
    this.hiddenSize = posInt(op, 'hiddenSize', hiddenSize);
    const dtype = readDType(op, o.dtype);
    this.Wc = zeros([hiddenSize, inputSize], { dtype, requiresGrad: true });
    this.Wh = zeros([hiddenSize, hiddenSize], { dtype, requiresGrad: true });
    this.Wx = zeros([hiddenSize, inputSize], { dtype, requiresGrad: true });
    this.registerParameter('Wc', this.Wc);
    this.registerParameter('Wh', this.Wh);
    this.registerParameter('Wx', this.Wx);
    initAll(this as unknown as AnyModule, hiddenSize);
  }
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const a = cellArgs('GatedRNNCell', input, this.inputSize, this.hiddenSize, [hx]);
    const h = a.states[0]!;
    const c = sigmoid(add(linear(a.x, this.Wc), linear(h, this.Wh)));
    const cand = linear(a.x, this.Wx);
    const out = add(mul(c, h), mul(sub(1, c), cand));
    return a.batched ? out : squeeze(out, 0);
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}`;
  }
}
