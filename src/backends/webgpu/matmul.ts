/**
 * matmul and linear on the tiled GEMM (gemm.ts).
 * - matmul: one product per batch matrix; the operands' offsets per batch index (broadcast batch
 *   dimensions included) come from a small table the host fills with the reference backend's
 *   `forEachMatrix`, so any batch shape and broadcast works with one program. A batch stacked
 *   onto one shared B (info.stacked) is one tall product.
 * - linear: y = x·Wᵀ + b, W read transposed in place.
 */
import type { LinearInfo, MatmulInfo } from '../../plans.js';
import { matmulOp, linearOp } from '../../ops/matmul.js';
import { forEachMatrix } from '../reference/matmul.js';
import { gemmParams, gemmProgram, planGemm } from './gemm.js';
import type { GemmPlan } from './gemm.js';
import { gpu } from './device.js';
import type { Program } from './program.js';
import { cachedProgram } from './program.js';
import { entry, float32Only } from './kernel.js';

function matmulProgram(g: GemmPlan): Program {
  return cachedProgram(`matmul ${g.tile.tx}x${g.tile.ty}`, () =>
    gemmProgram(
      {
        name: 'matmul',
        buffers: [
          { name: 'y', type: 'f32', write: true },
          { name: 'a', type: 'f32' },
          { name: 'b', type: 'f32' },
          { name: 'offs', type: 'u32' },
        ],
        params: [],
        functions: `
fn loadA(bt: u32, m: u32, k: u32) -> f32 { return a[offs[2u * bt] + m * P.gK + k]; }
fn loadB(bt: u32, k: u32, n: u32) -> f32 { return b[offs[2u * bt + 1u] + k * P.gN + n]; }
fn store(bt: u32, split: u32, m: u32, n: u32, v: f32) { y[(bt * P.gM + m) * P.gN + n] = v; }`,
      },
      g.tile,
    ),
  );
}

function linearProgram(g: GemmPlan, bias: boolean): Program {
  return cachedProgram(`linear ${g.tile.tx}x${g.tile.ty} ${bias}`, () =>
    gemmProgram(
      {
        name: 'linear',
        buffers: [
          { name: 'y', type: 'f32', write: true },
          { name: 'x', type: 'f32' },
          { name: 'w', type: 'f32' },
          ...(bias ? [{ name: 'bias', type: 'f32' as const }] : []),
        ],
        params: [],
        functions: `
fn loadA(bt: u32, m: u32, k: u32) -> f32 { return x[m * P.gK + k]; }
fn loadB(bt: u32, k: u32, n: u32) -> f32 { return w[n * P.gK + k]; }
fn store(bt: u32, split: u32, m: u32, n: u32, v: f32) { y[m * P.gN + n] = v${bias ? ' + bias[n]' : ''}; }`,
      },
      g.tile,
    ),
  );
}

export const webgpuMatmulKernels = [
  entry(matmulOp, {
    supports: float32Only,
    run: (info: MatmulInfo, [y], [a, b]) => {
      const rt = gpu();
      const nb = info.batchShape.reduce((p, d) => p * d, 1);
      const M = info.stacked ? nb * info.M : info.M;
      const batches = info.stacked ? 1 : nb;
      const offs = new Uint32Array(2 * batches);
      if (!info.stacked) {
        forEachMatrix(info, (bi, ao, bo) => {
          offs[2 * bi] = ao;
          offs[2 * bi + 1] = bo;
        });
      }
      const g = planGemm({ M, N: info.N, K: info.K, batches });
      const table = rt.upload(new Int32Array(offs.buffer));
      rt.dispatch(matmulProgram(g), [y!.buffer, a!.buffer, b!.buffer, table.buffer], gemmParams(g), g.groups);
      rt.free(table);
    },
  }),
  entry(linearOp, {
    supports: float32Only,
    run: (info: LinearInfo, [y], [x, w, b]) => {
      const g = planGemm({ M: info.M, N: info.N, K: info.K, batches: 1 });
      const bufs = [y!.buffer, x!.buffer, w!.buffer];
      if (info.hasBias) bufs.push(b!.buffer);
      gpu().dispatch(linearProgram(g, info.hasBias), bufs, gemmParams(g), g.groups);
    },
  }),
];
