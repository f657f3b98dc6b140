/** Starts the wasm backend's pool threads with node:worker_threads (installed by src/node/index.ts). */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThreadPlatform } from '../backends/wasm/pool.js';

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
