/**
 * Input transforms (torchvision's `ToTensor`, `Normalize`, `Compose`). They return new tensors and
 * never modify their input, so they are safe on the views a `TensorDataset` hands out.
 */
import { alloc } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { numel } from '../shape.js';
import { Tensor, isTensor, valuesOf } from '../tensor.js';
import type { Transform } from './dataset.js';

type Bytes = Uint8Array | Uint8ClampedArray | readonly number[];

/**
 * Grey (or any 8-bit) pixel values 0..255 → float32 in [0, 1] (value / 255), like torchvision's
 * `ToTensor` for 8-bit images. `data` is a byte array (then `shape` is required) or a tensor of
 * integers 0..255 (e.g. from `loadIdx`). A 2-d [H, W] tensor gains a channel dimension: [1, H, W].
 */
export function toTensor(data: Tensor | Bytes, shape?: readonly number[]): Tensor {
  const op = 'toTensor';
  let src: ArrayLike<number>;
  let outShape: readonly number[];
  if (isTensor(data)) {
    src = valuesOf(data);
    outShape = shape ?? (data.ndim === 2 ? [1, ...data.shape] : data.shape);
  } else if (data instanceof Uint8Array || data instanceof Uint8ClampedArray || Array.isArray(data)) {
    if (shape === undefined) {
      throw new ValueError({ op, arg: 'shape', expected: 'the image shape, e.g. [1, 28, 28], when data is a byte array', got: 'undefined' });
    }
    src = data;
    outShape = shape;
  } else {
    throw new ValueError({ op, arg: 'data', expected: 'a Tensor, Uint8Array or array of 0..255 values', got: fmtValue(data) });
  }
  if (!Array.isArray(outShape) || !outShape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ValueError({ op, arg: 'shape', expected: 'an array of non-negative integers', got: fmtValue(outShape) });
  }
  if (numel(outShape) !== src.length) {
    throw new ShapeError({ op, arg: 'shape', expected: `a shape with ${src.length} elements`, got: `${fmtShape(outShape)} (${numel(outShape)} elements)` });
  }
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    // the negated test also catches NaN and non-numbers in plain arrays
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new ValueError({ op, arg: 'data', expected: 'integer pixel values 0..255', got: `${fmtValue(v)} at index ${i}` });
    }
    out[i] = v / 255;
  }
  return new Tensor(out, outShape.slice());
}

/**
 * Per-channel `(x - mean[c]) / std[c]` on [..., C, H, W] float tensors (torchvision's
 * `Normalize`). Scalar (or one-element) mean and std apply to every element of any shape.
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const op = 'normalize';
  const m = numbers(op, 'mean', mean);
  const s = numbers(op, 'std', std);
  s.forEach((v, c) => {
    if (v === 0) throw new ValueError({ op, arg: `std[${c}]`, expected: 'a non-zero number', got: '0', message: `normalize: std[${c}] is 0, which would divide by zero` });
  });
  const C = Math.max(m.length, s.length);
  if (m.length !== 1 && s.length !== 1 && m.length !== s.length) {
    throw new ShapeError({ op, arg: 'std', expected: `${m.length} values like mean (or one)`, got: `${s.length} values` });
  }
  return (x: Tensor): Tensor => {
    if (!isTensor(x)) throw new ValueError({ op, arg: 'input', expected: 'a Tensor', got: fmtValue(x) });
    if (x.dtype === 'int32') {
      throw new DTypeError({ op, arg: 'input', expected: 'a float32 or float64 tensor', got: 'int32 (convert pixel bytes with toTensor first)' });
    }
    let plane = x.numel;
    if (C > 1) {
      const ch = x.shape[x.ndim - 3];
      if (x.ndim < 3 || ch !== C) {
        throw new ShapeError({
          op,
          arg: 'input',
          expected: `a [..., ${C}, H, W] tensor (${C} channels, one per mean/std value)`,
          got: `shape ${fmtShape(x.shape)}`,
        });
      }
      plane = x.shape[x.ndim - 2]! * x.shape[x.ndim - 1]!;
    }
    const out = alloc(x.dtype, x.numel);
    const xd = valuesOf(x);
    for (let i = 0; i < x.numel; i++) {
      const c = C > 1 ? Math.floor(i / plane) % C : 0;
      out[i] = (xd[i]! - (m[c] ?? m[0]!)) / (s[c] ?? s[0]!);
    }
    return new Tensor(out, x.shape.slice());
  };
}

/** Applies the transforms left to right. */
export function compose(...transforms: Transform[]): Transform {
  transforms.forEach((t, k) => {
    if (typeof t !== 'function') throw new ValueError({ op: 'compose', arg: `transforms[${k}]`, expected: 'a function Tensor -> Tensor', got: fmtValue(t) });
  });
  return (x: Tensor) => transforms.reduce((acc, t) => t(acc), x);
}

function numbers(op: string, arg: string, v: number | readonly number[]): number[] {
  const arr = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(arr) || arr.length === 0 || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ValueError({ op, arg, expected: 'a finite number or a non-empty array of finite numbers (one per channel)', got: fmtValue(v) });
  }
  return arr.slice() as number[];
}
