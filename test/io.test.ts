/** convkit/io: the embedded digits, IDX files and folders, Fashion-MNIST, PNG images. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encode } from 'fast-png';
import type { ImageData } from 'fast-png';
import { FormatError, ValueError, tensor } from '../src/index.js';
import { decodeImage, parseIdx } from '../src/data/index.js';
import { FASHION_MNIST_DIR, fashionMnist, idxDataset, loadDigits, loadIdx, readImage } from '../src/io/index.js';
import { assertClose, assertThrowsTyped } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'convkit-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDigits', () => {
  const { train, test } = loadDigits();
  const root = join(createRequire(import.meta.url).resolve('mnist/package.json'), '..');
  const raw = (c: number) => (JSON.parse(readFileSync(join(root, 'src', 'digits', `${c}.json`), 'utf8')) as { data: number[] }).data;
  const counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

  it('has 8,000 training and 2,000 test images, the test set balanced at 200 per class', () => {
    assert.equal(train.length, 8000);
    assert.equal(test.length, 2000);
    const perClass = (t: Int32Array) => Array.from({ length: 10 }, (_, c) => t.filter((y) => y === c).length);
    assert.deepEqual(perClass(test.targets.data as Int32Array), Array(10).fill(200));
    assert.deepEqual(perClass(train.targets.data as Int32Array), counts.map((n) => n - 200));
    assert.deepEqual([...test.targets.data.subarray(0, 12)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1], 'classes interleaved');
  });

  it('gives float32 [1, 28, 28] images in [0, 1] equal to the package data', () => {
    const { input, target } = train.get(3);
    assert.equal(input.dtype, 'float32');
    assert.deepEqual([...input.shape], [1, 28, 28]);
    assert.equal(target, 3);
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.inputs.data) (min = Math.min(min, v)), (max = Math.max(max, v));
    assert.equal(min, 0);
    assert.equal(max, 1);
    // train 3 is class 3's first image; test 5 is class 5's image 863 - 200
    const five = raw(5).slice(663 * 784, 664 * 784);
    assertClose(test.get(5).input, tensor(five, { shape: [1, 28, 28], dtype: 'float64' }), { rtol: 0, atol: 0.0005 }, 'test[5]');
    assertClose(input, tensor(raw(3).slice(0, 784), { shape: [1, 28, 28], dtype: 'float64' }), { rtol: 0, atol: 0.0005 }, 'train[3]');
    assert.ok(test.get(5).input.data.every((v) => Number.isInteger(Math.round(v * 255)) && Math.abs(v * 255 - Math.round(v * 255)) < 1e-4), 'pixels are bytes / 255');
  });

  it('is the same split every time; trainPerClass balances the training set', () => {
    const again = loadDigits();
    assert.deepEqual(again.test.inputs.data, test.inputs.data);
    assert.deepEqual(again.train.targets.data, train.targets.data);
    const balanced = loadDigits({ trainPerClass: 663 });
    assert.equal(balanced.train.length, 6630);
    assert.deepEqual(balanced.test.targets.data, test.targets.data);
    assertThrowsTyped(() => loadDigits({ trainPerClass: 664 }), ValueError, 'digitsSplit: rawPerClass[5] must be at least 864 images of class 5, got 863 images');
  });
});

const SIZES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** An IDX file written by hand: big-endian header and items. */
function idx(code: number, dims: number[], values: number[]): Uint8Array {
  const size = SIZES[code]!;
  const head = 4 + 4 * dims.length;
  const v = new DataView(new ArrayBuffer(head + values.length * size));
  v.setUint8(2, code);
  v.setUint8(3, dims.length);
  dims.forEach((d, k) => v.setUint32(4 + 4 * k, d));
  values.forEach((x, i) => {
    const at = head + i * size;
    if (code === 0x08) v.setUint8(at, x);
    else if (code === 0x09) v.setInt8(at, x);
    else if (code === 0x0b) v.setInt16(at, x);
    else if (code === 0x0c) v.setInt32(at, x);
    else if (code === 0x0d) v.setFloat32(at, x);
    else v.setFloat64(at, x);
  });
  return new Uint8Array(v.buffer);
}

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('IDX files', () => {
  it('reads every IDX type, raw and gzipped', () => {
    const pixels = [0, 1, 127, 128, 254, 255];
    const raw = file('img-idx3-ubyte', idx(0x08, [1, 2, 3], pixels));
    const gz = file('img-idx3-ubyte.gz', gzipSync(idx(0x08, [1, 2, 3], pixels)));
    for (const p of [raw, gz]) {
      const t = loadIdx(p);
      assert.equal(t.dtype, 'int32');
      assert.deepEqual([...t.shape], [1, 2, 3]);
      assert.deepEqual([...t.data], pixels);
    }
    const cases: [number, number[], string][] = [
      [0x09, [-128, -1, 0, 127], 'int32'],
      [0x0b, [-32768, -2, 300, 32767], 'int32'],
      [0x0c, [-(2 ** 31), -7, 65536, 2 ** 31 - 1], 'int32'],
      [0x0d, [Math.fround(0.1), -2.5, Infinity, Math.fround(-1e-40)], 'float32'],
      [0x0e, [0.1, -0, 1e-310, -Infinity], 'float64'],
    ];
    for (const [code, values, dtype] of cases) {
      const t = loadIdx(file(`t${code}.idx`, idx(code, [2, 2], values)));
      assert.equal(t.dtype, dtype, `type ${code}`);
      assert.deepEqual([...t.shape], [2, 2]);
      values.forEach((v, i) => assert.ok(Object.is(t.data[i], v), `type ${code} [${i}]: ${t.data[i]} vs ${v}`));
    }
    assert.deepEqual([...parseIdx(idx(0x08, [0, 28, 28], [])).shape], [0, 28, 28], 'empty files are fine');
  });

  it('names the file and what is wrong with it', () => {
    const good = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
    const p = (name: string, b: Uint8Array) => file(name, b);
    const bad = p('bad-magic', Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 1, 7]));
    assertThrowsTyped(() => loadIdx(bad), FormatError, `loadIdx: ${bad}: not an IDX file: the magic number must start with 00 00, got 01 02 08 01`);
    const type = p('bad-type', Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 1, 7]));
    assertThrowsTyped(() => loadIdx(type), FormatError, `loadIdx: ${type}: unknown IDX data type code 0x07 (expected 08 ubyte, 09 byte, 0b short, 0c int, 0d float or 0e double)`);
    const zero = p('zero-dims', Uint8Array.from([0, 0, 8, 0, 5]));
    assertThrowsTyped(() => loadIdx(zero), FormatError, `loadIdx: ${zero}: the IDX header declares 0 dimensions`);
    const tiny = p('tiny', Uint8Array.from([0, 0]));
    assertThrowsTyped(() => loadIdx(tiny), FormatError, `loadIdx: ${tiny}: 2 bytes is too short for an IDX file (the first 4 bytes are the magic number)`);
    const head = p('cut-header', good.subarray(0, 9));
    assertThrowsTyped(() => loadIdx(head), FormatError, `loadIdx: ${head}: 9 bytes is too short for the IDX header of 2 dimensions (12 bytes); is the file truncated?`);
    const cut = p('cut-data', good.subarray(0, good.length - 2));
    assertThrowsTyped(() => loadIdx(cut), FormatError, `loadIdx: ${cut}: the header declares [2, 3] unsigned byte items (6 data bytes after the 12-byte header) but the file has 4 data bytes; is it truncated?`);
    const long = p('long', Uint8Array.from([...good, 0]));
    assertThrowsTyped(() => loadIdx(long), FormatError, `loadIdx: ${long}: the header declares [2, 3] unsigned byte items (6 data bytes after the 12-byte header) but the file has 7 data bytes`);
    const f32 = p('f32-size', idx(0x0d, [3], [1, 2, 3]).subarray(0, 19));
    assertThrowsTyped(() => loadIdx(f32), FormatError, /declares \[3\] float32 items \(12 data bytes after the 8-byte header\) but the file has 11 data bytes; is it truncated\?$/);
    const huge = p('huge', Uint8Array.from([0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255]));
    assertThrowsTyped(() => loadIdx(huge), FormatError, /declares \[4294967295, 4294967295\] unsigned byte items/);
    const gz = gzipSync(good);
    const cutGz = p('cut.gz', gz.subarray(0, gz.length - 10));
    assertThrowsTyped(() => loadIdx(cutGz), FormatError, new RegExp(`^loadIdx: ${cutGz}: corrupt gzip data \\(`));
    assertThrowsTyped(() => loadIdx(join(dir, 'nope')), ValueError, `loadIdx: no such file: ${join(dir, 'nope')}`);
  });

  it('idxDataset builds train/test from the four MNIST-style files, raw or gzipped', () => {
    const d = join(dir, 'mnist-like');
    mkdirSync(d);
    const imgs = (n: number, base: number) => idx(0x08, [n, 2, 2], Array.from({ length: 4 * n }, (_, i) => (base + i) % 256));
    writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(imgs(3, 0)));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), idx(0x08, [3], [5, 0, 9]));
    writeFileSync(join(d, 't10k-images.idx3-ubyte'), imgs(2, 250));
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [2], [1, 2])));
    const { train, test } = idxDataset(d);
    assert.equal(train.length, 3);
    assert.equal(test.length, 2);
    assert.deepEqual([...train.inputs.shape], [3, 1, 2, 2]);
    assert.equal(train.inputs.dtype, 'float32');
    assert.deepEqual([...train.targets.data], [5, 0, 9]);
    assert.deepEqual([...train.get(1).input.data], [4, 5, 6, 7].map((v) => Math.fround(v / 255)));
    assert.deepEqual([...test.get(0).input.data], [250, 251, 252, 253].map((v) => Math.fround(v / 255)));
    assert.deepEqual([...test.targets.data], [1, 2]);
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [3], [1, 2, 3])));
    assertThrowsTyped(() => idxDataset(d), FormatError, `idxDataset: ${join(d, 't10k-images.idx3-ubyte')} holds 2 images but ${join(d, 't10k-labels-idx1-ubyte.gz')} holds 3 labels`);
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [2], [1, 2])));
    writeFileSync(join(d, 't10k-images.idx3-ubyte'), idx(0x0d, [2, 2], [0.5, 0.5, 0.5, 0.5]));
    assertThrowsTyped(() => idxDataset(d), FormatError, `idxDataset: ${join(d, 't10k-images.idx3-ubyte')} holds float32 [2, 2] and ${join(d, 't10k-labels-idx1-ubyte.gz')} holds int32 [2]; expected byte images [N, H, W] and integer labels [N]`);
    rmSync(join(d, 'train-labels-idx1-ubyte'));
    assertThrowsTyped(() => idxDataset(d), ValueError, `idxDataset: ${d} lacks train-labels-idx1-ubyte (raw or .gz)`);
  });
});

