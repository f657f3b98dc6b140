/**
 * DataLoader: batches of a dataset, optionally shuffled. Each `for...of` over the loader is one
 * epoch; with `shuffle` every epoch draws a fresh permutation from the loader's own generator, so
 * two loaders built with the same seed yield the same sequence of epochs, whatever else uses the
 * global generator in between.
 */
import { alloc } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { readOptions } from '../op.js';
import { Generator, defaultGenerator } from '../random.js';
import { sameShape } from '../shape.js';
import { Tensor, isTensor, valuesOf } from '../tensor.js';
import type { Dataset } from './dataset.js';

export interface DataLoaderOptions {
  /** Examples per batch (default 1). */
  batchSize?: number;
  /** Visit the examples in a new random order every epoch (default false). */
  shuffle?: boolean;
  /**
   * Seed of the loader's own generator. Without it the generator is seeded from the global one
   * (so `manualSeed` still makes runs reproducible).
   */
  seed?: number;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

/** One batch: inputs stacked along a new first dimension [B, ...] and int32 labels [B]. */
export interface Batch {
  input: Tensor;
  target: Tensor;
}

const OPTIONS = ['batchSize', 'shuffle', 'seed', 'dropLast'] as const;

export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const op = 'DataLoader';
    const o = readOptions<DataLoaderOptions>(op, options, OPTIONS);
    if (typeof dataset !== 'object' || dataset === null || typeof dataset.get !== 'function' || !isCount(dataset.length)) {
      throw new ValueError({ op, arg: 'dataset', expected: 'a Dataset (an object with length and get(i))', got: fmtValue(dataset) });
    }
    const batchSize = o.batchSize ?? 1;
    if (!isCount(batchSize) || batchSize < 1) {
      throw new ValueError({ op, arg: 'options.batchSize', expected: 'a positive integer', got: fmtValue(batchSize) });
    }
    for (const k of ['shuffle', 'dropLast'] as const) {
      if (o[k] !== undefined && typeof o[k] !== 'boolean') {
        throw new ValueError({ op, arg: `options.${k}`, expected: 'true or false', got: fmtValue(o[k]) });
      }
    }
    if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) {
      throw new ValueError({ op, arg: 'options.seed', expected: 'an integer', got: fmtValue(o.seed) });
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = o.shuffle ?? false;
    this.dropLast = o.dropLast ?? false;
    // only a shuffling loader takes a draw from the global generator
    this.generator = new Generator(o.seed ?? (this.shuffle ? defaultGenerator.nextU32() : 0));
  }

  /** Batches per epoch (PyTorch's `len(loader)`). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const n = this.dataset.length;
    // the permutation is drawn when the epoch starts, so epochs are independent of how far the
    // previous one was consumed
    const order = this.shuffle ? this.permutation(n) : null;
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(n, start + this.batchSize);
      const idx: number[] = [];
      for (let k = start; k < end; k++) idx.push(order ? order[k]! : k);
      yield collate(this.dataset, idx);
    }
  }

  /** Fisher–Yates with the loader's generator. */
  private permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.generator.int(0, i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Stacks the examples `idx` of `dataset` into one batch, checking they agree in shape and dtype. */
export function collate(dataset: Dataset, idx: readonly number[]): Batch {
  const op = 'DataLoader';
  let first: Tensor | undefined;
  let out: ReturnType<typeof alloc> | undefined;
  const targets = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    const { input, target } = dataset.get(i);
    if (!isTensor(input)) {
      throw new ValueError({ op, arg: `dataset.get(${i}).input`, expected: 'a Tensor', got: fmtValue(input) });
    }
    if (typeof target !== 'number' || !Number.isInteger(target) || Math.abs(target) > 0x7fffffff) {
      throw new ValueError({ op, arg: `dataset.get(${i}).target`, expected: 'an integer class label', got: fmtValue(target) });
    }
    if (first === undefined || out === undefined) {
      first = input;
      out = alloc(input.dtype, input.numel * idx.length);
    } else if (!sameShape(input.shape, first.shape)) {
      throw new ShapeError({
        op,
        arg: `dataset.get(${i}).input`,
        expected: `shape ${fmtShape(first.shape)} like example ${idx[0]}`,
        got: fmtShape(input.shape),
        message: `DataLoader: cannot batch examples of different shapes: example ${idx[0]} is ${fmtShape(first.shape)} but example ${i} is ${fmtShape(input.shape)}`,
      });
    } else if (input.dtype !== first.dtype) {
      throw new DTypeError({ op, arg: `dataset.get(${i}).input`, expected: `${first.dtype} like example ${idx[0]}`, got: input.dtype });
    }
    out.set(valuesOf(input), k * first.numel);
    targets[k] = target;
  });
  if (first === undefined || out === undefined) {
    throw new ValueError({ op, arg: 'idx', expected: 'at least one example per batch', got: 'an empty batch' });
  }
  return { input: new Tensor(out, [idx.length, ...first.shape]), target: new Tensor(targets, [idx.length]) };
}
