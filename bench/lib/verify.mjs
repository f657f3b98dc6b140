// Correctness check of the ONNX models built by onnx.mjs: onnxruntime (node and web) against
// convkit's reference backend on the same deterministic inputs (W1..W5 at batch 2, the MNIST net
// at batch 4). Printed as the max absolute difference; a wrong model would differ by O(1).
import { CONVS } from './workloads.mjs';
import { convData, mnistBatch, mnistParams } from './rand.mjs';
import { convModel, mnistModel } from './onnx.mjs';
import { loadOrt } from './peers/ort.mjs';
import { loadConvkit, mnistNet } from './peers/convkit.mjs';

const maxAbsDiff = (a, b) => {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

export async function run({ root, dist }) {
  const ck = await loadConvkit(root, dist);
  ck.setBackend('reference');
  const expected = {};
  const cases = {};
  for (const [id, c] of Object.entries(CONVS)) {
    const d = convData(id, 2);
    const x = ck.tensor(d.x, { shape: [2, c.cin, c.h, c.w] });
    const w = ck.tensor(d.w, { shape: [c.cout, c.cin / c.groups, c.k, c.k] });
    expected[id] = ck.conv2d(x, w, null, { stride: c.stride, padding: c.pad, groups: c.groups }).data;
    cases[id] = { bytes: convModel(c, 2, d.w), x: d.x, dims: [2, c.cin, c.h, c.w] };
  }
  const mb = mnistBatch(4);
  const net = mnistNet(ck);
  net.eval();
  expected.T2 = ck.noGrad(() => net.forward(ck.tensor(mb.x, { shape: [4, 1, 28, 28] }))).data;
  cases.T2 = { bytes: mnistModel(mnistParams(), 4), x: mb.x, dims: [4, 1, 28, 28] };

  const out = {};
  for (const flavour of ['node', 'web']) {
    const { ort, sessionOptions } = await loadOrt(flavour, 1);
    out[`ort-${flavour}`] = {};
    for (const [id, k] of Object.entries(cases)) {
      try {
        const s = await ort.InferenceSession.create(k.bytes, sessionOptions);
        const r = await s.run({ X: new ort.Tensor('float32', k.x, k.dims) });
        out[`ort-${flavour}`][id] = maxAbsDiff(r.Y.data, expected[id]);
      } catch (e) {
        out[`ort-${flavour}`][id] = `error: ${String(e.message).slice(0, 120)}`;
      }
    }
  }
  return out;
}
