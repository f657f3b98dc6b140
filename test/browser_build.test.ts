/**
 * The browser build (dist/browser/convkit.js, scripts/build_browser.mjs) in headless Chromium: a
 * bare <script type="module"> page imports it; with cross-origin isolation the wasm backend is the
 * default and runs on 2 Web Worker threads with the same bits as on 1; without isolation it says
 * why it runs on one thread, and still computes the same numbers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian's chromium package to run the browser-build tests`;

interface Server {
  url: string;
  close(): Promise<void>;
}
interface Result {
  backend: string;
  status: { threads: number; requested: number; limitedBy: string | null };
  one: number[];
  two: number[];
}

const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>convkit browser build</title>
<script type="module">
import * as ck from './convkit.js';
const g = new ck.Generator(5);
const x = ck.randn([4, 8, 20, 20], { generator: g });
const w = ck.randn([16, 8, 3, 3], { generator: g });
const run = () => {
  const [gx, gw] = ck.grad((x, w) => ck.sum(ck.relu(ck.conv2d(x, w, undefined, { padding: 1 }))), [0, 1])(x, w);
  return [...ck.conv2d(x, w).data.slice(0, 50), ...gx.data.slice(0, 50), ...gw.data.slice(0, 50)];
};
ck.setNumThreads(1);
const one = run();
ck.setNumThreads(2);
const two = run();
globalThis.result = { backend: ck.getBackend(), status: ck.threadingStatus(), one, two };
</script>`;

describe('browser build in headless Chromium', { skip, timeout: 120_000 }, () => {
  let browser: Browser;
  const servers: Server[] = [];
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'convkit-browser-'));
    for (const f of ['convkit.js', 'thread_worker.js']) copyFileSync(join(root, 'dist', 'browser', f), join(dir, f));
    writeFileSync(join(dir, 'index.html'), PAGE);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  const load = async (isolate: boolean): Promise<{ result: Result; errors: string[] }> => {
    const serve = (await import(pathToFileURL(join(root, 'playground', 'serve.mjs')).href)) as { startServer(o: { root: string; port: number; isolate: boolean }): Promise<Server> };
    const server = await serve.startServer({ root: dir, port: 0, isolate });
    servers.push(server);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}index.html`);
    await page.waitForFunction(() => (globalThis as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { result: Result }).result);
    await page.close();
    return { result, errors };
  };

  it('cross-origin isolated: wasm on 2 Web Worker threads, same bits as 1 thread', async () => {
    const { result, errors } = await load(true);
    assert.deepEqual(errors, []);
    assert.equal(result.backend, 'wasm');
    assert.deepEqual(result.status, { threads: 2, requested: 2, limitedBy: null });
    assert.equal(result.one.length, 150);
    assert.ok(result.one.every(Number.isFinite));
    assert.deepEqual(result.two, result.one);
  });

  it('not isolated: one thread, the reason reported, the same numbers', async () => {
    const isolated = await load(true);
    const { result } = await load(false);
    assert.equal(result.backend, 'wasm');
    assert.equal(result.status.threads, 1);
    assert.match(result.status.limitedBy ?? '', /SharedArrayBuffer/);
    // the plain build has no fused multiply-add, so compare with a float32 tolerance
    result.one.forEach((v, i) => assert.ok(Math.abs(v - isolated.result.one[i]!) <= 1e-4 * (1 + Math.abs(v)), `element ${i}: ${v} vs ${isolated.result.one[i]}`));
  });
});
