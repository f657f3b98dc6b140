/**
 * The run metadata a `convkit train` checkpoint carries (safetensors metadata key `run`, JSON):
 * what was trained and how, how far it got, and every random state needed to continue it bit for
 * bit. `validateRun` checks a loaded record field by field, so a forged or damaged file is a
 * FormatError naming the field instead of a run that trains on from epoch -5.
 */
import { FormatError, fmtValue } from '../errors.js';

/** A generator's state as `Generator.getState()` gives it. */
export interface RngState {
  s: number[];
  spare: number | null;
}

/** Where inside an epoch an interrupted run stopped (only in `interrupted.safetensors`). */
export interface RunPosition {
  /** Batches of epoch `epoch + 1` already trained. */
  batch: number;
  /** Running sums of that epoch's reported loss and accuracy. */
  lossSum: number;
  correct: number;
  seen: number;
  /** The augmentation generator's state after those batches. */
  augRng: RngState;
}

export interface RunInfo {
  /** A named model, "custom" for an architecture string, or onnx:PATH for an imported graph. */
  model: string;
  /** The architecture string the model was built from (eval/predict rebuild it from this alone). */
  architecture?: string;
  /** Class names by label, and one input's shape [C, H, W]. */
  classes?: readonly string[];
  inputShape?: readonly number[];
  /** Per-channel normalisation applied to every input, or null. */
  normalize?: { mean: number[]; std: number[] } | null;
  /** How `data` was loaded (folder: image size and held-out share), so eval sees the same test set. */
  dataOptions?: { size?: [number, number]; valSplit?: number };
  data: string;
  /** Epochs completed. */
  epoch: number;
  seed: number;
  optimizer: string;
  scheduler: unknown;
  testAccuracy: number | null;
  /** The run's settings (absent in checkpoints written before they were recorded). */
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** The --augment list (a number in checkpoints written before lists). */
  augment?: string | number;
  limit?: number | null;
  backend?: string;
  /** The global generator's state (dropout masks) at the moment of the save. */
  rng?: RngState;
  /** Every metrics row written so far, in order (metrics.jsonl is rewritten from it on resume). */
  history?: Record<string, unknown>[];
  position?: RunPosition;
  [k: string]: unknown;
}

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string' && v.length > 0;
const count: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const positive: Check = (v) => count(v) && (v as number) >= 1;
const finite: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const rngState: Check = (v) => {
  const r = v as RngState | null;
  return typeof r === 'object' && r !== null && Array.isArray(r.s) && r.s.length === 4 && r.s.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32) && (r.spare === null || Number.isFinite(r.spare));
};
const numbers = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

const REQUIRED: readonly [string, Check, string][] = [
  ['model', str, 'a model name'],
  ['data', str, 'a data set name'],
  ['epoch', count, 'a non-negative integer (epochs completed)'],
  ['seed', count, 'a non-negative integer'],
  ['optimizer', (v) => v === 'sgd' || v === 'adam' || v === 'adamw', '"sgd", "adam" or "adamw"'],
  ['testAccuracy', (v) => v === null || (finite(v) && (v as number) >= 0 && (v as number) <= 1), 'null or a number in [0, 1]'],
];

const OPTIONAL: readonly [string, Check, string][] = [
  ['epochs', positive, 'a positive integer'],
  ['lr', (v) => finite(v) && (v as number) > 0, 'a positive number'],
  ['batchSize', positive, 'a positive integer'],
  ['augment', (v) => str(v) || count(v), 'an augmentation list (or a number of pixels)'],
  ['architecture', str, 'an architecture string'],
  ['classes', (v) => Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'string'), 'an array of class names'],
  ['inputShape', (v) => Array.isArray(v) && v.every(positive), 'an input shape of positive integers'],
  ['normalize', (v) => v === null || (typeof v === 'object' && numbers((v as { mean: unknown }).mean) && numbers((v as { std: unknown }).std)), 'null or { mean, std }'],
  ['dataOptions', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object'],
  ['limit', (v) => v === null || positive(v), 'null or a positive integer'],
  ['backend', str, 'a backend name'],
  ['rng', rngState, 'a generator state { s, spare }'],
  ['history', (v) => Array.isArray(v) && v.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r)), 'an array of metrics rows'],
  ['scheduler', (v) => v === null || (typeof v === 'object' && !Array.isArray(v)), 'a scheduler state or null'],
];

/** Checks the parsed `run` record of `path`; returns it typed. */
export function validateRun(op: string, path: string, v: unknown): RunInfo {
  const bad = (field: string, expected: string, got: unknown): FormatError =>
    new FormatError({ op, arg: `run.${field}`, expected, got: fmtValue(got), message: `${op}: ${path}: run metadata field "${field}" must be ${expected}, got ${fmtValue(got)}` });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('(record)', 'a JSON object', v);
  const r = v as Record<string, unknown>;
  for (const [k, ok, what] of REQUIRED) if (!ok(r[k])) throw bad(k, what, r[k]);
  for (const [k, ok, what] of OPTIONAL) if (r[k] !== undefined && !ok(r[k])) throw bad(k, what, r[k]);
  if (r['epochs'] !== undefined && (r['epoch'] as number) > (r['epochs'] as number)) throw bad('epoch', `at most run.epochs = ${String(r['epochs'])}`, r['epoch']);
  if (r['position'] !== undefined) {
    const p = r['position'] as Record<string, unknown> | null;
    const fields: [string, Check][] = [['batch', positive], ['lossSum', finite], ['correct', count], ['seen', positive], ['augRng', rngState]];
    if (typeof p !== 'object' || p === null) throw bad('position', 'an object', p);
    for (const [k, ok] of fields) if (!ok(p[k])) throw bad(`position.${k}`, k === 'augRng' ? 'a generator state { s, spare }' : 'a valid count or sum', p[k]);
  }
  return r as RunInfo;
}
