/**
 * The training worker: loads the packed digits, trains a convkit model with convkit's own training
 * loop (trainEpoch / evaluate / TrainingDiagnostics) on the wasm backend, and posts progress,
 * diagnostics and the weights (for inference on the page) back. Pause/resume between steps.
 */
import { getBackend, manualSeed, setBackend, webgpuAdapter, Generator, data, optim } from '../../src/index.js';
import * as convkit from '../../src/index.js';
import { buildModel } from '../../src/models/index.js';
import { evaluate, trainEpoch } from '../../src/train/loop.js';
import { TrainingDiagnostics } from '../../src/train/diagnostics.js';
import type { Module } from '../../src/nn/module.js';
import type { Tensor } from '../../src/tensor.js';
import type { BaseHyper, Optimizer } from '../../src/optim/optimizer.js';
import type { Batch } from '../../src/data/loader.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { EnvInfo, FromWorker, PlainState, ToWorker, TrainConfig } from './protocol.js';

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
  crossOriginIsolated?: boolean;
}
const ctx = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => ctx.postMessage(m, transfer);

/** How often (in steps) the page gets diagnostics and fresh weights. */
const DIAG_EVERY = 20;
const WEIGHTS_EVERY = 50;

/** The wasm backend's threading API, when this build of convkit has one. */
const api = convkit as unknown as Record<string, unknown>;
const fn = <T>(name: string): T | null => (typeof api[name] === 'function' ? (api[name] as T) : null);

function envInfo(): EnvInfo {
  const getThreads = fn<() => number>('getNumThreads');
  const status = fn<() => { limitedBy: string | null }>('threadingStatus');
  const a = getBackend() === 'webgpu' ? webgpuAdapter() : null;
  return {
    backend: getBackend(),
    gpu: a ? `${a.vendor} ${a.architecture}${a.fallback ? ' (software)' : ''}`.trim() : null,
    threads: getThreads ? Number(getThreads()) : 1,
    limitedBy: status ? status().limitedBy : null,
    crossOriginIsolated: ctx.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
  };
}

/** Parses digits.bin (see playground/build.mjs) into per-class pixel arrays of byte/255. */
function unpackDigits(buf: ArrayBuffer): Float32Array[] {
  const bytes = new Uint8Array(buf);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== 'CKD1') throw new Error(`digits.bin: bad magic "${magic}" (rebuild the playground)`);
  const view = new DataView(buf);
  const out: Float32Array[] = [];
  let k = 44;
  for (let c = 0; c < 10; c++) {
    const n = view.getUint32(4 + 4 * c, true);
    const px = new Float32Array(n * 784);
    for (let i = 0; i < px.length; i++) px[i] = bytes[k++]! / 255;
    out.push(px);
  }
  if (k !== bytes.length) throw new Error(`digits.bin: expected ${k} bytes, got ${bytes.length}`);
  return out;
}

let split: { train: Dataset; test: Dataset } | null = null;
/** The CPU backend the worker trains on unless asked for webgpu. */
let cpuBackend = 'reference';
let paused = false;
let stopRequested = false;
let running = false;
let wake: (() => void) | null = null;

/** The weights as plain arrays, read asynchronously (so it works for GPU tensors too). */
async function toPlain(model: Module): Promise<{ state: PlainState; transfer: ArrayBuffer[] }> {
  const state: PlainState = {};
  const transfer: ArrayBuffer[] = [];
  for (const [k, t] of Object.entries(model.stateDict())) {
    const d = Float32Array.from(await t.read());
    state[k] = { shape: [...t.shape], data: d };
    transfer.push(d.buffer);
  }
  return { state, transfer };
}

function makeOptimizer(name: string, params: Iterable<Tensor>, lr: number): Optimizer<BaseHyper> {
  if (name === 'sgd') return new optim.SGD(params, { lr, momentum: 0.9 }) as unknown as Optimizer<BaseHyper>;
  if (name === 'adamw') return new optim.AdamW(params, { lr }) as unknown as Optimizer<BaseHyper>;
  return new optim.Adam(params, { lr }) as unknown as Optimizer<BaseHyper>;
}

