/**
 * Linear, reshaping, activation, dropout and pooling layers (torch.nn.Linear, Flatten, Identity,
 * ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, Dropout, MaxPool1d/2d, AvgPool1d/2d,
 * AdaptiveAvgPool1d/2d): thin modules over the functional ops, keeping their settings as readonly
 * fields (the model summary reads them).
 */
import { ValueError, fmtValue } from '../errors.js';
import type { DType } from '../dtype.js';
import { zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { linear } from '../ops/matmul.js';
import { flatten } from '../ops/movement.js';
import { dropout, gelu, leakyRelu, logSoftmax, relu, sigmoid, softmax, tanh } from '../ops/activation.js';
import type { GeluApproximate } from '../ops/activation.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../ops/pool.js';
import type { AdaptiveOutputSize } from '../ops/pool.js';
import { fanIn, kaimingUniform_, uniform_ } from './init.js';
import { Module, pyBool, pyFloat, pyTuple, readDType } from './module.js';
import { bool, nonNegInt, num, posInt, readOptions, tuple } from './util_args.js';

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
}

/** y = x·Wᵀ + b, W (outFeatures, inFeatures) and b drawn from U(-1/√inFeatures, 1/√inFeatures). */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const op = 'Linear';
    const o = readOptions<LinearOptions>(op, options, ['bias', 'dtype']);
    this.inFeatures = nonNegInt(op, 'inFeatures', inFeatures);
    this.outFeatures = nonNegInt(op, 'outFeatures', outFeatures);
    const dtype = readDType(op, o.dtype);
    this.weight = zeros([this.outFeatures, this.inFeatures], { dtype, requiresGrad: true });
    this.bias = bool(op, 'options.bias', o.bias, true) ? zeros([this.outFeatures], { dtype, requiresGrad: true }) : null;
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias !== null) {
      const f = fanIn(this.weight);
      const b = f > 0 ? 1 / Math.sqrt(f) : 0;
      uniform_(this.bias, -b, b);
    }
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}

/** Flattens dimensions startDim..endDim (default 1..-1: keeps the batch dimension). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [k, v] of [['startDim', startDim], ['endDim', endDim]] as const) {
      if (!Number.isInteger(v)) throw new ValueError({ op: 'Flatten', arg: k, expected: 'an integer', got: fmtValue(v) });
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }
  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return relu(input);
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = num('LeakyReLU', 'negativeSlope', negativeSlope, 0.01);
  }
  forward(input: Tensor): Tensor {
    return leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

export class GELU extends Module {
  readonly approximate: GeluApproximate;
  constructor(options: { approximate?: GeluApproximate } = {}) {
    super();
    const o = readOptions<{ approximate: GeluApproximate }>('GELU', options, ['approximate']);
    const a = o.approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') throw new ValueError({ op: 'GELU', arg: 'options.approximate', expected: "'none' or 'tanh'", got: fmtValue(a) });
    this.approximate = a;
  }
  forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

function checkDim(op: string, dim: unknown): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new ValueError({ op, arg: 'dim', expected: 'an integer', got: fmtValue(dim) });
  return dim;
}

/** softmax over `dim` (required: torch's implicit-dim guess is deprecated). */
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = checkDim('Softmax', dim);
  }
  forward(input: Tensor): Tensor {
    return softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = checkDim('LogSoftmax', dim);
  }
  forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Zeroes elements with probability p (scaling the rest by 1/(1-p)) in training mode only. */
