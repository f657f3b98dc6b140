/**
 * `convkit train --resume`: which file to continue from, which settings the continued run uses,
 * and how the saved state is put back, so that a resumed run equals an uninterrupted one bit for
 * bit. A resumed run keeps the settings it was started with; a flag that would change them is
 * refused by name (it cannot be honoured without making a different run), except `--epochs`,
 * which extends (or shortens) the run and re-plans the cosine schedule over the new total.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ValueError } from '../errors.js';
import { defaultGenerator } from '../random.js';
import type { Module } from '../nn/module.js';
import type { BaseHyper, Optimizer } from '../optim/optimizer.js';
import type { CosineAnnealingLR } from '../optim/lr_scheduler.js';
import type { FlagValues } from './args.js';
import type { Checkpoint } from './checkpoint.js';
import { loadCheckpoint } from './checkpoint.js';
import type { RunInfo } from './run_info.js';
import type { LoadedData, Normalization } from './data.js';
import { parseNormalize, parseSize } from './data.js';
import { recordedArchitecture, resolveModel } from './model.js';

const OP = 'convkit train';

/** Everything that decides what a run computes (as given on the command line). */
export interface RunConfig {
  /** `--model`: a named model or an architecture string (resolved against the data later). */
  model: string;
  data: string;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: string;
  augment: string;
  seed: number;
  limit: number | null;
  /** `--size HxW` and `--val-split` of folder: data. */
  dataOptions: { size?: [number, number]; valSplit: number };
}

/** Config field, its flag, and the field of the run metadata that records it. */
const FIELDS: readonly [keyof RunConfig, string, keyof RunInfo][] = [
  ['data', 'data', 'data'],
  ['optimizer', 'optimizer', 'optimizer'],
  ['lr', 'lr', 'lr'],
  ['batchSize', 'batch-size', 'batchSize'],
  ['augment', 'augment', 'augment'],
  ['seed', 'seed', 'seed'],
  ['limit', 'limit', 'limit'],
];

export function configFromFlags(flags: FlagValues): RunConfig {
  return {
    model: flags['model'] as string,
    data: flags['data'] as string,
    epochs: flags['epochs'] as number,
    batchSize: flags['batch-size'] as number,
    lr: flags['lr'] as number,
    optimizer: flags['optimizer'] as string,
    augment: String(flags['augment']),
    seed: flags['seed'] as number,
    limit: (flags['limit'] as number | undefined) ?? null,
    dataOptions: { ...(flags['size'] !== undefined ? { size: parseSize('train', flags['size'] as string) } : {}), valSplit: flags['val-split'] as number },
  };
}

/** The file a resumed run continues from. */
export interface ResumePoint {
  path: string;
  checkpoint: Checkpoint;
  /** True for `interrupted.safetensors` (a position inside an epoch). */
  inside: boolean;
}

export const CHECKPOINT = 'checkpoint.safetensors';
export const INTERRUPTED = 'interrupted.safetensors';

/**
 * The newest consistent state in `dir`: `interrupted.safetensors` when it continues the epoch after
 * `checkpoint.safetensors` (or there is no checkpoint yet), else the checkpoint. An interrupted file
 * older than the checkpoint (left by a run killed between saving the checkpoint and removing it) is
 * deleted.
 */
export function findResumePoint(dir: string): ResumePoint {
  const ckptPath = join(dir, CHECKPOINT);
  const intPath = join(dir, INTERRUPTED);
  const ckpt = existsSync(ckptPath) ? loadCheckpoint(ckptPath) : null;
  const int = existsSync(intPath) ? loadCheckpoint(intPath) : null;
  if (int !== null && (ckpt === null || int.run.epoch >= ckpt.run.epoch) && int.run.position !== undefined) {
    return { path: intPath, checkpoint: int, inside: true };
  }
  if (int !== null) unlinkSync(intPath);
  if (ckpt === null) {
    throw new ValueError({ op: OP, arg: '--resume', expected: `a checkpoint in ${dir}`, got: 'none', message: `${OP}: --resume: ${dir} holds no ${CHECKPOINT} or ${INTERRUPTED} to continue from; run without --resume to start` });
  }
  return { path: ckptPath, checkpoint: ckpt, inside: false };
}

const show = (v: unknown): string => (v === null ? 'none' : String(v));

/** A flag whose value differs from the resumed run's. */
function conflict(flag: string, given: string | number | null, saved: string | number | null): ValueError {
  return new ValueError({
    op: OP,
    arg: `--${flag}`,
    expected: `${show(saved)} (the checkpoint's) or no --${flag}`,
    got: show(given),
    message: `${OP}: --${flag} ${show(given)} differs from the run being resumed (--${flag} ${show(saved)}); a resumed run keeps its settings: drop --${flag}, or start a new run without --resume`,
  });
}

/**
 * The resumed run's model: the architecture recorded in the checkpoint (an imported ONNX graph is
 * re-imported). A `--model` that resolves to another architecture is refused.
 */
