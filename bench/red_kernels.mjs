// Times the wasm reduction/softmax/loss/norm/movement/pool kernels on training-step sizes against
// the floor of moving their bytes (TypedArray.set of the input's size), in one process, in CPU
// time (user + system, all threads):
//   node --expose-gc bench/red_kernels.mjs [dist folder, default dist] [threads]
// A measuring script, not a test. Medians of 15 calls after 3 warm-up calls.
import { fileURLToPath } from 'node:url';
import { loadConvkit } from './lib/peers/convkit.mjs';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const ck = await loadConvkit(root, process.argv[2] ?? 'dist');
await ck.setBackend('wasm');
if (process.argv[3]) ck.setNumThreads(Number(process.argv[3]));
const g = new ck.Generator(1);

// between calls (untimed): collect the last call's tensors so their blocks are reused, as in a
// training loop that yields; otherwise each call would time fresh pages of a growing memory
const gc = globalThis.gc ?? (() => {});
const tick = () => new Promise((r) => setTimeout(r, 0));

// CPU time of the process (all threads): steadier than wall time on a shared machine
async function median(f) {
  for (let i = 0; i < 3; i++) f();
  const t = [];
  for (let i = 0; i < 15; i++) {
    gc();
    await tick();
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    t.push((c.user + c.system) / 1000);
  }
  return t.sort((a, b) => a - b)[7];
}

/** ms to copy n floats with TypedArray.set (the bandwidth floor for reading them once). */
function floor(n) {
  const a = new Float32Array(n).fill(1);
  const b = new Float32Array(n);
  return median(() => b.set(a));
}

const rows = [];
async function row(name, n, f) {
  const ms = await median(f);
  const fl = await floor(n);
  rows.push([name, ms, fl]);
}

const x4 = ck.randn([64, 64, 24, 24], { generator: g });
const x3 = ck.randn([64, 32, 26, 26], { generator: g });
const fc = ck.randn([64, 128], { generator: g });
const logits = ck.randn([64, 10], { generator: g });
const t = ck.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), { shape: [64], dtype: 'int32' });
const wide = ck.randn([256, 1000], { generator: g });
const seg = ck.randn([8, 21, 64, 64], { generator: g });
const segT = ck.tensor(Int32Array.from({ length: 8 * 64 * 64 }, (_, i) => i % 21), { shape: [8, 64, 64], dtype: 'int32' });
const bn = ck.randn([32, 64, 32, 32], { generator: g });
const w64 = ck.randn([64], { generator: g });
const run = (f) => () => f().data;

await row('sum [64,64,24,24] over [0,2,3] (conv bias grad)', x4.numel, run(() => ck.sum(x4, [0, 2, 3])));
await row('sum [64,32,26,26] over [0,2,3]', x3.numel, run(() => ck.sum(x3, [0, 2, 3])));
await row('sum [64,128] over [0] (linear bias grad)', fc.numel, run(() => ck.sum(fc, [0])));
await row('sum [64,64,24,24] all', x4.numel, run(() => ck.sum(x4)));
await row('mean [64,64,24,24] over [3]', x4.numel, run(() => ck.mean(x4, 3)));
await row('amax [64,64,24,24] over [1]', x4.numel, run(() => ck.amax(x4, 1)));
await row('max along 3 (values+indices)', x4.numel, run(() => ck.max(x4, 3)[1]));
await row('var [64,64,24,24] over [0,2,3]', x4.numel, run(() => ck.var(x4, [0, 2, 3])));
await row('logsumexp [256,1000] over [1]', wide.numel, run(() => ck.logsumexp(wide, 1)));
await row('softmax [256,1000] dim 1', wide.numel, run(() => ck.softmax(wide, 1)));
await row('logSoftmax [8,21,64,64] dim 1', seg.numel, run(() => ck.logSoftmax(seg, 1)));
await row('crossEntropy [64,10] fwd+bwd', logits.numel, () => {
  const l = logits.detach().requiresGrad_();
  ck.crossEntropy(l, t).backward();
  return l.grad.data;
});
await row('crossEntropy [8,21,64,64] fwd+bwd', seg.numel, () => {
  const l = seg.detach().requiresGrad_();
  ck.crossEntropy(l, segT).backward();
  return l.grad.data;
});
await row('batchNorm train fwd+bwd [32,64,32,32]', bn.numel, () => {
  const xg = bn.detach().requiresGrad_();
  const w = w64.detach().requiresGrad_();
  const b = w64.detach().requiresGrad_();
  ck.sum(ck.batchNorm(xg, null, null, { weight: w, bias: b, training: true })).backward();
  return xg.grad.data;
});
await row('transpose [9216,256]', x4.numel, run(() => ck.transpose(ck.reshape(x4, [9216, 256]), 0, 1)));
await row('permute NCHW->NHWC [64,64,24,24]', x4.numel, run(() => ck.permute(x4, [0, 2, 3, 1])));
await row('pad [64,64,24,24] by 1 (constant)', x4.numel, run(() => ck.pad(x4, [1, 1, 1, 1])));
await row('pad reflect [64,64,24,24] by 1 + backward', x4.numel, () => {
  const xg = x4.detach().requiresGrad_();
  ck.sum(ck.pad(xg, [1, 1, 1, 1], { mode: 'reflect' })).backward();
  return xg.grad.data;
});
await row('cat 2× [64,64,24,24] dim 1', 2 * x4.numel, run(() => ck.cat([x4, x4], 1)));
await row('maxPool 3×3 s2 p1 [32,64,32,32] fwd', bn.numel, run(() => ck.maxPool2d(bn, 3, { stride: 2, padding: 1 })));
await row('maxPool 2×2 [64,64,24,24] fwd+bwd', x4.numel, () => {
  const xg = x4.detach().requiresGrad_();
  ck.sum(ck.maxPool2d(xg, 2)).backward();
  return xg.grad.data;
});
await row('avgPool 2×2 [64,64,24,24] fwd', x4.numel, run(() => ck.avgPool2d(x4, 2)));
await row('adaptiveAvgPool 1×1 [32,64,32,32]', bn.numel, run(() => ck.adaptiveAvgPool2d(bn, 1)));

console.log(`threads ${ck.getNumThreads()}; CPU ms per call (median of 15); floor: TypedArray.set of the input's floats`);
for (const [name, ms, fl] of rows) console.log(`  ${name.padEnd(48)} ${ms.toFixed(3).padStart(8)} ms  floor ${fl.toFixed(3).padStart(7)} ms  ×${(ms / fl).toFixed(1)}`);
const f = ck.memoryStats().fallbacks;
console.log(`fallbacks: ${JSON.stringify(f)}`);
