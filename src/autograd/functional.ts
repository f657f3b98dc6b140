/**
 * Function transforms over the tape: grad, valueAndGrad, vjp, jvp, jacobian, hessian, gradcheck.
 * Inside a transform gradients are recorded (createGraph), so transforms nest: hessian is the
 * jacobian of grad. jvp uses the double-vjp trick: g(u) = Jᵀu is linear in u, so ∂⟨g(u), t⟩/∂u = J t.
 */
import { GradError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { sameShape } from '../shape.js';
import { Tensor, isTensor, valuesOf, writeValues } from '../tensor.js';
import { zeros, zerosLike } from '../creation.js';
import { gradOf, isGradEnabled, withGradMode } from './tape.js';
import { tapeOps } from './tape_ops.js';
import { mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { add } from '../ops/elementwise.js';
import { alloc, castData } from '../dtype.js';
import { reshape } from '../ops/movement.js';

let depth = 0;

function nested<T>(fn: () => T): T {
  depth++;
  try {
    return withGradMode(true, fn);
  } finally {
    depth--;
  }
}

/** Inputs as differentiable tensors: ones already in a graph are used as they are (so transforms nest). */
function prepare(op: string, args: readonly unknown[], which: readonly number[]): unknown[] {
  return args.map((a, i) => {
    if (!which.includes(i)) return a;
    if (!isTensor(a)) throw new ValueError({ op, arg: `argument ${i}`, expected: 'a Tensor (it is differentiated)', got: fmtValue(a) });
    if (a.dtype === 'int32') throw new ValueError({ op, arg: `argument ${i}`, expected: 'a float tensor', got: 'an int32 tensor' });
    return a.requiresGrad ? a : a.detach().requiresGrad_(true);
  });
}

/** Results leave the outermost transform cut from the graph, unless the caller is recording. */
function finish(t: Tensor): Tensor {
  return depth === 0 && !outerRecording ? t.detach() : t;
}
let outerRecording = false;

function argnumList(op: string, argnums: number | readonly number[], n: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= n) {
      throw new ValueError({ op, arg: 'argnums', expected: `argument indices below ${n}`, got: fmtValue(argnums) });
    }
  }
  return list;
}

function scalarOut(op: string, out: unknown): Tensor {
  if (!isTensor(out) || out.numel !== 1) {
    throw new ShapeError({
      op,
      arg: 'f',
      expected: 'a function returning a one-element tensor',
      got: isTensor(out) ? `an output of shape ${fmtShape(out.shape)}` : fmtValue(out),
    });
  }
  return out;
}

type Fn = (...args: never[]) => unknown;

/**
 * `valueAndGrad(f, argnums)(...args)` returns `[f(...args), gradients]` for a scalar-valued f;
 * gradients is one tensor when argnums is a number, else an array.
 */
export function valueAndGrad<F extends Fn>(f: F, argnums: number | readonly number[] = 0) {
  return (...args: Parameters<F>): [Tensor, Tensor | Tensor[]] => {
    const wasRecording = outerRecording;
    outerRecording = depth === 0 ? isGradEnabled() && (args as unknown[]).some((a) => isTensor(a) && a.requiresGrad) : outerRecording;
    try {
      return nested(() => {
        const which = argnumList('grad', argnums, args.length);
        const prepared = prepare('grad', args, which);
        const out = scalarOut('grad', (f as unknown as (...a: unknown[]) => unknown)(...prepared));
        const targets = which.map((i) => prepared[i] as Tensor);
        const gs = gradOf([out], targets, null, true, tapeOps).map((g, k) => g ?? zerosLike(targets[k]!));
        depth--;
        try {
          const res = gs.map(finish);
          const value = finish(out);
          return [value, typeof argnums === 'number' ? res[0]! : res] as [Tensor, Tensor | Tensor[]];
        } finally {
          depth++;
        }
      });
    } finally {
      outerRecording = wasRecording;
    }
  };
}

