/**
 * Tensor methods, as PyTorch users write them (`x.reshape([2, 3]).sum(1)`). Each method is the
 * functional op with the tensor as first argument; nothing here computes anything itself.
 * Imported once by the package entry (src/index.ts).
 */
import type { DType } from './dtype.js';
import { Tensor } from './tensor.js';
import type { TensorLike } from './ops/elementwise.js';
import { add, div, mul, neg, sub } from './ops/elementwise.js';
import { abs, exp, log, pow, sqrt, square } from './ops/elementwise.js';
import { eq, ge, gt, le, lt, ne } from './ops/elementwise.js';
import type { ReduceOptions } from './ops/reduce.js';
import { amax, amin, argmax, argmin, mean, sum } from './ops/reduce.js';
import { clone, expand, flatten, flip, narrow, permute, reshape, squeeze, to, transpose, unsqueeze } from './ops/movement.js';
import { matmul } from './ops/matmul.js';
import { relu, sigmoid, softmax, logSoftmax, tanh } from './ops/activation.js';
import { add_, copy_, div_, fill_, mul_, sub_, zero_ } from './ops/inplace.js';
import { runBackward } from './autograd/tape.js';
import { tapeOps } from './autograd/tape_ops.js';

type Dims = number | readonly number[] | null | undefined;

declare module './tensor.js' {
  interface Tensor {
    /**
     * Back-propagates from this tensor, accumulating into `.grad` of every leaf that requires grad.
     * `gradient` defaults to 1 for a one-element tensor. With `createGraph` the gradients themselves
     * are recorded, so they can be differentiated again.
     */
    backward(gradient?: Tensor, options?: { createGraph?: boolean }): void;
    /** In place: self ← src (broadcast, converted to self's dtype). */
    copy_(src: Tensor): this;
    fill_(value: number): this;
    zero_(): this;
    add_(other: TensorLike, options?: { alpha?: number }): this;
    sub_(other: TensorLike, options?: { alpha?: number }): this;
    mul_(other: TensorLike): this;
    div_(other: TensorLike): this;
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    neg(): Tensor;
    pow(exponent: TensorLike): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    sum(dim?: Dims, options?: ReduceOptions): Tensor;
    mean(dim?: Dims, options?: ReduceOptions): Tensor;
    amax(dim?: Dims, options?: ReduceOptions): Tensor;
    amin(dim?: Dims, options?: ReduceOptions): Tensor;
    argmax(dim?: number | null, options?: ReduceOptions): Tensor;
    argmin(dim?: number | null, options?: ReduceOptions): Tensor;
    reshape(shape: readonly number[]): Tensor;
    view(shape: readonly number[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** 2-d transpose (PyTorch's `.T` for matrices). */
    readonly T: Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    expand(size: readonly number[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    flip(dims: number | readonly number[]): Tensor;
    matmul(other: Tensor): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    clone(): Tensor;
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
  }
}

const P = Tensor.prototype;
P.backward = function (gradient, options = {}) { runBackward(this, gradient, options.createGraph ?? false, tapeOps); };
P.copy_ = function (src) { copy_(this, src); return this; };
P.fill_ = function (v) { fill_(this, v); return this; };
P.zero_ = function () { zero_(this); return this; };
P.add_ = function (o, opts) { add_(this, o, opts); return this; };
P.sub_ = function (o, opts) { sub_(this, o, opts); return this; };
P.mul_ = function (o) { mul_(this, o); return this; };
P.div_ = function (o) { div_(this, o); return this; };
P.add = function (o) { return add(this, o); };
P.sub = function (o) { return sub(this, o); };
P.mul = function (o) { return mul(this, o); };
P.div = function (o) { return div(this, o); };
P.neg = function () { return neg(this); };
P.pow = function (e) { return pow(this, e); };
P.exp = function () { return exp(this); };
P.log = function () { return log(this); };
P.sqrt = function () { return sqrt(this); };
P.abs = function () { return abs(this); };
P.square = function () { return square(this); };
P.eq = function (o) { return eq(this, o); };
P.ne = function (o) { return ne(this, o); };
P.lt = function (o) { return lt(this, o); };
P.le = function (o) { return le(this, o); };
P.gt = function (o) { return gt(this, o); };
P.ge = function (o) { return ge(this, o); };
P.sum = function (d, o) { return sum(this, d, o); };
P.mean = function (d, o) { return mean(this, d, o); };
P.amax = function (d, o) { return amax(this, d, o); };
P.amin = function (d, o) { return amin(this, d, o); };
P.argmax = function (d, o) { return argmax(this, d, o); };
P.argmin = function (d, o) { return argmin(this, d, o); };
P.reshape = function (s) { return reshape(this, s); };
P.view = function (s) { return reshape(this, s); };
P.flatten = function (a, b) { return flatten(this, a, b); };
P.permute = function (d) { return permute(this, d); };
P.transpose = function (a, b) { return transpose(this, a, b); };
Object.defineProperty(P, 'T', { get(this: Tensor) { return transpose(this, 0, 1); }, configurable: true });
P.squeeze = function (d) { return squeeze(this, d); };
P.unsqueeze = function (d) { return unsqueeze(this, d); };
P.expand = function (s) { return expand(this, s); };
P.narrow = function (d, s, l) { return narrow(this, d, s, l); };
P.flip = function (d) { return flip(this, d); };
P.matmul = function (o) { return matmul(this, o); };
P.relu = function () { return relu(this); };
P.sigmoid = function () { return sigmoid(this); };
P.tanh = function () { return tanh(this); };
P.softmax = function (d) { return softmax(this, d); };
P.logSoftmax = function (d) { return logSoftmax(this, d); };
P.clone = function () { return clone(this); };
P.to = function (d) { return to(this, d); };
P.float = function () { return to(this, 'float32'); };
P.double = function () { return to(this, 'float64'); };
P.int = function () { return to(this, 'int32'); };
