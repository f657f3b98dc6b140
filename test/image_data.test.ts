/**
 * Real image data: PNG/JPEG files of any size (header read and pixel count bounded before
 * decoding), CIFAR-10 binary batches, folders of class subfolders, seeded splits. Every file is
 * generated here in its real format (fast-png and jpeg-js encoders, CIFAR's byte layout).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { data } from '../src/index.js';
import { FormatError, ValueError } from '../src/errors.js';
import { cifar10, imageFolder } from '../src/io/index.js';
import { assertThrowsTyped } from './helpers.js';

const { decodeImageFile, imageHeader, parseCifar10, randomSplit } = data;

/** A w×h RGB image whose pixel (x, y) is (x*10, y*10, 200) mod 256. */
function rgb(w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set([(x * 10) % 256, (y * 10) % 256, 200], (y * w + x) * 3);
  return px;
}
const png = (w: number, h: number, px: Uint8Array, channels: number): Uint8Array => encodePng({ width: w, height: h, data: px, channels, depth: 8 });
const jpg = (w: number, h: number, grey: number): Uint8Array => {
  const d = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) d.set([grey, grey, grey, 255], i * 4);
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: d }, 95).data);
};

describe('image files: header, bound, decode', () => {
  it('reads size and colour from the header; decodes PNG exactly and resizes', () => {
    const bytes = png(4, 3, rgb(4, 3), 3);
    assert.deepEqual(imageHeader(bytes), { format: 'png', width: 4, height: 3, channels: 3 });
    const t = decodeImageFile(bytes);
    assert.deepEqual(t.shape, [3, 3, 4]);
    // red plane at (x=2, y=1) = 20/255, green = 10/255, blue = 200/255
    assert.equal(t.data[1 * 4 + 2], Math.fround(20 / 255));
    assert.equal(t.data[12 + 1 * 4 + 2], Math.fround(10 / 255));
    assert.equal(t.data[24 + 1 * 4 + 2], Math.fround(200 / 255));
    // grey output: BT.601 luma of (20, 10, 200)
    const g = decodeImageFile(bytes, { channels: 1 });
    assert.ok(Math.abs(g.data[6]! - (0.299 * 20 + 0.587 * 10 + 0.114 * 200) / 255) < 1e-6);
    // 4x3 -> 2x2 by area averaging: the red of output (0, 0) is the mean over x in [0, 2), y in [0, 1.5)
    const r = decodeImageFile(bytes, { size: [2, 2] });
    assert.ok(Math.abs(r.data[0]! - 5 / 255) < 1e-6);
    const grey = png(2, 2, Uint8Array.of(0, 64, 128, 255), 1);
    assert.equal(imageHeader(grey).channels, 1);
    assert.deepEqual([...decodeImageFile(grey).data], [0, 64, 128, 255].map((v) => Math.fround(v / 255)));
  });

  it('decodes JPEG (lossy: a flat grey comes back within 2 levels), grey and colour', () => {
    const b = jpg(16, 8, 100);
    const h = imageHeader(b);
    assert.equal(h.format, 'jpeg');
    assert.deepEqual([h.width, h.height], [16, 8]);
    const t = decodeImageFile(b, { channels: 1 });
    assert.deepEqual(t.shape, [1, 8, 16]);
    for (const v of t.data) assert.ok(Math.abs(v * 255 - 100) <= 2, String(v * 255));
    assert.deepEqual(decodeImageFile(b, { size: [4, 4], channels: 3 }).shape, [3, 4, 4]);
  });

  it('refuses a decompression bomb from its header, before decoding', () => {
    // a PNG whose IHDR claims 30000 x 30000 (the rest of the file is never read)
    const bomb = png(1, 1, Uint8Array.of(0), 1);
    const v = new DataView(bomb.buffer, bomb.byteOffset);
    v.setUint32(16, 30000);
    v.setUint32(20, 30000);
    assertThrowsTyped(() => decodeImageFile(bomb, {}, 'bomb.png'), FormatError, 'decodeImageFile: bomb.png: the image is 30000 × 30000 = 900,000,000 pixels, more than the limit of 40,000,000; refused before decoding');
    const j = jpg(8, 8, 0);
    // patch the SOF0 frame's height and width to 20000 x 20000
    const sof = j.findIndex((x, i) => x === 0xff && j[i + 1] === 0xc0);
    new DataView(j.buffer, j.byteOffset).setUint16(sof + 5, 20000);
    new DataView(j.buffer, j.byteOffset).setUint16(sof + 7, 20000);
    assertThrowsTyped(() => decodeImageFile(j, {}, 'big.jpg'), FormatError, /big\.jpg: the image is 20000 × 20000 = 400,000,000 pixels/);
    assertThrowsTyped(() => decodeImageFile(png(10, 10, new Uint8Array(100), 1), { maxPixels: 99 }), FormatError, /more than the limit of 99/);
  });

  it('names the file when it is not an image or is corrupt', () => {
    assertThrowsTyped(() => decodeImageFile(new TextEncoder().encode('hello, world, not an image'), {}, 'notes.png'), FormatError, 'decodeImageFile: notes.png: not a PNG or JPEG file (neither signature 89 50 4e 47 nor ff d8)');
    const j = jpg(16, 16, 50);
    assertThrowsTyped(() => decodeImageFile(j.subarray(0, 120), {}, 'cut.jpg'), FormatError, /cut\.jpg: corrupt/);
    const p = png(4, 4, new Uint8Array(16), 1);
    p[p.length - 20] = p[p.length - 20]! ^ 0xff;
    assertThrowsTyped(() => decodeImageFile(p, {}, 'flip.png'), FormatError, /flip\.png: corrupt or truncated PNG/);
  });
});

