// Micro-benchmark (not a test): GFLOP/s of W1 forward + backward, N=64, 32→64 channels, 26×26
// input, 3×3 kernel, stride 1, no padding, float32, on the reference and the wasm backend.
// Each of conv, convTranspose (input gradient) and convWeightGrad is 2·64·64·24·24·32·9 = 1.359
// GFLOP; forward+backward = 3 × that (the bias gradient's sum is not counted). Run after building:
//   node bench/conv_w1_bwd.mjs [distDir=dist]      e.g. node bench/conv_w1_bwd.mjs dist-wasm
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const ck = await import(pathToFileURL(`${dist}/src/index.js`).href);
const { registerWasm } = await import(pathToFileURL(`${dist}/src/backends/wasm/index.js`).href);
if (!registerWasm()) throw new Error('this engine has no WebAssembly SIMD');

const [N, Cin, Cout, H, W, K] = [64, 32, 64, 26, 26, 3];
const [OH, OW] = [H - K + 1, W - K + 1];
const flop1 = 2 * N * Cout * OH * OW * Cin * K * K;
ck.manualSeed(0);
const x0 = ck.randn([N, Cin, H, W]);
const w0 = ck.mul(ck.randn([Cout, Cin, K, K]), 0.1);
const b0 = ck.randn([Cout]);
const R = ck.mul(ck.randn([N, Cout, OH, OW]), 0.01); // gradient of the loss Σ y·R

const cases = {
  forward: { flop: flop1, run: () => [ck.conv2d(x0, w0, b0)] },
  inputGrad: { flop: flop1, run: () => [ck.conv2dInput(x0.shape, w0, R)] },
  weightGrad: { flop: flop1, run: () => [ck.conv2dWeight(x0, w0.shape, R)] },
  'fwd+bwd': {
    flop: 3 * flop1,
    run: () => {
      const x = x0.detach().requiresGrad_();
      const w = w0.detach().requiresGrad_();
      const b = b0.detach().requiresGrad_();
      ck.sum(ck.mul(ck.conv2d(x, w, b), R)).backward();
      return [x.grad, w.grad, b.grad];
    },
  },
};

function time(backend, run, reps) {
  ck.setBackend(backend);
  const out = run(); // warm-up (JIT, wasm compile, arena growth)
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    run();
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((p, q) => p - q);
  ck.setBackend('reference');
  return { out, best: ts[0], median: ts[Math.floor(ts.length / 2)] };
}

console.log(`W1 conv2d forward+backward (float32), ${(flop1 / 1e9).toFixed(3)} GFLOP per op, node ${process.version}`);
const only = process.argv[3];
for (const [name, c] of Object.entries(cases)) {
  if (only && name !== only) continue;
  const res = {};
  for (const [be, reps] of [['reference', 2], ['wasm', 5]]) {
    const r = time(be, c.run, reps);
    res[be] = r;
    console.log(`${name.padEnd(10)} ${be.padEnd(10)} best ${(r.best * 1000).toFixed(1)} ms = ${(c.flop / r.best / 1e9).toFixed(2)} GFLOP/s   median ${(r.median * 1000).toFixed(1)} ms = ${(c.flop / r.median / 1e9).toFixed(2)} GFLOP/s`);
  }
  let maxRel = 0;
  res.reference.out.forEach((t, k) => {
    const ref = t.data;
    const got = res.wasm.out[k].data;
    for (let i = 0; i < ref.length; i++) maxRel = Math.max(maxRel, Math.abs(got[i] - ref[i]) / (1e-5 + 1e-4 * Math.abs(ref[i])));
  });
  console.log(`${name.padEnd(10)} speed-up ${(res.reference.median / res.wasm.median).toFixed(2)}x (medians); worst |diff|/(1e-5 + 1e-4|ref|) = ${maxRel.toExponential(2)}`);
}
