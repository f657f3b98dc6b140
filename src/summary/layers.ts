/**
 * What a layer spec says about its row before anything runs: output shape, parameters, buffers,
 * a description and the working of shapes and parameters. Convolutions and pools live in
 * layers_conv.ts / layers_pool.ts; this file has the rest and the dispatcher.
 *
 * MACs and other ops are not computed here: the summary counts them from the ops the layer runs
 * (op_counts.ts). An analysis leaves a `MACs` slot in its working (`macsSlot`) where that count
 * and its terms are written in.
 *
 * Rules here: linear on (*, in): params in·out (+ out); batch norm: params 2C (gamma, beta) when
 * affine, the running mean and variance are buffers (2C), num_batches_tracked is not counted;
 * flatten is a view (no new activation memory); custom layers state their own counts.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { normDim } from '../shape.js';
import { boolOf, line, macsSlot, posInt, prodText, product } from './explain.js';
import { analyzeConv, analyzeConvTranspose } from './layers_conv.js';
import { analyzeAdaptiveAvgPool, analyzeAvgPool, analyzeMaxPool } from './layers_pool.js';
import type {
  ActivationLayerSpec,
  BatchNormLayerSpec,
  CustomLayerSpec,
  DropoutLayerSpec,
  Explanation,
  FlattenLayerSpec,
  LayerSpec,
  LinearLayerSpec,
  ResidualLayerSpec,
} from './spec.js';

/** A row before it gets its index and name. */
export interface LayerAnalysis {
  readonly description: string;
  readonly outputShape: readonly number[];
  readonly params: number;
  readonly trainable: number;
  readonly buffers: number;
  /** A remark on the layer's work (e.g. dropout is the identity at inference), or ''. */
  readonly macsNote: string;
  readonly activationElements: number;
  readonly explain: readonly Explanation[];
}

const CLASS_NAMES: Record<string, string> = {
  relu: 'ReLU',
  leakyRelu: 'LeakyReLU',
  logSoftmax: 'LogSoftmax',
  gelu: 'GELU',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softmax: 'Softmax',
  linear: 'Linear',
  flatten: 'Flatten',
  dropout: 'Dropout',
};

/** The torch class name of a spec, e.g. conv2d → Conv2d, convTranspose2d → ConvTranspose2d. */
export function className(spec: LayerSpec): string {
  if (spec.type === 'custom') return spec.name;
  return CLASS_NAMES[spec.type] ?? spec.type.charAt(0).toUpperCase() + spec.type.slice(1);
}

function activationsLine(out: readonly number[]): Explanation {
  return line('activations', prodText(out), product(out), 'output elements kept for backward');
}

function linearRow(spec: LinearLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const op = 'linear';
  const out = posInt(op, 'outFeatures', spec.outFeatures);
  const bias = boolOf(op, 'bias', spec.bias, true);
  if (input.length < 1) throw new ShapeError({ op, arg: 'input', expected: 'a tensor of shape (*, in_features)', got: 'a 0-d input' });
  const lead = input.slice(0, -1);
  const inF = input[input.length - 1]!;
  if (spec.inFeatures !== undefined && posInt(op, 'inFeatures', spec.inFeatures) !== inF) {
    throw new ShapeError({
      op,
      arg: 'input',
      expected: `${spec.inFeatures} input features (the last dimension)`,
      got: `shape ${fmtShape(input)}`,
      message: `linear: the layer has ${spec.inFeatures} input features but the input ${fmtShape(input)} has ${inF} (its last dimension)`,
    });
  }
  const outShape = [...lead, out];
  const params = inF * out + (bias ? out : 0);
  const lines = explain
    ? [
        line('params', bias ? `${out} * ${inF} + ${out}` : `${out} * ${inF}`, params, bias ? 'weight + bias' : 'weight, no bias'),
        macsSlot('leading dims * in * out'),
        activationsLine(outShape),
      ]
    : [];
  return { description: `linear ${inF}→${out}${bias ? '' : ' nobias'}`, outputShape: outShape, params, trainable: params, buffers: 0, macsNote: '', activationElements: product(outShape), explain: lines };
}