/** CIFAR-10 records: label then 3072 bytes; pixel i of record r is (r + i) mod 256. */
function cifarBytes(labels: number[]): Uint8Array {
  const b = new Uint8Array(labels.length * 3073);
  labels.forEach((l, r) => {
    b[r * 3073] = l;
    for (let i = 0; i < 3072; i++) b[r * 3073 + 1 + i] = (r + i) % 256;
  });
  return b;
}

describe('CIFAR-10 binary batches', () => {
  it('parses records into [3, 32, 32] images in [0, 1] with their labels', () => {
    const ds = parseCifar10([cifarBytes([3, 9]), cifarBytes([0])]);
    assert.equal(ds.length, 3);
    assert.deepEqual([...ds.targets], [3, 9, 0]);
    const s = ds.get(1);
    assert.deepEqual(s.input.shape, [3, 32, 32]);
    // channel 1 (green), row 2, column 5 is byte 1024 + 2*32 + 5 of record 1
    assert.equal(s.input.data[1024 + 69], Math.fround(((1 + 1024 + 69) % 256) / 255));
  });

  it('errors name the file: a size that is not whole records, a label above 9', () => {
    assertThrowsTyped(() => parseCifar10([new Uint8Array(3073 * 2 + 5)], ['data_batch_1.bin']), FormatError, 'parseCifar10: data_batch_1.bin is 6151 bytes, not a whole number of 3073-byte CIFAR-10 records (2 records and 5 bytes left over); is it the binary version of CIFAR-10?');
    assertThrowsTyped(() => parseCifar10([cifarBytes([1, 12])], ['x.bin']), FormatError, /x\.bin: record 1 has label 12/);
  });

  it('cifar10(dir) reads the data batches and the test batch', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'convkit-cifar-')), 'cifar-10-batches-bin');
    mkdirSync(dir);
    writeFileSync(join(dir, 'data_batch_1.bin'), cifarBytes([1, 2, 3]));
    writeFileSync(join(dir, 'data_batch_2.bin'), cifarBytes([4]));
    writeFileSync(join(dir, 'test_batch.bin'), cifarBytes([5, 6]));
    const d = cifar10(join(dir, '..'));
    assert.deepEqual([d.train.length, d.test.length], [4, 2]);
    assert.deepEqual(d.inputShape, [3, 32, 32]);
    assert.equal(d.classes[3], 'cat');
    assert.equal(d.train.get(3).target, 4);
    assertThrowsTyped(() => cifar10(mkdtempSync(join(tmpdir(), 'convkit-empty-'))), ValueError, /lacks data_batch_1\.bin and test_batch\.bin/);
  });
});

