/**
 * The loop a pool worker runs (see pool.ts): instantiate the module over the shared memory, then
 * forever claim units of the current job, run them, count them done; sleep when there is no work.
 */
import type { ThreadData } from './pool.js';
import { CTL } from './pool.js';

/** Iterations of polling before sleeping: covers the gap between back-to-back jobs of one op. */
const SPIN = 20000;

export function workerLoop(data: ThreadData): void {
  const inst = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
  const run = (inst.exports as unknown as { run(fn: number, args: number, unit: number, slot: number): void }).run;
  const c = new Int32Array(data.ctl);
  Atomics.add(c, CTL.READY, 1);
  for (;;) {
    if (Atomics.load(c, CTL.STOP)) return;
    const word = Atomics.load(c, CTL.CLAIM);
    // job parameters are written before the claim word that publishes them
    const n = Atomics.load(c, CTL.NUNITS);
    const next = word & 0xffff;
    if (next >= n) {
      let spins = 0;
      while (Atomics.load(c, CTL.CLAIM) === word && spins < SPIN) spins++;
      if (spins === SPIN) Atomics.wait(c, CTL.CLAIM, word);
      continue;
    }
    const fn = Atomics.load(c, CTL.FN), args = Atomics.load(c, CTL.ARGS), off = Atomics.load(c, CTL.OFFSET);
    if (Atomics.compareExchange(c, CTL.CLAIM, word, word + 1) !== word) continue;
    try {
      run(fn, args, off + next, data.slot);
    } catch {
      Atomics.store(c, CTL.ERR, 1);
    }
    Atomics.add(c, CTL.WORKER_UNITS, 1);
    // wake the caller (sleeping on DONE) only for the job's last unit: a notify per unit costs a
    // lock and a cache-line round trip, which adds up over thousands of small units
    if (Atomics.add(c, CTL.DONE, 1) + 1 >= n) Atomics.notify(c, CTL.DONE);
  }
}
