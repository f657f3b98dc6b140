/**
 * `convMatrix(inputShape, weight, options)`: the dense matrix M of a convolution, so that
 * vec(conv(x, weight, options)) = M · vec(x) with row-major vec, M of shape
 * [numel(output), numel(input)]. conv1d/2d/3d is chosen by weight's rank (3, 4 or 5) and the
 * options are exactly conv's (stride, padding incl. 'valid'/'same'/'full', dilation, groups,
 * paddingMode), resolved by the convolution family's own `resolveConv`, so the rules live in one
 * place.
 *
 * Entry by entry: for output (n, co, o) and weight tap (co, c, k) of group g = co / (Cout/groups),
 * the padded-input coordinate is p = o·stride - padBefore + k·dilation per dimension; the padding
 * mode maps p to an input coordinate i (zeros: none outside [0, L); reflect: -p or 2(L-1)-p;
 * replicate: clamp; circular: p mod L) and M[(n, co, o), (n, g·Cin/groups + c, i)] += w[co, c, k].
 * Several taps can land on one entry (reflect/replicate fold the border), hence `+=`.
 * With zero padding M is (block) Toeplitz, doubly-block Toeplitz in 2-d; with circular padding and
 * stride 1 it is (block) circulant. A batch makes it block diagonal, I_N ⊗ M₁.
 *
 * M is linear in the weight: M = A(w). Its vjp is the adjoint Aᵀ(G) (op `convMatrixWeightGrad`,
 * a gather over the same index map), and the adjoint of Aᵀ is A again, so all orders close.
 */
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectFloat, expectTensor } from '../op.js';
import type { ConvOptions, PaddingMode } from './conv_geometry.js';
import { convSpec, resolveConv } from './conv_geometry.js';
import { convMatrixKernels } from '../backends/reference/signal_convmatrix.js';
import type { ConvMatrixInfo } from '../plans.js';
export type { ConvMatrixInfo } from '../plans.js';

export interface ConvMatrixAttrs {
  readonly inputShape: readonly number[];
  readonly options: ConvOptions | undefined;
}

const OP = 'convMatrix';

function checkInputShape(inputShape: unknown, r: number): number[] {
  const ok = Array.isArray(inputShape) && inputShape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1);
  if (!ok) {
    throw new ValueError({ op: OP, arg: 'inputShape', expected: 'an array of positive integers', got: fmtValue(inputShape) });
  }
  const s = inputShape as number[];
  if (s.length !== r + 1 && s.length !== r + 2) {
    const axes = ['L', 'H, W', 'D, H, W'][r - 1]!;
    throw new ShapeError({
      op: OP,
      arg: 'inputShape',
      expected: `${r + 1} or ${r + 2} sizes ((C, ${axes}) or (N, C, ${axes})) for a ${r + 2}-d weight`,
      got: fmtShape(s),
      message: `${OP}: inputShape must have ${r + 1} or ${r + 2} sizes ((C, ${axes}) or (N, C, ${axes})) for a ${r + 2}-d weight, got ${fmtShape(s)}`,
    });
  }
  return s.slice();
}

export const convMatrixOp = defineOp<ConvMatrixAttrs, ConvMatrixInfo>({
  name: 'convMatrix',
  reference: convMatrixKernels.convMatrix,
  info: ([w], a) => {
    expectFloat(OP, 'weight', w!);
    const wr = w!.shape.length;
    if (wr < 3 || wr > 5) {
      throw new ShapeError({
        op: OP,
        arg: 'weight',
        expected: 'a 3-d, 4-d or 5-d tensor [out_channels, in_channels/groups, ...kernel] (conv1d, conv2d or conv3d)',
        got: `shape ${fmtShape(w!.shape)}`,
        message: `${OP}: expected weight to be a 3-d, 4-d or 5-d tensor [out_channels, in_channels/groups, ...kernel] (conv1d, conv2d or conv3d), got shape ${fmtShape(w!.shape)}`,
      });
    }
    const r = wr - 2;
    const inputShape = checkInputShape(a.inputShape, r);
    // The conv family's resolver, under our name so its messages say "convMatrix".
    const spec = { ...convSpec(`conv${r}d`), op: OP };
    const g = resolveConv(spec, { shape: inputShape, dtype: w!.dtype }, w!, null, a.options);
    const rows = g.outShape.reduce((p, d) => p * d, 1);
    const cols = inputShape.reduce((p, d) => p * d, 1);
    const prodOut = g.outSize.reduce((p, d) => p * d, 1);
    const prodK = g.kernel.reduce((p, d) => p * d, 1);
    return {
      outShapes: [[rows, cols]],
      outDtypes: [g.dtype],
      inputShape,
      options: a.options,
      weightShape: w!.shape,
      batch: g.batch,
      inChannels: g.inChannels,
      outChannels: g.outChannels,
      groups: g.groups,
      inSize: g.inSize,
      outSize: g.outSize,
      kernel: g.kernel,
      stride: g.stride,
      dilation: g.dilation,
      padBefore: g.padBefore,
      paddingMode: g.paddingMode,
      rows,
      cols,
      taps: g.batch * g.outChannels * prodOut * (g.inChannels / g.groups) * prodK,
    };
  },
  macs: (i) => i.taps,
  // M = A(w) is linear in w, so ∂⟨G, A(w)⟩/∂w = Aᵀ(G): each weight entry collects the upstream
  // gradient of every matrix entry it was scattered into.
  vjp: ({ info, needs }, [G]) => [needs[0] ? apply1(convMatrixWeightGradOp, [G!], info) : null],
});

export const convMatrixWeightGradOp = defineOp<ConvMatrixInfo, ConvMatrixInfo>({
  name: 'convMatrixWeightGrad',
  reference: convMatrixKernels.convMatrixWeightGrad,
  info: ([G], plan) => {
    const op = 'convMatrixWeightGrad';
    expectFloat(op, 'grad', G!);
    if (G!.shape.length !== 2 || G!.shape[0] !== plan.rows || G!.shape[1] !== plan.cols) {
      throw new ShapeError({ op, arg: 'grad', expected: `shape ${fmtShape([plan.rows, plan.cols])}`, got: fmtShape(G!.shape) });
    }
    if (G!.dtype !== plan.outDtypes[0]) {
      throw new DTypeError({ op, arg: 'grad', expected: `a ${plan.outDtypes[0]} tensor`, got: G!.dtype });
    }
    return { ...plan, outShapes: [plan.weightShape], outDtypes: [G!.dtype] };
  },
  macs: (i) => i.taps,
  // Aᵀ is linear in G and its adjoint is A: the gradient w.r.t. G is convMatrix of the incoming
  // weight-shaped gradient, with the same input shape and options.
  vjp: ({ info, needs }, [gw]) => [needs[0] ? convMatrix(info.inputShape, gw!, info.options) : null],
});

/**
 * The dense matrix M of `conv{1,2,3}d(x, weight, options)` (chosen by weight's rank) for inputs of
 * shape `inputShape` (batched (N, C, ...) or unbatched (C, ...)), such that
 * reshape(conv(x), [-1]) = M · reshape(x, [-1]); shape [numel(output), numel(input)].
 * Options are conv's: stride, padding (int, tuple, 'valid', 'same', 'full'), dilation, groups,
 * paddingMode ('zeros' | 'reflect' | 'replicate' | 'circular'). No bias (M is the linear part).
 * Differentiable w.r.t. weight, any order.
 */
export function convMatrix(inputShape: readonly number[], weight: Tensor, options?: ConvOptions): Tensor {
  expectTensor(OP, 'weight', weight);
  return apply1(convMatrixOp, [weight], { inputShape, options });
}