function flattenRow(spec: FlattenLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const op = 'flatten';
  const rank = input.length;
  const s = normDim(op, spec.startDim ?? 1, rank, 'startDim');
  const e = normDim(op, spec.endDim ?? -1, rank, 'endDim');
  if (s > e) throw new ValueError({ op, arg: 'startDim', expected: `a dimension not after endDim (${e})`, got: String(s) });
  const merged = input.slice(s, e + 1);
  const out = [...input.slice(0, s), product(merged), ...input.slice(e + 1)];
  const lines = explain ? [line('features', prodText(merged), product(merged), `dims ${s}..${e} merged; a view: no new memory`)] : [];
  return { description: `flatten ${s}..${e}`, outputShape: out, params: 0, trainable: 0, buffers: 0, macsNote: '', activationElements: 0, explain: lines };
}

function activationRow(spec: ActivationLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const n = product(input);
  let description: string = spec.type;
  if (spec.type === 'softmax' || spec.type === 'logSoftmax') {
    const d = normDim(spec.type, spec.dim ?? 1, input.length);
    description = `${spec.type} dim=${d}`;
  } else if (spec.type === 'leakyRelu') {
    description = `leakyRelu ${spec.negativeSlope ?? 0.01}`;
  }
  const lines = explain ? [macsSlot('activations multiply nothing'), activationsLine(input)] : [];
  return { description, outputShape: input.slice(), params: 0, trainable: 0, buffers: 0, macsNote: '', activationElements: n, explain: lines };
}

function batchNormRow(spec: BatchNormLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const op = spec.type;
  const r = Number(op.charAt(op.length - 2));
  const ranks = r === 1 ? [2, 3] : [r + 2];
  if (!ranks.includes(input.length)) {
    const what = r === 1 ? '(N, C) or (N, C, L)' : r === 2 ? '(N, C, H, W)' : '(N, C, D, H, W)';
    throw new ShapeError({ op, arg: 'input', expected: `an input ${what}`, got: `shape ${fmtShape(input)}`, message: `${op}: expected an input ${what}, got shape ${fmtShape(input)}` });
  }
  const c = input[1]!;
  if (spec.numFeatures !== undefined && posInt(op, 'numFeatures', spec.numFeatures) !== c) {
    throw new ShapeError({ op, arg: 'input', expected: `${spec.numFeatures} channels`, got: `shape ${fmtShape(input)}`, message: `${op}: the layer has ${spec.numFeatures} features but the input ${fmtShape(input)} has ${c} channels` });
  }
  const affine = boolOf(op, 'affine', spec.affine, true);
  const track = boolOf(op, 'trackRunningStats', spec.trackRunningStats, true);
  const params = affine ? 2 * c : 0;
  const lines = explain
    ? [
        line('params', affine ? `2 * ${c}` : '0', params, affine ? 'gamma and beta' : 'affine = false'),
        line('buffers', track ? `2 * ${c}` : '0', track ? 2 * c : 0, 'running mean and variance, not parameters'),
        macsSlot('eval mode: per-channel scale and shift from the running statistics, then one multiply-add per element'),
        activationsLine(input),
      ]
    : [];
  return { description: `${op} ${c}${affine ? '' : ' noaffine'}`, outputShape: input.slice(), params, trainable: params, buffers: track ? 2 * c : 0, macsNote: '', activationElements: product(input), explain: lines };
}

function dropoutRow(spec: DropoutLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const p = spec.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError({ op: 'dropout', arg: 'p', expected: 'a probability in [0, 1]', got: fmtValue(p) });
  const n = product(input);
  const lines = explain ? [macsSlot('identity at inference'), activationsLine(input)] : [];
  return { description: `dropout p=${p}`, outputShape: input.slice(), params: 0, trainable: 0, buffers: 0, macsNote: 'identity at inference', activationElements: n, explain: lines };
}

