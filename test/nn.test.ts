/** convkit.nn against PyTorch fixtures (scripts/fixtures_nn.py → test/fixtures/nn/nn.json). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tensor, add, mul, sum } from '../src/index.js';
import * as nn from '../src/nn/index.js';
import type { AnyModule } from '../src/nn/index.js';
import { ROOT, TOL32, assertClose, decode } from './helpers.js';
import type { EncTensor } from './helpers.js';

type Arg = EncTensor | null | Arg[];
interface Ctor {
  type: string;
  args: unknown[];
  options?: Record<string, unknown>;
  layers?: Ctor[];
}
interface NnCase {
  name: string;
  ctor: Ctor;
  train: boolean;
  stateDict: Record<string, EncTensor>;
  keys: string[];
  args: Arg[];
  out: EncTensor[];
  R: EncTensor[];
  paramGrads: Record<string, EncTensor>;
  inputGrads: (EncTensor | null)[];
  stateAfter: Record<string, EncTensor>;
  repr: string;
}
interface ClipCase {
  normType: number | 'inf';
  maxNorm: number;
  grads: EncTensor[];
  total: number;
  after: EncTensor[];
}
const FIX = JSON.parse(readFileSync(new URL('test/fixtures/nn/nn.json', ROOT), 'utf8')) as { torch: string; cases: NnCase[]; clip: ClipCase[] };
// bidirectional RNN/GRU/LSTM: the same checks, from their own file (scripts/fixtures_nn.py writes both)
const BIDIR = JSON.parse(readFileSync(new URL('test/fixtures/nn/rnn_bidirectional.json', ROOT), 'utf8')) as { cases: NnCase[] };

function mnist(dropout: number): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(4, 8, 3),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32, 16),
    new nn.Tanh(),
    new nn.Dropout(dropout),
    new nn.Linear(16, 10),
    new nn.LogSoftmax(1),
  );
}

function build(c: Ctor): AnyModule {
  if (c.type === 'mnist') return mnist(c.options!.dropout as number);
  if (c.type === 'Sequential') return new nn.Sequential(...(c.layers!.map(build) as unknown as nn.TensorModule[]));
  const ctors = nn as unknown as Record<string, new (...a: unknown[]) => AnyModule>;
  const C = ctors[c.type];
  assert.ok(C, `no nn.${c.type}`);
  return c.options === undefined ? new C(...c.args) : new C(...c.args, c.options);
}

function decodeArg(a: Arg): unknown {
  if (a === null) return null;
  if (Array.isArray(a)) return a.map(decodeArg);
  return decode(a, true);
}

function flatOut(o: unknown): Tensor[] {
  if (o instanceof Tensor) return [o];
  return (o as unknown[]).flatMap(flatOut);
}

describe(`nn modules against torch ${FIX.torch}`, () => {
  for (const c of [...FIX.cases, ...BIDIR.cases]) {
    it(c.name, () => {
      const m = build(c.ctor);
      assert.deepEqual(Object.keys(m.stateDict()), c.keys, 'stateDict keys');
      const sd: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.stateDict)) sd[k] = decode(v);
      m.loadStateDict(sd);
      m.train(c.train);
      assert.equal(String(m), c.repr, 'repr');
      const args = c.args.map(decodeArg);
      const outs = flatOut((m.call as (...a: unknown[]) => unknown)(...args));
      assert.equal(outs.length, c.out.length);
      outs.forEach((o, i) => assertClose(o, decode(c.out[i]!), TOL32, `${c.name} out ${i}`));
      let loss: Tensor | null = null;
      outs.forEach((o, i) => {
        const term = sum(mul(o, decode(c.R[i]!)));
        loss = loss === null ? term : add(loss, term);
      });
      (loss as unknown as Tensor).backward();
      const named = new Map(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads)) {
        const p = named.get(k);
        assert.ok(p, `parameter ${k}`);
        assert.ok(p.grad, `grad of ${k}`);
        assertClose(p.grad, decode(g), TOL32, `${c.name} grad ${k}`);
      }
      c.inputGrads.forEach((g, i) => {
        const a = args[i];
        if (g !== null && a instanceof Tensor) assertClose(a.grad!, decode(g), TOL32, `${c.name} input grad ${i}`);
      });
      const after = m.stateDict();
      for (const [k, v] of Object.entries(c.stateAfter)) assertClose(after[k]!, decode(v), TOL32, `${c.name} state after ${k}`);
    });
  }
});

describe('clipGradNorm against torch', () => {
  for (const c of FIX.clip) {
    it(`normType ${c.normType}, maxNorm ${c.maxNorm}`, () => {
      const ps = c.grads.map((g) => {
        const p = decode(g, true);
        p.grad = decode(g);
        return p;
      });
      const total = nn.utils.clipGradNorm(ps, c.maxNorm, c.normType === 'inf' ? Infinity : c.normType);
      assertClose(total, decode({ shape: [], dtype: 'float32', data: [c.total] }), TOL32, 'total');
      ps.forEach((p, i) => assertClose(p.grad!, decode(c.after[i]!), TOL32, `grad ${i}`));
    });
  }
});
