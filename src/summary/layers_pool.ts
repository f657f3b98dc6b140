/**
 * Summary rows of pools. Shapes and work come from the pooling plans the kernels run on
 * (ops/pool_plan.ts): the plan is built for an empty batch (a zero-element tensor, so nothing is
 * allocated) and `poolOps` is read with the real number of (n, c) planes.
 *
 * The working shows their work, which is not multiply-accumulates (the row's counts come from the
 * ops, op_counts.ts, by the same `poolOps`):
 * - max pools: one comparison per window tap inside the input (padding taps are not counted);
 * - average pools: one addition per window tap inside the input, plus one division per output.
 */
import type { PoolPlan } from '../plans.js';
import { Tensor } from '../tensor.js';
import { ShapeError, ValueError, fmtValue } from '../errors.js';
import { adaptiveAvgPoolPlan, avgPoolPlan, maxPoolPlan, poolOps } from '../ops/pool_plan.js';
import type { AdaptiveAttrs, AvgAttrs, WindowAttrs } from '../ops/pool_plan.js';
import { convOutFormula, ntuple } from '../shape.js';
import { axisNames, boolOf, line, lineFromFormula, macsSlot, prodText, product } from './explain.js';
import type { AdaptiveAvgPoolLayerSpec, AvgPoolLayerSpec, Explanation, MaxPoolLayerSpec } from './spec.js';
import type { LayerAnalysis } from './layers.js';

function rankOf(type: string): number {
  return Number(type.charAt(type.length - 2));
}

/** A zero-element stand-in with the input's channel and spatial sizes (batch 0). */
function emptyLike(input: readonly number[]): Tensor {
  return new Tensor(new Float32Array(0), [0, ...input.slice(1)]);
}

/** The plan's output shape with the real batch size, and its window taps over all N·C planes. */
function fromPlan(plan: PoolPlan, input: readonly number[]): { out: number[]; taps: number } {
  const planes = (input[0] ?? 1) * (input[1] ?? 1);
  return { out: [input[0]!, ...plan.outShape.slice(1)], taps: poolOps({ ...plan, planes }) };
}

/** Summary inputs are batched: (N, C, ...spatial) with `r` spatial dimensions. */
export function checkRank(op: string, input: readonly number[], r: number): void {
  if (input.length !== r + 2) {
    throw new ShapeError({
      op,
      arg: 'input',
      expected: `a batched input (N, C, ${axisNames(r).join(', ')}) of rank ${r + 2}`,
      got: `shape [${input.join(', ')}]`,
      message: `${op}: expected a batched input (N, C, ${axisNames(r).join(', ')}) of rank ${r + 2}, got shape [${input.join(', ')}]`,
    });
  }
}

function stride(op: string, v: unknown, r: number, kernel: number[]): number[] {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return kernel;
  return ntuple(op, 'stride', v, r, 'positive');
}

function windowAttrs(spec: MaxPoolLayerSpec | AvgPoolLayerSpec, r: number, dilation: unknown): WindowAttrs {
  const op = spec.type;
  const kernel = ntuple(op, 'kernelSize', spec.kernelSize, r, 'positive');
  return {
    op,
    nd: r,
    kernel,
    stride: stride(op, spec.stride, r, kernel),
    padding: ntuple(op, 'padding', spec.padding ?? 0, r, 'nonnegative'),
    dilation: ntuple(op, 'dilation', dilation ?? 1, r, 'positive'),
    ceilMode: boolOf(op, 'ceilMode', spec.ceilMode, false),
  };
}

function describeWindow(a: WindowAttrs): string {
  const parts = [`${a.op} k${a.kernel.join('x')}`];
  if (a.stride.some((s, i) => s !== a.kernel[i])) parts.push(`s${a.stride.join('x')}`);
  if (a.padding.some((p) => p !== 0)) parts.push(`p${a.padding.join('x')}`);
  if (a.dilation.some((d) => d !== 1)) parts.push(`d${a.dilation.join('x')}`);
  if (a.ceilMode) parts.push('ceil');
  return parts.join(' ');
}

