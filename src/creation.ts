/** Creating tensors: from data, constants, ranges and random distributions. */
import type { DType, Data } from './dtype.js';
import { alloc, castData, dtypeOf, isDType } from './dtype.js';
import { ShapeError, ValueError, fmtShape, fmtValue } from './errors.js';
import type { Shape } from './shape.js';
import { numel } from './shape.js';
import type { NestedArray } from './tensor.js';
import { Tensor, isTensor, valuesOf } from './tensor.js';
import type { Generator } from './random.js';
import { defaultGenerator } from './random.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface FromDataOptions extends TensorOptions {
  /** Required with a flat typed array or flat number array of data. */
  shape?: Shape;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function finish(t: Tensor, o: TensorOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}

function checkDtype(op: string, d: unknown): DType | undefined {
  if (d === undefined) return undefined;
  if (!isDType(d)) throw new ValueError({ op, arg: 'options.dtype', expected: '"float32", "float64" or "int32"', got: fmtValue(d) });
  return d;
}

export function checkShape(op: string, shape: unknown, arg = 'shape'): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new ValueError({ op, arg, expected: 'an array of non-negative integers', got: fmtValue(shape) });
  }
  return shape as number[];
}

/**
 * A tensor from nested arrays, a number, or flat data (typed array or number[]) with `shape`.
 * Typed arrays are copied; the default dtype is the typed array's, else float32.
 */
export function tensor(data: NestedArray | Data | readonly number[] | Tensor, options: FromDataOptions = {}): Tensor {
  const op = 'tensor';
  let dtype = checkDtype(op, options.dtype);
  if (isTensor(data)) {
    return finish(new Tensor(castData(valuesOf(data), dtype ?? data.dtype), options.shape ?? data.shape), options);
  }
  if (ArrayBuffer.isView(data)) {
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
      throw new ValueError({ op, arg: 'data', expected: 'a Float32Array, Float64Array or Int32Array', got: (data as ArrayBufferView).constructor.name });
    }
    dtype ??= dtypeOf(data);
    const shape = options.shape !== undefined ? checkShape(op, options.shape, 'options.shape') : [data.length];
    return finish(new Tensor(castData(data, dtype), shape), options);
  }
  const flat: number[] = [];
  const shape: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (Array.isArray(v)) {
      if (shape.length === depth) shape.push(v.length);
      else if (shape[depth] !== v.length || depth >= shape.length) {
        throw new ShapeError({ op, arg: 'data', expected: 'a rectangular nested array', got: `a ragged array (length ${v.length} at depth ${depth}, expected ${shape[depth]})` });
      }
      for (const x of v) walk(x, depth + 1);
    } else if (typeof v === 'number' || typeof v === 'boolean') {
      if (depth !== shape.length) {
        throw new ShapeError({ op, arg: 'data', expected: 'a rectangular nested array', got: `a number at depth ${depth} where arrays of depth ${shape.length} were found` });
      }
      flat.push(Number(v));
    } else {
      throw new ValueError({ op, arg: 'data', expected: 'numbers or nested arrays of numbers', got: fmtValue(v) });
    }
  };
  walk(data, 0);
  // an empty inner array leaves deeper shape undetermined: fine, numel is 0
  let finalShape: number[] = shape;
  if (options.shape !== undefined) {
    finalShape = checkShape(op, options.shape, 'options.shape');
    if (numel(finalShape) !== flat.length) {
      throw new ShapeError({ op, arg: 'options.shape', expected: `a shape with ${flat.length} elements`, got: fmtShape(finalShape) });
    }
  }
  return finish(new Tensor(castData(flat, dtype ?? 'float32'), finalShape), options);
}

/** Wraps `data` without copying (internal fast path for kernels and ops). */
export function fromData(data: Data, shape: Shape): Tensor {
  return new Tensor(data, shape);
}

export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

function filled(op: string, shape: Shape, value: number, options: TensorOptions): Tensor {
  const s = checkShape(op, shape);
  const dtype = checkDtype(op, options.dtype) ?? 'float32';
  const d = alloc(dtype, numel(s));
  d.fill(value);
  return finish(new Tensor(d, s), options);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/** Values start, start+step, ... below end (like torch.arange); `arange(n)` is 0..n-1. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const op = 'arange';
  if (end === undefined) [start, end] = [0, start];
  for (const [k, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError({ op, arg: k, expected: 'a finite number', got: fmtValue(v) });
  }
  if (step === 0) throw new ValueError({ op, arg: 'step', expected: 'a non-zero number', got: '0' });
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(step);
  const dtype = checkDtype(op, options.dtype) ?? (allInt ? 'int32' : 'float32');
  const d = alloc(dtype, n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return finish(new Tensor(d, [n]), options);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError({ op: 'linspace', arg: 'steps', expected: 'a non-negative integer', got: fmtValue(steps) });
  const dtype = checkDtype('linspace', options.dtype) ?? 'float32';
  const d = alloc(dtype, steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // like torch: the second half is computed from the end, so the last value is exactly `end`
  for (let i = 0; i < steps; i++) d[i] = i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h;
  return finish(new Tensor(d, [steps]), options);
}

export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  checkShape('eye', [n, m], 'n, m');
  const dtype = checkDtype('eye', options.dtype) ?? 'float32';
  const d = alloc(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return finish(new Tensor(d, [n, m]), options);
}

/** Uniform on [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  const s = checkShape('rand', shape);
  const g = options.generator ?? defaultGenerator;
  const d = alloc(checkDtype('rand', options.dtype) ?? 'float32', numel(s));
  for (let i = 0; i < d.length; i++) d[i] = g.random();
  return finish(new Tensor(d, s), options);
}

/** Standard normal. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  const s = checkShape('randn', shape);
  const g = options.generator ?? defaultGenerator;
  const d = alloc(checkDtype('randn', options.dtype) ?? 'float32', numel(s));
  for (let i = 0; i < d.length; i++) d[i] = g.normal();
  return finish(new Tensor(d, s), options);
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  const op = 'randint';
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError({ op, arg: 'high', expected: `an integer greater than low (${fmtValue(low)})`, got: fmtValue(high) });
  }
  const s = checkShape(op, shape);
  const g = options.generator ?? defaultGenerator;
  const d = alloc(checkDtype(op, options.dtype) ?? 'int32', numel(s));
  for (let i = 0; i < d.length; i++) d[i] = g.int(low, high);
  return finish(new Tensor(d, s), options);
}

/** A 0-d tensor holding `v`, with the dtype of `like` (how plain numbers enter ops). */
export function scalarLike(v: number, like: Tensor): Tensor {
  const d = alloc(like.dtype, 1);
  d[0] = v;
  return new Tensor(d, []);
}
