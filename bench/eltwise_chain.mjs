#!/usr/bin/env node
// A chain of 24 element-wise ops on 2.4 M floats (issue 9's yardstick) against its floor, moving
// the same bytes with TypedArray.set: 24 copies of a 2.4 M-float array (each op reads at least one
// such array and writes one). Prints medians of repeated runs, at 1 and 2 threads, in one process.
// Not part of `npm run bench`; run after a build:
//   node --expose-gc bench/eltwise_chain.mjs [DIST (default dist)] [REPEATS (default 15)]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const repeats = Number(process.argv[3] ?? 15);
await import(pathToFileURL(`${dist}/src/node/index.js`).href);
const ck = await import(pathToFileURL(`${dist}/src/index.js`).href);
await ck.setBackend('wasm');

const N = 2_400_000;
// [32, 75, 1000]: a bias over the middle dimension broadcasts the way conv/batch-norm biases do
const shape = [32, 75, 1000];
const gen = new ck.Generator(1);
const x = ck.randn(shape, { generator: gen });
const y = ck.randn(shape, { generator: gen });
const bias = ck.randn([75, 1], { generator: gen });
ck.sum(x).item(); // everything on the wasm heap before timing

/** The chain: 6 × (add a tensor, scale by a number, subtract a broadcast bias, an activation). */
const CHAINS = {
  'arithmetic + relu': [(t) => ck.add(t, y), (t) => ck.mul(t, 0.5), (t) => ck.sub(t, bias), (t) => ck.relu(t)],
  'arithmetic + sigmoid': [(t) => ck.add(t, y), (t) => ck.mul(t, 0.5), (t) => ck.sub(t, bias), (t) => ck.sigmoid(t)],
  'arithmetic + gelu': [(t) => ck.add(t, y), (t) => ck.mul(t, 0.5), (t) => ck.sub(t, bias), (t) => ck.gelu(t)],
};

function chain(steps) {
  let t = x;
  for (let k = 0; k < 6; k++) for (const f of steps) t = f(t);
  return t;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const settle = async () => {
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 5));
};

const src = new Float32Array(N).fill(1);
const dst = new Float32Array(N);
const floorRun = () => {
  for (let k = 0; k < 24; k++) dst.set(src);
};

/**
 * Times `fn` and the floor alternately (the machine may be shared: each chain run is compared
 * with a floor run made just before it), letting the heap reclaim the intermediates between runs.
 * Returns medians and minima of both, and the median of the paired ratios.
 */
async function time(fn) {
  fn();
  floorRun();
  await settle();
  const ms = [];
  const fl = [];
  const ratio = [];
  for (let i = 0; i < repeats; i++) {
    let t0 = performance.now();
    floorRun();
    fl.push(performance.now() - t0);
    t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
    ratio.push(ms[i] / fl[i]);
    await settle();
  }
  return { ms: median(ms), min: Math.min(...ms), floor: median(fl), floorMin: Math.min(...fl), ratio: median(ratio) };
}

console.log(`floor: 24 × Float32Array.set of ${N} floats; ${repeats} runs each, alternating with the floor`);
console.log('| chain | threads | median ms | min ms | floor median (min) ms | ÷ floor (median of paired ratios) | min ÷ min floor |');
console.log('|---|---|---|---|---|---|---|');
for (const threads of [1, 2]) {
  ck.setNumThreads(threads);
  await ck.threadsReady();
  for (let i = 0; i < 5; i++) {
    chain(CHAINS['arithmetic + relu']);
    await settle();
  }
  for (const [name, steps] of Object.entries(CHAINS)) {
    const r = await time(() => chain(steps));
    console.log(`| ${name} | ${threads} | ${r.ms.toFixed(2)} | ${r.min.toFixed(2)} | ${r.floor.toFixed(2)} (${r.floorMin.toFixed(2)}) | ${r.ratio.toFixed(2)} | ${(r.min / r.floorMin).toFixed(2)} |`);
  }
}
const s = ck.memoryStats();
console.log(`spills during the run: ${s.backends.wasm.spills}; moves: ${JSON.stringify(s.moves)}; fallbacks: ${JSON.stringify(s.fallbacks)}`);
process.exit(0);
