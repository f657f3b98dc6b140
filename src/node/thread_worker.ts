/** worker_threads entry of the wasm thread pool (Node): workerData carries ThreadData. */
import { workerData } from 'node:worker_threads';
import type { ThreadData } from '../backends/wasm/pool.js';
import { workerLoop } from '../backends/wasm/worker_loop.js';

workerLoop(workerData as ThreadData);