/** A custom layer: everything as the caller states it; its MACs are the stated ones, or unknown. */
function customRow(spec: CustomLayerSpec, explain: boolean): LayerAnalysis {
  const op = spec.name;
  const out = spec.outputShape.map((d) => {
    if (!Number.isInteger(d) || d < 0) throw new ValueError({ op, arg: 'outputShape', expected: 'non-negative integers', got: fmtValue(spec.outputShape) });
    return d;
  });
  const params = spec.params ?? 0;
  const trainable = spec.trainable ?? params;
  for (const [arg, v] of [['params', params], ['trainable', trainable]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ValueError({ op, arg, expected: 'a non-negative integer', got: fmtValue(v) });
  }
  const known = declaredMacs(spec);
  const reason = known !== null ? spec.reason ?? '' : spec.reason ?? `the summary does not know how to count the work of ${spec.name}`;
  const lines = explain
    ? [line('params', '', params, 'as stated by the caller'), ...(known !== null ? [line('MACs', spec.macsFormula ?? '', known, 'as stated by the caller')] : []), activationsLine(out)]
    : [];
  return { description: `${spec.name} (custom)`, outputShape: out, params, trainable, buffers: 0, macsNote: reason, activationElements: product(out), explain: lines };
}

/** A custom spec's stated MACs, or null when it states none (then the row's MACs are unknown). */
export function declaredMacs(spec: CustomLayerSpec): number | null {
  return spec.macs !== undefined && Number.isInteger(spec.macs) && spec.macs >= 0 ? spec.macs : null;
}

/**
 * A residual block's own row: its body's shapes are checked in order (errors name the inner
 * layer) and must end where they started; the block itself adds the body's output to its input.
 */
function residualRow(spec: ResidualLayerSpec, input: readonly number[], explain: boolean, inner: (spec: LayerSpec, shape: readonly number[], index: number) => readonly number[]): LayerAnalysis {
  if (!Array.isArray(spec.layers)) throw new ValueError({ op: 'residual', arg: 'layers', expected: 'an array of layer specs', got: fmtValue(spec.layers) });
  let shape: readonly number[] = input;
  spec.layers.forEach((l, i) => {
    shape = inner(l, shape, i + 1);
  });
  if (shape.length !== input.length || shape.some((d, i) => d !== input[i])) {
    throw new ShapeError({
      op: 'residual',
      arg: 'layers',
      expected: `layers that keep the block's input shape ${fmtShape(input)} (their output is added to it)`,
      got: `output shape ${fmtShape(shape)}`,
      message: `residual: the block's layers turn ${fmtShape(input)} into ${fmtShape(shape)}; a residual block must keep its input's shape (its output is added to its input)`,
    });
  }
  const n = product(input);
  const lines = explain ? [macsSlot('the block adds its layers\' output to its input (additions, not MACs)'), activationsLine(input)] : [];
  return { description: `residual: x + f(x), ${spec.layers.length} layer${spec.layers.length === 1 ? '' : 's'}`, outputShape: input.slice(), params: 0, trainable: 0, buffers: 0, macsNote: '', activationElements: n, explain: lines };
}

/**
 * The analysis of one spec on a batched input. `inner` walks a residual block's layers (the
 * caller's shape rule, so errors name the inner layer); by default they are analysed in turn.
 */
export function analyzeLayer(
  spec: LayerSpec,
  input: readonly number[],
  explain: boolean,
  inner: (spec: LayerSpec, shape: readonly number[], index: number) => readonly number[] = (l, shape) => analyzeLayer(l, shape, false).outputShape,
): LayerAnalysis {
  switch (spec.type) {
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
      return analyzeConv(spec, input, explain);
    case 'convTranspose1d':
    case 'convTranspose2d':
    case 'convTranspose3d':
      return analyzeConvTranspose(spec, input, explain);
    case 'maxPool1d':
    case 'maxPool2d':
    case 'maxPool3d':
      return analyzeMaxPool(spec, input, explain);
    case 'avgPool1d':
    case 'avgPool2d':
    case 'avgPool3d':
      return analyzeAvgPool(spec, input, explain);
    case 'adaptiveAvgPool1d':
    case 'adaptiveAvgPool2d':
    case 'adaptiveAvgPool3d':
      return analyzeAdaptiveAvgPool(spec, input, explain);
    case 'linear':
      return linearRow(spec, input, explain);
    case 'flatten':
      return flattenRow(spec, input, explain);
    case 'relu':
    case 'leakyRelu':
    case 'sigmoid':
    case 'tanh':
    case 'gelu':
    case 'softmax':
    case 'logSoftmax':
      return activationRow(spec, input, explain);
    case 'batchNorm1d':
    case 'batchNorm2d':
    case 'batchNorm3d':
      return batchNormRow(spec, input, explain);
    case 'dropout':
      return dropoutRow(spec, input, explain);
    case 'residual':
      return residualRow(spec, input, explain, inner);
    case 'custom':
      return customRow(spec, explain);
    default: {
      const bad: unknown = (spec as { type?: unknown }).type;
      throw new ValueError({ op: 'summarize', arg: 'layers', expected: 'a known layer type', got: fmtValue(bad) });
    }
  }
}
