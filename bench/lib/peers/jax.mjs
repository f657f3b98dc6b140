// @jax-js/jax 0.1.25 on its 'wasm' device, every function jit-compiled. jax-js arrays are
// reference counted: a function argument is consumed, so inputs kept across calls are passed as
// `a.ref`; `dataSync()` realizes, copies out and releases the array. (Its wasm device would use
// threads only with SharedArrayBuffer workers in a browser; in Node it runs on one thread.)
import { CONVS } from '../workloads.mjs';
import { convData, mnistParams, mnistBatch } from '../rand.mjs';

export async function create() {
  const jax = await import('@jax-js/jax');
  const { numpy: np, lax, nn, jit, valueAndGrad, grad } = jax;
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (got ${devices.join(', ')})`);
  jax.defaultDevice('wasm');
  const arr = (data, shape) => np.array(data, { shape, dtype: np.float32 });

  /** MNIST net, NCHW / OIHW like PyTorch; every parameter used exactly once (reference counting). */
  const forward = (p, x) => {
    const b = x.shape[0];
    let h = nn.relu(np.add(lax.convGeneralDilated(x, p.c1w, [1, 1], 'VALID'), np.reshape(p.c1b, [1, 32, 1, 1])));
    h = nn.relu(np.add(lax.convGeneralDilated(h, p.c2w, [1, 1], 'VALID'), np.reshape(p.c2b, [1, 64, 1, 1])));
    h = lax.reduceWindow(h, (win) => np.max(win), [2, 2], [2, 2]);
    h = np.reshape(h, [b, 9216]);
    h = nn.relu(np.add(np.matmul(h, np.transpose(p.f1w)), p.f1b));
    return np.add(np.matmul(h, np.transpose(p.f2w)), p.f2b);
  };
  const shapes = { c1w: [32, 1, 3, 3], c1b: [32], c2w: [64, 32, 3, 3], c2b: [64], f1w: [128, 9216], f1b: [128], f2w: [10, 128], f2b: [10] };
  const newParams = () => {
    const raw = mnistParams();
    return Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, arr(raw[k], s)]));
  };
  const refs = (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.ref]));

  return {
    info: { device: jax.defaultDevice(), devices, threads: 1 },
    slow: () => true,
    async prepare(cell, batch) {
      if (cell.workload in CONVS) {
        const c = CONVS[cell.workload];
        const d = convData(cell.workload, batch);
        const x = arr(d.x, [batch, c.cin, c.h, c.w]);
        const w = arr(d.w, [c.cout, c.cin / c.groups, c.k, c.k]);
        const conv = (xi, wi) => lax.convGeneralDilated(xi, wi, [c.stride, c.stride], [[c.pad, c.pad], [c.pad, c.pad]], { featureGroupCount: c.groups });
        if (cell.mode === 'fwd') {
          const f = jit(conv);
          return { run: () => f(x.ref, w.ref).dataSync()[0] };
        }
        const g = jit(grad((p) => np.sum(conv(p.x, p.w))));
        return { run: () => { const r = g({ x: x.ref, w: w.ref }); return r.x.dataSync()[0] + r.w.dataSync()[0]; } };
      }
      const { x: xd, labels } = mnistBatch(batch);
      const x = arr(xd, [batch, 1, 28, 28]);
      let p = newParams();
      if (cell.mode === 'infer') {
        const f = jit(forward);
        return { run: () => f(refs(p), x.ref).dataSync()[0] };
      }
      const onehot = new Float32Array(batch * 10);
      labels.forEach((l, i) => { onehot[i * 10 + l] = 1; });
      const y = arr(onehot, [batch, 10]);
      const loss = (pp, xi, yi) => np.multiply(np.sum(np.multiply(nn.logSoftmax(forward(pp, xi), -1), yi)), -1 / batch);
      const step = jit((pp, xi, yi) => {
        const [l, g] = valueAndGrad(loss)(refs(pp), xi, yi);
        const next = Object.fromEntries(Object.keys(pp).map((k) => [k, np.subtract(pp[k], np.multiply(g[k], 0.01))]));
        return [l, next];
      });
      return {
        run: async () => {
          const [l, next] = step(p, x.ref, y.ref); // consumes the old parameters
          p = next;
          const v = l.dataSync()[0];
          await jax.blockUntilReady(p); // the updated parameters are realized inside the timed step
          return v;
        },
      };
    },
  };
}
