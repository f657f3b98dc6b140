/**
 * The layer-spec language of the model summary: a plain-data description of one layer, named and
 * shaped like the functional op / nn module it stands for (camelCase torch keyword arguments,
 * torch defaults). `summarize` walks a list of these; `parseArchitecture` produces them from the
 * compact architecture string; a later `summary(model)` maps each nn module onto one of them
 * (Conv2d → {type: 'conv2d', inChannels, outChannels, kernelSize, stride, ...}, etc.).
 *
 * Input shapes are always batched: (N, C, ...spatial) for conv/pool/batch-norm layers and
 * (..., features) for linear layers.
 */
import type { ConvPadding, PaddingMode } from '../ops/conv_geometry.js';

/** An integer, or one integer per spatial dimension. */
export type IntOrTuple = number | readonly number[];

/** A layer's place in an architecture string. */
export interface LayerOrigin {
  /** The layer's text, trimmed, e.g. `conv 64 k3 p1`. */
  readonly text: string;
  /** 1-based layer number in the string (the input shape is layer 0). */
  readonly layer: number;
  /** 0-based character offset of the layer's text in the string. */
  readonly offset: number;
}

interface Named {
  /** A display name (default: the layer class name and its index, e.g. `Conv2d-1`). */
  readonly name?: string;
  /** Where this layer was parsed from (set by `parseArchitecture`, used in error messages). */
  readonly origin?: LayerOrigin;
}

/** torch.nn.Conv1d/2d/3d. `inChannels`, when given, is checked against the input. */
export interface ConvLayerSpec extends Named {
  readonly type: 'conv1d' | 'conv2d' | 'conv3d';
  readonly outChannels: number;
  readonly kernelSize: IntOrTuple;
  readonly inChannels?: number;
  readonly stride?: IntOrTuple;
  readonly padding?: ConvPadding;
  readonly dilation?: IntOrTuple;
  readonly groups?: number;
  /** Default true. */
  readonly bias?: boolean;
  readonly paddingMode?: PaddingMode;
}

/** torch.nn.ConvTranspose1d/2d/3d. */
export interface ConvTransposeLayerSpec extends Named {
  readonly type: 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d';
  readonly outChannels: number;
  readonly kernelSize: IntOrTuple;
  readonly inChannels?: number;
  readonly stride?: IntOrTuple;
  readonly padding?: IntOrTuple;
  readonly outputPadding?: IntOrTuple;
  readonly dilation?: IntOrTuple;
  readonly groups?: number;
  readonly bias?: boolean;
}

/** torch.nn.MaxPool1d/2d/3d (stride defaults to kernelSize). */
export interface MaxPoolLayerSpec extends Named {
  readonly type: 'maxPool1d' | 'maxPool2d' | 'maxPool3d';
  readonly kernelSize: IntOrTuple;
  readonly stride?: IntOrTuple | null;
  readonly padding?: IntOrTuple;
  readonly dilation?: IntOrTuple;
  readonly ceilMode?: boolean;
}

/** torch.nn.AvgPool1d/2d/3d (stride defaults to kernelSize). */
export interface AvgPoolLayerSpec extends Named {
  readonly type: 'avgPool1d' | 'avgPool2d' | 'avgPool3d';
  readonly kernelSize: IntOrTuple;
  readonly stride?: IntOrTuple | null;
  readonly padding?: IntOrTuple;
  readonly ceilMode?: boolean;
  /** Default true. */
  readonly countIncludePad?: boolean;
  readonly divisorOverride?: number | null;
}

/** torch.nn.AdaptiveAvgPool1d/2d/3d; a null entry keeps that input size. */
export interface AdaptiveAvgPoolLayerSpec extends Named {
  readonly type: 'adaptiveAvgPool1d' | 'adaptiveAvgPool2d' | 'adaptiveAvgPool3d';
  readonly outputSize: number | readonly (number | null)[];
}

/** torch.nn.Linear on the last dimension. `inFeatures`, when given, is checked against the input. */
export interface LinearLayerSpec extends Named {
  readonly type: 'linear';
  readonly outFeatures: number;
  readonly inFeatures?: number;
  readonly bias?: boolean;
}

/** torch.nn.Flatten (startDim 1, endDim -1 by default). A view: it keeps no new activation. */
export interface FlattenLayerSpec extends Named {
  readonly type: 'flatten';
  readonly startDim?: number;
  readonly endDim?: number;
}

export type ActivationType = 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'gelu' | 'softmax' | 'logSoftmax';

/** Elementwise activations, and (log-)softmax over `dim` (default 1, the channels or classes). */
export interface ActivationLayerSpec extends Named {
  readonly type: ActivationType;
  readonly dim?: number;
  /** leakyRelu only (default 0.01). */
  readonly negativeSlope?: number;
}

