/**
 * Circular (periodic) correlation and convolution of two signals of the same shape, with every
 * index taken modulo the size of its dimension:
 *
 *   circularCorrelate(x, y)[k] = Σ_i x[i]·y[(i + k) mod n]
 *   circularConvolve(x, y)[k]  = Σ_i x[i]·y[(k - i) mod n]
 *
 * (n-d: i and k are multi-indices, reduced per dimension). These are what the DFT diagonalises:
 * circularConvolve(x, y) = ifft(fft(x)·fft(y)), circularCorrelate(x, y) = ifft(conj(fft(x))·fft(y)).
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp } from '../op.js';
import { checkPair } from './signal_util.js';
import { circularKernels } from '../backends/reference/signal_circular.js';
import type { CircularInfo } from '../plans.js';
export type { CircularInfo } from '../plans.js';

function circularInfo(op: string, x: Tensor, y: Tensor): CircularInfo {
  checkPair(op, ['x', 'y'], x, y);
  if (x.shape.length === 0) {
    throw new ShapeError({
      op,
      arg: 'x',
      expected: 'a tensor of at least 1 dimension',
      got: 'a 0-d tensor',
      message: `${op}: x must have at least 1 dimension, got a 0-d tensor`,
    });
  }
  if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) {
    throw new ShapeError({
      op,
      arg: 'y',
      expected: `shape ${fmtShape(x.shape)} like x`,
      got: fmtShape(y.shape),
      message: `${op}: x and y must have the same shape, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`,
    });
  }
  if (x.numel === 0) {
    throw new ValueError({
      op,
      arg: 'x',
      expected: 'a non-empty tensor (indices are taken modulo each size)',
      got: `shape ${fmtShape(x.shape)}`,
      message: `${op}: x cannot be empty, got shape ${fmtShape(x.shape)}`,
    });
  }
  return { outShapes: [x.shape], outDtypes: [x.dtype], shape: x.shape };
}

export const circularCorrelateOp = defineOp<void, CircularInfo>({
  name: 'circularCorrelate',
  reference: circularKernels.circularCorrelate,
  info: ([x, y]) => circularInfo('circularCorrelate', x!, y!),
  macs: (i) => numel(i.shape) ** 2,
  // z[k] = Σ_i x[i]·y[i+k]:
  //  ∂/∂x[i] = Σ_k g[k]·y[i+k]               = circularCorrelate(g, y)[i]
  //  ∂/∂y[m] = Σ_k g[k]·x[m-k] (i = m - k)   = circularConvolve(g, x)[m]
  vjp: ({ inputs: [x, y], needs }, [g]) => [
    needs[0] ? circularCorrelate(g!, y!) : null,
    needs[1] ? circularConvolve(g!, x!) : null,
  ],
});

export const circularConvolveOp = defineOp<void, CircularInfo>({
  name: 'circularConvolve',
  reference: circularKernels.circularConvolve,
  info: ([x, y]) => circularInfo('circularConvolve', x!, y!),
  macs: (i) => numel(i.shape) ** 2,
  // z[k] = Σ_i x[i]·y[k-i] (commutative: also Σ_m y[m]·x[k-m]):
  //  ∂/∂x[i] = Σ_k g[k]·y[k-i] = Σ_m y[m]·g[m+i] (m = k - i) = circularCorrelate(y, g)[i]
  //  ∂/∂y[m] = Σ_k g[k]·x[k-m]                                = circularCorrelate(x, g)[m]
  vjp: ({ inputs: [x, y], needs }, [g]) => [
    needs[0] ? circularCorrelate(y!, g!) : null,
    needs[1] ? circularCorrelate(x!, g!) : null,
  ],
});

/**
 * Circular cross-correlation z[k] = Σ_i x[i]·y[(i + k) mod n] of two float tensors of the same
 * shape (rank >= 1; n-d: modular in every dimension). Differentiable in both arguments, any order.
 */
export function circularCorrelate(x: Tensor, y: Tensor): Tensor {
  return apply1(circularCorrelateOp, [x, y], undefined);
}

/**
 * Circular convolution z[k] = Σ_i x[i]·y[(k - i) mod n] of two float tensors of the same shape
 * (rank >= 1; n-d: modular in every dimension). Differentiable in both arguments, any order.
 */
export function circularConvolve(x: Tensor, y: Tensor): Tensor {
  return apply1(circularConvolveOp, [x, y], undefined);
}
