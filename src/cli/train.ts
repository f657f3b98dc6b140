/** `convkit train`: trains a CNN with a progress bar, metrics, checkpoints and Ctrl-C handling. */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed, Generator } from '../random.js';
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
import { evaluate, trainEpoch } from '../train/loop.js';
import { TrainingDiagnostics, firstNonFiniteLayer } from '../train/diagnostics.js';
import type { FlagSpec } from './args.js';
import { helpText, parseArgs } from './args.js';
import { ProgressBar, fmtTime } from './progress.js';
import { loadCheckpoint, saveCheckpoint, saveModelFile } from './checkpoint.js';
import { restoreModel } from './restore.js';
import { zeros } from '../creation.js';
import type { RunInfo } from './checkpoint.js';
import { DATA_CHOICES, loadData, mapInputs, normalizer, parseAugment, parseNormalize, parseSize } from './data.js';
import { recordedArchitecture, resolveModel } from './model.js';
import { RunReport } from './report.js';

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', help: 'digits (embedded 8k/2k MNIST digits), fashion (Debian dataset-fashion-mnist), idx:DIR, cifar10:DIR (CIFAR-10 binary batches) or folder:DIR (one subfolder of PNG/JPEG images per class)', default: 'digits', choices: DATA_CHOICES, placeholder: 'NAME' },
  model: { type: 'string', help: `a named model (${Object.keys(MODELS).join(', ')}; adapted to the data's input size and classes) or an architecture string, e.g. "1x28x28 | conv 8 k3 p1 | bn | relu | maxpool 2 | fc 10" (see convkit summary --help)`, default: 'digits', placeholder: 'NAME|"ARCH"' },
  epochs: { type: 'int', help: 'passes over the training set', default: 15, placeholder: 'N' },
  'batch-size': { type: 'int', help: 'examples per step', default: 32, placeholder: 'N' },
  lr: { type: 'number', help: 'initial learning rate (cosine-annealed to 0 over the epochs)', default: 2e-3, placeholder: 'LR' },
  optimizer: { type: 'string', help: 'sgd (momentum 0.9), adam or adamw', default: 'adam', choices: ['sgd', 'adam', 'adamw'], placeholder: 'NAME' },
  augment: { type: 'string', help: 'training augmentations, comma-separated: shift:N (random shifts up to N pixels), crop:P (random crop after P pixels of padding), flip (horizontal); a number N = shift:N; none', default: '2', placeholder: 'LIST' },
  normalize: { type: 'string', help: 'per-channel normalisation of every input: none, auto (the training set\'s mean and std) or MEAN:STD (e.g. 0.1307:0.3081, or one value per channel, comma-separated)', default: 'none', placeholder: 'SPEC' },
  size: { type: 'string', help: 'folder: resize every image to HxW (default: the first image\'s size)', placeholder: 'HxW' },
  'val-split': { type: 'number', help: 'folder without train/ and test/: share of the images held out as the test set (seeded by --seed)', default: 0.2, placeholder: 'F' },
  seed: { type: 'int', help: 'random seed (weights, shuffling, augmentation)', default: 0, placeholder: 'N' },
  out: { type: 'string', help: 'output directory (checkpoint.safetensors, model.safetensors, metrics.jsonl, report.html)', default: 'convkit-run', placeholder: 'DIR' },
  resume: { type: 'boolean', help: 'continue from DIR/checkpoint.safetensors' },
  backend: { type: 'string', help: 'kernels: reference (pure TypeScript), wasm (SIMD convolutions and matrix products on threads; the rest falls back to reference) or webgpu (the GPU, through the npm package webgpu in Node)', default: 'wasm', choices: ['reference', 'wasm', 'webgpu'], placeholder: 'NAME' },
  threads: { type: 'int', help: 'threads for the wasm kernels (default: one per core)', placeholder: 'N' },
  diagnostics: { type: 'boolean', help: 'per-epoch gradient norm per layer, dead ReLU units, vanishing/exploding warnings' },
  limit: { type: 'int', help: 'use only the first N training examples (quick runs)', placeholder: 'N' },
  init: { type: 'string', help: 'start from saved weights: MODEL.onnx (fine-tunes the imported graph; DIR/model.onnx is written too) or a .safetensors state dict of --model', placeholder: 'PATH' },
};

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

/** Limits a dataset to its first n examples. */
function head(ds: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= ds.length) return ds;
  return { length: n, get: (i: number) => ds.get(i) };
}

