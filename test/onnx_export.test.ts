/**
 * exportOnnx: every case of onnx_cases.ts runs in onnxruntime-node (and one in onnxruntime-web)
 * and matches convkit within float32 tolerance; the ONNX checker's verdict on the same cases was
 * recorded by scripts/fixtures_interop.py; unsupported ops and options are typed errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { Tensor } from '../src/index.js';
import { ValueError, cumsum, dropout, manualSeed, maxPool1d, nn, noGrad, randn, tensor } from '../src/index.js';
import { exportOnnx } from '../src/onnx/index.js';
import { ROOT, assertClose, assertThrowsTyped } from './helpers.js';
import { exportCases } from './onnx_cases.js';

type Ort = typeof ortNode;

/** Runs `bytes` in onnxruntime with the inputs named as exportOnnx names them; outputs in graph order. */
export async function runOrt(ort: Ort, bytes: Uint8Array, inputs: readonly Tensor[]): Promise<Tensor[]> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ortNode.Tensor> = {};
  session.inputNames.forEach((n, i) => (feeds[n] = new ort.Tensor('float32', Float32Array.from(inputs[i]!.data), [...inputs[i]!.shape])));
  const r = await session.run(feeds);
  return session.outputNames.map((n) => tensor([...(r[n]!.data as Float32Array)], { shape: r[n]!.dims.map(Number) }));
}

function flat(v: unknown): Tensor[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as Tensor];
}

/** Largest |onnxruntime − convkit| over all cases, for the closing note. */
const worst = { diff: 0, where: '' };

describe('exportOnnx runs in onnxruntime-node and matches convkit', () => {
  manualSeed(5);
  const cases = exportCases();
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const model = c.build();
      model.eval();
      const want = flat(noGrad(() => model.forward(...c.input)));
      const got = await runOrt(ortNode, exportOnnx(model, c.input), c.input);
      assert.equal(got.length, want.length, 'one graph output per tensor the forward returns');
      got.forEach((g, i) => {
        assertClose(g, want[i]!, { rtol: 1e-4, atol: 1e-5 }, `${name} output ${i}`);
        for (let j = 0; j < g.numel; j++) {
          const d = Math.abs(g.data[j]! - want[i]!.data[j]!);
          if (d > worst.diff) Object.assign(worst, { diff: d, where: name });
        }
      });
    });
  }
  it('largest difference seen (for the report)', () => {
    assert.ok(worst.diff < 1e-4, `${worst.diff} in ${worst.where}`);
    console.log(`# largest |onnxruntime-node - convkit| over the export cases: ${worst.diff.toExponential(2)} (${worst.where})`);
  });

  it('the ONNX checker (full_check) accepted every case when the fixtures were made', () => {
    const record = JSON.parse(readFileSync(fileURLToPath(new URL('test/fixtures/interop/onnx_checker.json', ROOT)), 'utf8')) as { checked: string[] };
    assert.deepEqual([...record.checked].sort(), Object.keys(cases).sort());
  });
});

describe('exportOnnx in onnxruntime-web (wasm)', () => {
  it('the digits model gives convkit outputs', async () => {
    manualSeed(6);
    ortWeb.env.wasm.numThreads = 1;
    const model = exportCases()['model digits']!;
    const m = model.build().eval();
    const want = noGrad(() => m.forward(...model.input)) as Tensor;
    const [got] = await runOrt(ortWeb as unknown as Ort, exportOnnx(m, model.input), model.input);
    assertClose(got!, want, { rtol: 1e-4, atol: 1e-5 }, 'onnxruntime-web');
  });
});

describe('exportOnnx options and errors', () => {
  it('opset 13 exports LayerNorm as its ops (LayerNormalization is opset 17) and runs', async () => {
    const m = new nn.Sequential(new nn.Linear(4, 6), new nn.LayerNorm(6)).eval();
    const x = randn([3, 4]);
    const [y] = await runOrt(ortNode, exportOnnx(m, x, { opset: 13 }), [x]);
    assertClose(y!, noGrad(() => m.forward(x)), { rtol: 1e-4, atol: 1e-5 }, 'opset 13');
  });

  it('names inputs and outputs as asked, and restores training mode', async () => {
    const m = new nn.Sequential(new nn.Linear(4, 2), new nn.Dropout(0.5));
    assert.equal(m.training, true);
    const bytes = exportOnnx(m, randn([1, 4]), { inputNames: ['pixels'], outputNames: ['logits'] });
    assert.equal(m.training, true, 'export runs in eval mode and then restores the mode');
    const s = await ortNode.InferenceSession.create(bytes);
    assert.deepEqual([s.inputNames, s.outputNames], [['pixels'], ['logits']]);
  });

  it('rejects what it cannot export with typed errors', () => {
    class Cum extends nn.Module {
      forward(x: Tensor): Tensor {
        return cumsum(x, 1);
      }
    }
    assertThrowsTyped(() => exportOnnx(new Cum(), randn([2, 3])), ValueError, /exportOnnx: the forward pass runs op "cumsum", which has no ONNX translation/);
    class AlwaysDropout extends nn.Module {
      forward(x: Tensor): Tensor {
        return dropout(x, { p: 0.5, training: true });
      }
    }
    assertThrowsTyped(() => exportOnnx(new AlwaysDropout(), randn([2, 3])), ValueError, /op "dropoutMask", which has no ONNX translation \(dropout in training mode/);
    class Indices extends nn.Module {
      forward(x: Tensor): Tensor {
        const [, idx] = maxPool1d(x, 2, { returnIndices: true });
        return idx;
      }
    }
    assertThrowsTyped(() => exportOnnx(new Indices(), randn([1, 2, 4])), ValueError, /output 1 of op "maxPool", which ONNX export does not produce/);
    assertThrowsTyped(() => exportOnnx(new nn.Linear(2, 2), randn([1, 2]), { opset: 12 }), ValueError, 'exportOnnx: options.opset must be an integer from 13 to 17, got 12');
    assertThrowsTyped(() => exportOnnx(new nn.Linear(2, 2), [] as Tensor[]), ValueError, /exampleInput must be a Tensor or a non-empty array of Tensors/);
    assertThrowsTyped(() => exportOnnx(new nn.Linear(2, 2), randn([1, 2]), { outputNames: ['a', 'b'] }), ValueError, /options.outputNames must be 1 distinct non-empty names/);
  });
});
