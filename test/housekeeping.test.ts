/**
 * What a user notices around the code: `npm start`'s output directory is ignored by git, npm runs
 * without configuration warnings, a build keeps the built playground and the test screenshots,
 * and the documentation names nothing outside the repository.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './helpers.js';

const root = fileURLToPath(ROOT);

it('convkit-run/ (npm start) is ignored by git', () => {
  const r = spawnSync('git', ['check-ignore', '-q', 'convkit-run/metrics.jsonl'], { cwd: root });
  assert.equal(r.error, undefined, 'git is needed for this check');
  assert.equal(r.status, 0, 'convkit-run/ is not git-ignored');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts['start']!, /convkit\.js train/);
});

it('npm reads the project configuration without warnings', () => {
  const r = spawnSync('npm', ['config', 'get', 'ignore-scripts'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Unknown (project|user|builtin) config/);
  // install scripts stay off: onnxruntime-node's would try to download CUDA libraries
  assert.equal(r.stdout.trim(), 'true');
});

it('the build cleans only what it regenerates: the built playground and test screenshots survive', async () => {
  const { BUILD_OUTPUTS, clean } = (await import(new URL('scripts/clean.mjs', ROOT).href)) as { BUILD_OUTPUTS: string[]; clean: (root: string) => void };
  const tmp = mkdtempSync(join(tmpdir(), 'convkit-clean-'));
  for (const d of ['dist/src/cli', 'dist/test', 'dist/browser', 'dist/playground', 'dist/test-artifacts/playground']) {
    mkdirSync(join(tmp, d), { recursive: true });
    writeFileSync(join(tmp, d, 'file'), 'x');
  }
  clean(tmp);
  assert.deepEqual(readdirSync(join(tmp, 'dist')).sort(), ['playground', 'test-artifacts']);
  assert.ok(existsSync(join(tmp, 'dist/test-artifacts/playground/file')));
  assert.deepEqual(BUILD_OUTPUTS, ['dist/src', 'dist/test', 'dist/browser']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts['build']!, /node scripts\/clean\.mjs && tsc/);
  assert.doesNotMatch(pkg.scripts['build']!, /rmSync\('dist'/);
});

it('the documentation names no path or document outside the repository, and its links resolve', () => {
  const docs = ['README.md', 'playground/README.md', 'bench/README.md', 'docs/HACKING.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)];
  const code = ['bench/lib/workloads.mjs', 'bench/lib/peers/tfjs.mjs', 'bench/lib/peak.mjs'];
  for (const f of [...new Set([...docs, ...code])]) {
    if (!f.endsWith('.md') && !f.endsWith('.mjs')) continue;
    const text = readFileSync(join(root, f), 'utf8');
    assert.doesNotMatch(text, /\/work\/|\/root\/|\/home\/\w/, `${f} cites a machine path`);
    assert.doesNotMatch(text, /ANCHORS\.md|MISSION|GUIDE\.md/, `${f} cites a document that is not in the repository`);
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      assert.ok(existsSync(join(root, dirname(f), target)), `${f} links to ${target}, which does not exist`);
    }
  }
});
