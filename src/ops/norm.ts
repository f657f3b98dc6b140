/**
 * Normalisation layers with PyTorch's semantics: batchNorm, layerNorm, groupNorm, all built from
 * the primitives of norm_ops.ts (standardize per group, then a per-channel affine map), so each
 * is differentiable to any order in its input, weight and bias.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { checkFinite } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { apply, apply1, expectFloat, expectSameDtype, expectTensor, readOptions } from '../op.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { reshape } from './movement.js';
import { full } from '../creation.js';
import type { NormLayout } from './norm_ops.js';
import { normAffineOp, normStandardizeOp, runningUpdate } from './norm_ops.js';
import { noGrad } from '../autograd/tape.js';

export interface AffineOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

export interface BatchNormOptions extends AffineOptions {
  training?: boolean;
  momentum?: number;
}

function readEps(op: string, v: unknown): number {
  if (v === undefined) return 1e-5;
  const e = checkFinite(op, 'options.eps', v, 'a finite non-negative number');
  if (e < 0) throw new ValueError({ op, arg: 'options.eps', expected: 'a finite non-negative number', got: fmtValue(v) });
  return e;
}

/** An optional per-channel tensor (weight, bias, running statistics) of `shape` and input's dtype. */
function optionalParam(op: string, arg: string, v: unknown, x: Tensor, shape: readonly number[]): Tensor | null {
  if (v === undefined || v === null) return null;
  const t = expectTensor(op, arg, v);
  expectSameDtype(op, [['input', x], [arg, t]]);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError({
      op,
      arg,
      expected: `shape ${fmtShape(shape)}`,
      got: fmtShape(t.shape),
      message: `${op}: ${arg} should have shape ${fmtShape(shape)} for input of shape ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}`,
    });
  }
  return t;
}

function floatInput(op: string, input: unknown, minRank: number, what: string): Tensor {
  const x = expectTensor(op, 'input', input);
  expectFloat(op, 'input', x);
  if (x.shape.length < minRank) {
    throw new ShapeError({
      op,
      arg: 'input',
      expected: `a tensor of at least ${minRank} dimensions ${what}`,
      got: `shape ${fmtShape(x.shape)}`,
      message: `${op}: expected input with at least ${minRank} dimensions ${what}, got shape ${fmtShape(x.shape)}`,
    });
  }
  return x;
}

/** y = x·w + b per group of `l` (skipped when both are absent; a missing one is 1 or 0). */
function affine(x: Tensor, w: Tensor | null, b: Tensor | null, l: NormLayout): Tensor {
  if (!w && !b) return x;
  const ww = w ?? full([l.G], 1, { dtype: x.dtype });
  const bb = b ?? full([l.G], 0, { dtype: x.dtype });
  return apply1(normAffineOp, [x, ww, bb], l);
}

