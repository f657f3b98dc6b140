/**
 * nn.utils: clipGradNorm, parametersToVector, vectorToParameters (torch.nn.utils) and
 * sigmoidToTanh, which rewrites a Linear/Sigmoid Sequential into an equivalent Linear/Tanh one.
 */
import { ShapeError, ValueError, fmtValue } from '../errors.js';
import { Tensor, valuesOf, writeValues } from '../tensor.js';
import { tensor } from '../creation.js';
import { cat } from '../ops/movement.js';
import { reshape } from '../ops/movement.js';
import { Module } from './module.js';
import { Sequential } from './container.js';
import type { TensorModule } from './container.js';
import { Linear, Sigmoid, Tanh } from './layers.js';

function toList(op: string, parameters: Iterable<Tensor> | Tensor): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  for (const p of list) if (!(p instanceof Tensor)) throw new ValueError({ op, arg: 'parameters', expected: 'tensors', got: fmtValue(p) });
  return list;
}

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (default false, as torch 1.13). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `parameters` in place (replacing each `.grad` with a scaled tensor) so
 * that their joint `normType`-norm (the norm of all gradients concatenated; Infinity: the largest
 * |g|) is at most `maxNorm`: each is multiplied by min(1, maxNorm / (total + 1e-6)), as torch.
 * Parameters without a gradient are skipped. Returns the total norm before clipping (a 0-d tensor
 * of the gradients' dtype; float32 when there are none).
 */
export function clipGradNorm(parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, options: ClipGradNormOptions = {}): Tensor {
  const op = 'clipGradNorm';
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new ValueError({ op, arg: 'maxNorm', expected: 'a number', got: fmtValue(maxNorm) });
  if (typeof normType !== 'number' || Number.isNaN(normType) || normType <= 0) {
    throw new ValueError({ op, arg: 'normType', expected: 'a positive number or Infinity', got: fmtValue(normType) });
  }
  const grads = toList(op, parameters).filter((p) => p.grad !== null);
  const dtype = grads[0]?.grad?.dtype ?? 'float32';
  if (grads.length === 0) return tensor(0, { dtype });
  let total = 0;
  if (normType === Infinity) {
    for (const p of grads) for (const v of valuesOf(p.grad!)) total = Math.max(total, Math.abs(v));
  } else {
    for (const p of grads) for (const v of valuesOf(p.grad!)) total += Math.abs(v) ** normType;
    total = total ** (1 / normType);
  }
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError({ op, arg: 'parameters', expected: 'gradients with a finite total norm', got: `total ${normType}-norm ${total}` });
  }
  const coef = Math.min(1, maxNorm / (total + 1e-6));
  if (coef < 1 || Number.isNaN(coef)) {
    for (const p of grads) {
      const g = p.grad!;
      const d = valuesOf(g).slice();
      for (let i = 0; i < d.length; i++) d[i] = d[i]! * coef;
      p.grad = new Tensor(d, g.shape);
    }
  }
  return tensor(total, { dtype });
}

/** All parameters flattened and concatenated into one 1-d tensor (differentiable). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = toList('parametersToVector', parameters);
  if (list.length === 0) throw new ValueError({ op: 'parametersToVector', arg: 'parameters', expected: 'at least one tensor', got: 'none' });
  return cat(list.map((p) => reshape(p, [p.numel])), 0);
}

/** Copies consecutive slices of the 1-d `vec` into the parameters' values, in order (in place). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const op = 'vectorToParameters';
  if (!(vec instanceof Tensor) || vec.ndim !== 1) throw new ShapeError({ op, arg: 'vec', expected: 'a 1-d tensor', got: fmtValue(vec) });
  const list = toList(op, parameters);
  const n = list.reduce((s, p) => s + p.numel, 0);
  if (n !== vec.numel) throw new ShapeError({ op, arg: 'vec', expected: `${n} elements (the parameters' total)`, got: `${vec.numel} elements` });
  const src = valuesOf(vec);
  let off = 0;
  for (const p of list) {
    const at = off;
    writeValues(p, (d) => d.set(src.subarray(at, at + p.numel)));
    off += p.numel;
  }
}

export interface SigmoidToTanhOptions {
  /**
   * What to do when the network ends with a Sigmoid, whose output is (1 + tanh(·))/2:
   * 'linear' (default) appends a Linear(n, n) with weight ½·I and bias ½ (exact, so the outputs
   * match); 'error' refuses with a ValueError.
   */
  finalSigmoid?: 'linear' | 'error';
}

