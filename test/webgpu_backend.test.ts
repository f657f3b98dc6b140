/**
 * The webgpu backend through the public API: selection, asynchronous reads, training equal to the
 * reference backend's, one synchronisation per training step, buffers returned after a run,
 * fallbacks and moves counted, device-side checks, and a missing adapter as a typed error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ck from '../src/index.js';
import { BackendError, ValueError } from '../src/index.js';
import { runtime } from './webgpu_helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A small CNN with every layer kind of a training step. (The first conv has no bias: before batch
 * norm its gradient is zero up to rounding, which Adam would scale up to full steps.)
 */
function net(): ck.nn.Module {
  return new ck.nn.Sequential(
    new ck.nn.Conv2d(1, 6, 3, { padding: 1, bias: false }),
    new ck.nn.BatchNorm2d(6),
    new ck.nn.ReLU(),
    new ck.nn.MaxPool2d(2),
    new ck.nn.Conv2d(6, 8, 3, { stride: 2, padding: 'same' }),
    new ck.nn.ReLU(),
    new ck.nn.Dropout(0.25),
    new ck.nn.Flatten(),
    new ck.nn.Linear(8 * 4 * 4, 10),
  );
}

type Opt = (ps: ck.Tensor[]) => ck.optim.Optimizer;
const OPTIMIZERS: [string, Opt][] = [
  ['Adam', (ps) => new ck.optim.Adam(ps, { lr: 0.01 })],
  ['SGD with momentum and weight decay', (ps) => new ck.optim.SGD(ps, { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 })],
];

/** Losses of `steps` training steps on `backend` from seed 3 (same weights, data and dropout masks). */
async function train(backend: string, opt: Opt, steps: number): Promise<{ losses: number[]; params: Float32Array[] }> {
  await ck.setBackend(backend);
  try {
    ck.manualSeed(3);
    const model = net();
    const optimizer = opt([...model.parameters()]);
    const x = ck.randn([8, 1, 16, 16]);
    const y = ck.randint(0, 10, [8]);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      optimizer.zeroGrad();
      const loss = ck.crossEntropy(model.forward(x) as ck.Tensor, y);
      losses.push((await loss.read())[0]!);
      loss.backward();
      optimizer.step();
    }
    const params = await Promise.all([...model.parameters()].map(async (p) => Float32Array.from(await p.read())));
    return { losses, params };
  } finally {
    await ck.setBackend('wasm');
  }
}

