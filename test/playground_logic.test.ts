/**
 * Unit tests of the playground's pure UI logic (playground/src/logic.ts) and its static server
 * (playground/serve.mjs). The playground's TypeScript is not compiled by the repository's tsc (it is
 * bundled by esbuild), so this test bundles logic.ts with esbuild into a temporary file and imports it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Rgb = readonly [number, number, number];
interface Logic {
  linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number;
  niceTicks(min: number, max: number, count?: number): number[];
  chartDomain(values: readonly number[], fixed?: { min?: number; max?: number }): [number, number];
  decimate<T>(points: readonly T[], max: number): T[];
  ema(values: readonly number[], alpha: number): number[];
  heatColor(v: number, min: number, max: number): Rgb;
  textColorOn(rgb: Rgb): string;
  extent(values: ArrayLike<number>): [number, number];
  fmtNum(v: number): string;
  parseConvParams(raw: Record<string, string | undefined>): { ok: true; params: Record<string, unknown> } | { ok: false; errors: { field: string; message: string }[] };
  parseNumberList(s: string, maxLength?: number): number[] | null;
  randomInts(n: number, lo: number, hi: number, seed: number): number[];
  preprocessDigit(gray: ArrayLike<number>, w: number, h: number, threshold?: number): Float32Array;
  softmax(logits: ArrayLike<number>): number[];
  argmax(v: ArrayLike<number>): number;
  nextTabIndex(key: string, current: number, count: number): number | null;
}

let L: Logic;
const tmp = mkdtempSync(join(tmpdir(), 'convkit-pg-logic-'));

before(async () => {
  const outfile = join(tmp, 'logic.mjs');
  await build({ entryPoints: [join(root, 'playground', 'src', 'logic.ts')], bundle: true, format: 'esm', platform: 'neutral', outfile, logLevel: 'error' });
  L = (await import(pathToFileURL(outfile).href)) as Logic;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Bounding box and centre of mass of a 28×28 image. */
function stats(img: Float32Array): { x0: number; x1: number; y0: number; y1: number; cx: number; cy: number; mass: number } {
  let x0 = 28, x1 = -1, y0 = 28, y1 = -1, m = 0, cx = 0, cy = 0;
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) {
      const v = img[y * 28 + x]!;
      if (v <= 0) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      m += v; cx += v * (x + 0.5); cy += v * (y + 0.5);
    }
  return { x0, x1, y0, y1, cx: cx / m, cy: cy / m, mass: m };
}

