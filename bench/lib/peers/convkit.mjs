// convkit: the reference backend, the wasm backend at 1 thread, and at its default thread count.
// Thread control (`setNumThreads` / `getNumThreads`) is used when the build has it; otherwise the
// wasm backend runs single-threaded and the column is labelled with 1 thread.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CONVS } from '../workloads.mjs';
import { convData, mnistParams, mnistBatch } from '../rand.mjs';
import { prepareResBlock, prepareChain } from './convkit_rows.mjs';

/**
 * Imports convkit's Node entry (`src/node/index.js`, which installs worker_threads for the wasm
 * thread pool, as package.json's "node" export condition does) or, in builds without one, the
 * browser-safe `src/index.js`.
 */
export async function loadConvkit(root, dist) {
  const nodeEntry = `${root}/${dist}/src/node/index.js`;
  return import(pathToFileURL(existsSync(nodeEntry) ? nodeEntry : `${root}/${dist}/src/index.js`).href);
}

/**
 * Writes `src` (Float32Arrays, in order) into the parameters `params`. Builds with backend-owned
 * storage write through an op (`copy_`): reading `.data` would pin the tensor to JavaScript memory.
 */
export function loadParams(ck, params, src, what) {
  if (params.length !== src.length) throw new Error(`${what}: expected ${src.length} parameter tensors, got ${params.length}`);
  params.forEach((t, i) => {
    if (t.numel !== src[i].length) throw new Error(`${what}: parameter ${i} has ${t.numel} values, expected ${src[i].length}`);
    if (typeof t.copy_ === 'function') ck.noGrad(() => t.copy_(ck.tensor(src[i], { shape: t.shape })));
    else t.data.set(src[i]);
  });
}

/** The MNIST net as a convkit model, loaded with the shared deterministic parameters. */
export function mnistNet(ck) {
  const { nn } = ck;
  const model = new nn.Sequential(
    new nn.Conv2d(1, 32, 3), new nn.ReLU(), new nn.Conv2d(32, 64, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(9216, 128), new nn.ReLU(), new nn.Linear(128, 10),
  );
  const p = mnistParams();
  loadParams(ck, [...model.parameters()], [p.c1w, p.c1b, p.c2w, p.c2b, p.f1w, p.f1b, p.f2w, p.f2b], 'MNIST net');
  return model;
}

/** One SGD training step (lr 0.01) of the MNIST net; returns the loss (read back into JS). */
export function makeTrainStep(ck, model, batch) {
  const { x, labels } = mnistBatch(batch);
  const xt = ck.tensor(x, { shape: [batch, 1, 28, 28] });
  const yt = ck.tensor(labels, { shape: [batch] });
  const opt = new ck.optim.SGD(model.parameters(), { lr: 0.01 });
  return () => {
    opt.zeroGrad();
    const loss = ck.crossEntropy(model.forward(xt), yt);
    loss.backward();
    opt.step();
    return loss.item();
  };
}

export async function create({ backend, threads, root, dist }) {
  const ck = await loadConvkit(root, dist);
  ck.setBackend(backend);
  const hasThreads = typeof ck.setNumThreads === 'function';
  if (backend === 'wasm' && threads === 1 && hasThreads) ck.setNumThreads(1);
  const actual = backend !== 'wasm' ? 1 : typeof ck.getNumThreads === 'function' ? ck.getNumThreads() : 1;
  const info = { backend: ck.getBackend?.() ?? backend, threads: actual, threadApi: hasThreads, dist };
  if (typeof ck.threadingStatus === 'function') info.threading = ck.threadingStatus();
  if (backend === 'wasm' && !hasThreads) info.note = 'setNumThreads not in this build: single-threaded wasm';

  return {
    info,
    slow: () => backend === 'reference',
    /**
     * What one more call of the cell did besides computing, from memoryStats() before and after:
     * ops that ran their reference kernel because this backend has none (`fallbacks`) and copies
     * between JavaScript and wasm memory (`moves`, count and bytes).
     */
    async diagnose(run) {
      if (typeof ck.memoryStats !== 'function') return null;
      const a = ck.memoryStats();
      await run();
      const b = ck.memoryStats();
      const fallbacks = {};
      for (const [op, n] of Object.entries(b.fallbacks ?? {})) if (n - (a.fallbacks?.[op] ?? 0) > 0) fallbacks[op] = n - (a.fallbacks?.[op] ?? 0);
      const moves = {};
      for (const [k, m] of Object.entries(b.moves ?? {})) {
        const count = m.count - (a.moves?.[k]?.count ?? 0);
        if (count > 0) moves[k] = { count, bytes: m.bytes - (a.moves?.[k]?.bytes ?? 0) };
      }
      return { fallbacks, moves };
    },
    async prepare(cell, batch) {
      if (cell.workload === 'R1') return prepareResBlock(ck, batch);
      if (cell.workload === 'E1') return prepareChain(ck);
      if (cell.workload in CONVS) {
        const c = CONVS[cell.workload];
        const d = convData(cell.workload, batch);
        const x = ck.tensor(d.x, { shape: [batch, c.cin, c.h, c.w] });
        const w = ck.tensor(d.w, { shape: [c.cout, c.cin / c.groups, c.k, c.k] });
        const opts = { stride: c.stride, padding: c.pad, groups: c.groups };
        if (cell.mode === 'fwd') return { run: () => ck.conv2d(x, w, null, opts).data[0] };
        // fwd+bwd: gradients of sum(conv2d(x, w)) w.r.t. input and weight, fresh leaves each call
        return {
          run: () => {
            const xg = x.detach().requiresGrad_();
            const wg = w.detach().requiresGrad_();
            ck.sum(ck.conv2d(xg, wg, null, opts)).backward();
            return xg.grad.data[0] + wg.grad.data[0];
          },
        };
      }
      const model = mnistNet(ck);
      if (cell.mode === 'train') return { run: makeTrainStep(ck, model, batch) };
      const { x } = mnistBatch(batch);
      const xt = ck.tensor(x, { shape: [batch, 1, 28, 28] });
      model.eval();
      return { run: () => ck.noGrad(() => model.forward(xt)).data[0] };
    },
  };
}
