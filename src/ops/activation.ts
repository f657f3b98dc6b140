/**
 * Activations: relu, leakyRelu, sigmoid, tanh, gelu, softplus, elu, silu (point-wise, here),
 * softmax/logSoftmax (activation_softmax.ts) and dropout (activation_dropout.ts).
 *
 * Every point-wise activation f has a fused backward op `<name>Backward(g, x) = g·f'(x)` with its
 * own kernel (the hot path of training). That op is linear in g, so its vjp with respect to g is
 * itself; with respect to x it is u·g·f''(x), where f'' is written with public ops (often with the
 * backward op itself, e.g. softplus'' = β·f'(1 - f')), so gradients of any order exist.
 * sigmoid and tanh differentiate through their output y (f' = y(1-y), 1-y²), as PyTorch does.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { checkFinite, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef, OpInfo } from '../op.js';
import { apply1, defineOp, expectFloat, expectSameDtype, expectTensor, readOptions } from '../op.js';
import { add, exp, mul, sub } from './elementwise.js';
import { onesLike } from '../creation.js';
import { activationKernels } from '../backends/reference/activation.js';
import type { ActInfo } from '../plans.js';
export type { ActInfo } from '../plans.js';

export { softmax, logSoftmax } from './activation_softmax.js';
export { dropout, dropout2d } from './activation_dropout.js';
export type { DropoutOptions } from './activation_dropout.js';

export type GeluApproximate = 'none' | 'tanh';

export interface ActAttrs {
  readonly param: number;
  readonly threshold: number;
  readonly approximate: GeluApproximate;
}

const NO_PARAMS: ActAttrs = { param: 0, threshold: 0, approximate: 'none' };

function forwardInfo(op: string) {
  return (inputs: readonly Tensor[], a: ActAttrs): ActInfo => {
    const x = inputs[0]!;
    expectFloat(op, 'input', x);
    return { outShapes: [x.shape], outDtypes: [x.dtype], n: x.numel, ...a };
  };
}

/** Shape rule of `<op>Backward(grad, x)`: equal shapes and dtypes. */
function backwardInfo(op: string, vArg: string) {
  return (inputs: readonly Tensor[], a: ActAttrs): ActInfo => {
    const [g, x] = inputs as [Tensor, Tensor];
    expectFloat(op, 'grad', g);
    expectSameDtype(op, [['grad', g], [vArg, x]]);
    if (!sameShape(g.shape, x.shape)) {
      throw new ShapeError({
        op,
        arg: vArg,
        expected: `shape ${fmtShape(g.shape)} like grad`,
        got: fmtShape(x.shape),
        message: `${op}: grad has shape ${fmtShape(g.shape)} but ${vArg} has shape ${fmtShape(x.shape)}`,
      });
    }
    return { outShapes: [x.shape], outDtypes: [x.dtype], n: x.numel, ...a };
  };
}

type SecondDerivative = (x: Tensor, a: ActAttrs) => Tensor;

export interface PointwiseOps {
  readonly forwardOp: OpDef<ActAttrs, ActInfo>;
  readonly backwardOp: OpDef<ActAttrs, ActInfo>;
}

/**
 * A point-wise activation: forward op `name`, backward op `name + 'Backward'`(g, v) where v is the
 * input x (or the output y when `viaOutput`), and f'' as a function of v (null: f'' = 0 a.e.).
 */
type PointwiseName = 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'gelu' | 'softplus' | 'elu' | 'silu';

function pointwise(name: PointwiseName, viaOutput: boolean, second: SecondDerivative | null): PointwiseOps {
  const vName = viaOutput ? 'result' : 'input';
  const backwardOp: OpDef<ActAttrs, ActInfo> = defineOp<ActAttrs, ActInfo>({
    name: `${name}Backward`,
    reference: activationKernels[`${name}Backward`],
    info: backwardInfo(`${name}Backward`, vName),
    vjp: ({ inputs: [g, v], info, needs }, [u]) => [
      needs[0] ? apply1(backwardOp, [u!, v!], info) : null,
      needs[1] && second ? mul(mul(u!, g!), second(v!, info)) : null,
    ],
  });
  const forwardOp = defineOp<ActAttrs, ActInfo>({
    name,
    reference: activationKernels[name],
    info: forwardInfo(name),
    vjp: ({ inputs: [x], outputs: [y], info }, [g]) => [apply1(backwardOp, [g!, viaOutput ? y! : x!], info)],
  });
  return { forwardOp, backwardOp };
}

/** f'(x) evaluated through the backward op with g = 1 (differentiable again through its vjp). */
function firstDerivative(op: PointwiseOps, x: Tensor, a: ActAttrs): Tensor {
  return apply1(op.backwardOp, [onesLike(x), x], a);
}