/**
 * Batch normalisation over (N, C), (N, C, L), (N, C, H, W) or (N, C, D, H, W): per channel over the
 * batch and spatial positions. Training normalises with the batch mean and biased variance and
 * updates runningMean/runningVar in place (an in-place op) as (1 - momentum)·running +
 * momentum·batch, with the unbiased variance, as PyTorch does; either may be null then. Not
 * training, it normalises with the running statistics (both required). Running statistics are
 * buffers, never differentiated.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options?: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  const x = floatInput(op, input, 2, '(N, C, ...)');
  const o = readOptions<BatchNormOptions>(op, options, ['weight', 'bias', 'training', 'momentum', 'eps']);
  const C = x.shape[1]!;
  const rm = optionalParam(op, 'runningMean', runningMean, x, [C]);
  const rv = optionalParam(op, 'runningVar', runningVar, x, [C]);
  const w = optionalParam(op, 'options.weight', o.weight, x, [C]);
  const b = optionalParam(op, 'options.bias', o.bias, x, [C]);
  const training = o.training ?? false;
  if (typeof training !== 'boolean') throw new ValueError({ op, arg: 'options.training', expected: 'a boolean', got: fmtValue(training) });
  const momentum = o.momentum === undefined ? 0.1 : checkFinite(op, 'options.momentum', o.momentum);
  const eps = readEps(op, o.eps);
  const N = x.shape[0]!;
  const S = x.numel / Math.max(1, N * C);
  const l: NormLayout = { A: N, G: C, B: S };
  if (training) {
    const M = N * S;
    if (M <= 1) {
      throw new ValueError({
        op,
        arg: 'input',
        expected: 'more than 1 value per channel when training',
        got: `input of shape ${fmtShape(x.shape)}`,
        message: `${op}: expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}`,
      });
    }
    const [xh, mean, variance] = apply(normStandardizeOp, [x], { ...l, eps });
    const unbias = M / (M - 1);
    noGrad(() => {
      if (rm) runningUpdate(rm, mean!, momentum, 1);
      if (rv) runningUpdate(rv, variance!, momentum, unbias);
    });
    return affine(xh!, w, b, l);
  }
  if (!rm || !rv) {
    throw new ValueError({
      op,
      arg: rm ? 'runningVar' : 'runningMean',
      expected: 'a tensor when training is false',
      got: 'null',
      message: `${op}: runningMean and runningVar are required when training is false (evaluation uses the running statistics)`,
    });
  }
  // y = (x - mean)·w/√(var + eps) + b = x·scale + shift, with the statistics as constants
  const scale0 = rsqrt(add(rv.detach(), eps));
  const scale = w ? mul(w, scale0) : scale0;
  const shift = sub(b ?? full([C], 0, { dtype: x.dtype }), mul(rm.detach(), scale));
  return apply1(normAffineOp, [x, scale, shift], l);
}

/**
 * Layer normalisation over the trailing dimensions `normalizedShape` (an int or array matching
 * input's last dimensions), with optional elementwise weight and bias of that shape.
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options?: AffineOptions): Tensor {
  const op = 'layerNorm';
  const x = floatInput(op, input, 0, '');
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(ns) || ns.length === 0 || !ns.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError({ op, arg: 'normalizedShape', expected: 'a non-negative integer or a non-empty array of them', got: fmtValue(normalizedShape) });
  }
  const k = ns.length;
  const tail = x.shape.slice(x.shape.length - k);
  if (x.shape.length < k || tail.some((d, i) => d !== ns[i])) {
    throw new ShapeError({
      op,
      arg: 'normalizedShape',
      expected: `the last ${k} dimensions of input ${fmtShape(x.shape)}`,
      got: fmtShape(ns),
      message: `${op}: normalizedShape ${fmtShape(ns)} does not match the last dimensions of input ${fmtShape(x.shape)} (expected input of shape [*, ${ns.join(', ')}])`,
    });
  }
  const o = readOptions<AffineOptions>(op, options, ['weight', 'bias', 'eps']);
  const w = optionalParam(op, 'options.weight', o.weight, x, ns);
  const b = optionalParam(op, 'options.bias', o.bias, x, ns);
  const eps = readEps(op, o.eps);
  const K = ns.reduce((p, d) => p * d, 1);
  const rows = K === 0 ? 0 : x.numel / K;
  const [xh] = apply(normStandardizeOp, [x], { A: 1, G: rows, B: K, eps });
  return affine(xh!, w && reshape(w, [K]), b && reshape(b, [K]), { A: rows, G: K, B: 1 });
}

/**
 * Group normalisation of (N, C, ...): the C channels are split into numGroups groups, each
 * normalised over its channels and spatial positions per sample; optional per-channel weight and
 * bias of shape [C].
 */
export function groupNorm(input: Tensor, numGroups: number, options?: AffineOptions): Tensor {
  const op = 'groupNorm';
  const x = floatInput(op, input, 2, '(N, C, ...)');
  if (typeof numGroups !== 'number' || !Number.isInteger(numGroups) || numGroups <= 0) {
    throw new ValueError({ op, arg: 'numGroups', expected: 'a positive integer', got: fmtValue(numGroups) });
  }
  const [N, C] = x.shape as [number, number];
  if (C % numGroups !== 0) {
    throw new ValueError({
      op,
      arg: 'numGroups',
      expected: `a divisor of the ${C} channels`,
      got: String(numGroups),
      message: `${op}: the number of channels (${C}) must be divisible by numGroups (${numGroups}), input of shape ${fmtShape(x.shape)}`,
    });
  }
  const o = readOptions<AffineOptions>(op, options, ['weight', 'bias', 'eps']);
  const w = optionalParam(op, 'options.weight', o.weight, x, [C]);
  const b = optionalParam(op, 'options.bias', o.bias, x, [C]);
  const eps = readEps(op, o.eps);
  const S = N * C === 0 ? 0 : x.numel / (N * C);
  const [xh] = apply(normStandardizeOp, [x], { A: 1, G: N * numGroups, B: (C / numGroups) * S, eps });
  return affine(xh!, w, b, { A: N, G: C, B: S });
}
