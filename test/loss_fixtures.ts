/**
 * Runs the PyTorch fixture cases whose options hold tensors (test/fixtures/<family>_options.json,
 * written by scripts/fixtures/loss.py and norm.py), which the generic conformance runner cannot
 * express: options {"tensor": ...} are decoded, the gradients of option tensors PyTorch can
 * differentiate are compared (`optionGrads`), and argument values after the call (`post`, e.g.
 * batchNorm's running statistics updated in place) are checked.
 */
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { Tensor } from '../src/index.js';
import { ROOT, TOL32, TOL64, assertClose, decode } from './helpers.js';
import type { EncTensor, FixtureCase } from './helpers.js';

/** Option cases take single tensors or plain values as positional arguments (no tensor lists). */
export interface OptionCase extends Omit<FixtureCase, 'args' | 'grads'> {
  args: ({ tensor: EncTensor } | { value: unknown })[];
  grads?: (EncTensor | null)[];
  options: Record<string, unknown>;
  optionGrads: Record<string, EncTensor | null>;
  post?: Record<string, EncTensor>;
}

export function loadOptionCases(family: string): OptionCase[] {
  const doc = JSON.parse(readFileSync(new URL(`test/fixtures/${family}_options.json`, ROOT), 'utf8')) as { optionCases: OptionCase[] };
  return doc.optionCases;
}

function isEncoded(v: unknown): v is { tensor: EncTensor } {
  return typeof v === 'object' && v !== null && 'tensor' in v;
}

type AnyFn = (...a: unknown[]) => unknown;

/** Runs one option case on the current backend and asserts outputs, gradients and post-values. */
export function runOptionCase(c: OptionCase): void {
  const fn = (ck as unknown as Record<string, AnyFn | undefined>)[c.call];
  assert.equal(typeof fn, 'function', `fixture "${c.name}" calls ${c.call}, which convkit does not export`);
  const args = c.args.map((a) => ('tensor' in a ? decode(a.tensor, a.tensor.dtype !== 'int32') : a.value));
  const options: Record<string, unknown> = {};
  const optionTensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.options)) {
    if (isEncoded(v)) {
      optionTensors[k] = decode(v.tensor, c.optionGrads[k] != null);
      options[k] = optionTensors[k];
    } else options[k] = v;
  }
  const raw = fn!(...args, options);
  const outs = (Array.isArray(raw) ? raw : [raw]) as Tensor[];
  const base = c.out[0]?.dtype === 'float64' ? TOL64 : TOL32;
  const tol = { rtol: c.tol?.rtol ?? base.rtol, atol: c.tol?.atol ?? base.atol };
  c.out.forEach((e, i) => assertClose(outs[i]!, decode(e), tol, `${c.call} "${c.name}" output ${i}`));
  for (const [i, e] of Object.entries(c.post ?? {})) {
    assertClose(args[Number(i)] as Tensor, decode(e), tol, `${c.call} "${c.name}" argument ${i} after the call`);
  }
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const term = ck.sum(ck.mul(o, decode(c.R![i]!)));
    loss = loss ? ck.add(loss, term) : term;
  });
  (loss as unknown as Tensor).backward();
  c.grads!.forEach((g, i) => {
    if (g === null) return;
    const t = args[i] as Tensor;
    assertClose(t.grad ?? ck.zerosLike(t), decode(g), tol, `${c.call} "${c.name}" grad of arg ${i}`);
  });
  for (const [k, g] of Object.entries(c.optionGrads)) {
    if (g === null) continue;
    const t = optionTensors[k]!;
    assertClose(t.grad ?? ck.zerosLike(t), decode(g), tol, `${c.call} "${c.name}" grad of options.${k}`);
  }
}

/** One `it` per option case of `family` (call inside a describeBackends body). */
export function optionCaseTests(family: string): void {
  for (const c of loadOptionCases(family)) it(`PyTorch fixture: ${c.name}`, () => runOptionCase(c));
}