describe('playground logic: charts', () => {
  it('linearScale maps the domain onto the range, and a flat domain to the middle', () => {
    const s = L.linearScale(0, 10, 100, 0);
    assert.equal(s(0), 100);
    assert.equal(s(10), 0);
    assert.equal(s(2.5), 75);
    assert.equal(L.linearScale(3, 3, 0, 50)(7), 25);
  });
  it('niceTicks steps by 1, 2 or 5 × 10^k inside the range', () => {
    assert.deepEqual(L.niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(L.niceTicks(0.013, 2.4, 5), [0.5, 1, 1.5, 2]);
    assert.deepEqual(L.niceTicks(0.013, 2.4, 4), [1, 2]);
    assert.deepEqual(L.niceTicks(0, 300, 5), [0, 100, 200, 300]);
    assert.deepEqual(L.niceTicks(NaN, 1), []);
    assert.ok(L.niceTicks(5, 5).length >= 2);
  });
  it('chartDomain pads the finite extent and honours fixed ends', () => {
    assert.deepEqual(L.chartDomain([]), [0, 1]);
    const [lo, hi] = L.chartDomain([1, 2, NaN, 3]);
    assert.ok(Math.abs(lo - 0.9) < 1e-12 && Math.abs(hi - 3.1) < 1e-12);
    assert.deepEqual(L.chartDomain([0.2, 0.7], { min: 0, max: 1 }), [0, 1]);
  });
  it('decimate keeps the ends and the count; ema smooths', () => {
    const pts = Array.from({ length: 1001 }, (_, i) => i);
    const d = L.decimate(pts, 11);
    assert.equal(d.length, 11);
    assert.equal(d[0], 0);
    assert.equal(d[10], 1000);
    assert.deepEqual(L.decimate([1, 2], 10), [1, 2]);
    assert.deepEqual(L.ema([4, 0, 0], 0.5), [4, 2, 1]);
  });
});

describe('playground logic: colours and numbers', () => {
  it('diverging scale: zero is white and the scale is symmetric', () => {
    assert.deepEqual(L.heatColor(0, -1, 4), [247, 247, 247]);
    assert.deepEqual(L.heatColor(4, -1, 4), [178, 24, 43]);
    assert.deepEqual(L.heatColor(-4, -1, 4), [33, 102, 172]);
    assert.deepEqual(L.heatColor(-2, -2, 2), [33, 102, 172]);
  });
  it('sequential scale for one-signed values, and readable text on it', () => {
    assert.deepEqual(L.heatColor(0, 0, 9), [68, 1, 84]);
    assert.deepEqual(L.heatColor(9, 0, 9), [253, 231, 37]);
    assert.equal(L.textColorOn(L.heatColor(0, 0, 9)), '#fff');
    assert.equal(L.textColorOn(L.heatColor(9, 0, 9)), '#111');
    assert.deepEqual(L.extent([3, -1, 2]), [-1, 3]);
    assert.deepEqual(L.extent([]), [0, 0]);
  });
  it('fmtNum keeps integers and shortens the rest', () => {
    assert.equal(L.fmtNum(12), '12');
    assert.equal(L.fmtNum(0.123456), '0.123');
    assert.equal(L.fmtNum(1e-5), '1.00e-5');
    assert.equal(L.fmtNum(-2.5), '-2.5');
  });
});

describe('playground logic: conv lab parameters', () => {
  const base = { inH: '10', inW: '11', kH: '3', kW: '3', stride: '2', padding: '1', paddingMode: 'zeros', dilation: '1', operation: 'correlation' };
  it('parses a valid form', () => {
    const r = L.parseConvParams(base);
    assert.ok(r.ok);
    assert.deepEqual(r.params, { inH: 10, inW: 11, kH: 3, kW: 3, stride: 2, padding: 1, paddingMode: 'zeros', dilation: 1, operation: 'correlation' });
    const s = L.parseConvParams({ ...base, padding: 'same', paddingMode: 'circular', operation: 'convolution' });
    assert.ok(s.ok && s.params['padding'] === 'same' && s.params['paddingMode'] === 'circular');
  });
  it('names every bad field with the value it got', () => {
    const r = L.parseConvParams({ ...base, inH: '0', kW: '2.5', stride: '', padding: 'half', paddingMode: 'mirror' });
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.map((e) => e.field), ['inH', 'kW', 'stride', 'padding', 'paddingMode']);
    assert.match(r.errors[0]!.message, /Input height must be between 1 and 16 \(got 0\)/);
    assert.match(r.errors[1]!.message, /Kernel width must be a whole number \(got "2.5"\)/);
  });
  it('parses number lists and draws reproducible integers', () => {
    assert.deepEqual(L.parseNumberList('1, 2 3;4'), [1, 2, 3, 4]);
    assert.equal(L.parseNumberList('1, x'), null);
    assert.equal(L.parseNumberList('  '), null);
    assert.equal(L.parseNumberList('1 2 3', 2), null);
    const a = L.randomInts(50, -2, 2, 7);
    assert.deepEqual(a, L.randomInts(50, -2, 2, 7));
    assert.ok(a.every((v) => Number.isInteger(v) && v >= -2 && v <= 2));
    assert.equal(new Set(a).size, 5);
  });
});

