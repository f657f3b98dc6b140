/**
 * The browser build on WebGPU in headless Chromium: with --enable-unsafe-webgpu Chromium offers its
 * SwiftShader adapter (no GPU needed), and a few training steps of a small CNN on `webgpu` must give
 * the losses the `wasm` backend gives for the same seed. No adapter is a failure, not a skip.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Server {
  url: string;
  close(): Promise<void>;
}
interface Result {
  error?: string;
  wasm: number[];
  webgpu: number[];
  backend: string;
  adapter: string;
}

const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>convkit on WebGPU</title>
<script type="module">
import * as ck from './convkit.js';
async function train(backend) {
  await ck.setBackend(backend);
  ck.manualSeed(7);
  const net = new ck.nn.Sequential(
    new ck.nn.Conv2d(1, 8, 3, { padding: 1 }), new ck.nn.ReLU(), new ck.nn.MaxPool2d(2),
    new ck.nn.Conv2d(8, 8, 3), new ck.nn.ReLU(), new ck.nn.Flatten(), new ck.nn.Linear(8 * 4 * 4, 10),
  );
  const opt = new ck.optim.SGD([...net.parameters()], { lr: 0.05, momentum: 0.9 });
  const x = ck.randn([8, 1, 12, 12]);
  const y = ck.randint(0, 10, [8]);
  const losses = [];
  for (let s = 0; s < 4; s++) {
    opt.zeroGrad();
    const loss = ck.crossEntropy(net.forward(x), y);
    losses.push((await loss.read())[0]);
    loss.backward();
    opt.step();
  }
  return losses;
}
try {
  const wasm = await train('wasm');
  const webgpu = await train('webgpu');
  const adapter = await navigator.gpu.requestAdapter();
  globalThis.result = { wasm, webgpu, backend: ck.getBackend(), adapter: adapter.info.vendor + ' ' + adapter.info.architecture };
} catch (e) {
  globalThis.result = { error: e.name + ': ' + e.message };
}
</script>`;

describe('browser build on WebGPU in headless Chromium', { timeout: 180_000 }, () => {
  let browser: Browser;
  let server: Server | null = null;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'convkit-webgpu-'));
    for (const f of ['convkit.js', 'thread_worker.js']) copyFileSync(join(root, 'dist', 'browser', f), join(dir, f));
    writeFileSync(join(dir, 'index.html'), PAGE);
    // --enable-unsafe-webgpu alone lifts the blocklist of CPU adapters (SwiftShader)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a few training steps on webgpu give the wasm backend\'s losses', async () => {
    const serve = (await import(pathToFileURL(join(root, 'playground', 'serve.mjs')).href)) as { startServer(o: { root: string; port: number; isolate: boolean }): Promise<Server> };
    server = await serve.startServer({ root: dir, port: 0, isolate: true });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}index.html`);
    await page.waitForFunction(() => (globalThis as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 150_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { result: Result }).result);
    await page.close();
    assert.deepEqual(errors, []);
    assert.equal(result.error, undefined, `the page failed: ${result.error}`);
    assert.equal(result.backend, 'webgpu');
    assert.equal(result.webgpu.length, 4);
    result.wasm.forEach((l, i) => assert.ok(Math.abs(result.webgpu[i]! - l) <= 1e-4 * (1 + Math.abs(l)), `step ${i}: webgpu loss ${result.webgpu[i]} vs wasm ${l}`));
    assert.ok(result.webgpu[3]! < result.webgpu[0]!, 'the loss went down');
    console.log(`chromium webgpu adapter: ${result.adapter}; losses ${result.webgpu.map((l) => l.toFixed(5)).join(' ')}`);
  });
});
