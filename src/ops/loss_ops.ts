/**
 * The ops behind the losses (public functions in loss.ts).
 *
 * Point-wise losses (`mseLoss`, `l1Loss`, `binaryCrossEntropy`, `binaryCrossEntropyWithLogits`)
 * take inputs already broadcast to one shape and return the unreduced loss; the reduction is
 * applied with public ops.
 *
 * Class losses see the input as [outer, C, inner] (N, classes, product of extra dimensions):
 * - `nllLoss(x, target, weight?)` → [per-position loss -w[t]·x[n, t, d], Σ w[t] over kept
 *   positions]; its backward `nllLossBackward` scatters -w[t]·g back; each is the other's adjoint.
 * - Cross-entropy is one primitive for class-index and probability targets alike:
 *   `softmaxCrossEntropy(x, Q)` = Σ_c Q_c·(-log softmax(x)_c) per position, where Q is the
 *   (weighted, smoothed) target distribution. For class indices with smoothing ε,
 *   Q = (1-ε)·w[t]·onehot(t) + (ε/C)·w, which is exactly PyTorch's (1-ε)·nll + (ε/C)·smooth
 *   term by term; `crossEntropyClassTarget` builds that Q and the mean's divisor Σ w[t].
 *   The gradient is (p·ΣQ - Q)·g (p = softmax(x)), fused in `softmaxCrossEntropyBackward`.
 */
import { DTypeError, GradError, ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import { backendByName } from '../backend.js';
import type { OpDef, OpInfo } from '../op.js';
import { apply, apply1, defineOp, expectFloat, expectSameDtype } from '../op.js';
import { isGradEnabled } from '../autograd/tape.js';
import { clamp, div, log, log1p, mul, neg, sign, sub } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './movement.js';
import { onesLike } from '../creation.js';
import { logSoftmax, sigmoid, softmax, softplusOps } from './activation.js';
import { softmaxBackwardOp } from './activation_softmax.js';
import { lossKernels } from '../backends/reference/loss.js';
import type { PointLossInfo, ClassInfo, SoftmaxCeInfo } from '../plans.js';
export type { PointLossInfo, ClassInfo, SoftmaxCeInfo } from '../plans.js';

// ---- point-wise losses ------------------------------------------------------------------------

export interface PointLossAttrs {
  readonly op: string;
  readonly hasWeight: boolean;
  readonly hasPosWeight: boolean;
}

/** All inputs of one float dtype and one shape (the public functions broadcast beforehand). */
function pointInfo(inputs: readonly Tensor[], a: PointLossAttrs): PointLossInfo {
  const names = ['input', 'target', ...(a.hasWeight ? ['weight'] : []), ...(a.hasPosWeight ? ['posWeight'] : [])];
  const x = inputs[0]!;
  expectFloat(a.op, 'input', x);
  expectSameDtype(a.op, inputs.map((t, i) => [names[i]!, t] as [string, Tensor]));
  inputs.forEach((t, i) => {
    if (!sameShape(t.shape, x.shape)) {
      throw new ShapeError({ op: a.op, arg: names[i]!, expected: `shape ${fmtShape(x.shape)}`, got: fmtShape(t.shape) });
    }
  });
  return { outShapes: [x.shape], outDtypes: [x.dtype], n: x.numel, hasWeight: a.hasWeight, hasPosWeight: a.hasPosWeight };
}

export const mseLossOp = defineOp<PointLossAttrs, PointLossInfo>({
  name: 'mseLoss',
  reference: lossKernels.mseLoss,
  info: pointInfo,
  macs: (i) => i.n,
  vjp: ({ inputs: [x, t], needs }, [g]) => {
    const gx = mul(mul(sub(x!, t!), 2), g!);
    return [needs[0] ? gx : null, needs[1] ? neg(gx) : null];
  },
});

export const l1LossOp = defineOp<PointLossAttrs, PointLossInfo>({
  name: 'l1Loss',
  reference: lossKernels.l1Loss,
  info: pointInfo,
  // d|x - t|/dx = sign(x - t), 0 where x = t (as in PyTorch)
  vjp: ({ inputs: [x, t], needs }, [g]) => {
    const gx = mul(sign(sub(x!, t!)), g!);
    return [needs[0] ? gx : null, needs[1] ? neg(gx) : null];
  },
});

/** Whether t's values can be read synchronously (in JavaScript memory, or on a device that reads synchronously). */
function readableNow(t: Tensor): boolean {
  return t.device === 'host' || backendByName(t.device)?.device?.syncReads === true;
}

export const binaryCrossEntropyOp = defineOp<PointLossAttrs, PointLossInfo>({
  name: 'binaryCrossEntropy',
  reference: lossKernels.binaryCrossEntropy,
  info: (inputs, a) => {
    const info = pointInfo(inputs, a);
    // values on a GPU cannot be read here: the GPU kernel checks them (its error comes at the next read)
    if (!readableNow(inputs[0]!)) return info;
    const x = valuesOf(inputs[0]!);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (!(v >= 0 && v <= 1)) {
        throw new ValueError({
          op: a.op,
          arg: 'input',
          expected: 'probabilities between 0 and 1',
          got: `${v} at flat index ${i}`,
          message: `${a.op}: all elements of input should be between 0 and 1, got ${v} at flat index ${i}`,
        });
      }
    }
    return info;
  },
  // PyTorch's derivatives: ∂/∂x = w·(x - t)/max((1-x)·x, 1e-12); ∂/∂t = w·(log(1-x) - log x) (unclamped)
  vjp: ({ inputs, info, needs }, [g]) => {
    const [x, t] = inputs as [Tensor, Tensor];
    const gw = info.hasWeight ? mul(g!, inputs[2]!) : g!;
    return [
      needs[0] ? mul(gw, div(sub(x, t), clamp(mul(sub(1, x), x), { min: 1e-12 }))) : null,
      needs[1] ? mul(gw, sub(log1p(neg(x)), log(x))) : null,
      null,
    ];
  },
});

