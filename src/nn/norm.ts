/**
 * Normalisation layers (torch.nn.BatchNorm1d/2d/3d, LayerNorm). BatchNorm keeps its running
 * statistics as buffers with torch's names (running_mean, running_var, num_batches_tracked; the
 * counter is int32 here, int64 in torch) and calls the functional batchNorm with
 * training = this.training (or batch statistics whenever trackRunningStats is false).
 * Weights start at 1 and biases at 0, as in torch.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { DType } from '../dtype.js';
import { ones, zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { batchNorm, layerNorm } from '../ops/norm.js';
import { add_, fill_ } from '../ops/inplace.js';
import { noGrad } from '../autograd/tape.js';
import { Module, pyBool, pyFloat, pyTuple, readDType } from './module.js';
import { bool, posInt, readOptions } from './util_args.js';

export interface BatchNormLayerOptions {
  eps?: number;
  /** Default 0.1; null: cumulative moving average (momentum 1/numBatchesTracked). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

function readEps(op: string, v: unknown): number {
  if (v === undefined) return 1e-5;
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new ValueError({ op, arg: 'options.eps', expected: 'a finite non-negative number', got: fmtValue(v) });
  return v;
}

export abstract class BatchNormNd extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(private readonly _ranks: readonly number[], numFeatures: number, options: BatchNormLayerOptions = {}) {
    super();
    const op = this.typeName;
    const o = readOptions<BatchNormLayerOptions>(op, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    this.numFeatures = posInt(op, 'numFeatures', numFeatures);
    this.eps = readEps(op, o.eps);
    const m = o.momentum === undefined ? 0.1 : o.momentum;
    if (m !== null && (typeof m !== 'number' || !(m >= 0 && m <= 1))) throw new ValueError({ op, arg: 'options.momentum', expected: 'a number in [0, 1] or null', got: fmtValue(m) });
    this.momentum = m;
    this.affine = bool(op, 'options.affine', o.affine, true);
    this.trackRunningStats = bool(op, 'options.trackRunningStats', o.trackRunningStats, true);
    const dtype = readDType(op, o.dtype);
    this.weight = this.affine ? ones([numFeatures], { dtype, requiresGrad: true }) : null;
    this.bias = this.affine ? zeros([numFeatures], { dtype, requiresGrad: true }) : null;
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
  }

  private buf(name: string): Tensor | null {
    for (const [k, t] of this.namedBuffers(false)) if (k === name) return t;
    return null;
  }
  get runningMean(): Tensor | null {
    return this.buf('running_mean');
  }
  get runningVar(): Tensor | null {
    return this.buf('running_var');
  }
  get numBatchesTracked(): Tensor | null {
    return this.buf('num_batches_tracked');
  }

  /** Running statistics back to mean 0, variance 1, counter 0. */
  resetRunningStats(): void {
    noGrad(() => {
      if (this.runningMean) fill_(this.runningMean, 0);
      if (this.runningVar) fill_(this.runningVar, 1);
      if (this.numBatchesTracked) fill_(this.numBatchesTracked, 0);
    });
  }

  forward(input: Tensor): Tensor {
    const op = this.typeName;
    if (!this._ranks.includes(input.ndim)) {
      throw new ShapeError({ op, arg: 'input', expected: `a ${this._ranks.map((r) => `${r}-d`).join(' or ')} input`, got: `shape ${fmtShape(input.shape)}` });
    }
    let momentum = this.momentum ?? 0;
    const nbt = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && nbt !== null) {
      noGrad(() => add_(nbt, 1));
      if (this.momentum === null) momentum = 1 / nbt.item();
    }
    const useBatch = this.training || !this.trackRunningStats;
    const track = this.trackRunningStats && (this.training || !useBatch);
    return batchNorm(input, track ? this.runningMean : null, track ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      eps: this.eps,
      training: useBatch,
      momentum,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** BatchNorm over (N, C) or (N, C, L). */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options?: BatchNormLayerOptions) {
    super([2, 3], numFeatures, options);
  }
}

/** BatchNorm over (N, C, H, W). */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options?: BatchNormLayerOptions) {
    super([4], numFeatures, options);
  }
}

/** BatchNorm over (N, C, D, H, W). */
export class BatchNorm3d extends BatchNormNd {
  constructor(numFeatures: number, options?: BatchNormLayerOptions) {
    super([5], numFeatures, options);
  }
}

export interface LayerNormLayerOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/** LayerNorm over the trailing `normalizedShape` dimensions; weight 1, bias 0 of that shape. */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    const op = 'LayerNorm';
    const o = readOptions<LayerNormLayerOptions>(op, options, ['eps', 'elementwiseAffine', 'dtype']);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
      throw new ValueError({ op, arg: 'normalizedShape', expected: 'a positive integer or an array of them', got: fmtValue(normalizedShape) });
    }
    this.normalizedShape = [...shape];
    this.eps = readEps(op, o.eps);
    this.elementwiseAffine = bool(op, 'options.elementwiseAffine', o.elementwiseAffine, true);
    const dtype = readDType(op, o.dtype);
    this.weight = this.elementwiseAffine ? ones([...shape], { dtype, requiresGrad: true }) : null;
    this.bias = this.elementwiseAffine ? zeros([...shape], { dtype, requiresGrad: true }) : null;
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
  }

  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
