/**
 * Unary element-wise maths: exp/log family, powers, trigonometry, sign and rounding.
 * Transcendental ops take float tensors only (no silent int32 → float promotion); abs, sign,
 * square and the rounding ops also take int32. Every vjp is written with public ops, reusing the
 * forward output where PyTorch does (exp, sqrt, rsqrt, reciprocal, expm1), so it can be
 * differentiated again.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { OpDef, OpInfo, VjpCtx } from '../op.js';
import { apply1, defineOp, expectFloat, expectTensor, readOptions } from '../op.js';
import { add, div, mul, neg } from './elementwise.js';
import { powScalar } from './elementwise_binary.js';
import { elementwiseKernels } from '../backends/reference/elementwise.js';
import type { RoundInfo, UnaryInfo } from '../plans.js';
export type { RoundInfo } from '../plans.js';

type UnaryVjp = (ctx: VjpCtx<UnaryInfo>, grads: readonly Tensor[]) => (Tensor | null)[];

type UnaryName = 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'square' | 'reciprocal' | 'sin' | 'cos' | 'log1p' | 'expm1' | 'floor' | 'ceil';

function unaryOp(name: UnaryName, floatOnly: boolean, vjp: UnaryVjp): OpDef<void, UnaryInfo> {
  return defineOp<void, UnaryInfo>({
    name,
    reference: elementwiseKernels[name],
    info: ([x]) => {
      if (floatOnly) expectFloat(name, 'input', x!);
      return { outShapes: [x!.shape], outDtypes: [x!.dtype], n: x!.numel };
    },
    vjp,
  });
}

/** Piecewise-constant ops (sign, floor, ceil, round): the gradient is zero, as in PyTorch. */
const zeroGrad: UnaryVjp = () => [null];

export const expOp = unaryOp('exp', true, ({ outputs: [y] }, [g]) => [mul(g!, y!)]);
export const logOp = unaryOp('log', true, ({ inputs: [x] }, [g]) => [div(g!, x!)]);
// d sqrt(x) = 1 / (2 sqrt(x)): infinite at 0, like PyTorch
export const sqrtOp = unaryOp('sqrt', true, ({ outputs: [y] }, [g]) => [div(g!, mul(y!, 2))]);
// d x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3
export const rsqrtOp = unaryOp('rsqrt', true, ({ outputs: [y] }, [g]) => [mul(g!, mul(powScalar(y!, 3), -0.5))]);
// sign(0) = 0 makes the subgradient of |x| at 0 zero, as in PyTorch
export const absOp = unaryOp('abs', false, ({ inputs: [x] }, [g]) => [mul(g!, sign(x!))]);
export const signOp = unaryOp('sign', false, zeroGrad);
export const squareOp = unaryOp('square', false, ({ inputs: [x] }, [g]) => [mul(g!, mul(x!, 2))]);
// d (1/x) = -1/x^2 = -y^2
export const reciprocalOp = unaryOp('reciprocal', true, ({ outputs: [y] }, [g]) => [neg(mul(g!, mul(y!, y!)))]);
export const sinOp = unaryOp('sin', true, ({ inputs: [x] }, [g]) => [mul(g!, cos(x!))]);
export const cosOp = unaryOp('cos', true, ({ inputs: [x] }, [g]) => [neg(mul(g!, sin(x!)))]);
export const log1pOp = unaryOp('log1p', true, ({ inputs: [x] }, [g]) => [div(g!, add(x!, 1))]);
// d (e^x - 1) = e^x = y + 1
export const expm1Op = unaryOp('expm1', true, ({ outputs: [y] }, [g]) => [mul(g!, add(y!, 1))]);
export const floorOp = unaryOp('floor', false, zeroGrad);
export const ceilOp = unaryOp('ceil', false, zeroGrad);

function unary(op: OpDef<void, UnaryInfo>, input: Tensor): Tensor {
  expectTensor(op.name, 'input', input);
  return apply1(op, [input], undefined);
}

/** e^x. */
export function exp(input: Tensor): Tensor {
  return unary(expOp, input);
}
/** Natural logarithm (NaN below 0, -Infinity at 0). */
export function log(input: Tensor): Tensor {
  return unary(logOp, input);
}
export function sqrt(input: Tensor): Tensor {
  return unary(sqrtOp, input);
}
/** 1 / sqrt(x). */
export function rsqrt(input: Tensor): Tensor {
  return unary(rsqrtOp, input);
}
export function abs(input: Tensor): Tensor {
  return unary(absOp, input);
}
/** -1, 0 or 1 (0 for NaN, like PyTorch). */
export function sign(input: Tensor): Tensor {
  return unary(signOp, input);
}
/** x². */
export function square(input: Tensor): Tensor {
  return unary(squareOp, input);
}
/** 1 / x. */
export function reciprocal(input: Tensor): Tensor {
  return unary(reciprocalOp, input);
}
export function sin(input: Tensor): Tensor {
  return unary(sinOp, input);
}
export function cos(input: Tensor): Tensor {
  return unary(cosOp, input);
}
/** log(1 + x), accurate near 0. */
export function log1p(input: Tensor): Tensor {
  return unary(log1pOp, input);
}
/** e^x - 1, accurate near 0. */
export function expm1(input: Tensor): Tensor {
  return unary(expm1Op, input);
}
export function floor(input: Tensor): Tensor {
  return unary(floorOp, input);
}
export function ceil(input: Tensor): Tensor {
  return unary(ceilOp, input);
}

export const roundOp = defineOp<{ decimals: number }, RoundInfo>({
  name: 'round',
  reference: elementwiseKernels.round,
  info: ([x], a): RoundInfo & OpInfo => ({ outShapes: [x!.shape], outDtypes: [x!.dtype], n: x!.numel, decimals: a.decimals }),
  vjp: () => [null],
});

export interface RoundOptions {
  /** Number of decimal places (negative: to the left of the point), default 0. */
  decimals?: number;
}

/** Rounds half to even (like torch.round / nearbyint), optionally to `decimals` places. */
export function round(input: Tensor, options?: RoundOptions): Tensor {
  expectTensor('round', 'input', input);
  const o = readOptions<RoundOptions>('round', options, ['decimals']);
  const decimals = o.decimals ?? 0;
  if (typeof decimals !== 'number' || !Number.isInteger(decimals)) {
    throw new ValueError({ op: 'round', arg: 'options.decimals', expected: 'an integer', got: fmtValue(decimals) });
  }
  return apply1(roundOp, [input], { decimals });
}
