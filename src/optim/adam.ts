/** Adam and AdamW (torch.optim.Adam / AdamW, torch 1.13 single-tensor update rules). */
import type { Tensor } from '../tensor.js';
import { tensor, zerosLike } from '../creation.js';
import { adamStep } from '../ops/optim_ops.js';
import type { BaseHyper, ParamGroup, ParamState, Params } from './optimizer.js';
import { Optimizer, checkBaseHyper, checkKeys } from './optimizer.js';
import { bool, nonNeg, numArray, readOpts, unitOpen } from './validate.js';

export interface AdamHyper extends BaseHyper {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

const KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'] as const;

function checker(op: string): (h: Record<string, unknown>, arg: string) => AdamHyper {
  return (h, arg) => {
    checkKeys(op, h, arg, KEYS);
    const base = checkBaseHyper(op, h, arg);
    const b = numArray(op, `${arg}.betas`, h['betas'], 2, (a, x) => unitOpen(op, a, x));
    return {
      ...base,
      betas: [b[0]!, b[1]!],
      eps: nonNeg(op, `${arg}.eps`, h['eps']),
      weightDecay: nonNeg(op, `${arg}.weightDecay`, h['weightDecay']),
      amsgrad: bool(op, `${arg}.amsgrad`, h['amsgrad']),
      maximize: bool(op, `${arg}.maximize`, h['maximize']),
    };
  };
}

function defaultsFrom(op: string, options: AdamOptions | undefined, weightDecay: number): AdamHyper {
  const o = readOpts<AdamOptions>(op, options, KEYS);
  return checker(op)(
    {
      lr: o.lr ?? 1e-3,
      betas: o.betas === undefined ? [0.9, 0.999] : Array.isArray(o.betas) ? o.betas.slice() : o.betas,
      eps: o.eps ?? 1e-8,
      weightDecay: o.weightDecay ?? weightDecay,
      amsgrad: o.amsgrad ?? false,
      maximize: o.maximize ?? false,
    },
    'options',
  );
}

/**
 * The shared Adam step for one parameter. `decoupled` selects AdamW: p *= 1 − lr·wd before the
 * moment update instead of adding wd·p to the gradient.
 *
 *   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  t += 1
 *   v̂ = amsgrad ? (vmax = max(vmax, v)) : v
 *   p −= lr / (1 − β1ᵗ) · m / (√v̂ / √(1 − β2ᵗ) + eps)
 * State: `step` (0-d float32 tensor, as torch), `expAvg`, `expAvgSq`, and `maxExpAvgSq` with amsgrad.
 */
function adamUpdate(group: AdamHyper, p: Tensor, grad: Tensor, state: ParamState, decoupled: boolean): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = group.betas;
  const fresh = (): Tensor => zerosLike(p);
  let stepT = state['step'];
  if (stepT === undefined) {
    stepT = tensor(0);
    state['expAvg'] = fresh();
    state['expAvgSq'] = fresh();
    if (amsgrad) state['maxExpAvgSq'] = fresh();
  }
  let maxSq = state['maxExpAvgSq'];
  if (amsgrad && maxSq === undefined) {
    // amsgrad switched on after the state was created (e.g. via paramGroups): start the max at zero
    maxSq = fresh();
    state['maxExpAvgSq'] = maxSq;
  }
  // the step count is a 0-d float32 tensor, as torch's (replaced, not written: it lives in JavaScript memory)
  const step = Math.fround(stepT.item() + 1);
  state['step'] = tensor(step);
  const h = { lr, beta1, beta2, eps, weightDecay, maximize, decoupled, step };
  adamStep(p, grad, state['expAvg']!, state['expAvgSq']!, amsgrad ? maxSq! : null, h);
}

/** `new Adam(params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false })`. */
export class Adam extends Optimizer<AdamHyper> {
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super('Adam', params, defaultsFrom('Adam', options, 0), checker('Adam'));
  }

  protected update(group: ParamGroup<AdamHyper>, p: Tensor, grad: Tensor, state: ParamState): void {
    adamUpdate(group, p, grad, state, false);
  }
}

/**
 * `new AdamW(params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false, maximize = false })`:
 * Adam with decoupled weight decay p *= 1 − lr·weightDecay.
 */
export class AdamW extends Optimizer<AdamHyper> {
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super('AdamW', params, defaultsFrom('AdamW', options, 1e-2), checker('AdamW'));
  }

  protected update(group: ParamGroup<AdamHyper>, p: Tensor, grad: Tensor, state: ParamState): void {
    adamUpdate(group, p, grad, state, true);
  }
}