describe('playground logic: drawing preprocessing', () => {
  /** A w×h canvas with a filled axis-aligned rectangle of ink. */
  const canvas = (w: number, h: number, rx: number, ry: number, rw: number, rh: number): Float32Array => {
    const g = new Float32Array(w * h);
    for (let y = ry; y < ry + rh; y++) for (let x = rx; x < rx + rw; x++) g[y * w + x] = 1;
    return g;
  };
  it('no ink gives an empty image', () => {
    assert.ok(L.preprocessDigit(new Float32Array(280 * 280), 280, 280).every((v) => v === 0));
  });
  it('fits the ink into a 20-pixel box, keeps the aspect ratio and centres the mass at (14, 14)', () => {
    // a tall bar in the top-left corner: 40 wide, 160 high → 5 × 20 after scaling
    const img = L.preprocessDigit(canvas(280, 280, 10, 5, 40, 160), 280, 280);
    const s = stats(img);
    assert.equal(s.y1 - s.y0 + 1, 20);
    assert.equal(s.x1 - s.x0 + 1, 5);
    assert.ok(Math.abs(s.cx - 14) <= 0.5 && Math.abs(s.cy - 14) <= 0.5, `centre of mass (${s.cx}, ${s.cy})`);
    assert.ok(img.every((v) => v >= 0 && v <= 1));
  });
  it('does not depend on where or how large the digit was drawn', () => {
    const a = L.preprocessDigit(canvas(280, 280, 100, 60, 60, 120), 280, 280);
    const b = L.preprocessDigit(canvas(280, 280, 200, 130, 30, 60), 280, 280);
    let d = 0;
    for (let i = 0; i < 784; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
    assert.ok(d < 1e-6, `max difference ${d}`);
  });
});

describe('playground logic: predictions and tabs', () => {
  it('softmax is a distribution, invariant to adding a constant, stable for large logits', () => {
    const p = L.softmax([1, 2, 3]);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    const q = L.softmax([1001, 1002, 1003]);
    p.forEach((v, i) => assert.ok(Math.abs(v - q[i]!) < 1e-12));
    assert.equal(L.argmax(p), 2);
    assert.equal(L.argmax([5, 5, 1]), 0);
  });
  it('arrow keys wrap, Home/End jump, other keys do nothing', () => {
    assert.equal(L.nextTabIndex('ArrowRight', 3, 4), 0);
    assert.equal(L.nextTabIndex('ArrowLeft', 0, 4), 3);
    assert.equal(L.nextTabIndex('Home', 2, 4), 0);
    assert.equal(L.nextTabIndex('End', 0, 4), 3);
    assert.equal(L.nextTabIndex('Enter', 1, 4), null);
  });
});

describe('playground digits asset', () => {
  it('packs the mnist package digits byte-exactly with per-class counts', async () => {
    const { packDigits } = (await import(pathToFileURL(join(root, 'playground', 'build.mjs')).href)) as { packDigits(): Uint8Array };
    const buf = packDigits();
    assert.equal(new TextDecoder().decode(buf.subarray(0, 4)), 'CKD1');
    const view = new DataView(buf.buffer, buf.byteOffset);
    const counts = Array.from({ length: 10 }, (_, c) => view.getUint32(4 + 4 * c, true));
    assert.equal(counts.reduce((a, b) => a + b, 0), 10_000);
    assert.equal(buf.length, 44 + 10_000 * 784);
    // class 3's first image against the package's own JSON (values byte/255 rounded to 3 decimals)
    const { createRequire } = await import('node:module');
    const pkg = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
    const three = (JSON.parse((await import('node:fs')).readFileSync(join(pkg, 'src', 'digits', '3.json'), 'utf8')) as { data: number[] }).data;
    assert.equal(counts[3], three.length / 784);
    const start = 44 + 784 * (counts[0]! + counts[1]! + counts[2]!);
    for (let p = 0; p < 784; p++) assert.equal(buf[start + p], Math.round(three[p]! * 255));
  });
});

describe('playground static server', () => {
  let dir: string;
  let server: { url: string; close(): Promise<void> };
  before(async () => {
    dir = join(tmp, 'site');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'main.js'), 'export {};');
    writeFileSync(join(dir, 'm.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(dir, 'sub', 'index.html'), 'sub');
    const serve = (await import(pathToFileURL(join(root, 'playground', 'serve.mjs')).href)) as { startServer(o: { root: string; port: number }): Promise<typeof server> };
    server = await serve.startServer({ root: dir, port: 0 });
  });
  after(async () => server?.close());

  it('sends the cross-origin isolation headers and the right MIME types', async () => {
    const r = await fetch(server.url);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match((await fetch(`${server.url}main.js`)).headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal((await fetch(`${server.url}m.wasm`)).headers.get('content-type'), 'application/wasm');
    assert.equal(await (await fetch(`${server.url}sub/`)).text(), 'sub');
  });
  it('answers 404 for missing files and never serves outside its root', async () => {
    assert.equal((await fetch(`${server.url}nope.js`)).status, 404);
    const r = await fetch(`${server.url}..%2f..%2fpackage.json`);
    assert.ok(r.status === 403 || r.status === 404, `status ${r.status}`);
    assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
  });
});