describe('webgpu backend', () => {
  it('setBackend returns a promise that resolves once the device is ready; afterwards selection is immediate', async () => {
    const p = ck.setBackend('webgpu');
    assert.ok(p instanceof Promise);
    await p;
    assert.equal(ck.getBackend(), 'webgpu');
    void ck.setBackend('wasm');
    assert.equal(ck.getBackend(), 'wasm');
    void ck.setBackend('webgpu');
    assert.equal(ck.getBackend(), 'webgpu', 'a started device is selected without waiting');
    await ck.setBackend('wasm');
  });

  it('values of GPU tensors come back with await t.read() / t.array(); .data and .item() are typed errors', async () => {
    await ck.setBackend('webgpu');
    try {
      const t = ck.mul(ck.tensor([[1, 2], [3, 4]]), 2);
      assert.equal(t.device, 'webgpu');
      assert.deepEqual([...(await t.read())], [2, 4, 6, 8]);
      assert.deepEqual(await t.array(), [[2, 4], [6, 8]]);
      assert.throws(() => t.data, (e: unknown) => e instanceof BackendError && /await t\.read\(\)/.test(e.message));
      assert.throws(() => ck.sum(t).item(), BackendError);
    } finally {
      await ck.setBackend('wasm');
    }
  });

  for (const [name, opt] of OPTIMIZERS) {
    it(`training with ${name}: losses and parameters equal the reference backend's (float32 rounding)`, async () => {
      const ref = await train('reference', opt, 4);
      const gpu = await train('webgpu', opt, 4);
      ref.losses.forEach((l, i) => assert.ok(Math.abs(gpu.losses[i]! - l) <= 1e-4 * (1 + Math.abs(l)), `step ${i}: loss ${gpu.losses[i]} vs ${l}`));
      ref.params.forEach((p, k) => {
        p.forEach((v, i) => assert.ok(Math.abs(gpu.params[k]![i]! - v) <= 1e-4 * (1 + Math.abs(v)), `parameter ${k}[${i}]: ${gpu.params[k]![i]} vs ${v}`));
      });
      assert.ok(gpu.losses[3]! < gpu.losses[0]!, 'the loss went down');
    });
  }

  it('a training step synchronises once (reading the loss) and falls back for nothing', async () => {
    const rt = await runtime();
    const before = { ...rt.counters };
    const fallbacks = { ...ck.memoryStats().fallbacks };
    await train('webgpu', OPTIMIZERS[0]![1], 3);
    // 3 loss reads, then one read per parameter at the end of `train`
    const nParams = [...net().parameters()].length;
    assert.equal(rt.counters.reads - before.reads, 3 + nParams);
    const after = ck.memoryStats().fallbacks;
    // only BatchNorm's int32 step counter (an int32 add_ on the host) runs on the host
    const grew = Object.keys(after).filter((k) => after[k] !== fallbacks[k]);
    assert.deepEqual(grew.filter((k) => k !== 'add_'), []);
  });

  it('buffers of unreachable tensors return to the pool: live buffers back at the baseline after a training run', async () => {
    const stats = (): ck.DeviceStats => ck.memoryStats().backends['webgpu']!;
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await runtime();
    await settle();
    const base = stats().liveBuffers;
    await train('webgpu', OPTIMIZERS[1]![1], 5);
    await settle();
    assert.equal(stats().liveBuffers, base, `live buffers ${stats().liveBuffers} vs baseline ${base}`);
    assert.ok(stats().reused! > 0, 'buffers were reused');
  });

  it('float64 runs the reference kernels (counted as fallbacks); host values used on the GPU are counted as moves', async () => {
    await ck.setBackend('webgpu');
    try {
      const before = ck.memoryStats();
      const a = ck.randn([3, 4], { dtype: 'float64' });
      const m = ck.matmul(a, ck.randn([4, 2], { dtype: 'float64' }));
      assert.equal(m.device, 'host');
      const f = ck.matmul(ck.randn([3, 4]), ck.randn([4, 2]));
      assert.equal(f.device, 'webgpu');
      const after = ck.memoryStats();
      assert.equal(after.fallbacks['matmul'], (before.fallbacks['matmul'] ?? 0) + 1);
      assert.equal(after.moves['host->webgpu']!.count, (before.moves['host->webgpu']?.count ?? 0) + 2);
    } finally {
      await ck.setBackend('wasm');
    }
  });

  it('a check the kernel makes (binaryCrossEntropy input outside [0, 1]) is a ValueError at the next read', async () => {
    await ck.setBackend('webgpu');
    try {
      // sigmoid < 1, plus 1.5 at flat index 4: above 1 there, computed on the GPU
      const p = ck.add(ck.sigmoid(ck.randn([2, 3])), ck.tensor([0, 0, 0, 0, 1.5, 0]).reshape([2, 3]));
      assert.equal(p.device, 'webgpu');
      const loss = ck.binaryCrossEntropy(p, ck.rand([2, 3]));
      await assert.rejects(loss.read(), (e: unknown) => e instanceof ValueError && /between 0 and 1, got a value outside \[0, 1\] at flat index 4/.test(e.message));
      // reported once: the device keeps working
      assert.deepEqual([...(await ck.add(ck.tensor([1]), 1).read())], [2]);
    } finally {
      await ck.setBackend('wasm');
    }
  });

  it('without an adapter setBackend rejects with a BackendError and the previous backend stays selected', () => {
    const entry = new URL('../src/node/index.js', import.meta.url).href;
    const script = `const ck = await import(${JSON.stringify(entry)});
try { await ck.setBackend('webgpu'); console.log('selected'); } catch (e) { console.log(e.name + ': ' + e.message); }
console.log('backend ' + ck.getBackend());`;
    // no Vulkan driver: an ICD file that does not exist
    const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' };
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    assert.match(out, /BackendError: setBackend\("webgpu"\): .*no GPU adapter/);
    assert.match(out, /backend wasm/);
  });
});
