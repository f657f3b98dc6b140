/**
 * `convkit train --backend webgpu`: a spawned CLI run on a tiny IDX data set (real digits) gives the
 * wasm backend's metrics and checkpoints; options the GPU cannot serve are typed errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDigits } from '../src/io/index.js';
import { ROOT } from './helpers.js';

const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

/** An IDX file: big-endian magic (unsigned bytes, `dims.length` dimensions), sizes, then the bytes. */
function idx(dims: number[], bytes: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint32(0, 0x0800 + dims.length);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(head.byteLength + bytes.length);
  out.set(new Uint8Array(head.buffer), 0);
  out.set(bytes, head.byteLength);
  return out;
}

/** The first `n` embedded training and test digits as an MNIST-style IDX folder. */
function tinyIdx(dir: string, nTrain: number, nTest: number): void {
  mkdirSync(dir, { recursive: true });
  const digits = loadDigits();
  const write = (stem: string, ds: typeof digits.train, n: number): void => {
    const px = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = ds.get(i);
      const v = s.input.data;
      for (let k = 0; k < 784; k++) px[i * 784 + k] = Math.round(v[k]! * 255);
      labels[i] = s.target;
    }
    writeFileSync(join(dir, `${stem}-images-idx3-ubyte`), idx([n, 28, 28], px));
    writeFileSync(join(dir, `${stem}-labels-idx1-ubyte`), idx([n], labels));
  };
  write('train', digits.train, nTrain);
  write('t10k', digits.test, nTest);
}

interface Metrics {
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

describe('convkit train --backend webgpu', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-cli-webgpu-'));
  const data = join(dir, 'idx');
  tinyIdx(data, 48, 32);

  it('trains on the GPU with the wasm backend\'s metrics, and saves checkpoints', () => {
    const metrics: Record<string, Metrics> = {};
    for (const backend of ['wasm', 'webgpu']) {
      const out = join(dir, backend);
      const r = run('train', '--data', `idx:${data}`, '--epochs', '1', '--batch-size', '16', '--seed', '4', '--backend', backend, '--out', out);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`${backend} backend`));
      assert.ok(existsSync(join(out, 'checkpoint.safetensors')) && existsSync(join(out, 'model.safetensors')));
      metrics[backend] = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim()) as Metrics;
    }
    const [w, g] = [metrics['wasm']!, metrics['webgpu']!];
    for (const k of ['trainLoss', 'testLoss'] as const) assert.ok(Math.abs(g[k] - w[k]) <= 1e-4 * (1 + Math.abs(w[k])), `${k}: webgpu ${g[k]} vs wasm ${w[k]}`);
    assert.equal(g.testAccuracy, w.testAccuracy);
    // the GPU-trained checkpoint evaluates on the CPU like the wasm one
    const ev = [join(dir, 'wasm'), join(dir, 'webgpu')].map((o) => run('eval', join(o, 'model.safetensors'), '--data', `idx:${data}`));
    ev.forEach((e) => assert.equal(e.status, 0, e.stderr));
    assert.equal(ev[1]!.stdout.match(/accuracy [0-9.]+%/)?.[0], ev[0]!.stdout.match(/accuracy [0-9.]+%/)?.[0]);
  });

  it('--diagnostics needs a CPU backend: a typed error naming both flags', () => {
    const r = run('train', '--data', `idx:${data}`, '--epochs', '1', '--backend', 'webgpu', '--diagnostics', '--out', join(dir, 'diag'));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--diagnostics/);
    assert.match(r.stderr, /--backend webgpu/);
  });
});
