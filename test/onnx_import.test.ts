/**
 * importOnnx: the ONNX project's node test cases (Debian libonnx-testdata, copied into
 * test/fixtures/onnx_node), models exported by PyTorch 1.13 (outputs and the gradients of one
 * fine-tuning step equal PyTorch's), round trips through exportOnnx, training an imported model,
 * typed refusals naming node/op/attribute, and bounded decoding of corrupt bytes (fuzzed).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clone, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { Tensor } from '../src/index.js';
import { FormatError, Generator, ValueError, crossEntropy, manualSeed, mul, noGrad, optim, randn, sum, tensor } from '../src/index.js';
import { exportOnnx, importOnnx, SUPPORTED_ONNX_OPS } from '../src/onnx/index.js';
import { ModelProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema, TensorProtoSchema, TensorProto_DataLocation } from '../src/onnx/gen/onnx_pb.js';
import { decodeTensor, toConvkit } from '../src/onnx/proto.js';
import { ROOT, assertClose, assertThrowsTyped, decode } from './helpers.js';
import type { EncTensor } from './helpers.js';
import { exportCases } from './onnx_cases.js';

const FIX = (p: string) => fileURLToPath(new URL(`test/fixtures/${p}`, ROOT));
const pb = (path: string): Tensor => toConvkit('test', path, decodeTensor('test', path, fromBinary(TensorProtoSchema, readFileSync(path))));
const outputs = (v: Tensor | Tensor[]): Tensor[] => (Array.isArray(v) ? v : [v]);

describe('importOnnx runs the ONNX node test cases (libonnx-testdata 1.12)', () => {
  const names = readdirSync(FIX('onnx_node')).sort();
  const ops = new Set<string>();
  for (const name of names) {
    it(name, () => {
      const dir = FIX(`onnx_node/${name}`);
      const bytes = readFileSync(`${dir}/model.onnx`);
      for (const n of fromBinary(ModelProtoSchema, bytes).graph!.node) ops.add(n.opType);
      const m = importOnnx(bytes);
      const got = outputs(m.forward(...m.inputNames.map((_, i) => pb(`${dir}/test_data_set_0/input_${i}.pb`))));
      got.forEach((g, i) => {
        const want = pb(`${dir}/test_data_set_0/output_${i}.pb`);
        assertClose(g, want, { rtol: 1e-4, atol: 1e-5 }, `${name} output ${i}`);
      });
    });
  }
  it('covers every supported op', () => {
    assert.deepEqual(SUPPORTED_ONNX_OPS.filter((o) => !ops.has(o) && o !== 'Gelu' && o !== 'Cast' && o !== 'ConstantOfShape' && o !== 'Dropout'), []);
  });
});

describe('importOnnx refuses what it cannot run, naming node, op and attribute', () => {
  const expect: Record<string, RegExp> = {
    convtranspose_kernel_shape: /node "test" \(ConvTranspose\): attribute "output_shape" must be one of auto_pad, dilations, group, kernel_shape, output_padding, pads, strides, got present/,
    convtranspose_output_shape: /\(ConvTranspose\): attribute "output_shape" must be one of/,
    convtranspose_autopad_same: /\(ConvTranspose\): attribute "auto_pad" must be NOTSET or VALID \(SAME_\* is ambiguous for ConvTranspose: give pads\), got SAME_UPPER/,
    maxpool_with_argmax_2d_precomputed_pads: /\(MaxPool\): output 1 must be at most 1 outputs/,
    batchnorm_example_training_mode: /\(BatchNormalization\): attribute "training_mode" must be 0 \(convkit imports the inference form\), got 1/,
    dropout_default_mask: /\(Dropout\): output 1 must be at most 1 outputs/,
  };
  for (const file of readdirSync(FIX('onnx_refused')).sort()) {
    it(file, () => assertThrowsTyped(() => importOnnx(readFileSync(FIX(`onnx_refused/${file}`))), ValueError, expect[file.replace('.onnx', '')]!));
  }
});

interface TorchCase {
  input: EncTensor;
  output: EncTensor;
  R: EncTensor;
  inputGrad: EncTensor;
  grads: Record<string, EncTensor>;
}

describe('models exported by torch.onnx.export (PyTorch 1.13, opset 17)', () => {
  const cases = JSON.parse(readFileSync(FIX('interop/torch_onnx/cases.json'), 'utf8')) as Record<string, TorchCase>;
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: outputs and the fine-tuning gradients equal PyTorch's`, () => {
      const m = importOnnx(readFileSync(FIX(`interop/torch_onnx/${name}.onnx`)));
      const x = decode(c.input, true);
      const y = m.forward(x) as Tensor;
      assertClose(y, decode(c.output), { rtol: 1e-4, atol: 1e-5 }, `${name} output`);
      sum(mul(y, decode(c.R))).backward();
      assertClose(x.grad!, decode(c.inputGrad), { rtol: 1e-3, atol: 1e-5 }, `${name} d/dinput`);
      const params = Object.fromEntries(m.namedParameters());
      assert.ok(Object.keys(c.grads).length > 0 || name === 'recurrent');
      for (const [k, g] of Object.entries(c.grads)) assertClose(params[k]!.grad!, decode(g), { rtol: 1e-3, atol: 1e-5 }, `${name} d/d${k}`);
    });
  }
});

describe('round trips and fine-tuning', () => {
  it('every export case imports back and gives the same outputs', () => {
    manualSeed(8);
    for (const [name, c] of Object.entries(exportCases())) {
      const model = c.build().eval();
      const want = noGrad(() => model.forward(...c.input));
      const back = importOnnx(exportOnnx(model, c.input));
      const got = outputs(noGrad(() => back.forward(...c.input)));
      const flat = (v: unknown): Tensor[] => (Array.isArray(v) ? v.flatMap(flat) : [v as Tensor]);
      flat(want).forEach((w, i) => assertClose(got[i]!, w, { rtol: 1e-4, atol: 1e-5 }, `${name} output ${i}`));
    }
  });

  it('an imported model keeps its state-dict names, trains, and exports again', async () => {
    manualSeed(9);
    const src = exportCases()['model lenet']!.build();
    const m = importOnnx(exportOnnx(src, randn([4, 1, 28, 28])));
    assert.deepEqual(Object.keys(m.stateDict()).sort(), Object.keys(src.stateDict()).sort());
    const x = randn([4, 1, 28, 28], { generator: new Generator(1) });
    const target = tensor([1, 2, 3, 4], { dtype: 'int32' });
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      const loss = crossEntropy(m.forward(x) as Tensor, target);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    assert.ok(losses[4]! < losses[0]!, `loss ${losses.join(' → ')}`);
    const again = importOnnx(exportOnnx(m, x));
    assertClose(noGrad(() => again.forward(x)) as Tensor, noGrad(() => m.forward(x)) as Tensor, { rtol: 1e-4, atol: 1e-5 }, 'fine-tuned, exported, imported');
  });
});

describe('bounded decoding', () => {
  const good = exportOnnx(exportCases()['model digits']!.build(), randn([1, 1, 28, 28]));

  it('every truncation and random corruption is a FormatError or a typed error, never a crash or a hang', () => {
    const g = new Generator(3);
    const rnd = (n: number) => Math.floor(g.random() * n);
    for (let i = 0; i < 300; i++) {
      const b = good.slice(0, rnd(good.length));
      if (i % 3 === 1) for (let k = 0; k < 8; k++) if (b.length) b[rnd(b.length)] = rnd(256);
      if (i % 3 === 2) for (let k = 0; k < 64; k++) if (b.length) b[rnd(b.length)] = rnd(256);
      try {
        const m = importOnnx(i % 3 === 0 ? b : good.map((v, j) => (j < b.length ? b[j]! : v)));
        void m;
      } catch (e) {
        assert.ok(e instanceof FormatError || e instanceof ValueError, `case ${i}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  });

  it('forged lengths, external data and absurd shapes fail before any large allocation', () => {
    assertThrowsTyped(() => importOnnx(Uint8Array.of(0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f)), FormatError, /importOnnx: not a valid ONNX model: premature EOF/);
    const model = fromBinary(ModelProtoSchema, good);
    const init = model.graph!.initializer[0]!;
    const ext = clone(ModelProtoSchema, model);
    ext.graph!.initializer[0] = create(TensorProtoSchema, { ...init, rawData: new Uint8Array(0), dataLocation: TensorProto_DataLocation.EXTERNAL, externalData: [create(StringStringEntryProtoSchema, { key: 'location', value: 'w.bin' })] });
    assertThrowsTyped(() => importOnnx(toBinary(ModelProtoSchema, ext)), FormatError, /initializer "0.weight": its data is stored in an external file \(data_location=EXTERNAL\)/);
    const huge = clone(ModelProtoSchema, model);
    huge.graph!.initializer[0] = create(TensorProtoSchema, { ...init, dims: [1n << 40n, 1n << 40n] });
    assertThrowsTyped(() => importOnnx(toBinary(ModelProtoSchema, huge)), FormatError, /dims \[1099511627776, 1099511627776\] make .* elements, more than the 268435456 convkit allocates/);
    const short = clone(ModelProtoSchema, model);
    short.graph!.initializer[0] = create(TensorProtoSchema, { ...init, dims: [16n, 1n, 5n, 6n] });
    assertThrowsTyped(() => importOnnx(toBinary(ModelProtoSchema, short)), FormatError, /initializer "0.weight": raw_data holds 400 values but dims \[16, 1, 5, 6\] need 480/);
    const old = clone(ModelProtoSchema, model);
    old.opsetImport = [create(OperatorSetIdProtoSchema, { domain: '', version: 9n })];
    assertThrowsTyped(() => importOnnx(toBinary(ModelProtoSchema, old)), FormatError, 'importOnnx: opset_import must be the default domain at opset 11 to 17, got 9');
    const unknown = clone(ModelProtoSchema, model);
    unknown.graph!.node[0]!.opType = 'Einsum';
    assertThrowsTyped(() => importOnnx(toBinary(ModelProtoSchema, unknown)), ValueError, /importOnnx: node "[^"]+" \(Einsum\): op must be one of the supported ops \(/);
  });
});
