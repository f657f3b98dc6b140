/**
 * Reference kernels for matmul and linear. Products are accumulated in float64 and rounded once
 * on store. The loops are arranged for plain JS to be usable for training small networks:
 * - linear (C = X·Wᵀ) is a dot product of contiguous rows of X and W (`gemmNT`); it computes a
 *   4×2 block of C per pass over k (8 multiply-adds per 6 loads) in local float64 variables;
 * - matmul (C = A·B) packs tiles of JT columns of B transposed, then runs the same kernel.
 */
import type { LinearInfo, MatmulInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';

const JT = 64;

/**
 * C = A·B for one matrix: for each tile of JT columns of B, the tile is packed transposed
 * (JT rows of K contiguous values) and handed to the dot-product kernel `gemmNT`.
 */
export function gemmNN(A: Data, aOff: number, B: Data, bOff: number, C: Data, cOff: number, M: number, K: number, N: number, panel: Data): void {
  for (let j0 = 0; j0 < N; j0 += JT) {
    const w = Math.min(JT, N - j0);
    for (let jj = 0; jj < w; jj++) {
      const dst = jj * K;
      let src = bOff + j0 + jj;
      for (let k = 0; k < K; k++, src += N) panel[dst + k] = B[src]!;
    }
    gemmNT(A, aOff, panel, 0, undefined, C, cOff + j0, N, M, K, w);
  }
}

/** Calls fn(batch index, offset into A, offset into B) for every matrix of a batched matmul. */
export function forEachMatrix(info: MatmulInfo, fn: (bi: number, aOff: number, bOff: number) => void): void {
  const { batchShape, aBatchStrides, bBatchStrides } = info;
  const r = batchShape.length;
  const nb = batchShape.reduce((p, d) => p * d, 1);
  const idx = new Int32Array(Math.max(r, 1));
  let ao = 0;
  let bo = 0;
  for (let bi = 0; bi < nb; bi++) {
    fn(bi, ao, bo);
    for (let d = r - 1; d >= 0; d--) {
      ao += aBatchStrides[d]!;
      bo += bBatchStrides[d]!;
      if (++idx[d]! < batchShape[d]!) break;
      ao -= aBatchStrides[d]! * batchShape[d]!;
      bo -= bBatchStrides[d]! * batchShape[d]!;
      idx[d] = 0;
    }
  }
}

const matmul: Kernel<MatmulInfo> = (info, [out], [a, b]) => {
  const { M, K, N, batchShape } = info;
  const nb = batchShape.reduce((p, d) => p * d, 1);
  if (nb === 0 || M === 0 || N === 0) return;
  const panel = new (b!.constructor as new (n: number) => Data)(JT * K);
  if (info.stacked) {
    gemmNN(a!, 0, b!, 0, out!, 0, nb * M, K, N, panel);
    return;
  }
  forEachMatrix(info, (bi, ao, bo) => gemmNN(a!, ao, b!, bo, out!, bi * M * N, M, K, N, panel));
};

/**
 * C (M×N, row stride ldc, from cOff) = X (M×K, from xOff) · Wᵀ with W (N×K, from wOff), plus
 * bias[j] when given.
 */
export function gemmNT(X: Data, xOff: number, W: Data, wOff: number, bias: Data | undefined, C: Data, cOff: number, ldc: number, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i += 4) {
    const rows = Math.min(4, M - i);
    const x0 = xOff + i * K;
    // rows past M reuse row i (their results are not stored)
    const x1 = rows > 1 ? x0 + K : x0;
    const x2 = rows > 2 ? x0 + 2 * K : x0;
    const x3 = rows > 3 ? x0 + 3 * K : x0;
    for (let j = 0; j < N; j += 2) {
      const two = j + 1 < N;
      const w0 = wOff + j * K;
      const w1 = two ? w0 + K : w0;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < K; k++) {
        const u = W[w0 + k]!;
        const v = W[w1 + k]!;
        const p0 = X[x0 + k]!;
        const p1 = X[x1 + k]!;
        const p2 = X[x2 + k]!;
        const p3 = X[x3 + k]!;
        s00 += p0 * u;
        s01 += p0 * v;
        s10 += p1 * u;
        s11 += p1 * v;
        s20 += p2 * u;
        s21 += p2 * v;
        s30 += p3 * u;
        s31 += p3 * v;
      }
      const b0 = bias ? bias[j]! : 0;
      const b1 = bias && two ? bias[j + 1]! : 0;
      const c = cOff + i * ldc + j;
      C[c] = s00 + b0;
      if (two) C[c + 1] = s01 + b1;
      if (rows > 1) {
        C[c + ldc] = s10 + b0;
        if (two) C[c + ldc + 1] = s11 + b1;
      }
      if (rows > 2) {
        C[c + 2 * ldc] = s20 + b0;
        if (two) C[c + 2 * ldc + 1] = s21 + b1;
      }
      if (rows > 3) {
        C[c + 3 * ldc] = s30 + b0;
        if (two) C[c + 3 * ldc + 1] = s31 + b1;
      }
    }
  }
}

const linear: Kernel<LinearInfo> = (info, [out], [x, w, b]) => {
  gemmNT(x!, 0, w!, 0, info.hasBias ? b : undefined, out!, 0, info.N, info.M, info.K, info.N);
};

export const matmulKernels = { matmul, linear };
