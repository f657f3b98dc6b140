/**
 * Loss functions with PyTorch's semantics (torch.nn.functional): mseLoss, l1Loss,
 * binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, nllLoss. Every loss takes
 * `reduction: 'mean' | 'sum' | 'none'` (default 'mean'). The ops are in loss_ops.ts.
 *
 * Weighted means follow PyTorch: nllLoss and crossEntropy with class indices divide by the sum of
 * the weights of the non-ignored targets (NaN when every target is ignored); crossEntropy with
 * class probabilities divides by the number of positions (N·d1·...), whatever the weights.
 */
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { broadcastShapes, checkFinite, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { apply, apply1, expectFloat, expectSameDtype, expectTensor, readOptions } from '../op.js';
import { add, div, mul } from './elementwise.js';
import { sum } from './reduce.js';
import { expand, reshape } from './movement.js';
import type { PointLossAttrs } from './loss_ops.js';
import {
  binaryCrossEntropyOp,
  binaryCrossEntropyWithLogitsOp,
  constantWeight,
  crossEntropyClassTargetOp,
  l1LossOp,
  mseLossOp,
  nllLossOp,
  softmaxCrossEntropyOp,
} from './loss_ops.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  reduction?: Reduction;
}

export interface BinaryCrossEntropyOptions extends ReductionOptions {
  weight?: Tensor | null;
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  posWeight?: Tensor | null;
}

export interface NllLossOptions extends ReductionOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllLossOptions {
  labelSmoothing?: number;
}

function readReduction(op: string, v: unknown): Reduction {
  if (v === undefined) return 'mean';
  if (v !== 'mean' && v !== 'sum' && v !== 'none') {
    throw new ValueError({ op, arg: 'options.reduction', expected: '"mean", "sum" or "none"', got: fmtValue(v) });
  }
  return v;
}

function optionalTensor(op: string, arg: string, v: unknown): Tensor | null {
  if (v === undefined || v === null) return null;
  return expectTensor(op, `options.${arg}`, v);
}

/** sum, or the sum divided by `divisor` (a count, or a tensor such as Σ w[t]). */
function reduce(l: Tensor, reduction: Reduction, divisor: number | Tensor = l.numel): Tensor {
  if (reduction === 'none') return l;
  const s = sum(l);
  return reduction === 'sum' ? s : div(s, divisor);
}

/** Input and target as float tensors of one dtype. */
function inputTarget(op: string, input: unknown, target: unknown): [Tensor, Tensor] {
  const x = expectTensor(op, 'input', input);
  const t = expectTensor(op, 'target', target);
  expectFloat(op, 'input', x);
  expectSameDtype(op, [['input', x], ['target', t]]);
  return [x, t];
}

/** Broadcasts `t` to `shape`, or throws a ShapeError naming `arg`. */
function broadcastArg(op: string, arg: string, t: Tensor, shape: readonly number[]): Tensor {
  const b = broadcastShapes(op, shape, t.shape, 'input', arg);
  if (!sameShape(b, shape)) {
    throw new ShapeError({
      op,
      arg,
      expected: `a shape broadcastable to the input's ${fmtShape(shape)}`,
      got: fmtShape(t.shape),
      message: `${op}: ${arg} of shape ${fmtShape(t.shape)} does not broadcast to the input's shape ${fmtShape(shape)}`,
    });
  }
  return expand(t, shape);
}

function sameSizeTarget(op: string, x: Tensor, t: Tensor): void {
  if (!sameShape(x.shape, t.shape)) {
    throw new ShapeError({
      op,
      arg: 'target',
      expected: `shape ${fmtShape(x.shape)} like input`,
      got: fmtShape(t.shape),
      message: `${op}: target size ${fmtShape(t.shape)} must be the same as input size ${fmtShape(x.shape)}`,
    });
  }
}

function pointAttrs(op: string, hasWeight: boolean, hasPosWeight: boolean): PointLossAttrs {
  return { op, hasWeight, hasPosWeight };
}

