/**
 * Layers exported as one ONNX node each rather than as the ops their forward executes:
 * BatchNorm (eval mode, running statistics) → BatchNormalization, LayerNorm → LayerNormalization
 * (opset 17; below it the traced ops), RNN/GRU/LSTM → one RNN/GRU/LSTM node per layer.
 *
 * Recurrent layers: ONNX orders the gates differently from PyTorch — LSTM i,o,f,c (torch i,f,g,o),
 * GRU z,r,h (torch r,z,n) — and wants B = [Wb | Rb]; GRU needs linear_before_reset=1 to match
 * PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)). The reordered weights are computed
 * once and stored as initializers named after the layer's parameters. Every layer is its own node
 * with Y of shape [seq, 1, batch, hidden] (squeezed between layers); layout stays 0 (onnxruntime
 * refuses layout=1), so batch-first inputs are transposed around the nodes.
 */
import { Tensor, valuesOf } from '../tensor.js';
import type { AnyModule } from '../nn/module.js';
import { BatchNormNd, LayerNorm } from '../nn/norm.js';
import { RNN, GRU, LSTM } from '../nn/recurrent.js';
import type { GraphBuilder } from './export_graph.js';
import { float, int, ints } from './proto.js';

/** Emits the nodes of one call of a unit module; returns value names for `outputs` (flattened). */
export type UnitLowering = (g: GraphBuilder, m: AnyModule, inputs: readonly unknown[], outputs: readonly Tensor[]) => string[];

function batchNorm(g: GraphBuilder, m: AnyModule, [x]: readonly unknown[]): string[] {
  const bn = m as unknown as BatchNormNd;
  const xt = x as Tensor;
  const c = bn.numFeatures;
  const ones = new Tensor(xt.dtype === 'float64' ? new Float64Array(c).fill(1) : new Float32Array(c).fill(1), [c]);
  const zeros = new Tensor(xt.dtype === 'float64' ? new Float64Array(c) : new Float32Array(c), [c]);
  const scale = bn.weight === null ? g.constant(ones) : g.value(bn.weight);
  const bias = bn.bias === null ? g.constant(zeros) : g.value(bn.bias);
  const y = g.op('BatchNormalization', [g.value(xt), scale, bias, g.value(bn.runningMean!), g.value(bn.runningVar!)], {
    epsilon: float(bn.eps),
    // ONNX's running average keeps `momentum` of the old value; PyTorch's momentum weighs the new one
    momentum: float(1 - (bn.momentum ?? 0.1)),
  });
  return [y];
}

function layerNorm(g: GraphBuilder, m: AnyModule, [x]: readonly unknown[]): string[] {
  const ln = m as unknown as LayerNorm;
  const xt = x as Tensor;
  const n = ln.normalizedShape.reduce((p, d) => p * d, 1);
  const fill = (v: number) => new Tensor(xt.dtype === 'float64' ? new Float64Array(n).fill(v) : new Float32Array(n).fill(v), [...ln.normalizedShape]);
  const scale = ln.weight === null ? g.constant(fill(1)) : g.value(ln.weight);
  const bias = ln.bias === null ? g.constant(fill(0)) : g.value(ln.bias);
  return [g.op('LayerNormalization', [g.value(xt), scale, bias], { axis: int(-ln.normalizedShape.length), epsilon: float(ln.eps) })];
}

/** Rows of `w` (gates × hidden along dim 0) rearranged from torch's gate order into ONNX's. */
function reorderGates(w: Tensor, hidden: number, order: readonly number[]): Tensor {
  const row = w.numel / w.shape[0]!;
  const values = valuesOf(w);
  const out = new (values.constructor as Float32ArrayConstructor)(w.numel);
  order.forEach((src, dst) => out.set(values.subarray(src * hidden * row, (src + 1) * hidden * row), dst * hidden * row));
  return new Tensor(out, [1, ...w.shape]);
}

function concatBias(a: Tensor, b: Tensor): Tensor {
  const av = valuesOf(a);
  const out = new (av.constructor as Float32ArrayConstructor)(a.numel + b.numel);
  out.set(av);
  out.set(valuesOf(b), a.numel);
  return new Tensor(out, [1, a.numel + b.numel]);
}