function sizeLines(a: WindowAttrs, input: readonly number[], out: readonly number[]): Explanation[] {
  const axes = axisNames(a.nd);
  return out.slice(2).map((o, i) =>
    lineFromFormula(`${axes[i]}_out`, convOutFormula(input[i + 2]!, a.kernel[i]!, a.stride[i]!, a.padding[i]!, a.padding[i]!, a.dilation[i]!, a.ceilMode), o),
  );
}

/**
 * The taps line: when no window is clipped the count is N·C·∏out·∏k, shown as that product;
 * otherwise it is the plan's exact sum of clipped window sizes, shown without a formula.
 */
function tapsLine(kind: string, out: readonly number[], k: readonly number[], taps: number): Explanation {
  const full = [...out, `(${k.join('*')})`];
  if (product(out) * product(k) === taps) return line(kind, prodText(full), taps, 'N * C * out * window size');
  return line(kind, '', taps, 'window taps inside the input, padding and clipped taps excluded (pool plan)');
}

function poolRow(description: string, out: number[], lines: Explanation[], explain: boolean): LayerAnalysis {
  const act = product(out);
  return {
    description,
    outputShape: out,
    params: 0,
    trainable: 0,
    buffers: 0,
    macsNote: '',
    activationElements: act,
    explain: explain ? [...lines, macsSlot('pools multiply nothing; see other ops'), line('activations', prodText(out), act, 'output elements kept for backward')] : [],
  };
}

export function analyzeMaxPool(spec: MaxPoolLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const r = rankOf(spec.type);
  checkRank(spec.type, input, r);
  const a = windowAttrs(spec, r, spec.dilation);
  const { out, taps } = fromPlan(maxPoolPlan(emptyLike(input), a), input);
  const lines = [...sizeLines(a, input, out), tapsLine('comparisons', out, a.kernel, taps)];
  return poolRow(describeWindow(a), out, lines, explain);
}

export function analyzeAvgPool(spec: AvgPoolLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const r = rankOf(spec.type);
  checkRank(spec.type, input, r);
  const d = spec.divisorOverride;
  if (d !== undefined && d !== null && !(typeof d === 'number' && Number.isInteger(d) && d !== 0)) {
    throw new ValueError({ op: spec.type, arg: 'divisorOverride', expected: 'a non-zero integer or null', got: fmtValue(d) });
  }
  const a: AvgAttrs = {
    ...windowAttrs(spec, r, 1),
    countIncludePad: boolOf(spec.type, 'countIncludePad', spec.countIncludePad, true),
    divisorOverride: d ?? null,
  };
  const { out, taps } = fromPlan(avgPoolPlan(emptyLike(input), a), input);
  const outs = product(out);
  const lines = [...sizeLines(a, input, out), tapsLine('additions', out, a.kernel, taps), line('divisions', prodText(out), outs, 'one per output')];
  return poolRow(describeWindow(a), out, lines, explain);
}

export function analyzeAdaptiveAvgPool(spec: AdaptiveAvgPoolLayerSpec, input: readonly number[], explain: boolean): LayerAnalysis {
  const op = spec.type;
  const r = rankOf(op);
  checkRank(op, input, r);
  const expected = `a positive integer or an array of ${r} positive integers or nulls`;
  const sizes = typeof spec.outputSize === 'number' ? new Array<number>(r).fill(spec.outputSize) : spec.outputSize;
  if (!Array.isArray(sizes) || sizes.length !== r || !sizes.every((s) => s === null || (typeof s === 'number' && Number.isInteger(s) && s > 0))) {
    throw new ValueError({ op, arg: 'outputSize', expected, got: fmtValue(spec.outputSize) });
  }
  const a: AdaptiveAttrs = { op, nd: r, outputSize: sizes as readonly (number | null)[] };
  const { out, taps } = fromPlan(adaptiveAvgPoolPlan(emptyLike(input), a), input);
  const outs = product(out);
  const axes = axisNames(r);
  const lines = [
    ...out.slice(2).map((o, i) => line(`${axes[i]}_out`, '', o, sizes[i] === null ? 'kept from the input' : 'the requested output size')),
    line('additions', '', taps, 'adaptive window taps: windows [floor(i*in/out), ceil((i+1)*in/out)) (pool plan)'),
    line('divisions', prodText(out), outs, 'one per output'),
  ];
  return poolRow(`${op} ${out.slice(2).join('x')}`, out, lines, explain);
}
