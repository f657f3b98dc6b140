/**
 * The plans of every op: what an op's `prepare` computes once from the user's arguments and each
 * backend's kernel reads (shapes, strides, options, derived geometry). One module, types only, that
 * the ops and every backend import; the ops' files re-export their own plans for existing importers.
 */
import type { OpInfo } from './op.js';
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';
import type { Generator } from './random.js';
import type { GeluApproximate } from './ops/activation.js';
import type { ConvOptions, PaddingMode } from './ops/conv_geometry.js';
import type { ConvPlanBase } from './ops/conv_ops.js';
import type { ClassLayout } from './ops/loss_ops.js';
import type { PadMode } from './ops/movement_pad.js';
import type { StandardizeAttrs } from './ops/norm_ops.js';
import type { AdamHyperParams, SgdHyper } from './ops/optim_ops.js';
import type { AvgSource, Dims3, Tables3 } from './ops/pool_plan.js';

// ---- activation ----

/** Plan of a point-wise activation or of its backward: the element count and the parameters. */
export interface ActInfo extends OpInfo {
  readonly n: number;
  /** leakyRelu: negative slope; elu: alpha; softplus: beta. */
  readonly param: number;
  /** softplus: above threshold (in units of βx) the function is the identity. */
  readonly threshold: number;
  readonly approximate: GeluApproximate;
}

// ---- activation_dropout ----

export interface DropoutMaskInfo extends OpInfo {
  readonly p: number;
  /** 1/(1-p), the value of a kept element. */
  readonly scale: number;
  readonly generator: Generator;
}

// ---- activation_softmax ----

/** The tensor seen as [outer, size, inner] with the reduced dimension in the middle. */
export interface SoftmaxInfo extends OpInfo {
  readonly dim: number;
  readonly outer: number;
  readonly size: number;
  readonly inner: number;
}

// ---- conv_ops ----

/** Per axis (d, h, w), for each kernel tap k: the outputs [lo, hi) whose input o·s − pad + k·d lies inside x. */
export interface ConvTaps {
  readonly lo: readonly Int32Array[];
  readonly hi: readonly Int32Array[];
}

/**
 * What the kernels need: convolution-space sizes, padded to 3 spatial dimensions with 1s, and the
 * geometry derived from them once (`withGeometry`), which every backend reads instead of
 * re-deriving it.
 */
export interface ConvPlan extends ConvPlanBase {
  /** Channels per group of x and of y; kernel taps; im2col rows (cig·KK); output and input positions. */
  readonly cig: number;
  readonly cog: number;
  readonly KK: number;
  readonly R: number;
  readonly P: number;
  readonly Lsz: number;
  readonly taps: ConvTaps;
  /** Stride 1 on 1-d/2-d geometry with padding ≥ 0: the im2col-free lowering (wasm) applies. */
  readonly direct: boolean;
}

// ---- elementwise ----

export interface BinaryInfo extends OpInfo {
  readonly outShape: Shape;
  /** Element strides of each input walked over the output's index space (0 = broadcast). */
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
  /** True when both inputs already have the output's shape (a flat loop suffices). */
  readonly same: boolean;
}

export interface UnaryInfo extends OpInfo {
  readonly n: number;
}

// ---- elementwise_binary ----

export interface PowScalarInfo extends UnaryInfo {
  readonly exponent: number;
}

// ---- elementwise_unary ----

export interface RoundInfo extends UnaryInfo {
  readonly decimals: number;
}

// ---- elementwise_where ----

export interface TernaryInfo extends OpInfo {
  readonly outShape: Shape;
  /** Strides of the three inputs walked over the output (0 = broadcast). */
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
  readonly cStrides: readonly number[];
}

export interface ClampInfo extends UnaryInfo {
  readonly min: number;
  readonly max: number;
}

export interface ClampTensorInfo extends TernaryInfo {
  readonly hasMin: boolean;
  readonly hasMax: boolean;
}

// ---- inplace ----

