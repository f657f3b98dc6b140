/** `convkit train`: trains a CNN with a progress bar, metrics, checkpoints, a report and Ctrl-C handling. */
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed, Generator, defaultGenerator } from '../random.js';
import { setBackend } from '../backend.js';
import { fetchTensors } from '../fetch.js';
import { setNumThreads, threadingStatus } from '../backends/wasm/pool.js';
import { ValueError } from '../errors.js';
import { DataLoader } from '../data/loader.js';
import type { Dataset, Transform } from '../data/dataset.js';
import { compose } from '../data/transforms.js';
import { MODELS } from '../models/index.js';
import { saveOnnx } from '../io/index.js';
import { buildArchitecture } from '../models/architecture.js';
import { Adam, AdamW, SGD } from '../optim/index.js';
import { CosineAnnealingLR } from '../optim/lr_scheduler.js';
import type { BaseHyper, Optimizer } from '../optim/optimizer.js';
import type { EpochPosition } from '../train/loop.js';
import { evaluate, trainEpoch } from '../train/loop.js';
import { TrainingDiagnostics, firstNonFiniteLayer } from '../train/diagnostics.js';
import type { FlagSpec, FlagValues } from './args.js';
import { helpText, parseArgs, wantsHelp } from './args.js';
import { ProgressBar, fmtTime } from './progress.js';
import { saveCheckpoint, saveModelFile } from './checkpoint.js';
import { restoreModel } from './restore.js';
import { zeros } from '../creation.js';
import { DATA_CHOICES, loadData, mapInputs, normalizer, parseAugment, parseNormalize } from './data.js';
import { resolveModel } from './model.js';
import { RunReport } from './report.js';
import type { RunInfo, RunPosition } from './run_info.js';
import { lockOutDir, prepareOutDir, readMetrics, removeIfExists, removeStaleTemps, writeMetrics } from './run_dir.js';
import type { ResumePoint, RunConfig } from './resume.js';
import { CHECKPOINT, INTERRUPTED, configFromFlags, findResumePoint, fmtLr, restoreState, resumedConfig, resumedModel, resumedNormalize } from './resume.js';

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', help: 'digits (embedded 8k/2k MNIST digits), fashion (Debian dataset-fashion-mnist), idx:DIR, cifar10:DIR (CIFAR-10 binary batches) or folder:DIR (one subfolder of PNG/JPEG images per class)', default: 'digits', choices: DATA_CHOICES, placeholder: 'NAME' },
  model: { type: 'string', help: `a named model (${Object.keys(MODELS).join(', ')}; adapted to the data's input size and classes) or an architecture string, e.g. "1x28x28 | conv 8 k3 p1 | bn | relu | maxpool 2 | fc 10" (see convkit summary --help)`, default: 'digits', placeholder: 'NAME|"ARCH"' },
  epochs: { type: 'int', help: 'passes over the training set (with --resume: the new total)', default: 15, placeholder: 'N', min: 1 },
  'batch-size': { type: 'int', help: 'examples per step', default: 32, placeholder: 'N', min: 1 },
  lr: { type: 'number', help: 'initial learning rate (cosine-annealed to 0 over the epochs)', default: 2e-3, placeholder: 'LR' },
  optimizer: { type: 'string', help: 'sgd (momentum 0.9), adam or adamw', default: 'adam', choices: ['sgd', 'adam', 'adamw'], placeholder: 'NAME' },
  augment: { type: 'string', help: 'training augmentations, comma-separated: shift:N (random shifts up to N pixels), crop:P (random crop after P pixels of padding), flip (horizontal); a number N = shift:N; none', default: '2', placeholder: 'LIST' },
  normalize: { type: 'string', help: 'per-channel normalisation of every input: none, auto (the training set\'s mean and std) or MEAN:STD (e.g. 0.1307:0.3081, or one value per channel, comma-separated)', default: 'none', placeholder: 'SPEC' },
  size: { type: 'string', help: 'folder: resize every image to HxW (default: the first image\'s size)', placeholder: 'HxW' },
  'val-split': { type: 'number', help: 'folder without train/ and test/: share of the images held out as the test set (seeded by --seed)', default: 0.2, placeholder: 'F', min: 0, max: 1 },
  seed: { type: 'int', help: 'random seed (weights, shuffling, augmentation, dropout)', default: 0, placeholder: 'N', min: 0, max: 2 ** 32 - 1 },
  out: { type: 'string', help: 'output directory (checkpoint.safetensors, model.safetensors, metrics.jsonl, report.html; locked while training)', default: 'convkit-run', placeholder: 'DIR' },
  resume: { type: 'boolean', help: 'continue the run in DIR exactly where it stopped, with its own settings (--epochs may extend it)' },
  backend: { type: 'string', help: 'kernels: reference (pure TypeScript), wasm (WebAssembly SIMD on threads) or webgpu (the GPU, through the npm package webgpu in Node)', default: 'wasm', choices: ['reference', 'wasm', 'webgpu'], placeholder: 'NAME' },
  threads: { type: 'int', help: 'threads for the wasm kernels (default: one per core)', placeholder: 'N', min: 1 },
  diagnostics: { type: 'boolean', help: 'per-epoch gradient norm per layer, dead ReLU units, vanishing/exploding warnings' },
  limit: { type: 'int', help: 'use only the first N training examples (quick runs)', placeholder: 'N', min: 1 },
  init: { type: 'string', help: 'start from saved weights: MODEL.onnx (fine-tunes the imported graph; DIR/model.onnx is written too) or a .safetensors state dict of --model', placeholder: 'PATH' },
};

