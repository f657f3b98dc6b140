/**
 * examples/: one runnable script per MISSION item, each printing its answer and working through the
 * public API (`import ... from 'convkit'`). This runs every script as a user would (node
 * examples/NN_*.mjs) and checks the numbers it prints against values derived independently: the
 * PyTorch/numpy/scipy fixture (scripts/gen_mission.py) or first principles written out here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROOT } from './helpers.js';

const DIR = fileURLToPath(new URL('examples/', ROOT));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of known layout, read field by field
const M = JSON.parse(readFileSync(new URL('test/fixtures/mission/mission.json', ROOT), 'utf8')) as Record<string, any>;

type Json = number | Json[];

/** Runs examples/NN_*.mjs; returns its stdout and the `label = JSON` lines. */
function run(n: number): { out: string; v: (label: string) => Json } {
  const file = readdirSync(DIR).find((f) => f.startsWith(`${String(n).padStart(2, '0')}_`) && f.endsWith('.mjs'));
  assert.ok(file, `examples/${n}_*.mjs exists`);
  const r = spawnSync(process.execPath, [file], { cwd: DIR, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const map = new Map<string, Json>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(.+?) = ([[\-\d].*)$/.exec(line);
    if (m) {
      try {
        map.set(m[1]!, JSON.parse(m[2]!) as Json);
      } catch {
        // a working line, not a value
      }
    }
  }
  return {
    out: r.stdout,
    v: (label) => {
      assert.ok(map.has(label), `example ${n} prints "${label} = ..."`);
      return map.get(label)!;
    },
  };
}

function close(a: Json, b: Json, tol = 1e-9, what = ''): void {
  if (typeof a === 'number' || typeof b === 'number') {
    assert.ok(typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
    return;
  }
  assert.equal(a.length, b.length, `${what}: length`);
  a.forEach((x, i) => close(x, b[i]!, tol, `${what}[${i}]`));
}

/** Sums "a·b + c·d" written with ·, − and parentheses. */
function evalProducts(s: string): number {
  return s.split(' + ').reduce((acc, t) => {
    const [a, b] = t.split('·').map((x) => Number(x.replace(/[()]/g, '').replace('−', '-')));
    return acc + a! * b!;
  }, 0);
}

const range = (n: number): number[] => [...Array(n).keys()];
const sigma = (z: number): number => 1 / (1 + Math.exp(-z));

describe('examples/ answer the MISSION items with their working', () => {
  it('1: circular cross-correlation and its Jacobians, from the definition', () => {
    const { v, out } = run(1);
    const x = v('x') as number[];
    const y = v('y') as number[];
    const n = x.length;
    close(v('z'), range(n).map((k) => range(n).reduce((s, i) => s + x[i]! * y[(i + k) % n]!, 0)), 1e-12, 'z');
    close(v('dz/dx'), range(n).map((k) => range(n).map((i) => y[(i + k) % n]!)), 0, 'dz/dx');
    close(v('dz/dy'), range(n).map((k) => range(n).map((j) => x[(((j - k) % n) + n) % n]!)), 0, 'dz/dy');
    const w = /^z\[1\] = (.*) = (.*)$/m.exec(out)!;
    assert.equal(evalProducts(w[1]!.replace(/\((-?[\d.]+)\)/g, '$1')), Number(w[2]));
  });

  it('2: output sizes equal PyTorch\'s for every conv and pool it prints', () => {
    const { out } = run(2);
    assert.match(out, /^H_out = floor\(\(11 \+ 2\*0 - 1\*\(3-1\) - 1\)\/2 \+ 1\) = 5$/m);
    assert.match(out, /^W_out = floor\(\(10 \+ 2\*0 - 1\*\(3-1\) - 1\)\/2 \+ 1\) = 4$/m);
    const printed = [...out.matchAll(/^conv(\d)d input (\[[\d,]+\]) k(\d+) s(\d+) p(\d+) d(\d+) -> (\[[\d,]+\])/gm)];
    assert.equal(printed.length, M.item2.conv.length - 1);
    for (const c of M.item2.conv) {
      const line = printed.find((m) => Number(m[1]) === c.rank && m[2] === JSON.stringify(c.input) && Number(m[3]) === c.k && Number(m[4]) === c.s && Number(m[5]) === c.p && Number(m[6]) === c.d);
      if (!line) {
        // the first PyTorch case is the headline one, printed as its shape
        assert.deepEqual(c.input, [1, 1, 11, 10]);
        assert.match(out, new RegExp(`conv2d output shape = ${JSON.stringify(c.out).replace(/[[\]]/g, '\\$&')}`));
        continue;
      }
      assert.deepEqual(JSON.parse(line[7]!), c.out);
    }
    const pools = [...out.matchAll(/^maxPool2d input (\[[\d,]+\]) k(\d+) s(\d+) p(\d+) ceil=(\w+) -> (\[[\d,]+\])/gm)];
    assert.equal(pools.length, M.item2.pool.length);
    M.item2.pool.forEach((c: { input: number[]; k: number; s: number; p: number; ceil: boolean; out: number[] }, i: number) => {
      const m = pools[i]!;
      assert.deepEqual([JSON.parse(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), m[5] === 'true', JSON.parse(m[6]!)], [c.input, c.k, c.s, c.p, c.ceil, c.out]);
    });
  });

  it('3: multi-channel conv1d with stride 2: output, Jacobian rows and dL/dW by explicit sums', () => {
    const { v } = run(3);
    const x = [[1, 2, -1, 0, 3, 1, -2], [0, 1, 2, -1, 1, 0, 2]];
    const w = [[[1, 0, -1], [2, 1, 0]], [[0, 1, 1], [-1, 0, 1]], [[1, 1, 1], [0, -2, 0]]];
    const t = [[1, 0, 2], [0, 1, 0], [2, 2, -1]];
    const y = range(3).map((o) => range(3).map((s) => range(2).reduce((acc, c) => acc + range(3).reduce((a2, k) => a2 + w[o]![c]![k]! * x[c]![2 * s + k]!, 0), 0)));
    close(v('y'), [y], 0, 'y');
    const e = y.map((r, o) => r.map((val, s) => val - t[o]![s]!));
    close(v('loss'), 0.5 * e.flat().reduce((a, b) => a + b * b, 0), 0, 'loss');
    close(v('dL/dW'), range(3).map((o) => range(2).map((c) => range(3).map((k) => range(3).reduce((a, s) => a + e[o]![s]! * x[c]![2 * s + k]!, 0)))), 1e-12, 'dL/dW');
    // ∂y[0,0,1]/∂w[o,c,k] = x[c, 2 + k] for o = 0, else 0; ∂y[0,0,1]/∂x[c,j] = w[0,c,j-2] for j in 2..4
    close(v('df/dW[0,0,1]'), range(3).flatMap((o) => range(2).flatMap((c) => range(3).map((k) => (o === 0 ? x[c]![2 + k]! : 0)))), 0, 'df/dW');
    close(v('df/dx[0,0,1]'), range(2).flatMap((c) => range(7).map((j) => (j >= 2 && j <= 4 ? w[0]![c]![j - 2]! : 0))), 0, 'df/dx');
    assert.deepEqual(v('df/dW shape'), [1, 3, 3, 3, 2, 3]);
  });

  it('4: the gated cell by backpropagation through time, recomputed by hand in float64', () => {
    const { v } = run(4);
    const T = 6;
    const nx = 3;
    const nh = 4;
    const mat = (r: number, c: number, f: (i: number, j: number) => number): number[][] => range(r).map((i) => range(c).map((j) => f(i, j)));
    const Wc = mat(nh, nx, (i, j) => 0.5 * Math.sin(i + 2 * j + 1));
    const Wh = mat(nh, nh, (i, j) => 0.4 * Math.cos(2 * i - j));
    const Wx = mat(nh, nx, (i, j) => 0.3 * Math.sin(3 * i + j + 2));
    const xs = mat(T, nx, (t, j) => Math.cos(t + j));
    const target = [0.5, -0.5, 0.25, 0];
    const mv = (A: number[][], u: number[]): number[] => A.map((r) => r.reduce((s, a, j) => s + a * u[j]!, 0));
    const hs: number[][] = [new Array(nh).fill(0)];
    const cs: number[][] = [];
    const us: number[][] = [];
    for (let t = 0; t < T; t++) {
      const h = hs[t]!;
      const c = mv(Wc, xs[t]!).map((a, i) => sigma(a + mv(Wh, h)[i]!));
      const u = mv(Wx, xs[t]!);
      cs.push(c);
      us.push(u);
      hs.push(c.map((ci, i) => ci * h[i]! + (1 - ci) * u[i]!));
    }
    const hT = hs[T]!;
    close(v('loss'), 0.5 * hT.reduce((s, h, i) => s + (h - target[i]!) ** 2, 0), 1e-12, 'loss');
    // backward: dh = ∂L/∂h[t]; c = σ(a): ∂h/∂a = (h[t-1] - u)·c(1-c)
    const gWc = mat(nh, nx, () => 0);
    const gWh = mat(nh, nh, () => 0);
    const gWx = mat(nh, nx, () => 0);
    let dh = hT.map((h, i) => h - target[i]!);
    const norms: number[] = [];
    for (let t = T - 1; t >= 0; t--) {
      norms.unshift(Math.hypot(...dh));
      const c = cs[t]!;
      const hp = hs[t]!;
      const da = dh.map((d, i) => d * (hp[i]! - us[t]![i]!) * c[i]! * (1 - c[i]!));
      const du = dh.map((d, i) => d * (1 - c[i]!));
      for (let i = 0; i < nh; i++) {
        for (let j = 0; j < nx; j++) {
          gWc[i]![j]! += da[i]! * xs[t]![j]!;
          gWx[i]![j]! += du[i]! * xs[t]![j]!;
        }
        for (let j = 0; j < nh; j++) gWh[i]![j]! += da[i]! * hp[j]!;
      }
      dh = range(nh).map((j) => dh[j]! * c[j]! + range(nh).reduce((s, i) => s + da[i]! * Wh[i]![j]!, 0));
    }
    close(v('dL/dWc'), gWc, 1e-10, 'dL/dWc');
    close(v('dL/dWh'), gWh, 1e-10, 'dL/dWh');
    close(v('dL/dWx'), gWx, 1e-10, 'dL/dWx');
    close(v('||dL/dh[t]|| for t from 0 to 5'), norms, 1e-10, 'norms');
    const losses = v('loss during 20 SGD steps (lr 0.5)') as number[];
    close(losses[0]!, 0.5 * hT.reduce((s, h, i) => s + (h - target[i]!) ** 2, 0), 1e-5, 'first SGD loss');
    assert.ok(losses.every((l, i) => i === 0 || l < losses[i - 1]!), 'the loss decreases');
  });

  it('5: convolution vs correlation, shift equivariance, length n - k + 1, by explicit sums', () => {
    const { v } = run(5);
    const x = [1, 2, 3, 4, 5, 6];
    const k = [1, 2, -1];
    const corr = range(4).map((i) => range(3).reduce((s, j) => s + x[i + j]! * k[j]!, 0));
    const conv = range(4).map((i) => range(3).reduce((s, j) => s + x[i + j]! * k[2 - j]!, 0));
    close(v('convolve(x, k, valid)'), conv, 0);
    close(v('correlate(x, k, valid)'), corr, 0);
    close(v('correlate(x, flip(k), valid)'), conv, 0);
    close(v('conv1d(x, k)'), corr, 0);
    const full = (a: number[]): number[] => range(a.length + 2).map((m) => range(3).reduce((s, j) => s + (a[m - j] ?? 0) * k[j]!, 0));
    close(v('convolve(x, k, full)'), full(x), 0);
    close(v('convolve(shift(x), k, full)'), [0, ...full(x)], 0);
  });

  it('6: the filter whose pre-activations are all negative has zero gradient; the others do not', () => {
    const { v, out } = run(6);
    const pre = v('largest pre-activation per filter') as number[];
    const gw = v('weight gradient norm per filter') as number[];
    const gb = v('bias gradient per filter') as number[];
    const dead = pre.map((p) => p <= 0);
    assert.deepEqual(dead, [false, true, false]);
    pre.forEach((_, f) => {
      assert.equal(gw[f] === 0 && gb[f] === 0, dead[f]);
    });
    assert.match(out, /dead units after layer 1: 1 of 3/);
  });

  it('7: Toeplitz, circulant and doubly-block Toeplitz matrices written by hand; Jacobian and VJP', () => {
    const { v } = run(7);
    const w = [1, 2, 3];
    const T = range(3).map((r) => range(5).map((c) => w[c - r] ?? 0));
    close(v('Toeplitz M (1-d, valid)'), T, 0);
    const x = [2, -1, 0, 4, 1];
    const Mx = T.map((r) => r.reduce((s, a, j) => s + a * x[j]!, 0));
    close(v('M x'), Mx, 0);
    close(v('conv1d(x, w)'), Mx, 0);
    // circular padding 1: output r reads x[(r - 1 + j) mod 5] with weight w[j]
    close(v('circulant M (padding 1, circular)'), range(5).map((r) => range(5).map((c) => range(3).reduce((s, j) => s + ((r - 1 + j + 5) % 5 === c ? w[j]! : 0), 0))), 0);
    // 2-d: output (a, b) reads x[a + i][b + j] with weight k[i][j]; rows are outputs, columns x's 9 pixels
    const k2 = [[1, 2], [3, 4]];
    const M2 = range(4).map((o) => range(9).map((p) => {
      const [a, b] = [Math.floor(o / 2), o % 2];
      const [i, j] = [Math.floor(p / 3) - a, (p % 3) - b];
      return i >= 0 && i < 2 && j >= 0 && j < 2 ? k2[i]![j]! : 0;
    }));
    close(v('doubly-block Toeplitz M (2-d)'), M2, 0);
    const x2 = [1, 0, 2, -1, 3, 1, 0, 2, -2];
    close(v('M2 vec(x)'), M2.map((r) => r.reduce((s, a, j) => s + a * x2[j]!, 0)), 0);
    close(v('conv2d(x, w)'), M2.map((r) => r.reduce((s, a, j) => s + a * x2[j]!, 0)), 0);
    // ∂y[a,b]/∂k[i,j] = x[a+i][b+j]: each row is the patch the output saw
    close(v('dy/dw (rows: outputs, columns: w00 w01 w10 w11)'), range(4).map((o) => range(4).map((q) => x2[(Math.floor(o / 2) + Math.floor(q / 2)) * 3 + (o % 2) + (q % 2)]!)), 0);
    const vv = [1, -1, 2, 0.5];
    const vM = range(9).map((j) => range(4).reduce((s, o) => s + vv[o]! * M2[o]![j]!, 0));
    close(v('vjp v^T dy/dx'), vM, 0);
    close(v('v^T M2'), vM, 0);
  });

  it('8: parameter counts and multiplications agree with PyTorch and with the products written out', () => {
    const { out } = run(8);
    const rows = [...out.matchAll(/: output (\[[\d,]+\]), params (\d+), MACs (\d+)/g)].map((m) => [JSON.parse(m[1]!), Number(m[2]), Number(m[3])]);
    assert.equal(rows[0]![1], M.item8.conv96);
    assert.equal(rows[1]![1], M.item8.fc);
    assert.deepEqual(rows[2]![0], M.item8.conv.out);
    assert.equal(rows[2]![1], M.item8.conv.params);
    // MACs: every output value needs (Cin/g)·kh·kw multiply-adds
    assert.equal(rows[0]![2], 96 * 56 * 56 * 3 * 25);
    assert.equal(rows[1]![2], 4096 * 4096);
    assert.equal(rows[2]![2], 20 * 46 * 62 * 10 * 9);
  });

  it('9: the 2-d valid cross-correlation, its extremes, zeros and sums agree with scipy', () => {
    const { out } = run(9);
    const z = M.item9.out as number[][];
    const lines = out.split('\n');
    const from = lines.findIndex((l) => l.startsWith('output Z'));
    const grid = lines.slice(from + 1, lines.findIndex((l) => l.startsWith('largest'))).map((l) => l.replace(/[[\],]/g, ' ').trim().split(/\s+/).map(Number));
    assert.deepEqual(grid, z);
    const flat = z.flatMap((r, i) => r.map((x, j) => [x, i, j] as const));
    const max = Math.max(...flat.map((f) => f[0]));
    const min = Math.min(...flat.map((f) => f[0]));
    const at = (val: number): string => flat.filter((f) => f[0] === val).map((f) => `[${f[1]},${f[2]}]`).join(', ') || 'nowhere';
    assert.match(out, new RegExp(`^largest: ${max} at ${at(max).replace(/[[\]]/g, '\\$&')}$`, 'm'));
    assert.match(out, new RegExp(`^smallest: ${min} at ${at(min).replace(/[[\]]/g, '\\$&')}$`, 'm'));
    assert.match(out, new RegExp(`^zero at: ${at(0).replace(/[[\]]/g, '\\$&')}$`, 'm'));
    const sums = [...out.matchAll(/^ {2}Z\[(\d),(\d)\] = (.*) = (-?\d+)$/gm)];
    assert.equal(sums.length, 9);
    for (const s of sums) {
      assert.equal(Number(s[4]), z[Number(s[1])]![Number(s[2])]);
      assert.equal(evalProducts(s[3]!), Number(s[4]));
    }
  });

  it('10: dBCE/da = sigmoid(a) - y; dMSE/da = 2(sigmoid(a) - y)sigmoid(a)(1 - sigmoid(a))', () => {
    const { v } = run(10);
    const a = v('a') as number[];
    close(v('dBCE/da'), a.map((x) => sigma(x) - 1), 1e-12);
    close(v('sigmoid(a) - y'), a.map((x) => sigma(x) - 1), 1e-12);
    close(v('dMSE/da'), a.map((x) => 2 * (sigma(x) - 1) * sigma(x) * (1 - sigma(x))), 1e-12);
  });

  it('11: softmax from the definition; invariance, two classes, K-1 logits, Jacobian diag(p) - pp^T', () => {
    const { v } = run(11);
    const sm = (z: number[]): number[] => {
      const e = z.map((x) => Math.exp(x - Math.max(...z)));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / s);
    };
    const p = sm([1, 2, 0.5, -1]);
    close(v('softmax(z)'), p, 1e-14);
    close(v('softmax(z + 100)'), p, 1e-12);
    close(v('softmax([z0 - z3, z1 - z3, z2 - z3, 0])'), p, 1e-14);
    close(v('softmax([1000, 1001, 1002])'), sm([0, 1, 2]), 1e-14);
    close(v('softmax([0.3, 1.7])[1]'), sigma(1.4), 1e-14);
    close(v('sigmoid(1.7 - 0.3)'), sigma(1.4), 1e-14);
    const J = p.map((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj));
    close(v('jacobian(softmax)(z)'), J, 1e-12);
    close(v('diag(p) - p p^T'), J, 1e-12);
  });

  it('12: the tanh twin of a sigmoid network gives the same outputs (computed here from the sigmoid net)', () => {
    const { v } = run(12);
    const W1 = [[1, -2, 0.5], [0.3, 0.8, -1], [2, 0, 1], [-0.5, 1.5, 0.2]];
    const b1 = [0.1, -0.2, 0.3, 0];
    const W2 = [[1, -1, 2, 0.5], [0, 3, -1, 1]];
    const b2 = [0.5, -1];
    const X = [[1, 2, 3], [-1, 0, 2], [0.5, -0.5, 1]];
    const y = X.map((x) => {
      const h = W1.map((r, i) => sigma(r.reduce((s, w, j) => s + w * x[j]!, 0) + b1[i]!));
      return W2.map((r, o) => r.reduce((s, w, j) => s + w * h[j]!, 0) + b2[o]!);
    });
    close(v('sigmoid network outputs'), y, 1e-12);
    close(v('tanh network outputs'), y, 1e-12);
    close(v("b2' = b2 + W2·1/2"), [0.5 + 1.25, -1 + 1.5], 1e-15);
  });

  it('13: the 3x128x128 CNN: shapes, scalars and parameters agree with PyTorch', () => {
    const { out } = run(13);
    const rows = [...out.matchAll(/^\S+: output ([\dx]+) = (\d+) scalars, (\d+) parameters$/gm)];
    assert.deepEqual(rows.map((m) => m[1]!.split('x').map(Number)), M.item13.shapes);
    assert.deepEqual(rows.map((m) => Number(m[2])), M.item13.scalars);
    assert.deepEqual(rows.map((m) => Number(m[3])), M.item13.params);
  });

  it('14: full, valid and same convolution agree with numpy, and every sum adds up', () => {
    const { out } = run(14);
    for (const mode of ['full', 'valid', 'same']) {
      const m = new RegExp(`^np\\.convolve\\(x, k, '${mode}'\\) = (.*)$`, 'm').exec(out);
      assert.ok(m, mode);
      assert.deepEqual(JSON.parse(m[1]!), M.item14[mode].convolve);
    }
    for (const s of out.matchAll(/^ {4}Z\[\d\] = (.*) = (-?\d+)$/gm)) assert.equal(evalProducts(s[1]!), Number(s[2]));
  });

  it('15: the input gradient of a valid correlation is a full convolution, of a full convolution a valid correlation', () => {
    const { v } = run(15);
    const x = [1, -2, 3, 0, 2, 1];
    const w = [2, -1, 3];
    const g = [1, 0.5, -1, 2];
    // y[m] = Σ_j x[m+j] w[j]  =>  dL/dx[i] = Σ_m g[m] w[i-m]
    const dx = range(6).map((i) => range(4).reduce((s, m) => s + g[m]! * (w[i - m] ?? 0), 0));
    close(v('dL/dx by backpropagation'), dx, 0);
    close(v('full convolution of g with w'), dx, 0);
    close(v('full correlation of g with flip(w)'), dx, 0);
    // y[m] = Σ_i w[i] x[m-i]  =>  dL/dx[j] = Σ_i w[i] g[j+i]
    const g2 = [1, -1, 0.5, 2, 0, 1, -2, 1];
    const dx2 = range(6).map((j) => range(3).reduce((s, i) => s + w[i]! * g2[j + i]!, 0));
    close(v('dL/dx through a full convolution'), dx2, 0);
    close(v('valid correlation of g2 with w'), dx2, 0);
    const W = [[1, -2], [0, 3]];
    const G = [[1, -1], [2, 0.5]];
    const dX = range(3).map((i) => range(3).map((j) => range(2).reduce((s, a) => s + range(2).reduce((t, b) => t + G[a]![b]! * (W[i - a]?.[j - b] ?? 0), 0), 0)));
    close(v('conv2d: dL/dX'), dX, 0);
    close(v('conv2d(G, flip(W), padding 1)'), dX, 0);
  });
});