async function train(config: TrainConfig): Promise<void> {
  if (!split) throw new Error('the digits are not loaded yet');
  running = true;
  paused = false;
  stopRequested = false;
  // a backend that cannot start (no WebGPU, no adapter) is an error shown on the page, never a silent switch
  await setBackend(config.backend === 'webgpu' ? 'webgpu' : cpuBackend);
  const setThreads = fn<(n: number) => void>('setNumThreads');
  const getThreads = fn<() => number>('getNumThreads');
  // 0 = one per core; without shared memory the backend stays on one thread (and would warn)
  if (setThreads && getThreads && ctx.crossOriginIsolated === true) setThreads(config.threads > 0 ? config.threads : Math.max(1, navigator.hardwareConcurrency || 1));
  manualSeed(config.seed);
  const model = buildModel(config.model, 10);
  const optimizer = makeOptimizer(config.optimizer, model.parameters(), config.lr);
  const diag = config.backend === 'webgpu' ? null : new TrainingDiagnostics(model);
  const trainSet: Dataset = config.limit && config.limit < split.train.length ? { length: config.limit, get: (i: number) => split!.train.get(i) } : split.train;
  const testSet: Dataset = config.testLimit && config.testLimit < split.test.length ? { length: config.testLimit, get: (i: number) => split!.test.get(i) } : split.test;
  const testLoader = new data.DataLoader(testSet, { batchSize: 500 });
  const sendWeights = async (step: number): Promise<void> => {
    const { state, transfer } = await toPlain(model);
    post({ type: 'weights', step, model: config.model, state }, transfer);
  };
  let step = 0;
  let testAccuracy: number | null = null;
  const probeBatches = Math.ceil(trainSet.length / config.batchSize);
  post({ type: 'started', config, batches: probeBatches, trainSize: trainSet.length, env: envInfo() });
  await sendWeights(0);
  const limitHit = (): boolean => config.maxSteps !== undefined && step >= config.maxSteps;
  try {
    for (let epoch = 0; epoch < config.epochs && !stopRequested && !limitHit(); epoch++) {
      const loader = new data.DataLoader(trainSet, { batchSize: config.batchSize, shuffle: true, seed: config.seed * 1000 + epoch });
      const aug = new Generator(config.seed * 1000 + epoch + 500_000);
      // One iterator for the epoch: trainEpoch stops at a pause and is called again on the rest, so
      // the iterator handed to it has no return() (a for-of break must not close it).
      const it = loader[Symbol.iterator]();
      const rest: Iterable<Batch> & { length: number } = { length: loader.length, [Symbol.iterator]: () => ({ next: () => it.next() }) };
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let batch = 0;
      let t = performance.now();
      let activeMs = 0;
      while (batch < loader.length && !stopRequested && !limitHit()) {
        const before = { lossSum, correct, seen };
        const r = await trainEpoch(model, optimizer, rest, {
          augmentShift: config.augment,
          generator: aug,
          ...(diag ? { diagnostics: diag } : {}),
          shouldStop: () => paused || stopRequested || limitHit(),
          onStep: (s) => {
            step++;
            batch++;
            // trainEpoch reports running means over this call; undo them into this batch's values
            const prev = { lossSum, correct, seen };
            lossSum = before.lossSum + s.loss * s.seen;
            correct = before.correct + Math.round(s.accuracy * s.seen);
            seen = before.seen + s.seen;
            const n = Math.max(1, seen - prev.seen);
            const now = performance.now();
            const ms = activeMs + (now - t);
            post({
              type: 'progress', step, epoch: epoch + 1, epochs: config.epochs, batch, batches: loader.length,
              loss: lossSum / seen, accuracy: correct / seen, batchLoss: (lossSum - prev.lossSum) / n, batchAccuracy: (correct - prev.correct) / n,
              imagesPerSecond: seen / Math.max(1e-3, ms / 1000), seen,
            });
            if (diag && step % DIAG_EVERY === 0) post({ type: 'diagnostics', step, report: diag.report() });
            // the read is queued after this step's work, so it snapshots these weights
            if (step % WEIGHTS_EVERY === 0) void sendWeights(step);
          },
        });
        if (r.examples === 0 && !paused) break;
        if (r.nonFinite) {
          post({ type: 'done', step, reason: 'non-finite', testAccuracy, message: `the loss became ${r.nonFinite.loss} at step ${step}; try a smaller learning rate` });
          return;
        }
        if (paused && !stopRequested) {
          activeMs += performance.now() - t;
          await sendWeights(step);
          if (diag) post({ type: 'diagnostics', step, report: diag.report() });
          post({ type: 'paused', step });
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          t = performance.now();
          if (!stopRequested) post({ type: 'resumed', step });
        }
      }
      if (diag) {
        post({ type: 'diagnostics', step, report: diag.report() });
        diag.reset();
      }
      const ev = await evaluate(model, testLoader);
      testAccuracy = ev.accuracy;
      post({ type: 'epoch', epoch: epoch + 1, step, trainLoss: seen ? lossSum / seen : NaN, trainAccuracy: seen ? correct / seen : 0, testLoss: ev.loss, testAccuracy: ev.accuracy, testExamples: ev.examples });
      await sendWeights(step);
    }
    post({ type: 'done', step, reason: stopRequested ? 'stopped' : limitHit() ? 'steps' : 'finished', testAccuracy });
  } finally {
    diag?.detach();
    running = false;
  }
}

ctx.onmessage = (e: MessageEvent) => {
  const m = e.data as ToWorker;
  if (m.type === 'start') {
    if (running) return;
    train(m.config).catch((err: unknown) => {
      running = false;
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    });
  } else if (m.type === 'pause') {
    paused = true;
  } else if (m.type === 'resume') {
    paused = false;
    wake?.();
  } else if (m.type === 'stop') {
    stopRequested = true;
    paused = false;
    wake?.();
  }
};

async function init(): Promise<void> {
  const t0 = performance.now();
  try {
    await setBackend('wasm');
    cpuBackend = 'wasm';
  } catch {
    // no WebAssembly SIMD: the reference backend (pure TypeScript) still trains, only slower
  }
  const res = await fetch(new URL('./digits.bin.gz', import.meta.url));
  if (!res.ok || !res.body) throw new Error(`cannot load digits.bin.gz: HTTP ${res.status}`);
  if (typeof DecompressionStream !== 'function') throw new Error('this browser has no DecompressionStream (needs Chrome 80, Firefox 113, Safari 16.4 or later)');
  const raw = unpackDigits(await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  split = data.digitsSplit(raw);
  // one test image per class, for the Draw and Inside panels
  const samples: { label: number; pixels: Uint8Array }[] = [];
  for (let i = 0; i < 20; i++) {
    const s = split.test.get(i);
    const px = new Uint8Array(784);
    const d = (s.input as Tensor).data;
    for (let p = 0; p < 784; p++) px[p] = Math.round(d[p]! * 255);
    samples.push({ label: Number(s.target), pixels: px });
  }
  post({ type: 'ready', env: envInfo(), trainSize: split.train.length, testSize: split.test.length, samples, loadMs: performance.now() - t0 });
}

init().catch((err: unknown) => post({ type: 'error', message: `loading failed: ${err instanceof Error ? err.message : String(err)}` }));