describe('fashionMnist', () => {
  it('explains how to install it when it is missing', () => {
    const missing = join(dir, 'no-fashion');
    assertThrowsTyped(
      () => fashionMnist(missing),
      ValueError,
      `fashionMnist: Fashion-MNIST is not in ${missing}. On Debian/Ubuntu install it with \`apt-get install dataset-fashion-mnist\` (it goes to /usr/share/datasets/fashion-mnist), or pass the folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz`,
    );
  });

  it('loads the Debian package files: 60,000 / 10,000 balanced 28×28 images', { skip: !existsSync(FASHION_MNIST_DIR) && `${FASHION_MNIST_DIR} not installed` }, () => {
    const { train, test } = fashionMnist();
    assert.equal(train.length, 60000);
    assert.equal(test.length, 10000);
    assert.deepEqual([...train.inputs.shape], [60000, 1, 28, 28]);
    const count = (t: Int32Array) => Array.from({ length: 10 }, (_, c) => t.filter((y) => y === c).length);
    assert.deepEqual(count(train.targets.data as Int32Array), Array(10).fill(6000));
    assert.deepEqual(count(test.targets.data as Int32Array), Array(10).fill(1000));
    const x = test.inputs.data;
    assert.ok(x.every((v) => v >= 0 && v <= 1));
    assert.ok(x.some((v) => v === 1) && x.some((v) => v === 0));
  });
});

