/** `convkit train`: trains a CNN with a progress bar, metrics, checkpoints and Ctrl-C handling. */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed, Generator } from '../random.js';
import { setBackend } from '../backend.js';
import { fetchTensors } from '../fetch.js';
import { setNumThreads, threadingStatus } from '../backends/wasm/pool.js';
import { ValueError } from '../errors.js';
import { DataLoader } from '../data/loader.js';
import type { Dataset } from '../data/dataset.js';
import { fashionMnist, idxDataset, loadDigits, saveOnnx } from '../io/index.js';
import { MODELS, buildModel } from '../models/index.js';
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

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', help: 'digits (embedded 8k/2k MNIST digits), fashion (Debian dataset-fashion-mnist), or idx:DIR', default: 'digits', choices: ['digits', 'fashion', 'idx:'], placeholder: 'NAME' },
  model: { type: 'string', help: `architecture: ${Object.keys(MODELS).join(', ')}`, default: 'digits', choices: Object.keys(MODELS), placeholder: 'NAME' },
  epochs: { type: 'int', help: 'passes over the training set', default: 15, placeholder: 'N' },
  'batch-size': { type: 'int', help: 'examples per step', default: 32, placeholder: 'N' },
  lr: { type: 'number', help: 'initial learning rate (cosine-annealed to 0 over the epochs)', default: 2e-3, placeholder: 'LR' },
  optimizer: { type: 'string', help: 'sgd (momentum 0.9), adam or adamw', default: 'adam', choices: ['sgd', 'adam', 'adamw'], placeholder: 'NAME' },
  augment: { type: 'int', help: 'random shifts of up to N pixels during training (0 = off)', default: 2, placeholder: 'N' },
  seed: { type: 'int', help: 'random seed (weights, shuffling, augmentation)', default: 0, placeholder: 'N' },
  out: { type: 'string', help: 'output directory (checkpoint.safetensors, model.safetensors, metrics.jsonl)', default: 'convkit-run', placeholder: 'DIR' },
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

function loadData(spec: string): { train: Dataset; test: Dataset; name: string } {
  if (spec === 'digits') return { ...loadDigits(), name: 'digits' };
  if (spec === 'fashion') return { ...fashionMnist(), name: 'fashion' };
  const dir = spec.slice('idx:'.length);
  return { ...idxDataset(dir), name: spec };
}

function makeOptimizer(name: string, params: Iterable<import('../tensor.js').Tensor>, lr: number): Optimizer<BaseHyper> {
  if (name === 'sgd') return new SGD(params, { lr, momentum: 0.9 }) as unknown as Optimizer<BaseHyper>;
  if (name === 'adamw') return new AdamW(params, { lr }) as unknown as Optimizer<BaseHyper>;
  return new Adam(params, { lr }) as unknown as Optimizer<BaseHyper>;
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
  const data = loadData(flags['data'] as string);
  const init = flags['init'] as string | undefined;
  const modelName = init?.endsWith('.onnx') ? `onnx:${init}` : (flags['model'] as string);
  const model = init === undefined ? buildModel(modelName, 10) : restoreModel('convkit train', init, init.endsWith('.onnx') ? undefined : modelName).model.train();
  const optimizer = makeOptimizer(flags['optimizer'] as string, model.parameters(), lr);
  const scheduler = new CosineAnnealingLR(optimizer as never, epochs);
  let startEpoch = 0;
  if (flags['resume']) {
    if (!existsSync(ckptPath)) throw new ValueError({ op: 'convkit train', arg: '--resume', expected: `a checkpoint at ${ckptPath}`, got: 'no such file' });
    const c = loadCheckpoint(ckptPath);
    if (c.run.model !== modelName) throw new ValueError({ op: 'convkit train', arg: '--model', expected: `${c.run.model} (the checkpoint's model)`, got: modelName });
    model.loadStateDict(c.model);
    if (c.optimizer) optimizer.loadStateDict(c.optimizer);
    if (c.run.scheduler) scheduler.loadStateDict(c.run.scheduler as never);
    startEpoch = c.run.epoch;
    out.write(`resuming ${modelName} from ${ckptPath} after epoch ${startEpoch}\n`);
  }
  const trainSet = head(data.train, flags['limit'] as number | undefined);
  // the loader's and the augmentation's generators are seeded per epoch, so a resumed run
  // continues exactly as an uninterrupted one would
  const testLoader = new DataLoader(data.test, { batchSize: 500 });
  out.write(`training ${modelName} on ${data.name}: ${trainSet.length} train / ${data.test.length} test examples, ${epochs} epochs, batch ${batchSize}, ${flags['optimizer']} lr ${lr}, seed ${seed}, ${flags['backend']} backend${flags['backend'] === 'wasm' ? threadNote() : ''}\n`);

  const diag = flags['diagnostics'] ? new TrainingDiagnostics(model) : null;
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    err.write('\ninterrupted: finishing this step and saving a checkpoint (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  const metricsPath = join(dir, 'metrics.jsonl');
  if (!flags['resume']) writeFileSync(metricsPath, '');
  const t0 = Date.now();
  let last: { accuracy: number } | null = null;
  try {
    for (let epoch = startEpoch; epoch < epochs && !stop; epoch++) {
      const loader = new DataLoader(trainSet, { batchSize, shuffle: true, seed: seed * 1000 + epoch });
      const aug = new Generator(seed * 1000 + epoch + 500_000);
      const bar = new ProgressBar(out, loader.length, `epoch ${epoch + 1}/${epochs}`);
      const te = Date.now();
      const r = await trainEpoch(model, optimizer, loader, {
        augmentShift: flags['augment'] as number,
        generator: aug,
        shouldStop: () => stop,
        ...(diag ? { diagnostics: diag } : {}),
        onStep: (s) => bar.update(s.batch, `loss ${s.loss.toFixed(4)} acc ${(100 * s.accuracy).toFixed(2)}% ${(s.seen / ((Date.now() - te) / 1000)).toFixed(0)} img/s`),
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
  if (modelName.startsWith('onnx:')) saveOnnx(model, zeros([1, 1, 28, 28]), join(dir, 'model.onnx'), { dynamicBatch: true, inputNames: ['input'], outputNames: ['logits'] });
  out.write(`final test accuracy ${last ? (100 * last.accuracy).toFixed(2) : '?'}% on ${data.test.length} examples; ${fmtTime(total)} total; model saved to ${join(dir, 'model.safetensors')}\n`);
  return 0;

  function runInfo(epoch: number, acc: number | null): RunInfo {
    return { model: modelName, data: data.name, epoch, seed, optimizer: flags['optimizer'] as string, scheduler: scheduler.stateDict(), testAccuracy: acc };
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
