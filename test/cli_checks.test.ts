/**
 * Every input to the `convkit` command gets a clear answer: flags validated by name, output
 * directories checked and locked, checkpoints whose tensors or run metadata do not fit refused,
 * resumed runs that keep their settings, and predict going on past a bad image. Spawned processes,
 * as a user runs them.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';
import { buildModel } from '../src/models/index.js';
import { saveCheckpoint } from '../src/cli/checkpoint.js';
import { ROOT } from './helpers.js';
import { io } from './cli_io.js';

const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
const dir = mkdtempSync(join(tmpdir(), 'convkit-checks-'));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, cwd: dir });
const quick = ['--limit', '64', '--batch-size', '16'];

/** The run metadata a checkpoint needs, with overrides. */
const runMeta = (over: Record<string, unknown> = {}) => ({ model: 'digits', data: 'digits', epoch: 1, epochs: 1, seed: 0, optimizer: 'adam', scheduler: null, testAccuracy: 0.5, ...over });

describe('convkit flags are validated with their own names', () => {
  it('numbers out of range', () => {
    const cases: [string[], RegExp][] = [
      [['--limit', '0'], /--limit expects an integer ≥ 1, got "0"/],
      [['--limit', '-5'], /--limit expects an integer ≥ 1, got "-5"/],
      [['--augment', '-1'], /--augment: bad item "-1"; expected shift:N, crop:P or flip/],
      [['--augment', '100', '--limit', '8'], /--augment shift:100 must be less than 28 pixels \(the images are 28 × 28\)/],
      [['--augment', 'crop:40,flip', '--limit', '8'], /--augment crop:40 must be less than 28 pixels/],
      [['--val-split', '1.5'], /--val-split expects a number from 0 to 1, got "1\.5"/],
      [['--seed', '1e30'], /--seed expects an integer from 0 to 4294967295, got "1e30"/],
      [['--epochs', '0'], /--epochs expects an integer ≥ 1, got "0"/],
      [['--lr', '0'], /--lr expects a positive number, got 0/],
    ];
    for (const [args, msg] of cases) {
      const r = run('train', '--out', join(dir, 'flags'), ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    for (const top of ['0', '-1']) {
      const r = run('predict', 'm.safetensors', 'x.png', '--top', top);
      assert.equal(r.status, 2);
      assert.match(r.stderr, new RegExp(`--top expects an integer ≥ 1, got "${top}"`));
    }
  });

  it('--out that is a file, empty, or on a virtual filesystem is a clear error, never a stack trace or a hang', () => {
    writeFileSync(join(dir, 'afile'), 'x');
    const cases: [string, RegExp][] = [
      ['afile', /--out "afile": is a file, not a directory/],
      [join(dir, 'afile', 'sub'), /afile is a file, so the directory cannot be created inside it/],
      ['', /--out "": expects a directory path, got an empty string/],
      ['/proc/convkit-nope', /--out "\/proc\/convkit-nope": cannot create \/proc\/convkit-nope/],
      ['/sys/convkit-nope', /--out "\/sys\/convkit-nope": cannot create \/sys\/convkit-nope/],
    ];
    for (const [out, msg] of cases) {
      const r = spawnSync(process.execPath, [BIN, 'train', '--out', out, '--limit', '8'], { encoding: 'utf8', timeout: 30_000, cwd: dir });
      assert.equal(r.signal, null, `--out ${out} did not finish`);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, msg);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it('summary says how an input shape that reads two ways was read', () => {
    const a = run('summary', '28x28 | conv 8 k3');
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /^note: "28x28" is read as C×L: 28 channels of length 28, so the layers are 1-d; write 1x28x28 for a one-channel 28×28 image\n/);
    const b = run('summary', '28x28x3 | conv 8 k3');
    assert.match(b.stdout, /^note: "28x28x3" is read as C×H×W \(channels first\): 28 channels of 28×3; for a 28×28 image with 3 channels write 3x28x28\n/);
    const c = run('summary', '1x28x28 | conv 8 k3');
    assert.doesNotMatch(c.stdout, /note:/);
  });

  it('--version, and -h on every command', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string };
    for (const v of ['--version', '-V']) {
      const r = run(v);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, `convkit ${pkg.version}\n`);
    }
    for (const cmd of ['train', 'eval', 'predict', 'summary', 'export']) {
      const r = run(cmd, '-h');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`usage: convkit ${cmd}`));
    }
    assert.match(run('-h').stdout, /Commands:/);
  });
});

