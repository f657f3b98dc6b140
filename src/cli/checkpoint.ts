/**
 * Training checkpoints: one safetensors file holding the model's state dict (keys `model.*`),
 * the optimiser's state tensors (`optim.<param>.<name>`) and, in the metadata, the run's JSON
 * (model name, epoch, data, seed, optimiser hyper-parameters, scheduler state).
 */
import type { Tensor } from '../tensor.js';
import { FormatError } from '../errors.js';
import { load, save } from '../io/index.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';

export interface RunInfo {
  /** A named model, or "custom" for an architecture string. */
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
  epoch: number;
  seed: number;
  optimizer: string;
  scheduler: unknown;
  testAccuracy: number | null;
  [k: string]: unknown;
}

export interface Checkpoint {
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict | null;
  run: RunInfo;
}

export function saveCheckpoint(path: string, c: Checkpoint): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.model)) tensors[`model.${k}`] = v;
  let groups: unknown = null;
  if (c.optimizer) {
    for (const [i, st] of Object.entries(c.optimizer.state)) {
      for (const [name, t] of Object.entries(st as Record<string, Tensor>)) tensors[`optim.${i}.${name}`] = t;
    }
    groups = c.optimizer.paramGroups;
  }
  save(tensors, path, { format: 'convkit-checkpoint', run: JSON.stringify(c.run), optimizerGroups: JSON.stringify(groups) });
}

export function loadCheckpoint(path: string): Checkpoint {
  const { tensors, metadata } = load(path);
  if (metadata['format'] !== 'convkit-checkpoint' || typeof metadata['run'] !== 'string') {
    throw new FormatError({
      op: 'loadCheckpoint',
      arg: 'path',
      expected: 'a convkit checkpoint (safetensors with convkit run metadata)',
      got: `a safetensors file without it: ${path}`,
      message: `loadCheckpoint: ${path} is a safetensors file but not a convkit checkpoint (no "run" metadata)`,
    });
  }
  let run: RunInfo;
  let groups: unknown;
  try {
    run = JSON.parse(metadata['run']) as RunInfo;
    groups = JSON.parse(metadata['optimizerGroups'] ?? 'null');
  } catch (e) {
    throw new FormatError({ op: 'loadCheckpoint', arg: 'metadata', expected: 'JSON run metadata', got: (e as Error).message, message: `loadCheckpoint: ${path}: corrupt run metadata (${(e as Error).message})` });
  }
  const model: Record<string, Tensor> = {};
  const state: Record<string, Record<string, Tensor>> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('model.')) model[k.slice(6)] = t;
    else if (k.startsWith('optim.')) {
      const [, i = '', name = ''] = k.split('.');
      (state[i] ??= {})[name] = t;
    }
  }
  const optimizer = Array.isArray(groups) ? ({ state, paramGroups: groups } as unknown as OptimizerStateDict) : null;
  return { model, optimizer, run };
}

/**
 * `DIR/model.safetensors`: exactly the model's `stateDict()` keys, as PyTorch's
 * `torch.save(model.state_dict())` would name them (so `load_state_dict(strict=True)` takes the
 * file as it is), with the architecture and the run in the metadata. Training state (optimiser,
 * scheduler) stays in the checkpoint.
 */
export function saveModelFile(path: string, stateDict: Record<string, Tensor>, run: RunInfo): void {
  save(stateDict, path, { format: 'convkit-model', model: run.model, run: JSON.stringify(run) });
}

export interface ModelFile {
  stateDict: Record<string, Tensor>;
  /** The architecture named in the metadata (convkit's model files and checkpoints), else null. */
  model: string | null;
  run: RunInfo | null;
}

/**
 * Reads a model from a convkit checkpoint, a convkit model file, or a plain safetensors state
 * dict (e.g. PyTorch's, converted with safetensors.torch.save_file): keys as `stateDict()`'s.
 */
export function loadModelFile(path: string): ModelFile {
  const { tensors, metadata } = load(path);
  if (metadata['format'] === 'convkit-checkpoint') {
    const c = loadCheckpoint(path);
    return { stateDict: c.model, model: c.run.model, run: c.run };
  }
  let run: RunInfo | null = null;
  try {
    run = metadata['run'] === undefined ? null : (JSON.parse(metadata['run']) as RunInfo);
  } catch (e) {
    throw new FormatError({ op: 'loadModelFile', arg: 'metadata', expected: 'JSON run metadata', got: (e as Error).message, message: `${path}: corrupt run metadata (${(e as Error).message})` });
  }
  return { stateDict: tensors, model: metadata['model'] ?? run?.model ?? null, run };
}