describe('readImage', () => {
  const png = (img: ImageData) => encode(img);
  const grey8 = Uint8Array.from([0, 51, 102, 153, 204, 255]); // 3 wide, 2 high

  it('reads grey 8-bit, 16-bit and 1-bit PNGs exactly at their own size', () => {
    const g = readImage(png({ width: 3, height: 2, data: grey8, channels: 1, depth: 8 }), { size: null });
    assert.equal(g.dtype, 'float32');
    assert.deepEqual([...g.shape], [1, 2, 3]);
    assert.deepEqual([...g.data], [...grey8].map((v) => Math.fround(v / 255)));
    const g16 = readImage(png({ width: 2, height: 1, data: Uint16Array.from([65535, 1000]), channels: 1, depth: 16 }), { size: null });
    assert.deepEqual([...g16.data], [1, Math.fround(1000 / 65535)]);
    // 10 pixels a row, so each row is padded to 2 bytes
    const bits = png({ width: 10, height: 2, data: Uint8Array.from([0b10110011, 0b01000000, 0b00000001, 0b11000000]), channels: 1, depth: 1 });
    assert.deepEqual([...readImage(bits, { size: null }).data], [1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('converts RGB, alpha and palette images to grey', () => {
    const rgb = readImage(png({ width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 10, 20, 30]), channels: 3, depth: 8 }), { size: null });
    assertClose(rgb, tensor([[[0.299, (0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 255]]], { dtype: 'float64' }), { rtol: 0, atol: 1e-7 }, 'luma');
    const rgba = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 51]);
    const over = (background: number) => [...readImage(png({ width: 3, height: 1, data: rgba, channels: 4, depth: 8 }), { size: null, background }).data];
    assertClose(readImage(png({ width: 3, height: 1, data: rgba, channels: 4, depth: 8 }), { size: null }), tensor([[[1, 0, 0.8]]], { dtype: 'float64' }), { rtol: 0, atol: 1e-7 }, 'over white');
    assert.deepEqual(over(0), [0, 0, 0]);
    const ga = readImage(png({ width: 2, height: 1, data: Uint8Array.from([100, 255, 100, 0]), channels: 2, depth: 8 }), { size: null, background: 0.5 });
    assertClose(ga, tensor([[[100 / 255, 0.5]]], { dtype: 'float64' }), { rtol: 0, atol: 1e-7 }, 'grey+alpha');
    const palette = [[255, 0, 0], [0, 0, 0], [255, 255, 255], [0, 0, 255]];
    const pal = png({ width: 5, height: 1, data: Uint8Array.from([0b00011011, 0b00000000]), channels: 1, depth: 2, palette });
    assertClose(readImage(pal, { size: null }), tensor([[[0.299, 0, 1, 0.114, 0.299]]], { dtype: 'float64' }), { rtol: 0, atol: 1e-7 }, 'palette');
    const colour = readImage(pal, { size: null, grey: false });
    assert.deepEqual([...colour.shape], [3, 1, 5]);
    assert.deepEqual([...colour.data], [1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0]);
  });

  it('resizes by area averaging when shrinking and bilinearly when growing; inverts on request', () => {
    // 56×56 made of 2×2 blocks: shrinking to 28×28 gives the block values exactly
    const big = new Uint8Array(56 * 56).map((_, i) => ((Math.floor(i / 112) * 7 + Math.floor((i % 56) / 2) * 3) % 256));
    const small = readImage(png({ width: 56, height: 56, data: big, channels: 1, depth: 8 }));
    assert.deepEqual([...small.shape], [1, 28, 28]);
    for (const [y, x] of [[0, 0], [5, 17], [27, 27]] as const) assert.equal(small.data[y * 28 + x], Math.fround(((y * 7 + x * 3) % 256) / 255));
    // 3×3 → 2×2: output (0, 0) covers [0, 1.5)²: weights 1, 0.5, 0.5, 0.25 over 2.25
    const nine = Uint8Array.from([90, 0, 0, 180, 0, 0, 0, 0, 0]);
    const q = readImage(png({ width: 3, height: 3, data: nine, channels: 1, depth: 8 }), { size: [2, 2] });
    assertClose(q, tensor([[[(90 + 0.5 * 180) / 2.25 / 255, 0], [(0.5 * 180) / 2.25 / 255, 0]]], { dtype: 'float64' }), { rtol: 0, atol: 1e-7 }, 'area 3→2');
    // 2 → 4 along x: sample points -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
    const up = readImage(png({ width: 2, height: 1, data: Uint8Array.from([0, 255]), channels: 1, depth: 8 }), { size: [1, 4] });
    assert.deepEqual([...up.data], [0, 0.25, 0.75, 1]);
    const inv = readImage(png({ width: 3, height: 2, data: grey8, channels: 1, depth: 8 }), { size: null, invert: true });
    assertClose(inv, tensor([[[1, 0.8, 0.6], [0.4, 0.2, 0]]], { dtype: 'float64' }), { rtol: 0, atol: 1e-7 }, 'invert');
  });

  it('reads files, and rejects non-PNG or corrupt data with FormatErrors', () => {
    const p = file('digit.png', png({ width: 3, height: 2, data: grey8, channels: 1, depth: 8 }));
    assert.deepEqual([...readImage(p, { size: [2, 3] }).data], [...grey8].map((v) => Math.fround(v / 255)));
    const jpeg = file('photo.png', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]));
    assertThrowsTyped(() => readImage(jpeg), FormatError, `readImage: ${jpeg}: not a PNG file (it does not start with the PNG signature 89 50 4e 47 0d 0a 1a 0a)`);
    const good = png({ width: 3, height: 2, data: grey8, channels: 1, depth: 8 });
    const flipped = good.slice();
    flipped[45] = flipped[45]! ^ 0xff;
    assertThrowsTyped(() => readImage(flipped), FormatError, /^readImage: image bytes: corrupt or truncated PNG \(CRC mismatch for chunk IDAT/);
    assertThrowsTyped(() => decodeImage(good.subarray(0, 40)), FormatError, /^decodeImage: image: corrupt or truncated PNG \(/);
    assertThrowsTyped(() => readImage(join(dir, 'none.png')), ValueError, `readImage: no such file: ${join(dir, 'none.png')}`);
    assertThrowsTyped(() => readImage(good, { size: [28] as never }), ValueError, 'readImage: options.size must be [height, width] with positive integers, or null, got [28]');
    assertThrowsTyped(() => readImage(good, { gray: true } as never), ValueError, /unknown option "gray"/);
    assertThrowsTyped(() => readImage(42 as never), ValueError, 'readImage: source must be a file path or a Uint8Array of PNG data, got 42');
  });
});
