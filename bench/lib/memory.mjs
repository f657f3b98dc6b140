// Memory of a long training run: T1 steps at a small batch with convkit wasm (default threads),
// in a child process of its own. RSS is sampled every `every` steps; maxRSS (the kernel's peak,
// which also catches short spikes between samples) is read at the end. "Flat" = the last sample
// is within 10% of the sample taken after 1,000 steps (allocator and JIT warm-up excluded).
import { loadConvkit, mnistNet, makeTrainStep } from './peers/convkit.mjs';

export async function run({ root, dist, steps, batch, every }) {
  const ck = await loadConvkit(root, dist);
  ck.setBackend('wasm');
  const threads = typeof ck.getNumThreads === 'function' ? ck.getNumThreads() : 1;
  const step = makeTrainStep(ck, mnistNet(ck), batch);
  const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20 * 10) / 10;
  const samples = [{ step: 0, rssMB: mb() }];
  const t0 = performance.now();
  let loss = NaN;
  for (let i = 1; i <= steps; i++) {
    loss = step();
    if (i % every === 0) samples.push({ step: i, rssMB: mb() });
  }
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024 * 10) / 10; // maxRSS is in KiB
  const ref = samples.find((s) => s.step >= Math.min(1000, steps / 2)) ?? samples[1];
  const last = samples[samples.length - 1];
  const growth = (last.rssMB - ref.rssMB) / ref.rssMB;
  const mid = samples.find((s) => s.step >= steps / 2) ?? last;
  return {
    secondHalfGrowth: (last.rssMB - mid.rssMB) / mid.rssMB, midStep: mid.step,
    system: 'convkit-wasm', threads, steps, batch, every, seconds, stepsPerSec: steps / seconds, finalLoss: loss,
    firstMB: samples[1]?.rssMB ?? samples[0].rssMB, lastMB: last.rssMB, maxSampleMB: Math.max(...samples.map((s) => s.rssMB)), maxRssMB,
    referenceStep: ref.step, growth, flat: Math.abs(growth) <= 0.1, samples,
  };
}
