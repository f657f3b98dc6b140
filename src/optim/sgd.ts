/** Stochastic gradient descent with momentum (torch.optim.SGD, torch 1.13 update rule). */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { zerosLike } from '../creation.js';
import { sgdStep } from '../ops/optim_ops.js';
import type { BaseHyper, ParamGroup, ParamState, Params } from './optimizer.js';
import { Optimizer, checkBaseHyper, checkKeys } from './optimizer.js';
import { bool, nonNeg, readOpts } from './validate.js';

export interface SGDHyper extends BaseHyper {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  maximize?: boolean;
}

const KEYS = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay', 'maximize'] as const;

function checkSGD(h: Record<string, unknown>, arg: string): SGDHyper {
  const op = 'SGD';
  checkKeys(op, h, arg, KEYS);
  const base = checkBaseHyper(op, h, arg);
  const momentum = nonNeg(op, `${arg}.momentum`, h['momentum']);
  const dampening = nonNeg(op, `${arg}.dampening`, h['dampening']);
  const nesterov = bool(op, `${arg}.nesterov`, h['nesterov']);
  const weightDecay = nonNeg(op, `${arg}.weightDecay`, h['weightDecay']);
  const maximize = bool(op, `${arg}.maximize`, h['maximize']);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new ValueError({
      op,
      arg: `${arg}.nesterov`,
      expected: 'momentum > 0 and dampening = 0 when nesterov is true',
      got: `momentum = ${momentum}, dampening = ${dampening}`,
      message: `SGD: ${arg}.nesterov requires momentum > 0 and dampening = 0, got momentum = ${momentum}, dampening = ${dampening}`,
    });
  }
  return { ...base, momentum, dampening, nesterov, weightDecay, maximize };
}

/**
 * `new SGD(params, { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false })`.
 *
 * Per element, with g the gradient (negated when maximising):
 *   g += weightDecay·p;  buf = g on the first step, else momentum·buf + (1 − dampening)·g;
 *   g = nesterov ? g + momentum·buf : buf  (when momentum ≠ 0);  p −= lr·g.
 * State: `momentumBuffer` (only when momentum ≠ 0).
 */
export class SGD extends Optimizer<SGDHyper> {
  constructor(params: Params<SGDHyper>, options: SGDOptions) {
    const o = readOpts<SGDOptions>('SGD', options, KEYS);
    const defaults = checkSGD(
      {
        lr: o.lr,
        momentum: o.momentum ?? 0,
        dampening: o.dampening ?? 0,
        nesterov: o.nesterov ?? false,
        weightDecay: o.weightDecay ?? 0,
        maximize: o.maximize ?? false,
      },
      'options',
    );
    super('SGD', params, defaults, checkSGD);
  }

  protected update(group: ParamGroup<SGDHyper>, p: Tensor, grad: Tensor, state: ParamState): void {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = group;
    let buf: Tensor | null = null;
    let fresh = false;
    if (momentum !== 0) {
      buf = state['momentumBuffer'] ?? null;
      if (buf === null) {
        buf = zerosLike(p);
        state['momentumBuffer'] = buf;
        fresh = true;
      }
    }
    sgdStep(p, grad, buf, { lr, momentum, dampening, nesterov, weightDecay, maximize }, fresh);
  }
}