const OP = 'convkit train';

/** ", 2 threads" — or why it is 1 when more were asked for. */
function threadNote(): string {
  const t = threadingStatus();
  return `, ${t.threads} thread${t.threads === 1 ? '' : 's'}${t.limitedBy ? ` (${t.limitedBy})` : ''}`;
}

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function makeOptimizer(name: string, params: Iterable<import('../tensor.js').Tensor>, lr: number): Optimizer<BaseHyper> {
  if (name === 'sgd') return new SGD(params, { lr, momentum: 0.9 }) as unknown as Optimizer<BaseHyper>;
  if (name === 'adamw') return new AdamW(params, { lr }) as unknown as Optimizer<BaseHyper>;
  return new Adam(params, { lr }) as unknown as Optimizer<BaseHyper>;
}

/** Augmentation, then normalisation (so padding and shifts fill with the raw background). */
function trainTransform(aug: Transform | null, norm: Transform | null): Transform | null {
  return aug && norm ? compose(aug, norm) : aug ?? norm;
}

/** Shifts and crop paddings of --augment must be smaller than the image (a larger one moves everything out). */
function checkAugment(spec: string, inputShape: readonly number[]): void {
  parseAugment('train', spec, inputShape, new Generator(0)); // bad items fail here, before training
  const side = Math.min(...inputShape.slice(-2));
  for (const item of spec.split(',').map((s) => s.trim())) {
    const m = /^(?:(shift|crop):)?(\d+)$/.exec(item);
    if (m && Number(m[2]) >= side) {
      const what = `${m[1] ?? 'shift'}:${m[2]}`;
      throw new ValueError({ op: OP, arg: '--augment', expected: `shifts and paddings from 0 to ${side - 1} (the images are ${inputShape.slice(-2).join(' × ')})`, got: JSON.stringify(item), message: `${OP}: --augment ${what} must be less than ${side} pixels (the images are ${inputShape.slice(-2).join(' × ')})` });
    }
  }
}

/** Limits a dataset to its first n examples. */
function head(ds: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= ds.length) return ds;
  return { length: n, get: (i: number) => ds.get(i) };
}

export async function trainCommand(argv: readonly string[], out: Out, err: Out): Promise<number> {
  if (wantsHelp(argv)) {
    out.write(helpText('usage: convkit train [options]', 'Trains a CNN and reports test accuracy; writes a checkpoint every epoch. Ctrl-C saves the position inside the epoch to DIR/interrupted.safetensors and exits; --resume continues exactly where it stopped (bit for bit the same as an uninterrupted run).', TRAIN_FLAGS));
    return 0;
  }
  const { flags, positional, given } = parseArgs('train', argv, TRAIN_FLAGS);
  if (positional.length > 0) throw new ValueError({ op: OP, arg: positional[0]!, expected: 'only --flags', got: positional.join(' '), message: `${OP}: unexpected argument ${JSON.stringify(positional[0])}; every option is a --flag (see convkit train --help)` });
  if (!((flags['lr'] as number) > 0)) throw new ValueError({ op: OP, arg: '--lr', expected: 'a positive number', got: String(flags['lr']), message: `${OP}: --lr expects a positive number, got ${String(flags['lr'])}` });
  prepareOutDir(flags['out'] as string);
  const release = lockOutDir(flags['out'] as string);
  try {
    return await train(flags, given, flags['out'] as string, out, err);
  } finally {
    release();
  }
}

