/**
 * End-to-end tests of the browser playground in headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core; no browser download). Serves the built playground (PLAYGROUND_OUT,
 * default dist/playground; built here if missing) with playground/serve.mjs's isolation headers and
 * checks every panel. Screenshots go to PLAYGROUND_ARTIFACTS (default dist/test-artifacts/playground).
 * Skipped, with a message, when Chromium is not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// dist/test/playground_e2e.test.js → the repository root
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = resolve(root, process.env.PLAYGROUND_OUT ?? 'dist/playground');
const artifacts = resolve(root, process.env.PLAYGROUND_ARTIFACTS ?? 'dist/test-artifacts/playground');
const STEPS = 300;
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian's chromium package to run the playground end-to-end tests`;

interface Snapshot {
  status: string;
  step: number;
  testAccuracy: number | null;
  prediction: { digit: number; probability: number; probs: number[] } | null;
  weightsStep: number;
  env: { backend: string; threads: number; crossOriginIsolated: boolean } | null;
  errors: string[];
  labOutSize: string | null;
}
interface Server {
  url: string;
  close(): Promise<void>;
}

/**
 * Visible selects whose longest option would not fit (text measured in the select's font, plus
 * 24 px for the arrow): their text would be clipped.
 */
const clippedSelects = (p: Page): Promise<string[]> =>
  p.evaluate(() => {
    const ctx = document.createElement('canvas').getContext('2d')!;
    return [...document.querySelectorAll('select')]
      .filter((s) => s.offsetParent !== null)
      .filter((s) => {
        const cs = getComputedStyle(s);
        ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
        const text = Math.max(...[...s.options].map((o) => ctx.measureText(o.text).width));
        return text + 24 > s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      })
      .map((s) => s.id);
  });

/** floor((in + 2p − d(k−1) − 1)/s) + 1, written out here independently of convkit. */
const outSize = (n: number, k: number, s: number, p: number, d: number): number => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

