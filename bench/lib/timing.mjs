// Timing protocol of one cell (run inside a system's child process).
//  - warm-up: 2 calls (1 when a call takes > 1 s): JIT tiers, wasm compilation, arena growth,
//    thread-pool start-up and ORT's first-run allocations all happen before the clock starts;
//  - timed calls until 10 reps or 3 s have elapsed, whichever comes first, never fewer than 3
//    (--quick: until 5 reps or 1 s, at least 3); each `run()` reads the outputs back into JS
//    (dataSync / await data() / typed array), so lazy or asynchronous backends are fully counted;
//  - the median is reported (robust against the odd GC pause or scheduler hiccup);
//  - before each call (outside the clock) the event loop turns once (setImmediate), as it does
//    between the steps of any real program (convkit's trainEpoch, a browser's frames): garbage
//    collectors and finalizers that only run between tasks get their turn, as they would there.
//    (A loop that never yields is a different case: bench/README.md "Loops that never yield".)
// Systems flagged slow for a cell first time one call at batch 1 and shrink the batch (a power of
// two) so that one call fits the per-call budget; throughput is then per image at that batch.
// Two optional parts of a prepared cell: `floor` (E1) is timed right after every call of `run`
// (also during warm-up), so the chain and its TypedArray.set floor see the same machine state,
// and `profile` (R1) runs after the timed calls, PROFILE_REPS times, each returning
// { insideMs, totalMs, top } for one observed step: the median share outside convolutions is kept.
import { nominalBatch, cellFlops } from './workloads.mjs';

export const PROTOCOL = {
  full: { warmup: 2, minReps: 3, targetReps: 10, targetSeconds: 3, callBudgetSeconds: 1.5 },
  quick: { warmup: 1, minReps: 3, targetReps: 5, targetSeconds: 1, callBudgetSeconds: 0.4 },
};

const now = () => performance.now();
const PROFILE_REPS = { full: 5, quick: 3 };

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function timeOnce(run) {
  await turn();
  const t0 = now();
  await run();
  return now() - t0;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Largest power of two ≤ x, clamped to [1, max]. */
const pow2Floor = (x, max) => Math.max(1, Math.min(max, 2 ** Math.floor(Math.log2(Math.max(1, x)))));

/**
 * Measures one cell with `peer.prepare(cell, batch)` → `{ run, note? }` (prepare throws for a
 * cell the system cannot do; the message becomes the cell's text).
 */
export async function measureCell(peer, cell, quick, timeoutMs = Infinity) {
  const p = quick ? PROTOCOL.quick : PROTOCOL.full;
  const nominal = nominalBatch(cell);
  let batch = nominal;
  const notes = [];
  let probe = null;
  if (nominal > 1 && peer.slow?.(cell)) {
    probe = await peer.prepare(cell, 1);
    await probe.run(); // compile / JIT at batch 1
    const probeMs = await timeOnce(probe.run);
    batch = pow2Floor(p.callBudgetSeconds / (probeMs / 1000), nominal);
    // so slow that even minReps calls at batch 1 would not fit the cell's time limit: report the
    // one warmed call already timed (flagged) rather than a bare "timeout"
    if (batch === 1 && probeMs * (p.minReps + 2) > 0.8 * timeoutMs) {
      return finish(cell, 1, nominal, [probeMs], 1, [`batch 1 (not ${nominal}), 1 timed call: ${(probeMs / 1000).toFixed(0)} s per call, too slow for ${p.minReps} within the ${Math.round(timeoutMs / 1000)} s cell limit`]);
    }
  }
  // at batch 1 the probe's two calls were the warm-up: reuse it rather than pay them twice
  const reuse = probe && batch === 1;
  const { run, note, floor, profile } = reuse ? probe : await peer.prepare(cell, batch);
  if (note) notes.push(note);
  const floorTimes = [];
  // the first call's result (a loss, an output element) is kept to cross-check systems
  let firstValue;
  const first = async () => { const v = await run(); if (firstValue === undefined) firstValue = v; };
  const call = async () => {
    const t = await timeOnce(first);
    if (floor) floorTimes.push(await timeOnce(floor));
    return t;
  };
  let warm = 2;
  if (!reuse) {
    const first = await call();
    warm = first > 1000 ? 1 : p.warmup;
    for (let i = 1; i < warm; i++) await call();
  }
  floorTimes.length = 0;
  const times = [];
  const start = now();
  while (times.length < p.minReps || (times.length < p.targetReps && now() - start < p.targetSeconds * 1000)) {
    times.push(await call());
  }
  const extra = { firstValue };
  // a peer that can say what one call did besides computing (convkit: fallbacks, moves) says it
  if (peer.diagnose) extra.diagnostics = await peer.diagnose(run);
  if (floor) extra.floorTimes = floorTimes;
  if (profile) {
    extra.profiles = [];
    for (let i = 0; i < PROFILE_REPS[quick ? 'quick' : 'full']; i++) extra.profiles.push(await profile());
  }
  // fewer than targetReps within targetSeconds is the protocol, not a deviation: only a reduced
  // batch is flagged (with its repetitions, since such calls are the slow ones)
  if (batch !== nominal) notes.push(`batch ${batch} (not ${nominal}), ${times.length} reps`);
  return finish(cell, batch, nominal, times, warm, notes, extra);
}

/**
 * A cell's result from its timed calls (also used for PyTorch, whose calls are timed in Python).
 * `extra.firstValue`: what the first call returned (kept as `firstValue` for cross-checks).
 * `extra.floorTimes`: the floor's times → floorMs, overFloor = ms ÷ floorMs; `extra.profiles`:
 * observed steps → outsideShare (median of 1 − insideMs ÷ totalMs) and the profile of that step.
 */
export function finish(cell, batch, nominal, times, warm, notes, extra = {}) {
  const ms = median(times);
  // the fastest call is kept too (results.json only): with a noisy peer (ort-web 2T on 2 cores)
  // min vs median tells scheduling jitter from steady speed
  const res = { workload: cell.workload, mode: cell.mode, batch, nominalBatch: nominal, reps: times.length, warmup: warm, ms, minMs: Math.min(...times) };
  const flops = cellFlops(cell, batch);
  if (flops !== null) res.gflops = flops / (ms / 1000) / 1e9;
  if (cell.mode === 'train' || cell.mode === 'infer') res.imagesPerSec = batch / (ms / 1000);
  if (extra.floorTimes?.length) {
    res.floorMs = median(extra.floorTimes);
    res.overFloor = ms / res.floorMs;
  }
  if (extra.profiles?.length) {
    const shares = extra.profiles.map((q) => 1 - q.insideMs / q.totalMs);
    res.outsideShare = median(shares);
    res.profile = extra.profiles[shares.indexOf(res.outsideShare)] ?? extra.profiles[0];
    res.profileReps = extra.profiles.length;
  }
  if (typeof extra.firstValue === 'number') res.firstValue = extra.firstValue;
  if (extra.diagnostics) res.diagnostics = extra.diagnostics;
  if (notes.length) res.note = notes.join('; ');
  return res;
}