export async function trainCommand(argv: readonly string[], out: Out, err: Out): Promise<number> {
  if (argv.includes('--help')) {
    out.write(helpText('usage: convkit train [options]', 'Trains a CNN and reports test accuracy; writes a checkpoint every epoch (Ctrl-C saves one and exits).', TRAIN_FLAGS));
    return 0;
  }
  const { flags, positional } = parseArgs('train', argv, TRAIN_FLAGS);
  if (positional.length > 0) throw new ValueError({ op: 'convkit train', arg: positional[0]!, expected: 'only --flags', got: positional.join(' ') });
  const epochs = flags['epochs'] as number;
  const batchSize = flags['batch-size'] as number;
  const lr = flags['lr'] as number;
  for (const [k, v, ok] of [['epochs', epochs, epochs >= 1], ['batch-size', batchSize, batchSize >= 1], ['lr', lr, lr > 0]] as const) {
    if (!ok) throw new ValueError({ op: 'convkit train', arg: `--${k}`, expected: 'a positive value', got: String(v) });
  }
  const seed = flags['seed'] as number;
  const dir = flags['out'] as string;
  const ckptPath = join(dir, 'checkpoint.safetensors');
  mkdirSync(dir, { recursive: true });

  const onGpu = flags['backend'] === 'webgpu';
  if (onGpu && flags['diagnostics']) {
    throw new ValueError({ op: 'convkit train', arg: '--diagnostics', expected: 'a CPU backend (the diagnostics read every layer synchronously)', got: '--backend webgpu' });
  }
  await setBackend(flags['backend'] as string);
  if (flags['threads'] !== undefined) setNumThreads(flags['threads'] as number);
  manualSeed(seed);
  const dataOptions = { ...(flags['size'] !== undefined ? { size: parseSize('train', flags['size'] as string) } : {}), valSplit: flags['val-split'] as number };
  const data = loadData(flags['data'] as string, { ...dataOptions, seed });
  const init = flags['init'] as string | undefined;
  const onnxInit = init?.endsWith('.onnx') === true;
  // an imported ONNX graph has no architecture string; everything else is built from one
  const { name: modelName, architecture } = onnxInit ? { name: `onnx:${init}`, architecture: null } : resolveModel('train', flags['model'] as string, data);
  const model = init === undefined ? buildArchitecture(architecture!) : restoreModel('convkit train', init, onnxInit ? undefined : architecture!).model.train();
  const norm = parseNormalize('train', flags['normalize'] as string, data.train, data.inputShape[0] ?? 1);
  parseAugment('train', flags['augment'] as string, data.inputShape, new Generator(0)); // bad lists fail before training
  const optimizer = makeOptimizer(flags['optimizer'] as string, model.parameters(), lr);
  const scheduler = new CosineAnnealingLR(optimizer as never, epochs);
  let startEpoch = 0;
  if (flags['resume']) {
    if (!existsSync(ckptPath)) throw new ValueError({ op: 'convkit train', arg: '--resume', expected: `a checkpoint at ${ckptPath}`, got: 'no such file' });
    const c = loadCheckpoint(ckptPath);
    const recorded = architecture === null ? c.run.model : recordedArchitecture(c.run);
    const current = architecture ?? modelName;
    if (recorded !== current) throw new ValueError({ op: 'convkit train', arg: '--model', expected: `${recorded} (the checkpoint's model)`, got: current });
    model.loadStateDict(c.model);
    if (c.optimizer) optimizer.loadStateDict(c.optimizer);
    if (c.run.scheduler) scheduler.loadStateDict(c.run.scheduler as never);
    startEpoch = c.run.epoch;
    out.write(`resuming ${modelName} from ${ckptPath} after epoch ${startEpoch}\n`);
  }
  const trainSet = head(data.train, flags['limit'] as number | undefined);
  // the loader's and the augmentation's generators are seeded per epoch, so a resumed run
  // continues exactly as an uninterrupted one would
  const testLoader = new DataLoader(norm ? mapInputs(data.test, normalizer(norm)) : data.test, { batchSize: 500 });
  out.write(`training ${modelName} on ${data.name}: ${trainSet.length} train / ${data.test.length} test examples, ${epochs} epochs, batch ${batchSize}, ${flags['optimizer']} lr ${lr}, seed ${seed}, ${flags['backend']} backend${flags['backend'] === 'wasm' ? threadNote() : ''}\n`);

  const diag = flags['diagnostics'] ? new TrainingDiagnostics(model) : null;
  const page = new RunReport(dir, model, architecture ?? modelName, data, [
    ['model', architecture === null || modelName === 'custom' ? architecture ?? modelName : `${modelName}: ${architecture}`],
    ['data', `${data.name}: ${trainSet.length} train / ${data.test.length} test examples, inputs ${data.inputShape.join('x')}, ${data.classes.length} classes`],
    ['epochs', String(epochs)],
    ['batch size', String(batchSize)],
    ['optimizer', `${flags['optimizer']}, lr ${lr} cosine-annealed over ${epochs} epochs`],
    ['augmentation', flags['augment'] as string],
    ['normalization', norm ? `mean ${norm.mean.map((v) => v.toPrecision(4)).join(', ')}; std ${norm.std.map((v) => v.toPrecision(4)).join(', ')}` : 'none'],
    ['seed', String(seed)],
    ['backend', `${flags['backend']}${flags['backend'] === 'wasm' ? threadNote() : ''}`],
    ['resumed', flags['resume'] ? `yes, after epoch ${startEpoch}` : 'no'],
  ]);
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    err.write('\ninterrupted: finishing this step and saving a checkpoint (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  const metricsPath = join(dir, 'metrics.jsonl');
  if (!flags['resume']) writeFileSync(metricsPath, '');
  else if (existsSync(metricsPath)) page.restore(readFileSync(metricsPath, 'utf8'));
  const t0 = Date.now();
  let last: { accuracy: number } | null = null;
  try {
    for (let epoch = startEpoch; epoch < epochs && !stop; epoch++) {
      const loader = new DataLoader(trainSet, { batchSize, shuffle: true, seed: seed * 1000 + epoch });
      const aug = new Generator(seed * 1000 + epoch + 500_000);
      const augment = trainTransform(parseAugment('train', flags['augment'] as string, data.inputShape, aug), norm ? normalizer(norm) : null);
      const bar = new ProgressBar(out, loader.length, `epoch ${epoch + 1}/${epochs}`);
      const te = Date.now();
      const lrUsed = scheduler.getLastLr()[0] ?? lr;
      const r = await trainEpoch(model, optimizer, loader, {
        ...(augment ? { augment } : {}),
        shouldStop: () => stop,
        ...(diag ? { diagnostics: diag } : {}),
        onStep: (s) => {
          page.step(epoch + 1, s.batch, loader.length, s.loss, s.accuracy);
          bar.update(s.batch, `loss ${s.loss.toFixed(4)} acc ${(100 * s.accuracy).toFixed(2)}% ${(s.seen / ((Date.now() - te) / 1000)).toFixed(0)} img/s`);
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
      if (stop) {
        await saveRun(epoch, null, 'interrupted');
        out.write(`saved ${ckptPath} (epoch ${epoch + 1} incomplete; --resume restarts it)\n`);
        return 130;
      }
      scheduler.step();
      const ev = await evaluate(model, testLoader);
      last = ev;
      const secs = (Date.now() - te) / 1000;
      const report = diag?.report();
      diag?.reset();
      const rec = { ...(report ? { diagnostics: report } : {}), epoch: epoch + 1, trainLoss: r.loss, trainAccuracy: r.accuracy, testLoss: ev.loss, testAccuracy: ev.accuracy, lr: scheduler.getLastLr()[0], seconds: secs, imagesPerSecond: r.examples / secs };
      appendFileSync(metricsPath, JSON.stringify(rec) + '\n');
      page.epoch({ epoch: epoch + 1, trainLoss: r.loss, trainAccuracy: r.accuracy, testLoss: ev.loss, testAccuracy: ev.accuracy, lr: lrUsed, seconds: secs }, ev.confusion);
      out.write(`epoch ${epoch + 1}/${epochs}: train loss ${r.loss.toFixed(4)} acc ${(100 * r.accuracy).toFixed(2)}% | test loss ${ev.loss.toFixed(4)} acc ${(100 * ev.accuracy).toFixed(2)}% | ${fmtTime(secs)}\n`);
      if (report) {
        out.write(`  gradient norm per layer: ${report.layers.filter((l) => l.gradNorm !== undefined).map((l) => `${l.name} ${l.gradNorm!.toExponential(2)}`).join(', ')}\n`);
        out.write(`  dead ReLU units: ${report.layers.filter((l) => l.units !== undefined).map((l) => `${l.name} ${l.deadUnits}/${l.units}`).join(', ') || 'no ReLU layers'}\n`);
        for (const w of report.warnings) out.write(`  warning: ${w}\n`);
      }
      await saveRun(epoch + 1, ev.accuracy, 'epoch');
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  const total = (Date.now() - t0) / 1000;
  await fetchState();
  saveModelFile(join(dir, 'model.safetensors'), model.stateDict(), runInfo(epochs, last?.accuracy ?? null));
  if (modelName.startsWith('onnx:')) saveOnnx(model, zeros([1, ...data.inputShape]), join(dir, 'model.onnx'), { dynamicBatch: true, inputNames: ['input'], outputNames: ['logits'] });
  out.write(`final test accuracy ${last ? (100 * last.accuracy).toFixed(2) : '?'}% on ${data.test.length} examples; ${fmtTime(total)} total; model saved to ${join(dir, 'model.safetensors')}; report: ${page.path}\n`);
  return 0;

  function runInfo(epoch: number, acc: number | null): RunInfo {
    return { model: modelName, ...(architecture !== null ? { architecture } : {}), classes: data.classes, inputShape: data.inputShape, normalize: norm, dataOptions, data: data.name, epoch, seed, optimizer: flags['optimizer'] as string, scheduler: scheduler.stateDict(), testAccuracy: acc };
  }
  /** GPU values are read asynchronously: bring the model's and the optimizer's state to JavaScript memory before saving. */
  async function fetchState(): Promise<void> {
    await fetchTensors([...Object.values(model.stateDict()), ...[...optimizer.state.values()].flatMap((st) => Object.values(st))]);
  }
  async function saveRun(epoch: number, acc: number | null, _why: string): Promise<void> {
    await fetchState();
    saveCheckpoint(ckptPath, { model: model.stateDict(), optimizer: optimizer.stateDict(), run: runInfo(epoch, acc) });
  }
}
