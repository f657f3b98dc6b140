// Parallel jobs on packed GEMMs for matmul and linear: the host packs A and B (in units of
// panels), then units of the product are bands of row blocks × bands of column panels.
import { gemmPanels, packA, packB } from './gemm';

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