/** `grad(f, argnums)(...args)`: the gradient of a scalar-valued f. */
export function grad<F extends Fn>(f: F, argnums: number | readonly number[] = 0) {
  const vg = valueAndGrad(f, argnums);
  return (...args: Parameters<F>): Tensor | Tensor[] => vg(...args)[1];
}

/**
 * `vjp(f, ...primals)` returns `[out, vjpFn]`; `vjpFn(cotangent)` gives one gradient per primal,
 * the vector–Jacobian products cotangentᵀ·∂out/∂primal.
 */
export function vjp(f: (...xs: Tensor[]) => Tensor, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const which = primals.map((_, i) => i);
  const prepared = prepare('vjp', primals, which) as Tensor[];
  const out = nested(() => f(...prepared));
  if (!isTensor(out)) throw new ValueError({ op: 'vjp', arg: 'f', expected: 'a function returning a Tensor', got: fmtValue(out) });
  const recording = depth > 0 || (isGradEnabled() && primals.some((p) => p.requiresGrad));
  const vjpFn = (ct: Tensor): Tensor[] => {
    if (!isTensor(ct) || !sameShape(ct.shape, out.shape)) {
      throw new ShapeError({ op: 'vjp', arg: 'cotangent', expected: `a tensor of shape ${fmtShape(out.shape)}`, got: fmtValue(ct) });
    }
    if (!out.requiresGrad) return prepared.map((p) => zerosLike(p));
    const gs = nested(() => gradOf([out], prepared, [ct], true, tapeOps));
    return gs.map((g, i) => {
      const r = g ?? zerosLike(prepared[i]!);
      return recording ? r : r.detach();
    });
  };
  return [recording ? out : out.detach(), vjpFn];
}

/** `jvp(f, primals, tangents)` returns `[out, J·tangent]` (forward-mode, via the double-vjp trick). */
export function jvp(f: (...xs: Tensor[]) => Tensor, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ValueError({ op: 'jvp', arg: 'tangents', expected: `an array of ${fmtValue(primals?.length)} tangents, one per primal`, got: fmtValue(tangents) });
  }
  tangents.forEach((t, i) => {
    if (!isTensor(t) || !sameShape(t.shape, primals[i]!.shape)) {
      throw new ShapeError({ op: 'jvp', arg: `tangents[${i}]`, expected: `shape ${fmtShape(primals[i]!.shape)}`, got: fmtValue(t) });
    }
  });
  const recording = depth > 0 || (isGradEnabled() && primals.some((p) => p.requiresGrad));
  const prepared = prepare('jvp', primals, primals.map((_, i) => i)) as Tensor[];
  const [out, tan] = nested(() => {
    const y = f(...prepared);
    if (!y.requiresGrad) return [y, zerosLike(y)] as const;
    const u = zerosLike(y).requiresGrad_(true);
    const gs = gradOf([y], prepared, [u], true, tapeOps);
    let inner: Tensor | null = null;
    gs.forEach((g, i) => {
      if (!g) return;
      const term = sum(mul(g, tangents[i]!));
      inner = inner ? add(inner, term) : term;
    });
    if (inner === null || !(inner as Tensor).requiresGrad) return [y, zerosLike(y)] as const;
    const [jt] = gradOf([inner], [u], null, true, tapeOps);
    return [y, jt ?? zerosLike(y)] as const;
  });
  return recording ? [out, tan] : [out.detach(), tan.detach()];
}

/**
 * The Jacobian of f at `inputs`: for each input a tensor of shape out.shape ++ input.shape.
 * Returns one tensor for a single input, an array for an array of inputs.
 */
