/** The CLI's ONNX paths as a user runs them: export, eval/predict/summary of .onnx, train --init model.onnx, and onnxruntime on the export. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { encode } from 'fast-png';
import { noGrad, randn } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { load, loadOnnx } from '../src/io/index.js';
import { buildModel } from '../src/models/index.js';
import { ROOT, assertClose } from './helpers.js';
import { io } from './cli_io.js';

const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('convkit CLI with ONNX', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-cli-onnx-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const onnx = join(dir, 'digits.onnx');

  it('train writes model.safetensors with exactly stateDict() keys; export --onnx writes a model onnxruntime runs at any batch', async () => {
    const r = run('train', '--limit', '600', '--epochs', '1', '--out', join(dir, 'run'), '--seed', '3');
    assert.equal(r.status, 0, r.stderr);
    const { tensors, metadata } = load(join(dir, 'run', 'model.safetensors'));
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(buildModel('digits').stateDict()).sort());
    assert.equal(metadata['model'], 'digits');
    const e = run('export', join(dir, 'run', 'model.safetensors'), '--onnx', onnx);
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /wrote .*digits\.onnx: digits, input "input" \[batch, 1, 28, 28\] float32, output "logits" \[batch, 10\], opset 17/);
    const model = buildModel('digits');
    model.loadStateDict(tensors);
    model.eval();
    const x = randn([3, 1, 28, 28]);
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    const y = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), [3, 1, 28, 28]) }))['logits']!;
    assert.deepEqual(y.dims, [3, 10]);
    assertClose(loadOnnx(onnx).forward(x) as Tensor, noGrad(() => model.forward(x)), { rtol: 1e-4, atol: 1e-5 }, 'imported');
    const want = noGrad(() => model.forward(x));
    [...(y.data as Float32Array)].forEach((v, i) => assert.ok(Math.abs(v - want.data[i]!) <= 1e-5 + 1e-4 * Math.abs(want.data[i]!), `logit ${i}: ${v} vs ${want.data[i]}`));
  });

  it('eval and predict take the .onnx file and agree with the safetensors model', () => {
    const a = run('eval', onnx);
    const b = run('eval', join(dir, 'run', 'model.safetensors'));
    assert.equal(a.status, 0, a.stderr);
    const acc = (s: string) => /accuracy (\d+\.\d\d%)/.exec(s)![1];
    assert.equal(acc(a.stdout), acc(b.stdout));
    const png = join(dir, 'digit.png');
    writeFileSync(png, encode({ width: 28, height: 28, data: io.firstTestDigit().image, channels: 1, depth: 8 }));
    const p = run('predict', onnx, png);
    const q = run('predict', join(dir, 'run', 'model.safetensors'), png);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stdout, q.stdout);
  });

  it('summary prints the node table of an ONNX file', () => {
    const s = run('summary', onnx);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /ONNX opset 17, inputs input \[1, 1, 28, 28\]/);
    assert.match(s.stdout, /\/Conv\s+Conv\s+\[1, 16, 24, 24\]\s+416\n/);
    assert.match(s.stdout, /total params: 80,202 \(trainable: 80,202\)/);
  });

  it('train --init model.onnx fine-tunes the imported graph and writes DIR/model.onnx', () => {
    const r = run('train', '--init', onnx, '--limit', '600', '--epochs', '1', '--out', join(dir, 'tuned'), '--seed', '4');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /training onnx:.*digits\.onnx on digits/);
    assert.ok(existsSync(join(dir, 'tuned', 'model.onnx')));
    const a = run('eval', join(dir, 'tuned', 'model.onnx'));
    const b = run('eval', join(dir, 'tuned', 'model.safetensors'));
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(/accuracy (\S+)/.exec(a.stdout)![1], /accuracy (\S+)/.exec(b.stdout)![1]);
  });

  it('export without --onnx is a usage error', () => {
    const r = run('export', onnx);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /convkit export: --onnx must be the output path \(--onnx OUT\.onnx\), got no --onnx flag/);
  });
});
