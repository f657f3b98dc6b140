/**
 * Named model architectures for the CLI and the playground, each an architecture string (models
 * as data: the same grammar `convkit summary` reads and `convkit train --model "..."` trains).
 * Building draws the initial weights from the default generator, so `manualSeed` makes them
 * reproducible.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { Module } from '../nn/module.js';
import { buildArchitecture } from './architecture.js';

export interface ModelInfo {
  readonly description: string;
  /** The architecture string, for 1×28×28 inputs and 10 classes (see `modelArchitecture`). */
  readonly architecture: string;
}

export const MODELS: Readonly<Record<string, ModelInfo>> = {
  /** The default: small and quick, ≥ 98% on the embedded digits. */
  digits: {
    description: 'conv 16 k5, pool, conv 32 k5, pool, fc 128, fc (≈ 1.1 M MACs per 28×28 image)',
    architecture: '1x28x28 | conv 16 k5 | relu | maxpool 2 | conv 32 k5 | relu | maxpool 2 | flatten | fc 128 | relu | fc 10',
  },
  /** PyTorch's examples/mnist network. */
  'mnist-net': {
    description: "PyTorch's MNIST example: conv 32 k3, conv 64 k3, pool, dropout, fc 128, dropout, fc (≈ 12 M MACs)",
    architecture: '1x28x28 | conv 32 k3 | relu | conv 64 k3 | relu | maxpool 2 | dropout 0.25 | flatten | fc 128 | relu | dropout 0.5 | fc 10',
  },
  /** LeNet-5 with ReLU and max-pooling. */
  lenet: {
    description: 'LeNet-5 (ReLU, max-pool): conv 6 k5 p2, pool, conv 16 k5, pool, fc 120, fc 84, fc',
    architecture: '1x28x28 | conv 6 k5 p2 | relu | maxpool 2 | conv 16 k5 | relu | maxpool 2 | flatten | fc 120 | relu | fc 84 | relu | fc 10',
  },
};

export interface ModelShapeOptions {
  /** The input without the batch, [C, H, W] (default the model's own, 1×28×28). */
  inputShape?: readonly number[];
  /** Classes of the last layer (default 10). */
  numClasses?: number;
}

/**
 * A named model's architecture string for other inputs or class counts: the input shape and the
 * last `fc` are replaced (the layers in between take their sizes from the shapes that reach them).
 */
export function modelArchitecture(name: string, options: ModelShapeOptions = {}): string {
  const m = MODELS[name];
  if (!m) throw new ValueError({ op: 'buildModel', arg: 'name', expected: `one of ${Object.keys(MODELS).join(', ')}`, got: fmtValue(name) });
  let s = m.architecture;
  if (options.inputShape !== undefined) {
    const shape = options.inputShape;
    if (!Array.isArray(shape) || shape.length < 1 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValueError({ op: 'buildModel', arg: 'inputShape', expected: 'positive integers [C, H, W]', got: fmtValue(shape) });
    }
    s = s.replace(/^[^|]*/, `${shape.join('x')} `);
  }
  if (options.numClasses !== undefined) {
    const k = options.numClasses;
    if (!Number.isInteger(k) || k < 1) throw new ValueError({ op: 'buildModel', arg: 'numClasses', expected: 'a positive integer', got: fmtValue(k) });
    s = s.replace(/fc \d+$/, `fc ${k}`);
  }
  return s;
}

/** Builds a named model (its architecture string) for `numClasses` classes. */
export function buildModel(name: string, numClasses = 10): Module {
  return buildArchitecture(modelArchitecture(name, { numClasses }));
}