export const reluOps: PointwiseOps = pointwise('relu', false, null);
export const leakyReluOps: PointwiseOps = pointwise('leakyRelu', false, null);
// σ'' in terms of y = σ(x), as a derivative with respect to y of g·y(1-y): g·(1-2y)
export const sigmoidOps: PointwiseOps = pointwise('sigmoid', true, (y) => sub(1, mul(2, y)));
// d/dy of g·(1-y²) is -2·g·y
export const tanhOps: PointwiseOps = pointwise('tanh', true, (y) => mul(-2, y));
export const geluOps: PointwiseOps = pointwise('gelu', false, geluSecond);
// softplus' = σ(βx) below the threshold and 1 above it, so softplus'' = β·f'·(1-f') everywhere
export const softplusOps: PointwiseOps = pointwise('softplus', false, (x, a) => {
  const d = firstDerivative(softplusOps, x, a);
  return mul(a.param, mul(d, sub(1, d)));
});
// elu'' = α·e^x = elu' for x <= 0 and 0 for x > 0, i.e. elu'(x) - [x > 0] with [x > 0] = relu'(x)
export const eluOps: PointwiseOps = pointwise('elu', false, (x, a) => sub(firstDerivative(eluOps, x, a), firstDerivative(reluOps, x, NO_PARAMS)));
// silu = x·σ(x): silu'' = σ(1-σ)(2 + x(1-2σ))
export const siluOps: PointwiseOps = pointwise('silu', false, (x) => {
  const s = sigmoid(x);
  return mul(mul(s, sub(1, s)), add(2, mul(x, sub(1, mul(2, s)))));
});

/** GELU'': exact φ(x)(2 - x²); tanh form (1-t²)(v' - x·t·v'² + x·v''/2) with t = tanh(v). */
function geluSecond(x: Tensor, a: ActAttrs): Tensor {
  const x2 = mul(x, x);
  if (a.approximate === 'none') {
    const pdf = mul(exp(mul(x2, -0.5)), 0.3989422804014327); // φ(x) = e^{-x²/2}/√(2π)
    return mul(pdf, sub(2, x2));
  }
  const k = Math.sqrt(2 / Math.PI);
  const c = 0.044715;
  const t = tanh(mul(k, add(x, mul(c, mul(x2, x)))));
  const v1 = mul(k, add(1, mul(3 * c, x2)));
  const v2 = mul(6 * k * c, x);
  const inner = add(sub(v1, mul(mul(x, t), mul(v1, v1))), mul(0.5, mul(x, v2)));
  return mul(sub(1, mul(t, t)), inner);
}

function run(op: string, ops: PointwiseOps, input: Tensor, a: ActAttrs): Tensor {
  expectTensor(op, 'input', input);
  return apply1(ops.forwardOp, [input], a);
}

function finiteOption(op: string, arg: string, v: unknown, dflt: number): number {
  return v === undefined ? dflt : checkFinite(op, `options.${arg}`, v);
}

/** max(x, 0). The derivative at 0 is 0 (as in PyTorch). */
export function relu(input: Tensor): Tensor {
  return run('relu', reluOps, input, NO_PARAMS);
}

export interface LeakyReluOptions {
  negativeSlope?: number;
}

/** x for x > 0, negativeSlope·x otherwise (derivative negativeSlope at 0, as in PyTorch). */
export function leakyRelu(input: Tensor, negativeSlope: number | LeakyReluOptions = 0.01): Tensor {
  const op = 'leakyRelu';
  let slope: unknown = negativeSlope;
  if (typeof negativeSlope === 'object' && negativeSlope !== null) {
    slope = readOptions<LeakyReluOptions>(op, negativeSlope, ['negativeSlope']).negativeSlope ?? 0.01;
  }
  const s = checkFinite(op, 'negativeSlope', slope);
  return run(op, leakyReluOps, input, { ...NO_PARAMS, param: s });
}

/** 1 / (1 + e^{-x}). */
export function sigmoid(input: Tensor): Tensor {
  return run('sigmoid', sigmoidOps, input, NO_PARAMS);
}

export function tanh(input: Tensor): Tensor {
  return run('tanh', tanhOps, input, NO_PARAMS);
}

export interface GeluOptions {
  approximate?: GeluApproximate;
}

/** x·Φ(x) (approximate 'none'), or 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (approximate 'tanh'). */
export function gelu(input: Tensor, options?: GeluOptions): Tensor {
  const op = 'gelu';
  const o = readOptions<GeluOptions>(op, options, ['approximate']);
  const approximate = o.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ValueError({ op, arg: 'options.approximate', expected: '"none" or "tanh"', got: fmtValue(approximate) });
  }
  return run(op, geluOps, input, { ...NO_PARAMS, approximate });
}

export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}

/** log(1 + e^{βx})/β, and x itself where βx > threshold (PyTorch's defaults β = 1, threshold = 20). */
export function softplus(input: Tensor, options?: SoftplusOptions): Tensor {
  const op = 'softplus';
  const o = readOptions<SoftplusOptions>(op, options, ['beta', 'threshold']);
  const beta = finiteOption(op, 'beta', o.beta, 1);
  if (beta === 0) throw new ValueError({ op, arg: 'options.beta', expected: 'a finite non-zero number', got: '0' });
  const threshold = finiteOption(op, 'threshold', o.threshold, 20);
  return run(op, softplusOps, input, { param: beta, threshold, approximate: 'none' });
}

export interface EluOptions {
  alpha?: number;
}

/** x for x > 0, α(e^x - 1) otherwise (derivative α at 0, as in PyTorch). */
export function elu(input: Tensor, options?: EluOptions): Tensor {
  const op = 'elu';
  const o = readOptions<EluOptions>(op, options, ['alpha']);
  return run(op, eluOps, input, { ...NO_PARAMS, param: finiteOption(op, 'alpha', o.alpha, 1) });
}

/** x·σ(x) (also called swish). */
export function silu(input: Tensor): Tensor {
  return run('silu', siluOps, input, NO_PARAMS);
}
