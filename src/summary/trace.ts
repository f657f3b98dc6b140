/**
 * One forward pass of a model on zeros, recording every module call (its path, depth, input and
 * output shapes) and every op it ran (through `observeOps`). An op belongs to the innermost module
 * running when it executes, so each op is counted exactly once however deeply modules nest, and
 * ops a module calls directly in its `forward` (functional calls, a residual addition) belong to
 * that module. Forward hooks cannot see when a call starts, so each module's `forward` is wrapped
 * on the instance for the duration of the pass and restored after.
 */
import { zeros } from '../creation.js';
import { noGrad } from '../autograd/tape.js';
import type { DType } from '../dtype.js';
import { observeOps } from '../op.js';
import type { OpEvent } from '../op.js';
import { isTensor } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import type { AnyModule } from '../nn/module.js';

export interface ModuleCall {
  /** Dotted path from the model (`''` for the model itself). */
  readonly path: string;
  readonly module: AnyModule;
  /** 0 for the model's own call, 1 for its children, ... */
  readonly depth: number;
  input: readonly number[];
  output: readonly number[];
  readonly events: OpEvent[];
}

/** The shape of a forward's first tensor (recurrent layers return [output, state]). */
function firstShape(v: unknown): readonly number[] {
  if (isTensor(v)) return v.shape;
  if (Array.isArray(v)) for (const x of v) if (isTensor(x) || Array.isArray(x)) return firstShape(x);
  return [];
}

type Forward = (...args: unknown[]) => unknown;

/**
 * Runs `model` once in eval mode without gradients on zeros of `inputShape` and returns the calls
 * in the order they started. Every module's training flag is restored.
 */
export function traceModel(model: AnyModule, inputShape: readonly number[], dtype: DType = 'float32'): { calls: ModuleCall[]; output: readonly number[] } {
  const calls: ModuleCall[] = [];
  const stack: ModuleCall[] = [];
  const restore: (() => void)[] = [];
  const depthOf = (path: string): number => (path === '' ? 0 : path.split('.').length);
  for (const [path, m] of model.namedModules()) {
    const target = m as unknown as { forward: Forward };
    const own = Object.prototype.hasOwnProperty.call(target, 'forward');
    const orig = target.forward;
    target.forward = function (this: unknown, ...args: unknown[]): unknown {
      const call: ModuleCall = { path, module: m, depth: depthOf(path), input: firstShape(args), output: [], events: [] };
      calls.push(call);
      stack.push(call);
      try {
        const out = orig.apply(this, args);
        call.output = firstShape(out);
        return out;
      } finally {
        stack.pop();
      }
    };
    restore.push(() => {
      if (own) target.forward = orig;
      else delete (target as { forward?: Forward }).forward;
    });
  }
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  let out: unknown;
  try {
    model.eval();
    out = observeOps(
      (e) => stack[stack.length - 1]?.events.push(e),
      () => noGrad(() => model.call(zeros(inputShape, { dtype }) as never)),
    );
  } finally {
    for (const r of restore) r();
    for (const [m, t] of modes) m.training = t;
  }
  return { calls, output: firstShape(out as Tensor) };
}
