/**
 * The CLI's `--data`, `--augment` and `--normalize`: datasets by name (digits, fashion, idx:DIR,
 * cifar10:DIR, folder:DIR), augmentation lists and per-channel normalisation.
 */
import { ValueError } from '../errors.js';
import type { Dataset, Sample, Transform } from '../data/dataset.js';
import { normalize } from '../data/transforms.js';
import { compose } from '../data/transforms.js';
import { randomCrop, randomHorizontalFlip, randomShift } from '../data/augment.js';
import { CIFAR10_CLASSES } from '../data/cifar.js';
import type { Generator } from '../random.js';
import { valuesOf } from '../tensor.js';
import { FASHION_MNIST_CLASSES, fashionMnist, idxDataset, loadDigits } from '../io/datasets.js';
import { cifar10, imageFolder } from '../io/image_data.js';

export const DATA_CHOICES = ['digits', 'fashion', 'idx:', 'cifar10:', 'folder:'];

export interface LoadedData {
  train: Dataset;
  test: Dataset;
  /** The spec as given (recorded in checkpoints so eval can reload it). */
  name: string;
  classes: readonly string[];
  /** One input without the batch, [C, H, W]. */
  inputShape: readonly number[];
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface DataOptions {
  /** folder: every image resized to [H, W] (default the first image's size). */
  size?: readonly [number, number];
  /** folder without train/ and test/: the share held out as the test set (default 0.2). */
  valSplit?: number;
  /** folder: seed of that split. */
  seed?: number;
}

/** Loads `--data SPEC`. */
export function loadData(spec: string, o: DataOptions = {}): LoadedData {
  if (spec === 'digits') return { ...loadDigits(), name: spec, classes: DIGITS, inputShape: [1, 28, 28] };
  if (spec === 'fashion') return { ...fashionMnist(), name: spec, classes: FASHION_MNIST_CLASSES, inputShape: [1, 28, 28] };
  if (spec.startsWith('idx:')) {
    const d = idxDataset(spec.slice(4));
    const first = d.train.get(0).input;
    let k = 0;
    for (const t of [d.train.targets, d.test.targets]) for (const v of t) k = Math.max(k, v + 1);
    return { ...d, name: spec, classes: Array.from({ length: k }, (_, i) => String(i)), inputShape: first.shape.slice() };
  }
  if (spec.startsWith('cifar10:')) return { ...cifar10(spec.slice(8)), name: spec, classes: CIFAR10_CLASSES };
  if (spec.startsWith('folder:')) {
    const d = imageFolder(spec.slice(7), { ...(o.size ? { size: o.size } : {}), ...(o.valSplit !== undefined ? { valFraction: o.valSplit } : {}), seed: o.seed ?? 0 });
    return { ...d, name: spec };
  }
  throw new ValueError({ op: 'convkit', arg: '--data', expected: `one of ${DATA_CHOICES.join(', ')}`, got: spec });
}

/** Parses `--size HxW`. */
export function parseSize(command: string, v: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new ValueError({ op: `convkit ${command}`, arg: '--size', expected: 'HxW with positive integers, e.g. 32x32', got: JSON.stringify(v) });
  return [Number(m[1]), Number(m[2])];
}

/** A dataset whose inputs pass through `t` (e.g. normalisation). */
export function mapInputs(ds: Dataset, t: Transform): Dataset {
  return { length: ds.length, get: (i: number): Sample => {
    const s = ds.get(i);
    return { input: t(s.input), target: s.target };
  } };
}

/**
 * `--augment`: a comma-separated list applied in order to each training batch: `shift:N` (random
 * translation by up to N pixels), `crop:P` (torchvision RandomCrop to the image size after P
 * pixels of zero padding), `flip` (horizontal, probability 0.5), or `none`. A bare number N is
 * `shift:N` (0 = none). Returns null for no augmentation.
 */
export function parseAugment(command: string, spec: string, inputShape: readonly number[], generator: Generator): Transform | null {
  const fail = (item: string): ValueError =>
    new ValueError({ op: `convkit ${command}`, arg: '--augment', expected: 'a comma-separated list of shift:N, crop:P, flip (or a number N for shift:N, or none)', got: JSON.stringify(item), message: `convkit ${command}: --augment: bad item ${JSON.stringify(item)}; expected shift:N, crop:P or flip, comma-separated (e.g. crop:4,flip), a number N (= shift:N) or none` });
  const ts: Transform[] = [];
  for (const item of spec.split(',').map((s) => s.trim())) {
    const m = /^(?:(shift|crop):)?(\d+)$/.exec(item);
    if (item === 'none') continue;
    if (item === 'flip') ts.push(randomHorizontalFlip({ generator }));
    else if (m && (m[1] ?? 'shift') === 'shift') {
      if (Number(m[2]) > 0) ts.push(randomShift(Number(m[2]), { generator }));
    } else if (m && m[1] === 'crop') {
      const [, h, w] = inputShape as [number, number, number];
      ts.push(randomCrop([h, w], { padding: Number(m[2]), generator }));
    } else throw fail(item);
  }
  return ts.length === 0 ? null : ts.length === 1 ? ts[0]! : compose(...ts);
}

export interface Normalization {
  mean: number[];
  std: number[];
}

/** Per-channel mean and standard deviation of a dataset's inputs [C, H, W] (population statistics). */
export function channelStats(ds: Dataset): Normalization {
  const first = ds.get(0).input;
  const C = first.shape[0]!;
  const plane = first.numel / C;
  const sum = new Float64Array(C);
  const sq = new Float64Array(C);
  for (let i = 0; i < ds.length; i++) {
    const d = valuesOf(ds.get(i).input);
    for (let c = 0; c < C; c++) {
      for (let j = c * plane; j < (c + 1) * plane; j++) {
        sum[c] = sum[c]! + d[j]!;
        sq[c] = sq[c]! + d[j]! * d[j]!;
      }
    }
  }
  const n = ds.length * plane;
  const mean = [...sum].map((s) => s / n);
  const std = [...sq].map((s, c) => Math.sqrt(Math.max(0, s / n - mean[c]! ** 2)));
  return { mean, std: std.map((s) => (s > 0 ? s : 1)) };
}

/** `--normalize`: `none`, `auto` (the training set's per-channel statistics) or `MEAN:STD` with comma lists. */
export function parseNormalize(command: string, spec: string, train: Dataset, channels: number): Normalization | null {
  if (spec === 'none') return null;
  if (spec === 'auto') return channelStats(train);
  const fail = new ValueError({ op: `convkit ${command}`, arg: '--normalize', expected: `none, auto, or MEAN:STD with 1 or ${channels} comma-separated numbers each (e.g. 0.5:0.25)`, got: JSON.stringify(spec) });
  const parts = spec.split(':');
  if (parts.length !== 2) throw fail;
  const nums = parts.map((p) => p.split(',').map(Number));
  if (!nums.every((v) => v.every(Number.isFinite) && (v.length === 1 || v.length === channels)) || nums[1]!.some((s) => s === 0)) throw fail;
  const widen = (v: number[]): number[] => (v.length === 1 ? new Array<number>(channels).fill(v[0]!) : v);
  return { mean: widen(nums[0]!), std: widen(nums[1]!) };
}

/** The transform of a recorded normalisation. */
export function normalizer(n: Normalization): Transform {
  return normalize(n.mean, n.std);
}