/**
 * An equivalent Linear/Tanh network for a Sequential of Linear and Sigmoid layers, using
 * σ(z) = (1 + tanh(z/2))/2. The original is not modified. Invariant: the real activation a equals
 * ½·u + ½ right after a rewritten Sigmoid, where u is the Tanh output of the new network; so a
 * Linear (W, b) reading it becomes (½W, b + ½W·1), and a Linear feeding a Sigmoid is then halved
 * as a whole (its z/2), which composes for chains of several sigmoid layers: a Linear between two
 * Sigmoids ends up as (¼W, ½b + ¼W·1). Every Sigmoid must directly follow a Linear (there would be
 * no affine map to fold z/2 into); other layer types are refused.
 */
export function sigmoidToTanh(model: Sequential, options: SigmoidToTanhOptions = {}): Sequential {
  const op = 'sigmoidToTanh';
  if (!(model instanceof Sequential)) throw new ValueError({ op, arg: 'model', expected: 'a Sequential of Linear and Sigmoid layers', got: (model as unknown) instanceof Module ? (model as Module).constructor.name : fmtValue(model) });
  const final = options.finalSigmoid ?? 'linear';
  if (final !== 'linear' && final !== 'error') throw new ValueError({ op, arg: 'options.finalSigmoid', expected: "'linear' or 'error'", got: fmtValue(final) });
  const layers = [...model];
  const out: TensorModule[] = [];
  let shifted = false; // the previous layer was a rewritten Sigmoid: real input = ½u + ½
  layers.forEach((m, i) => {
    if (m instanceof Linear) {
      const W = valuesOf(m.weight);
      const I = m.inFeatures;
      const O = m.outFeatures;
      const w = new Float64Array(W);
      const b = new Float64Array(O);
      if (m.bias !== null) b.set(valuesOf(m.bias));
      if (shifted) {
        for (let r = 0; r < O; r++) {
          let rowSum = 0;
          for (let c = 0; c < I; c++) rowSum += W[r * I + c]!;
          b[r] = b[r]! + 0.5 * rowSum;
          for (let c = 0; c < I; c++) w[r * I + c] = 0.5 * W[r * I + c]!;
        }
      }
      const next = layers[i + 1];
      if (next instanceof Sigmoid) {
        for (let k = 0; k < w.length; k++) w[k] = 0.5 * w[k]!;
        for (let k = 0; k < O; k++) b[k] = 0.5 * b[k]!;
      }
      const needBias = m.bias !== null || shifted;
      const lin = new Linear(I, O, { bias: needBias, dtype: m.weight.dtype as 'float32' | 'float64' });
      writeValues(lin.weight, (d) => d.set(w));
      if (lin.bias !== null) writeValues(lin.bias, (d) => d.set(b));
      out.push(lin);
      shifted = false;
    } else if (m instanceof Sigmoid) {
      const prev = layers[i - 1];
      if (!(prev instanceof Linear)) {
        throw new ValueError({ op, arg: `model[${i}]`, expected: 'a Sigmoid directly after a Linear', got: `a Sigmoid after ${prev === undefined ? 'nothing (first layer)' : prev.constructor.name}` });
      }
      out.push(new Tanh());
      shifted = true;
    } else {
      throw new ValueError({ op, arg: `model[${i}]`, expected: 'a Linear or Sigmoid layer', got: m.constructor.name });
    }
  });
  if (shifted) {
    const last = layers[layers.length - 2] as Linear;
    if (final === 'error') {
      throw new ValueError({
        op,
        arg: 'model',
        expected: 'a network not ending with a Sigmoid (or options.finalSigmoid "linear")',
        got: 'a final Sigmoid, whose output (1 + tanh(z/2))/2 is not a Tanh output',
      });
    }
    const n = last.outFeatures;
    const adj = new Linear(n, n, { dtype: last.weight.dtype as 'float32' | 'float64' });
    writeValues(adj.weight, (d) => {
      d.fill(0);
      for (let k = 0; k < n; k++) d[k * n + k] = 0.5;
    });
    writeValues(adj.bias!, (d) => d.fill(0.5));
    out.push(adj);
  }
  const result = new Sequential(...out);
  result.train(model.training);
  return result;
}
