/**
 * `randomSplit(dataset, lengths, {seed})` (PyTorch's torch.utils.data.random_split): disjoint
 * subsets of a dataset from one seeded permutation. Lengths are counts, or fractions summing to 1
 * (then the remainder after flooring goes to the first subsets, one each, as PyTorch does).
 */
import { ValueError, fmtValue } from '../errors.js';
import { Generator } from '../random.js';
import type { Dataset, Sample } from './dataset.js';
import { checkIndex } from './dataset.js';

/** A view of `dataset` at `indices` (PyTorch's Subset). */
export class Subset implements Dataset {
  constructor(
    readonly dataset: Dataset,
    readonly indices: readonly number[],
  ) {}
  get length(): number {
    return this.indices.length;
  }
  get(i: number): Sample {
    checkIndex('Subset.get', i, this.indices.length);
    return this.dataset.get(this.indices[i]!);
  }
}

export interface RandomSplitOptions {
  /** Seed of the permutation (default 0). */
  seed?: number;
}

export function randomSplit(dataset: Dataset, lengths: readonly number[], options: RandomSplitOptions = {}): Subset[] {
  const op = 'randomSplit';
  const n = dataset?.length;
  if (typeof n !== 'number' || typeof dataset.get !== 'function') throw new ValueError({ op, arg: 'dataset', expected: 'a Dataset', got: fmtValue(dataset) });
  if (!Array.isArray(lengths) || lengths.length === 0 || !lengths.every((l) => typeof l === 'number' && l >= 0 && Number.isFinite(l))) {
    throw new ValueError({ op, arg: 'lengths', expected: 'non-negative counts or fractions', got: fmtValue(lengths) });
  }
  let counts: number[];
  const total = lengths.reduce((s, l) => s + l, 0);
  if (lengths.every(Number.isInteger) && total === n) {
    counts = lengths.slice();
  } else if (lengths.every((l) => l <= 1) && Math.abs(total - 1) < 1e-9) {
    counts = lengths.map((f) => Math.floor(f * n));
    let rest = n - counts.reduce((s, c) => s + c, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]!++;
  } else {
    throw new ValueError({ op, arg: 'lengths', expected: `counts summing to the dataset's length ${n}, or fractions summing to 1`, got: fmtValue(lengths) });
  }
  const g = new Generator(options.seed ?? 0);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const out: Subset[] = [];
  let at = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.slice(at, at + c)));
    at += c;
  }
  return out;
}
