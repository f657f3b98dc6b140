/**
 * Loss modules (torch.nn.CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss):
 * the options are fixed at construction, `loss(input, target)` calls the functional loss.
 */
import type { Tensor } from '../tensor.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss } from '../ops/loss.js';
import type { BinaryCrossEntropyOptions, BinaryCrossEntropyWithLogitsOptions, CrossEntropyOptions, NllLossOptions, ReductionOptions } from '../ops/loss.js';
import { Module } from './module.js';
import { readOptions } from './util_args.js';

/** A module holding a loss function and its options. */
abstract class Loss<O extends object> extends Module<[Tensor, Tensor], Tensor> {
  protected readonly options: O;
  constructor(op: string, options: O, keys: readonly (keyof O & string)[]) {
    super();
    // unknown keys are refused now, values when the loss runs (by the functional loss)
    this.options = readOptions<O>(op, options, keys) as O;
  }
  override extraRepr(): string {
    return '';
  }
}

/** Softmax cross-entropy of logits (N, C, ...) against class indices or probabilities (torch.nn.CrossEntropyLoss). */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  constructor(options: CrossEntropyOptions = {}) {
    super('CrossEntropyLoss', options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

/** Negative log-likelihood of log-probabilities against class indices (torch.nn.NLLLoss). */
export class NLLLoss extends Loss<NllLossOptions> {
  constructor(options: NllLossOptions = {}) {
    super('NLLLoss', options, ['weight', 'ignoreIndex', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

/** Mean squared error (torch.nn.MSELoss). */
export class MSELoss extends Loss<ReductionOptions> {
  constructor(options: ReductionOptions = {}) {
    super('MSELoss', options, ['reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** Mean absolute error (torch.nn.L1Loss). */
export class L1Loss extends Loss<ReductionOptions> {
  constructor(options: ReductionOptions = {}) {
    super('L1Loss', options, ['reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

/** Binary cross-entropy of probabilities (torch.nn.BCELoss). */
export class BCELoss extends Loss<BinaryCrossEntropyOptions> {
  constructor(options: BinaryCrossEntropyOptions = {}) {
    super('BCELoss', options, ['weight', 'reduction']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

/** Binary cross-entropy of logits, sigmoid included (torch.nn.BCEWithLogitsLoss). */
export class BCEWithLogitsLoss extends Loss<BinaryCrossEntropyWithLogitsOptions> {
  constructor(options: BinaryCrossEntropyWithLogitsOptions = {}) {
    super('BCEWithLogitsLoss', options, ['weight', 'reduction', 'posWeight']);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
