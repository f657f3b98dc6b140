/**
 * PNG decompression bombs are refused before decoding: a header that claims too many pixels, image
 * data that inflates past what the header announces, an oversized colour profile. The PNGs are
 * built chunk by chunk here (with valid CRCs), so the bombs cost the test a few KB.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Zlib, zlibSync } from 'fflate';
import { FormatError, ValueError } from '../src/index.js';
import { MAX_IMAGE_PIXELS, decodeImage, decodeImageFile } from '../src/data/index.js';
import { readImage } from '../src/io/index.js';
import { buildModel } from '../src/models/index.js';
import { saveCheckpoint } from '../src/cli/checkpoint.js';
import { ROOT, assertThrowsTyped } from './helpers.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  let c = 0xffffffff;
  for (let i = 4; i < 8 + body.length; i++) c = CRC_TABLE[(c ^ out[i]!) & 0xff]! ^ (c >>> 8);
  v.setUint32(8 + body.length, (c ^ 0xffffffff) >>> 0);
  return out;
}

function ihdr(w: number, h: number, interlace = 0): Uint8Array {
  const b = new Uint8Array(13);
  const v = new DataView(b.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  b.set([8, 0, 0, 0, interlace], 8); // 8-bit grey
  return chunk('IHDR', b);
}

function pngOf(...chunks: Uint8Array[]): Uint8Array {
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks, chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** zlib stream of `n` zero bytes, deflated in 1 MB pieces (never holding n bytes). */
function zeros(n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const z = new Zlib({ level: 9 }, (c) => parts.push(c));
  const piece = new Uint8Array(1 << 20);
  for (let left = n; left > 0; left -= piece.length) z.push(left > piece.length ? piece : piece.subarray(0, left), left <= piece.length);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('PNG decompression bombs', () => {
  it('a header claiming 30000 × 30000 pixels is a FormatError naming width × height, before any decoding', () => {
    const bomb = pngOf(ihdr(30000, 30000), chunk('IDAT', zeros(1000)));
    assertThrowsTyped(
      () => decodeImage(bomb),
      FormatError,
      'decodeImage: image: the PNG declares 30000 × 30000 = 900,000,000 pixels, more than the limit of 40,000,000 (options.maxPixels); refusing to decode it',
    );
    assert.equal(MAX_IMAGE_PIXELS, 40_000_000);
  });

  it('maxPixels lowers or raises the limit', () => {
    const small = pngOf(ihdr(28, 28), chunk('IDAT', zlibSync(new Uint8Array(28 * 29))));
    assert.deepEqual(decodeImage(small, { size: null }).shape, [1, 28, 28]);
    assertThrowsTyped(() => decodeImage(small, { maxPixels: 783 }), FormatError, /declares 28 × 28 = 784 pixels, more than the limit of 783/);
    assertThrowsTyped(() => decodeImage(small, { maxPixels: 0 }), ValueError, 'decodeImage: options.maxPixels must be a positive integer, got 0');
  });

  it('image data inflating past what the header announces is refused while inflating', () => {
    // 100 × 100 grey needs 100 · (1 + 100) = 10,100 bytes; this stream inflates to 64 MB
    const bomb = pngOf(ihdr(100, 100), chunk('IDAT', zeros(64 << 20)));
    assert.ok(bomb.length < 100_000, `${bomb.length} bytes`);
    assertThrowsTyped(() => readImage(bomb), FormatError, /readImage: image bytes: the image data inflates to more than the 10,100 bytes a 100 × 100 image needs/);
    // the PNG/JPEG reader of image datasets and predict too
    assertThrowsTyped(() => decodeImageFile(bomb), FormatError, /decodeImageFile: image: the image data inflates to more than the 10,100 bytes/);
  });

  it('an embedded colour profile inflating past 16 MB is refused', () => {
    const profile = Uint8Array.from([...'icc'].map((c) => c.charCodeAt(0)).concat([0, 0]));
    const z = zeros(32 << 20);
    const body = new Uint8Array(profile.length + z.length);
    body.set(profile);
    body.set(z, profile.length);
    const bomb = pngOf(ihdr(2, 2), chunk('iCCP', body), chunk('IDAT', zlibSync(new Uint8Array(2 * 3))));
    assertThrowsTyped(() => decodeImage(bomb), FormatError, /colour profile \(iCCP\) inflates to more than 16,777,216 bytes/);
  });

  it('an Adam7-interlaced image still decodes (its exact data size is within the bound)', () => {
    // 3 × 2 grey, values 10·(y·3 + x); passes 1 (0,0), 2 none (x0=4), 3 none (y0=4), 4 (2,0), 5 none (y0=2), 6 (1,0), 7 (row 1)
    const rows = [[0, 0], [0, 20], [0, 10], [0, 30, 40, 50]];
    const raw = Uint8Array.from(rows.flat());
    const img = pngOf(ihdr(3, 2, 1), chunk('IDAT', zlibSync(raw)));
    assert.deepEqual([...decodeImage(img, { size: null }).data].map((v) => Math.round(v * 255)), [0, 10, 20, 30, 40, 50]);
  });

  it('convkit predict reports the bomb and stays small', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-bomb-'));
    const path = join(dir, 'bomb.png');
    writeFileSync(path, pngOf(ihdr(30000, 30000), chunk('IDAT', zeros(1 << 20))));
    const bin = fileURLToPath(new URL('bin/convkit.js', ROOT));
    const model = join(dir, 'model.safetensors');
    saveCheckpoint(model, { model: buildModel('digits').stateDict(), optimizer: null, run: { model: 'digits', data: 'digits', epoch: 1, seed: 0, optimizer: 'adam', scheduler: null, testAccuracy: null } });
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', bin, 'predict', model, path], { encoding: 'utf8' });
    assert.match(r.stderr, /bomb\.png: the image is 30000 × 30000 = 900,000,000 pixels, more than the limit of 40,000,000; refused before decoding/);
    assert.notEqual(r.status, 0);
  });
});
