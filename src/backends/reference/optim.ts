/**
 * Reference kernels of the fused optimizer steps (src/ops/optim_ops.ts): one pass over a
 * parameter, its gradient and its state, arithmetic in JS doubles, every state value rounded to
 * the parameter's dtype when stored and read back from there (as torch keeps its state tensors).
 */
import type { AdamInfo, SgdInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';

/** outs: [p] or [p, buf]; ins: [p, g] or [p, g, buf]. */
const sgd: Kernel<SgdInfo> = (info, outs, ins) => {
  const { lr, momentum, dampening, nesterov, weightDecay, maximize, fresh } = info;
  const pd = outs[0]!;
  const gd = ins[1]!;
  const bd = outs[1];
  for (let i = 0; i < info.n; i++) {
    let d = maximize ? -gd[i]! : gd[i]!;
    if (weightDecay !== 0) d = d + weightDecay * pd[i]!;
    if (bd !== undefined) {
      bd[i] = fresh ? d : bd[i]! * momentum + (1 - dampening) * d;
      const b = bd[i]!;
      d = nesterov ? d + momentum * b : b;
    }
    pd[i] = pd[i]! + -lr * d;
  }
};

/** outs: [p, m, v] or [p, m, v, vmax]; ins: [p, g, m, v(, vmax)]. */
const adam: Kernel<AdamInfo> = (info, outs, ins) => {
  const { lr, beta1, beta2, eps, weightDecay, maximize, decoupled, step } = info;
  const [pd, m, v, vmax] = outs as [typeof outs[0], typeof outs[0], typeof outs[0], typeof outs[0] | undefined];
  const gd = ins[1]!;
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  const stepSize = lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  const shrink = 1 - lr * weightDecay;
  for (let i = 0; i < info.n; i++) {
    let g = maximize ? -gd[i]! : gd[i]!;
    if (decoupled) pd![i] = pd![i]! * shrink;
    else if (weightDecay !== 0) g = g + weightDecay * pd![i]!;
    m![i] = m![i]! * beta1 + (1 - beta1) * g;
    v![i] = v![i]! * beta2 + (1 - beta2) * g * g;
    let sq = v![i]!;
    if (vmax !== undefined) {
      vmax[i] = Math.max(vmax[i]!, sq);
      sq = vmax[i]!;
    }
    const denom = Math.sqrt(sq) / bc2Sqrt + eps;
    pd![i] = pd![i]! + (-stepSize * m![i]!) / denom;
  }
};

export const optimKernels = { sgd, adam };
