// Parallel jobs on packed GEMMs for matmul and linear: the host packs A and B (in units of
// panels), then units of the product are bands of row blocks × bands of column panels.
import { gemmPanels, madd, packA, packB } from './gemm';
import { GEMM_A, GEMM_B, GEMM_C, GEMM_LDC, GEMM_MBLOCKS, GEMM_NPANELS, GEMM_K, GEMM_ACC, GEMM_BANDM, GEMM_BANDN, GEMM_UNITSN } from './abi';
import { PACK_A_SRC, PACK_A_RS, PACK_A_CS, PACK_A_M, PACK_A_K, PACK_A_DST, PACK_A_PER, PACK_A_BLOCKS } from './abi';
import { PACK_B_SRC, PACK_B_RS, PACK_B_CS, PACK_B_K, PACK_B_N, PACK_B_DST, PACK_B_PER, PACK_B_PANELS } from './abi';
import { LINEAR_SMALL_X, LINEAR_SMALL_W, LINEAR_SMALL_B, LINEAR_SMALL_Y, LINEAR_SMALL_M, LINEAR_SMALL_K, LINEAR_SMALL_N, LINEAR_SMALL_PER } from './abi';

@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}

// args: the `gemm` block
export function gemmUnit(p: usize, unit: i32): void {
  const mBlocks = arg(p, GEMM_MBLOCKS), nPanels = arg(p, GEMM_NPANELS), bandM = arg(p, GEMM_BANDM), bandN = arg(p, GEMM_BANDN), unitsN = arg(p, GEMM_UNITSN);
  const ui = unit / unitsN, uj = unit - ui * unitsN;
  const i0 = ui * bandM, j0 = uj * bandN;
  const i1 = i0 + bandM < mBlocks ? i0 + bandM : mBlocks;
  const j1 = j0 + bandN < nPanels ? j0 + bandN : nPanels;
  gemmPanels(ptr(p, GEMM_A), ptr(p, GEMM_B), ptr(p, GEMM_C), arg(p, GEMM_LDC), i0, i1, j0, j1, arg(p, GEMM_K), arg(p, GEMM_ACC) != 0);
}

// args: the `packA` block (units of blocksPerUnit 4-row blocks)
export function packAUnit(p: usize, unit: i32): void {
  const per = arg(p, PACK_A_PER), nb = arg(p, PACK_A_BLOCKS);
  const i0 = unit * per, i1 = i0 + per < nb ? i0 + per : nb;
  packA(ptr(p, PACK_A_SRC), arg(p, PACK_A_RS), arg(p, PACK_A_CS), arg(p, PACK_A_M), arg(p, PACK_A_K), ptr(p, PACK_A_DST), i0, i1);
}

// args: the `packB` block (units of panelsPerUnit 8-column panels)
export function packBUnit(p: usize, unit: i32): void {
  const per = arg(p, PACK_B_PER), nb = arg(p, PACK_B_PANELS);
  const j0 = unit * per, j1 = j0 + per < nb ? j0 + per : nb;
  packB(ptr(p, PACK_B_SRC), arg(p, PACK_B_RS), arg(p, PACK_B_CS), arg(p, PACK_B_K), arg(p, PACK_B_N), ptr(p, PACK_B_DST), j0, j1);
}

// y = x·Wᵀ + b for few rows of x (M ≤ 4, e.g. inference on one image): dot products of x's rows
// with W's rows, W read once in place instead of packed. Four vector accumulators per dot, added
// pairwise at the end. args: the `linearSmall` block (b = 0: no bias; units of PER rows of W)
export function linearSmallUnit(p: usize, unit: i32): void {
  const x = ptr(p, LINEAR_SMALL_X), w = ptr(p, LINEAR_SMALL_W), b = ptr(p, LINEAR_SMALL_B), y = ptr(p, LINEAR_SMALL_Y);
  const M = arg(p, LINEAR_SMALL_M), K = arg(p, LINEAR_SMALL_K), N = arg(p, LINEAR_SMALL_N), per = arg(p, LINEAR_SMALL_PER);
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