describe('image folders', () => {
  function folder(layout: Record<string, Record<string, Uint8Array>>): string {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-folder-'));
    for (const [cls, files] of Object.entries(layout)) {
      mkdirSync(join(dir, cls), { recursive: true });
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, cls, name), bytes);
    }
    return dir;
  }
  const g = (v: number, w = 6, h = 6): Uint8Array => png(w, h, new Uint8Array(w * h).fill(v), 1);

  it('classes are the sorted subfolders; images of any size are resized to the first one; grey stays 1 channel', () => {
    const dir = folder({ zebra: { 'a.png': g(200, 6, 6), 'notes.txt': new Uint8Array(3) }, ant: { 'c.png': g(10, 3, 3), 'd.png': g(20), 'e.png': g(30), 'f.png': g(50), 'h.png': g(60) } });
    assert.deepEqual(imageFolder(dir).inputShape, [1, 3, 3]);
    // a JPEG (3 components, YCbCr, as jpeg-js writes it) makes every image 3 channels
    writeFileSync(join(dir, 'zebra', 'b.jpg'), jpg(12, 9, 40));
    const d = imageFolder(dir, { valFraction: 2 / 7, seed: 1 });
    assert.deepEqual(d.classes, ['ant', 'zebra']);
    assert.deepEqual(d.inputShape, [3, 3, 3]);
    assert.deepEqual([d.train.length, d.test.length], [5, 2]);
    const all = [...Array(5).keys()].map((i) => d.train.get(i)).concat([0, 1].map((i) => d.test.get(i)));
    // every image is there once: ant's flat greys, zebra's png (200) and jpeg (~40)
    const levels = all.map((s) => [s.target, Math.round(s.input.data[4]! * 255)] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(levels.map((l) => l[0]), [0, 0, 0, 0, 0, 1, 1]);
    assert.deepEqual(levels.slice(0, 5).map((l) => l[1]), [10, 20, 30, 50, 60]);
    assert.ok(Math.abs(levels[5]![1] - 40) <= 2 && levels[6]![1] === 200);
    // the split is seeded: the same seed gives the same test set
    const again = imageFolder(dir, { valFraction: 2 / 7, seed: 1 });
    assert.deepEqual([0, 1].map((i) => [...again.test.get(i).input.data]), [0, 1].map((i) => [...d.test.get(i).input.data]));
    // grey images become three equal planes
    const grey = all.find((s) => s.target === 0)!.input.data;
    assert.deepEqual([grey[0], grey[9], grey[18]], [grey[0], grey[0], grey[0]]);
    assert.deepEqual(imageFolder(dir, { size: [8, 5], channels: 1 }).inputShape, [1, 8, 5]);
  });

  it('train/ and test/ subfolders are the two sets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-folder-'));
    for (const [split, n] of [['train', 3], ['test', 1]] as const) {
      for (const cls of ['a', 'b']) {
        mkdirSync(join(dir, split, cls), { recursive: true });
        for (let i = 0; i < n; i++) writeFileSync(join(dir, split, cls, `${i}.png`), g(i * 9));
      }
    }
    const d = imageFolder(dir);
    assert.deepEqual([d.train.length, d.test.length, d.classes], [6, 2, ['a', 'b']]);
    mkdirSync(join(dir, 'test', 'c'));
    writeFileSync(join(dir, 'test', 'c', 'x.png'), g(1));
    assertThrowsTyped(() => imageFolder(dir), ValueError, /test\/c is not one of the training classes \(a, b\)/);
  });

  it('errors: an empty class folder, an undecodable image, no class folders', () => {
    const empty = folder({ cat: { 'a.png': g(1) }, dog: { 'readme.md': new Uint8Array(2) } });
    assertThrowsTyped(() => imageFolder(empty), ValueError, /the class folder .*dog has no \.png or \.jpg images/);
    const broken = folder({ cat: { 'a.png': g(1), 'b.png': new TextEncoder().encode('not really a png') } });
    assertThrowsTyped(() => imageFolder(broken), FormatError, /imageFolder: .*cat\/b\.png: not a PNG or JPEG file/);
    assertThrowsTyped(() => imageFolder(mkdtempSync(join(tmpdir(), 'convkit-none-'))), ValueError, /has no class subfolders/);
  });
});

describe('randomSplit', () => {
  it('disjoint subsets covering the dataset, seeded, from counts or fractions', () => {
    const ds = { length: 10, get: (i: number) => ({ input: data.toTensor([i], [1]), target: i }) };
    const [a, b] = randomSplit(ds, [7, 3], { seed: 4 });
    const idx = [...a!.indices, ...b!.indices].sort((x, y) => x - y);
    assert.deepEqual(idx, [...Array(10).keys()]);
    assert.deepEqual(randomSplit(ds, [7, 3], { seed: 4 })[1]!.indices, b!.indices);
    assert.notDeepEqual(randomSplit(ds, [7, 3], { seed: 5 })[1]!.indices, b!.indices);
    assert.equal(b!.get(0).target, b!.indices[0]);
    // fractions: floor(0.25 * 10) = 2 and floor(0.75 * 10) = 7, the one left over goes to the first
    assert.deepEqual(randomSplit(ds, [0.25, 0.75]).map((s) => s.length), [3, 7]);
    assertThrowsTyped(() => randomSplit(ds, [5, 4]), ValueError, /counts summing to the dataset's length 10, or fractions summing to 1/);
  });
});
