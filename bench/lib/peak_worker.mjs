// One thread of the peak microbenchmark (peak.mjs): instantiates the compiled kernel, then for each
// message { iters, seed } runs `loop` once and replies with its start/end on the shared clock
// (performance.timeOrigin + now(), comparable across threads) and the result it returned.
import { parentPort, workerData } from 'node:worker_threads';

const { exports } = new WebAssembly.Instance(workerData.module, {});
const clock = () => performance.timeOrigin + performance.now();
parentPort.on('message', ({ iters, seed }) => {
  const start = clock();
  const value = exports.loop(iters, seed);
  const end = clock();
  parentPort.postMessage({ start, end, value });
});
parentPort.postMessage({ ready: true });
