/**
 * Convolution layers (torch.nn.Conv1d/2d/3d, ConvTranspose1d/2d/3d): a weight and an optional bias
 * initialised as torch does (kaiming_uniform_(a=√5) → U(-1/√fan_in, 1/√fan_in) for the weight and
 * the bias, fan_in from the weight: in/groups·∏kernel, or for transposed convolutions
 * out/groups·∏kernel as torch computes it from the weight's dim 1), calling the functional ops.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { DType } from '../dtype.js';
import { zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from '../ops/conv.js';
import type { ConvPadding, PaddingMode } from '../ops/conv.js';
import { fanIn, kaimingUniform_, uniform_ } from './init.js';
import { Module, pyBool, pyTuple, readDType } from './module.js';
import { bool, posInt, readOptions, tuple } from './util_args.js';

export interface ConvLayerOptions {
  stride?: number | readonly number[];
  padding?: ConvPadding;
  dilation?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  dtype?: DType;
}

export interface ConvTransposeLayerOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  outputPadding?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  dilation?: number | readonly number[];
  dtype?: DType;
}

function initWeightBias(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, Math.sqrt(5));
  if (bias !== null) {
    const f = fanIn(weight);
    const b = f > 0 ? 1 / Math.sqrt(f) : 0;
    uniform_(bias, -b, b);
  }
}

function checkGroups(op: string, inC: number, outC: number, groups: number): void {
  if (inC % groups !== 0) throw new ValueError({ op, arg: 'inChannels', expected: `a multiple of groups (${groups})`, got: String(inC) });
  if (outC % groups !== 0) throw new ValueError({ op, arg: 'outChannels', expected: `a multiple of groups (${groups})`, got: String(outC) });
}

/** Shared by Conv1d/2d/3d. */
export abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[] | 'valid' | 'same' | 'full';
  readonly dilation: readonly number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  readonly transposed = false;
  weight: Tensor;
  bias: Tensor | null;

  constructor(rank: number, inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvLayerOptions = {}) {
    super();
    const op = `Conv${rank}d`;
    const o = readOptions<ConvLayerOptions>(op, options, ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'dtype']);
    this.inChannels = posInt(op, 'inChannels', inChannels);
    this.outChannels = posInt(op, 'outChannels', outChannels);
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, rank, 1);
    this.stride = tuple(op, 'options.stride', o.stride ?? 1, rank, 1);
    this.padding = typeof o.padding === 'string' ? o.padding : tuple(op, 'options.padding', o.padding ?? 0, rank, 0);
    if (typeof this.padding === 'string' && !['valid', 'same', 'full'].includes(this.padding)) {
      throw new ValueError({ op, arg: 'options.padding', expected: "an integer, an array, 'valid', 'same' or 'full'", got: fmtValue(o.padding) });
    }
    this.dilation = tuple(op, 'options.dilation', o.dilation ?? 1, rank, 1);
    this.groups = posInt(op, 'options.groups', o.groups ?? 1);
    checkGroups(op, this.inChannels, this.outChannels, this.groups);
    const pm = o.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(pm)) {
      throw new ValueError({ op, arg: 'options.paddingMode', expected: "'zeros', 'reflect', 'replicate' or 'circular'", got: fmtValue(pm) });
    }
    this.paddingMode = pm;
    const dtype = readDType(op, o.dtype);
    this.weight = zeros([this.outChannels, this.inChannels / this.groups, ...this.kernelSize], { dtype, requiresGrad: true });
    this.bias = bool(op, 'options.bias', o.bias, true) ? zeros([this.outChannels], { dtype, requiresGrad: true }) : null;
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
    initWeightBias(this.weight, this.bias);
  }

  protected convOptions(): { stride: readonly number[]; padding: ConvPadding; dilation: readonly number[]; groups: number; paddingMode: PaddingMode } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, paddingMode: this.paddingMode };
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += `, bias=${pyBool(false)}`;
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: ConvLayerOptions) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, this.convOptions());
  }
}

export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: ConvLayerOptions) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, this.convOptions());
  }
}

export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: ConvLayerOptions) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return conv3d(input, this.weight, this.bias, this.convOptions());
  }
}

/** Shared by ConvTranspose1d/2d/3d; weight (inChannels, outChannels/groups, ...kernel). */
export abstract class ConvTransposeNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly outputPadding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode = 'zeros';
  readonly transposed = true;
  weight: Tensor;
  bias: Tensor | null;

  constructor(rank: number, inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeLayerOptions = {}) {
    super();
    const op = `ConvTranspose${rank}d`;
    const o = readOptions<ConvTransposeLayerOptions>(op, options, ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'dtype']);
    this.inChannels = posInt(op, 'inChannels', inChannels);
    this.outChannels = posInt(op, 'outChannels', outChannels);
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, rank, 1);
    this.stride = tuple(op, 'options.stride', o.stride ?? 1, rank, 1);
    this.padding = tuple(op, 'options.padding', o.padding ?? 0, rank, 0);
    this.outputPadding = tuple(op, 'options.outputPadding', o.outputPadding ?? 0, rank, 0);
    this.dilation = tuple(op, 'options.dilation', o.dilation ?? 1, rank, 1);
    this.groups = posInt(op, 'options.groups', o.groups ?? 1);
    checkGroups(op, this.inChannels, this.outChannels, this.groups);
    const dtype = readDType(op, o.dtype);
    this.weight = zeros([this.inChannels, this.outChannels / this.groups, ...this.kernelSize], { dtype, requiresGrad: true });
    this.bias = bool(op, 'options.bias', o.bias, true) ? zeros([this.outChannels], { dtype, requiresGrad: true }) : null;
    this.registerParameter('weight', this.weight);
    this.registerParameter('bias', this.bias);
    initWeightBias(this.weight, this.bias);
  }

  protected convOptions(): { stride: readonly number[]; padding: readonly number[]; outputPadding: readonly number[]; dilation: readonly number[]; groups: number } {
    return { stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups };
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += `, bias=${pyBool(false)}`;
    return s;
  }
}

export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: ConvTransposeLayerOptions) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return convTranspose1d(input, this.weight, this.bias, this.convOptions());
  }
}

export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: ConvTransposeLayerOptions) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return convTranspose2d(input, this.weight, this.bias, this.convOptions());
  }
}

export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options?: ConvTransposeLayerOptions) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
  forward(input: Tensor): Tensor {
    return convTranspose3d(input, this.weight, this.bias, this.convOptions());
  }
}
