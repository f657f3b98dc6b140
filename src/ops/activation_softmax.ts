/**
 * softmax and logSoftmax along one dimension, computed stably (the maximum is subtracted first),
 * with fused backward ops:
 *   softmaxBackward(g, y)    = y ⊙ (g - Σ_d g·y)            (Jacobian diag(y) - y yᵀ, symmetric)
 *   logSoftmaxBackward(g, y) = g - e^y · Σ_d g              (Jacobian I - p 1ᵀ with p = e^y)
 * Both are linear in g; their vjps (for double backward) are written with public ops below.
 */
import type { Tensor } from '../tensor.js';
import type { OpDef, OpInfo } from '../op.js';
import { apply1, defineOp, expectFloat, expectSameDtype, expectTensor } from '../op.js';
import { ShapeError, fmtShape } from '../errors.js';
import { normDim, sameShape } from '../shape.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';
import { activationKernels } from '../backends/reference/activation.js';
import type { SoftmaxInfo } from '../plans.js';
export type { SoftmaxInfo } from '../plans.js';

function layout(x: Tensor, dim: number): Omit<SoftmaxInfo, 'outShapes' | 'outDtypes'> {
  const s = x.shape;
  if (s.length === 0) return { dim: 0, outer: 1, size: 1, inner: 1 };
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= s[i]!;
  for (let i = dim + 1; i < s.length; i++) inner *= s[i]!;
  return { dim, outer, size: s[dim]!, inner };
}

function forwardInfo(op: string) {
  return (inputs: readonly Tensor[], dim: number): SoftmaxInfo => {
    const x = inputs[0]!;
    expectFloat(op, 'input', x);
    return { outShapes: [x.shape], outDtypes: [x.dtype], ...layout(x, normDim(op, dim, x.shape.length)) };
  };
}

function backwardInfo(op: string) {
  return (inputs: readonly Tensor[], dim: number): SoftmaxInfo => {
    const [g, y] = inputs as [Tensor, Tensor];
    expectFloat(op, 'grad', g);
    expectSameDtype(op, [['grad', g], ['output', y]]);
    if (!sameShape(g.shape, y.shape)) {
      throw new ShapeError({
        op,
        arg: 'output',
        expected: `shape ${fmtShape(g.shape)} like grad`,
        got: fmtShape(y.shape),
        message: `${op}: grad has shape ${fmtShape(g.shape)} but output has shape ${fmtShape(y.shape)}`,
      });
    }
    return { outShapes: [y.shape], outDtypes: [y.dtype], ...layout(y, normDim(op, dim, y.shape.length)) };
  };
}

export const softmaxBackwardOp: OpDef<number, SoftmaxInfo> = defineOp<number, SoftmaxInfo>({
  name: 'softmaxBackward',
  reference: activationKernels.softmaxBackward,
  info: backwardInfo('softmaxBackward'),
  // B(g, y) = y⊙(g - s), s = Σ g·y. ∂/∂g: the symmetric Jacobian again. ∂⟨u, B⟩/∂y = u⊙(g - s) - ⟨u, y⟩·g.
  vjp: ({ inputs: [g, y], info, needs }, [u]) => {
    const d = info.dim;
    return [
      needs[0] ? apply1(softmaxBackwardOp, [u!, y!], d) : null,
      needs[1]
        ? sub(mul(u!, sub(g!, sum(mul(g!, y!), d, { keepdim: true }))), mul(sum(mul(u!, y!), d, { keepdim: true }), g!))
        : null,
    ];
  },
});

export const logSoftmaxBackwardOp = defineOp<number, SoftmaxInfo>({
  name: 'logSoftmaxBackward',
  reference: activationKernels.logSoftmaxBackward,
  info: backwardInfo('logSoftmaxBackward'),
  // B(g, y) = g - p·Σg with p = e^y. Bᵀu = u - Σ(p⊙u); ∂⟨u, B⟩/∂y = -u⊙p·Σg.
  vjp: ({ inputs: [g, y], info, needs }, [u]) => {
    const d = info.dim;
    const p = exp(y!);
    return [
      needs[0] ? sub(u!, sum(mul(p, u!), d, { keepdim: true })) : null,
      needs[1] ? mul(mul(u!, p), mul(sum(g!, d, { keepdim: true }), -1)) : null,
    ];
  },
});

export const softmaxOp = defineOp<number, SoftmaxInfo>({
  name: 'softmax',
  reference: activationKernels.softmax,
  info: forwardInfo('softmax'),
  vjp: ({ outputs: [y], info }, [g]) => [apply1(softmaxBackwardOp, [g!, y!], info.dim)],
});

export const logSoftmaxOp = defineOp<number, SoftmaxInfo>({
  name: 'logSoftmax',
  reference: activationKernels.logSoftmax,
  info: forwardInfo('logSoftmax'),
  vjp: ({ outputs: [y], info }, [g]) => [apply1(logSoftmaxBackwardOp, [g!, y!], info.dim)],
});

/** e^{x_i} / Σ_j e^{x_j} along `dim` (required, as PyTorch's implicit dim is deprecated). */
export function softmax(input: Tensor, dim: number): Tensor {
  expectTensor('softmax', 'input', input);
  return apply1(softmaxOp, [input], dim);
}

/** x_i - log Σ_j e^{x_j} along `dim`, without forming the softmax (exact for large |x|). */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  expectTensor('logSoftmax', 'input', input);
  return apply1(logSoftmaxOp, [input], dim);
}
