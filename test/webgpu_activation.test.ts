/** WebGPU activations (forward and fused backward), softmax family and the dropout mask against the reference. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

const SPECIAL = [0, -0, 1e-4, -1e-4, 0.5, -0.5, 3, -3, 15, -15, 40, -40, 100, -100, NaN, Infinity, -Infinity];

function gpuCase(name: string, ops: string[], fn: () => unknown, rtol?: number): void {
  it(name, async () => {
    const { ran } = await checkOnGpu(fn, rtol);
    for (const op of ops) assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')})`);
  });
}

/** f(x) and its backward for a random cotangent, on random values and on special ones. */
function fwdBwd(f: (x: ck.Tensor) => ck.Tensor, values: number[]): () => void {
  return () => {
    const x = ck.tensor(values, { requiresGrad: true });
    ck.sum(ck.mul(f(x), ck.randn([values.length]))).backward();
  };
}

const randomValues = (): number[] => Array.from(ck.mul(ck.randn([64]), 4).data);

describe('webgpu activations', () => {
  const acts: [string, (x: ck.Tensor) => ck.Tensor][] = [
    ['relu', ck.relu],
    ['leakyRelu', (x) => ck.leakyRelu(x, 0.2)],
    ['sigmoid', ck.sigmoid],
    ['tanh', ck.tanh],
    ['gelu', ck.gelu],
    ['gelu', (x) => ck.gelu(x, { approximate: 'tanh' })],
    ['softplus', (x) => ck.softplus(x, { beta: 2, threshold: 10 })],
    ['elu', (x) => ck.elu(x, { alpha: 0.7 })],
    ['silu', ck.silu],
  ];
  for (const [name, f] of acts) {
    gpuCase(`${name}: random values, forward and backward`, [name, `${name}Backward`], fwdBwd(f, randomValues()), 1e-5);
    // finite special values only in backward (0·inf cotangent products are NaN on both sides anyway)
    gpuCase(`${name}: special values`, [name], () => f(ck.tensor(SPECIAL)), 1e-5);
  }

  describe('softmax family', () => {
    for (const [name, f] of [['softmax', ck.softmax], ['logSoftmax', ck.logSoftmax]] as const) {
      gpuCase(`${name} over the last dim, forward and backward`, [name, `${name}Backward`], fwdBwd((x) => f(x.reshape([4, 16]), 1).reshape([64]), randomValues()), 1e-5);
      gpuCase(`${name} over a middle dim (inner > 1)`, [name, `${name}Backward`], () => {
        const x = ck.randn([2, 5, 3, 2], { requiresGrad: true });
        ck.sum(ck.mul(f(x, 1), ck.randn([2, 5, 3, 2]))).backward();
      }, 1e-5);
      gpuCase(`${name} over 1000 classes (a workgroup per fibre)`, [name, `${name}Backward`], () => {
        const x = ck.mul(ck.randn([3, 1000], { requiresGrad: true }), 5);
        ck.sum(ck.mul(f(x, 1), ck.randn([3, 1000]))).backward();
      }, 1e-5);
      gpuCase(`${name} with -inf, inf and NaN fibres`, [name], () => f(ck.tensor([[-Infinity, -Infinity, -Infinity], [Infinity, 0, 1], [NaN, 0, 1], [0, -Infinity, 2]]), 1));
    }
  });

  describe('dropout mask', () => {
    it('the same seed gives the same mask as the reference (bit-packed on the host, expanded on the GPU)', async () => {
      for (const p of [0.5, 0.1, 0.9, 1]) {
        ck.manualSeed(7);
        // the replay draws again: from the same seed
        const { ran } = await checkOnGpu(() => ck.dropout(ck.ones([3, 37]), { p }), { beforeReplay: () => ck.manualSeed(7) });
        assert.ok(ran.includes('dropoutMask') && ran.includes('mul'), `ran ${ran.join(', ')}`);
      }
    });
  });
});
