/**
 * The training loop, browser-safe: one epoch of minibatch training and an evaluation pass.
 * Callers (the CLI, the playground) add progress display, checkpoints and schedules around it.
 */
import type { Tensor } from '../tensor.js';
import { valuesOf } from '../tensor.js';
import { tensor } from '../creation.js';
import { noGrad } from '../autograd/tape.js';
import { crossEntropy } from '../ops/loss.js';
import { argmax, sum } from '../ops/reduce.js';
import { eq } from '../ops/elementwise.js';
import { stack, to } from '../ops/movement.js';
import type { Module } from '../nn/module.js';
import type { BaseHyper, Optimizer } from '../optim/optimizer.js';
import type { Batch } from '../data/loader.js';
import type { Generator } from '../random.js';
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

export interface EpochResult {
  loss: number;
  accuracy: number;
  examples: number;
  /** Set when a non-finite loss stopped the epoch. */
  nonFinite?: { batch: number; loss: number; input: Tensor };
}

export interface TrainEpochOptions {
  /** Random translation of each image by up to this many pixels (0 = none). */
  augmentShift?: number;
  generator?: Generator;
  onStep?: (r: StepReport) => void;
  /** Collects gradient norms and dead units (see diagnostics.ts). */
  diagnostics?: TrainingDiagnostics;
  /** Returns true to stop after the current batch (e.g. on Ctrl-C). */
  shouldStop?: () => boolean;
}

/**
 * [loss, correct predictions] of a batch as one float32 tensor, computed where the logits are, so
 * one asynchronous read brings both back (on a GPU, the step's only synchronisation).
 */
function batchStats(loss: Tensor, logits: Tensor, target: Tensor): Tensor {
  return noGrad(() => {
    const correct = sum(to(eq(argmax(logits, 1), target), 'float32'));
    return stack([to(loss, 'float32'), correct]);
  });
}

/**
 * Shifts each image of a [B, C, H, W] batch by a random (dy, dx) in [-s, s], filling with zeros:
 * the cheapest augmentation that still helps a small digit set generalise.
 */
export function randomShift(x: Tensor, s: number, g: Generator): Tensor {
  const [B = 0, C = 0, H = 0, W = 0] = x.shape;
  const out = new Float32Array(x.numel);
  const src = valuesOf(x);
  for (let b = 0; b < B; b++) {
    const dy = g.int(-s, s + 1);
    const dx = g.int(-s, s + 1);
    for (let c = 0; c < C; c++) {
      const base = (b * C + c) * H * W;
      for (let i = Math.max(0, dy); i < Math.min(H, H + dy); i++) {
        const row = base + i * W;
        const srow = base + (i - dy) * W;
        for (let j = Math.max(0, dx); j < Math.min(W, W + dx); j++) out[row + j] = src[srow + j - dx]!;
      }
    }
  }
  return tensor(out, { shape: x.shape, dtype: x.dtype });
}

/** Lets the host's event loop run (signals, worker messages) between steps; works in Node and browsers. */
const breathe = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * One pass over `batches`, updating `model` with `optimizer` on the cross-entropy loss. Async only
 * so that the event loop runs between steps (Ctrl-C in Node, pause messages in a Web Worker).
 */
export async function trainEpoch(model: Module, optimizer: Optimizer<BaseHyper>, batches: Iterable<Batch> & { length: number }, options: TrainEpochOptions = {}): Promise<EpochResult> {
  model.train();
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let b = 0;
  for (const batch of batches) {
    const input = options.augmentShift && options.generator ? randomShift(batch.input, options.augmentShift, options.generator) : batch.input;
    optimizer.zeroGrad();
    const logits = model.forward(input) as Tensor;
    const loss = crossEntropy(logits, batch.target);
    // read before the update, so a non-finite loss stops the epoch with the weights that produced it
    const [l = NaN, c = 0] = await batchStats(loss, logits, batch.target).read();
    b++;
    if (!Number.isFinite(l)) return { loss: l, accuracy: seen ? correct / seen : 0, examples: seen, nonFinite: { batch: b, loss: l, input } };
    loss.backward();
    options.diagnostics?.afterBackward();
    optimizer.step();
    const n = batch.target.numel;
    lossSum += l * n;
    correct += c;
    seen += n;
    options.onStep?.({ batch: b, batches: batches.length, loss: lossSum / seen, accuracy: correct / seen, seen });
    await breathe();
    if (options.shouldStop?.()) break;
  }
  return { loss: seen ? lossSum / seen : NaN, accuracy: seen ? correct / seen : 0, examples: seen };
}

/**
 * Mean loss and accuracy of `model` (in eval mode, without recording gradients). Asynchronous: on a
 * GPU the sums are read back once per batch.
 */
export async function evaluate(model: Module, batches: Iterable<Batch>): Promise<{ loss: number; accuracy: number; examples: number }> {
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  for (const batch of batches) {
    const stats = noGrad(() => {
      const logits = model.forward(batch.input) as Tensor;
      return batchStats(crossEntropy(logits, batch.target, { reduction: 'sum' }), logits, batch.target);
    });
    const [l = NaN, c = 0] = await stats.read();
    lossSum += l;
    correct += c;
    seen += batch.target.numel;
  }
  return { loss: seen ? lossSum / seen : NaN, accuracy: seen ? correct / seen : 0, examples: seen };
}
