/**
 * Image datasets on disk (Node): CIFAR-10's binary batches, and folders of PNG/JPEG images with one
 * subfolder per class (torchvision's ImageFolder layout).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValueError, fmtValue } from '../errors.js';
import { Tensor, valuesOf } from '../tensor.js';
import { TensorDataset } from '../data/dataset.js';
import { CIFAR10_CLASSES, parseCifar10 } from '../data/cifar.js';
import { decodeImageFile, imageHeader } from '../data/image_file.js';
import { randomSplit } from '../data/split.js';
import type { Subset } from '../data/split.js';
import type { Dataset } from '../data/dataset.js';
import { checkPath, readBytes } from './files.js';

export interface ImageDataset {
  train: Dataset;
  test: Dataset;
  /** Class names, by label. */
  classes: readonly string[];
  /** One input without the batch, [C, H, W]. */
  inputShape: readonly number[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function needDir(op: string, dir: string, what: string): void {
  checkPath(op, dir, 'dir');
  if (!isDir(dir)) throw new ValueError({ op, arg: 'dir', expected: `a folder ${what}`, got: dir, message: `${op}: ${dir} is not a folder (expected ${what})` });
}

/**
 * CIFAR-10, binary version: `dir` holds data_batch_1.bin ... data_batch_5.bin and test_batch.bin
 * (or is the folder above `cifar-10-batches-bin`). Training uses the data batches present (at
 * least one); images [3, 32, 32] in [0, 1].
 */
export function cifar10(dir: string): ImageDataset {
  const op = 'cifar10';
  needDir(op, dir, 'with the CIFAR-10 binary batches');
  const root = existsSync(join(dir, 'cifar-10-batches-bin')) ? join(dir, 'cifar-10-batches-bin') : dir;
  const trainFiles = [1, 2, 3, 4, 5].map((i) => join(root, `data_batch_${i}.bin`)).filter((f) => existsSync(f));
  const testFile = join(root, 'test_batch.bin');
  const missing = [...(trainFiles.length === 0 ? ['data_batch_1.bin'] : []), ...(existsSync(testFile) ? [] : ['test_batch.bin'])];
  if (missing.length > 0) {
    throw new ValueError({ op, arg: 'dir', expected: 'data_batch_N.bin and test_batch.bin', got: `${root} without ${missing.join(', ')}`, message: `${op}: ${root} lacks ${missing.join(' and ')} (the binary version of CIFAR-10: data_batch_1.bin ... data_batch_5.bin, test_batch.bin)` });
  }
  const train = parseCifar10(trainFiles.map((f) => readBytes(op, f)), trainFiles, op);
  const test = parseCifar10([readBytes(op, testFile)], [testFile], op);
  return { train, test, classes: CIFAR10_CLASSES, inputShape: [3, 32, 32] };
}

export interface ImageFolderOptions {
  /** [height, width] every image is resized to (default: the first image's size). */
  size?: readonly [number, number];
  /** 1 or 3 channels (default 1 when every image is grey, else 3). */
  channels?: 1 | 3;
  /** Share of the images held out as the test set when the folder has no train/ and test/ (default 0.2). */
  valFraction?: number;
  /** Seed of that split (default 0). */
  seed?: number;
}

const IMAGE = /\.(png|jpe?g)$/i;
/** Decoded pixels kept in memory at most (float32 elements): 2^29, 2 GiB. */
const MAX_ELEMENTS = 2 ** 29;

interface Listing {
  classes: string[];
  files: { path: string; label: number }[];
}

function listClasses(op: string, dir: string, classes?: readonly string[]): Listing {
  const names = readdirSync(dir).filter((n) => !n.startsWith('.') && isDir(join(dir, n))).sort();
  if (names.length === 0) throw new ValueError({ op, arg: 'dir', expected: 'one subfolder per class', got: `${dir} without subfolders`, message: `${op}: ${dir} has no class subfolders (expected one folder per class, each holding PNG or JPEG images)` });
  const cls = classes ?? names;
  const files: Listing['files'] = [];
  for (const name of names) {
    const label = cls.indexOf(name);
    if (label < 0) throw new ValueError({ op, arg: 'dir', expected: `the classes of the training folder (${cls.join(', ')})`, got: name, message: `${op}: ${join(dir, name)} is not one of the training classes (${cls.join(', ')})` });
    const images = readdirSync(join(dir, name)).filter((f) => IMAGE.test(f)).sort();
    if (images.length === 0) throw new ValueError({ op, arg: 'dir', expected: 'PNG or JPEG images in every class folder', got: `${join(dir, name)} with none`, message: `${op}: the class folder ${join(dir, name)} has no .png or .jpg images` });
    for (const f of images) files.push({ path: join(dir, name, f), label });
  }
  return { classes: cls.slice(), files };
}

function decodeAll(op: string, files: Listing['files'], bytes: Uint8Array[], C: 1 | 3, size: readonly [number, number]): TensorDataset {
  const [H, W] = size;
  const per = C * H * W;
  if (files.length * per > MAX_ELEMENTS) {
    throw new ValueError({ op, arg: 'size', expected: `at most ${MAX_ELEMENTS} decoded values in memory`, got: `${files.length} images of ${C}x${H}x${W}`, message: `${op}: ${files.length} images of ${C}x${H}x${W} need ${files.length * per} float32 values, more than ${MAX_ELEMENTS}; choose a smaller size` });
  }
  const px = new Float32Array(files.length * per);
  const labels = new Int32Array(files.length);
  files.forEach((f, i) => {
    const t = decodeImageFile(bytes[i]!, { size, channels: C }, f.path, op);
    px.set(valuesOf(t), i * per);
    labels[i] = f.label;
  });
  return new TensorDataset(new Tensor(px, [files.length, C, H, W]), labels);
}

/**
 * A folder of class subfolders of PNG/JPEG images of any size, resized to one size. With
 * `train/` and `test/` (or `val/`) subfolders those are the two sets; otherwise a seeded share
 * (`valFraction`) of the images is held out as the test set.
 */
export function imageFolder(dir: string, options: ImageFolderOptions = {}): ImageDataset {
  const op = 'imageFolder';
  needDir(op, dir, 'with one subfolder per class');
  const testName = ['test', 'val'].find((n) => isDir(join(dir, n)));
  const split = isDir(join(dir, 'train')) && testName !== undefined;
  const trainList = listClasses(op, split ? join(dir, 'train') : dir);
  const testList = split ? listClasses(op, join(dir, testName), trainList.classes) : null;
  const all = [...trainList.files, ...(testList?.files ?? [])];
  const bytes = all.map((f) => readBytes(op, f.path));
  const headers = all.map((f, i) => imageHeader(bytes[i]!, f.path, op));
  const first = headers[0]!;
  const size = options.size ?? ([first.height, first.width] as const);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError({ op, arg: 'options.size', expected: '[height, width] of positive integers', got: fmtValue(options.size) });
  }
  const C = options.channels ?? (headers.every((h) => h.channels === 1) ? 1 : 3);
  const nTrain = trainList.files.length;
  const train = decodeAll(op, trainList.files, bytes.slice(0, nTrain), C, size);
  if (testList !== null) {
    return { train, test: decodeAll(op, testList.files, bytes.slice(nTrain), C, size), classes: trainList.classes, inputShape: [C, size[0], size[1]] };
  }
  const frac = options.valFraction ?? 0.2;
  if (typeof frac !== 'number' || !(frac > 0 && frac < 1)) throw new ValueError({ op, arg: 'options.valFraction', expected: 'a fraction between 0 and 1', got: fmtValue(frac) });
  const nTest = Math.max(1, Math.round(frac * train.length));
  if (nTest >= train.length) throw new ValueError({ op, arg: 'dir', expected: 'at least 2 images to split into train and test', got: `${train.length} image(s) in ${dir}` });
  const [tr, te] = randomSplit(train, [train.length - nTest, nTest], { seed: options.seed ?? 0 }) as [Subset, Subset];
  return { train: tr, test: te, classes: trainList.classes, inputShape: [C, size[0], size[1]] };
}