export class Dropout extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError({ op: 'Dropout', arg: 'p', expected: 'a probability in [0, 1]', got: fmtValue(p) });
    this.p = p;
  }
  forward(input: Tensor): Tensor {
    return dropout(input, { p: this.p, training: this.training });
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

export interface MaxPoolLayerOptions {
  stride?: number | readonly number[] | null;
  padding?: number | readonly number[];
  dilation?: number | readonly number[];
  ceilMode?: boolean;
}

function pyIntOrTuple(v: readonly number[], given: unknown): string {
  return typeof given === 'number' ? String(v[0]) : pyTuple(v);
}

export abstract class MaxPoolNd extends Module {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly ceilMode: boolean;
  private readonly _given: Record<string, unknown>;
  constructor(rank: number, kernelSize: number | readonly number[], options: MaxPoolLayerOptions = {}) {
    super();
    const op = `MaxPool${rank}d`;
    const o = readOptions<MaxPoolLayerOptions>(op, options, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, rank, 1);
    this.stride = o.stride === undefined || o.stride === null ? this.kernelSize : tuple(op, 'options.stride', o.stride, rank, 1);
    this.padding = tuple(op, 'options.padding', o.padding ?? 0, rank, 0);
    this.dilation = tuple(op, 'options.dilation', o.dilation ?? 1, rank, 1);
    this.ceilMode = bool(op, 'options.ceilMode', o.ceilMode, false);
    this._given = { k: kernelSize, s: o.stride ?? kernelSize, p: o.padding ?? 0, d: o.dilation ?? 1 };
  }
  protected opts(): { stride: readonly number[]; padding: readonly number[]; dilation: readonly number[]; ceilMode: boolean } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }
  override extraRepr(): string {
    const g = this._given;
    return `kernel_size=${pyIntOrTuple(this.kernelSize, g.k)}, stride=${pyIntOrTuple(this.stride, g.s)}, padding=${pyIntOrTuple(this.padding, g.p)}, dilation=${pyIntOrTuple(this.dilation, g.d)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: number | readonly number[], options?: MaxPoolLayerOptions) {
    super(1, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return maxPool1d(input, this.kernelSize, this.opts());
  }
}

export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: number | readonly number[], options?: MaxPoolLayerOptions) {
    super(2, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, this.opts());
  }
}

export interface AvgPoolLayerOptions {
  stride?: number | readonly number[] | null;
  padding?: number | readonly number[];
  ceilMode?: boolean;
  countIncludePad?: boolean;
  /** AvgPool2d only. */
  divisorOverride?: number | null;
}

export abstract class AvgPoolNd extends Module {
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  private readonly _given: Record<string, unknown>;
  constructor(rank: number, kernelSize: number | readonly number[], options: AvgPoolLayerOptions = {}) {
    super();
    const op = `AvgPool${rank}d`;
    const keys: (keyof AvgPoolLayerOptions)[] = ['stride', 'padding', 'ceilMode', 'countIncludePad'];
    if (rank > 1) keys.push('divisorOverride');
    const o = readOptions<AvgPoolLayerOptions>(op, options, keys);
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, rank, 1);
    this.stride = o.stride === undefined || o.stride === null ? this.kernelSize : tuple(op, 'options.stride', o.stride, rank, 1);
    this.padding = tuple(op, 'options.padding', o.padding ?? 0, rank, 0);
    this.ceilMode = bool(op, 'options.ceilMode', o.ceilMode, false);
    this.countIncludePad = bool(op, 'options.countIncludePad', o.countIncludePad, true);
    this.divisorOverride = o.divisorOverride ?? null;
    this._given = { k: kernelSize, s: o.stride ?? kernelSize, p: o.padding ?? 0 };
  }
  override extraRepr(): string {
    const g = this._given;
    return `kernel_size=${pyIntOrTuple(this.kernelSize, g.k)}, stride=${pyIntOrTuple(this.stride, g.s)}, padding=${pyIntOrTuple(this.padding, g.p)}`;
  }
}

export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: number | readonly number[], options?: Omit<AvgPoolLayerOptions, 'divisorOverride'>) {
    super(1, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }
}

export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: number | readonly number[], options?: AvgPoolLayerOptions) {
    super(2, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }
}

export function readAdaptive(op: string, v: unknown, rank: number): AdaptiveOutputSize {
  if (typeof v === 'number') return posInt(op, 'outputSize', v);
  if (Array.isArray(v) && v.length === rank && v.every((x) => x === null || (typeof x === 'number' && Number.isInteger(x) && x > 0))) return v as (number | null)[];
  throw new ValueError({ op, arg: 'outputSize', expected: `a positive integer or an array of ${rank} positive integers or nulls`, got: fmtValue(v) });
}

export function pyAdaptive(v: AdaptiveOutputSize): string {
  return typeof v === 'number' ? String(v) : `(${v.map((x) => (x === null ? 'None' : String(x))).join(', ')}${v.length === 1 ? ',' : ''})`;
}

export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: AdaptiveOutputSize;
  constructor(outputSize: AdaptiveOutputSize) {
    super();
    this.outputSize = readAdaptive('AdaptiveAvgPool1d', outputSize, 1);
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyAdaptive(this.outputSize)}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveOutputSize;
  constructor(outputSize: AdaptiveOutputSize) {
    super();
    this.outputSize = readAdaptive('AdaptiveAvgPool2d', outputSize, 2);
  }
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyAdaptive(this.outputSize)}`;
  }
}