export const binaryCrossEntropyWithLogitsOp = defineOp<PointLossAttrs, PointLossInfo>({
  name: 'binaryCrossEntropyWithLogits',
  reference: lossKernels.binaryCrossEntropyWithLogits,
  info: pointInfo,
  // loss = w·[(1-t)x + lw·softplus(-x)], lw = 1 + (pw-1)t.
  // ∂/∂x = w·(lw·σ(x) - pw·t); ∂/∂t = w·(-x + (pw-1)·softplus(-x)).
  vjp: ({ inputs, info, needs }, [g]) => {
    const [x, t] = inputs as [Tensor, Tensor];
    const w = info.hasWeight ? inputs[2]! : null;
    const pw = info.hasPosWeight ? inputs[info.hasWeight ? 3 : 2]! : null;
    const gw = w ? mul(g!, w) : g!;
    let gx: Tensor | null = null;
    let gt: Tensor | null = null;
    if (needs[0]) {
      const s = sigmoid(x);
      gx = pw ? mul(gw, sub(mul(s, sub(1, mul(t, sub(1, pw)))), mul(pw, t))) : mul(gw, sub(s, t));
    }
    if (needs[1]) {
      gt = pw ? mul(gw, sub(mul(sub(pw, 1), softplusExact(neg(x))), x)) : mul(gw, neg(x));
    }
    return [gx, gt, ...inputs.slice(2).map(() => null)];
  },
});

/** softplus with a threshold high enough that the identity branch is exact in float64. */
function softplusExact(x: Tensor): Tensor {
  return apply1(softplusOps.forwardOp, [x], { param: 1, threshold: 50, approximate: 'none' });
}

// ---- class losses -------------------------------------------------------------------------------

export interface ClassLayout {
  readonly outer: number;
  readonly classes: number;
  readonly inner: number;
  /** The input's shape; the per-position shape (class dimension removed); and with it kept as 1. */
  readonly inShape: Shape;
  readonly posShape: Shape;
  readonly keptShape: Shape;
}

/** Input (C), (N, C) or (N, C, d1, ...) with matching class-index target (), (N), (N, d1, ...). */
export function classLayout(op: string, input: Tensor, target: Tensor): ClassLayout {
  const s = input.shape;
  if (s.length === 0) {
    throw new ShapeError({ op, arg: 'input', expected: 'a tensor of shape (C), (N, C) or (N, C, d1, ...)', got: 'a 0-d tensor' });
  }
  const batched = s.length >= 2;
  const posShape = batched ? [s[0]!, ...s.slice(2)] : [];
  const t = target.shape;
  if (batched && (t.length === 0 || t[0] !== s[0])) {
    throw new ShapeError({
      op,
      arg: 'target',
      expected: `batch size ${s[0]}`,
      got: t.length === 0 ? 'a 0-d target' : `batch size ${t[0]}`,
      message: `${op}: expected input batch size (${s[0]}) to match target batch size (${t.length === 0 ? 'a 0-d target' : t[0]})`,
    });
  }
  if (!sameShape(t, posShape)) {
    throw new ShapeError({
      op,
      arg: 'target',
      expected: `shape ${fmtShape(posShape)} for input of shape ${fmtShape(s)}`,
      got: fmtShape(t),
      message: `${op}: expected target of shape ${fmtShape(posShape)} for input of shape ${fmtShape(s)}, got ${fmtShape(t)}`,
    });
  }
  const classes = batched ? s[1]! : s[0]!;
  let inner = 1;
  for (let i = 2; i < s.length; i++) inner *= s[i]!;
  const keptShape = batched ? [s[0]!, 1, ...s.slice(2)] : [1];
  return { outer: batched ? s[0]! : 1, classes, inner, inShape: s, posShape, keptShape };
}

