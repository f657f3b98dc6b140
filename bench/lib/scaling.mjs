// Scaling of convkit wasm (default threads): the W1 layer's forward time vs batch size, and vs
// image size at batch 8 (same channels and kernel, no padding). Same timing protocol as cells.
import { loadConvkit } from './peers/convkit.mjs';
import { uniform } from './rand.mjs';
import { convFlops, CONVS } from './workloads.mjs';
import { PROTOCOL } from './timing.mjs';

export async function run({ root, dist, quick }) {
  const ck = await loadConvkit(root, dist);
  ck.setBackend('wasm');
  const threads = typeof ck.getNumThreads === 'function' ? ck.getNumThreads() : 1;
  const p = quick ? PROTOCOL.quick : PROTOCOL.full;
  const base = CONVS.W1;
  const point = (n, size) => {
    const c = { ...base, h: size, w: size };
    const x = ck.tensor(uniform(n * c.cin * size * size, 1), { shape: [n, c.cin, size, size] });
    const w = ck.tensor(uniform(c.cout * c.cin * 9, 2, 0.06), { shape: [c.cout, c.cin, 3, 3] });
    const run = () => ck.conv2d(x, w, null, { stride: 1, padding: 0 }).data[0];
    for (let i = 0; i < p.warmup; i++) run();
    const ts = [];
    const start = performance.now();
    while (ts.length < p.minReps || (ts.length < p.targetReps && performance.now() - start < p.targetSeconds * 1000)) {
      const t0 = performance.now();
      run();
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    const ms = ts[ts.length >> 1];
    return { batch: n, size, ms, gflops: convFlops(c, n) / (ms / 1000) / 1e9, reps: ts.length };
  };
  return {
    system: 'convkit-wasm', threads,
    vsBatch: [1, 4, 16, 64].map((n) => point(n, 26)),
    vsSize: [14, 28, 56, 112].map((s) => point(8, s)),
  };
}
