/**
 * Summary rows of convolutions. Every shape is read from `convInfo` (the same geometry the kernels
 * run on); output sizes are explained with `convOutFormula`.
 *
 * params = Cout·(Cin/groups)·∏k (+ Cout bias); for a transposed conv the weight is
 * [Cin, Cout/groups, ...k], so params = Cin·(Cout/groups)·∏k (+ Cout). MACs are the conv op's own
 * count (op_counts.ts writes its terms).
 */
import { ValueError, fmtValue } from '../errors.js';
import { convInfo } from '../ops/conv_geometry.js';
import type { ConvGeometry, ConvOptions, ConvTransposeOptions } from '../ops/conv_geometry.js';
import { convOutFormula, convTransposeOutFormula, ntuple } from '../shape.js';
import { axisNames, boolOf, line, lineFromFormula, macsSlot, posInt, prodText, product } from './explain.js';
import type { ConvLayerSpec, ConvTransposeLayerSpec, Explanation } from './spec.js';
import type { LayerAnalysis } from './layers.js';
import { checkRank } from './layers_pool.js';

function rankOf(type: string): number {
  return Number(type.charAt(type.length - 2));
}

function describe(g: ConvGeometry, mode: string): string {
  const k = g.kernel.join('x');
  const parts = [`${g.op} ${g.inChannels}→${g.outChannels}`, `k${k}`];
  if (g.stride.some((s) => s !== 1)) parts.push(`s${g.stride.join('x')}`);
  const pads = g.padBefore.map((p, i) => (p === g.padAfter[i] ? String(p) : `${p}+${g.padAfter[i]}`));
  if (pads.some((p) => p !== '0')) parts.push(`p${pads.join('x')}`);
  if (g.outputPadding.some((p) => p !== 0)) parts.push(`op${g.outputPadding.join('x')}`);
  if (g.dilation.some((d) => d !== 1)) parts.push(`d${g.dilation.join('x')}`);
  if (g.groups !== 1) parts.push(`g${g.groups}`);
  if (!g.hasBias) parts.push('nobias');
  if (mode !== 'zeros') parts.push(`mode=${mode}`);
  return parts.join(' ');
}

function paramsLine(g: ConvGeometry, params: number): Explanation {
  const w = g.transposed
    ? prodText([g.inChannels, `(${g.outChannels}/${g.groups})`, ...g.kernel])
    : prodText([g.outChannels, `(${g.inChannels}/${g.groups})`, ...g.kernel]);
  return line('params', g.hasBias ? `${w} + ${g.outChannels}` : w, params, g.hasBias ? 'weight + bias' : 'weight, no bias');
}

function finish(g: ConvGeometry, params: number, sizeLines: Explanation[], explain: boolean): LayerAnalysis {
  const act = product(g.outShape);
  return {
    description: describe(g, g.paddingMode),
    outputShape: g.outShape,
    params,
    trainable: params,
    buffers: 0,
    macsNote: '',
    activationElements: act,
    explain: explain ? [...sizeLines, paramsLine(g, params), macsSlot(''), line('activations', prodText(g.outShape), act, 'output elements kept for backward')] : [],
  };
}

/** Input channels the weight is built for: the spec's, or else the input's. */
function inChannelsOf(op: string, specIn: number | undefined, input: readonly number[]): number {
  if (specIn === undefined) return input[1] ?? 0;
  return posInt(op, 'inChannels', specIn);
}

/** weight.shape[1] of a plain conv; a remainder is left for convInfo's groups message. */
function perGroup(cin: number, groups: number): number {
  return Math.max(1, Math.floor(cin / groups));
}

function groupsOf(op: string, v: unknown): number {
  return posInt(op, 'groups', v ?? 1);
}

export function analyzeConv(spec: ConvLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const op = spec.type;
  const r = rankOf(op);
  checkRank(op, input, r);
  const cout = posInt(op, 'outChannels', spec.outChannels);
  const kernel = ntuple(op, 'kernelSize', spec.kernelSize, r, 'positive');
  const groups = groupsOf(op, spec.groups);
  const cin = inChannelsOf(op, spec.inChannels, input);
  const bias = boolOf(op, 'bias', spec.bias, true);
  const o: ConvOptions = { groups };
  if (spec.stride !== undefined) o.stride = spec.stride;
  if (spec.padding !== undefined) o.padding = spec.padding;
  if (spec.dilation !== undefined) o.dilation = spec.dilation;
  if (spec.paddingMode !== undefined) o.paddingMode = spec.paddingMode;
  const g = convInfo(op, { shape: input, dtype: 'float32' }, { shape: [cout, perGroup(cin, groups), ...kernel], dtype: 'float32' }, bias ? { shape: [cout], dtype: 'float32' } : null, o);
  const params = cout * (g.inChannels / groups) * product(kernel) + (bias ? cout : 0);
  const axes = axisNames(r);
  const sizeLines = g.outSize.map((out, i) =>
    lineFromFormula(`${axes[i]}_out`, convOutFormula(g.inSize[i]!, g.kernel[i]!, g.stride[i]!, g.padBefore[i]!, g.padAfter[i]!, g.dilation[i]!), out),
  );
  return finish(g, params, sizeLines, explain);
}

export function analyzeConvTranspose(spec: ConvTransposeLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const op = spec.type;
  const r = rankOf(op);
  checkRank(op, input, r);
  const cout = posInt(op, 'outChannels', spec.outChannels);
  const kernel = ntuple(op, 'kernelSize', spec.kernelSize, r, 'positive');
  const groups = groupsOf(op, spec.groups);
  const cin = inChannelsOf(op, spec.inChannels, input);
  const bias = boolOf(op, 'bias', spec.bias, true);
  if (cout % groups !== 0) {
    throw new ValueError({ op, arg: 'outChannels', expected: `a multiple of groups (${groups})`, got: fmtValue(cout) });
  }
  const o: ConvTransposeOptions = { groups };
  if (spec.stride !== undefined) o.stride = spec.stride;
  if (spec.padding !== undefined) o.padding = spec.padding;
  if (spec.outputPadding !== undefined) o.outputPadding = spec.outputPadding;
  if (spec.dilation !== undefined) o.dilation = spec.dilation;
  const g = convInfo(op, { shape: input, dtype: 'float32' }, { shape: [cin, cout / groups, ...kernel], dtype: 'float32' }, bias ? { shape: [cout], dtype: 'float32' } : null, o);
  const params = g.inChannels * (cout / groups) * product(kernel) + (bias ? cout : 0);
  const axes = axisNames(r);
  const sizeLines = g.outSize.map((out, i) =>
    lineFromFormula(`${axes[i]}_out`, convTransposeOutFormula(g.inSize[i]!, g.kernel[i]!, g.stride[i]!, g.padBefore[i]!, g.dilation[i]!, g.outputPadding[i]!), out),
  );
  return finish(g, params, sizeLines, explain);
}
