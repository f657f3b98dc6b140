/**
 * Seeded random augmentations (torchvision's RandomCrop, RandomHorizontalFlip, and a random
 * translation), composable with `compose` and `normalize`. Each is a Transform on one image
 * [C, H, W] or on a batch [N, C, H, W] (every image drawing its own randomness), returning a new
 * tensor. Randomness comes from the `generator` option (a `Generator`), by default one seeded from
 * the global generator when the transform is made, so `manualSeed` makes a run reproducible;
 * re-seed the generator (`generator.manualSeed(s)`) to replay an epoch.
 */
import { alloc } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { readOptions } from '../op.js';
import { Generator, defaultGenerator } from '../random.js';
import { isTensor, valuesOf } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import type { Transform } from './dataset.js';

export interface AugmentOptions {
  generator?: Generator;
}

function gen(op: string, g: unknown): Generator {
  if (g === undefined) return new Generator(defaultGenerator.nextU32());
  if (!(g instanceof Generator)) throw new ValueError({ op, arg: 'options.generator', expected: 'a Generator', got: fmtValue(g) });
  return g;
}

/** Checks an image or batch; returns its batch size and per-image sizes. */
function layout(op: string, x: unknown): { n: number; C: number; H: number; W: number } {
  if (!isTensor(x)) throw new ValueError({ op, arg: 'input', expected: 'a Tensor', got: fmtValue(x) });
  if (x.dtype === 'int32') throw new DTypeError({ op, arg: 'input', expected: 'a float32 or float64 image', got: 'int32 (convert pixel bytes with toTensor first)' });
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError({ op, arg: 'input', expected: 'an image [C, H, W] or a batch [N, C, H, W]', got: `shape ${fmtShape(x.shape)}` });
  const [C, H, W] = x.shape.slice(-3) as [number, number, number];
  return { n: x.ndim === 4 ? x.shape[0]! : 1, C, H, W };
}

function nonNegInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ValueError({ op, arg, expected: 'a non-negative integer', got: fmtValue(v) });
  return v;
}

/**
 * Moves each image by a random (dy, dx) with |dy|, |dx| <= maxShift, filling with zeros: the
 * cheapest augmentation that still helps a small digit set generalise.
 */
export function randomShift(maxShift: number, options: AugmentOptions = {}): Transform {
  const op = 'randomShift';
  const o = readOptions<AugmentOptions>(op, options, ['generator']);
  const s = nonNegInt(op, 'maxShift', maxShift);
  const g = gen(op, o.generator);
  return (x: Tensor): Tensor => shiftImages(x, s, g, op);
}

/** The translation itself (also used by the training loop's `augmentShift`). */
export function shiftImages(x: Tensor, s: number, g: Generator, op = 'randomShift'): Tensor {
  const { n, C, H, W } = layout(op, x);
  const out = alloc(x.dtype, x.numel);
  const src = valuesOf(x);
  for (let b = 0; b < n; b++) {
    const dy = g.int(-s, s + 1);
    const dx = g.int(-s, s + 1);
    for (let c = 0; c < C; c++) {
      const base = (b * C + c) * H * W;
      for (let i = Math.max(0, dy); i < Math.min(H, H + dy); i++) {
        const row = base + i * W;
        const srow = base + (i - dy) * W;
        for (let j = Math.max(0, dx); j < Math.min(W, W + dx); j++) out[row + j] = src[srow + j - dx]!;
      }
    }
  }
  return tensor(out, { shape: x.shape, dtype: x.dtype });
}

export interface RandomCropOptions extends AugmentOptions {
  /** Zero padding added on every side before cropping (default 0). */
  padding?: number;
  /** Value of the padding (default 0). */
  fill?: number;
}

/**
 * torchvision's RandomCrop(size, padding): pads each image by `padding` on every side, then cuts
 * a size × size (or [h, w]) window at a uniformly random position inside the padded image.
 */
export function randomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): Transform {
  const op = 'randomCrop';
  const o = readOptions<RandomCropOptions>(op, options, ['padding', 'fill', 'generator']);
  const [h, w] = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 2 ? size : [NaN, NaN];
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) throw new ValueError({ op, arg: 'size', expected: 'a positive integer or [height, width]', got: fmtValue(size) });
  const p = nonNegInt(op, 'options.padding', o.padding ?? 0);
  const fill = o.fill ?? 0;
  if (typeof fill !== 'number' || !Number.isFinite(fill)) throw new ValueError({ op, arg: 'options.fill', expected: 'a finite number', got: fmtValue(fill) });
  const g = gen(op, o.generator);
  return (x: Tensor): Tensor => {
    const { n, C, H, W } = layout(op, x);
    if (H + 2 * p < h || W + 2 * p < w) {
      throw new ShapeError({ op, arg: 'input', expected: `an image of at least ${h - 2 * p} x ${w - 2 * p} (the crop ${h} x ${w} minus the padding ${p} on each side)`, got: `${H} x ${W}` });
    }
    const out = alloc(x.dtype, n * C * h * w).fill(fill);
    const src = valuesOf(x);
    for (let b = 0; b < n; b++) {
      // the window's corner in padded coordinates, then in the image's
      const top = g.int(0, H + 2 * p - h + 1) - p;
      const left = g.int(0, W + 2 * p - w + 1) - p;
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < h; i++) {
          const y = top + i;
          if (y < 0 || y >= H) continue;
          const so = ((b * C + c) * H + y) * W;
          const d = ((b * C + c) * h + i) * w;
          for (let j = Math.max(0, -left); j < Math.min(w, W - left); j++) out[d + j] = src[so + left + j]!;
        }
      }
    }
    return tensor(out, { shape: x.ndim === 4 ? [n, C, h, w] : [C, h, w], dtype: x.dtype });
  };
}

export interface RandomFlipOptions extends AugmentOptions {
  /** Probability of flipping each image (default 0.5). */
  p?: number;
}

/** torchvision's RandomHorizontalFlip(p): mirrors each image left-right with probability p. */
export function randomHorizontalFlip(options: RandomFlipOptions = {}): Transform {
  const op = 'randomHorizontalFlip';
  const o = readOptions<RandomFlipOptions>(op, options, ['p', 'generator']);
  const prob = o.p ?? 0.5;
  if (typeof prob !== 'number' || !(prob >= 0 && prob <= 1)) throw new ValueError({ op, arg: 'options.p', expected: 'a probability in [0, 1]', got: fmtValue(prob) });
  const g = gen(op, o.generator);
  return (x: Tensor): Tensor => {
    const { n, C, H, W } = layout(op, x);
    const out = alloc(x.dtype, x.numel);
    const src = valuesOf(x);
    for (let b = 0; b < n; b++) {
      const flip = g.random() < prob;
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < H; i++) {
          const row = ((b * C + c) * H + i) * W;
          for (let j = 0; j < W; j++) out[row + j] = src[row + (flip ? W - 1 - j : j)]!;
        }
      }
    }
    return tensor(out, { shape: x.shape, dtype: x.dtype });
  };
}
