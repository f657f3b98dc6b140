/**
 * The Tensor: a shape, a dtype and a row-major contiguous typed array, plus the autograd bookkeeping.
 * No maths lives here; operations are functions in `ops/` (also reachable as methods, see
 * `methods.ts`). Tensors are ordinary garbage-collected objects: nothing to dispose.
 */
import type { DType, Data } from './dtype.js';
import { dtypeOf } from './dtype.js';
import { GradError, ShapeError, ValueError, fmtShape } from './errors.js';
import type { Shape } from './shape.js';
import { numel } from './shape.js';
import type { Node } from './autograd/tape.js';
import { runBackward } from './autograd/tape.js';

export type NestedArray = number | NestedArray[];

export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Row-major contiguous values. Mutating it in place bypasses autograd (as `.data` does in torch). */
  readonly data: Data;
  /** Accumulated gradient after `backward()`, for leaves that require grad. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when it is part of an autograd graph. @internal */
  _node: Node | null = null;
  /** Which output of `_node` this tensor is. @internal */
  _outIndex = 0;
  private _requiresGrad = false;

  /** Wraps existing data without copying. Use `tensor()` in user code. */
  constructor(data: Data, shape: Shape) {
    if (data.length !== numel(shape)) {
      throw new ShapeError({
        op: 'Tensor',
        arg: 'shape',
        expected: `a shape with ${data.length} elements`,
        got: `${fmtShape(shape)} (${numel(shape)} elements)`,
      });
    }
    this.data = data;
    this.shape = Object.freeze(shape.slice());
    this.dtype = dtypeOf(data);
  }

  get numel(): number {
    return this.data.length;
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

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /**
   * Back-propagates from this tensor, accumulating into `.grad` of every leaf that requires grad.
   * `gradient` defaults to 1 for a one-element tensor. With `createGraph` the gradients themselves
   * are recorded, so they can be differentiated again. The graph is released afterwards unless
   * `retainGraph` (default: createGraph): a second backward through it is a GradError, as in torch.
   */
  backward(gradient?: Tensor, options: { createGraph?: boolean; retainGraph?: boolean } = {}): void {
    runBackward(this, gradient, options.createGraph ?? false, options.retainGraph);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) {
      throw new ShapeError({
        op: 'item',
        arg: 'input',
        expected: 'a tensor with one element',
        got: `shape ${fmtShape(this.shape)} (${this.data.length} elements)`,
      });
    }
    return this.data[0]!;
  }

  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset]!;
      const n = this.shape[dim]!;
      let stride = 1;
      for (let i = dim + 1; i < this.shape.length; i++) stride *= this.shape[i]!;
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    const body = JSON.stringify(this.toArray());
    return `tensor(${body.length > 200 ? body.slice(0, 200) + '...' : body}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}${this._requiresGrad ? ', requiresGrad=true' : ''})`;
  }
}

export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}
