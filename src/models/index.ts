/**
 * Named model architectures for the CLI and the playground. Each builder draws its initial
 * weights from the default generator, so `manualSeed` makes them reproducible.
 */
import { ValueError, fmtValue } from '../errors.js';
import type { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import { Dropout, Flatten, Linear, MaxPool2d, ReLU } from '../nn/layers.js';
import { Sequential } from '../nn/container.js';

export interface ModelInfo {
  readonly description: string;
  readonly build: (numClasses: number) => Module;
}

export const MODELS: Readonly<Record<string, ModelInfo>> = {
  /** The default: small and quick, ≥ 98% on the embedded digits. */
  digits: {
    description: 'conv 16 k5, pool, conv 32 k5, pool, fc 128, fc (≈ 1.1 M MACs per 28×28 image)',
    build: (k) =>
      new Sequential(
        new Conv2d(1, 16, 5), new ReLU(), new MaxPool2d(2),
        new Conv2d(16, 32, 5), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(512, 128), new ReLU(), new Linear(128, k),
      ),
  },
  /** PyTorch's examples/mnist network. */
  'mnist-net': {
    description: "PyTorch's MNIST example: conv 32 k3, conv 64 k3, pool, dropout, fc 128, dropout, fc (≈ 12 M MACs)",
    build: (k) =>
      new Sequential(
        new Conv2d(1, 32, 3), new ReLU(), new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
        new Dropout(0.25), new Flatten(), new Linear(9216, 128), new ReLU(), new Dropout(0.5), new Linear(128, k),
      ),
  },
  /** LeNet-5 with ReLU and max-pooling. */
  lenet: {
    description: 'LeNet-5 (ReLU, max-pool): conv 6 k5 p2, pool, conv 16 k5, pool, fc 120, fc 84, fc',
    build: (k) =>
      new Sequential(
        new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, k),
      ),
  },
};

export function buildModel(name: string, numClasses = 10): Module {
  const m = MODELS[name];
  if (!m) throw new ValueError({ op: 'buildModel', arg: 'name', expected: `one of ${Object.keys(MODELS).join(', ')}`, got: fmtValue(name) });
  return m.build(numClasses);
}
