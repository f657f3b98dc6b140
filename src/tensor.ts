/**
 * The Tensor: a shape, a dtype and a `Storage` holding row-major contiguous values wherever the
 * backend that computed them keeps them (docs/STORAGE.md), plus the autograd bookkeeping.
 * No maths lives here; operations are functions in `ops/` (also reachable as methods, see
 * `methods.ts`). Tensors are ordinary garbage-collected objects: nothing to dispose.
 */
import type { DType, Data } from './dtype.js';
import { dtypeOf } from './dtype.js';
import { GradError, ShapeError, ValueError, fmtShape } from './errors.js';
import type { Shape } from './shape.js';
import { numel } from './shape.js';
import type { Node } from './autograd/tape.js';
import { Storage } from './storage.js';

export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly numel: number;
  /** Where the values live. Views (reshape, detach) share it. @internal */
  readonly _storage: Storage;
  /** Accumulated gradient after `backward()`, for leaves that require grad. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when it is part of an autograd graph. @internal */
  _node: Node | null = null;
  /** Which output of `_node` this tensor is. @internal */
  _outIndex = 0;
  /** Zeros the tape made for the gradient of an output nothing used (ops may skip them). @internal */
  _fillIn = false;
  private _requiresGrad = false;

  /** Wraps host data without copying (or, given a Storage, views it). Use `tensor()` in user code. */
  constructor(data: Data | Storage, shape: Shape) {
    const storage = data instanceof Storage ? data : Storage.fromHost(data, dtypeOf(data));
    if (storage.length !== numel(shape)) {
      throw new ShapeError({
        op: 'Tensor',
        arg: 'shape',
        expected: `a shape with ${storage.length} elements`,
        got: `${fmtShape(shape)} (${numel(shape)} elements)`,
      });
    }
    this._storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.dtype = storage.dtype;
    this.numel = storage.length;
  }

  /**
   * The values as a typed array in JavaScript memory, which from then on *is* the tensor's memory:
   * writing into it changes the tensor (as PyTorch's `.numpy()` shares memory), and in-place ops
   * write into it. Reading it moves a tensor out of WebAssembly or GPU memory for good; to look at
   * values without that, use `toArray()`, `item()` or `await t.read()`. On a device whose values
   * can only be read asynchronously (WebGPU) it throws a BackendError naming `await t.read()`.
   */
  get data(): Data {
    return this._storage.expose('data');
  }

  /** Bumped by every in-place write to this tensor's storage (PyTorch's `_version`). */
  get version(): number {
    return this._storage.version;
  }

  /** Where the values are: 'host' (JavaScript memory) or a device ('wasm', 'webgpu'). */
  get device(): string {
    return this._storage.location;
  }

  /** The values in a fresh typed array (never shared with the tensor); works on every device. */
  read(): Promise<Data> {
    return this._storage.read();
  }

  /** Nested arrays of numbers, read asynchronously (works on every device). */
  async array(): Promise<NestedArray> {
    return nest(await this._storage.read(), this.shape);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** PyTorch's `dim()`. */
  dim(): number {
    return this.shape.length;
  }

  size(d?: number): number | readonly number[] {
    if (d === undefined) return this.shape;
    const r = this.shape.length;
    const i = d < 0 ? d + r : d;
    const s = this.shape[i];
    if (s === undefined) throw new ValueError({ op: 'size', arg: 'dim', expected: `an index below ${r}`, got: String(d) });
    return s;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(v: boolean) {
    this.requiresGrad_(v);
  }

  /** True for tensors not produced by a recorded op (user-created inputs and parameters). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** Sets requiresGrad in place (leaves only, float dtypes only) and returns this. */
  requiresGrad_(v = true): this {
    if (v && this.dtype === 'int32') {
      throw new GradError({
        op: 'requiresGrad_',
        arg: 'dtype',
        expected: 'a floating-point tensor (float32 or float64)',
        got: 'int32',
        message: 'requiresGrad_: only floating-point tensors can require gradients, got int32',
      });
    }
    if (!v && this._node !== null) {
      throw new GradError({
        op: 'requiresGrad_',
        arg: 'requiresGrad',
        expected: 'a leaf tensor',
        got: `the output of ${this._node.name}`,
        message: 'requiresGrad_: cannot turn off requiresGrad of a non-leaf tensor; use detach()',
      });
    }
    this._requiresGrad = v;
    return this;
  }

  /** A tensor sharing this one's storage, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this._storage, this.shape);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.numel !== 1) {
      throw new ShapeError({
        op: 'item',
        arg: 'input',
        expected: 'a tensor with one element',
        got: `shape ${fmtShape(this.shape)} (${this.numel} elements)`,
      });
    }
    return this._storage.hostSync('item')[0]!;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return nest(this._storage.hostSync('toArray'), this.shape);
  }

  toString(): string {
    const body = JSON.stringify(this.toArray());
    return `tensor(${body.length > 200 ? body.slice(0, 200) + '...' : body}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}${this._requiresGrad ? ', requiresGrad=true' : ''})`;
  }
}

function nest(data: Data, shape: Shape): NestedArray {
  const build = (dim: number, offset: number): NestedArray => {
    if (dim === shape.length) return data[offset]!;
    const n = shape[dim]!;
    let stride = 1;
    for (let i = dim + 1; i < shape.length; i++) stride *= shape[i]!;
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

/**
 * A tensor's values for reading inside the library, without moving the tensor to JavaScript
 * memory for good (unlike `.data`). The array must not be written.
 */
export function valuesOf(t: Tensor, op = 'read'): Data {
  return t._storage.hostSync(op);
}

/**
 * Writes a tensor's values from JavaScript inside the library (initialisers, converters): `fn`
 * fills the array in place. The write bumps the version and drops copies on other devices, and,
 * unlike `.data`, leaves the tensor free to move to a device again.
 */
export function writeValues(t: Tensor, fn: (d: Data) => void): Tensor {
  t._storage.writeHost(fn);
  return t;
}

export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
