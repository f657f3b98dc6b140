/**
 * The tape: every op whose inputs require grad records a Node; backward walks the nodes in reverse
 * topological order. Broadcasting is undone here, in one place (`ops.sumToShape`), never in an
 * op's vjp. The tape imports no op: its callers hand it the few it needs (`TapeOps`).
 */
import type { DType } from '../dtype.js';
import { GradError, fmtShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Storage } from '../storage.js';
import { collectBirths } from '../storage.js';

/** The ops the reverse pass needs, supplied by its callers (methods.ts, functional.ts). */
export interface TapeOps {
  /** a + b, for accumulating gradients that reach one tensor along several paths. */
  add(a: Tensor, b: Tensor): Tensor;
  /** Sums a broadcast gradient back to `shape`. */
  sumToShape(g: Tensor, shape: Shape): Tensor;
  /** Zeros standing in for the gradient of an output nothing used. */
  zeros(shape: Shape, dtype: DType): Tensor;
  /** The default seed 1 of a one-element output. */
  onesLike(t: Tensor): Tensor;
}

export interface Node {
  /** The op's name, for messages and diagnostics. */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outShapes: readonly Shape[];
  readonly outDtypes: readonly DType[];
  /** Maps gradients of the outputs to gradients of the inputs (null: no gradient flows there). */
  backward(grads: readonly Tensor[]): readonly (Tensor | null)[];
  /** Tensors the backward reads, and their versions when the node was recorded. */
  readonly saved: readonly Tensor[];
  readonly versions: readonly number[];
}

/** An in-place write to a tensor this node saved would make its gradient silently wrong: refuse. */
function checkVersions(node: Node): void {
  node.saved.forEach((t, i) => {
    if (t.version !== node.versions[i]) {
      throw new GradError({
        op: 'backward',
        arg: node.name,
        expected: `a tensor saved by ${node.name} at version ${node.versions[i]}`,
        got: `version ${t.version}: it was written in place after ${node.name} used it`,
        message: `backward: a tensor of shape ${fmtShape(t.shape)} that ${node.name} saved for the gradient was modified by an in-place operation (version ${node.versions[i]} → ${t.version})`,
      });
    }
  });
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording (like `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on (like `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Nodes reachable from `roots`, inputs before the nodes that consume them (iterative DFS). */
function topoSort(roots: readonly Tensor[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (r._node === null || seen.has(r._node)) continue;
    seen.add(r._node);
    stack.push([r._node, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1] = i + 1;
        const child = node.inputs[i]!._node;
        if (child !== null && !seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
  }
  return order;
}

/**
 * Gradients of `outputs` (weighted by `gradOutputs`) with respect to every tensor in the graph.
 * Returns the gradients of leaves in `leafGrads` and a getter for any tensor (leaf or not).
 */
export function computeGrads(
  outputs: readonly Tensor[],
  gradOutputs: readonly Tensor[],
  createGraph: boolean,
  ops: TapeOps,
): (t: Tensor) => Tensor | null {
  const slots = new Map<Node, (Tensor | null)[]>();
  const leafGrads = new Map<Tensor, Tensor>();
  const accumulate = (prev: Tensor | undefined | null, g: Tensor): Tensor => (prev ? ops.add(prev, g) : g);
  const add1 = (t: Tensor, g: Tensor): void => {
    if (!sameShape(g.shape, t.shape)) g = ops.sumToShape(g, t.shape);
    if (t._node === null) {
      leafGrads.set(t, accumulate(leafGrads.get(t), g));
      return;
    }
    let s = slots.get(t._node);
    if (!s) slots.set(t._node, (s = new Array<Tensor | null>(t._node.outShapes.length).fill(null)));
    s[t._outIndex] = accumulate(s[t._outIndex], g);
  };
  withGradMode(createGraph, () => {
    outputs.forEach((o, i) => add1(o, gradOutputs[i]!));
    const order = topoSort(outputs);
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      const s = slots.get(node);
      if (!s) continue;
      checkVersions(node);
      const gOut = s.map((g, i) => g ?? ops.zeros(node.outShapes[i]!, node.outDtypes[i]!));
      const gIn = node.backward(gOut);
      node.inputs.forEach((inp, i) => {
        const g = gIn[i];
        if (g && inp.requiresGrad) add1(inp, g);
      });
    }
  });
  return (t) => (t._node === null ? leafGrads.get(t) ?? null : slots.get(t._node)?.[t._outIndex] ?? null);
}

/** Gradients of `outputs` with respect to `inputs` (like `torch.autograd.grad`), without touching `.grad`. */
export function gradOf(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  gradOutputs: readonly Tensor[] | null,
  createGraph: boolean,
  ops: TapeOps,
): (Tensor | null)[] {
  const seeds = gradOutputs ?? outputs.map((o) => defaultSeed('grad', o, ops));
  const get = computeGrads(outputs, seeds, createGraph, ops);
  return inputs.map(get);
}

function defaultSeed(op: string, t: Tensor, ops: TapeOps): Tensor {
  if (t.numel !== 1) {
    throw new GradError({
      op,
      arg: 'gradient',
      expected: 'a gradient tensor, since the output is not a scalar',
      got: `none, for an output of shape ${fmtShape(t.shape)}`,
      message: `${op}: the output has shape ${fmtShape(t.shape)}; pass a gradient of that shape (only scalar outputs default to 1)`,
    });
  }
  return ops.onesLike(t);
}

/** `tensor.backward()`: accumulates into `.grad` of every leaf that requires grad. */
export function runBackward(root: Tensor, gradient: Tensor | undefined, createGraph: boolean, ops: TapeOps): void {
  if (!root.requiresGrad) {
    throw new GradError({
      op: 'backward',
      arg: 'tensor',
      expected: 'a tensor that requires grad (computed from inputs with requiresGrad = true)',
      got: 'a tensor that does not require grad',
      message: 'backward: this tensor does not require grad and has no graph; set requiresGrad on an input first',
    });
  }
  if (gradient && !sameShape(gradient.shape, root.shape)) {
    throw new GradError({
      op: 'backward',
      arg: 'gradient',
      expected: `shape ${fmtShape(root.shape)}`,
      got: fmtShape(gradient.shape),
    });
  }
  const seed = gradient ?? defaultSeed('backward', root, ops);
  const leaves = new Set<Tensor>();
  for (const n of topoSort([root])) for (const i of n.inputs) if (i._node === null && i.requiresGrad) leaves.add(i);
  if (root._node === null) leaves.add(root);
  const accumulate = (): void => {
    const get = computeGrads([root], [seed], createGraph, ops);
    for (const leaf of leaves) {
      const g = get(leaf);
      if (!g) continue;
      const gg = createGraph ? g : g.detach();
      leaf.grad = leaf.grad ? (createGraph ? ops.add(leaf.grad, gg) : ops.add(leaf.grad, gg).detach()) : gg;
    }
  };
  if (createGraph) {
    accumulate();
    return;
  }
  // Without a graph of the gradients, every tensor the pass made is unreachable once it returns,
  // except the leaves' .grad: free the others' device memory now instead of waiting for the GC.
  const [, born] = collectBirths(accumulate);
  const keep = new Set<Storage>();
  for (const leaf of leaves) if (leaf.grad) keep.add(leaf.grad._storage);
  for (const s of born) if (!keep.has(s)) s.release();
}
