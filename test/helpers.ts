/** Shared test helpers: the backend list, fixture loading and closeness checks. */
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe } from 'node:test';
import assert from 'node:assert/strict';
// the Node entry point: the wasm backend runs on its worker_threads pool in every suite
import '../src/node/index.js';
import * as ck from '../src/index.js';
import { Tensor, getBackend, listBackends, setBackend, tensor } from '../src/index.js';
import type { DType } from '../src/index.js';
import { backendByName } from '../src/backend.js';

export const ROOT = new URL('../../', import.meta.url);

export interface BackendSuiteOptions {
  /**
   * Also run on backends whose values can only be read asynchronously (WebGPU): the suite reads
   * results with `await t.read()` (see `readBack`), never `.data`/`.item()` on its outputs.
   */
  asyncReads?: boolean;
}

/**
 * Runs `body` once per registered backend (the same suite on every backend), with that backend
 * selected while each of its tests runs (tests run after `describe` returns, so the selection is
 * made around every test, awaiting GPU backends).
 */
export function describeBackends(title: string, body: (backend: string) => void, options: BackendSuiteOptions = {}): void {
  for (const b of listBackends()) {
    const dev = backendByName(b)?.device;
    if (dev && !dev.syncReads && !options.asyncReads) continue;
    describe(`${title} [${b}]`, () => {
      let prev = getBackend();
      beforeEach(async () => {
        prev = getBackend();
        await setBackend(b);
      });
      afterEach(async () => {
        await setBackend(prev);
      });
      body(b);
    });
  }
}

/** A JavaScript-memory copy of `t` (read asynchronously, so it works for tensors on any device). */
export async function readBack(t: Tensor): Promise<Tensor> {
  return tensor(await t.read(), { shape: [...t.shape], dtype: t.dtype });
}

/** Runs `fn` with backend `b` selected (use inside `it` bodies, which run after describe returns). */
export function onBackend<T>(b: string, fn: () => T): T {
  const prev = getBackend();
  setBackend(b);
  try {
    return fn();
  } finally {
    setBackend(prev);
  }
}

export interface EncTensor {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
}

export interface FixtureCase {
  name: string;
  call: string;
  args: ({ tensor: EncTensor } | { tensors: EncTensor[] } | { value: unknown })[];
  options?: Record<string, unknown>;
  out: EncTensor[];
  R?: EncTensor[];
  grads?: (EncTensor | (EncTensor | null)[] | null)[];
  tol?: { rtol?: number; atol?: number };
}

export interface FixtureFile {
  family: string;
  torch: string;
  cases: FixtureCase[];
}

export function decode(e: EncTensor, requiresGrad = false): Tensor {
  // fixtures carry non-finite values as Python's strings 'inf', '-inf', 'nan'
  const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
  const vals = e.data.map((v) => (typeof v === 'string' ? special[v] ?? Number(v) : v));
  return tensor(vals, { shape: e.shape, dtype: e.dtype, requiresGrad });
}

export function loadFixtures(): FixtureFile[] {
  const dir = new URL('test/fixtures/', ROOT);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as FixtureFile);
}

export interface Tol {
  rtol: number;
  atol: number;
}

export const TOL32: Tol = { rtol: 1e-4, atol: 1e-5 };
export const TOL64: Tol = { rtol: 1e-10, atol: 1e-12 };

/** Largest |actual - expected| / (atol + rtol |expected|) seen so far, for the closing note. */
export const worst = { ratio: 0, abs: 0, where: '' };

/** Asserts shapes equal and every element within atol + rtol·|expected| (NaN matches NaN). */
export function assertClose(actual: Tensor, expected: Tensor | number[] | number, tol: Tol = TOL32, what = ''): void {
  const exp = expected instanceof Tensor ? expected : tensor(expected as number[], { dtype: 'float64' });
  assert.deepEqual([...actual.shape], [...exp.shape], `${what}: shape ${JSON.stringify(actual.shape)} vs expected ${JSON.stringify(exp.shape)}`);
  for (let i = 0; i < exp.numel; i++) {
    const a = actual.data[i]!;
    const e = exp.data[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    const err = Math.abs(a - e);
    const lim = tol.atol + tol.rtol * Math.abs(e);
    if (err / lim > worst.ratio) Object.assign(worst, { ratio: err / lim, abs: err, where: what });
    if (!(err <= lim)) {
      assert.fail(`${what}: element ${i} is ${a}, expected ${e} (|diff| ${err} > ${lim})`);
    }
  }
}

/** Asserts that `fn` throws an error of class `cls` whose message matches `msg`. */
export function assertThrowsTyped(fn: () => unknown, cls: new (...a: never[]) => Error, msg?: RegExp | string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (msg !== undefined) {
      const m = (e as Error).message;
      if (typeof msg === 'string') assert.equal(m, msg);
      else assert.match(m, msg);
    }
    return true;
  });
}

/**
 * The dot-product test of a VJP in float64: for random u (input direction) and v (output
 * cotangent), ⟨v, J u⟩ computed by jvp must equal ⟨Jᵀ v, u⟩ computed by vjp.
 * `inputs` are cast to float64; every input is perturbed.
 */
export function assertVjpDot(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], what = 'vjp'): void {
  const xs = inputs.map((t) => ck.tensor(t, { dtype: 'float64' }));
  const us = xs.map((x) => ck.randn([...x.shape], { dtype: 'float64' }));
  const [out, vjpFn] = ck.vjp(f, ...xs);
  const v = ck.randn([...out.shape], { dtype: 'float64' });
  // J·u by central differences of f along u, in float64, independent of any vjp (a JVP built
  // from two VJPs would only prove double backward): truncation ~h²·|f'''|, rounding ~ε·|f|/h
  const h = 1e-6;
  const at = (s: number): Tensor => ck.noGrad(() => f(...xs.map((x, i) => ck.add(x, ck.mul(us[i]!, s)))));
  const vf = (t: Tensor): number => ck.sum(ck.mul(v, t)).item();
  const lhs = (vf(at(h)) - vf(at(-h))) / (2 * h);
  const gs = vjpFn(v);
  let rhs = 0;
  let scale = 0;
  gs.forEach((g, i) => {
    rhs += ck.sum(ck.mul(g, us[i]!)).item();
    scale += ck.sum(ck.abs(ck.mul(g, us[i]!))).item();
  });
  const err = Math.abs(lhs - rhs);
  assert.ok(err <= 1e-6 * (1 + scale), `${what}: <v, Ju> = ${lhs} (finite differences) but <J^T v, u> = ${rhs}`);
}
