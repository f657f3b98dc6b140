/**
 * One summary row per layer spec: output shape, parameters, MACs, other ops and the working.
 * Convolutions and pools live in layers_conv.ts / layers_pool.ts; this file has the rest and the
 * dispatcher.
 *
 * Counting rules here:
 * - linear on (*, in): params in·out (+ out); MACs ∏(leading dims)·in·out; bias additions
 *   ∏(leading)·out go to otherOps.
 * - activations: 0 MACs; relu/sigmoid/tanh/gelu are one elementwise evaluation per element;
 *   softmax is one exp per element ('elementwise'), one addition per element (the sums) and one
 *   division per element.
 * - batch norm: MACs as fvcore counts inference (eval mode): ∏(input)·2 with affine (normalise,
 *   then scale and shift), ∏(input)·1 without. params 2C (gamma, beta) when affine; the running
 *   mean and variance are buffers (2C), not parameters; num_batches_tracked is not counted.
 *   torchinfo would instead report N·2C "Mult-Adds" (its rule multiplies each parameter by the
 *   batch size), which ignores the spatial size; see `macsNote`.
 * - flatten: a view, no work and no new activation memory; dropout: identity at inference, 0 ops.
 * - custom layers: MACs unknown (null) with a reason, never 0.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { normDim } from '../shape.js';
import { boolOf, line, posInt, prodText, product } from './explain.js';
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
  OtherOps,
} from './spec.js';

/** A row before it gets its index and name. */
export interface LayerAnalysis {
  readonly description: string;
  readonly outputShape: readonly number[];
  readonly params: number;
  readonly trainable: number;
  readonly buffers: number;
  readonly macs: number | null;
  readonly macsNote: string;
  readonly otherOps: readonly OtherOps[];
  readonly activationElements: number;
  readonly explain: readonly Explanation[];
}

const CLASS_NAMES: Record<string, string> = {
  relu: 'ReLU',
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
  const macs = product(lead) * inF * out;
  const other: OtherOps[] = bias ? [{ kind: 'additions', count: product(lead) * out, what: 'bias additions' }] : [];
  const lines = explain
    ? [
        line('params', bias ? `${out} * ${inF} + ${out}` : `${out} * ${inF}`, params, bias ? 'weight + bias' : 'weight, no bias'),
        line('MACs', prodText([...lead, inF, out]), macs, 'leading dims * in * out'),
        activationsLine(outShape),
      ]
    : [];
  return { description: `linear ${inF}→${out}${bias ? '' : ' nobias'}`, outputShape: outShape, params, trainable: params, buffers: 0, macs, macsNote: '', otherOps: other, activationElements: product(outShape), explain: lines };
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
  return { description: `flatten ${s}..${e}`, outputShape: out, params: 0, trainable: 0, buffers: 0, macs: 0, macsNote: '', otherOps: [], activationElements: 0, explain: lines };
}

function activationRow(spec: ActivationLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const n = product(input);
  let other: OtherOps[];
  let description: string = spec.type;
  if (spec.type === 'softmax') {
    const d = normDim('softmax', spec.dim ?? -1, input.length);
    description = `softmax dim=${d}`;
    other = [
      { kind: 'elementwise', count: n, what: 'exp' },
      { kind: 'additions', count: n, what: 'sums' },
      { kind: 'divisions', count: n, what: 'normalisation' },
    ];
  } else {
    other = [{ kind: 'elementwise', count: n, what: spec.type }];
  }
  const lines = explain
    ? [line('elementwise', prodText(input), n, spec.type === 'softmax' ? 'exp per element; as many additions and divisions' : `one ${spec.type} per element`), line('MACs', '', 0, 'activations multiply nothing'), activationsLine(input)]
    : [];
  return { description, outputShape: input.slice(), params: 0, trainable: 0, buffers: 0, macs: 0, macsNote: '', otherOps: other, activationElements: n, explain: lines };
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
  const n = product(input);
  const per = affine ? 2 : 1;
  const macs = n * per;
  const note = `fvcore (eval mode): elements * ${per}${affine ? ' (normalise, then scale and shift)' : ''}; torchinfo would report N * params = ${input[0]! * params}`;
  const lines = explain
    ? [
        line('params', affine ? `2 * ${c}` : '0', params, affine ? 'gamma and beta' : 'affine = false'),
        line('buffers', track ? `2 * ${c}` : '0', track ? 2 * c : 0, 'running mean and variance, not parameters'),
        line('MACs', `${prodText(input)} * ${per}`, macs, 'fvcore eval-mode rule'),
        activationsLine(input),
      ]
    : [];
  return { description: `${op} ${c}${affine ? '' : ' noaffine'}`, outputShape: input.slice(), params, trainable: params, buffers: track ? 2 * c : 0, macs, macsNote: note, otherOps: [], activationElements: n, explain: lines };
}

function dropoutRow(spec: DropoutLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const p = spec.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError({ op: 'dropout', arg: 'p', expected: 'a probability in [0, 1]', got: fmtValue(p) });
  const n = product(input);
  const lines = explain ? [line('MACs', '', 0, 'identity at inference'), activationsLine(input)] : [];
  return { description: `dropout p=${p}`, outputShape: input.slice(), params: 0, trainable: 0, buffers: 0, macs: 0, macsNote: 'identity at inference', otherOps: [], activationElements: n, explain: lines };
}

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
  const reason = spec.reason ?? `the summary does not know how to count the work of ${spec.name}`;
  const known = spec.macs !== undefined && Number.isInteger(spec.macs) && spec.macs >= 0 ? spec.macs : null;
  const lines = explain
    ? [line('params', '', params, 'as stated by the caller'), ...(known !== null ? [line('MACs', spec.macsFormula ?? '', known, '')] : []), activationsLine(out)]
    : [];
  return { description: `${spec.name} (custom)`, outputShape: out, params, trainable, buffers: 0, macs: known, macsNote: known !== null ? spec.reason ?? '' : reason, otherOps: [], activationElements: product(out), explain: lines };
}

export function analyzeLayer(spec: LayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
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
    case 'sigmoid':
    case 'tanh':
    case 'gelu':
    case 'softmax':
      return activationRow(spec, input, explain);
    case 'batchNorm1d':
    case 'batchNorm2d':
    case 'batchNorm3d':
      return batchNormRow(spec, input, explain);
    case 'dropout':
      return dropoutRow(spec, input, explain);
    case 'custom':
      return customRow(spec, explain);
    default: {
      const bad: unknown = (spec as { type?: unknown }).type;
      throw new ValueError({ op: 'summarize', arg: 'layers', expected: 'a known layer type', got: fmtValue(bad) });
    }
  }
}