const GATES = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] } as const;

function recurrent(g: GraphBuilder, m: AnyModule, inputs: readonly unknown[]): string[] {
  const rnn = m as unknown as RNN | GRU | LSTM;
  const mode = rnn.mode;
  const x = inputs[0] as Tensor;
  const state = inputs[1] as Tensor | [Tensor, Tensor] | null | undefined;
  const batched = x.ndim === 3;
  const H = rnn.hiddenSize;
  let seq = g.value(x);
  if (!batched) seq = g.op('Unsqueeze', [seq, g.int64s([1])]);
  else if (rnn.batchFirst) seq = g.op('Transpose', [seq], { perm: ints([1, 0, 2]) });
  const h0 = state === null || state === undefined ? null : Array.isArray(state) ? state[0] : state;
  const c0 = Array.isArray(state) ? state[1] : null;
  const stateOf = (s: Tensor | null, k: number): string => {
    if (s === null) return '';
    const v = batched ? g.value(s) : g.op('Unsqueeze', [g.value(s), g.int64s([1])]);
    return g.op('Slice', [v, g.int64s([k]), g.int64s([k + 1]), g.int64s([0])]);
  };
  const params = Object.fromEntries(m.namedParameters(false));
  const hs: string[] = [];
  const cs: string[] = [];
  for (let k = 0; k < rnn.numLayers; k++) {
    const p = (n: string) => params[`${n}_l${k}`]!;
    const order = GATES[mode];
    const W = g.derivedInitializer(`${mode}_W_l${k}`, reorderGates(p('weight_ih'), H, order));
    const R = g.derivedInitializer(`${mode}_R_l${k}`, reorderGates(p('weight_hh'), H, order));
    const B = rnn.bias ? g.derivedInitializer(`${mode}_B_l${k}`, concatBias(reorderGates(p('bias_ih'), H, order), reorderGates(p('bias_hh'), H, order))) : '';
    const ins = [seq, W, R, B, '', stateOf(h0, k)];
    if (mode === 'LSTM') ins.push(stateOf(c0, k));
    while (ins[ins.length - 1] === '') ins.pop();
    const attrs = {
      hidden_size: int(H),
      ...(mode === 'GRU' ? { linear_before_reset: int(1) } : {}),
      ...(mode === 'RNN' ? { activations: { strings: [rnn.nonlinearity === 'relu' ? 'Relu' : 'Tanh'] } } : {}),
    };
    const outs = g.node(mode, ins, attrs, mode === 'LSTM' ? 3 : 2);
    seq = g.op('Squeeze', [outs[0]!, g.int64s([1])]);
    hs.push(outs[1]!);
    if (mode === 'LSTM') cs.push(outs[2]!);
  }
  const join = (v: string[]) => (v.length === 1 ? v[0]! : g.op('Concat', v, { axis: int(0) }));
  let y = seq;
  let hN = join(hs);
  let cN = cs.length > 0 ? join(cs) : '';
  if (!batched) {
    y = g.op('Squeeze', [y, g.int64s([1])]);
    hN = g.op('Squeeze', [hN, g.int64s([1])]);
    if (cN !== '') cN = g.op('Squeeze', [cN, g.int64s([1])]);
  } else if (rnn.batchFirst) y = g.op('Transpose', [y], { perm: ints([1, 0, 2]) });
  return mode === 'LSTM' ? [y, hN, cN] : [y, hN];
}

/** The unit lowering of a module, or null when its forward is traced op by op. */
export function unitFor(m: AnyModule, opset: number): UnitLowering | null {
  if (m instanceof BatchNormNd) return !m.training && m.trackRunningStats ? batchNorm : null;
  if (m instanceof LayerNorm) return opset >= 17 ? layerNorm : null;
  if (m instanceof RNN || m instanceof GRU || m instanceof LSTM) return m.dropout > 0 && m.training ? null : recurrent;
  return null;
}