/** Every target value is a class in [0, C) or the ignore index; names the first offender. */
export function checkClassTargets(op: string, target: Tensor, classes: number, ignoreIndex: number): void {
  if (target.dtype !== 'int32') {
    throw new DTypeError({ op, arg: 'target', expected: 'an int32 tensor of class indices', got: `a ${target.dtype} tensor` });
  }
  const d = valuesOf(target);
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= classes)) {
      const pos: number[] = [];
      let r = i;
      for (let k = target.shape.length - 1; k >= 0; k--) {
        pos.unshift(r % target.shape[k]!);
        r = Math.floor(r / target.shape[k]!);
      }
      throw new ValueError({
        op,
        arg: 'target',
        expected: `class indices in [0, ${classes - 1}] or ignoreIndex ${ignoreIndex}`,
        got: `${v} at position ${fmtShape(pos)}`,
        message: `${op}: target ${v} at position ${fmtShape(pos)} is out of bounds for ${classes} classes (expected 0 <= target < ${classes}, or ignoreIndex ${ignoreIndex})`,
      });
    }
  }
}

/** A class-weight vector: shape (C), the input's dtype, and (as in PyTorch) not differentiable. */
export function checkClassWeight(op: string, weight: Tensor, input: Tensor, classes: number): void {
  expectSameDtype(op, [['input', input], ['weight', weight]]);
  if (weight.shape.length !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError({
      op,
      arg: 'weight',
      expected: `shape [${classes}] (one weight per class)`,
      got: fmtShape(weight.shape),
      message: `${op}: weight should have one entry per class (${classes}) but has shape ${fmtShape(weight.shape)}`,
    });
  }
  constantWeight(op, 'weight', weight);
}

/** Loss weights are constants in PyTorch; a weight that requires grad is refused as there. */
export function constantWeight(op: string, arg: string, w: Tensor): void {
  if (w.requiresGrad && isGradEnabled()) {
    throw new GradError({
      op,
      arg,
      expected: `a ${arg} that does not require grad`,
      got: 'a tensor with requiresGrad = true',
      message: `${op}: ${arg} is not differentiable (as in PyTorch); pass ${arg}.detach()`,
    });
  }
}

export interface ClassAttrs {
  readonly op: string;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
}

function classInfo(op: string, x: Tensor, target: Tensor, weight: Tensor | undefined, a: ClassAttrs): Omit<ClassInfo, 'outShapes' | 'outDtypes'> {
  expectFloat(op, 'input', x);
  const layout = classLayout(op, x, target);
  checkClassTargets(op, target, layout.classes, a.ignoreIndex);
  if (weight) checkClassWeight(op, weight, x, layout.classes);
  return { ...layout, ignoreIndex: a.ignoreIndex, labelSmoothing: a.labelSmoothing, hasWeight: weight !== undefined };
}

export const nllLossOp: OpDef<ClassAttrs, ClassInfo> = defineOp<ClassAttrs, ClassInfo>({
  name: 'nllLoss',
  reference: lossKernels.nllLoss,
  info: ([x, target, weight], a) => {
    const i = classInfo(a.op, x!, target!, weight, a);
    return { ...i, outShapes: [i.posShape, []], outDtypes: [x!.dtype, x!.dtype] };
  },
  // the second output (the divisor Σ w[t]) does not depend on x
  vjp: ({ inputs: [, target, weight], info }, [g]) => [
    apply1(nllLossBackwardOp, weight ? [reshape(g!, info.keptShape), target!, weight] : [reshape(g!, info.keptShape), target!], info),
    null,
    null,
  ],
});

export const nllLossBackwardOp: OpDef<ClassInfo, ClassInfo> = defineOp<ClassInfo, ClassInfo>({
  name: 'nllLossBackward',
  reference: lossKernels.nllLossBackward,
  info: ([g], plan) => {
    if (!sameShape(g!.shape, plan.keptShape)) {
      throw new ShapeError({ op: 'nllLossBackward', arg: 'grad', expected: `shape ${fmtShape(plan.keptShape)}`, got: fmtShape(g!.shape) });
    }
    return { ...plan, outShapes: [plan.inShape], outDtypes: [g!.dtype] };
  },
  vjp: ({ inputs: [, target, weight], info }, [u]) => [
    reshape(apply(nllLossOp, weight ? [u!, target!, weight] : [u!, target!], { op: 'nllLoss', ignoreIndex: info.ignoreIndex, labelSmoothing: 0 })[0]!, info.keptShape),
    null,
    null,
  ],
});