export interface CopyInPlaceInfo extends OpInfo {
  readonly outShape: Shape;
  /** src's element strides over dst's index space (0 where broadcast). */
  readonly srcStrides: readonly number[];
}

export interface FillInfo extends OpInfo {
  readonly value: number;
  readonly n: number;
}

// ---- loss_ops ----

export interface PointLossInfo extends OpInfo {
  readonly n: number;
  readonly hasWeight: boolean;
  readonly hasPosWeight: boolean;
}

export interface ClassInfo extends OpInfo, ClassLayout {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  readonly hasWeight: boolean;
}

export interface SoftmaxCeInfo extends OpInfo, ClassLayout {}

// ---- matmul ----

export interface MatmulInfo extends OpInfo {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** Broadcast batch shape (the output's leading dimensions). */
  readonly batchShape: Shape;
  /** Element offset step of each operand per batch dimension (0 where broadcast). */
  readonly aBatchStrides: readonly number[];
  readonly bBatchStrides: readonly number[];
  readonly outShape: Shape;
  /**
   * One shared B under a contiguous batch of A (e.g. x[B, S, K] · W[K, N]): the batch stacks into
   * the rows of one (batch·M)×K product.
   */
  readonly stacked: boolean;
}

export interface LinearInfo extends OpInfo {
  /** Rows (product of the input's leading dimensions), in features, out features. */
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly hasBias: boolean;
  readonly outShape: Shape;
}

// ---- movement ----

export interface ExpandInfo extends OpInfo {
  readonly outShape: Shape;
  readonly inStrides: readonly number[];
  readonly inShape: Shape;
}

// ---- movement_index ----

export interface IndexSelectInfo extends OpInfo {
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly dim: number;
}

export interface GatherInfo extends OpInfo {
  /** Shape of the indexed tensor (gather's input, scatterAdd's input/output). */
  readonly selfShape: Shape;
  readonly indexShape: Shape;
  /** Shape of scatterAdd's src (equal to indexShape for gather). */
  readonly srcShape: Shape;
  readonly dim: number;
}

// ---- movement_join ----

export interface SliceInfo extends OpInfo {
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly dim: number;
  /** First selected index along dim, the step, and the number of selected indices. */
  readonly start: number;
  readonly step: number;
  readonly length: number;
}

export interface CatInfo extends OpInfo {
  readonly outShape: Shape;
  readonly dim: number;
  /** Size along dim of each input (0 for the legacy empty 1-d inputs, which are skipped). */
  readonly sizes: readonly number[];
  /** Elements per outer index of each input (sizes[i] · product of the dims after dim). */
  readonly chunks: readonly number[];
  /** Product of the dimensions before dim. */
  readonly outer: number;
}

export interface SplitInfo extends OpInfo {
  readonly inShape: Shape;
  readonly dim: number;
  readonly sizes: readonly number[];
  readonly chunks: readonly number[];
  readonly outer: number;
}

// ---- movement_layout ----

export interface PermuteInfo extends OpInfo {
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** Output dimension d is input dimension perm[d]. */
  readonly perm: readonly number[];
}

export interface FlipInfo extends OpInfo {
  readonly shape: Shape;
  readonly dims: readonly number[];
}

export interface RollInfo extends OpInfo {
  readonly shape: Shape;
  /** Shift of each dimension (0 where not rolled), already reduced modulo the size. */
  readonly shifts: readonly number[];
}

export interface CopyInfo extends OpInfo {
  readonly n: number;
  readonly inDtype: DType;
}

// ---- movement_pad ----

export interface PadInfo extends OpInfo {
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** Padding before and after each input dimension (full rank; 0 where not padded). */
  readonly before: readonly number[];
  readonly after: readonly number[];
  readonly mode: PadMode;
  readonly value: number;
  /** The pads as the user gave them (last dimension first), for the gradient. */
  readonly pads: readonly number[];
}

// ---- norm_ops ----

export interface NormInfo extends OpInfo, StandardizeAttrs {
  readonly shape: readonly number[];
}

export interface RunningUpdateInfo extends OpInfo {
  readonly momentum: number;
  readonly scale: number;
}

// ---- optim_ops ----

export interface SgdInfo extends OpInfo, SgdHyper {
  readonly n: number;
  /** The momentum buffer is new: it takes d as it is. */
  readonly fresh: boolean;
}

export interface AdamInfo extends OpInfo, AdamHyperParams {
  readonly n: number;
  readonly amsgrad: boolean;
}

// ---- pool_plan ----

export interface PoolPlan extends OpInfo {
  /** The public function being planned (for messages), e.g. `maxPool2d`. */
  readonly op: string;
  readonly dtype: DType;
  /** Shapes of the forward input and output (batched or unbatched, as given). */
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** Number of independent (n, c) planes. */
  readonly planes: number;
  /** Spatial sizes left-padded to three dimensions with 1. */
  readonly inDims: Dims3;
  readonly outDims: Dims3;
  /** Per padded spatial dimension, per output index: first visited input position, and exclusive end. */
  readonly lo: Tables3;
  readonly hi: Tables3;
  /** Distance between visited positions (the dilation; 1 for averages and adaptive pools). */
  readonly step: Dims3;
}

export interface AvgPoolPlan extends PoolPlan {
  /** Per padded spatial dimension, per output index: that dimension's factor of the divisor. */
  readonly div: readonly [Float64Array, Float64Array, Float64Array];
  /** divisorOverride, when given, replaces the product of the factors. */
  readonly divisorOverride: number | null;
  /** How the plan was made, so the transpose (the forward of a backward) can be re-applied. */
  readonly source: AvgSource;
}

// ---- reduce ----

export interface ReduceInfo extends OpInfo {
  readonly inShape: Shape;
  /** Sorted reduced dimensions. */
  readonly dims: readonly number[];
  /** Output shape with reduced dimensions kept as 1. */
  readonly keptShape: Shape;
  /** For each input dimension, the stride into the output (0 for a reduced dimension). */
  readonly outStrides: readonly number[];
  /** Number of input elements folded into each output element. */
  readonly groupSize: number;
}

// ---- reduce_minmax ----

export interface ExtremumDimInfo extends ReduceInfo {
  readonly dim: number;
}

// ---- reduce_prod ----

export interface ProdOthersInfo extends OpInfo {
  readonly inShape: Shape;
  readonly dims: readonly number[];
  /** Number of direction tensors after x. */
  readonly m: number;
}

export interface CumsumInfo extends OpInfo {
  readonly outer: number;
  readonly n: number;
  readonly inner: number;
  readonly dim: number;
  readonly reverse: boolean;
}

// ---- reduce_stats ----

export interface VarInfo extends ReduceInfo {
  readonly correction: number;
  /** max(0, N - correction): the divisor of the sum of squared deviations. */
  readonly dof: number;
}

export interface VectorNormInfo extends ReduceInfo {
  readonly p: number;
}

// ---- signal ----

export interface SignalCorrelateInfo extends OpInfo {
  readonly xShape: Shape;
  readonly wShape: Shape;
  readonly outShape: Shape;
  readonly offset: readonly number[];
  readonly flip: boolean;
  readonly op: string;
  /** Exact number of products x·w the kernel forms (the valid (k, j) pairs factorise over dimensions). */
  readonly pairs: number;
}

// ---- signal_circular ----

export interface CircularInfo extends OpInfo {
  readonly shape: Shape;
}

// ---- signal_convmatrix ----

/** What both kernels need: the conv's canonical geometry, flattened sizes and M's shape. */
export interface ConvMatrixInfo extends OpInfo {
  readonly inputShape: readonly number[];
  readonly options: ConvOptions | undefined;
  readonly weightShape: Shape;
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly inSize: readonly number[];
  readonly outSize: readonly number[];
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padBefore: readonly number[];
  readonly paddingMode: PaddingMode;
  /** M is rows × cols = numel(output) × numel(input). */
  readonly rows: number;
  readonly cols: number;
  /** Weight taps scattered: N·Cout·prod(out)·(Cin/groups)·prod(kernel). */
  readonly taps: number;
}