export function jacobian(f: (...xs: Tensor[]) => Tensor, inputs: Tensor | readonly Tensor[]): Tensor | Tensor[] {
  const list = isTensor(inputs) ? [inputs] : [...inputs];
  const recording = depth > 0 || (isGradEnabled() && list.some((p) => p.requiresGrad));
  const prepared = prepare('jacobian', list, list.map((_, i) => i)) as Tensor[];
  const out = nested(() => f(...prepared));
  if (!isTensor(out)) throw new ValueError({ op: 'jacobian', arg: 'f', expected: 'a function returning a Tensor', got: fmtValue(out) });
  const m = out.numel;
  const rows: Tensor[][] = prepared.map(() => []);
  for (let k = 0; k < m; k++) {
    let gs: (Tensor | null)[] = prepared.map(() => null);
    if (out.requiresGrad) {
      const seed = zeros(out.shape, { dtype: out.dtype });
      writeValues(seed, (d) => (d[k] = 1));
      gs = nested(() => gradOf([out], prepared, [seed], recording, tapeOps));
    }
    gs.forEach((g, i) => rows[i]!.push(g ?? zerosLike(prepared[i]!)));
  }
  const result = prepared.map((p, i) => {
    const shape = [...out.shape, ...p.shape];
    if (recording) return stackRows(rows[i]!, shape);
    const data = alloc(p.dtype, m * p.numel);
    rows[i]!.forEach((r, k) => data.set(valuesOf(r), k * p.numel));
    return new Tensor(data, shape);
  });
  return isTensor(inputs) ? result[0]! : result;
}

// Differentiable stacking of the rows, used only when a transform is nested inside another:
// row k enters as onehot(k) ⊗ row, so the result stays in the graph.
function stackRows(rows: Tensor[], shape: number[]): Tensor {
  const per = rows[0]?.numel ?? 0;
  let acc: Tensor = zeros([rows.length, per], { dtype: rows[0]?.dtype ?? 'float32' });
  rows.forEach((r, k) => {
    const e = zeros([rows.length, 1], { dtype: r.dtype });
    writeValues(e, (d) => (d[k] = 1));
    acc = add(acc, mul(e, reshape(r, [1, per])));
  });
  return reshape(acc, shape);
}

/** The Hessian of a scalar-valued f at x: shape x.shape ++ x.shape (double backward). */
export function hessian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const g = grad((y: Tensor) => f(y)) as (y: Tensor) => Tensor;
  return jacobian((y: Tensor) => g(y), x) as Tensor;
}

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * Compares the analytic Jacobian with central finite differences in float64 (inputs are cast to
 * float64 first). Throws a GradError naming the input and element that disagree; returns true.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor | readonly Tensor[], options: GradcheckOptions = {}): true {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const list = (isTensor(inputs) ? [inputs] : [...inputs]).map((t) => new Tensor(castData(valuesOf(t), 'float64'), t.shape));
  const analytic = jacobian(f, list) as Tensor[];
  const out0 = withGradMode(false, () => f(...list));
  if (out0.dtype !== 'float64') {
    throw new GradError({ op: 'gradcheck', arg: 'f', expected: 'a float64 output for float64 inputs', got: out0.dtype });
  }
  list.forEach((x, i) => {
    const n = x.numel;
    const m = out0.numel;
    for (let j = 0; j < n; j++) {
      const orig = x.data[j]!;
      x.data[j] = orig + eps;
      // copy: f may return a view sharing the input's data (reshape), which the next line overwrites
      const plus = withGradMode(false, () => f(...list)).data.slice();
      x.data[j] = orig - eps;
      const minus = withGradMode(false, () => f(...list)).data.slice();
      x.data[j] = orig;
      for (let k = 0; k < m; k++) {
        const num = (plus[k]! - minus[k]!) / (2 * eps);
        const ana = valuesOf(analytic[i]!)[k * n + j]!;
        if (!(Math.abs(num - ana) <= atol + rtol * Math.abs(num))) {
          const at = unravel(j, x.shape);
          const outAt = unravel(k, out0.shape);
          throw new GradError({
            op: 'gradcheck',
            arg: `inputs[${i}]`,
            expected: `analytic gradient ${num} (finite difference)`,
            got: `${ana}`,
            message: `gradcheck: Jacobian mismatch for input ${i} at element ${fmtShape(at)} (output element ${fmtShape(outAt)}): numerical ${num}, analytic ${ana} (atol ${atol}, rtol ${rtol})`,
          });
        }
      }
    }
  });
  return true;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return out;
}

