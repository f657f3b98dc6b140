/**
 * How an op is defined once: a shape rule (`info`) that validates inputs and options and returns
 * everything a kernel needs, an optional multiply-accumulate count, its reference kernel (other
 * backends register faster kernels by this definition, see backend.ts) and a vjp written with
 * public ops (so gradients can be differentiated again). `apply` validates, runs the kernel on
 * the current backend's device (dispatch.ts), and records the node.
 */
import type { DType, Data } from './dtype.js';
import { DTypeError, GradError, ShapeError, ValueError, fmtValue } from './errors.js';
import type { Shape } from './shape.js';
import { Tensor, isTensor } from './tensor.js';
import type { Node } from './autograd/tape.js';
import { isGradEnabled } from './autograd/tape.js';
import type { Kernel } from './backend.js';
import { runKernel } from './dispatch.js';

export interface OpInfo {
  readonly outShapes: readonly Shape[];
  readonly outDtypes: readonly DType[];
}

export interface VjpCtx<I> {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly info: I;
  /** needs[i]: input i requires grad (skip work for the others). */
  readonly needs: readonly boolean[];
}

export interface OpDef<A, I extends OpInfo> {
  readonly name: string;
  /** Validates inputs and attributes, throws typed errors, returns the kernel's plan. */
  info(inputs: readonly Tensor[], attrs: A): I;
  /** Multiply-accumulates performed by the forward kernel. */
  macs?(info: I): number;
  /** Gradients of the inputs given gradients of the outputs, written with public ops. */
  vjp?(ctx: VjpCtx<I>, grads: readonly Tensor[]): (Tensor | null)[];
  /** The reference kernel (plain TypeScript over typed arrays, float32 and float64): the living spec. */
  readonly reference: Kernel<I, Data>;
  /**
   * In-place ops: output k is written into input `inplace[k]` (same shape and dtype), and the op
   * returns those input tensors. They never record on the tape (see `apply`).
   */
  readonly inplace?: readonly number[];
  /**
   * Another op whose kernels this one runs (same plan type): e.g. `conv2dOp`, the public call's
   * view with the user's options, runs `convOp`'s kernels. Backends register the kernel once.
   */
  readonly kernelOf?: OpDef<never, I>;
}

export function defineOp<A, I extends OpInfo>(def: OpDef<A, I>): OpDef<A, I> {
  return def;
}

/** Output description for the common single-output case. */
export function single(shape: Shape, dtype: DType): OpInfo {
  return { outShapes: [shape], outDtypes: [dtype] };
}

/**
 * One executed op, as seen by an observer (see `observeOps`): the op's name, its definition (null
 * for ops computed without a kernel, such as the reshape view), inputs, attributes as the op
 * received them, the plan its shape rule returned and the outputs.
 */
export interface OpEvent {
  readonly name: string;
  readonly def: OpDef<unknown, OpInfo> | null;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly info: OpInfo | null;
  readonly outputs: readonly Tensor[];
}

export type OpObserver = (e: OpEvent) => void;

const observers: OpObserver[] = [];

/**
 * Runs `fn`, calling `observer` after every op it executes (innermost ops included: a composite
 * function shows as the ops it is made of). Used to count multiply-accumulates from the ops
 * themselves and to trace a model's graph. Observers nest.
 */
export function observeOps<T>(observer: OpObserver, fn: () => T): T {
  observers.push(observer);
  try {
    return fn();
  } finally {
    observers.splice(observers.lastIndexOf(observer), 1);
  }
}

/** Tells the active observers about an op (called by `apply` and by view ops without kernels). */
export function notifyOp(e: OpEvent): void {
  for (const o of observers) o(e);
}

/** Runs an op: validate, allocate, dispatch to the current backend's kernel, record for autograd. */
export function apply<A, I extends OpInfo>(op: OpDef<A, I>, inputs: readonly Tensor[], attrs: A): Tensor[] {
  const info = op.info(inputs, attrs);
  if (op.inplace) checkInPlace(op, inputs);
  const storages = runKernel(op, info, inputs);
  const tensors = op.inplace ? op.inplace.map((i) => inputs[i]!) : storages.map((s, i) => new Tensor(s, info.outShapes[i]!));
  if (op.vjp && !op.inplace && isGradEnabled() && inputs.some((t) => t.requiresGrad)) record(op, info, inputs, tensors);
  if (observers.length > 0) notifyOp({ name: op.name, def: op as unknown as OpDef<unknown, OpInfo>, inputs, attrs, info, outputs: tensors });
  return tensors;
}