export function resumedModel(point: ResumePoint, flags: FlagValues, given: ReadonlySet<string>, data: LoadedData): { name: string; architecture: string | null } {
  const run = point.checkpoint.run;
  if (run.model.startsWith('onnx:')) return { name: run.model, architecture: null };
  const architecture = recordedArchitecture(run);
  if (given.has('model')) {
    const wanted = resolveModel('train', flags['model'] as string, data).architecture;
    if (wanted !== architecture) throw conflict('model', flags['model'] as string, run.model === 'custom' ? architecture : run.model);
  }
  return { name: run.model, architecture };
}

/** The resumed run's normalisation: the checkpoint's; a `--normalize` giving other values is refused. */
export function resumedNormalize(point: ResumePoint, flags: FlagValues, given: ReadonlySet<string>, data: LoadedData): Normalization | null {
  const saved = point.checkpoint.run.normalize ?? null;
  if (given.has('normalize')) {
    const wanted = parseNormalize('train', flags['normalize'] as string, data.train, data.inputShape[0] ?? 1);
    if (JSON.stringify(wanted) !== JSON.stringify(saved)) throw conflict('normalize', flags['normalize'] as string, saved === null ? 'none' : `mean ${saved.mean.join(',')} std ${saved.std.join(',')}`);
  }
  return saved;
}

/**
 * The resumed run's settings: the checkpoint's, with `--epochs` taken from the command line when
 * given. Any other flag given with a different value than the checkpoint's is refused.
 */
export function resumedConfig(point: ResumePoint, flags: FlagValues, given: ReadonlySet<string>, notes: string[]): RunConfig {
  const run = point.checkpoint.run;
  const config = configFromFlags(flags);
  for (const [key, flag, field] of FIELDS) {
    // a number of pixels is what older checkpoints recorded for --augment
    const saved = key === 'augment' && typeof run[field] === 'number' ? String(run[field]) : run[field];
    if (saved === undefined) {
      notes.push(`the checkpoint does not record --${flag}; using ${show(config[key])}`);
      continue;
    }
    if (given.has(flag) && config[key] !== saved) throw conflict(flag, config[key] as string | number | null, saved as string | number | null);
    (config as unknown as Record<string, unknown>)[key] = saved;
  }
  if (run.dataOptions !== undefined) {
    const saved = { ...(run.dataOptions.size ? { size: run.dataOptions.size } : {}), valSplit: run.dataOptions.valSplit ?? config.dataOptions.valSplit };
    for (const [flag, a, b] of [['size', config.dataOptions.size?.join('x'), saved.size?.join('x')], ['val-split', config.dataOptions.valSplit, saved.valSplit]] as const) {
      if (given.has(flag) && a !== b) throw conflict(flag, a ?? null, b ?? null);
    }
    config.dataOptions = saved;
  }
  const planned = run.epochs ?? config.epochs;
  if (!given.has('epochs')) config.epochs = planned;
  if (config.epochs < run.epoch) {
    throw new ValueError({
      op: OP,
      arg: '--epochs',
      expected: `at least the ${run.epoch} epochs already completed`,
      got: String(config.epochs),
      message: `${OP}: --epochs ${config.epochs} is fewer than the ${run.epoch} epochs the checkpoint has already completed`,
    });
  }
  return config;
}

/**
 * Puts the saved state back: weights, optimiser state, scheduler (re-planned when the number of
 * epochs changed), and the global generator (dropout masks) as it was at the save.
 */
export function restoreState(point: ResumePoint, config: RunConfig, model: Module, optimizer: Optimizer<BaseHyper>, scheduler: CosineAnnealingLR, notes: string[]): void {
  const { run, model: weights, optimizer: optState } = point.checkpoint;
  model.loadStateDict(weights);
  if (optState) optimizer.loadStateDict(optState);
  if (run.scheduler) scheduler.loadStateDict(run.scheduler as never);
  const planned = run.epochs ?? scheduler.tMax;
  if (config.epochs !== planned) replanCosine(scheduler, optimizer, config.epochs, planned, notes);
  if (run.rng) defaultGenerator.setState(run.rng);
  else notes.push('the checkpoint predates saved random states: dropout masks will differ from an uninterrupted run');
}

/**
 * Extends (or shortens) a cosine schedule to `epochs` in total: the remaining epochs follow the
 * cosine curve over the new total, lr(e) = etaMin + (base − etaMin)(1 + cos(π e / epochs)) / 2.
 * (Keeping the old T_max would train every added epoch at the old curve's end, lr = etaMin.)
 */
function replanCosine(scheduler: CosineAnnealingLR, optimizer: Optimizer<BaseHyper>, epochs: number, was: number, notes: string[]): void {
  const sd = scheduler.stateDict();
  const e = sd.lastEpoch;
  const lrs = sd.baseLrs.map((b) => sd.etaMin + ((b - sd.etaMin) * (1 + Math.cos((Math.PI * e) / epochs))) / 2);
  scheduler.loadStateDict({ ...sd, tMax: epochs, lastLr: lrs });
  optimizer.paramGroups.forEach((g, i) => {
    g.lr = lrs[i]!;
  });
  notes.push(`the cosine schedule is re-planned over ${epochs} epochs (was ${was}): epoch ${e + 1} runs at lr ${fmtLr(lrs[0]!)}`);
}

export function fmtLr(lr: number): string {
  return Number(lr.toPrecision(6)).toString();
}
