/** Messages between the page and the training worker (structured-clone friendly: plain objects and typed arrays). */
import type { DiagnosticsReport } from '../../src/train/diagnostics.js';

export type ModelName = 'digits' | 'mnist-net' | 'lenet';
export type OptimizerName = 'adam' | 'adamw' | 'sgd';

export type BackendName = 'wasm' | 'webgpu';

export interface TrainConfig {
  model: ModelName;
  /** Where training runs; webgpu trains without the per-layer diagnostics (they read every layer synchronously). */
  backend: BackendName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Random shifts of up to this many pixels (0 = off). */
  augment: number;
  /** Threads for the wasm kernels (0 = the backend's default, one per core). */
  threads: number;
  /** Stop after this many steps in total (a quick run; the test hook ?steps=N). */
  maxSteps?: number;
  /** Use only the first N training images (?limit=N). */
  limit?: number;
  /** Evaluate on only the first N test images (?testlimit=N; quick runs on slow backends). */
  testLimit?: number;
}

/** A state dict as plain arrays: name → shape and float32 values. */
export type PlainState = Record<string, { shape: number[]; data: Float32Array }>;

export type ToWorker =
  | { type: 'start'; config: TrainConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export interface EnvInfo {
  backend: string;
  /** The GPU adapter when training on webgpu, e.g. "google swiftshader (software)". */
  gpu: string | null;
  threads: number;
  /** Why fewer threads than asked for run (from threadingStatus), if so. */
  limitedBy: string | null;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
}

export type FromWorker =
  | { type: 'ready'; env: EnvInfo; trainSize: number; testSize: number; samples: { label: number; pixels: Uint8Array }[]; loadMs: number }
  | { type: 'started'; config: TrainConfig; batches: number; trainSize: number; env: EnvInfo }
  | { type: 'progress'; step: number; epoch: number; epochs: number; batch: number; batches: number; loss: number; accuracy: number; batchLoss: number; batchAccuracy: number; imagesPerSecond: number; seen: number }
  | { type: 'diagnostics'; step: number; report: DiagnosticsReport }
  | { type: 'weights'; step: number; model: ModelName; state: PlainState }
  | { type: 'epoch'; epoch: number; step: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number; testExamples: number }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number }
  | { type: 'done'; step: number; reason: 'finished' | 'stopped' | 'steps' | 'non-finite'; testAccuracy: number | null; message?: string }
  | { type: 'error'; message: string };
