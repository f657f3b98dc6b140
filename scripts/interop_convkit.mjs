// The convkit half of scripts/fixtures_interop.py: builds the interop models in convkit (seeded),
// moves BatchNorm's running statistics with three training-mode passes, saves each as the CLI
// saves DIR/model.safetensors, and writes an input and convkit's output per model to
// DIR/cases.json for PyTorch to reproduce; exports the ONNX export cases to DIR/onnx/ for the checker. Run after `npm run build`: node scripts/interop_convkit.mjs DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed, noGrad, randn, add, mul, setBackend } from '../dist/src/node/index.js';
import { saveModelFile } from '../dist/src/cli/checkpoint.js';
import { INTEROP_MODELS } from '../dist/test/interop_models.js';
import { exportCases } from '../dist/test/onnx_cases.js';
import { exportOnnx } from '../dist/src/onnx/index.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/interop_convkit.mjs DIR');
setBackend('reference');
const cases = {};
for (const [name, { build, input }] of Object.entries(INTEROP_MODELS)) {
  manualSeed(99);
  const model = build();
  model.train();
  noGrad(() => {
    for (let i = 0; i < 3; i++) model.forward(add(mul(randn(input), 2), 0.5));
  });
  model.eval();
  const x = randn(input);
  const y = noGrad(() => model.forward(x));
  const file = `${name}.safetensors`;
  saveModelFile(join(dir, file), model.stateDict(), { model: name, data: 'none', epoch: 0, seed: 99, optimizer: 'none', scheduler: null, testAccuracy: null });
  const enc = (t) => ({ shape: [...t.shape], dtype: t.dtype, data: [...t.data] });
  cases[name] = { file, input: enc(x), output: enc(y) };
}
writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));

// every export case as an ONNX file for the checker; doc_string carries the case name
mkdirSync(join(dir, 'onnx'));
manualSeed(5);
Object.entries(exportCases()).forEach(([name, c], i) => {
  writeFileSync(join(dir, 'onnx', `${String(i).padStart(3, '0')}.onnx`), exportOnnx(c.build(), c.input, { docString: name }));
});
