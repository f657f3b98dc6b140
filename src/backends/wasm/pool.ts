/**
 * The thread pool of the wasm backend: workers that instantiate the module over the same shared
 * memory and take units of a job from a counter in a small shared control block.
 *
 * A job is (fn, args, n units). The calling thread publishes it and then takes units itself, so it
 * never waits for a worker that is still starting or busy elsewhere: it waits only for units that
 * a worker has already claimed. Workers sleep in Atomics.wait between jobs after a short spin.
 *
 * Claiming uses one word = (generation << 16) | next unit, advanced by compare-and-swap. Publishing
 * a job first retires the old word, then writes the parameters, then the new word: a worker that
 * read parameters and word at different moments fails its swap instead of running a mix.
 * Results never depend on which thread ran a unit (units write disjoint outputs).
 *
 * Spawning threads is platform-specific: browsers use module Web Workers (thread_worker.js next to
 * this file); Node's entry point (src/node) installs a worker_threads spawner. Without either, or
 * without shared memory, the pool has one thread and `threadingStatus()` says why.
 */
import { BackendError, fmtValue } from '../../errors.js';
import { runtime } from './runtime.js';

/** Layout of the control block (Int32Array). */
export const CTL = { CLAIM: 0, FN: 1, ARGS: 2, NUNITS: 3, OFFSET: 4, DONE: 5, ERR: 6, STOP: 7, WORKER_UNITS: 8, READY: 9, SIZE: 16 } as const;
/** Units per published job (the claim word holds 16 bits of unit index). */
const MAX_UNITS = 0xfffe;

/** What a worker receives: the module, the shared memory, the control block and its slot. */
export interface ThreadData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctl: SharedArrayBuffer;
  slot: number;
}

/** A started worker, as far as the pool needs it. */
export interface ThreadHandle {
  terminate(): void;
}

/** How this platform starts threads, and how many cores it has. */
export interface ThreadPlatform {
  readonly name: string;
  readonly cores: number;
  spawn(data: ThreadData): ThreadHandle;
}

function browserPlatform(): ThreadPlatform | null {
  const g = globalThis as { Worker?: new (url: URL, opts: { type: 'module' }) => { postMessage(d: unknown): void; terminate(): void }; navigator?: { hardwareConcurrency?: number } };
  if (typeof g.Worker !== 'function') return null;
  const W = g.Worker;
  return {
    name: 'Web Workers',
    cores: g.navigator?.hardwareConcurrency ?? 1,
    spawn(data) {
      const w = new W(new URL('./thread_worker.js', import.meta.url), { type: 'module' });
      w.postMessage(data);
      return w;
    },
  };
}

let platform: ThreadPlatform | null = null;
let wanted: number | null = null; // null: one thread per core
let workers: ThreadHandle[] = [];
let ctl: Int32Array | null = null;
let gen = 0;
let warned = false;
/** Whether Atomics.wait works on this thread (not on a browser's main thread). */
let canBlock = true;
/** Polls of the done counter before sleeping on it: an oversubscribed machine must not starve a worker. */
const SPIN_MAIN = 4000;

/** Installs how threads are started (Node's entry point does this with worker_threads). */
export function setThreadPlatform(p: ThreadPlatform): void {
  platform = p;
}

function currentPlatform(): ThreadPlatform | null {
  platform ??= browserPlatform();
  return platform;
}

export interface ThreadingStatus {
  /** Threads kernels run on (the calling thread included). */
  threads: number;
  /** Threads asked for with setNumThreads (default: one per core). */
  requested: number;
  /** Why `threads` is less than `requested`, if it is. */
  limitedBy: string | null;
}

/** Why more than one thread is impossible here, or null. */
function threadBlocker(): string | null {
  const r = runtime();
  if (!r.shared) return r.unsharedReason;
  if (!currentPlatform()) return 'no way to start threads on this platform (in Node, import convkit through its package entry, which installs worker_threads)';
  return null;
}

function requested(): number {
  return wanted ?? Math.max(1, currentPlatform()?.cores ?? 1);
}

/** Threads the wasm kernels use, and why fewer than asked for when that happens. */
export function threadingStatus(): ThreadingStatus {
  const blocker = threadBlocker();
  const req = requested();
  return { threads: blocker ? 1 : req, requested: req, limitedBy: blocker && req > 1 ? blocker : null };
}

/** Number of threads wasm kernels run on (the calling thread included). */
export function getNumThreads(): number {
  return threadingStatus().threads;
}

