/**
 * matmul and linear on the WebAssembly SIMD GEMM (float32 only; other dtypes run the reference
 * kernel). Products accumulate in float32 (the reference accumulates in float64).
 */
import type { Kernel } from '../../backend.js';
import type { Data } from '../../dtype.js';
import type { LinearInfo, MatmulInfo } from '../../ops/matmul.js';
import { matmulKernels } from '../reference/matmul.js';
import { Layout, wasm } from './runtime.js';

const refMatmul: Kernel<MatmulInfo> = matmulKernels.matmul;
const refLinear: Kernel<LinearInfo> = matmulKernels.linear;

function allF32(outs: Data[], ins: Data[]): boolean {
  return outs.every((d) => d instanceof Float32Array) && ins.every((d) => d instanceof Float32Array);
}

const matmul: Kernel<MatmulInfo> = (info, outs, ins) => {
  if (!allF32(outs, ins)) return refMatmul(info, outs, ins);
  const { M, K, N, batchShape, aBatchStrides, bBatchStrides } = info;
  const [a, b] = ins as [Float32Array, Float32Array];
  const out = outs[0] as Float32Array;
  const nb = batchShape.reduce((p, d) => p * d, 1);
  if (nb === 0 || M === 0 || N === 0) return;
  const w = wasm();
  const L = new Layout(w);
  const pa = L.reserve(a.length);
  const pb = L.reserve(b.length);
  const pc = L.reserve(out.length);
  if (!L.commit()) return refMatmul(info, outs, ins);
  L.f32(pa, a.length).set(a);
  L.f32(pb, b.length).set(b);
  w.fillCols(pc, 0, 1, out.length);
  // one shared B under a contiguous batch of A stacks the batch into the rows of one product
  let stacked = true;
  for (let d = batchShape.length - 1, st = M * K; d >= 0; st *= batchShape[d]!, d--) {
    if (aBatchStrides[d] !== st || bBatchStrides[d] !== 0) stacked = false;
  }
  if (stacked) {
    w.gemm(pa, K, pb, N, pc, N, nb * M, K, N);
  } else {
    const r = batchShape.length;
    const idx = new Int32Array(Math.max(r, 1));
    let ao = 0;
    let bo = 0;
    for (let bi = 0; bi < nb; bi++) {
      w.gemm(pa + ao * 4, K, pb + bo * 4, N, pc + bi * M * N * 4, N, M, K, N);
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
  out.set(L.f32(pc, out.length));
};

/** y = x·Wᵀ + b: W (N×K) is transposed in wasm memory so the product is the NN GEMM. */
const linear: Kernel<LinearInfo> = (info, outs, ins) => {
  if (!allF32(outs, ins)) return refLinear(info, outs, ins);
  const { M, K, N, hasBias } = info;
  const [x, wt, b] = ins as [Float32Array, Float32Array, Float32Array | undefined];
  const out = outs[0] as Float32Array;
  if (M === 0 || N === 0) return;
  const w = wasm();
  const L = new Layout(w);
  const px = L.reserve(x.length);
  const pw = L.reserve(wt.length);
  const pwt = L.reserve(wt.length);
  const pbias = hasBias && b ? L.reserve(N) : 0;
  const py = L.reserve(out.length);
  if (!L.commit()) return refLinear(info, outs, ins);
  L.f32(px, x.length).set(x);
  L.f32(pw, wt.length).set(wt);
  if (pbias && b) L.f32(pbias, N).set(b);
  w.transpose(pw, pwt, N, K);
  w.fillCols(py, pbias, M, N);
  w.gemm(px, K, pwt, N, py, N, M, K, N);
  out.set(L.f32(py, out.length));
};

export const wasmMatmulKernels = { matmul, linear };