describe('convkit train: the run directory and resumed settings', () => {
  const out = join(dir, 'run3');
  before(() => {
    const r = run('train', ...quick, '--epochs', '2', '--out', out);
    assert.equal(r.status, 0, r.stderr);
  });

  it('names model and data distinctly in the banner, with singular "epoch"', () => {
    const r = run('train', '--limit', '16', '--batch-size', '16', '--epochs', '1', '--out', join(dir, 'banner'));
    assert.match(r.stdout, /^training model digits on data digits: 16 train \/ 2000 test examples, 1 epoch, batch 16, adam lr 0\.002,/m);
  });

  it('refuses --lr, --optimizer, --batch-size and --seed that differ from the run being resumed', () => {
    const cases: [string[], RegExp][] = [
      [['--lr', '0.01'], /--lr 0\.01 differs from the run being resumed \(--lr 0\.002\); a resumed run keeps its settings: drop --lr, or start a new run without --resume/],
      [['--optimizer', 'sgd'], /--optimizer sgd differs from the run being resumed \(--optimizer adam\)/],
      [['--batch-size', '8'], /--batch-size 8 differs from the run being resumed \(--batch-size 16\)/],
      [['--seed', '5'], /--seed 5 differs/],
      [['--model', 'lenet'], /--model lenet differs from the run being resumed \(--model digits\)/],
      [['--epochs', '1'], /--epochs 1 is fewer than the 2 epochs the checkpoint has already completed/],
    ];
    for (const [args, msg] of cases) {
      const r = run('train', '--out', out, '--resume', ...args);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, msg);
    }
    // the same value as the checkpoint's is accepted
    const same = run('train', '--out', out, '--resume', '--lr', '0.002', '--limit', '64');
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /nothing to train/);
  });

  it('extending a finished run re-plans the cosine schedule: the added epoch trains at a non-zero lr', () => {
    const ext = join(dir, 'extend');
    assert.equal(run('train', ...quick, '--epochs', '2', '--out', ext).status, 0);
    const r = run('train', '--out', ext, '--resume', '--epochs', '3');
    assert.equal(r.status, 0, r.stderr);
    // lr(2) over 3 epochs = 0.002 · (1 + cos(2π/3)) / 2 = 0.0005
    assert.match(r.stdout, /note: the cosine schedule is re-planned over 3 epochs \(was 2\): epoch 3 runs at lr 0\.0005\n/);
    assert.match(r.stdout, /adam lr 0\.002 \(now 0\.0005\)/);
    const rows = readFileSync(join(ext, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; lr: number });
    assert.deepEqual(rows.map((x) => x.epoch), [1, 2, 3]);
  });

  it('a second train into the same --out is refused while the first runs; a dead run\'s lock is taken over', async () => {
    const busy = join(dir, 'busy');
    const first = spawn(process.execPath, [BIN, 'train', '--epochs', '50', '--out', busy], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    await new Promise<void>((resolve) => first.stdout.on('data', (d: Buffer) => d.toString().includes('training model') && resolve()));
    const second = run('train', ...quick, '--epochs', '1', '--out', busy);
    assert.equal(second.status, 2);
    assert.match(second.stderr, new RegExp(`busy is in use by another convkit train \\(pid ${first.pid}, started [0-9T:.-]+Z\\); wait for it to finish or choose another --out`));
    first.kill('SIGKILL');
    await new Promise((resolve) => first.on('exit', resolve));
    assert.ok(existsSync(join(busy, '.lock')), 'SIGKILL leaves the lock behind');
    const third = run('train', ...quick, '--epochs', '1', '--out', busy);
    assert.equal(third.status, 0, third.stderr);
    assert.ok(!existsSync(join(busy, '.lock')), 'released at exit');
  });
});

