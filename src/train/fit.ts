/**
 * `fit(model, optimizer, trainBatches, {epochs, ...})`: the training loop of the CLI and the
 * playground for library users, with callbacks and cancellation. After every step `onStep` gets
 * the running loss and accuracy; after every epoch the test batches (if given) are evaluated, the
 * scheduler steps, and `onEpoch` gets the epoch's numbers (awaited, so it may save a checkpoint).
 * Aborting `signal` stops after the current step; the result says so.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { BaseHyper, Optimizer } from '../optim/optimizer.js';
import type { Batch } from '../data/loader.js';
import type { Transform } from '../data/dataset.js';
import type { TrainingDiagnostics } from './diagnostics.js';
import { evaluate, trainEpoch } from './loop.js';
import type { EpochResult, EvalResult, StepReport } from './loop.js';

export interface FitStep extends StepReport {
  /** 1-based epoch. */
  epoch: number;
}

export interface FitEpoch {
  /** 1-based epoch. */
  epoch: number;
  train: EpochResult;
  /** The test batches' loss, accuracy and confusion matrix, when `test` was given. */
  test?: EvalResult;
  /** The learning rate the epoch trained with (the first parameter group's). */
  lr: number;
  seconds: number;
}

export interface FitOptions {
  epochs: number;
  /** Evaluated after every epoch. */
  test?: Iterable<Batch>;
  /** Stepped after every epoch (any torch-style scheduler). */
  scheduler?: { step(): void };
  /** Applied to each training batch's inputs. */
  augment?: Transform;
  /** Epochs already done (a resumed run); the next one is startEpoch + 1. Default 0. */
  startEpoch?: number;
  diagnostics?: TrainingDiagnostics;
  onStep?: (s: FitStep) => void;
  onEpoch?: (e: FitEpoch) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface FitResult {
  history: FitEpoch[];
  /** True when `signal` stopped training before the last epoch ended. */
  stopped: boolean;
  /** Set when a non-finite loss stopped training (the epoch's result carries the batch). */
  nonFinite?: EpochResult;
}

export async function fit(model: Module, optimizer: Optimizer<BaseHyper>, train: Iterable<Batch> & { length: number }, options: FitOptions): Promise<FitResult> {
  const op = 'fit';
  if (typeof options !== 'object' || options === null) throw new ValueError({ op, arg: 'options', expected: 'an options object with epochs', got: fmtValue(options) });
  const { epochs, startEpoch = 0 } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ValueError({ op, arg: 'options.epochs', expected: 'a positive integer', got: fmtValue(epochs) });
  if (!Number.isInteger(startEpoch) || startEpoch < 0) throw new ValueError({ op, arg: 'options.startEpoch', expected: 'a non-negative integer', got: fmtValue(startEpoch) });
  const history: FitEpoch[] = [];
  for (let e = startEpoch; e < epochs; e++) {
    if (options.signal?.aborted) return { history, stopped: true };
    const t0 = Date.now();
    const lr = (optimizer.paramGroups[0] as { lr?: number } | undefined)?.lr ?? NaN;
    const r = await trainEpoch(model, optimizer, train, {
      ...(options.augment ? { augment: options.augment } : {}),
      ...(options.diagnostics ? { diagnostics: options.diagnostics } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onStep: (s) => options.onStep?.({ ...s, epoch: e + 1 }),
    });
    if (r.nonFinite) return { history, stopped: false, nonFinite: r };
    if (r.stopped) return { history, stopped: true };
    options.scheduler?.step();
    const report: FitEpoch = { epoch: e + 1, train: r, lr, seconds: (Date.now() - t0) / 1000, ...(options.test ? { test: await evaluate(model, options.test) } : {}) };
    history.push(report);
    await options.onEpoch?.(report);
  }
  return { history, stopped: false };
}
