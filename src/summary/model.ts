/**
 * `summary(model, inputShape)`: runs the model once on zeros, records the input and output shape of
 * every leaf module through forward hooks, maps each leaf onto a layer spec (so the counts come from
 * the same rules as `summarize`), and sums leaves only. Modules it cannot analyse become `custom`
 * rows: their parameters are counted, their MACs flagged as unknown, never silently 0.
 */
import { ValueError, fmtValue } from '../errors.js';
import { zeros } from '../creation.js';
import { noGrad } from '../autograd/tape.js';
import type { Tensor } from '../tensor.js';
import type { AnyModule, HookRemover } from '../nn/module.js';
import { ConvNd, ConvTransposeNd } from '../nn/conv.js';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPoolNd, Dropout, Flatten, GELU, Linear, MaxPoolNd, ReLU, Sigmoid, Softmax, Tanh } from '../nn/layers.js';
import { BatchNormNd } from '../nn/norm.js';
import { GRU, GRUCell, GatedRNNCell, LSTM, LSTMCell, RNN, RNNCell } from '../nn/recurrent.js';
import type { LayerSpec, SummaryResult } from './spec.js';
import { summarize } from './summarize.js';

export interface ModelSummaryOptions {
  explain?: boolean;
}

interface Leaf {
  name: string;
  module: AnyModule;
  input: readonly number[];
  output: readonly number[];
}

