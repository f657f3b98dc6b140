/**
 * Loss modules (torch.nn.CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss):
 * the options are fixed at construction, `loss(input, target)` calls the functional loss.
 */
import type { Tensor } from '../tensor.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss } from '../ops/loss.js';
import type { BinaryCrossEntropyOptions, BinaryCrossEntropyWithLogitsOptions, CrossEntropyOptions, NllLossOptions, ReductionOptions } from '../ops/loss.js';
import { Module } from './module.js';
import { readOptions } from './util_args.js';

type LossFn<O> = (input: Tensor, target: Tensor, options: O) => Tensor;

/** A module holding a loss function and its options. */
abstract class Loss<O extends object> extends Module<[Tensor, Tensor], Tensor> {
  protected readonly options: O;
  private readonly _fn: LossFn<O>;
  constructor(op: string, options: O, keys: readonly (keyof O & string)[], fn: LossFn<O>) {
    super();
    // unknown keys are refused now, values when the loss runs (by the functional loss)
    this.options = readOptions<O>(op, options, keys) as O;
    this._fn = fn;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return this._fn(input, target, this.options);
  }
}

/** Softmax cross-entropy of logits (N, C, ...) against class indices or probabilities (torch.nn.CrossEntropyLoss). */
export class CrossEntropyLoss extends Loss<CrossEntropyOptions> {
  constructor(options: CrossEntropyOptions = {}) {
    super('CrossEntropyLoss', options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing'], crossEntropy);
  }
}

/** Negative log-likelihood of log-probabilities against class indices (torch.nn.NLLLoss). */
export class NLLLoss extends Loss<NllLossOptions> {
  constructor(options: NllLossOptions = {}) {
    super('NLLLoss', options, ['weight', 'ignoreIndex', 'reduction'], nllLoss);
  }
}

/** Mean squared error (torch.nn.MSELoss). */
export class MSELoss extends Loss<ReductionOptions> {
  constructor(options: ReductionOptions = {}) {
    super('MSELoss', options, ['reduction'], mseLoss);
  }
}

/** Mean absolute error (torch.nn.L1Loss). */
export class L1Loss extends Loss<ReductionOptions> {
  constructor(options: ReductionOptions = {}) {
    super('L1Loss', options, ['reduction'], l1Loss);
  }
}

/** Binary cross-entropy of probabilities (torch.nn.BCELoss). */
export class BCELoss extends Loss<BinaryCrossEntropyOptions> {
  constructor(options: BinaryCrossEntropyOptions = {}) {
    super('BCELoss', options, ['weight', 'reduction'], binaryCrossEntropy);
  }
}

/** Binary cross-entropy of logits, sigmoid included (torch.nn.BCEWithLogitsLoss). */
export class BCEWithLogitsLoss extends Loss<BinaryCrossEntropyWithLogitsOptions> {
  constructor(options: BinaryCrossEntropyWithLogitsOptions = {}) {
    super('BCEWithLogitsLoss', options, ['weight', 'reduction', 'posWeight'], binaryCrossEntropyWithLogits);
  }
}
