// Parallel jobs on packed GEMMs for matmul and linear: the host packs A and B (in units of
// panels), then units of the product are bands of row blocks × bands of column panels.
import { gemmPanels, madd, packA, packB } from './gemm';

@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}

// args: A, B, C, ldc, mBlocks, nPanels, K, acc, bandM, bandN, unitsN
export function gemmUnit(p: usize, unit: i32): void {
  const mBlocks = arg(p, 4), nPanels = arg(p, 5), bandM = arg(p, 8), bandN = arg(p, 9), unitsN = arg(p, 10);
  const ui = unit / unitsN, uj = unit - ui * unitsN;
  const i0 = ui * bandM, j0 = uj * bandN;
  const i1 = i0 + bandM < mBlocks ? i0 + bandM : mBlocks;
  const j1 = j0 + bandN < nPanels ? j0 + bandN : nPanels;
  gemmPanels(ptr(p, 0), ptr(p, 1), ptr(p, 2), arg(p, 3), i0, i1, j0, j1, arg(p, 6), arg(p, 7) != 0);
}

// args: src, rs, cs, M, K, dst, blocksPerUnit, blocks
export function packAUnit(p: usize, unit: i32): void {
  const per = arg(p, 6), nb = arg(p, 7);
  const i0 = unit * per, i1 = i0 + per < nb ? i0 + per : nb;
  packA(ptr(p, 0), arg(p, 1), arg(p, 2), arg(p, 3), arg(p, 4), ptr(p, 5), i0, i1);
}

// args: src, rs, cs, K, N, dst, panelsPerUnit, panels
export function packBUnit(p: usize, unit: i32): void {
  const per = arg(p, 6), nb = arg(p, 7);
  const j0 = unit * per, j1 = j0 + per < nb ? j0 + per : nb;
  packB(ptr(p, 0), arg(p, 1), arg(p, 2), arg(p, 3), arg(p, 4), ptr(p, 5), j0, j1);
}

// y = x·Wᵀ + b for few rows of x (M ≤ 4, e.g. inference on one image): dot products of x's rows
// with W's rows, W read once in place instead of packed. Four vector accumulators per dot, added
// pairwise at the end. args: x, W, b (0: none), y, M, K, N, rowsPerUnit
export function linearSmallUnit(p: usize, unit: i32): void {
  const x = ptr(p, 0), w = ptr(p, 1), b = ptr(p, 2), y = ptr(p, 3);
  const M = arg(p, 4), K = arg(p, 5), N = arg(p, 6), per = arg(p, 7);
  const j0 = unit * per, j1 = j0 + per < N ? j0 + per : N;
  for (let j = j0; j < j1; j++) {
    const wr = w + ((<usize>j * <usize>K) << 2);
    for (let m = 0; m < M; m++) {
      const xr = x + ((<usize>m * <usize>K) << 2);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let k = 0;
      for (; k + 16 <= K; k += 16) {
        const o = <usize>k << 2;
        a0 = madd(v128.load(xr + o), v128.load(wr + o), a0);
        a1 = madd(v128.load(xr + o, 16), v128.load(wr + o, 16), a1);
        a2 = madd(v128.load(xr + o, 32), v128.load(wr + o, 32), a2);
        a3 = madd(v128.load(xr + o, 48), v128.load(wr + o, 48), a3);
      }
      for (; k + 4 <= K; k += 4) a0 = madd(v128.load(xr + (<usize>k << 2)), v128.load(wr + (<usize>k << 2)), a0);
      const v = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
      let s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
      for (; k < K; k++) s += load<f32>(xr + (<usize>k << 2)) * load<f32>(wr + (<usize>k << 2));
      if (b != 0) s += load<f32>(b + (<usize>j << 2));
      store<f32>(y + ((<usize>m * <usize>N + <usize>j) << 2), s);
    }
  }
}
