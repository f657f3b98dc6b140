/**
 * matmul and linear on the packed SIMD GEMM (assembly/gemm.ts, assembly/jobs.ts): A and B are
 * packed into panels by parallel jobs, then units of the product (bands of 4-row blocks × bands of
 * 8-column panels) run over the thread pool. float32 only; other dtypes run the reference kernel.
 * Products accumulate in float32 (the reference accumulates in float64).
 */
import type { LinearInfo, MatmulInfo } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { forEachMatrix } from '../reference/matmul.js';
import type { Block } from './heap.js';
import { heap, heapF32 } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { GEMM, LINEAR_SMALL, PACK_A, PACK_B } from './abi.js';
import { Scratch } from './scratch.js';

/** float32 only, with sizes the module's i32 arithmetic can index. */
function supports(info: { M: number; K: number; N: number }, dtypes: readonly DType[]): boolean {
  return dtypes.every((d) => d === 'float32') && Math.max(info.M, 8) * Math.max(info.K, 8) * Math.max(info.N, 8) < 2 ** 62 && up8(info.N) * info.K < 2 ** 29 && up4(info.M) * Math.max(info.K, up8(info.N)) < 2 ** 29;
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
  /** `cachedB`: B's packed panels come from a cache kept with B's block (no scratch for them). */
  constructor(
    L: Scratch,
    readonly M: number,
    readonly K: number,
    readonly N: number,
    cachedB = false,
  ) {
    this.ldc = up8(N);
    this.args = L.reserve(PACK_A.SIZE + PACK_B.SIZE + GEMM.SIZE);
    this.apack = L.reserve(up4(M) * K);
    this.bpack = cachedB ? -1 : L.reserve(up8(N) * K);
    this.c = L.reserve(up4(M) * this.ldc);
  }

  /**
   * C = (acc ? C : 0) + A·B with A(i, k) at a + (i·ars + k·acs)·4 and B(k, j) at
   * b + (k·brs + j·bcs)·4 (byte addresses in wasm memory). With `bSource` (the block B is read
   * from), B's packed panels are cached with that block until it is written: a layer's weights are
   * packed once for every call that does not change them. False when memory cannot be had.
   */
  run(L: Scratch, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, acc: boolean, op: string, bSource?: Block): boolean {
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
    const [ap, cp] = [L.at(this.apack), L.at(this.c)];
    const pa = this.args;
    const pb = pa + 4 * PACK_A.SIZE;
    const pg = pb + 4 * PACK_B.SIZE;
    const A = L.i32(pa, PACK_A.SIZE);
    [A[PACK_A.SRC], A[PACK_A.RS], A[PACK_A.CS], A[PACK_A.M], A[PACK_A.K], A[PACK_A.DST], A[PACK_A.PER], A[PACK_A.BLOCKS]] = [a, ars, acs, M, K, ap, perA, mBlocks];
    const packB = (dst: number): void => {
      const B = L.i32(pb, PACK_B.SIZE);
      [B[PACK_B.SRC], B[PACK_B.RS], B[PACK_B.CS], B[PACK_B.K], B[PACK_B.N], B[PACK_B.DST], B[PACK_B.PER], B[PACK_B.PANELS]] = [b, brs, bcs, K, N, dst, perB, nPanels];
      parallel(JOB.packB, L.at(pb), Math.ceil(nPanels / perB), op, threads);
    };
    let bp: number;
    if (bSource) {
      const cached = heap.derived(bSource, `B ${b - bSource.ptr} ${brs} ${bcs} ${K} ${N}`, up8(N) * K, (dst) => packB(dst.ptr));
      if (!cached) return false;
      bp = cached.ptr;
    } else {
      bp = L.at(this.bpack);
      packB(bp);
    }
    const G = L.i32(pg, GEMM.SIZE);
    [G[GEMM.A], G[GEMM.B], G[GEMM.C], G[GEMM.LDC], G[GEMM.MBLOCKS], G[GEMM.NPANELS], G[GEMM.K], G[GEMM.ACC], G[GEMM.BANDM], G[GEMM.BANDN], G[GEMM.UNITSN]] = [ap, bp, cp, this.ldc, mBlocks, nPanels, K, acc ? 1 : 0, bandM, bandN, unitsN];
    parallel(JOB.packA, L.at(pa), Math.ceil(mBlocks / perA), op, threads);
    parallel(JOB.gemm, L.at(pg), unitsM * unitsN, op, threads);
    return true;
  }

  /** The M×N result, copied out of the padded C into `out` from element `offset`. */
  copyOut(L: Scratch, out: Block, offset: number): void {
    const c = L.f32(this.c, up4(this.M) * this.ldc);
    const o = heapF32(out);
    if (this.ldc === this.N) {
      o.set(c.subarray(0, this.M * this.N), offset);
      return;
    }
    for (let i = 0; i < this.M; i++) o.set(c.subarray(i * this.ldc, i * this.ldc + this.N), offset + i * this.N);
  }
}

