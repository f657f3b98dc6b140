/**
 * Resume equals an uninterrupted run, bit for bit: for every named model, `convkit train` processes
 * are interrupted (SIGINT) and killed (SIGKILL) inside an epoch and killed during a checkpoint save,
 * then resumed with --resume; the final weights and every metrics row must equal those of a run
 * that was never stopped. mnist-net (dropout: the global generator matters) also goes through the
 * other saves and edge cases. The runs are tiny (40 training images, batches of 8, 2 epochs), so
 * each of the ~35 processes takes a second or two; faults are injected by test/fault_inject.ts.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS } from '../src/models/index.js';
import { load, loadDigits } from '../src/io/index.js';
import { ROOT } from './helpers.js';

const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
const PRELOAD = new URL('./fault_inject.js', import.meta.url).href;
const root = mkdtempSync(join(tmpdir(), 'convkit-resume-'));
const data = join(root, 'data');

/** A tiny MNIST-style IDX folder from the embedded digits: 40 training and 10 test images. */
function writeIdx(dir: string, nTrain: number, nTest: number): void {
  const { train, test } = loadDigits();
  const write = (prefix: string, ds: typeof train, n: number): void => {
    const img = new Uint8Array(16 + n * 784);
    const v = new DataView(img.buffer);
    [0x803, n, 28, 28].forEach((x, i) => v.setUint32(4 * i, x));
    const lab = new Uint8Array(8 + n);
    new DataView(lab.buffer).setUint32(0, 0x801);
    new DataView(lab.buffer).setUint32(4, n);
    for (let i = 0; i < n; i++) {
      const s = ds.get(i);
      for (let j = 0; j < 784; j++) img[16 + i * 784 + j] = Math.round(s.input.data[j]! * 255);
      lab[8 + i] = s.target;
    }
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), img);
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), lab);
  };
  write('train', train, nTrain);
  write('t10k', test, nTest);
}

interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function train(out: string, model: string, extra: string[] = [], faults = ''): Run {
  const args = ['--import', PRELOAD, BIN, 'train', '--data', `idx:${data}`, '--model', model, '--epochs', '2', '--batch-size', '8', '--seed', '3', '--out', out, ...extra];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CONVKIT_TEST_FAULTS: faults }, timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Every tensor of the final model, as raw bytes in hex (bit-for-bit comparison). */
function weights(out: string): Record<string, string> {
  const { tensors } = load(join(out, 'model.safetensors'));
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex')]));
}

/** metrics.jsonl without the timings. */
function metrics(out: string): string[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { seconds: _s, imagesPerSecond: _i, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return JSON.stringify(rest);
  });
}

const temps = (out: string): string[] => readdirSync(out).filter((f) => f.endsWith('.tmp'));

before(() => {
  // one data folder shared by every run
  mkdirSync(data);
  writeIdx(data, 40, 10);
});

for (const model of Object.keys(MODELS)) {
  describe(`resume of ${model} equals an uninterrupted run`, () => {
    const dir = (name: string): string => join(root, `${model}-${name}`);
    let ref: { w: Record<string, string>; m: string[] };

    before(() => {
      const r = train(dir('ref'), model);
      assert.equal(r.status, 0, r.stderr);
      ref = { w: weights(dir('ref')), m: metrics(dir('ref')) };
      assert.equal(ref.m.length, 2);
    });

    const same = (out: string): void => {
      assert.deepEqual(metrics(out), ref.m);
      assert.deepEqual(weights(out), ref.w);
      assert.deepEqual(temps(out), []);
      assert.ok(!existsSync(join(out, 'interrupted.safetensors')));
    };

    it('SIGINT inside epoch 2 saves the position; --resume finishes identically', () => {
      const out = dir('sigint');
      const a = train(out, model, [], 'sigint@batch:7');
      assert.equal(a.status, 130, a.stderr);
      assert.match(a.stdout, /saved .*interrupted\.safetensors \(epoch 2, after batch \d of 5\)/);
      assert.ok(existsSync(join(out, 'interrupted.safetensors')));
      assert.equal(metrics(out).length, 1);
      const b = train(out, model, ['--resume']);
      assert.equal(b.status, 0, b.stderr);
      assert.match(b.stdout, /resuming .* at epoch 2, after batch \d/);
      same(out);
    });

    it('SIGKILL inside epoch 2: --resume replays the epoch from its start identically', () => {
      const out = dir('sigkill');
      const a = train(out, model, [], 'sigkill@batch:8');
      assert.equal(a.signal, 'SIGKILL');
      const b = train(out, model, ['--resume']);
      assert.equal(b.status, 0, b.stderr);
      assert.match(b.stdout, /at the end of epoch 1/);
      same(out);
    });

    it('SIGKILL during the second checkpoint save leaves a temporary file; --resume removes it and finishes identically', () => {
      const out = dir('killsave');
      const a = train(out, model, [], 'sigkill@save:checkpoint.safetensors:2:before');
      assert.equal(a.signal, 'SIGKILL');
      assert.equal(temps(out).length, 1);
      const b = train(out, model, ['--resume']);
      assert.equal(b.status, 0, b.stderr);
      assert.match(b.stdout, /removed 1 temporary file left in .* by an interrupted save \(\.checkpoint\.safetensors\.\d+\.[0-9a-f]+\.tmp\)/);
      same(out);
    });

  });
}

