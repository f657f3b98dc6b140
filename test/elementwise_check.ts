/**
 * Gradient checks shared by elementwise.test.ts and reduce.test.ts: for a differentiable op, on
 * float64 inputs, (1) gradcheck against finite differences, (2) the vjp/jvp dot-product test and
 * (3) gradcheck of the vjp itself, i.e. double backward: the vjp (x, v) ↦ Jᵀ(x) v is a function
 * of both x and v whose derivatives are the op's second derivatives.
 */
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { assertVjpDot } from './helpers.js';

export type Fn = (...xs: Tensor[]) => Tensor;

export function f64(v: ck.NestedArray): Tensor {
  return ck.tensor(v, { dtype: 'float64' });
}

/** Random float64 normal values of `shape`. */
export function rnd(shape: number[]): Tensor {
  return ck.randn(shape, { dtype: 'float64' });
}

/** Random float64 values in [lo, hi). */
export function uni(shape: number[], lo: number, hi: number): Tensor {
  return ck.add(ck.mul(ck.rand(shape, { dtype: 'float64' }), hi - lo), lo);
}

export function checkGradients(f: Fn, inputs: readonly Tensor[], what: string, secondOrder = true): void {
  ck.gradcheck(f, inputs);
  assertVjpDot(f, inputs, what);
  if (!secondOrder) return;
  const out = f(...inputs.map((t) => t.detach()));
  const v = rnd([...out.shape]);
  // the vjp w.r.t. every input, summed against fixed random weights, as a function of (x..., v)
  const weights = inputs.map((t) => rnd([...t.shape]));
  const g = (...xs: Tensor[]): Tensor => {
    const primals = xs.slice(0, inputs.length);
    const [, back] = ck.vjp(f, ...primals);
    const gs = back(xs[inputs.length]!);
    let acc: Tensor = ck.zeros([], { dtype: 'float64' });
    gs.forEach((gi, i) => {
      acc = ck.add(acc, ck.sum(ck.mul(gi, weights[i]!)));
    });
    return acc;
  };
  ck.gradcheck(g, [...inputs, v]);
}

/** The Hessian of sum(f(x)) for an element-wise f is diagonal with f''(x): checks it. */
export function assertDiagHessian(f: Fn, x: Tensor, second: (v: number) => number, what: string): void {
  const h = ck.hessian((y: Tensor) => ck.sum(f(y)), x);
  const n = x.numel;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const got = h.data[i * n + j]!;
      const want = i === j ? second(x.data[i]!) : 0;
      assert.ok(Math.abs(got - want) <= 1e-9 * (1 + Math.abs(want)), `${what}: hessian[${i}][${j}] = ${got}, expected ${want}`);
    }
  }
}
