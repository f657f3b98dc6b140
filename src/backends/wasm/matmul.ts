/**
 * matmul and linear on the packed SIMD GEMM (assembly/gemm.ts, assembly/jobs.ts): A and B are
 * packed into panels by parallel jobs, then units of the product (bands of 4-row blocks × bands of
 * 8-column panels) run over the thread pool. float32 only; other dtypes run the reference kernel.
 * Products accumulate in float32 (the reference accumulates in float64).
 */
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import type { LinearInfo, MatmulInfo } from '../../ops/matmul.js';
import { forEachMatrix, matmulKernels } from '../reference/matmul.js';
import { parallel, slotCount } from './pool.js';
import { JOB, Layout } from './runtime.js';

const refMatmul: Kernel<MatmulInfo> = matmulKernels.matmul;
const refLinear: Kernel<LinearInfo> = matmulKernels.linear;

function allF32(outs: Data[], ins: Data[]): boolean {
  return outs.every((d) => d instanceof Float32Array) && ins.every((d) => d instanceof Float32Array);
}

const up4 = (n: number): number => (n + 3) & ~3;
const up8 = (n: number): number => (n + 7) & ~7;

/** The regions of one packed product C[M×N] = A·B (C padded to up4(M) × up8(N)). */
class Product {
  readonly args: number;
  readonly apack: number;
  readonly bpack: number;
  readonly c: number;
  readonly ldc: number;
  constructor(
    L: Layout,
    readonly M: number,
    readonly K: number,
    readonly N: number,
  ) {
    this.ldc = up8(N);
    this.args = L.reserve(3 * 12);
    this.apack = L.reserve(up4(M) * K);
    this.bpack = L.reserve(up8(N) * K);
    this.c = L.reserve(up4(M) * this.ldc);
  }

  /**
   * C = (acc ? C : 0) + A·B with A(i, k) at a + (i·ars + k·acs)·4 and B(k, j) at
   * b + (k·brs + j·bcs)·4 (byte addresses in wasm memory).
   */
  run(L: Layout, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, acc: boolean, op: string): void {
    const { M, K, N } = this;
    const mBlocks = up4(M) / 4;
    const nPanels = up8(N) / 8;
    const threads = slotCount(M * K * N);
    const want = 4 * threads;
    const perA = Math.ceil(mBlocks / Math.min(mBlocks, want));
    const perB = Math.ceil(nPanels / Math.min(nPanels, want));
    const bandN = Math.ceil(nPanels / Math.min(nPanels, want));
    const unitsN = Math.ceil(nPanels / bandN);
    const bandM = unitsN >= want ? mBlocks : Math.ceil(mBlocks / Math.min(mBlocks, Math.ceil(want / unitsN)));
    const unitsM = Math.ceil(mBlocks / bandM);
    const v = L.i32(this.args, 36);
    v.set([a, ars, acs, M, K, this.apack, perA, mBlocks], 0);
    v.set([b, brs, bcs, K, N, this.bpack, perB, nPanels], 12);
    v.set([this.apack, this.bpack, this.c, this.ldc, mBlocks, nPanels, K, acc ? 1 : 0, bandM, bandN, unitsN], 24);
    parallel(JOB.packA, this.args, Math.ceil(mBlocks / perA), op, threads);
    parallel(JOB.packB, this.args + 48, Math.ceil(nPanels / perB), op, threads);
    parallel(JOB.gemm, this.args + 96, unitsM * unitsN, op, threads);
  }

  /** The M×N result, copied out of the padded C. */
  copyOut(L: Layout, out: Float32Array, offset: number): void {
    const c = L.f32(this.c, up4(this.M) * this.ldc);
    if (this.ldc === this.N) {
      out.set(c.subarray(0, this.M * this.N), offset);
      return;
    }
    for (let i = 0; i < this.M; i++) out.set(c.subarray(i * this.ldc, i * this.ldc + this.N), offset + i * this.N);
  }
}

const matmul: Kernel<MatmulInfo> = (info, outs, ins) => {
  if (!allF32(outs, ins)) return refMatmul(info, outs, ins);
  const { M, K, N, batchShape, stacked } = info;
  const [a, b] = ins as [Float32Array, Float32Array];
  const out = outs[0] as Float32Array;
  const nb = batchShape.reduce((p, d) => p * d, 1);
  if (nb === 0 || M === 0 || N === 0) return;
  const L = new Layout();
  const pa = L.reserve(a.length);
  const pb = L.reserve(b.length);
  const prod = new Product(L, stacked ? nb * M : M, K, N);
  if (!L.commit()) return refMatmul(info, outs, ins);
  L.f32(pa, a.length).set(a);
  L.f32(pb, b.length).set(b);
  if (stacked) {
    prod.run(L, pa, K, 1, pb, N, 1, false, 'matmul');
    prod.copyOut(L, out, 0);
    return;
  }
  forEachMatrix(info, (bi, ao, bo) => {
    prod.run(L, pa + ao * 4, K, 1, pb + bo * 4, N, 1, false, 'matmul');
    prod.copyOut(L, out, bi * M * N);
  });
};

/** y = x·Wᵀ + b: B(k, j) = W[j, k] is read transposed by the packing, C starts at the bias. */
const linear: Kernel<LinearInfo> = (info, outs, ins) => {
  if (!allF32(outs, ins)) return refLinear(info, outs, ins);
  const { M, K, N, hasBias } = info;
  const [x, wt, b] = ins as [Float32Array, Float32Array, Float32Array | undefined];
  const out = outs[0] as Float32Array;
  if (M === 0 || N === 0) return;
  if (M <= SMALL_M) {
    if (!linearSmall(info, x, wt, hasBias ? b : undefined, out)) refLinear(info, outs, ins);
    return;
  }
  const L = new Layout();
  const px = L.reserve(x.length);
  const pw = L.reserve(wt.length);
  const prod = new Product(L, M, K, N);
  if (!L.commit()) return refLinear(info, outs, ins);
  L.f32(px, x.length).set(x);
  L.f32(pw, wt.length).set(wt);
  if (hasBias && b) {
    const c = L.f32(prod.c, up4(M) * prod.ldc);
    for (let i = 0; i < M; i++) c.set(b, i * prod.ldc);
  }
  prod.run(L, px, K, 1, pw, 1, K, hasBias, 'linear');
  prod.copyOut(L, out, 0);
};

/** Rows of x up to which linear reads W in place (dot products) instead of packing it. */
const SMALL_M = 4;

/** y = x·Wᵀ + b for M ≤ SMALL_M rows (assembly/jobs.ts linearSmallUnit), units over W's rows. */
function linearSmall(info: LinearInfo, x: Float32Array, w: Float32Array, b: Float32Array | undefined, out: Float32Array): boolean {
  const { M, K, N } = info;
  const threads = slotCount(M * K * N);
  const per = Math.ceil(N / Math.min(N, 4 * threads));
  const L = new Layout();
  const pa = L.reserve(8);
  const px = L.reserve(x.length);
  const pw = L.reserve(w.length);
  const pb = b ? L.reserve(N) : 0;
  const py = L.reserve(out.length);
  if (w.length >= 2 ** 31 || !L.commit()) return false;
  L.i32(pa, 8).set([px, pw, pb, py, M, K, N, per]);
  L.f32(px, x.length).set(x);
  L.f32(pw, w.length).set(w);
  if (b) L.f32(pb, N).set(b);
  parallel(JOB.linearSmall, pa, Math.ceil(N / per), 'linear', threads);
  out.set(L.f32(py, out.length));
  return true;
}

export const wasmMatmulKernels = { matmul, linear };