export function apply1<A, I extends OpInfo>(op: OpDef<A, I>, inputs: readonly Tensor[], attrs: A): Tensor {
  return apply(op, inputs, attrs)[0]!;
}

/**
 * In-place writes are for values autograd does not differentiate (PyTorch allows more, with
 * version checks; convkit keeps to what optimizers, loaders and running statistics need): the
 * written tensors must not require grad while gradients are being recorded.
 */
function checkInPlace<A, I extends OpInfo>(op: OpDef<A, I>, inputs: readonly Tensor[]): void {
  if (!isGradEnabled()) return;
  for (const i of op.inplace!) {
    const t = inputs[i]!;
    if (t.requiresGrad) {
      throw new GradError({
        op: op.name,
        arg: 'input',
        expected: 'a tensor that does not require grad, or a call inside noGrad()',
        got: t.isLeaf ? 'a leaf tensor that requires grad' : `the output of ${t._node!.name}, which requires grad`,
        message: `${op.name}: an in-place write to a tensor that requires grad must run inside noGrad() (as torch.no_grad())`,
      });
    }
  }
}

function record<A, I extends OpInfo>(op: OpDef<A, I>, info: I, inputs: readonly Tensor[], outputs: Tensor[]): void {
  const vjp = op.vjp!;
  const needs = inputs.map((t) => t.requiresGrad);
  const node: Node = {
    name: op.name,
    inputs,
    outShapes: info.outShapes,
    outDtypes: info.outDtypes,
    backward: (grads) => vjp({ inputs, outputs, info, needs }, grads),
    saved: [...inputs, ...outputs],
    versions: [...inputs, ...outputs].map((t) => t.version),
  };
  outputs.forEach((t, i) => {
    if (t.dtype === 'int32') return;
    t._node = node;
    t._outIndex = i;
    t.requiresGrad_(true);
  });
}

/**
 * Records a custom node for an op computed without a kernel (e.g. a reshape that shares data).
 * `backward` must be written with public ops.
 */
export function recordCustom(
  name: string,
  inputs: readonly Tensor[],
  outputs: Tensor[],
  backward: (grads: readonly Tensor[]) => (Tensor | null)[],
): void {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return;
  const node: Node = {
    name,
    inputs,
    outShapes: outputs.map((t) => t.shape),
    outDtypes: outputs.map((t) => t.dtype),
    backward,
    saved: inputs,
    versions: inputs.map((t) => t.version),
  };
  outputs.forEach((t, i) => {
    if (t.dtype === 'int32') return;
    t._node = node;
    t._outIndex = i;
    t.requiresGrad_(true);
  });
}

// ---- shared validation helpers -------------------------------------------------------------

/** Checks that `v` is a Tensor (not a number, array or undefined). */
export function expectTensor(op: string, arg: string, v: unknown): Tensor {
  if (!isTensor(v)) throw new ValueError({ op, arg, expected: 'a Tensor', got: fmtValue(v) });
  return v;
}

/** Checks a floating dtype (float32 or float64). */
export function expectFloat(op: string, arg: string, t: Tensor): void {
  if (t.dtype === 'int32') {
    throw new DTypeError({ op, arg, expected: 'a float32 or float64 tensor', got: 'an int32 tensor' });
  }
}

/** Checks that all tensors share one dtype (no silent promotion between float32 and float64). */
export function expectSameDtype(op: string, tensors: readonly [string, Tensor][]): DType {
  const [name0, t0] = tensors[0]!;
  for (const [name, t] of tensors.slice(1)) {
    if (t.dtype !== t0.dtype) {
      throw new DTypeError({
        op,
        arg: name,
        expected: `${t0.dtype} like ${name0}`,
        got: t.dtype,
        message: `${op}: mixed dtypes: ${name0} is ${t0.dtype} but ${name} is ${t.dtype}; convert one with .to()`,
      });
    }
  }
  return t0.dtype;
}

/** Checks the rank is one of `ranks`. */
export function expectRank(op: string, arg: string, t: Tensor, ranks: readonly number[], what = ''): void {
  if (!ranks.includes(t.shape.length)) {
    const exp = ranks.length === 1 ? `${ranks[0]}-d` : `${ranks.slice(0, -1).join('-d, ')}-d or ${ranks[ranks.length - 1]}-d`;
    throw new ShapeError({
      op,
      arg,
      expected: `a ${exp} tensor${what ? ` ${what}` : ''}`,
      got: `a ${t.shape.length}-d tensor of shape [${t.shape.join(', ')}]`,
      message: `${op}: expected ${arg} to be a ${exp} tensor${what ? ` ${what}` : ''}, got shape [${t.shape.join(', ')}]`,
    });
  }
}

export { readOptions } from './options.js';
