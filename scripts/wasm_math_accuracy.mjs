// Prints the error of the wasm backend's vector maths (assembly/mathf4.ts, through the ops that use
// it) against float64 over dense sweeps of float32 inputs, in ulps of the float32 result.
// Usage: npm run build (or tsc into DIST), then `node scripts/wasm_math_accuracy.mjs [DIST] [POINTS]`.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const points = Number(process.argv[3] ?? 2_000_000);
await import(pathToFileURL(`${dist}/src/node/index.js`).href);
const ck = await import(pathToFileURL(`${dist}/src/index.js`).href);
const { MATH_CASES, measure } = await import(pathToFileURL(`${dist}/test/math_sweep.js`).href);
await ck.setBackend('wasm');
console.log(`| function | range | points | max error (ulp) | at x | subnormal results: max abs error | special-value mismatches |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const c of MATH_CASES) {
  const r = measure(c, points);
  console.log(`| ${r.name} | [${c.lo}, ${c.hi}] | ${r.points} | ${r.maxUlp.toFixed(2)}${c.floor ? ` (of max(\|f\|, ${c.floor}))` : ''} | ${r.at} | ${r.subnormalAbs.toExponential(1)} | ${r.specialMismatches} |`);
}