describe('resume edge cases (mnist-net: dropout draws from the global generator)', () => {
  const model = 'mnist-net';
  const ref = join(root, 'edge-ref');
  before(() => assert.equal(train(ref, model).status, 0));

  it('SIGKILL while saving the interrupted position keeps the last clean checkpoint', () => {
    const out = join(root, 'edge-killint');
    const a = train(out, model, [], 'sigint@batch:8,sigkill@save:interrupted.safetensors:1:before');
    assert.equal(a.signal, 'SIGKILL');
    const b = train(out, model, ['--resume']);
    assert.equal(b.status, 0, b.stderr);
    assert.deepEqual(metrics(out), metrics(ref));
    assert.deepEqual(weights(out), weights(ref));
    assert.deepEqual(temps(out), []);
  });

  it('a kill between the checkpoint and its metrics row neither loses nor repeats a row', () => {
    const out = join(root, 'edge-row');
    const a = train(out, model, [], 'sigkill@save:checkpoint.safetensors:1:after');
    assert.equal(a.signal, 'SIGKILL');
    assert.equal(readFileSync(join(out, 'metrics.jsonl'), 'utf8'), '');
    assert.equal(train(out, model, ['--resume']).status, 0);
    assert.deepEqual(metrics(out), metrics(ref));
    assert.deepEqual(weights(out), weights(ref));
  });

  it('an interrupt during the last batch of an epoch saves the clean checkpoint of that epoch', () => {
    const out = join(root, 'edge-boundary');
    const a = train(out, model, [], 'sigint@batch:5');
    assert.equal(a.status, 130, a.stderr);
    assert.match(a.stdout, /interrupted at the end of epoch 1: .*checkpoint\.safetensors holds it; --resume continues/);
    assert.ok(!existsSync(join(out, 'interrupted.safetensors')));
    assert.equal(train(out, model, ['--resume']).status, 0);
    assert.deepEqual(metrics(out), metrics(ref));
    assert.deepEqual(weights(out), weights(ref));
  });

  it('two interrupts in a row, each resumed', () => {
    const out = join(root, 'edge-twice');
    assert.equal(train(out, model, [], 'sigint@batch:2').status, 130);
    assert.equal(train(out, model, ['--resume'], 'sigint@batch:4').status, 130);
    assert.equal(train(out, model, ['--resume']).status, 0);
    assert.deepEqual(metrics(out), metrics(ref));
    assert.deepEqual(weights(out), weights(ref));
  });

  it('with crop and flip augmentation and normalisation, an interrupted run resumes identically', () => {
    const extra = ['--augment', 'crop:2,flip', '--normalize', 'auto'];
    const ref2 = join(root, 'edge-aug-ref');
    assert.equal(train(ref2, model, extra).status, 0);
    const out = join(root, 'edge-aug');
    assert.equal(train(out, model, extra, 'sigint@batch:7').status, 130);
    const b = train(out, model, ['--resume']);
    assert.equal(b.status, 0, b.stderr);
    assert.deepEqual(metrics(out), metrics(ref2));
    assert.deepEqual(weights(out), weights(ref2));
    const c = train(out, model, ['--resume', '--epochs', '3', '--augment', 'flip']);
    assert.equal(c.status, 2);
    assert.match(c.stderr, /--augment flip differs from the run being resumed \(--augment crop:2,flip\)/);
  });

  it('a kill while saving the final model: --resume writes it from the last checkpoint', () => {
    const out = join(root, 'edge-final');
    assert.equal(train(out, model, [], 'sigkill@save:model.safetensors:1:before').signal, 'SIGKILL');
    assert.ok(!existsSync(join(out, 'model.safetensors')));
    const b = train(out, model, ['--resume']);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /the run already completed its 2 epochs; nothing to train/);
    assert.deepEqual(weights(out), weights(ref));
    assert.deepEqual(metrics(out), metrics(ref));
  });
});