async function train(flags: FlagValues, given: ReadonlySet<string>, dir: string, out: Out, err: Out): Promise<number> {
  const ckptPath = join(dir, CHECKPOINT);
  const intPath = join(dir, INTERRUPTED);
  const metricsPath = join(dir, 'metrics.jsonl');
  const stale = removeStaleTemps(dir);
  if (stale.length > 0) out.write(`removed ${stale.length} temporary file${stale.length === 1 ? '' : 's'} left in ${dir} by an interrupted save (${stale.join(', ')})\n`);

  const onGpu = flags['backend'] === 'webgpu';
  if (onGpu && flags['diagnostics']) {
    throw new ValueError({ op: OP, arg: '--diagnostics', expected: 'a CPU backend (the diagnostics read every layer synchronously)', got: '--backend webgpu' });
  }
  await setBackend(flags['backend'] as string);
  if (flags['threads'] !== undefined) setNumThreads(flags['threads'] as number);
  const notes: string[] = [];
  const init = flags['init'] as string | undefined;
  const point: ResumePoint | null = flags['resume'] ? findResumePoint(dir) : null;
  if (point && init !== undefined) {
    throw new ValueError({ op: OP, arg: '--init', expected: 'no --init with --resume', got: init, message: `${OP}: --init starts a run from saved weights; a resumed run continues from its checkpoint: drop --init or --resume` });
  }
  const config: RunConfig = point ? resumedConfig(point, flags, given, notes) : configFromFlags(flags);
  if (point?.checkpoint.run.backend !== undefined && point.checkpoint.run.backend !== flags['backend']) {
    notes.push(`the run was trained on the ${point.checkpoint.run.backend} backend; continuing on ${String(flags['backend'])} rounds differently, so it will not be bit-identical`);
  }
  manualSeed(config.seed);
  const data = loadData(config.data, { ...config.dataOptions, seed: config.seed });
  const onnxInit = init?.endsWith('.onnx') === true;
  // an imported ONNX graph has no architecture string; everything else is built from one
  const { name: modelName, architecture } = point
    ? resumedModel(point, flags, given, data)
    : onnxInit
      ? { name: `onnx:${init}`, architecture: null }
      : resolveModel('train', config.model, data);
  const model =
    architecture === null
      ? restoreModel(OP, modelName.slice('onnx:'.length), undefined).model.train()
      : init !== undefined
        ? restoreModel(OP, init, architecture).model.train()
        : buildArchitecture(architecture);
  const norm = point ? resumedNormalize(point, flags, given, data) : parseNormalize('train', flags['normalize'] as string, data.train, data.inputShape[0] ?? 1);
  checkAugment(config.augment, data.inputShape);
  const optimizer = makeOptimizer(config.optimizer, model.parameters(), config.lr);
  const scheduler = new CosineAnnealingLR(optimizer as never, config.epochs);
  let history: Record<string, unknown>[] = [];
  let startEpoch = 0;
  let position: RunPosition | null = null;
  if (point) {
    restoreState(point, config, model, optimizer, scheduler, notes);
    const run = point.checkpoint.run;
    startEpoch = run.epoch;
    position = run.position ?? null;
    // checkpoints written before the history was recorded keep the file's rows up to their epoch
    history = (run.history ?? readMetrics(metricsPath)).filter((r) => typeof r['epoch'] === 'number' && r['epoch'] <= run.epoch);
    const where = position ? `epoch ${startEpoch + 1}, after batch ${position.batch}` : `the end of epoch ${startEpoch}`;
    out.write(`resuming ${modelName} from ${point.path} at ${where}\n`);
  } else {
    if (existsSync(ckptPath)) notes.push(`starting a new run: ${ckptPath} will be replaced (--resume continues it instead)`);
    removeIfExists(intPath);
  }
  for (const n of notes) out.write(`note: ${n}\n`);
  writeMetrics(metricsPath, history);
  const trainSet = head(data.train, config.limit ?? undefined);
  const testLoader = new DataLoader(norm ? mapInputs(data.test, normalizer(norm)) : data.test, { batchSize: 500 });
  const lrNow = optimizer.paramGroups[0]!.lr;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  out.write(`training model ${modelName} on data ${data.name}: ${trainSet.length} train / ${data.test.length} test examples, ${plural(config.epochs, 'epoch')}, batch ${config.batchSize}, ${config.optimizer} lr ${config.lr}${lrNow !== config.lr && startEpoch > 0 ? ` (now ${fmtLr(lrNow)})` : ''}, seed ${config.seed}, ${flags['backend']} backend${flags['backend'] === 'wasm' ? threadNote() : ''}\n`);

  const diag = flags['diagnostics'] ? new TrainingDiagnostics(model) : null;
  const page = new RunReport(dir, model, architecture ?? modelName, data, [
    ['model', architecture === null || modelName === 'custom' ? architecture ?? modelName : `${modelName}: ${architecture}`],
    ['data', `${data.name}: ${trainSet.length} train / ${data.test.length} test examples, inputs ${data.inputShape.join('x')}, ${data.classes.length} classes`],
    ['epochs', String(config.epochs)],
    ['batch size', String(config.batchSize)],
    ['optimizer', `${config.optimizer}, lr ${config.lr} cosine-annealed over ${config.epochs} epochs`],
    ['augmentation', config.augment],
    ['normalization', norm ? `mean ${norm.mean.map((v) => v.toPrecision(4)).join(', ')}; std ${norm.std.map((v) => v.toPrecision(4)).join(', ')}` : 'none'],
    ['seed', String(config.seed)],
    ['backend', `${flags['backend']}${flags['backend'] === 'wasm' ? threadNote() : ''}`],
    ['resumed', point ? `yes, at ${position ? `epoch ${startEpoch + 1}, batch ${position.batch}` : `the end of epoch ${startEpoch}`}` : 'no'],
  ]);
  if (history.length > 0) page.restore(history.map((r) => JSON.stringify(r)).join('\n'));
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    err.write('\ninterrupted: finishing this step and saving the position (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  const t0 = Date.now();
  let last: number | null = point?.checkpoint.run.testAccuracy ?? null;
  try {
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      // the loader's and the augmentation's generators are seeded per epoch; with the global
      // generator's saved state (dropout), a resumed run continues exactly as an uninterrupted one
      const loader = new DataLoader(trainSet, { batchSize: config.batchSize, shuffle: true, seed: config.seed * 1000 + epoch });
      const aug = new Generator(config.seed * 1000 + epoch + 500_000);
      const start: EpochPosition = position ?? { batch: 0, lossSum: 0, correct: 0, seen: 0 };
      if (position) aug.setState(position.augRng);
      position = null;
      const augment = trainTransform(parseAugment('train', config.augment, data.inputShape, aug), norm ? normalizer(norm) : null);
      const bar = new ProgressBar(out, loader.length, `epoch ${epoch + 1}/${config.epochs}`);
      const te = Date.now();
      const seen0 = start.seen;
      const lrUsed = scheduler.getLastLr()[0] ?? config.lr;
      const r = await trainEpoch(model, optimizer, { [Symbol.iterator]: () => loader.iterFrom(start.batch), length: loader.length }, {
        ...(augment ? { augment } : {}),
        shouldStop: () => stop,
        start,
        ...(diag ? { diagnostics: diag } : {}),
        onStep: (s) => {
          page.step(epoch + 1, s.batch, loader.length, s.loss, s.accuracy);
          bar.update(s.batch, `loss ${s.loss.toFixed(4)} acc ${(100 * s.accuracy).toFixed(2)}% ${((s.seen - seen0) / ((Date.now() - te) / 1000)).toFixed(0)} img/s`);
        },
      });
      bar.finish();
      if (r.nonFinite) {
        if (onGpu) {
          // the layer search reads every output synchronously: run it in JavaScript memory
          await fetchState();
          await setBackend('reference');
        }
        const layer = firstNonFiniteLayer(model, r.nonFinite.input);
        err.write(`error: the loss became ${r.nonFinite.loss} at epoch ${epoch + 1}, step ${r.nonFinite.batch}; ${layer === null ? 'every layer output was finite (the loss itself overflowed)' : `the first layer with a non-finite output is ${layer}`}. Stopping. Last good checkpoint: ${existsSync(ckptPath) ? ckptPath : 'none'}\n`);
        return 1;
      }
      if (stop && r.position.batch < loader.length) {
        const p = r.position;
        await fetchState();
        saveCheckpoint(intPath, { model: model.stateDict(), optimizer: optimizer.stateDict(), run: { ...runInfo(epoch, last), position: { ...p, augRng: aug.getState() } } });
        out.write(`saved ${intPath} (epoch ${epoch + 1}, after batch ${p.batch} of ${loader.length}); --resume continues from there. ${existsSync(ckptPath) ? `${ckptPath} still holds the end of epoch ${epoch}.` : ''}\n`);
        return 130;
      }
      scheduler.step();
      const ev = await evaluate(model, testLoader);
      last = ev.accuracy;
      const secs = (Date.now() - te) / 1000;
      const report = diag?.report();
      diag?.reset();
      const rec = { ...(report ? { diagnostics: report } : {}), epoch: epoch + 1, trainLoss: r.loss, trainAccuracy: r.accuracy, testLoss: ev.loss, testAccuracy: ev.accuracy, lr: scheduler.getLastLr()[0], seconds: secs, imagesPerSecond: (r.examples - seen0) / secs };
      history.push(rec);
      out.write(`epoch ${epoch + 1}/${config.epochs}: train loss ${r.loss.toFixed(4)} acc ${(100 * r.accuracy).toFixed(2)}% | test loss ${ev.loss.toFixed(4)} acc ${(100 * ev.accuracy).toFixed(2)}% | ${fmtTime(secs)}\n`);
      if (report) {
        out.write(`  gradient norm per layer: ${report.layers.filter((l) => l.gradNorm !== undefined).map((l) => `${l.name} ${l.gradNorm!.toExponential(2)}`).join(', ')}\n`);
        out.write(`  dead ReLU units: ${report.layers.filter((l) => l.units !== undefined).map((l) => `${l.name} ${l.deadUnits}/${l.units}`).join(', ') || 'no ReLU layers'}\n`);
        for (const w of report.warnings) out.write(`  warning: ${w}\n`);
      }
      // the checkpoint first, then its metrics row: a kill in between leaves the row in the
      // checkpoint's history, from which --resume rewrites metrics.jsonl
      await fetchState();
      saveCheckpoint(ckptPath, { model: model.stateDict(), optimizer: optimizer.stateDict(), run: runInfo(epoch + 1, ev.accuracy) });
      appendFileSync(metricsPath, JSON.stringify(rec) + '\n');
      removeIfExists(intPath);
      page.epoch({ epoch: epoch + 1, trainLoss: r.loss, trainAccuracy: r.accuracy, testLoss: ev.loss, testAccuracy: ev.accuracy, lr: lrUsed, seconds: secs }, ev.confusion);
      if (stop && epoch + 1 < config.epochs) {
        out.write(`interrupted at the end of epoch ${epoch + 1}: ${ckptPath} holds it; --resume continues\n`);
        return 130;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  const total = (Date.now() - t0) / 1000;
  if (startEpoch === config.epochs) out.write(`the run already completed its ${plural(config.epochs, 'epoch')}; nothing to train (--epochs N with N > ${config.epochs} extends it)\n`);
  await fetchState();
  saveModelFile(join(dir, 'model.safetensors'), model.stateDict(), runInfo(config.epochs, last));
  if (modelName.startsWith('onnx:')) saveOnnx(model, zeros([1, ...data.inputShape]), join(dir, 'model.onnx'), { dynamicBatch: true, inputNames: ['input'], outputNames: ['logits'] });
  out.write(`final test accuracy ${last === null ? 'unknown' : `${(100 * last).toFixed(2)}%`} on ${data.test.length} examples; ${fmtTime(total)} total; model saved to ${join(dir, 'model.safetensors')}; report: ${page.path}\n`);
  return 0;

  function runInfo(epoch: number, acc: number | null): RunInfo {
    return {
      model: modelName,
      ...(architecture !== null ? { architecture } : {}),
      classes: data.classes,
      inputShape: data.inputShape,
      normalize: norm,
      dataOptions: config.dataOptions,
      data: data.name,
      epoch,
      epochs: config.epochs,
      seed: config.seed,
      optimizer: config.optimizer,
      lr: config.lr,
      batchSize: config.batchSize,
      augment: config.augment,
      limit: config.limit,
      backend: flags['backend'] as string,
      scheduler: scheduler.stateDict(),
      testAccuracy: acc,
      rng: defaultGenerator.getState(),
      history,
    };
  }
  /** GPU values are read asynchronously: bring the model's and the optimizer's state to JavaScript memory before saving. */
  async function fetchState(): Promise<void> {
    await fetchTensors([...Object.values(model.stateDict()), ...[...optimizer.state.values()].flatMap((st) => Object.values(st))]);
  }
}
