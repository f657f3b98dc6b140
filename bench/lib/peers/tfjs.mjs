// TensorFlow.js 4.22: the pure-JS 'cpu' backend and the 'wasm' backend (XNNPACK, SIMD).
// tfjs is NHWC-native: inputs are [N, H, W, C] and filters [K, K, Cin, Cout] (depthwise:
// [K, K, C, 1]); padding is given explicitly, so every layer has PyTorch's geometry and FLOPs.
// The wasm backend runs its non-threaded SIMD binary: the threaded one needs Web Workers, which
// the Node build of tfjs-backend-wasm does not get (measured: its threads fail in Node).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { CONVS } from '../workloads.mjs';
import { convData, mnistParams, mnistBatch } from '../rand.mjs';

const require = createRequire(import.meta.url);

export async function create({ backend }) {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': `${dir}/tfjs-backend-wasm.wasm`,
      'tfjs-backend-wasm-simd.wasm': `${dir}/tfjs-backend-wasm-simd.wasm`,
      'tfjs-backend-wasm-threaded-simd.wasm': `${dir}/tfjs-backend-wasm-threaded-simd.wasm`,
    });
    wasm.setThreadsCount?.(1);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
  const info = { backend: tf.getBackend(), version: tf.version.tfjs, threads: 1 };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }

  /** Reads every output back (dataSync) and frees them. */
  const readAll = (ts) => { let s = 0; for (const t of ts) { s += t.dataSync()[0]; t.dispose(); } return s; };

  return {
    info,
    slow: (cell) => backend === 'cpu',
    async prepare(cell, batch) {
      if (cell.workload in CONVS) {
        const c = CONVS[cell.workload];
        const d = convData(cell.workload, batch);
        const x = tf.tensor4d(d.x, [batch, c.h, c.w, c.cin]);
        const depthwise = c.groups === c.cin && c.groups > 1;
        if (c.groups > 1 && !depthwise) throw new Error('n/a: tfjs has no grouped conv');
        const w = depthwise ? tf.tensor4d(d.w, [c.k, c.k, c.cin, 1]) : tf.tensor4d(d.w, [c.k, c.k, c.cin, c.cout]);
        const pad = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]];
        const conv = (xi, wi) => (depthwise ? tf.depthwiseConv2d(xi, wi, c.stride, pad) : tf.conv2d(xi, wi, c.stride, pad));
        if (cell.mode === 'fwd') return { run: () => readAll([tf.tidy(() => conv(x, w))]) };
        const g = tf.grads((xi, wi) => tf.sum(conv(xi, wi)));
        // a missing gradient kernel throws on the first call: the cell then reports it as n/a
        return { run: () => readAll(g([x, w])) };
      }
      // MNIST net, NHWC: conv weights [3, 3, Cin, Cout], linear weights [in, out].
      const p = mnistParams();
      const v = {
        c1w: tf.variable(tf.tensor4d(p.c1w, [3, 3, 1, 32])), c1b: tf.variable(tf.tensor1d(p.c1b)),
        c2w: tf.variable(tf.tensor4d(p.c2w, [3, 3, 32, 64])), c2b: tf.variable(tf.tensor1d(p.c2b)),
        f1w: tf.variable(tf.tensor2d(p.f1w, [9216, 128])), f1b: tf.variable(tf.tensor1d(p.f1b)),
        f2w: tf.variable(tf.tensor2d(p.f2w, [128, 10])), f2b: tf.variable(tf.tensor1d(p.f2b)),
      };
      const forward = (xi) => {
        let h = tf.relu(tf.add(tf.conv2d(xi, v.c1w, 1, 'valid'), v.c1b));
        h = tf.relu(tf.add(tf.conv2d(h, v.c2w, 1, 'valid'), v.c2b));
        h = tf.reshape(tf.maxPool(h, 2, 2, 'valid'), [xi.shape[0], 9216]);
        h = tf.relu(tf.add(tf.matMul(h, v.f1w), v.f1b));
        return tf.add(tf.matMul(h, v.f2w), v.f2b);
      };
      const { x, labels } = mnistBatch(batch);
      const xt = tf.tensor4d(x, [batch, 28, 28, 1]);
      if (cell.mode === 'infer') return { run: () => readAll([tf.tidy(() => forward(xt))]) };
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
      const opt = tf.train.sgd(0.01);
      return { run: () => readAll([opt.minimize(() => tf.losses.softmaxCrossEntropy(onehot, forward(xt)), true)]) };
    },
  };
}