/** Mean (or sum) of (input - target)²; input and target broadcast against each other, as in PyTorch. */
export function mseLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  const op = 'mseLoss';
  const [x, t] = inputTarget(op, input, target);
  const reduction = readReduction(op, readOptions<ReductionOptions>(op, options, ['reduction']).reduction);
  const shape = broadcastShapes(op, x.shape, t.shape, 'input', 'target');
  return reduce(apply1(mseLossOp, [expand(x, shape), expand(t, shape)], pointAttrs(op, false, false)), reduction);
}

/** Mean (or sum) of |input - target|; input and target broadcast against each other. */
export function l1Loss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  const op = 'l1Loss';
  const [x, t] = inputTarget(op, input, target);
  const reduction = readReduction(op, readOptions<ReductionOptions>(op, options, ['reduction']).reduction);
  const shape = broadcastShapes(op, x.shape, t.shape, 'input', 'target');
  return reduce(apply1(l1LossOp, [expand(x, shape), expand(t, shape)], pointAttrs(op, false, false)), reduction);
}

/**
 * -w·(t·log x + (1-t)·log(1-x)) for probabilities x in [0, 1], each log clamped at -100 (so
 * x = 0 or 1 gives a finite loss). target has input's shape; weight broadcasts to it.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BinaryCrossEntropyOptions): Tensor {
  const op = 'binaryCrossEntropy';
  const [x, t] = inputTarget(op, input, target);
  const o = readOptions<BinaryCrossEntropyOptions>(op, options, ['weight', 'reduction']);
  const reduction = readReduction(op, o.reduction);
  sameSizeTarget(op, x, t);
  const w = optionalTensor(op, 'weight', o.weight);
  const inputs = [x, t];
  if (w) {
    expectSameDtype(op, [['input', x], ['weight', w]]);
    constantWeight(op, 'weight', w);
    inputs.push(broadcastArg(op, 'weight', w, x.shape));
  }
  return reduce(apply1(binaryCrossEntropyOp, inputs, pointAttrs(op, w !== null, false)), reduction);
}

/**
 * Binary cross-entropy of sigmoid(input) computed from the logits without overflow:
 * w·[(1-t)·x + lw·(log(1 + e^{-|x|}) + max(-x, 0))] with lw = 1 + (posWeight - 1)·t.
 * posWeight (e.g. one per class, shape [C]) and weight broadcast to the input's shape.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: BinaryCrossEntropyWithLogitsOptions): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const [x, t] = inputTarget(op, input, target);
  const o = readOptions<BinaryCrossEntropyWithLogitsOptions>(op, options, ['weight', 'posWeight', 'reduction']);
  const reduction = readReduction(op, o.reduction);
  sameSizeTarget(op, x, t);
  const w = optionalTensor(op, 'weight', o.weight);
  const pw = optionalTensor(op, 'posWeight', o.posWeight);
  const inputs = [x, t];
  for (const [arg, v] of [['weight', w], ['posWeight', pw]] as const) {
    if (!v) continue;
    expectSameDtype(op, [['input', x], [arg, v]]);
    constantWeight(op, arg, v);
    inputs.push(broadcastArg(op, arg, v, x.shape));
  }
  return reduce(apply1(binaryCrossEntropyWithLogitsOp, inputs, pointAttrs(op, w !== null, pw !== null)), reduction);
}

function readIgnoreIndex(op: string, v: unknown): number {
  if (v === undefined) return -100;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ValueError({ op, arg: 'options.ignoreIndex', expected: 'an integer', got: fmtValue(v) });
  }
  return v;
}

/**
 * Negative log-likelihood of log-probabilities `input` (C), (N, C) or (N, C, d1, ...) at int32
 * class indices `target` (), (N) or (N, d1, ...): -w[t]·input[n, t, ...]; targets equal to
 * ignoreIndex contribute 0 and are left out of the weighted mean.
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NllLossOptions): Tensor {
  const op = 'nllLoss';
  const x = expectTensor(op, 'input', input);
  const t = expectTensor(op, 'target', target);
  const o = readOptions<NllLossOptions>(op, options, ['weight', 'ignoreIndex', 'reduction']);
  const reduction = readReduction(op, o.reduction);
  const ignoreIndex = readIgnoreIndex(op, o.ignoreIndex);
  const w = optionalTensor(op, 'weight', o.weight);
  const [per, total] = apply(nllLossOp, w ? [x, t, w] : [x, t], { op, ignoreIndex, labelSmoothing: 0 });
  return reduce(per!, reduction, total!);
}

/**
 * log-softmax over the class dimension followed by the negative log-likelihood, for int32 class
 * indices (as nllLoss, plus labelSmoothing ε: the target becomes (1-ε)·onehot + ε/C), or for
 * float class probabilities of the input's shape (smoothed the same way; ignoreIndex must stay
 * negative, as PyTorch has no ignored class there).
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor {
  const op = 'crossEntropy';
  const x = expectTensor(op, 'input', input);
  const t = expectTensor(op, 'target', target);
  const o = readOptions<CrossEntropyOptions>(op, options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
  const reduction = readReduction(op, o.reduction);
  const ignoreIndex = readIgnoreIndex(op, o.ignoreIndex);
  const eps = o.labelSmoothing === undefined ? 0 : checkFinite(op, 'options.labelSmoothing', o.labelSmoothing, 'a number between 0 and 1');
  if (eps < 0 || eps > 1) {
    throw new ValueError({ op, arg: 'options.labelSmoothing', expected: 'a number between 0 and 1', got: fmtValue(eps) });
  }
  const w = optionalTensor(op, 'weight', o.weight);
  expectFloat(op, 'input', x);
  if (t.dtype === 'int32') {
    const [q, total] = apply(crossEntropyClassTargetOp, w ? [t, w] : [t], { op, ignoreIndex, labelSmoothing: eps, input: x });
    return reduce(apply1(softmaxCrossEntropyOp, [x, q!], op), reduction, total!);
  }
  return probabilityCrossEntropy(op, x, t, w, ignoreIndex, eps, reduction);
}

function probabilityCrossEntropy(op: string, x: Tensor, t: Tensor, w: Tensor | null, ignoreIndex: number, eps: number, reduction: Reduction): Tensor {
  if (t.dtype !== x.dtype) {
    throw new DTypeError({
      op,
      arg: 'target',
      expected: `int32 class indices or ${x.dtype} class probabilities like input`,
      got: `a ${t.dtype} tensor`,
    });
  }
  if (ignoreIndex >= 0) {
    throw new ValueError({
      op,
      arg: 'options.ignoreIndex',
      expected: 'a negative value (ignoreIndex is not supported for class-probability targets)',
      got: fmtValue(ignoreIndex),
      message: `${op}: ignoreIndex is not supported for floating-point (class-probability) targets, got ${ignoreIndex}`,
    });
  }
  if (x.shape.length === 0) {
    throw new ShapeError({ op, arg: 'input', expected: 'a tensor of shape (C), (N, C) or (N, C, d1, ...)', got: 'a 0-d tensor' });
  }
  if (!sameShape(x.shape, t.shape)) {
    throw new ShapeError({
      op,
      arg: 'target',
      expected: `int32 class indices, or class probabilities of the input's shape ${fmtShape(x.shape)}`,
      got: `a ${t.dtype} tensor of shape ${fmtShape(t.shape)}`,
      message: `${op}: expected a float target of the input's shape ${fmtShape(x.shape)} (class probabilities), got ${fmtShape(t.shape)}`,
    });
  }
  const classes = x.shape.length >= 2 ? x.shape[1]! : x.shape[0]!;
  if (w) {
    expectSameDtype(op, [['input', x], ['weight', w]]);
    if (w.shape.length !== 1 || w.shape[0] !== classes) {
      throw new ShapeError({
        op,
        arg: 'weight',
        expected: `shape [${classes}] (one weight per class)`,
        got: fmtShape(w.shape),
        message: `${op}: weight should have one entry per class (${classes}) but has shape ${fmtShape(w.shape)}`,
      });
    }
  }
  let q = eps > 0 ? add(mul(t, 1 - eps), eps / classes) : t;
  // weight [C] as [C, 1, ..., 1] so it broadcasts along the class dimension
  if (w) q = mul(q, x.shape.length > 2 ? reshape(w, [classes, ...x.shape.slice(2).map(() => 1)]) : w);
  return reduce(apply1(softmaxCrossEntropyOp, [x, q], op), reduction, x.numel / classes);
}
