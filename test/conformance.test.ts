/**
 * Every PyTorch fixture (test/fixtures/*.json, written by scripts/gen_fixtures.py) on every
 * backend: outputs, and gradients of sum(out_i · R_i) w.r.t. every float tensor argument.
 */
import { it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { Tensor } from '../src/index.js';
import { TOL32, TOL64, assertClose, decode, describeBackends, loadFixtures, readBack, worst } from './helpers.js';
import type { EncTensor, FixtureCase } from './helpers.js';

type AnyFn = (...a: unknown[]) => unknown;
const api = ck as unknown as Record<string, AnyFn | undefined>;

async function run(c: FixtureCase): Promise<void> {
  const fn = api[c.call];
  if (typeof fn !== 'function') throw new Error(`fixture "${c.name}" calls ${c.call}, which convkit does not export`);
  const withGrad = c.grads !== undefined;
  const args = c.args.map((a) =>
    'tensor' in a ? decode(a.tensor, withGrad && a.tensor.dtype !== 'int32') : 'tensors' in a ? a.tensors.map((t) => decode(t, withGrad && t.dtype !== 'int32')) : a.value,
  );
  const raw = fn(...args, ...(c.options !== undefined ? [c.options] : []));
  const outs = (Array.isArray(raw) ? raw : [raw]) as Tensor[];
  const dtype = c.out[0]?.dtype;
  const base = dtype === 'float64' ? TOL64 : TOL32;
  const tol = { rtol: c.tol?.rtol ?? base.rtol, atol: c.tol?.atol ?? base.atol };
  // read back asynchronously: on a GPU backend the outputs cannot be read synchronously
  for (let i = 0; i < c.out.length; i++) assertClose(await readBack(outs[i]!), decode(c.out[i]!), tol, `${c.call} "${c.name}" output ${i}`);
  if (!withGrad || !c.R || c.R.length === 0) return;
  const floatOuts = outs.filter((o) => o.dtype !== 'int32' && o.requiresGrad);
  let loss: Tensor | null = null;
  floatOuts.forEach((o, i) => {
    const term = ck.sum(ck.mul(o, decode(c.R![i]!)));
    loss = loss ? ck.add(loss, term) : term;
  });
  if (loss === null) throw new Error(`${c.name}: no differentiable output`);
  (loss as Tensor).backward();
  for (const [i, g] of c.grads!.entries()) {
    if (g === null) continue;
    // a list argument (cat/stack) has one gradient per tensor
    const pairs: [Tensor, EncTensor | null][] = Array.isArray(g) ? (args[i] as Tensor[]).map((t, k) => [t, g[k] ?? null]) : [[args[i] as Tensor, g]];
    for (const [k, [t, e]] of pairs.entries()) {
      if (e) assertClose(await readBack(t.grad ?? ck.zerosLike(t)), decode(e), tol, `${c.call} "${c.name}" grad of arg ${i}${Array.isArray(g) ? `[${k}]` : ''}`);
    }
  }
}

const files = loadFixtures();
/**
 * Cases a backend cannot run, with the typed error it must give instead. webgpu has no float64:
 * the gradient of a float64 → float32 conversion is the float32 gradient (a GPU tensor) converted
 * back to float64, which would need a synchronous read of GPU memory.
 */
const REFUSED: Record<string, Record<string, RegExp>> = {
  webgpu: { 'movement: to float32': /can only be read asynchronously: use `await t\.read\(\)`/ },
};

describeBackends(
  'conformance with PyTorch',
  (b) => {
    for (const f of files) {
      for (const c of f.cases) {
        const name = `${f.family}: ${c.name}`;
        const refused = REFUSED[b]?.[name];
        it(name, () => (refused ? assert.rejects(run(c), (e: unknown) => e instanceof ck.BackendError && refused.test(e.message)) : run(c)));
      }
    }
  },
  { asyncReads: true },
);

after(() => {
  const n = files.reduce((s, f) => s + f.cases.length, 0);
  console.log(`conformance: ${n} fixture cases; worst error/tolerance ratio ${worst.ratio.toExponential(2)} (|diff| ${worst.abs.toExponential(2)}) at ${worst.where}`);
});
