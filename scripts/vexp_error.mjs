// Measures assembly/vexp.ts (the vector exp of the softmax, logsumexp and cross-entropy kernels)
// against float64 Math.exp over a dense sweep, in ulps of the float32 result:
//   node scripts/vexp_error.mjs [step, default 2^-12]
// It compiles a two-line harness around vexp with the pinned AssemblyScript compiler.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('../', import.meta.url));
const harness = `import { vexp } from './vexp';
export function run(p: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(p + (<usize>i << 2), vexp(v128.load(p + (<usize>i << 2))));
}`;
let wasm = null;
const { error, stderr } = await asc.main(['assembly/vexp_harness.ts', '--baseDir', root, '-O3', '--runtime', 'stub', '--enable', 'simd', '--importMemory', '--outFile', 'h.wasm'], {
  readFile: (name, dir) => {
    if (name.endsWith('vexp_harness.ts')) return harness;
    try {
      return readFileSync(`${dir}/${name}`, 'utf8');
    } catch {
      return null;
    }
  },
  writeFile: (name, contents) => {
    if (name.endsWith('.wasm')) wasm = contents;
  },
});
if (error) throw new Error(String(stderr));
const memory = new WebAssembly.Memory({ initial: 256 });
const { instance } = await WebAssembly.instantiate(wasm, { env: { memory } });
const exports = instance.exports;
const step = Number(process.argv[2] ?? 2 ** -12);
const N = 1 << 20;
const buf = new Float32Array(memory.buffer, 1 << 16, N);
const ulp = (v) => {
  // spacing of float32 numbers at |v| (subnormal spacing below 2^-126)
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
};
let worst = 0;
let worstAt = 0;
let sum = 0;
let count = 0;
let worstSub = 0;
for (let x0 = -103.9; x0 < 88.7; x0 += N * step) {
  const xs = [];
  for (let i = 0; i < N; i++) buf[i] = xs[i] = Math.fround(x0 + i * step);
  exports.run(buf.byteOffset, N);
  for (let i = 0; i < N && xs[i] < 88.7; i++) {
    const e = Math.exp(xs[i]);
    const err = Math.abs(buf[i] - e) / ulp(e);
    if (e < 2 ** -126) worstSub = Math.max(worstSub, Math.abs(buf[i] - Math.fround(e)) / 2 ** -149);
    else {
      sum += err;
      count++;
      if (err > worst) [worst, worstAt] = [err, xs[i]];
    }
  }
}
const specials = Float32Array.of(NaN, Infinity, -Infinity, 0, -0, 200, -200, 88.72283, -87.33654);
buf.set(specials);
exports.run(buf.byteOffset, 12);
console.log(`normal range: ${count} points, max ${worst.toFixed(2)} ulp at x = ${worstAt}, mean ${(sum / count).toFixed(3)} ulp`);
console.log(`subnormal results: max ${worstSub.toFixed(2)} ulp from the correctly rounded value`);
console.log(`specials ${[...specials].join(', ')} -> ${[...buf.subarray(0, specials.length)].join(', ')}`);