function specOf(l: Leaf): LayerSpec {
  const m = l.module;
  const name = `${l.name} (${m.constructor.name})`;
  const rank = l.input.length - 2;
  if (m instanceof ConvTransposeNd) {
    return { type: `convTranspose${m.kernelSize.length}d` as 'convTranspose2d', name, inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, stride: m.stride, padding: m.padding as readonly number[], outputPadding: m.outputPadding, dilation: m.dilation, groups: m.groups, bias: m.bias !== null };
  }
  if (m instanceof ConvNd) {
    return { type: `conv${m.kernelSize.length}d` as 'conv2d', name, inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, dilation: m.dilation, groups: m.groups, bias: m.bias !== null, paddingMode: m.paddingMode };
  }
  if (m instanceof MaxPoolNd) return { type: `maxPool${m.kernelSize.length}d` as 'maxPool2d', name, kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, dilation: m.dilation, ceilMode: m.ceilMode };
  if (m instanceof AvgPoolNd) return { type: `avgPool${m.kernelSize.length}d` as 'avgPool2d', name, kernelSize: m.kernelSize, stride: m.stride, padding: m.padding, ceilMode: m.ceilMode, countIncludePad: m.countIncludePad, divisorOverride: m.divisorOverride };
  if (m instanceof AdaptiveAvgPool1d || m instanceof AdaptiveAvgPool2d) return { type: `adaptiveAvgPool${rank}d` as 'adaptiveAvgPool2d', name, outputSize: m.outputSize };
  if (m instanceof Linear) return { type: 'linear', name, inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null };
  if (m instanceof Flatten) return { type: 'flatten', name, startDim: m.startDim, endDim: m.endDim };
  if (m instanceof ReLU) return { type: 'relu', name };
  if (m instanceof Sigmoid) return { type: 'sigmoid', name };
  if (m instanceof Tanh) return { type: 'tanh', name };
  if (m instanceof GELU) return { type: 'gelu', name };
  if (m instanceof Softmax) return { type: 'softmax', name, dim: m.dim };
  if (m instanceof Dropout) return { type: 'dropout', name, p: m.p };
  if (m instanceof BatchNormNd) return { type: `batchNorm${Math.max(1, rank)}d` as 'batchNorm2d', name, numFeatures: m.numFeatures, affine: m.affine, trackRunningStats: m.trackRunningStats };
  const rec = recurrentMacs(l);
  let params = 0;
  let trainable = 0;
  for (const p of m.parameters()) {
    params += p.numel;
    if (p.requiresGrad) trainable += p.numel;
  }
  if (rec) return { type: 'custom', name, outputShape: l.output, params, trainable, macs: rec.macs, macsFormula: rec.formula, reason: rec.note };
  return { type: 'custom', name, outputShape: l.output, params, trainable, reason: `${m.constructor.name} has no MAC rule yet` };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Recurrent layers: the matrix-vector products per time step × steps × batch (gate nonlinearities
 * and the elementwise state updates are not multiply-accumulates). Gates: RNN 1, GRU 3, LSTM 4.
 */
function recurrentMacs(l: Leaf): { macs: number; formula: string; note: string } | null {
  const m = l.module;
  const cellGates = m instanceof RNNCell ? 1 : m instanceof GRUCell ? 3 : m instanceof LSTMCell ? 4 : 0;
  if (cellGates > 0) {
    const c = m as unknown as { inputSize: number; hiddenSize: number };
    const n = l.input.length === 2 ? l.input[0]! : 1;
    const macs = n * cellGates * c.hiddenSize * (c.inputSize + c.hiddenSize);
    return { macs, formula: `${n} * ${cellGates} * ${c.hiddenSize} * (${c.inputSize} + ${c.hiddenSize}) = ${fmt(macs)}`, note: 'N * gates * H * (I + H) for one time step' };
  }
  if (m instanceof GatedRNNCell) {
    const n = l.input.length === 2 ? l.input[0]! : 1;
    const { inputSize: i, hiddenSize: h } = m;
    const macs = n * h * (2 * i + h);
    return { macs, formula: `${n} * ${h} * (2*${i} + ${h}) = ${fmt(macs)}`, note: 'W_c x, W_h h and W_x x for one time step' };
  }
  const seqGates = m instanceof RNN ? 1 : m instanceof GRU ? 3 : m instanceof LSTM ? 4 : 0;
  if (seqGates === 0) return null;
  const r = m as unknown as { inputSize: number; hiddenSize: number; numLayers: number; batchFirst: boolean };
  const batched = l.input.length === 3;
  const steps = batched ? (r.batchFirst ? l.input[1]! : l.input[0]!) : l.input[0]!;
  const n = batched ? (r.batchFirst ? l.input[0]! : l.input[1]!) : 1;
  let perStep = 0;
  const terms: string[] = [];
  for (let k = 0; k < r.numLayers; k++) {
    const inp = k === 0 ? r.inputSize : r.hiddenSize;
    perStep += seqGates * r.hiddenSize * (inp + r.hiddenSize);
    terms.push(`${seqGates} * ${r.hiddenSize} * (${inp} + ${r.hiddenSize})`);
  }
  const macs = n * steps * perStep;
  return { macs, formula: `${n} * ${steps} steps * (${terms.join(' + ')}) = ${fmt(macs)}`, note: 'N * steps * per-step MACs (gates * H * (I + H) per layer)' };
}

/** Summarises `model` for a batched `inputShape` (e.g. [1, 1, 28, 28]), torchinfo style. */
export function summary(model: AnyModule, inputShape: readonly number[], options: ModelSummaryOptions = {}): SummaryResult {
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError({ op: 'summary', arg: 'inputShape', expected: 'a batched input shape of positive integers, e.g. [1, 1, 28, 28]', got: fmtValue(inputShape) });
  }
  const leaves: Leaf[] = [];
  const removers: HookRemover[] = [];
  for (const [name, m] of model.namedModules()) {
    if ([...m.children()].length > 0) continue; // only leaf modules are counted
    removers.push(
      m.registerForwardHook((mod, inputs, output) => {
        const x = inputs[0] as Tensor | undefined;
        // recurrent modules return [output, state]: the sequence output is the first element
        const y = (Array.isArray(output) ? output[0] : output) as Tensor;
        if (x && y && 'shape' in y) leaves.push({ name: name || '(root)', module: mod, input: x.shape, output: y.shape });
      }),
    );
  }
  const wasTraining = model.training;
  try {
    model.eval();
    noGrad(() => (model as AnyModule).call(zeros(inputShape) as never));
  } finally {
    for (const r of removers) r();
    model.train(wasTraining);
  }
  return summarize(inputShape, leaves.map(specOf), { explain: options.explain ?? false, inputShapes: leaves.map((l) => l.input) });
}
