/**
 * The optimizer updates as fused in-place ops, one per parameter: the parameter and its state
 * are written where they live (docs/STORAGE.md), in one pass, so a backend runs a whole update as
 * one kernel. The optimizers (src/optim) validate hyper-parameters; these check shapes and dtypes.
 *
 *   sgd:   d = g (−g when maximising) + weightDecay·p;  buf = fresh ? d : momentum·buf + (1 − dampening)·d;
 *          d = nesterov ? d + momentum·buf : buf (when momentum ≠ 0);  p −= lr·d
 *   adam:  p *= 1 − lr·wd (AdamW) or g += wd·p (Adam);  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;
 *          v̂ = amsgrad ? (vmax = max(vmax, v)) : v;  p −= lr/(1 − β1ᵗ) · m / (√v̂/√(1 − β2ᵗ) + eps)
 */
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply, defineOp } from '../op.js';
import { optimKernels } from '../backends/reference/optim.js';
import type { SgdInfo, AdamInfo } from '../plans.js';
export type { SgdInfo, AdamInfo } from '../plans.js';

export interface SgdHyper {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly maximize: boolean;
}

export interface AdamHyperParams {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
  /** AdamW's decoupled weight decay. */
  readonly decoupled: boolean;
  /** The step number t after this update (1 on the first). */
  readonly step: number;
}

/** Every tensor has the parameter's shape and dtype, and the parameter is a float tensor. */
function check(op: string, names: readonly string[], ts: readonly Tensor[]): void {
  const p = ts[0]!;
  if (p.dtype === 'int32') throw new DTypeError({ op, arg: 'param', expected: 'a float32 or float64 parameter', got: 'int32' });
  ts.forEach((t, i) => {
    if (!sameShape(t.shape, p.shape)) throw new ShapeError({ op, arg: names[i]!, expected: `shape ${fmtShape(p.shape)} (the parameter's)`, got: fmtShape(t.shape) });
    if (t.dtype !== p.dtype) throw new DTypeError({ op, arg: names[i]!, expected: `${p.dtype} (the parameter's dtype)`, got: t.dtype });
  });
}

const sgdInfo = (inputs: readonly Tensor[], a: SgdHyper & { fresh: boolean }): SgdInfo => {
  check('sgd', ['param', 'grad', 'momentumBuffer'], inputs);
  const p = inputs[0]!;
  const outs = inputs.length === 3 ? 2 : 1;
  return { outShapes: new Array(outs).fill(p.shape), outDtypes: new Array(outs).fill(p.dtype), n: p.numel, ...a };
};

export const sgdOp = defineOp<SgdHyper & { fresh: boolean }, SgdInfo>({ name: 'sgd', reference: optimKernels.sgd, inplace: [0], info: sgdInfo });
export const sgdMomentumOp = defineOp<SgdHyper & { fresh: boolean }, SgdInfo>({
  name: 'sgdMomentum',
  reference: optimKernels.sgd,
  kernelOf: sgdOp,
  inplace: [0, 2],
  info: sgdInfo,
});

const adamInfo = (inputs: readonly Tensor[], a: AdamHyperParams): AdamInfo => {
  check('adam', ['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq'], inputs);
  const p = inputs[0]!;
  const outs = inputs.length - 1;
  return { outShapes: new Array(outs).fill(p.shape), outDtypes: new Array(outs).fill(p.dtype), n: p.numel, amsgrad: inputs.length === 5, ...a };
};

export const adamOp = defineOp<AdamHyperParams, AdamInfo>({ name: 'adam', reference: optimKernels.adam, inplace: [0, 2, 3], info: adamInfo });
export const adamAmsgradOp = defineOp<AdamHyperParams, AdamInfo>({
  name: 'adamAmsgrad',
  reference: optimKernels.adam,
  kernelOf: adamOp,
  inplace: [0, 2, 3, 4],
  info: adamInfo,
});

/** One SGD update of `p` (and its momentum buffer `buf`, when given) in place. */
export function sgdStep(p: Tensor, grad: Tensor, buf: Tensor | null, h: SgdHyper, fresh: boolean): void {
  if (buf) apply(sgdMomentumOp, [p, grad, buf], { ...h, fresh });
  else apply(sgdOp, [p, grad], { ...h, fresh });
}

/** One Adam/AdamW update of `p` and its moments (and running maximum with amsgrad) in place. */
export function adamStep(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, vmax: Tensor | null, h: AdamHyperParams): void {
  apply(vmax ? adamAmsgradOp : adamOp, vmax ? [p, grad, m, v, vmax] : [p, grad, m, v], h);
}
