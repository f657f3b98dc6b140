/**
 * The benchmark harness's own arithmetic (bench/, not part of `npm test`'s timing): the FLOP count
 * of the residual-block row, the target checks of issue 10 on hand-made results, and the peak
 * microkernel computing exactly the recurrence its FLOP count assumes. Nothing here is timed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

const lib = (name: string): string => new URL(`../../bench/lib/${name}`, import.meta.url).href;

interface Part { name: string; margin: number | null }
interface Target { id: string; status: string; parts: Part[] }
type Results = Record<string, Record<string, Record<string, number>>>;
interface TargetsModule { checkTargets(results: Results, names: Record<string, string>, limit: number | null): Target[] }
interface WorkloadsModule {
  RES_TRAIN_FLOPS_PER_IMAGE: number;
  CHAIN: { ops: unknown[][]; shape: number[] };
  cellFlops(cell: { workload: string; mode: string }, batch: number): number | null;
}
interface PeakModule { compile(kind: string, acc: number): Promise<WebAssembly.Module> }

describe('bench harness', () => {
  it('R1 counts 3 × forward MACs × 2 of its two 64→64 3×3 convs; E1 counts no FLOPs', async () => {
    const w = (await import(lib('workloads.mjs'))) as WorkloadsModule;
    const macsPerConv = 32 * 64 * 32 * 32 * 64 * 9; // N·Cout·H·W·Cin·K·K at padding 1
    assert.equal(w.cellFlops({ workload: 'R1', mode: 'train' }, 32), 3 * 2 * 2 * macsPerConv);
    assert.equal(w.RES_TRAIN_FLOPS_PER_IMAGE * 32, 14_495_514_624);
    assert.equal(w.cellFlops({ workload: 'E1', mode: 'chain' }, 1), null);
    assert.equal(w.CHAIN.ops.length, 24);
    assert.equal(w.CHAIN.shape[0]! * w.CHAIN.shape[1]!, 2_400_000);
  });

  it('issue 10 targets: margins and statuses from one set of results', async () => {
    const t = (await import(lib('targets.mjs'))) as TargetsModule;
    const results: Results = {
      'convkit-wasm': {
        'T1:train': { gflops: 40, imagesPerSec: 600 },
        'W1:fwd': { gflops: 90 }, 'W2:fwd': { gflops: 90 }, 'W3:fwd': { gflops: 90 }, 'W4:fwd': { gflops: 60 },
        'W5:fwd': { gflops: 1, ms: 2 },
        'W1:fwdbwd': { gflops: 55 }, 'W2:fwdbwd': { gflops: 60 }, 'W3:fwdbwd': { gflops: 60 }, 'W4:fwdbwd': { gflops: 60 },
        'R1:train': { gflops: 45, ms: 50, outsideShare: 0.25 },
        'T2:infer:b64': { imagesPerSec: 2400 }, 'T2:infer:b1': { ms: 0.5 },
        'E1:chain': { overFloor: 2 },
      },
      'convkit-wasm-1t': { 'E1:chain': { overFloor: 8 } },
      'pytorch-2t': { 'T1:train': { imagesPerSec: 500 }, 'R1:train': { ms: 60 } },
      'ort-web-2t': {
        'W1:fwd': { gflops: 60 }, 'W2:fwd': { gflops: 50 }, 'W3:fwd': { gflops: 50 }, 'W4:fwd': { gflops: 50 },
        'T2:infer:b64': { imagesPerSec: 2000 }, 'T2:infer:b1': { ms: 0.4 },
      },
      'ort-node': { 'W5:fwd': { gflops: 1, ms: 3 } },
    };
    const got = Object.fromEntries(t.checkTargets(results, {}, 100).map((x) => [x.id, x]));
    const margins = (id: string): (number | null)[] => got[id]!.parts.map((p) => (p.margin === null ? null : Math.round(p.margin * 1000) / 1000));
    assert.deepEqual(margins('T1'), [0.8, 0.8]); // 40 / (0.5 · 100); 600 / (1.5 · 500)
    assert.deepEqual(margins('fwd'), [1, 1.2, 1.2, 0.8]); // 90 / (1.5 · 60) ...
    assert.deepEqual(margins('fwd+bwd'), [1, 1.091, 1.091, 1.091]); // 55 / 55, 60 / 55
    assert.deepEqual(margins('R1'), [1, 0.8, 2.4]); // 45 / 45; 0.20 / 0.25; (60 / 50) / 0.5
    assert.deepEqual(margins('T2 b64'), [1]); // 2400 / (1.2 · 2000)
    assert.deepEqual(margins('T2 b1'), [0.8]); // 0.4 ms allowed / 0.5 ms taken
    assert.deepEqual(margins('W5'), [1.5]); // 3 ms / 2 ms
    assert.deepEqual(margins('E1 (issue 9)'), [0.5, 2]); // 4 / 8, 4 / 2
    assert.equal(got['T1']!.status, 'missed');
    assert.equal(got['fwd+bwd']!.status, 'met');
    assert.equal(got['W5']!.status, 'met');
    assert.equal(got['R1']!.status, 'missed'); // one part of three missed

    // without the peak, limit targets are not measured; parts that are, still count
    const noPeak = Object.fromEntries(t.checkTargets(results, {}, null).map((x) => [x.id, x]));
    assert.equal(noPeak['fwd+bwd']!.status, 'not measured');
    assert.equal(noPeak['T1']!.status, 'missed'); // the PyTorch part (×0.8) is still measured
    const onlyPt = Object.fromEntries(t.checkTargets({ ...results, 'pytorch-2t': { 'T1:train': { imagesPerSec: 300 } } }, {}, null).map((x) => [x.id, x]));
    assert.equal(onlyPt['T1']!.status, 'met where measured'); // 600 ≥ 1.5 · 300, limit n/m
  });

  it('the SIMD128 peak kernel computes a ← a·b + c on every accumulator, in float32', async () => {
    const { compile } = (await import(lib('peak.mjs'))) as PeakModule;
    const acc = 3;
    const inst = new WebAssembly.Instance(await compile('simd128', acc), {});
    const loop = inst.exports['loop'] as (iters: number, seed: number) => number;
    const f = Math.fround;
    const seed = f(0.003);
    const b = f(1 - seed);
    const expected = (iters: number): number => {
      const a = Array.from({ length: acc }, (_, i) => f(seed * (i + 1)));
      for (let k = 0; k < iters; k++) for (let i = 0; i < acc; i++) a[i] = f(f(a[i]! * b) + seed);
      const s = a.reduce((x, y) => f(x + y));
      return f(f(f(s + s) + s) + s); // the four (equal) lanes summed
    };
    for (const iters of [0, 1, 7, 1000]) assert.equal(loop(iters, seed), expected(iters), `${iters} iterations`);
  });
});
