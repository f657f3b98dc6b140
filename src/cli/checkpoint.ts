/**
 * Training checkpoints: one safetensors file holding the model's state dict (keys `model.*`),
 * the optimiser's state tensors (`optim.<param>.<name>`) and, in the metadata, the run's JSON
 * (model name, epoch, data, seed, optimiser hyper-parameters, scheduler state).
 */
import type { Tensor } from '../tensor.js';
import { FormatError } from '../errors.js';
import { load, save } from '../io/index.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import type { RunInfo } from './run_info.js';
import { validateRun } from './run_info.js';

export type { RunInfo } from './run_info.js';

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
  let parsed: unknown;
  let groups: unknown;
  try {
    parsed = JSON.parse(metadata['run']);
    groups = JSON.parse(metadata['optimizerGroups'] ?? 'null');
  } catch (e) {
    throw new FormatError({ op: 'loadCheckpoint', arg: 'metadata', expected: 'JSON run metadata', got: (e as Error).message, message: `loadCheckpoint: ${path}: corrupt run metadata (${(e as Error).message})` });
  }
  const run = validateRun('loadCheckpoint', path, parsed);
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