describe('checkpoints that do not fit are refused', () => {
  it('F32 weights labelled I32 are a DTypeError, not a model at 10 %', () => {
    const out = join(dir, 'dtype');
    assert.equal(run('train', ...quick, '--epochs', '1', '--out', out).status, 0);
    const path = join(out, 'model.safetensors');
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + n).toString('utf8').replace('"dtype":"F32"', '"dtype":"I32"');
    writeFileSync(path, Buffer.concat([bytes.subarray(0, 8), Buffer.from(header, 'utf8'), bytes.subarray(8 + n)]));
    const r = run('eval', path);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /the weights do not fit model digits: loadStateDict: error\(s\) loading the state dict of Sequential: dtype mismatch: [\w.]+: int32 values for a float32 parameter/);
  });

  it('run metadata with a bad epoch, seed or optimizer is a FormatError naming the field', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ epoch: -5 }, /run metadata field "epoch" must be a non-negative integer \(epochs completed\), got -5/],
      [{ epoch: 'x' }, /run metadata field "epoch" must be a non-negative integer \(epochs completed\), got "x"/],
      [{ optimizer: 'rmsprop' }, /field "optimizer" must be "sgd", "adam" or "adamw", got "rmsprop"/],
      [{ epoch: 4, epochs: 2 }, /field "epoch" must be at most run\.epochs = 2, got 4/],
      [{ model: '' }, /field "model" must be a model name, got ""/],
    ];
    for (const [over, msg] of cases) {
      const out = join(dir, `meta-${Object.values(over).join('-')}`);
      mkdirSync(out, { recursive: true });
      saveCheckpoint(join(out, 'checkpoint.safetensors'), { model: buildModel('digits').stateDict(), optimizer: null, run: runMeta(over) as never });
      for (const r of [run('train', '--out', out, '--resume'), run('eval', join(out, 'checkpoint.safetensors'))]) {
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stderr, msg);
      }
    }
  });

  it('an architecture mismatch is a short list: the first keys and how many more', () => {
    const path = join(dir, 'lenet-as-mnist.safetensors');
    saveCheckpoint(path, { model: buildModel('lenet').stateDict(), optimizer: null, run: runMeta({ model: 'mnist-net' }) as never });
    const r = run('eval', path);
    assert.equal(r.status, 2);
    const msg = r.stderr.trim();
    assert.match(msg, /the weights do not fit model mnist-net: loadStateDict: error\(s\) loading the state dict of Sequential: missing keys: "2\.weight", "2\.bias", "10\.weight", "10\.bias"; unexpected 6 keys: "11\.bias", "11\.weight", "3\.bias", "3\.weight", "9\.bias", … and 1 more; size mismatch: 0\.bias: .*; 0\.weight: .*; … and 2 more$/);
    const body = msg.slice(msg.indexOf('loadStateDict:'));
    assert.ok(body.length < 400, `${body.length} characters: ${body}`);
  });
});

describe('convkit predict', () => {
  const model = join(dir, 'predict', 'model.safetensors');
  before(() => assert.equal(run('train', '--limit', '2000', '--epochs', '2', '--out', join(dir, 'predict')).status, 0));

  it('reports each bad image and classifies the rest (exit code 1)', () => {
    const { image, label } = io.firstTestDigit();
    const good = join(dir, 'good.png');
    writeFileSync(good, encode({ width: 28, height: 28, data: image, channels: 1, depth: 8 }));
    writeFileSync(join(dir, 'bad.png'), 'not a png');
    const r = run('predict', model, join(dir, 'missing.png'), join(dir, 'bad.png'), good);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: convkit predict: no such file: .*missing\.png/);
    assert.match(r.stderr, /error: convkit predict: .*bad\.png: not a PNG or JPEG file/);
    assert.match(r.stderr, /2 of 3 images could not be read/);
    assert.match(r.stdout, new RegExp(`good\\.png: ${label} \\(`));
  });

  it('--top is at most the model\'s number of classes', () => {
    const r = run('predict', model, join(dir, 'good.png'), '--top', '11');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--top expects an integer from 1 to 10 \(the model's classes\), got "11"/);
  });

  it('detects a dark digit on a light background and inverts it (--invert=false keeps it)', () => {
    const { image, label } = io.firstTestDigit();
    const light = join(dir, 'light.png');
    writeFileSync(light, encode({ width: 28, height: 28, data: image.map((v) => 255 - v), channels: 1, depth: 8 }));
    const r = run('predict', model, light);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`light\\.png \\(light background, mean grey 0\\.\\d\\d: inverted; --invert=false to keep it\\): ${label} \\(`));
    const keep = run('predict', model, light, '--invert=false');
    assert.doesNotMatch(keep.stdout, /inverted/);
  });
});
