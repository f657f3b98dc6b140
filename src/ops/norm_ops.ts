/**
 * The two primitives behind batchNorm, layerNorm and groupNorm (public functions in norm.ts).
 * The input is seen as [A, G, B]: group g holds the A·B elements (a, g, b) — for batchNorm
 * A = N, G = C, B = spatial size; for layerNorm A = 1, G = rows, B = normalized size; for
 * groupNorm A = 1, G = N·groups, B = (C/groups)·spatial size.
 *
 * - `normStandardize(x)` → [x̂, mean, var, rstd] per group, x̂ = (x - mean)·rstd,
 *   var biased, rstd = 1/√(var + eps).
 * - `normAffine(x, w, b)` → x·w[g] + b[g] (weights per group of the same [A, G, B] view).
 *
 * Backward, with M = A·B elements per group and means m(·) over a group:
 * - x̂'s Jacobian is symmetric: ∂x̂/∂x · h = r·(h - m(h) - x̂·m(h·x̂)), the fused op
 *   `normStandardizeBackward(h, x̂, r)`; ∂mean/∂x = 1/M, ∂var/∂x = 2x̂/(r·M), ∂r/∂x = -r²·x̂/M.
 * - `normStandardizeBackward` treats (h, x̂, r) as independent inputs; with cotangent u its
 *   partials are: in h, itself applied to u; in x̂, -r·(m(h·x̂)·u + m(u·x̂)·h); in r,
 *   Σ_group u·(h - m(h) - x̂·m(h·x̂)). Chained through normStandardize's vjp (x̂ and r are its
 *   outputs) this gives exact gradients of any order.
 * - `normAffine`'s parameter gradients are `normAffineGrad(g, x)` = [Σ g·x, Σ g] per group,
 *   whose own vjp is normAffine again.
 */
import { ShapeError, fmtShape } from '../errors.js';
import { numel, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef, OpInfo } from '../op.js';
import { apply, apply1, defineOp, expectFloat, expectSameDtype } from '../op.js';
import { add, div, mul, neg, sub } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './movement.js';
import { zerosLike } from '../creation.js';
import { normKernels } from '../backends/reference/norm.js';
import type { NormInfo, RunningUpdateInfo } from '../plans.js';
export type { NormInfo, RunningUpdateInfo } from '../plans.js';

export interface NormLayout {
  readonly A: number;
  readonly G: number;
  readonly B: number;
}

export interface StandardizeAttrs extends NormLayout {
  readonly eps: number;
}

function checkLayout(op: string, x: Tensor, l: NormLayout): void {
  if (l.A * l.G * l.B !== x.numel) {
    throw new ShapeError({ op, arg: 'input', expected: `${l.A * l.G * l.B} elements ([${l.A}, ${l.G}, ${l.B}])`, got: fmtShape(x.shape) });
  }
}

function checkGroupVector(op: string, arg: string, t: Tensor, G: number): void {
  if (t.shape.length !== 1 || t.shape[0] !== G) {
    throw new ShapeError({ op, arg, expected: `shape [${G}]`, got: fmtShape(t.shape) });
  }
}

/** The tape's zero fill-in for an output nothing used contributes nothing. */
function isInertZero(t: Tensor): boolean {
  return t._fillIn && !t.requiresGrad;
}

const view3 = (t: Tensor, l: NormLayout): Tensor => reshape(t, [l.A, l.G, l.B]);
const perGroup = (t: Tensor, l: NormLayout): Tensor => reshape(t, [1, l.G, 1]);
/** Σ over each group, kept as [1, G, 1]. */
const groupSum = (t3: Tensor): Tensor => sum(t3, [0, 2], { keepdim: true });

export const normStandardizeOp: OpDef<StandardizeAttrs, NormInfo> = defineOp<StandardizeAttrs, NormInfo>({
  name: 'normStandardize',
  reference: normKernels.normStandardize,
  info: ([x], a) => {
    expectFloat('normStandardize', 'input', x!);
    checkLayout('normStandardize', x!, a);
    const s = [a.G];
    return { ...a, shape: x!.shape, outShapes: [x!.shape, s, s, s], outDtypes: [x!.dtype, x!.dtype, x!.dtype, x!.dtype] };
  },
  macs: (i) => 3 * numel(i.shape),
  vjp: ({ outputs: [xh, , , r], info }, [gxh, gmean, gvar, gr]) => {
    const M = info.A * info.B;
    let gx = view3(apply1(normStandardizeBackwardOp, [gxh!, xh!, r!], info), info);
    if (!isInertZero(gmean!)) gx = add(gx, div(perGroup(gmean!, info), M));
    const useVar = !isInertZero(gvar!);
    const useR = !isInertZero(gr!);
    if (useVar || useR) {
      const r3 = perGroup(r!, info);
      let coef: Tensor | null = null;
      if (useVar) coef = div(mul(perGroup(gvar!, info), 2 / M), r3);
      if (useR) {
        const t = mul(mul(r3, r3), mul(perGroup(gr!, info), -1 / M));
        coef = coef ? add(coef, t) : t;
      }
      gx = add(gx, mul(view3(xh!, info), coef!));
    }
    return [reshape(gx, info.shape)];
  },
});

