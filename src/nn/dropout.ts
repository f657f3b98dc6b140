/** nn.Dropout2d: zeroes whole channels of conv feature maps in training mode (torch.nn.Dropout2d). */
import { ValueError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { dropout2d } from '../ops/activation_dropout.js';
import { Module, pyFloat } from './module.js';

/** Each channel of an (N, C, H, W) or (C, H, W) input is zeroed with probability p (others scaled by 1/(1-p)). */
export class Dropout2d extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError({ op: 'Dropout2d', arg: 'p', expected: 'a probability in [0, 1]', got: fmtValue(p) });
    this.p = p;
  }
  forward(input: Tensor): Tensor {
    return dropout2d(input, { p: this.p, training: this.training });
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
