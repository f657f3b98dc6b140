/** Statistical reductions: var, std, logsumexp and the vector norm. Float tensors only. */
import { ValueError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { apply1, defineOp, expectFloat, expectTensor, readOptions } from '../op.js';
import { scalarLike } from '../creation.js';
import { div, mul, sub } from './elementwise.js';
import { abs, exp, sign } from './elementwise_unary.js';
import { eq, maximum, ne, pow } from './elementwise_binary.js';
import { where } from './elementwise_where.js';
import { reshape } from './movement.js';
import type { ReduceDims, ReduceOptions } from './reduce.js';
import { keepdimOf, mean, reduceInfo, sum } from './reduce.js';
import { statsKernels } from '../backends/reference/reduce_stats.js';
import type { ReduceInfo, VarInfo, VectorNormInfo } from '../plans.js';
export type { VarInfo, VectorNormInfo } from '../plans.js';

interface VarAttrs {
  dim: ReduceDims;
  keepdim: boolean;
  correction: number;
}

function varInfo(op: string, x: Tensor, a: VarAttrs): VarInfo {
  expectFloat(op, 'input', x);
  const r = reduceInfo(op, x, a.dim, a.keepdim);
  return { ...r, correction: a.correction, dof: Math.max(0, r.groupSize - a.correction) };
}

/** d var / dx = 2 (x - mean) / dof, scaled by the incoming gradient g (at the output shape). */
function varBackward(x: Tensor, g: Tensor, info: VarInfo): Tensor {
  const centred = sub(x, mean(x, [...info.dims], { keepdim: true }));
  return mul(reshape(g, info.keptShape), mul(centred, 2 / info.dof));
}

export const varOp = defineOp<VarAttrs, VarInfo>({
  name: 'var',
  reference: statsKernels.var,
  info: ([x], a) => varInfo('var', x!, a),
  vjp: ({ inputs: [x], info }, [g]) => [varBackward(x!, g!, info)],
});

export const stdOp = defineOp<VarAttrs, VarInfo>({
  name: 'std',
  reference: statsKernels.std,
  info: ([x], a) => varInfo('std', x!, a),
  // d std = d var / (2 std); PyTorch sets it to 0 where std == 0
  vjp: ({ inputs: [x], outputs: [y], info }, [g]) => [varBackward(x!, where(eq(y!, 0), 0, div(g!, mul(y!, 2))), info)],
});

export interface VarOptions extends ReduceOptions {
  /** Subtracted from the group size N in the divisor (default 1: Bessel's correction). */
  correction?: number;
  /** PyTorch 1.13 style: true is correction 1, false is correction 0. */
  unbiased?: boolean;
}

function readVar(op: string, options: unknown): { correction: number; keepdim: boolean } {
  const o = readOptions<VarOptions>(op, options, ['correction', 'unbiased', 'keepdim']);
  if (o.correction !== undefined && o.unbiased !== undefined) {
    throw new ValueError({
      op,
      arg: 'options.unbiased',
      expected: 'either options.correction or options.unbiased, not both',
      got: `correction ${fmtValue(o.correction)} and unbiased ${fmtValue(o.unbiased)}`,
      message: `${op}: give options.correction or options.unbiased, not both (got correction ${fmtValue(o.correction)} and unbiased ${fmtValue(o.unbiased)})`,
    });
  }
  if (o.unbiased !== undefined && typeof o.unbiased !== 'boolean') {
    throw new ValueError({ op, arg: 'options.unbiased', expected: 'a boolean', got: fmtValue(o.unbiased) });
  }
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  if (typeof correction !== 'number' || !Number.isInteger(correction)) {
    throw new ValueError({ op, arg: 'options.correction', expected: 'an integer', got: fmtValue(correction) });
  }
  return { correction, keepdim: keepdimOf(op, o.keepdim) };
}

/**
 * Variance over `dim` (all dims when omitted): Σ(x - mean)² / max(0, N - correction).
 * Exported as `var` (a reserved word in JavaScript, but a valid export name: `ck.var(x)`).
 */
function variance(input: Tensor, dim?: ReduceDims, options?: VarOptions): Tensor {
  expectTensor('var', 'input', input);
  return apply1(varOp, [input], { dim, ...readVar('var', options) });
}
export { variance as var };

/** Standard deviation over `dim`: sqrt(var). */
export function std(input: Tensor, dim?: ReduceDims, options?: VarOptions): Tensor {
  expectTensor('std', 'input', input);
  return apply1(stdOp, [input], { dim, ...readVar('std', options) });
}

export const logsumexpOp = defineOp<{ dim: ReduceDims; keepdim: boolean }, ReduceInfo>({
  name: 'logsumexp',
  reference: statsKernels.logsumexp,
  info: ([x], a) => {
    expectFloat('logsumexp', 'input', x!);
    return reduceInfo('logsumexp', x!, a.dim, a.keepdim);
  },
  // d/dx log Σ e^x = e^(x - lse): the softmax of the group
  vjp: ({ inputs: [x], outputs: [y], info }, [g]) => [
    mul(reshape(g!, info.keptShape), exp(sub(x!, reshape(y!, info.keptShape)))),
  ],
});

/** log Σ exp(x) over `dim` (required, like PyTorch), computed stably as m + log Σ exp(x - m). */
export function logsumexp(input: Tensor, dim: number | readonly number[], options?: ReduceOptions): Tensor {
  expectTensor('logsumexp', 'input', input);
  if (dim === undefined) throw new ValueError({ op: 'logsumexp', arg: 'dim', expected: 'an integer or an array of integers', got: 'undefined' });
  const o = readOptions<ReduceOptions>('logsumexp', options, ['keepdim']);
  return apply1(logsumexpOp, [input], { dim, keepdim: keepdimOf('logsumexp', o.keepdim) });
}

export const normOp = defineOp<{ dim: ReduceDims; keepdim: boolean; p: number }, VectorNormInfo>({
  name: 'norm',
  reference: statsKernels.norm,
  info: ([x], a) => {
    expectFloat('norm', 'input', x!);
    return { ...reduceInfo('norm', x!, a.dim, a.keepdim), p: a.p };
  },
  // PyTorch's norm_backward, case by case; masks keep 0/0 out of the gradient where norm == 0
  vjp: ({ inputs: [x], outputs: [y], info }, [g]) => {
    const p = info.p;
    const xx = x!;
    const gk = reshape(g!, info.keptShape);
    const nk = reshape(y!, info.keptShape);
    if (p === 0) return [null];
    if (p === 1) return [mul(sign(xx), gk)];
    if (p === 2) return [mul(gk, where(eq(nk, 0), 0, div(xx, nk)))];
    if (!Number.isFinite(p)) {
      // the gradient of max|x| (or min|x|), split among ties; NaN entries count as selected
      const ax = abs(xx);
      const m = where(maximum(eq(ax, nk), ne(ax, ax)), scalarLike(1, xx), 0);
      const count = sum(m, [...info.dims], { keepdim: true });
      return [mul(sign(xx), mul(m, div(gk, count)))];
    }
    if (p < 1) {
      const scaled = mul(sign(xx), where(eq(xx, 0), 0, pow(abs(xx), p - 1)));
      return [mul(mul(scaled, gk), pow(nk, 1 - p))];
    }
    const scaled = p < 2 ? mul(sign(xx), pow(abs(xx), p - 1)) : mul(xx, pow(abs(xx), p - 2));
    return [mul(scaled, where(eq(nk, 0), 0, div(gk, pow(nk, p - 1))))];
  },
});

/**
 * The vector p-norm over `dim` (all dims when omitted), like torch.norm for vectors:
 * p = 'fro' or 2 (default), 1, Infinity (max |x|), -Infinity (min |x|), 0 (count of non-zeros)
 * or any other number ((Σ|x|^p)^(1/p)).
 */
export function norm(input: Tensor, p: number | 'fro' = 'fro', dim?: ReduceDims, options?: ReduceOptions): Tensor {
  expectTensor('norm', 'input', input);
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p))) {
    throw new ValueError({ op: 'norm', arg: 'p', expected: "a number or 'fro'", got: fmtValue(p) });
  }
  const o = readOptions<ReduceOptions>('norm', options, ['keepdim']);
  return apply1(normOp, [input], { dim, keepdim: keepdimOf('norm', o.keepdim), p: p === 'fro' ? 2 : p });
}
