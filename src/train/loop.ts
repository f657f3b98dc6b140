/**
 * The training loop, browser-safe: one epoch of minibatch training and an evaluation pass.
 * Callers (the CLI, the playground) add progress display, checkpoints and schedules around it.
 */
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import { noGrad } from '../autograd/tape.js';
import { crossEntropy } from '../ops/loss.js';
import { argmax, sum } from '../ops/reduce.js';
import { eq } from '../ops/elementwise.js';
import { cat, stack, to } from '../ops/movement.js';
import type { Module } from '../nn/module.js';
import type { BaseHyper, Optimizer } from '../optim/optimizer.js';
import type { Batch } from '../data/loader.js';
import type { Generator } from '../random.js';
import type { Transform } from '../data/dataset.js';
import { shiftImages } from '../data/augment.js';
import type { TrainingDiagnostics } from './diagnostics.js';

export interface StepReport {
  /** Batches done in this epoch, and in total per epoch. */
  batch: number;
  batches: number;
  /** Running mean loss and accuracy over the epoch so far. */
  loss: number;
  accuracy: number;
  /** Examples seen in this epoch so far. */
  seen: number;
}

/** Where an epoch stands: batches done and the running sums behind its mean loss and accuracy. */
export interface EpochPosition {
  batch: number;
  lossSum: number;
  correct: number;
  seen: number;
}

export interface EpochResult {
  loss: number;
  accuracy: number;
  examples: number;
  /** The position reached (all batches, or fewer when `shouldStop` ended the epoch early). */
  position: EpochPosition;
  /** Set when a non-finite loss stopped the epoch. */
  nonFinite?: { batch: number; loss: number; input: Tensor };
  /** Set when `signal` or `shouldStop` ended the epoch before its last batch. */
  stopped?: boolean;
}

export interface TrainEpochOptions {
  /** Applied to each batch's inputs [B, C, H, W] before the forward pass (see data.randomCrop, compose). */
  augment?: Transform;
  /** Random translation of each image by up to this many pixels (0 = none), drawn from `generator`. */
  augmentShift?: number;
  generator?: Generator;
  onStep?: (r: StepReport) => void;
  /** Collects gradient norms and dead units (see diagnostics.ts). */
  diagnostics?: TrainingDiagnostics;
  /** Returns true to stop after the current batch (e.g. on Ctrl-C). */
  shouldStop?: () => boolean;
  /** Aborting it stops after the current batch (the model stays consistent: a step is never cut). */
  signal?: AbortSignal;
  /**
   * Continue an epoch that stopped at this position: `batches` must then yield the batches after
   * it (see `DataLoader.iterFrom`), and the reported means include the batches before it.
   */
  start?: EpochPosition;
}

/**
 * [loss, correct predictions] of a batch as one float32 tensor, computed where the predictions are, so
 * one asynchronous read brings both back (on a GPU, the step's only synchronisation).
 */
function batchStats(loss: Tensor, pred: Tensor, target: Tensor): Tensor {
  return noGrad(() => {
    const correct = sum(to(eq(pred, target), 'float32'));
    return stack([to(loss, 'float32'), correct]);
  });
}

/** Shifts each image of a [B, C, H, W] batch by a random (dy, dx) in [-s, s] (see data.randomShift). */
export function randomShift(x: Tensor, s: number, g: Generator): Tensor {
  return shiftImages(x, s, g);
}

/**
 * Lets the host's event loop run one turn between steps (signals, worker messages, and the
 * finalizers that return dead tensors' buffers): `setImmediate` in Node, a MessageChannel message
 * in browsers and workers. Not `setTimeout(0)`: Node waits at least 1 ms and browsers clamp nested
 * timeouts to 4 ms, a large share of a small model's step.
 */
const breathe: () => Promise<void> = (() => {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const immediate = g.setImmediate;
    return () => new Promise<void>((resolve) => void immediate(resolve));
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(0);
      });
  }
  return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
})();

/**
 * One pass over `batches`, updating `model` with `optimizer` on the cross-entropy loss. Async only
 * so that the event loop runs between steps (Ctrl-C in Node, pause messages in a Web Worker).
 */
export async function trainEpoch(model: Module, optimizer: Optimizer<BaseHyper>, batches: Iterable<Batch> & { length: number }, options: TrainEpochOptions = {}): Promise<EpochResult> {
  model.train();
  let { batch: b, lossSum, correct, seen } = options.start ?? { batch: 0, lossSum: 0, correct: 0, seen: 0 };
  const pos = (): EpochPosition => ({ batch: b, lossSum, correct, seen });
  let stopped = false;
  for (const batch of batches) {
    if (options.signal?.aborted) {
      stopped = true;
      break;
    }
    let input = options.augmentShift && options.generator ? randomShift(batch.input, options.augmentShift, options.generator) : batch.input;
    if (options.augment) input = options.augment(input);
    optimizer.zeroGrad();
    const logits = model.forward(input) as Tensor;
    const loss = crossEntropy(logits, batch.target);
    // read before the update, so a non-finite loss stops the epoch with the weights that produced it
    const [l = NaN, c = 0] = await batchStats(loss, argmax(logits, 1), batch.target).read();
    b++;
    if (!Number.isFinite(l)) return { loss: l, accuracy: seen ? correct / seen : 0, examples: seen, position: pos(), nonFinite: { batch: b, loss: l, input } };
    loss.backward();
    options.diagnostics?.afterBackward();
    optimizer.step();
    const n = batch.target.numel;
    lossSum += l * n;
    correct += c;
    seen += n;
    options.onStep?.({ batch: b, batches: batches.length, loss: lossSum / seen, accuracy: correct / seen, seen });
    await breathe();
    if (options.shouldStop?.() || options.signal?.aborted) {
      stopped = b < batches.length;
      break;
    }
  }
  return { loss: seen ? lossSum / seen : NaN, accuracy: seen ? correct / seen : 0, examples: seen, position: pos(), ...(stopped ? { stopped } : {}) };
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  examples: number;
  /** confusion[t][p]: examples of true class t predicted as p (classes = the logits' width). */
  confusion: number[][];
}

/**
 * Mean loss, accuracy and confusion matrix of `model` (in eval mode, without recording gradients).
 * Asynchronous: on a GPU each batch's sums and predictions come back in one read.
 */
export async function evaluate(model: Module, batches: Iterable<Batch>): Promise<EvalResult> {
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let confusion: number[][] = [];
  for (const batch of batches) {
    const [packed, k] = noGrad(() => {
      const logits = model.forward(batch.input) as Tensor;
      const pred = argmax(logits, 1);
      const stats = batchStats(crossEntropy(logits, batch.target, { reduction: 'sum' }), pred, batch.target);
      return [cat([stats, to(pred, 'float32')]), logits.shape[1] ?? 1] as const;
    });
    // [loss sum, correct, predicted class of each example]
    const v = await packed.read();
    const n = batch.target.numel;
    if (confusion.length === 0) confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    lossSum += v[0]!;
    correct += v[1]!;
    const t = valuesOf(batch.target);
    for (let i = 0; i < n; i++) {
      const p = v[2 + i]!;
      const row = confusion[t[i]!];
      if (row !== undefined && p < k) row[p] = row[p]! + 1;
    }
    seen += n;
  }
  return { loss: seen ? lossSum / seen : NaN, accuracy: seen ? correct / seen : 0, examples: seen, confusion };
}
