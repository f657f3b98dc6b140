/**
 * `convkit train` writes DIR/report.html; this opens it in headless Chromium (file://, offline) and
 * checks that it renders: both SVG charts with curves, the 10×10 confusion matrix whose cells add
 * up to the test set, per-class accuracy bars equal to the matrix's diagonal shares, the summary
 * with its working, the settings, and no request beyond the file itself. The screenshot goes to
 * test-artifacts/report/ (REPORT_ARTIFACTS), outside the dist/ folder the build wipes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { ROOT } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian's chromium package to run the report's browser test`;
const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
const artifacts = resolve(fileURLToPath(ROOT), process.env.REPORT_ARTIFACTS ?? 'test-artifacts/report');

describe('report.html in headless Chromium', { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'convkit-report-'));

  before(async () => {
    const r = spawnSync(process.execPath, [BIN, 'train', '--limit', '600', '--epochs', '2', '--out', dir, '--seed', '2', '--model', '1x28x28 | conv 6 k5 | bn | relu | maxpool 2 | res( conv 6 k3 p1 | relu ) | fc 10'], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(r.status, 0, r.stderr);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
  });

  it('renders curves, confusion matrix, per-class accuracy, summary and settings from the file alone', async () => {
    const file = join(dir, 'report.html');
    const html = readFileSync(file, 'utf8');
    // self-contained: no script, stylesheet, font or image is fetched
    assert.doesNotMatch(html, /<script|<link|@import|url\(|src=/i);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    const info = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('#curves svg')];
      const rows = [...document.querySelectorAll('#confusion tr')].slice(1);
      const cells = rows.map((r) => [...r.querySelectorAll('td')].slice(0, -1).map((td) => Number(td.textContent)));
      const acc = rows.map((r) => r.querySelector('td.acc')?.textContent ?? '');
      const bars = [...document.querySelectorAll('#per-class rect')].map((r) => Number(r.getAttribute('width')));
      return {
        title: document.title,
        final: document.querySelector('#final')?.textContent ?? '',
        charts: svgs.map((s) => ({ paths: [...s.querySelectorAll('path')].map((p) => (p.getAttribute('d') ?? '').length), dots: s.querySelectorAll('circle').length, width: s.getBoundingClientRect().width })),
        cells,
        acc,
        bars,
        summary: document.querySelector('#summary')?.textContent ?? '',
        settings: document.querySelector('table.settings')?.textContent ?? '',
      };
    });
    assert.equal(info.title, 'convkit train: digits');
    assert.match(info.final, /^Test accuracy \d+\.\d\d% after 2 epochs$/);
    // two charts, each with a per-step curve and two per-epoch series of 2 dots
    assert.equal(info.charts.length, 2);
    for (const c of info.charts) {
      assert.ok(c.paths[0]! > 100, 'per-step curve drawn');
      assert.equal(c.dots, 4);
      assert.ok(c.width > 300);
    }
    assert.equal(info.cells.length, 10);
    assert.ok(info.cells.every((r) => r.length === 10));
    assert.equal(info.cells.flat().reduce((a, b) => a + b, 0), 2000);
    // the per-class accuracy column and bars are the diagonal over the row sums
    info.cells.forEach((row, t) => {
      const share = row[t]! / row.reduce((a, b) => a + b, 0);
      assert.equal(info.acc[t], `${(100 * share).toFixed(1)}%`);
      assert.ok(Math.abs(info.bars[t]! - 360 * share) < 0.06, `bar ${t}`);
    });
    // the final accuracy equals the matrix's trace
    const trace = info.cells.reduce((s, r, t) => s + r[t]!, 0);
    assert.match(info.final, new RegExp(`${((100 * trace) / 2000).toFixed(2)}%`));
    assert.match(info.summary, /Total MACs \(multiply-accumulates\): [\d,]+/);
    assert.match(info.summary, /H_out = floor\(\(28 \+ 2\*0 - 1\*\(5-1\) - 1\)\/1 \+ 1\) = 24/);
    assert.match(info.settings, /batch size32/);
    assert.deepEqual(requests, [pathToFileURL(file).href]);
    assert.deepEqual(errors, []);
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`report screenshot: ${shot}`);
    await page.close();
  });
});
