/**
 * The playground's backend selector in headless Chromium with WebGPU enabled (SwiftShader): picking
 * webgpu trains in the worker on the GPU backend, the environment line says so (with the adapter),
 * and the page predicts with the weights it sent back. Without an adapter the option is disabled.
 * An adapter missing where the flag gives one is a failure, not a skip.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = resolve(root, process.env.PLAYGROUND_OUT ?? 'dist/playground');

interface Snapshot {
  status: string;
  step: number;
  weightsStep: number;
  prediction: { digit: number } | null;
  env: { backend: string; gpu: string | null } | null;
  errors: string[];
}
interface Server {
  url: string;
  close(): Promise<void>;
}

const snap = (p: Page): Promise<Snapshot> => p.evaluate(() => (globalThis as unknown as { __playground: Snapshot }).__playground);

describe('playground backend selector (WebGPU)', { timeout: 240_000 }, () => {
  let server: Server;
  let browser: Browser;

  before(async () => {
    if (!existsSync(join(outDir, 'index.html'))) execFileSync(process.execPath, [join(root, 'playground', 'build.mjs')], { cwd: root, env: { ...process.env, PLAYGROUND_OUT: outDir }, stdio: 'inherit' });
    const serve = (await import(pathToFileURL(join(root, 'playground', 'serve.mjs')).href)) as { startServer(o: { root: string; port: number }): Promise<Server> };
    server = await serve.startServer({ root: outDir, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--enable-unsafe-webgpu'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('training on webgpu: the environment line names the GPU, training finishes, the page predicts', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // SwiftShader runs ~1 GFLOP/s: a few steps, and 200 test images instead of 2,000
    await page.goto(`${server.url}?steps=4&epochs=1&limit=256&testlimit=200&backend=webgpu`);
    await page.waitForFunction(() => (globalThis as unknown as { __playground?: Snapshot }).__playground?.status === 'ready', null, { timeout: 60_000 });
    assert.equal(await page.inputValue('#t-backend'), 'webgpu');
    await page.click('#btn-start');
    await page.waitForFunction(() => ['done', 'error'].includes((globalThis as unknown as { __playground: Snapshot }).__playground.status), null, { timeout: 200_000 });
    const s = await snap(page);
    assert.deepEqual(s.errors, []);
    assert.equal(s.status, 'done');
    assert.equal(s.step, 4);
    assert.equal(s.env?.backend, 'webgpu');
    assert.match(s.env?.gpu ?? '', /swiftshader/i);
    assert.match((await page.textContent('#env')) ?? '', /backend: webgpu \(GPU: .*swiftshader/i);
    assert.ok(s.weightsStep >= 4, `weights of step ${s.weightsStep}`);
    assert.ok(s.prediction !== null, 'the page predicted with the GPU-trained weights');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('without a WebGPU adapter (Chromium without --enable-unsafe-webgpu offers none on this machine) the option is disabled and says why', async () => {
    const plain = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage'] });
    try {
      const page = await plain.newPage();
      await page.goto(server.url);
      await page.waitForFunction(() => (globalThis as unknown as { __playground?: Snapshot }).__playground?.status === 'ready', null, { timeout: 60_000 });
      await page.waitForFunction(() => document.querySelector<HTMLOptionElement>('#t-backend option[value="webgpu"]')!.disabled, null, { timeout: 30_000 });
      const opt = await page.$eval('#t-backend option[value="webgpu"]', (o) => o.textContent);
      assert.equal(opt, 'webgpu (no adapter)');
      assert.equal(await page.inputValue('#t-backend'), 'wasm');
    } finally {
      await plain.close();
    }
  });
});