/** A residual block: `layers` run in order and their output is added to the block's input. */
export interface ResidualLayerSpec extends Named {
  readonly type: 'residual';
  readonly layers: readonly LayerSpec[];
}

/** torch.nn.BatchNorm1d/2d/3d. `numFeatures`, when given, is checked against the input's channels. */
export interface BatchNormLayerSpec extends Named {
  readonly type: 'batchNorm1d' | 'batchNorm2d' | 'batchNorm3d';
  readonly numFeatures?: number;
  /** Learnable gamma and beta. Default true. */
  readonly affine?: boolean;
  /** Running mean/var buffers (not parameters). Default true. */
  readonly trackRunningStats?: boolean;
}

/** torch.nn.Dropout (identity at inference). */
export interface DropoutLayerSpec extends Named {
  readonly type: 'dropout';
  /** Default 0.5. */
  readonly p?: number;
}

/**
 * A layer the summary cannot analyse (e.g. an unknown nn module): the caller states its output
 * shape and parameter counts; its MACs are reported as unknown (null) with `reason`.
 */
export interface CustomLayerSpec extends Named {
  readonly type: 'custom';
  readonly name: string;
  readonly outputShape: readonly number[];
  readonly params?: number;
  /** Default: all of `params`. */
  readonly trainable?: number;
  readonly reason?: string;
  /** Known multiply-accumulates (e.g. recurrent layers: per time step × steps), with the working. */
  readonly macs?: number;
  readonly macsFormula?: string;
}

export type LayerSpec =
  | ConvLayerSpec
  | ConvTransposeLayerSpec
  | MaxPoolLayerSpec
  | AvgPoolLayerSpec
  | AdaptiveAvgPoolLayerSpec
  | LinearLayerSpec
  | FlattenLayerSpec
  | ActivationLayerSpec
  | BatchNormLayerSpec
  | DropoutLayerSpec
  | ResidualLayerSpec
  | CustomLayerSpec;

export type LayerType = LayerSpec['type'];

/** One line of working: `${quantity} = ${formula} = ${value}`; evaluating `formula` gives `value`. */
export interface Explanation {
  readonly quantity: string;
  /** An arithmetic expression with the numbers substituted (may use floor/ceil), or '' when the value is read off directly. */
  readonly formula: string;
  readonly value: number;
  /** The full line `quantity = formula = value` (value with thousands separators), without the note. */
  readonly text: string;
  /** Extra words after the line (e.g. which terms are the bias), or ''. */
  readonly note: string;
}

/** Work that is not a multiply-accumulate, kept apart from MACs. */
export interface OtherOps {
  readonly kind: 'comparisons' | 'additions' | 'divisions' | 'elementwise';
  readonly count: number;
  /** What is being counted, e.g. 'window taps (max)' or 'bias additions'. */
  readonly what: string;
}

export interface SummaryRow {
  /** 1-based position in the table. */
  readonly index: number;
  /** Nesting below the model: 0 for its layers, 1 for the layers of a block inside it, ... */
  readonly depth: number;
  readonly name: string;
  readonly type: LayerType;
  /** A compact description of the layer's configuration, e.g. `conv2d 3→32 k8x8 s2 p3`. */
  readonly description: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** All parameters (trainable or not); buffers such as running statistics are not parameters. */
  readonly params: number;
  readonly trainable: number;
  /** Non-parameter state elements (batch norm running mean and variance). */
  readonly buffers: number;
  /** Multiply-accumulates of the forward pass, or null when the summary cannot count them. */
  readonly macs: number | null;
  /** Why `macs` is null (or a remark on how it was counted), else ''. */
  readonly macsNote: string;
  readonly otherOps: readonly OtherOps[];
  /** Elements of the output that the backward pass keeps (0 for views such as flatten). */
  readonly activationElements: number;
  /** activationElements × 4 bytes (float32). */
  readonly activationMemory: number;
  /** The working, when `explain` was requested (else empty). */
  readonly explain: readonly Explanation[];
}

export interface SummaryTotals {
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly buffers: number;
  /** Sum of the known MACs. */
  readonly macs: number;
  /** 2 × macs (one multiply and one add per MAC). */
  readonly flops: number;
  /** False when some row's MACs are unknown (then `macs` and `flops` are lower bounds). */
  readonly macsComplete: boolean;
  /** Sum over rows and kinds of otherOps (never included in macs or flops). */
  readonly otherOps: number;
  readonly activationMemory: number;
  readonly inputMemory: number;
  /** params × 4 bytes. */
  readonly paramMemory: number;
}

export interface SummaryResult {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly rows: readonly SummaryRow[];
  readonly totals: SummaryTotals;
  readonly explained: boolean;
}

export interface SummarizeOptions {
  /** Attach the working (formulas with numbers substituted) to every row. Default false. */
  readonly explain?: boolean;
}

/** float32: every memory figure is elements × 4 bytes. */
export const BYTES_PER_ELEMENT = 4;
