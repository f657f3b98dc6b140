/**
 * Datasets: anything with a length and an indexed `get` returning one input tensor and an integer
 * class label. `TensorDataset` wraps a stacked input tensor [N, ...] and N labels.
 */
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { Tensor, isTensor, valuesOf } from '../tensor.js';

/** One example: an input tensor and its integer class label. */
export interface Sample {
  input: Tensor;
  target: number;
}

/** A map-style dataset (PyTorch's `Dataset` with `__len__` and `__getitem__`). */
export interface Dataset {
  readonly length: number;
  get(i: number): Sample;
}

/** A function applied to each input as it is read (see `normalize`, `compose`). */
export type Transform = (x: Tensor) => Tensor;

export interface TensorDatasetOptions {
  /** Applied to every input returned by `get`. */
  transform?: Transform;
}

/** Checks an example index `i` against `length` (integers 0 <= i < length). */
export function checkIndex(op: string, i: unknown, length: number): number {
  if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= length) {
    throw new ValueError({ op, arg: 'i', expected: `an integer index in [0, ${length})`, got: fmtValue(i) });
  }
  return i;
}

export class TensorDataset implements Dataset {
  /** The stacked inputs [N, ...]. */
  readonly inputs: Tensor;
  /** The N labels. */
  readonly targets: Int32Array;
  private readonly transform: Transform | undefined;
  private readonly stride: number;
  private readonly itemShape: number[];

  /**
   * `inputs` [N, ...] of any dtype; `targets` an int32 tensor [N] or N integers.
   * `get(i)` returns a view of row i (no copy, as in PyTorch): mutating it mutates the dataset.
   */
  constructor(inputs: Tensor, targets: Tensor | Int32Array | readonly number[], options: TensorDatasetOptions = {}) {
    const op = 'TensorDataset';
    if (!isTensor(inputs) || inputs.ndim < 1) {
      throw new ValueError({ op, arg: 'inputs', expected: 'a Tensor of at least 1 dimension [N, ...]', got: fmtValue(inputs) });
    }
    this.targets = readTargets(op, targets);
    const n = inputs.shape[0]!;
    if (this.targets.length !== n) {
      throw new ShapeError({
        op,
        arg: 'targets',
        expected: `${n} labels (one per row of inputs ${fmtShape(inputs.shape)})`,
        got: `${this.targets.length} labels`,
      });
    }
    if (options.transform !== undefined && typeof options.transform !== 'function') {
      throw new ValueError({ op, arg: 'options.transform', expected: 'a function Tensor -> Tensor', got: fmtValue(options.transform) });
    }
    this.inputs = inputs;
    this.transform = options.transform;
    this.itemShape = inputs.shape.slice(1);
    this.stride = n === 0 ? 0 : inputs.numel / n;
  }

  get length(): number {
    return this.targets.length;
  }

  get(i: number): Sample {
    checkIndex('TensorDataset.get', i, this.length);
    // a view sharing the dataset's memory, as PyTorch's indexing returns
    const x = new Tensor(this.inputs._storage.slice(i * this.stride, (i + 1) * this.stride), this.itemShape);
    return { input: this.transform ? this.transform(x) : x, target: this.targets[i]! };
  }
}

function readTargets(op: string, targets: unknown): Int32Array {
  if (isTensor(targets)) {
    if (targets.dtype !== 'int32') {
      throw new DTypeError({ op, arg: 'targets', expected: 'an int32 tensor of class labels', got: `a ${targets.dtype} tensor` });
    }
    if (targets.ndim !== 1) {
      throw new ShapeError({ op, arg: 'targets', expected: 'a 1-d tensor [N]', got: `shape ${fmtShape(targets.shape)}` });
    }
    return valuesOf(targets) as Int32Array;
  }
  if (targets instanceof Int32Array) return targets;
  if (Array.isArray(targets)) {
    const out = new Int32Array(targets.length);
    targets.forEach((v: unknown, k) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 0x7fffffff) {
        throw new ValueError({ op, arg: `targets[${k}]`, expected: 'an integer class label', got: fmtValue(v) });
      }
      out[k] = v;
    });
    return out;
  }
  throw new ValueError({ op, arg: 'targets', expected: 'an int32 tensor, an Int32Array or an array of integers', got: fmtValue(targets) });
}
