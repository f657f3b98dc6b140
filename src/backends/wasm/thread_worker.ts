/** Web Worker entry of the wasm thread pool (browsers): the first message carries ThreadData. */
import type { ThreadData } from './pool.js';
import { workerLoop } from './worker_loop.js';

const scope = globalThis as unknown as { onmessage: ((e: { data: ThreadData }) => void) | null };
scope.onmessage = (e) => {
  scope.onmessage = null;
  workerLoop(e.data);
};