/**
 * Sets the number of threads for wasm kernels (default: the number of cores). When threads are
 * impossible here, kernels keep running on one thread and a warning says why once (also in
 * `threadingStatus().limitedBy`).
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new BackendError({ op: 'setNumThreads', arg: 'n', expected: 'an integer from 1 to 256', got: fmtValue(n) });
  }
  wanted = n;
  const blocker = threadBlocker();
  if (n > 1 && blocker && !warned) {
    warned = true;
    console.warn(`convkit: setNumThreads(${n}): running on 1 thread: ${blocker}`);
  }
  resize();
}

/** Starts or stops workers to match the wanted thread count. */
function resize(): void {
  const { threads } = threadingStatus();
  const want = threads - 1;
  if (workers.length === want) return;
  stopWorkers();
  if (want === 0) return;
  const r = runtime();
  const p = currentPlatform()!;
  const sab = new SharedArrayBuffer(CTL.SIZE * 4);
  ctl = new Int32Array(sab);
  gen = 0;
  // an exhausted job 0: workers start idle
  Atomics.store(ctl, CTL.CLAIM, 0);
  Atomics.store(ctl, CTL.NUNITS, 0);
  for (let i = 0; i < want; i++) workers.push(p.spawn({ module: r.module, memory: r.memory, ctl: sab, slot: i + 1 }));
}

/** Units run so far by the calling thread and by workers (ctl's count is added when workers stop). */
let callerUnits = 0;
let retiredWorkerUnits = 0;

export interface PoolStats {
  /** Job units the calling thread ran. */
  readonly callerUnits: number;
  /** Job units pool workers claimed and ran: 0 means the threads did nothing. */
  readonly workerUnits: number;
}

/**
 * Resolves once every worker thread has started and can take units (workers start in the
 * background; until then the calling thread runs every unit itself, so results are the same).
 */
export async function threadsReady(): Promise<void> {
  resize();
  while (ctl && Atomics.load(ctl, CTL.READY) < workers.length) await new Promise((r) => setTimeout(r, 1));
}

/** How the work of jobs was shared so far (tests check that workers really ran units). */
export function poolStats(): PoolStats {
  return { callerUnits, workerUnits: retiredWorkerUnits + (ctl ? Atomics.load(ctl, CTL.WORKER_UNITS) : 0) };
}

function stopWorkers(): void {
  if (ctl) retiredWorkerUnits += Atomics.load(ctl, CTL.WORKER_UNITS);
  if (ctl) {
    Atomics.store(ctl, CTL.STOP, 1);
    Atomics.notify(ctl, CTL.CLAIM);
  }
  for (const w of workers) w.terminate();
  workers = [];
  ctl = null;
}

/** Multiply-adds below which a kernel runs on the calling thread alone. */
export const SERIAL_MACS = 1 << 20;

/** Scratch slots a job may use at once: one per thread, or 1 for work below SERIAL_MACS. */
export function slotCount(work = Infinity): number {
  resize();
  return work < SERIAL_MACS ? 1 : workers.length + 1;
}

/**
 * Runs units 0..n-1 of job `fn` (args: an i32 block in wasm memory) on every thread and returns
 * when all are done; `slots` is how many scratch slots the caller laid out (1: run every unit on
 * the calling thread, for work too small to be worth waking workers). Errors in a unit (a trap) surface
 * here as a BackendError.
 */
export function parallel(fn: number, args: number, n: number, op: string, slots: number): void {
  const w = runtime().exports;
  resize();
  if (!ctl || n <= 1 || slots <= 1) {
    for (let u = 0; u < n; u++) w.run(fn, args, u, 0);
    callerUnits += n;
    return;
  }
  const c = ctl;
  for (let off = 0; off < n; off += MAX_UNITS) {
    const m = Math.min(MAX_UNITS, n - off);
    gen = (gen + 1) & 0x7fff;
    // first retire the old claim word (a late worker's compare-and-swap on it now fails), then
    // write the parameters, then publish the new word
    Atomics.store(c, CTL.CLAIM, (gen << 16) | 0xffff);
    Atomics.store(c, CTL.FN, fn);
    Atomics.store(c, CTL.ARGS, args);
    Atomics.store(c, CTL.NUNITS, m);
    Atomics.store(c, CTL.OFFSET, off);
    Atomics.store(c, CTL.ERR, 0);
    Atomics.store(c, CTL.DONE, 0);
    Atomics.store(c, CTL.CLAIM, gen << 16);
    Atomics.notify(c, CTL.CLAIM);
    let err: unknown = null;
    for (;;) {
      const word = Atomics.load(c, CTL.CLAIM);
      const next = word & 0xffff;
      if (next >= m) break;
      if (Atomics.compareExchange(c, CTL.CLAIM, word, word + 1) !== word) continue;
      try {
        w.run(fn, args, off + next, 0);
      } catch (e) {
        err ??= e;
      }
      callerUnits++;
      Atomics.add(c, CTL.DONE, 1);
    }
    // only units already claimed by workers remain: spin briefly, then sleep until a worker
    // counts one done (where this thread may block; a browser's main thread may not, and spins)
    let spins = 0;
    for (let d = Atomics.load(c, CTL.DONE); d < m; d = Atomics.load(c, CTL.DONE)) {
      if (++spins > SPIN_MAIN && canBlock) {
        try {
          Atomics.wait(c, CTL.DONE, d, 10);
        } catch {
          canBlock = false;
        }
      }
    }
    if (err || Atomics.load(c, CTL.ERR)) {
      throw new BackendError({ op, arg: 'kernel', expected: 'the wasm kernel to complete', got: `a trap: ${String(err ?? 'in a worker thread')}` });
    }
  }
}
