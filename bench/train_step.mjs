// The MNIST-net SGD training step (T1) on the wasm backend: time per step and what still leaves the
// wasm kernels (memoryStats() fallbacks and moves per step). A measuring script, not a test:
//   node bench/train_step.mjs [dist folder, default dist] [threads, default: one per core]
// It counts one step's fallbacks and moves after 5 warm-up steps, then times 30 steps at batch 64
// (wall time, and the process's CPU time).
import { fileURLToPath } from 'node:url';
import { loadConvkit, makeTrainStep, mnistNet } from './lib/peers/convkit.mjs';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const dist = process.argv[2] ?? 'dist';
const threads = process.argv[3] ? Number(process.argv[3]) : null;
const ck = await loadConvkit(root, dist);
await ck.setBackend('wasm');
if (threads) ck.setNumThreads(threads);
const BATCH = 64;
const step = makeTrainStep(ck, mnistNet(ck), BATCH);
for (let i = 0; i < 5; i++) step();

const snap = () => {
  const s = ck.memoryStats();
  return { fallbacks: { ...s.fallbacks }, moves: JSON.parse(JSON.stringify(s.moves)) };
};
const diff = (a, b) => {
  const out = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (b[k] ?? 0) - (a[k] ?? 0);
    if (d) out[k] = d;
  }
  return out;
};
const before = snap();
const counts = new Map();
ck.observeOps((e) => counts.set(e.name, (counts.get(e.name) ?? 0) + 1), step);
const after = snap();
const moves = {};
for (const k of new Set([...Object.keys(before.moves), ...Object.keys(after.moves)])) {
  const c = (after.moves[k]?.count ?? 0) - (before.moves[k]?.count ?? 0);
  const b = (after.moves[k]?.bytes ?? 0) - (before.moves[k]?.bytes ?? 0);
  if (c) moves[k] = { count: c, bytes: b };
}

const N = 30;
const times = [];
const cpu0 = process.cpuUsage();
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
times.sort((a, b) => a - b);
const med = times[N >> 1];
const total = times.reduce((a, b) => a + b, 0);
console.log(`threads ${ck.getNumThreads()}, batch ${BATCH}, ${N} steps after 5 warm-up`);
console.log(`  total ${total.toFixed(0)} ms, mean ${(total / N).toFixed(1)} ms/step, median ${med.toFixed(1)} ms/step, ${((BATCH * N * 1000) / total).toFixed(0)} images/s (mean)`);
// CPU time of every thread of the process (workers' spinning included): steadier than wall time
// on a shared machine, and at 1 thread the work of the step itself
console.log(`  CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms/step (user + system, all threads)`);
console.log(`  fallbacks per step: ${JSON.stringify(diff(before.fallbacks, after.fallbacks))}`);
console.log(`  moves per step: ${JSON.stringify(moves)}`);
console.log(`  ops per step: ${JSON.stringify(Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])))}`);
