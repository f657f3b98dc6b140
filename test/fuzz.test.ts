/**
 * Invalid-input fuzz test. For every public tensor op: a valid base call (which must succeed), then
 * seeded random single mutations that make it invalid (wrong rank/channels/shapes, mixed dtypes,
 * bad option values, unknown option keys, out-of-range dims/indices/classes, padding too large,
 * output size below 1, non-tensor arguments...). Each mutated call must throw a ConvkitError with
 * non-empty string fields op/arg/expected/got and a message that names the op — not a
 * TypeError/RangeError from inside a kernel, and not a silent result.
 *
 * Mutations are makers in test/fuzz_specs_*.ts, cycled round-robin per op (so every maker runs)
 * with random values inside each maker. Inputs stay tiny so no call can hang; the work a rejection
 * does is bounded by counting ops (no timing).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { ConvkitError } from '../src/index.js';
import type { Mutant, Spec } from './fuzz_gen.js';
import { Rng, loose } from './fuzz_gen.js';
import { describeBackends, onBackend } from './helpers.js';
import { convSpecsAll } from './fuzz_specs_conv.js';
import { nnSpecsAll } from './fuzz_specs_nn.js';
import { tensorSpecsAll } from './fuzz_specs_tensor.js';

const SEED = 20261123;
/** Mutated calls per op (at least one per maker). */
const CALLS_PER_OP = 60;
/**
 * The work a rejected call may do before it throws, counted (not timed): ops executed and the
 * elements they produced. Validation happens in shape rules, so most rejections run no op at
 * all; a composite function may run a few small ops before the op that refuses.
 */
const MAX_OPS = 8;
const MAX_ELEMENTS = 4096;

/** The most work any rejection did (reported after the run). */
const maxSeen = { ops: 0, elements: 0 };

const specs: Spec[] = [...convSpecsAll(), ...nnSpecsAll(), ...tensorSpecsAll()];
const counts = new Map<string, number>();
let total = 0;

/** Describes what a call returned, for "silent result" failures. */
function describeResult(v: unknown): string {
  if (ck.isTensor(v)) return `tensor of shape [${v.shape.join(', ')}] (${v.dtype})`;
  if (Array.isArray(v)) return `[${v.map(describeResult).join(', ')}]`;
  return String(v);
}

/** Runs one mutant; returns null if it was rejected properly, else what went wrong. */
export function checkRejected(op: string, mut: Mutant): string | null {
  let result: unknown;
  let ops = 0;
  let elements = 0;
  const count = (e: ck.OpEvent): void => {
    ops++;
    for (const t of e.outputs) elements += t.numel;
  };
  try {
    result = ck.observeOps(count, () => mut.call());
  } catch (e) {
    if (!(e instanceof ConvkitError)) {
      const name = e instanceof Error ? e.name : typeof e;
      const msg = e instanceof Error ? e.message : String(e);
      const where = e instanceof Error ? (e.stack ?? '').split('\n').slice(1, 2).join('').trim() : '';
      return `crash ${name}: ${msg} ${where}`;
    }
    for (const f of ['op', 'arg', 'expected', 'got'] as const) {
      if (typeof e[f] !== 'string' || e[f].length === 0) return `${e.name} with empty field ${f}: ${e.message}`;
    }
    if (!e.message.includes(op)) return `${e.name} message does not name ${op}: ${e.message}`;
    if (ops > MAX_OPS || elements > MAX_ELEMENTS) return `rejected only after ${ops} ops producing ${elements} elements (bounds: ${MAX_OPS} ops, ${MAX_ELEMENTS} elements)`;
    maxSeen.ops = Math.max(maxSeen.ops, ops);
    maxSeen.elements = Math.max(maxSeen.elements, elements);
    return null;
  }
  return `silent result: ${describeResult(result)}`;
}

// on every backend (GPU backends included: validation never reads values): validation runs before
// kernels, but a backend's kernel must never be reached by (or crash on) an invalid call
describeBackends('fuzz: invalid calls throw typed errors', (b) => {
  ck.manualSeed(SEED);
  const rng = new Rng(SEED);
  for (const s of specs) {
    it(`${s.op}: valid base call succeeds`, () => {
      assert.doesNotThrow(() => onBackend(b, s.base), `${s.op}: the base call of the fuzz spec must be valid`);
    });
    it(`${s.op}: ${CALLS_PER_OP} invalid calls`, () => {
      const failures = new Map<string, string>();
      const n = Math.max(CALLS_PER_OP, s.muts.length);
      for (let i = 0; i < n; i++) {
        const mut = s.muts[i % s.muts.length]!(rng);
        const bad = onBackend(b, () => checkRejected(s.op, mut));
        counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
        total++;
        if (bad !== null && !failures.has(mut.what)) failures.set(mut.what, bad);
      }
      if (failures.size > 0) {
        const lines = [...failures].map(([what, bad]) => `  ${s.op}(${what}) -> ${bad}`);
        assert.fail(`${s.op}: ${failures.size} invalid call(s) not rejected with a typed error:\n${lines.join('\n')}`);
      }
    });
  }
}, { asyncReads: true });

/** Exact calls the fuzzer once found mishandled, kept as regression tests (all fixed in src). */
const KNOWN_BAD: readonly { op: string; what: string; call: () => unknown }[] = [
  // once a TypeError "Cannot read properties of null (reading 'length')" from sameShape before any check
  { op: 'expand', what: 'expand(tensor[2, 1], null)', call: () => loose(ck.expand)(ck.zeros([2, 1]), null) },
  { op: 'expand', what: 'expand(tensor[2, 1], undefined)', call: () => loose(ck.expand)(ck.zeros([2, 1]), undefined) },
  { op: 'broadcastTo', what: 'broadcastTo(tensor[2, 1], null)', call: () => loose(ck.broadcastTo)(ck.zeros([2, 1]), null) },
  // once reported as "expand: ..." (op = 'expand'), since broadcastTo delegated without its own checks
  { op: 'broadcastTo', what: 'broadcastTo(tensor[2, 1], [3, 3])', call: () => ck.broadcastTo(ck.zeros([2, 1]), [3, 3]) },
  { op: 'broadcastTo', what: 'broadcastTo(3, [2, 3])', call: () => loose(ck.broadcastTo)(3, [2, 3]) },
];

describe('fuzz: regressions found by the fuzzer', () => {
  for (const k of KNOWN_BAD) {
    it(`${k.op}: ${k.what}`, () => {
      const bad = checkRejected(k.op, k);
      assert.equal(bad, null, `${k.op}(${k.what}) -> ${bad ?? ''}`);
    });
  }
});

after(() => {
  const rows = [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([op, c]) => `${op} ${c}`);
  console.log(`fuzz: ${total} invalid calls over ${counts.size} ops and every backend (seed ${SEED}); the most work before a rejection: ${maxSeen.ops} ops, ${maxSeen.elements} elements\n${rows.join(', ')}`);
});
