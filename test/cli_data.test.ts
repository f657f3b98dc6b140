/**
 * `convkit train` on image data (folder:DIR of PNG/JPEG, cifar10:DIR), with an architecture string,
 * augmentation and normalisation; `eval` and `predict` rebuilding everything from the checkpoint;
 * the errors a user meets on the way. Spawned processes, files generated in their real formats.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { Generator } from '../src/index.js';
import { ROOT } from './helpers.js';

const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

/** An RGB image (RGBA bytes) with a bright square in the top-left ("tl") or bottom-right ("br") quarter, plus noise. */
function square(kind: 'tl' | 'br', size: number, g: Generator): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const h = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = kind === 'tl' ? y < h && x < h : y >= h && x >= h;
      const v = Math.min(255, Math.max(0, (inside ? 210 : 40) + g.int(-30, 31)));
      px.set([v, Math.floor(v * 0.8), 255 - v, 255], (y * size + x) * 4);
    }
  }
  return px;
}

describe('convkit train/eval/predict on image folders and CIFAR-10', () => {
  const root = mkdtempSync(join(tmpdir(), 'convkit-cli-data-'));

  it('folder:DIR of PNG and JPEG of two sizes: trains an architecture string, eval prints the confusion matrix, predict names the class', () => {
    const data = join(root, 'squares');
    const g = new Generator(11);
    for (const kind of ['br', 'tl'] as const) {
      mkdirSync(join(data, kind), { recursive: true });
      for (let i = 0; i < 30; i++) {
        const size = i % 2 === 0 ? 16 : 24;
        const px = square(kind, size, g);
        const file = join(data, kind, `${i}.${i % 3 === 0 ? 'jpg' : 'png'}`);
        writeFileSync(file, i % 3 === 0 ? jpeg.encode({ width: size, height: size, data: px }, 90).data : encodePng({ width: size, height: size, data: px, channels: 4, depth: 8 }));
      }
    }
    const out = join(root, 'run-squares');
    const arch = '3x16x16 | conv 4 k3 p1 | bn | relu | maxpool 2 | res( conv 4 k3 p1 | relu ) | maxpool 2 | fc 2';
    const r = run('train', '--data', `folder:${data}`, '--model', arch, '--epochs', '4', '--batch-size', '8', '--augment', 'flip', '--normalize', 'auto', '--val-split', '0.25', '--out', out, '--seed', '3');
    assert.equal(r.status, 0, r.stderr);
    // 60 images, 25% held out: 45 train / 15 test
    assert.match(r.stdout, /45 train \/ 15 test examples/);
    const final = /final test accuracy (\d+\.\d\d)% on 15 examples/.exec(r.stdout);
    assert.ok(final, r.stdout);
    assert.ok(Number(final[1]) >= 80, `accuracy ${final[1]}% on an easy task`);
    assert.ok(existsSync(join(out, 'report.html')));
    // eval rebuilds the model from the file alone and loads the same held-out images
    const e = run('eval', join(out, 'model.safetensors'));
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, new RegExp(`custom on folder:.* test set: accuracy ${final[1]}%`));
    assert.match(e.stdout, /true \\ predicted +0 +1 +accuracy\n0 br +\d+ +\d+ +\d+\.\d%\n1 tl +\d+ +\d+ +\d+\.\d%/);
    const rows = [...e.stdout.matchAll(/^\d (?:br|tl) +(\d+) +(\d+)/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(rows.flat().reduce((a, b) => a + b, 0), 15);
    // predict: a new top-left square, as a JPEG of yet another size
    const img = join(root, 'new.jpg');
    writeFileSync(img, jpeg.encode({ width: 40, height: 40, data: square('tl', 40, new Generator(99)) }, 90).data);
    const p = run('predict', join(out, 'model.safetensors'), img, '--top', '2');
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /new\.jpg: 1 tl \(\d+\.\d%\), 0 br \(\d+\.\d%\)/);
    const meta = readFileSync(join(out, 'model.safetensors'));
    assert.ok(meta.includes(Buffer.from(arch.replace(/"/g, '\\"'))), 'the checkpoint records the architecture string');
  });

  it('cifar10:DIR: a named model adapts to 3x32x32 inputs', () => {
    const dir = join(root, 'cifar');
    mkdirSync(dir);
    const g = new Generator(5);
    const batch = (n: number): Uint8Array => {
      const b = new Uint8Array(n * 3073);
      for (let r = 0; r < n; r++) {
        const label = r % 10;
        b[r * 3073] = label;
        // class k: channel k % 3 bright, the rest noise
        for (let i = 0; i < 3072; i++) b[r * 3073 + 1 + i] = Math.floor(i / 1024) === label % 3 ? 150 + label * 10 : g.int(0, 60);
      }
      return b;
    };
    writeFileSync(join(dir, 'data_batch_1.bin'), batch(100));
    writeFileSync(join(dir, 'test_batch.bin'), batch(40));
    const out = join(root, 'run-cifar');
    const r = run('train', '--data', `cifar10:${dir}`, '--model', 'lenet', '--epochs', '1', '--augment', 'crop:4,flip', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /100 train \/ 40 test examples/);
    const e = run('eval', join(out, 'model.safetensors'));
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stdout, /^lenet on cifar10:.* test set: accuracy/);
    assert.match(e.stdout, /\n3 cat +/);
    const s = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(s, /3x32x32 \| conv 6 k5 p2 \| relu \| maxpool 2 \| conv 16 k5 \| relu \| maxpool 2 \| flatten \| fc 120 \| relu \| fc 84 \| relu \| fc 10/);
  });

  it('errors name what does not fit: the model string and the data, a bad augmentation, a broken record file', () => {
    const data = join(root, 'squares');
    const a = run('train', '--data', `folder:${data}`, '--model', '1x28x28 | conv 4 k3 | fc 2', '--epochs', '1', '--out', join(root, 'x'));
    assert.equal(a.status, 2);
    assert.match(a.stderr, /error: the architecture reads inputs of 1x28x28 but folder:.*squares has inputs of 3x16x16; start the string with "3x16x16 \|"/);
    const b = run('train', '--data', `folder:${data}`, '--model', '3x16x16 | fc 10', '--epochs', '1', '--out', join(root, 'x'));
    assert.match(b.stderr, /has 2 classes; end the string with "fc 2"/);
    const c = run('train', '--model', 'resnet', '--out', join(root, 'x'));
    assert.match(c.stderr, /--model "resnet" is neither a named model \(digits, mnist-net, lenet\) nor an architecture string/);
    const d = run('train', '--augment', 'crop:2,spin', '--epochs', '1', '--out', join(root, 'x'));
    assert.equal(d.status, 2);
    assert.match(d.stderr, /--augment: bad item "spin"/);
    const bad = join(root, 'badcifar');
    mkdirSync(bad);
    writeFileSync(join(bad, 'data_batch_1.bin'), new Uint8Array(3073 + 7));
    writeFileSync(join(bad, 'test_batch.bin'), new Uint8Array(3073));
    const f = run('train', '--data', `cifar10:${bad}`, '--out', join(root, 'x'));
    assert.equal(f.status, 2);
    assert.match(f.stderr, /data_batch_1\.bin is 3080 bytes, not a whole number of 3073-byte CIFAR-10 records/);
    const h = run('train', '--model', '1x28x28 | conv 8 k3 | res( conv 4 k3 p1 ) | fc 10', '--out', join(root, 'x'));
    assert.equal(h.status, 2);
    assert.match(h.stderr, /residual: the block's layers turn \[1, 8, 26, 26\] into \[1, 4, 26, 26\]/);
  });
});