export const normStandardizeBackwardOp: OpDef<NormInfo, NormInfo> = defineOp<NormInfo, NormInfo>({
  name: 'normStandardizeBackward',
  reference: normKernels.normStandardizeBackward,
  info: ([h, xh, r], plan) => {
    const op = 'normStandardizeBackward';
    expectSameDtype(op, [['grad', h!], ['normalized', xh!], ['rstd', r!]]);
    if (!sameShape(h!.shape, plan.shape) || !sameShape(xh!.shape, plan.shape)) {
      throw new ShapeError({ op, arg: 'grad', expected: `shape ${fmtShape(plan.shape)}`, got: `${fmtShape(h!.shape)} and ${fmtShape(xh!.shape)}` });
    }
    checkGroupVector(op, 'rstd', r!, plan.G);
    return { ...plan, outShapes: [plan.shape], outDtypes: [h!.dtype] };
  },
  vjp: ({ inputs: [h, xh, r], info, needs }, [u]) => {
    const M = info.A * info.B;
    const h3 = view3(h!, info);
    const x3 = view3(xh!, info);
    const u3 = view3(u!, info);
    const r3 = perGroup(r!, info);
    const c = div(groupSum(mul(h3, x3)), M); // m(h·x̂)
    let gh: Tensor | null = null;
    let gxh: Tensor | null = null;
    let gr: Tensor | null = null;
    if (needs[0]) gh = apply1(normStandardizeBackwardOp, [u!, xh!, r!], info);
    if (needs[1]) {
      const ux = div(groupSum(mul(u3, x3)), M); // m(u·x̂)
      gxh = reshape(neg(mul(r3, add(mul(c, u3), mul(ux, h3)))), info.shape);
    }
    if (needs[2]) {
      const centred = sub(sub(h3, div(groupSum(h3), M)), mul(x3, c));
      gr = reshape(groupSum(mul(u3, centred)), [info.G]);
    }
    return [gh, gxh, gr];
  },
});

export const normAffineOp: OpDef<NormLayout, NormInfo> = defineOp<NormLayout, NormInfo>({
  name: 'normAffine',
  reference: normKernels.normAffine,
  info: ([x, w, b], l) => {
    const op = 'normAffine';
    expectFloat(op, 'input', x!);
    expectSameDtype(op, [['input', x!], ['weight', w!], ['bias', b!]]);
    checkLayout(op, x!, l);
    checkGroupVector(op, 'weight', w!, l.G);
    checkGroupVector(op, 'bias', b!, l.G);
    return { ...l, eps: 0, shape: x!.shape, outShapes: [x!.shape], outDtypes: [x!.dtype] };
  },
  macs: (i) => numel(i.shape),
  vjp: ({ inputs: [x, w], info, needs }, [g]) => {
    const l: NormLayout = { A: info.A, G: info.G, B: info.B };
    const gx = needs[0] ? apply1(normAffineOp, [g!, w!, zerosLike(w!)], l) : null;
    const [gw, gb] = needs[1] || needs[2] ? apply(normAffineGradOp, [g!, x!], l) : [null, null];
    return [gx, needs[1] ? gw! : null, needs[2] ? gb! : null];
  },
});

export const normAffineGradOp: OpDef<NormLayout, NormInfo> = defineOp<NormLayout, NormInfo>({
  name: 'normAffineGrad',
  reference: normKernels.normAffineGrad,
  info: ([g, x], l) => {
    const op = 'normAffineGrad';
    expectSameDtype(op, [['grad', g!], ['input', x!]]);
    if (!sameShape(g!.shape, x!.shape)) throw new ShapeError({ op, arg: 'grad', expected: `shape ${fmtShape(x!.shape)}`, got: fmtShape(g!.shape) });
    checkLayout(op, x!, l);
    return { ...l, eps: 0, shape: x!.shape, outShapes: [[l.G], [l.G]], outDtypes: [x!.dtype, x!.dtype] };
  },
  macs: (i) => numel(i.shape),
  // [Σ g·x, Σ g] is linear in g (adjoint: normAffine(x, uw, ub)) and in x (adjoint: g·uw)
  vjp: ({ inputs: [g, x], info, needs }, [uw, ub]) => {
    const l: NormLayout = { A: info.A, G: info.G, B: info.B };
    return [
      needs[0] ? apply1(normAffineOp, [x!, uw!, ub!], l) : null,
      needs[1] ? apply1(normAffineOp, [g!, uw!, zerosLike(uw!)], l) : null,
    ];
  },
});

/**
 * Batch norm's running statistics, in place: running ← (1 − momentum)·running + momentum·batch·scale
 * (scale = M/(M − 1) turns the biased batch variance into the unbiased one, as PyTorch does).
 */
export const runningUpdateOp = defineOp<{ momentum: number; scale: number }, RunningUpdateInfo>({
  name: 'runningUpdate',
  reference: normKernels.runningUpdate,
  inplace: [0],
  info: ([r, s], a) => {
    if (!sameShape(r!.shape, s!.shape)) throw new ShapeError({ op: 'batchNorm', arg: 'running statistics', expected: fmtShape(s!.shape), got: fmtShape(r!.shape) });
    expectSameDtype('batchNorm', [['running statistics', r!], ['batch statistics', s!]]);
    return { outShapes: [r!.shape], outDtypes: [r!.dtype], momentum: a.momentum, scale: a.scale };
  },
});

export function runningUpdate(running: Tensor, batch: Tensor, momentum: number, scale: number): void {
  apply(runningUpdateOp, [running, batch], { momentum, scale });
}
