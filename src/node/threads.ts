/** Starts the wasm backend's pool threads with node:worker_threads (installed by src/node/index.ts). */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { ThreadPlatform } from '../backends/wasm/pool.js';

// Relaxed SIMD (fused multiply-add in the GEMMs) is standard in browsers but behind a flag in
// Node 20; V8 reads it when a module is validated, so setting it here (before the wasm backend
// compiles its module, on first use) is enough. Newer Nodes have it on and accept the flag.
setFlagsFromString('--experimental-wasm-relaxed-simd');

export const nodeThreads: ThreadPlatform = {
  name: 'worker_threads',
  cores: availableParallelism(),
  spawn(data) {
    const w = new Worker(new URL('./thread_worker.js', import.meta.url), { workerData: data });
    // idle workers sleep in Atomics.wait; they must not keep the process alive
    w.unref();
    return { terminate: () => void w.terminate() };
  },
};