describe('playground in headless Chromium', { skip, timeout: 180_000 }, () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const shots: string[] = [];
  const snap = (): Promise<Snapshot> => page.evaluate(() => (globalThis as unknown as { __playground: Snapshot }).__playground);
  const shot = async (name: string, p: Page = page): Promise<void> => {
    const file = join(artifacts, `${name}.png`);
    await p.screenshot({ path: file, fullPage: true });
    shots.push(file);
  };
  const tab = async (id: string): Promise<void> => {
    await page.click(`#tab-${id}`);
    await page.waitForSelector(`#panel-${id}:not([hidden])`);
  };
  const watch = (p: Page): void => {
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  };

  before(async () => {
    if (!existsSync(join(outDir, 'index.html'))) {
      execFileSync(process.execPath, [join(root, 'playground', 'build.mjs')], { cwd: root, env: { ...process.env, PLAYGROUND_OUT: outDir }, stdio: 'inherit' });
    }
    mkdirSync(artifacts, { recursive: true });
    const serve = (await import(pathToFileURL(join(root, 'playground', 'serve.mjs')).href)) as { startServer(o: { root: string; port: number }): Promise<Server> };
    server = await serve.startServer({ root: outDir, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watch(page);
    await page.goto(`${server.url}?steps=${STEPS}`);
    await page.waitForFunction(() => (globalThis as unknown as { __playground?: Snapshot }).__playground?.status === 'ready', null, { timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (shots.length) console.log(`playground screenshots:\n  ${shots.join('\n  ')}`);
  });

  it('loads with the wasm backend, cross-origin isolated, and no console errors', async () => {
    const s = await snap();
    assert.equal(s.env?.backend, 'wasm');
    assert.equal(s.env?.crossOriginIsolated, true);
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
    assert.match(await page.textContent('#env') ?? '', /backend: wasm .* training threads: \d+ .* crossOriginIsolated: true/);
    assert.match(await page.textContent('#model-summary') ?? '', /H_out = floor\(\(28 \+ 2\*0 - 1\*\(5-1\) - 1\)\/1 \+ 1\) = 24/);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(await clippedSelects(page), [], 'train selects clip their text');
  });

  it('has a keyboard-operable tablist', async () => {
    await page.focus('#tab-train');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-draw', 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-draw');
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('#tab-lab', 'aria-selected'), 'true');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-train', 'aria-selected'), 'true');
    assert.equal(await page.isHidden('#panel-lab'), true);
  });

  it('conv lab shows the right output size, and the backward identities hold', async () => {
    await tab('lab');
    assert.deepEqual(await clippedSelects(page), [], 'conv lab selects clip their text');
    const set = async (v: Record<string, string>): Promise<string> => {
      for (const [k, val] of Object.entries(v)) {
        const sel = `#lab-form [name="${k}"]`;
        if ((await page.getAttribute(sel, 'type')) === null) await page.selectOption(sel, val);
        else await page.fill(sel, val);
      }
      return (await page.textContent('#lab-out-size')) ?? '';
    };
    const base = { inH: '5', inW: '5', kH: '3', kW: '3', stride: '1', padding: '0', paddingMode: 'zeros', dilation: '1', operation: 'correlation' };
    // MISSION item 2: a 10-wide × 11-high input, 3×3 kernel, stride 2
    assert.equal(await set({ ...base, inH: '11', inW: '10', stride: '2' }), `${outSize(11, 3, 2, 0, 1)} × ${outSize(10, 3, 2, 0, 1)}`);
    assert.match((await page.textContent('#lab-formula')) ?? '', /H_out = floor\(\(11 \+ 2\*0 - 1\*\(3-1\) - 1\)\/2 \+ 1\) = 5/);
    assert.equal(await set({ ...base, inH: '9', inW: '8', padding: '1', dilation: '2' }), `${outSize(9, 3, 1, 1, 2)} × ${outSize(8, 3, 1, 1, 2)}`);
    // 'full' pads k−1 on both sides: n + k − 1; 'same' keeps n (stride 1), even kernels included
    assert.equal(await set({ ...base, inH: '5', inW: '6', padding: 'full' }), '7 × 8');
    assert.equal(await set({ ...base, inH: '7', inW: '6', kH: '4', kW: '2', padding: 'same', paddingMode: 'reflect' }), '7 × 6');
    assert.equal(await set({ ...base, inH: '6', inW: '6', stride: '3', padding: '2', paddingMode: 'circular', operation: 'convolution' }), `${outSize(6, 3, 3, 2, 1)} × ${outSize(6, 3, 3, 2, 1)}`);
    const checks = (await page.textContent('#lab-back-check')) ?? '';
    assert.match(checks, /full correlation .* max \|difference\| = 0 \(exact\) ✓/);
    assert.doesNotMatch(checks, /✗/);
    assert.doesNotMatch((await page.textContent('#lab-jac-note')) ?? '', /✗/);
    await set({ ...base, inH: '6', inW: '7', stride: '2', padding: '1' });
    assert.doesNotMatch((await page.textContent('#lab-back-check')) ?? '', /✗/);
    assert.match((await page.textContent('#lab-back-check')) ?? '', /convTranspose2d.*✓/);
    await page.hover('#lab-grids [aria-label^="output"] [data-r="1"][data-c="1"]');
    assert.equal(await page.locator('#lab-grids .hl').count(), 9);
    await shot('conv-lab');
    // 'same' with a stride: TensorFlow's rule, out = ceil(in / stride)
    assert.equal(await set({ ...base, inH: '7', inW: '8', stride: '2', padding: 'same' }), `${Math.ceil(7 / 2)} × ${Math.ceil(8 / 2)}`);
    // geometry convkit rejects: its message is shown, not a crash
    await set({ ...base, inH: '3', inW: '3', kH: '5', padding: 'valid' });
    assert.equal(await page.isVisible('#lab-errors'), true);
    assert.match((await page.textContent('#lab-errors')) ?? '', /convkit: .*smaller than the dilated kernel/);
    assert.equal((await snap()).labOutSize, 'invalid');
    await set({ inH: '40' });
    assert.match((await page.textContent('#lab-errors')) ?? '', /Input height must be between 1 and 16/);
    await shot('conv-lab-error');
    await set(base);
    assert.equal(await page.isVisible('#lab-errors'), false);
    // MISSION item 14: numpy's full/same/valid convolution of [1, 2, 3, 4] with [1, 0, 2]
    const sig = (await page.textContent('#sig-out')) ?? '';
    assert.match(sig, /full\[1, 2, 5, 8, 6, 8\]/);
    assert.match(sig, /same\[2, 5, 8, 6\]/);
    assert.match(sig, /valid\[5, 8\]/);
  });

  it(`training ${STEPS} steps in the worker raises held-out accuracy well above chance`, async () => {
    await tab('train');
    const t0 = Date.now();
    await page.click('#btn-start');
    await page.waitForFunction(() => (globalThis as unknown as { __playground: Snapshot }).__playground.step >= 40, null, { timeout: 60_000 });
    // pause and resume
    await page.click('#btn-pause');
    await page.waitForFunction(() => (globalThis as unknown as { __playground: Snapshot }).__playground.status === 'paused', null, { timeout: 20_000 });
    const pausedAt = (await snap()).step;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await snap()).step, pausedAt);
    await page.click('#btn-pause');
    await page.waitForFunction(() => (globalThis as unknown as { __playground: Snapshot }).__playground.status === 'done', null, { timeout: 150_000 });
    const s = await snap();
    const secs = (Date.now() - t0) / 1000;
    console.log(`trained ${s.step} steps in ${secs.toFixed(1)} s; held-out accuracy ${(100 * (s.testAccuracy ?? 0)).toFixed(2)}%`);
    assert.equal(s.step, STEPS);
    assert.ok(s.testAccuracy !== null && s.testAccuracy > 0.8, `test accuracy ${s.testAccuracy} after ${STEPS} steps`);
    assert.match((await page.textContent('#s-test')) ?? '', /%/);
    await page.waitForFunction(() => (globalThis as unknown as { __playground: Snapshot }).__playground.weightsStep === 300);
    await shot('train');
  });

  it('drawing a digit produces a prediction', async () => {
    await tab('draw');
    const box = await page.locator('#draw-canvas').boundingBox();
    assert.ok(box);
    // a "1": one vertical stroke
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.5 - i * 0.004), box.y + box.height * (0.2 + i * 0.05));
    await page.mouse.up();
    await page.waitForFunction(() => (globalThis as unknown as { __playground: Snapshot }).__playground.prediction !== null);
    const p = (await snap()).prediction!;
    assert.equal(p.probs.length, 10);
    assert.ok(Math.abs(p.probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.match((await page.textContent('#prediction')) ?? '', /^\d \(\d+\.\d%\)$/);
    console.log(`drawn "1" predicted as ${p.digit} (${(100 * p.probability).toFixed(1)}%)`);
    assert.equal(p.digit, 1);
    await shot('draw');
    // the held-out test digits the worker sent: most are recognised after a short training run
    let correct = 0;
    for (let i = 0; i < 10; i++) {
      await page.click('#btn-sample');
      const label = Number(/labelled (\d)/.exec((await page.textContent('#inside-digit-note')) ?? '')?.[1]);
      if ((await snap()).prediction?.digit === label) correct++;
    }
    assert.ok(correct >= 7, `${correct}/10 test digits recognised`);
    await page.click('#btn-clear');
    assert.equal((await snap()).prediction, null);
  });

  it('inside shows the filters, every layer\'s activations and the diagnostics', async () => {
    await tab('inside');
    assert.equal(await page.locator('#filters canvas').count(), 16);
    assert.equal(await page.locator('#activations .layer').count(), 10);
    assert.match((await page.textContent('#diagnostics')) ?? '', /dead \/ units/);
    assert.ok((await page.locator('#diagnostics tr').count()) >= 4 + 3);
    await shot('inside');
    assert.deepEqual(consoleErrors, []);
  });

  it('without cross-origin isolation it says so and falls back to one thread', async () => {
    const serve = (await import(pathToFileURL(join(root, 'playground', 'serve.mjs')).href)) as { startServer(o: { root: string; port: number; isolate: boolean }): Promise<Server> };
    const plain = await serve.startServer({ root: outDir, port: 0, isolate: false });
    const ctx = await browser.newContext();
    try {
      const p = await ctx.newPage();
      watch(p);
      await p.goto(`${plain.url}?steps=5&model=lenet&epochs=1`);
      await p.waitForFunction(() => (globalThis as unknown as { __playground?: Snapshot }).__playground?.status === 'ready', null, { timeout: 60_000 });
      const env = await p.evaluate(() => (globalThis as unknown as { __playground: Snapshot }).__playground.env);
      assert.equal(env?.crossOriginIsolated, false);
      assert.equal(env?.threads, 1);
      assert.match((await p.textContent('#env')) ?? '', /crossOriginIsolated: false · SharedArrayBuffer unavailable: single-thread fallback/);
      await p.click('#btn-start');
      await p.waitForFunction(() => (globalThis as unknown as { __playground: Snapshot }).__playground.status === 'done', null, { timeout: 60_000 });
      assert.equal(await p.evaluate(() => (globalThis as unknown as { __playground: Snapshot }).__playground.step), 5);
      assert.match((await p.textContent('#model-summary')) ?? '', /conv2d 1→6 k5x5/);
      await p.click('#tab-inside');
      await p.waitForFunction(() => document.querySelectorAll('#filters canvas').length === 6);
    } finally {
      await ctx.close();
      await plain.close();
    }
  });

  it('shows an error, not a blank page, when the digits cannot be loaded', async () => {
    const ctx = await browser.newContext();
    try {
      await ctx.route('**/digits.bin.gz', (r) => r.fulfill({ status: 404, body: 'gone' }));
      const p = await ctx.newPage();
      await p.goto(server.url);
      await p.waitForFunction(() => (globalThis as unknown as { __playground?: Snapshot }).__playground?.status === 'error', null, { timeout: 30_000 });
      assert.match((await p.textContent('#train-status')) ?? '', /Error: loading failed: cannot load digits.bin.gz: HTTP 404/);
      assert.equal(await p.isDisabled('#btn-start'), true);
      // the conv lab does not need the digits
      await p.click('#tab-lab');
      assert.equal(await p.textContent('#lab-out-size'), '3 × 3');
    } finally {
      await ctx.close();
    }
  });

  it('is usable on a 390-px-wide phone screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    const p = await phone.newPage();
    watch(p);
    await p.goto(`${server.url}#lab`);
    await p.waitForFunction(() => (globalThis as unknown as { __playground?: Snapshot }).__playground?.status === 'ready', null, { timeout: 60_000 });
    const overflow = async (): Promise<number> => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok((await overflow()) <= 1, `conv lab overflows by ${await overflow()} px`);
    assert.deepEqual(await clippedSelects(p), [], 'conv lab selects clip their text');
    await shot('phone-conv-lab', p);
    await p.tap('#tab-draw');
    const box = await p.locator('#draw-canvas').boundingBox();
    assert.ok(box && box.width <= 390);
    await shot('phone-draw', p);
    await p.tap('#tab-train');
    assert.ok((await overflow()) <= 1, `train panel overflows by ${await overflow()} px`);
    assert.deepEqual(await clippedSelects(p), [], 'train selects clip their text');
    // the summary table is wider than a phone: it scrolls sideways, and the page says so
    const sum = await p.evaluate(() => {
      const e = document.querySelector('#model-summary')!;
      const hint = document.querySelector('#summary-card .scroll-hint') as HTMLElement;
      return { wider: e.scrollWidth > e.clientWidth, overflowX: getComputedStyle(e).overflowX, hint: hint.offsetParent !== null };
    });
    assert.deepEqual(sum, { wider: true, overflowX: 'scroll', hint: true });
    await shot('phone-train', p);
    await phone.close();
    assert.deepEqual(consoleErrors, []);
  });
});