const matmul: DeviceKernel<MatmulInfo, Block> = (info, outs, ins) => {
  const { M, K, N, batchShape, stacked } = info;
  const [a, b] = ins as [Block, Block];
  const out = outs[0]!;
  const nb = batchShape.reduce((p, d) => p * d, 1);
  if (nb === 0 || M === 0 || N === 0) return;
  const L = new Scratch();
  const prod = new Product(L, stacked ? nb * M : M, K, N);
  if (!L.commit()) return false;
  try {
    if (stacked) {
      prod.run(L, a.ptr, K, 1, b.ptr, N, 1, false, 'matmul');
      prod.copyOut(L, out, 0);
      return;
    }
    forEachMatrix(info, (bi, ao, bo) => {
      prod.run(L, a.ptr + ao * 4, K, 1, b.ptr + bo * 4, N, 1, false, 'matmul');
      prod.copyOut(L, out, bi * M * N);
    });
  } finally {
    L.release();
  }
};

/** y = x·Wᵀ + b: B(k, j) = W[j, k] is read transposed by the packing, C starts at the bias. */
const linear: DeviceKernel<LinearInfo, Block> = (info, outs, ins) => {
  const { M, K, N, hasBias } = info;
  const [x, wt, b] = ins as [Block, Block, Block | undefined];
  const out = outs[0]!;
  if (M === 0 || N === 0) return;
  if (M <= SMALL_M) return linearSmall(info, x, wt, hasBias ? b : undefined, out);
  const L = new Scratch();
  const prod = new Product(L, M, K, N, true);
  if (!L.commit()) return false;
  try {
    if (hasBias && b) {
      const c = L.f32(prod.c, up4(M) * prod.ldc);
      const bias = heapF32(b);
      for (let i = 0; i < M; i++) c.set(bias, i * prod.ldc);
    }
    if (!prod.run(L, x.ptr, K, 1, wt.ptr, 1, K, hasBias, 'linear', wt)) return false;
    prod.copyOut(L, out, 0);
  } finally {
    L.release();
  }
};

/** Rows of x up to which linear reads W in place (dot products) instead of packing it. */
const SMALL_M = 4;

/** y = x·Wᵀ + b for M ≤ SMALL_M rows (assembly/jobs.ts linearSmallUnit), units over W's rows. */
function linearSmall(info: LinearInfo, x: Block, w: Block, b: Block | undefined, out: Block): boolean {
  const { M, K, N } = info;
  const threads = slotCount(M * K * N);
  const per = Math.ceil(N / Math.min(N, 4 * threads));
  const L = new Scratch();
  const pa = L.reserve(LINEAR_SMALL.SIZE);
  if (!L.commit()) return false;
  try {
    const v = L.i32(pa, LINEAR_SMALL.SIZE);
    [v[LINEAR_SMALL.X], v[LINEAR_SMALL.W], v[LINEAR_SMALL.B], v[LINEAR_SMALL.Y], v[LINEAR_SMALL.M], v[LINEAR_SMALL.K], v[LINEAR_SMALL.N], v[LINEAR_SMALL.PER]] = [x.ptr, w.ptr, b ? b.ptr : 0, out.ptr, M, K, N, per];
    parallel(JOB.linearSmall, L.at(pa), Math.ceil(N / per), 'linear', threads);
  } finally {
    L.release();
  }
  return true;
}

export const wasmMatmulKernels: { matmul: KernelEntry<MatmulInfo, Block>; linear: KernelEntry<LinearInfo, Block> } = {
  matmul: { run: matmul, supports },
  linear: { run: linear, supports },
};
