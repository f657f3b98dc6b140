/** The `convkit` command line, run as a user would: spawned processes, exit codes, output, files. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';
import jpeg from 'jpeg-js';
import { ROOT } from './helpers.js';
import { io } from './cli_io.js';

const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('convkit CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-cli-'));
  const out = join(dir, 'run');

  it('trains on a slice of the embedded digits and reaches a stated accuracy', () => {
    const r = run('train', '--limit', '2000', '--epochs', '3', '--out', out, '--seed', '1');
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; testAccuracy: number });
    assert.equal(lines.length, 3);
    assert.ok(lines[2]!.testAccuracy >= 0.9, `test accuracy ${lines[2]!.testAccuracy} after 3 epochs on 2,000 digits`);
    assert.match(r.stdout, /final test accuracy \d+\.\d\d% on 2000 examples/);
    assert.ok(existsSync(join(out, 'checkpoint.safetensors')) && existsSync(join(out, 'model.safetensors')));
  });

  it('evaluates the saved model and gets the same accuracy', () => {
    const r = run('eval', join(out, 'model.safetensors'));
    assert.equal(r.status, 0, r.stderr);
    const last = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').pop()!;
    const acc = (JSON.parse(last) as { testAccuracy: number }).testAccuracy;
    assert.match(r.stdout, new RegExp(`accuracy ${(100 * acc).toFixed(2)}%`));
  });

  it('predicts the class of a PNG digit with top-3 probabilities', () => {
    const { image, label } = io.firstTestDigit();
    const png = join(dir, 'digit.png');
    writeFileSync(png, encode({ width: 28, height: 28, data: image, channels: 1, depth: 8 }));
    const r = run('predict', join(out, 'model.safetensors'), png);
    assert.equal(r.status, 0, r.stderr);
    const m = /digit\.png: (\d) \((\d+\.\d)%\), (\d) \(\d+\.\d%\), (\d) \(\d+\.\d%\)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(Number(m[1]), label);
  });

  it('predict centres a digit drawn anywhere as MNIST digits were (the playground\'s preprocessing); --no-preprocess does not', () => {
    const { image, label } = io.firstTestDigit();
    // the digit, dark on white, at 3x size in the corner of a 200 x 200 page (a JPEG, as a phone would save it)
    const W = 200;
    const page = new Uint8Array(W * W * 4).fill(255);
    for (let y = 0; y < 84; y++) for (let x = 0; x < 84; x++) {
      const v = 255 - image[Math.floor(y / 3) * 28 + Math.floor(x / 3)]!;
      page.set([v, v, v, 255], ((y + 5) * W + x + 110) * 4);
    }
    const jpg = join(dir, 'page.jpg');
    writeFileSync(jpg, jpeg.encode({ width: W, height: W, data: page }, 92).data);
    const r = run('predict', join(out, 'model.safetensors'), jpg, '--invert', '--top', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`page\\.jpg: ${label} \\(\\d+\\.\\d%\\)\\n$`));
    const raw = run('predict', join(out, 'model.safetensors'), jpg, '--invert', '--top', '1', '--no-preprocess');
    assert.equal(raw.status, 0, raw.stderr);
    assert.notEqual(raw.stdout, r.stdout);
  });

  it('resumes from the checkpoint and continues the epoch count', () => {
    const r = run('train', '--limit', '2000', '--epochs', '4', '--out', out, '--seed', '1', '--resume');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /resuming digits .* after epoch 3/);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 4);
  });

  it('Ctrl-C saves a checkpoint and exits cleanly', async () => {
    const out2 = join(dir, 'interrupted');
    const child = spawn(process.execPath, [BIN, 'train', '--out', out2, '--epochs', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/epoch 1\/1 +\d+\/\d+/.test(stdout) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    assert.equal(code, 130, stdout + stderr);
    assert.match(stderr, /interrupted/);
    assert.ok(existsSync(join(out2, 'checkpoint.safetensors')));
  });

  it('rejects bad flags and commands with exit code 2 and a clear message', () => {
    const a = run('train', '--epochz', '3');
    assert.equal(a.status, 2);
    assert.match(a.stderr, /error: convkit train: unknown flag --epochz \(did you mean --epochs\?\)/);
    const b = run('train', '--batch-size', 'many');
    assert.equal(b.status, 2);
    assert.match(b.stderr, /--batch-size expects an integer, got "many"/);
    const c = run('frobnicate');
    assert.equal(c.status, 2);
    assert.match(c.stderr, /unknown command "frobnicate"/);
    const d = run('eval', join(dir, 'missing.safetensors'));
    assert.equal(d.status, 2);
    assert.match(d.stderr, /missing\.safetensors/);
  });

  /** The per-epoch losses and accuracy of a run directory (timings excluded). */
  const metrics = (d: string): string[] =>
    readFileSync(join(d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
      const { trainLoss, testLoss, testAccuracy } = JSON.parse(l) as Record<string, number>;
      return JSON.stringify([trainLoss, testLoss, testAccuracy]);
    });

  it('is deterministic for a given seed', () => {
    for (const d of ['det1', 'det2']) assert.equal(run('train', '--limit', '320', '--epochs', '2', '--seed', '7', '--out', join(dir, d)).status, 0);
    assert.deepEqual(metrics(join(dir, 'det1')), metrics(join(dir, 'det2')));
  });

  it('trains on the wasm backend with --backend wasm', () => {
    const r = run('train', '--limit', '320', '--epochs', '1', '--backend', 'wasm', '--out', join(dir, 'wasm'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /seed 0, wasm backend/);
  });

  it('--threads N sets the wasm thread count; 1 and 2 threads give the same metrics; 0 is a typed error', () => {
    const one = run('train', '--limit', '320', '--epochs', '1', '--threads', '1', '--out', join(dir, 't1'));
    const two = run('train', '--limit', '320', '--epochs', '1', '--threads', '2', '--out', join(dir, 't2'));
    assert.equal(one.status, 0, one.stderr);
    assert.equal(two.status, 0, two.stderr);
    assert.match(one.stdout, /wasm backend, 1 thread\n/);
    assert.match(two.stdout, /wasm backend, 2 threads\n/);
    assert.deepEqual(metrics(join(dir, 't1')), metrics(join(dir, 't2')));
    const bad = run('train', '--limit', '32', '--epochs', '1', '--threads', '0', '--out', join(dir, 't0'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /setNumThreads/);
  });

  it('--diagnostics reports gradient norms and dead units; a non-finite loss stops with the layer', () => {
    const a = run('train', '--limit', '320', '--epochs', '1', '--diagnostics', '--out', join(dir, 'diag'));
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /gradient norm per layer: 0 \d\.\d\de[-+]\d+, 3 /);
    assert.match(a.stdout, /dead ReLU units: 1 \d+\/16, 4 \d+\/32, 8 \d+\/128/);
    const line = JSON.parse(readFileSync(join(dir, 'diag', 'metrics.jsonl'), 'utf8').trim()) as { diagnostics: { layers: unknown[] } };
    assert.ok(line.diagnostics.layers.length === 7);
    const b = run('train', '--limit', '320', '--epochs', '1', '--optimizer', 'sgd', '--lr', '1e6', '--out', join(dir, 'nan'));
    assert.equal(b.status, 1);
    assert.match(b.stderr, /error: the loss became (NaN|Infinity) at epoch 1, step \d+; the first layer with a non-finite output is \d+\. Stopping\. Last good checkpoint: none/);
  });

  it('summarises an architecture string with the working, and reports a bad token by position', () => {
    const r = run('summary', '3x128x128 | conv 32 k8 s2 p3 | maxpool 2 | conv 64 k3 p1', '--explain');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /H_out = floor\(\(128 \+ 2\*3 - 1\*\(8-1\) - 1\)\/2 \+ 1\) = 64/);
    assert.match(r.stdout, /params = 64 \* \(32\/1\) \* 3 \* 3 \+ 64 = 18,496/);
    assert.match(r.stdout, /Total params: 24,672/);
    const bad = run('summary', '1x28x28 | conv 8 z3');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option "z3" in layer 1 \("conv 8 z3"\) at character \d+/);
    const m = run('summary', '--model', 'mnist-net');
    assert.match(m.stdout, /Total params: 1,199,882/);
  });

  it('prints help for every command', () => {
    for (const cmd of ['train', 'eval', 'predict', 'summary']) {
      const r = run(cmd, '--help');
      assert.equal(r.status, 0);
      assert.match(r.stdout, new RegExp(`usage: convkit ${cmd}`));
    }
    assert.match(run('--help').stdout, /Commands:/);
  });
});
