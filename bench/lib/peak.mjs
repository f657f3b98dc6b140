// This machine's WebAssembly arithmetic peak, the yardstick every GFLOP/s figure is read against.
// A microkernel compiled at bench time with the `assemblyscript` devDependency (as
// scripts/build_wasm.mjs compiles convkit's kernels): A independent f32x4 accumulators in
// registers, updated in a loop with no memory traffic — `relaxed_madd(a, b, c)` (one fused
// multiply-add per lane: 8 FLOPs per instruction) or plain SIMD128 `add(mul(a, b), c)` (8 FLOPs per
// pair). A loop-carried chain per accumulator hides the FMA latency when A ≥ latency × FMA ports;
// too many accumulators spill to the stack, so A ∈ ACCUMULATORS is compiled and the fastest kept.
// Threads: T worker_threads (peak_worker.mjs), each running its own instance; one call = every
// worker running the loop once; GFLOP/s = all workers' FLOPs ÷ (last end − first start), on one
// clock (performance.timeOrigin + now()). Each call's result (the accumulators' sum) is read back.
// The limit the targets use is 2 × the 1-thread relaxed peak (ANCHORS.md: the 2-thread run of this
// microbenchmark does not scale on every VM, while the kernels do).
import { Worker } from 'node:worker_threads';
import { PROTOCOL } from './timing.mjs';

const ACCUMULATORS = [8, 10, 12];
const WORKER = new URL('./peak_worker.mjs', import.meta.url);

/** AssemblyScript source of `loop(iters, seed): f32` with `acc` accumulators. */
export function kernelSource(kind, acc) {
  const step = kind === 'relaxed' ? (a) => `f32x4.relaxed_madd(${a}, b, c)` : (a) => `f32x4.add(f32x4.mul(${a}, b), c)`;
  const names = Array.from({ length: acc }, (_, i) => `a${i}`);
  return [
    'export function loop(iters: i32, seed: f32): f32 {',
    // b and c from the argument, so they sit in registers (a v128.const would be rematerialised)
    '  const b = f32x4.splat(1.0 - seed);',
    '  const c = f32x4.splat(seed);',
    // distinct starting values: no two chains are the same computation
    ...names.map((a, i) => `  let ${a} = f32x4.splat(seed * ${(i + 1).toFixed(1)});`),
    '  for (let i = 0; i < iters; i++) {',
    ...names.map((a) => `    ${a} = ${step(a)};`),
    '  }',
    `  const s = ${names.reduce((s, a) => (s ? `f32x4.add(${s}, ${a})` : a), '')};`,
    '  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);',
    '}',
  ].join('\n');
}

/** The kernel compiled to a WebAssembly.Module (exported for the harness's test). */
export async function compile(kind, acc) {
  const asc = (await import('assemblyscript/asc')).default;
  const enable = kind === 'relaxed' ? ['simd', 'relaxed-simd'] : ['simd'];
  const { error, binary, stderr } = await asc.compileString(kernelSource(kind, acc), { optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', noAssert: true, enable });
  if (error || !binary) throw new Error(`peak kernel (${kind}, ${acc} accumulators) did not compile: ${error?.message ?? ''} ${String(stderr ?? '').slice(0, 300)}`);
  return new WebAssembly.Module(binary);
}

/** Workers, each with its own instance of `module`; `call(iters)` runs one call on all of them. */
async function pool(module, threads) {
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(WORKER, { workerData: { module } });
    // one pending reply per worker at a time
    w.pending = null;
    w.on('message', (m) => { const p = w.pending; w.pending = null; p?.resolve(m); });
    w.on('error', (e) => { const p = w.pending; w.pending = null; p?.reject(e); });
    return w;
  });
  const ask = (w, msg) => new Promise((resolve, reject) => {
    w.pending = { resolve, reject };
    if (msg) w.postMessage(msg);
  });
  await Promise.all(workers.map((w) => ask(w, null))); // { ready }
  return {
    async call(iters) {
      const rs = await Promise.all(workers.map((w, i) => ask(w, { iters, seed: 0.001 * (i + 1) })));
      if (!rs.every((r) => Number.isFinite(r.value))) throw new Error(`peak kernel returned ${rs.map((r) => r.value).join(', ')}`);
      return { ms: Math.max(...rs.map((r) => r.end)) - Math.min(...rs.map((r) => r.start)), value: rs.reduce((s, r) => s + r.value, 0) };
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** GFLOP/s of one kernel at `threads` threads, same protocol as the cells (warm-up, median). */
async function measure(module, acc, threads, p, callMs) {
  const P = await pool(module, threads);
  try {
    const flopsPerIter = acc * 8;
    // V8 first runs the loop in its baseline compiler (~15× slower) and tiers up in the background:
    // short calls until the time per call settles, then one call sizes the timed ones to ~callMs
    let prev = Infinity;
    for (let k = 0; k < 60; k++) {
      const { ms } = await P.call(2e5);
      if (k >= 4 && ms > 0.8 * prev && ms < 1.25 * prev) break;
      prev = ms;
    }
    const probe = await P.call(2e6);
    const iters = Math.max(1e5, Math.round((2e6 * callMs) / Math.max(probe.ms, 1e-3)));
    for (let i = 0; i < p.warmup; i++) await P.call(iters);
    const times = [];
    const t0 = performance.now();
    while (times.length < p.minReps || (times.length < p.targetReps && performance.now() - t0 < p.targetSeconds * 1000)) times.push((await P.call(iters)).ms);
    const ms = median(times);
    const gf = (t) => (flopsPerIter * iters * threads) / (t / 1000) / 1e9;
    // the median is the figure (the harness's protocol); the fastest call shows what interference cost
    return { gflops: gf(ms), bestGflops: gf(Math.min(...times)), ms, iters, reps: times.length };
  } finally {
    await P.close();
  }
}

/** The peak job: { relaxed: {t1, t2}, simd128: {t1, t2}, limit } with the chosen accumulator counts. */
export async function run({ quick }) {
  const p = quick ? PROTOCOL.quick : PROTOCOL.full;
  const callMs = quick ? 40 : 100;
  const out = { accumulatorsTried: ACCUMULATORS, callMs };
  for (const kind of ['relaxed', 'simd128']) {
    let module;
    try {
      module = await compile(kind, ACCUMULATORS[0]);
    } catch (e) {
      out[kind] = { error: String(e.message).split('\n')[0] };
      continue;
    }
    // the accumulator count is chosen on 1 thread and reused at 2
    let best = null;
    for (const acc of ACCUMULATORS) {
      const m = acc === ACCUMULATORS[0] ? module : await compile(kind, acc);
      const r = await measure(m, acc, 1, quick ? { ...p, targetReps: 3, minReps: 3 } : p, callMs);
      if (!best || r.gflops > best.t1.gflops) best = { acc, module: m, t1: r };
    }
    const t2 = await measure(best.module, best.acc, 2, p, callMs);
    out[kind] = { accumulators: best.acc, t1: best.t1, t2 };
  }
  const r1 = out.relaxed?.t1?.gflops;
  out.limit = r1 ? 2 * r1 : null;
  out.limitText = r1 ? '2 × the 1-thread relaxed-SIMD FMA peak' : 'unknown (no relaxed-SIMD peak)';
  const cpu = process.cpuUsage(); // this process, worker threads included: for the contention figure
  out.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return out;
}
