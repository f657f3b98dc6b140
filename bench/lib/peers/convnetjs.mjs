// convnetjs 0.3 (Karpathy): plain JS, float64 volumes [sx, sy, depth], one image at a time.
// A batch is a loop over images; its Trainer applies the SGD update every `batch_size` samples,
// so a T1 step = `batch` calls of trainer.train(). Its ConvLayer always adds a bias (negligible
// FLOPs) and has no `groups` option, so the depthwise W5 cannot be expressed.
import { createRequire } from 'node:module';
import { CONVS } from '../workloads.mjs';
import { convData, mnistBatch } from '../rand.mjs';

const require = createRequire(import.meta.url);

export async function create() {
  const cn = require('convnetjs');

  /** One Vol per image, filled from the shared data (layout is irrelevant for random data). */
  const vols = (data, batch, sx, sy, depth) => Array.from({ length: batch }, (_, i) => {
    const v = new cn.Vol(sx, sy, depth, 0);
    v.w.set(data.subarray(i * sx * sy * depth, (i + 1) * sx * sy * depth));
    return v;
  });

  return {
    info: { threads: 1, float: 'float64' },
    slow: () => true,
    async prepare(cell, batch) {
      if (cell.workload in CONVS) {
        const c = CONVS[cell.workload];
        if (c.groups !== 1) throw new Error('n/a: convnetjs ConvLayer has no groups option (no depthwise conv)');
        const d = convData(cell.workload, batch);
        const layer = new cn.ConvLayer({ in_sx: c.w, in_sy: c.h, in_depth: c.cin, sx: c.k, filters: c.cout, stride: c.stride, pad: c.pad });
        layer.filters.forEach((f, i) => f.w.set(d.w.subarray(i * f.w.length, (i + 1) * f.w.length)));
        const xs = vols(d.x, batch, c.w, c.h, c.cin);
        if (cell.mode === 'fwd') return { run: () => { let s = 0; for (const v of xs) s += layer.forward(v).w[0]; return s; } };
        // fwd+bwd of sum(conv): upstream gradient of ones; backward fills input and filter gradients
        return {
          run: () => {
            let s = 0;
            for (const v of xs) {
              const out = layer.forward(v);
              out.dw.fill(1);
              layer.backward();
              s += v.dw[0];
            }
            return s + layer.filters[0].dw[0];
          },
        };
      }
      const net = new cn.Net();
      net.makeLayers([
        { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
        { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 0, activation: 'relu' },
        { type: 'conv', sx: 3, filters: 64, stride: 1, pad: 0, activation: 'relu' },
        { type: 'pool', sx: 2, stride: 2 },
        { type: 'fc', num_neurons: 128, activation: 'relu' },
        { type: 'softmax', num_classes: 10 },
      ]);
      const { x, labels } = mnistBatch(batch);
      const xs = vols(x, batch, 28, 28, 1);
      if (cell.mode === 'infer') return { run: () => { let s = 0; for (const v of xs) s += net.forward(v, false).w[0]; return s; } };
      const trainer = new cn.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0, batch_size: batch, l2_decay: 0 });
      return { run: () => { let s = 0; xs.forEach((v, i) => { s += trainer.train(v, labels[i]).cost_loss; }); return s; } };
    },
  };
}
