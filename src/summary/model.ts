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
import type { AnyModule, HookRemover, Module } from '../nn/module.js';
import { ConvNd, ConvTransposeNd } from '../nn/conv.js';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPoolNd, Dropout, Flatten, GELU, Linear, MaxPoolNd, ReLU, Sigmoid, Softmax, Tanh } from '../nn/layers.js';
import { BatchNormNd } from '../nn/norm.js';
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
  let params = 0;
  let trainable = 0;
  for (const p of m.parameters()) {
    params += p.numel;
    if (p.requiresGrad) trainable += p.numel;
  }
  return { type: 'custom', name, outputShape: l.output, params, trainable, reason: `${m.constructor.name} has no MAC rule yet` };
}

/** Summarises `model` for a batched `inputShape` (e.g. [1, 1, 28, 28]), torchinfo style. */
export function summary(model: Module, inputShape: readonly number[], options: ModelSummaryOptions = {}): SummaryResult {
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
        const y = output as Tensor;
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