/** [Q, divisor]: Q = (1-ε)·w[t]·onehot(t) + (ε/C)·w per kept position (0 where ignored). */
export const crossEntropyClassTargetOp = defineOp<ClassAttrs & { readonly input: Tensor }, ClassInfo>({
  name: 'crossEntropyClassTarget',
  reference: lossKernels.crossEntropyClassTarget,
  info: ([target, weight], a) => {
    const i = classInfo(a.op, a.input, target!, weight, a);
    return { ...i, outShapes: [i.inShape, []], outDtypes: [a.input.dtype, a.input.dtype] };
  },
});

export const softmaxCrossEntropyOp: OpDef<string, SoftmaxCeInfo> = defineOp<string, SoftmaxCeInfo>({
  name: 'softmaxCrossEntropy',
  reference: lossKernels.softmaxCrossEntropy,
  info: ([x, q], op) => {
    expectFloat(op, 'input', x!);
    expectSameDtype(op, [['input', x!], ['target', q!]]);
    if (!sameShape(x!.shape, q!.shape)) {
      throw new ShapeError({
        op,
        arg: 'target',
        expected: `shape ${fmtShape(x!.shape)} like input (class probabilities)`,
        got: fmtShape(q!.shape),
        message: `${op}: expected target of shape ${fmtShape(x!.shape)} (class probabilities like input), got ${fmtShape(q!.shape)}`,
      });
    }
    const s = x!.shape;
    if (s.length === 0) throw new ShapeError({ op, arg: 'input', expected: 'a tensor of shape (C), (N, C) or (N, C, d1, ...)', got: 'a 0-d tensor' });
    const batched = s.length >= 2;
    let inner = 1;
    for (let i = 2; i < s.length; i++) inner *= s[i]!;
    const layout: ClassLayout = {
      outer: batched ? s[0]! : 1,
      classes: batched ? s[1]! : s[0]!,
      inner,
      inShape: s,
      posShape: batched ? [s[0]!, ...s.slice(2)] : [],
      keptShape: batched ? [s[0]!, 1, ...s.slice(2)] : [1],
    };
    return { ...layout, outShapes: [layout.posShape], outDtypes: [x!.dtype] };
  },
  macs: (i) => i.outer * i.classes * i.inner,
  vjp: ({ inputs: [x, q], info, needs }, [g]) => {
    const gk = reshape(g!, info.keptShape);
    const cd = info.inShape.length >= 2 ? 1 : 0;
    return [
      needs[0] ? apply1(softmaxCrossEntropyBackwardOp, [gk, x!, q!], info) : null,
      needs[1] ? mul(neg(logSoftmax(x!, cd)), gk) : null,
    ];
  },
});

/**
 * B(g, x, Q) = (p·A - Q)·g with p = softmax(x), A = Σ_c Q_c. Linear in g and Q; in x it is
 * A·g·(softmax Jacobian), so the vjp in x is softmaxBackward(u·g·A, p); in Q it is g·(Σ u·p - u).
 */
export const softmaxCrossEntropyBackwardOp: OpDef<SoftmaxCeInfo, SoftmaxCeInfo> = defineOp<SoftmaxCeInfo, SoftmaxCeInfo>({
  name: 'softmaxCrossEntropyBackward',
  reference: lossKernels.softmaxCrossEntropyBackward,
  info: ([g, x], plan) => {
    if (!sameShape(g!.shape, plan.keptShape)) {
      throw new ShapeError({ op: 'softmaxCrossEntropyBackward', arg: 'grad', expected: `shape ${fmtShape(plan.keptShape)}`, got: fmtShape(g!.shape) });
    }
    return { ...plan, outShapes: [plan.inShape], outDtypes: [x!.dtype] };
  },
  vjp: ({ inputs: [g, x, q], info, needs }, [u]) => {
    const cd = info.inShape.length >= 2 ? 1 : 0;
    const p = needs[1] || needs[2] ? softmax(x!, cd) : null;
    return [
      needs[0] ? mul(u!, apply1(softmaxCrossEntropyBackwardOp, [onesLike(g!), x!, q!], info)) : null,
      needs[1] ? apply1(softmaxBackwardOp, [mul(u!, mul(g!, sum(q!, cd, { keepdim: true }))), p!], cd) : null,
      needs[2] ? mul(g!, sub(sum(mul(u!, p!), cd, { keepdim: true }), u!)) : null,
    ];
  },
});
