/**
 * PyTorch interop through safetensors: every dtype PyTorch writes loads (with range checks),
 * num_batches_tracked is written as I64, PyTorch state dicts of the named models and of models
 * with BatchNorm/LayerNorm/GRU/LSTM load strictly and reproduce PyTorch's outputs, and the CLI
 * evaluates a plain PyTorch state dict. Fixtures: scripts/fixtures_interop.py (which also checks
 * that convkit's saved models load strictly in PyTorch; its record is convkit_in_torch.json).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, Tensor, noGrad, setBackend, getBackend, tensor } from '../src/index.js';
import { parseSafetensors, serializeSafetensors } from '../src/data/index.js';
import { load } from '../src/io/index.js';
import { loadModelFile, saveModelFile } from '../src/cli/checkpoint.js';
import { ROOT, assertClose, assertThrowsTyped, decode } from './helpers.js';
import type { EncTensor } from './helpers.js';
import { INTEROP_MODELS } from './interop_models.js';

const FIX = fileURLToPath(new URL('test/fixtures/interop/', ROOT));
const dir = mkdtempSync(join(tmpdir(), 'convkit-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const enc = new TextEncoder();
function forge(header: string, data: Uint8Array): Uint8Array {
  const h = enc.encode(header + ' '.repeat((8 - (enc.encode(header).length % 8)) % 8));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors: the dtypes PyTorch writes', () => {
  it('reads F16, BF16, I64, U8, I8, I16, BOOL, 0-d and empty tensors written by an independent writer', () => {
    const want = JSON.parse(readFileSync(join(FIX, 'dtypes.json'), 'utf8')) as Record<string, { code: string; shape: number[]; data: (number | string)[] }>;
    const { tensors, metadata } = load(join(FIX, 'dtypes.safetensors'));
    assert.deepEqual(metadata, { format: 'pt' });
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(want).sort());
    const into: Record<string, string> = { F16: 'float32', BF16: 'float32', F32: 'float32', F64: 'float64' };
    for (const [k, w] of Object.entries(want)) {
      const t = tensors[k]!;
      assert.equal(t.dtype, into[w.code] ?? 'int32', `${k} (${w.code})`);
      assert.deepEqual([...t.shape], w.shape, k);
      // every F16/BF16 value is exactly a float32: compare bit for bit with PyTorch's widening
      const vals = w.data.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
      assert.deepEqual([...t.data], t.dtype === 'float32' ? [...Float32Array.from(vals)] : vals, k);
    }
  });

  it('rejects integers outside int32, naming the tensor, the element and the value', () => {
    assertThrowsTyped(() => load(join(FIX, 'int64_overflow.safetensors')), FormatError, /tensor "big" \(I64\) holds 2147483648 at element 1, outside \[-2147483648, 2147483647\]: convkit reads I64 into int32/);
    const i64 = new Uint8Array(16);
    new DataView(i64.buffer).setBigInt64(8, -(2n ** 31n) - 1n, true);
    assertThrowsTyped(() => parseSafetensors(forge('{"n":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', i64)), FormatError, /"n" \(I64\) holds -2147483649 at element 1/);
    const u64 = new Uint8Array(8);
    new DataView(u64.buffer).setBigUint64(0, 2n ** 63n, true);
    assertThrowsTyped(() => parseSafetensors(forge('{"u":{"dtype":"U64","shape":[],"data_offsets":[0,8]}}', u64)), FormatError, /"u" \(U64\) holds 9223372036854775808 at element 0/);
    assertThrowsTyped(() => parseSafetensors(forge('{"u":{"dtype":"U32","shape":[1],"data_offsets":[0,4]}}', Uint8Array.of(0, 0, 0, 128))), FormatError, /"u" \(U32\) holds 2147483648 at element 0/);
    assertThrowsTyped(() => parseSafetensors(forge('{"b":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}', Uint8Array.of(1, 2))), FormatError, /"b" \(BOOL\) holds 2 at element 1, outside \{0, 1\}/);
    assertThrowsTyped(() => parseSafetensors(forge('{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,2]}}', Uint8Array.of(0, 0))), FormatError, /F16 shape \[2\] needs 4 bytes/);
  });

  it('writes num_batches_tracked as I64 (first, as the reference orders I64) and reads it back as int32', () => {
    const sd = { 'bn.num_batches_tracked': tensor(7, { dtype: 'int32' }), 'bn.running_mean': tensor([1, 2]), steps: tensor([-3], { dtype: 'int32' }) };
    const bytes = serializeSafetensors(sd);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
    assert.equal(header, '{"bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"bn.running_mean":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"steps":{"dtype":"I32","shape":[1],"data_offsets":[16,20]}}');
    assert.deepEqual([...bytes.subarray(8 + n, 8 + n + 8)], [7, 0, 0, 0, 0, 0, 0, 0]);
    const back = parseSafetensors(serializeSafetensors({ 'a.num_batches_tracked': tensor([-2], { dtype: 'int32' }) })).tensors['a.num_batches_tracked']!;
    assert.equal(back.dtype, 'int32');
    assert.deepEqual([...back.data], [-2]);
  });
});

describe('PyTorch state dicts load strictly and reproduce PyTorch', () => {
  const cases = JSON.parse(readFileSync(join(FIX, 'torch_models.json'), 'utf8')) as Record<string, { keys: string[]; input: EncTensor; output: EncTensor }>;
  for (const [name, { build }] of Object.entries(INTEROP_MODELS)) {
    it(`${name}: torch's keys, loadStateDict strict, the same outputs in eval mode (${getBackend()} backend)`, () => {
      const c = cases[name]!;
      const model = build();
      assert.deepEqual(Object.keys(model.stateDict()), c.keys, 'convkit names the state exactly as torch');
      const { tensors } = load(join(FIX, `${name}.safetensors`));
      model.loadStateDict(tensors);
      model.eval();
      const y = noGrad(() => model.forward(decode(c.input)));
      assertClose(y as Tensor, decode(c.output), { rtol: 1e-4, atol: 1e-5 }, name);
    });
  }

  it('the same on the reference backend', () => {
    const prev = getBackend();
    setBackend('reference');
    try {
      for (const [name, { build }] of Object.entries(INTEROP_MODELS)) {
        const model = build();
        model.loadStateDict(load(join(FIX, `${name}.safetensors`)).tensors);
        model.eval();
        assertClose(noGrad(() => model.forward(decode(cases[name]!.input))) as Tensor, decode(cases[name]!.output), { rtol: 1e-4, atol: 1e-5 }, name);
      }
    } finally {
      setBackend(prev);
    }
  });

  it('the fixture script has checked every model the other way (convkit files in PyTorch, strict)', () => {
    const report = JSON.parse(readFileSync(join(FIX, 'convkit_in_torch.json'), 'utf8')) as Record<string, { maxAbsDiff: number }>;
    assert.deepEqual(Object.keys(report).sort(), Object.keys(INTEROP_MODELS).sort());
  });
});

describe('model files', () => {
  it('hold exactly stateDict() keys, with the architecture in the metadata', () => {
    const model = INTEROP_MODELS['norms']!.build();
    const path = join(dir, 'model.safetensors');
    saveModelFile(path, model.stateDict(), { model: 'norms', data: 'digits', epoch: 1, seed: 0, optimizer: 'adam', scheduler: null, testAccuracy: null });
    const { tensors, metadata } = load(path);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(model.stateDict()).sort());
    assert.equal(metadata['model'], 'norms');
    assert.equal(tensors['bn.num_batches_tracked']!.dtype, 'int32');
    const f = loadModelFile(path);
    assert.equal(f.model, 'norms');
    assert.equal(f.run?.data, 'digits');
    assert.equal(loadModelFile(join(FIX, 'digits.safetensors')).model, null, 'a PyTorch file names no architecture');
  });

  const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

  it('convkit eval takes a PyTorch state dict with --model, and says what is missing without it', () => {
    const r = run('eval', join(FIX, 'lenet.safetensors'), '--model', 'lenet');
    assert.equal(r.status, 0, r.stderr);
    // the accuracy line, then the confusion matrix (issue 13)
    assert.match(r.stdout, /^lenet on digits test set: accuracy \d+\.\d\d% \(\d+\/2000\), loss \d+\.\d{4}\nconfusion matrix/);
    const bad = run('eval', join(FIX, 'lenet.safetensors'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /convkit eval: --model must be the architecture of the state dict in .*lenet\.safetensors \(--model digits\|mnist-net\|lenet\), got no --model flag and no "model" metadata in the file/);
    const wrong = run('eval', join(FIX, 'lenet.safetensors'), '--model', 'digits');
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /loadStateDict: error\(s\) loading the state dict of Sequential: .*size mismatch/);
  });
});
