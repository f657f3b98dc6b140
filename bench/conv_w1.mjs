// Micro-benchmark (not a test): GFLOP/s of the W1 forward convolution, N=64, 32→64 channels,
// 26×26 input, 3×3 kernel, stride 1, no padding (2·64·64·24·24·32·9 = 1.359 GFLOP), float32,
// on the reference and the wasm backend. Run after building:
//   node bench/conv_w1.mjs [distDir=dist]      e.g. node bench/conv_w1.mjs dist-wasm
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const ck = await import(pathToFileURL(`${dist}/src/index.js`).href);
const { registerWasm } = await import(pathToFileURL(`${dist}/src/backends/wasm/index.js`).href);
if (!registerWasm()) throw new Error('this engine has no WebAssembly SIMD');

const [N, Cin, Cout, H, W, K] = [64, 32, 64, 26, 26, 3];
const flop = 2 * N * Cout * (H - K + 1) * (W - K + 1) * Cin * K * K;
ck.manualSeed(0);
const x = ck.randn([N, Cin, H, W]);
const w = ck.mul(ck.randn([Cout, Cin, K, K]), 0.1);
const b = ck.randn([Cout]);

function time(backend, reps) {
  ck.setBackend(backend);
  const y = ck.conv2d(x, w, b); // warm-up (JIT, wasm compile, arena growth)
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    ck.conv2d(x, w, b);
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((p, q) => p - q);
  ck.setBackend('reference');
  return { y, best: ts[0], median: ts[Math.floor(ts.length / 2)] };
}

console.log(`W1 conv2d forward: ${(flop / 1e9).toFixed(3)} GFLOP per call, node ${process.version}`);
const res = {};
for (const [name, reps] of [['reference', 3], ['wasm', 10]]) {
  const r = time(name, reps);
  res[name] = r;
  console.log(`${name.padEnd(10)} best ${(r.best * 1000).toFixed(1)} ms = ${(flop / r.best / 1e9).toFixed(2)} GFLOP/s   median ${(r.median * 1000).toFixed(1)} ms = ${(flop / r.median / 1e9).toFixed(2)} GFLOP/s`);
}
let maxRel = 0;
const ref = res.reference.y.data;
const got = res.wasm.y.data;
for (let i = 0; i < ref.length; i++) maxRel = Math.max(maxRel, Math.abs(got[i] - ref[i]) / (1e-5 + 1e-4 * Math.abs(ref[i])));
console.log(`speed-up ${(res.reference.median / res.wasm.median).toFixed(2)}x (medians); wasm vs reference worst |diff|/(1e-5 + 1e-4|ref|) = ${maxRel.toExponential(2)}`);
