// onnxruntime-web 1.30 (wasm SIMD backend, run in Node) and onnxruntime-node 1.30 (native CPU EP).
// Models are built in JS by ../onnx.mjs with fixed shapes. Inference only: neither package ships
// a training API, so fwd+bwd and T1 cells report n/a (checked, not assumed: see `trainingApi`).
// ort-web threads: `ort.env.wasm.numThreads` (its worker_threads pool works in Node); the wasm
// binaries are loaded from node_modules/onnxruntime-web/dist via `ort.env.wasm.wasmPaths`.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONVS } from '../workloads.mjs';
import { convData, mnistParams, mnistBatch } from '../rand.mjs';
import { convModel, mnistModel } from '../onnx.mjs';

const require = createRequire(import.meta.url);

export async function loadOrt(flavour, threads) {
  if (flavour === 'node') {
    const ort = await import('onnxruntime-node');
    return { ort, sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] } };
  }
  const ort = await import('onnxruntime-web');
  const dir = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  ort.env.wasm.wasmPaths = `${pathToFileURL(dir).href}/`;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  return { ort, sessionOptions: { executionProviders: ['wasm'] } };
}

export async function create({ flavour, threads }) {
  const { ort, sessionOptions } = await loadOrt(flavour, threads);
  const trainingApi = typeof ort.TrainingSession === 'function';
  const info = { flavour, threads, version: ort.env.versions, trainingApi };
  const noTrain = `n/a: onnxruntime-${flavour} has no training API (inference only)`;

  return {
    info,
    async prepare(cell, batch) {
      if (cell.mode === 'fwdbwd' || cell.mode === 'train') {
        if (!trainingApi) throw new Error(noTrain);
        throw new Error('n/a: training not wired up in this harness');
      }
      let bytes, x, dims;
      if (cell.workload in CONVS) {
        const c = CONVS[cell.workload];
        const d = convData(cell.workload, batch);
        bytes = convModel(c, batch, d.w);
        x = d.x;
        dims = [batch, c.cin, c.h, c.w];
      } else {
        bytes = mnistModel(mnistParams(), batch);
        x = mnistBatch(batch).x;
        dims = [batch, 1, 28, 28];
      }
      const session = await ort.InferenceSession.create(bytes, sessionOptions);
      const feeds = { X: new ort.Tensor('float32', x, dims) };
      // ORT returns outputs as JS typed arrays already (CPU tensors): touching .data reads them
      const run = async () => { const out = await session.run(feeds); return out.Y.data[0]; };
      return { run };
    },
  };
}
