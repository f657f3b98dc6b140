// Memory of a long training run: T1 steps at a small batch with convkit wasm (default threads) in
// one synchronous loop (it never yields, so finalizers cannot run inside it: memory must stay
// bounded by the wasm device's high-water mark and spilling), in a child process of its own (run
// with --expose-gc). Every `every` steps: RSS, and from memoryStats() the wasm memory size, live
// buffers and bytes, and spills so far. maxRSS (the kernel's peak, which also catches short spikes
// between samples) is read at the end. "Flat" = the last RSS sample within 10% of the sample after
// 1,000 steps (allocator and JIT warm-up excluded). Then the model and optimizer are dropped, gc()
// runs and finalizers get their turn (setTimeout rounds), and the live-buffer count is compared
// with the count before the model was built. Public API only.
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConvkit, mnistNet, makeTrainStep } from './peers/convkit.mjs';

function gcFunction() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc'); // when the child was started without the flag
  return runInNewContext('gc');
}

export async function run({ root, dist, steps, batch, every }) {
  const ck = await loadConvkit(root, dist);
  ck.setBackend('wasm');
  const gc = gcFunction();
  const wasm = () => ck.memoryStats().backends.wasm ?? {};
  /** gc() and a few event-loop turns (finalizers run as tasks); stops early once at `target` buffers. */
  const settle = async (target = -1) => {
    let rounds = 0;
    while (rounds < 10) {
      rounds++;
      gc();
      await sleep(10);
      if (rounds >= 3 && wasm().liveBuffers <= target) break;
    }
    return rounds;
  };
  await settle();
  const before = wasm();
  const threads = typeof ck.getNumThreads === 'function' ? ck.getNumThreads() : 1;
  const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20 * 10) / 10;
  let t0 = performance.now();
  const sample = (step) => {
    const w = wasm();
    return { step, seconds: Math.round(performance.now() - t0) / 1000, rssMB: mb(), wasmBytes: w.memoryBytes ?? null, liveBuffers: w.liveBuffers ?? null, liveBytes: w.liveBytes ?? null, spills: w.spills ?? null };
  };

  // the model, optimizer and step closure live only inside this function
  const train = () => {
    const step = makeTrainStep(ck, mnistNet(ck), batch);
    t0 = performance.now();
    const samples = [sample(0)];
    let loss = NaN;
    for (let i = 1; i <= steps; i++) {
      loss = step();
      if (i % every === 0) samples.push(sample(i));
    }
    return { samples, seconds: (performance.now() - t0) / 1000, loss };
  };
  const { samples, seconds, loss } = train();
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024 * 10) / 10; // maxRSS is in KiB
  const rounds = await settle(before.liveBuffers);
  const after = wasm();

  const ref = samples.find((s) => s.step >= Math.min(1000, steps / 2)) ?? samples[1];
  const last = samples[samples.length - 1];
  const mid = samples.find((s) => s.step >= steps / 2) ?? last;
  const growth = (last.rssMB - ref.rssMB) / ref.rssMB;
  return {
    system: 'convkit-wasm', threads, steps, batch, every, seconds, stepsPerSec: steps / seconds, finalLoss: loss,
    highWater: after.highWater ?? null,
    firstMB: samples[1]?.rssMB ?? samples[0].rssMB, lastMB: last.rssMB, maxSampleMB: Math.max(...samples.map((s) => s.rssMB)), maxRssMB,
    maxWasmBytes: Math.max(...samples.map((s) => s.wasmBytes ?? 0)), maxLiveBuffers: Math.max(...samples.map((s) => s.liveBuffers ?? 0)),
    referenceStep: ref.step, midStep: mid.step, growth, secondHalfGrowth: (last.rssMB - mid.rssMB) / mid.rssMB, flat: Math.abs(growth) <= 0.1,
    wasmGrowth: ref.wasmBytes ? (last.wasmBytes - ref.wasmBytes) / ref.wasmBytes : null,
    liveAfter: { before: before.liveBuffers, beforeBytes: before.liveBytes, after: after.liveBuffers, afterBytes: after.liveBytes, rounds, spills: after.spills },
    samples,
  };
}
