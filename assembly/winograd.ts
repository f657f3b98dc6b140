// Winograd F(2×2, 3×3) for 3×3 stride-1 undilated 2-d convolutions with one group: each 2×2
// output tile is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A over the tile's 4×4 input patch d, so the 36 products of
// a tile per channel pair become 16, computed as 16 GEMMs (one per transform position ξ) of the
// transformed weights U_ξ (Cout × Cin) by the transformed inputs V_ξ (Cin × tiles):
//   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],
//   Aᵀ = [1 1 1 0; 0 1 -1 -1].
// The transforms add and subtract only (G's halves are exact), so rounding stays close to the
// direct product's. Tiles are handled four at a time in f32x4 lanes: a 4×4 patch of four tiles
// side by side is 4 rows × 10 input columns, read as even/odd lane shuffles of a zero-padded slab.
import { gemmPanels } from './gemm';
import { WINO_N, WINO_CIN, WINO_COUT, WINO_LH, WINO_LW, WINO_OH, WINO_OW, WINO_PH, WINO_PW, WINO_TH, WINO_TWP } from './abi';
import { WINO_ROWS, WINO_T, WINO_X, WINO_U, WINO_B, WINO_Y, WINO_SCR, WINO_SCRSTRIDE, WINO_FLIP, WINO_W, WINO_SW } from './abi';
import { wino_slab, wino_v, wino_m } from './abi';

@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}
@inline function up4(n: i32): i32 {
  return (n + 3) & ~3;
}

// g[k] (k = 3·row + column), read rotated by 180° when flipped
@inline function gAt(base: usize, flip: bool, k: i32): f32 {
  return load<f32>(base + (<usize>(flip ? 8 - k : k) << 2));
}

// (G g)[i][j]: G's row i applied to column j of g
@inline function gRow(base: usize, flip: bool, i: i32, j: i32): f32 {
  const g0 = gAt(base, flip, j), g1 = gAt(base, flip, 3 + j), g2 = gAt(base, flip, 6 + j);
  return i == 0 ? g0 : i == 1 ? (g0 + g1 + g2) * 0.5 : i == 2 ? (g0 - g1 + g2) * 0.5 : g2;
}

// U_ξ = (G g Gᵀ)_ξ for every (co, ci), as A panels (rows co, k = ci) of 16 matrices, each
// up4(Cout)·Cin floats. FLIP: g is W transposed and rotated by 180° (the input gradient as a
// forward convolution of the output gradient): g[co][ci] = W[ci][co] flipped.
export function winoWeightsUnit(p: usize, unit: i32): void {
  const Cin = arg(p, WINO_CIN), Cout = arg(p, WINO_COUT), flip = arg(p, WINO_FLIP) != 0;
  const w = ptr(p, WINO_W), u = ptr(p, WINO_U);
  const mpad = up4(Cout);
  const stride = <usize>mpad * <usize>Cin;
  const co = unit;
  for (let ci = 0; ci < Cin; ci++) {
    // the 3×3 kernel g of this pair, then t = G g (4×3) column by column, then U = t Gᵀ
    const base = flip ? w + ((<usize>(ci * Cout + co) * 9) << 2) : w + ((<usize>(co * Cin + ci) * 9) << 2);
    const at = (<usize>(co >> 2) * <usize>Cin + <usize>ci) * 4 + <usize>(co & 3);
    for (let i = 0; i < 4; i++) {
      // row i of t: (G g)[i][j] for j = 0..2
      const t0 = gRow(base, flip, i, 0), t1 = gRow(base, flip, i, 1), t2 = gRow(base, flip, i, 2);
      store<f32>(u + ((<usize>(i * 4) * stride + at) << 2), t0);
      store<f32>(u + ((<usize>(i * 4 + 1) * stride + at) << 2), (t0 + t1 + t2) * 0.5);
      store<f32>(u + ((<usize>(i * 4 + 2) * stride + at) << 2), (t0 - t1 + t2) * 0.5);
      store<f32>(u + ((<usize>(i * 4 + 3) * stride + at) << 2), t2);
    }
  }
  // rows of the last A block beyond Cout are zero
  if (co == Cout - 1) {
    for (let r = Cout; r < mpad; r++) {
      for (let xi = 0; xi < 16; xi++) {
        for (let ci = 0; ci < Cin; ci++) store<f32>(u + ((<usize>xi * stride + (<usize>(r >> 2) * <usize>Cin + <usize>ci) * 4 + <usize>(r & 3)) << 2), 0);
      }
    }
  }
}

// Unit (n, block of ROWS tile rows): transform the block's input patches into V, 16 GEMMs into M,
// transform M back into the output tiles (+ bias). Tile t = r·TWP + tw; TWP = TW rounded up to 4.
export function winoUnit(p: usize, unit: i32, slot: i32): void {
  const N = arg(p, WINO_N), Cin = arg(p, WINO_CIN), Cout = arg(p, WINO_COUT);
  const LH = arg(p, WINO_LH), LW = arg(p, WINO_LW), OH = arg(p, WINO_OH), OW = arg(p, WINO_OW);
  const ph = arg(p, WINO_PH), pw = arg(p, WINO_PW), TH = arg(p, WINO_TH), TWP = arg(p, WINO_TWP);
  const ROWS = arg(p, WINO_ROWS), T = arg(p, WINO_T), SW = arg(p, WINO_SW);
  const blocks = (TH + ROWS - 1) / ROWS;
  const n = unit / blocks, th0 = (unit - n * blocks) * ROWS;
  const rows = TH - th0 < ROWS ? TH - th0 : ROWS;
  if (n >= N) return;
  const mpad = up4(Cout);
  const scr = ptr(p, WINO_SCR) + <usize>slot * ptr(p, WINO_SCRSTRIDE);
  const slab = scr + (<usize>wino_slab(Cin, mpad, T, SW) << 2);
  const V = scr + (<usize>wino_v(Cin, mpad, T, SW) << 2);
  const M = scr + (<usize>wino_m(Cin, mpad, T, SW) << 2);
  const xn = ptr(p, WINO_X) + ((<usize>n * <usize>Cin * <usize>LH * <usize>LW) << 2);
  const vstride = <usize>Cin * <usize>T; // floats per V_ξ
  // tiles past the block's rows (T is a multiple of 8) transform zeros
  const used = rows * TWP;
  if (used < T) for (let xi = 0; xi < 16; xi++) for (let t = used; t < T; t++) {
    const vb = V + ((<usize>xi * vstride) << 2);
    for (let ci = 0; ci < Cin; ci++) store<f32>(vb + ((<usize>(t >> 3) * <usize>Cin * 8 + <usize>ci * 8 + <usize>(t & 7)) << 2), 0);
  }
  for (let ci = 0; ci < Cin; ci++) {
    const xc = xn + ((<usize>ci * <usize>LH * <usize>LW) << 2);
    for (let r = 0; r < rows; r++) {
      const ih0 = 2 * (th0 + r) - ph;
      // slab: 4 input rows of columns [-pw, -pw + SW), zero outside x
      memory.fill(slab, 0, <usize>(4 * SW) << 2);
      for (let a = 0; a < 4; a++) {
        const ih = ih0 + a;
        if (ih < 0 || ih >= LH) continue;
        const c0 = pw, len0 = LW < SW - pw ? LW : SW - pw;
        if (len0 > 0) memory.copy(slab + (<usize>(a * SW + c0) << 2), xc + ((<usize>ih * <usize>LW) << 2), <usize>len0 << 2);
      }
      for (let tw = 0; tw < TWP; tw += 4) {
        const t = r * TWP + tw;
        const at = (<usize>(t >> 3) * <usize>Cin * 8 + <usize>ci * 8 + <usize>(t & 7)) << 2;
        // e[a][c]: row a of the four patches times B (c: d0-d2, d1+d2, d2-d1, d1-d3)
        let e00 = f32x4.splat(0), e01 = e00, e02 = e00, e03 = e00, e10 = e00, e11 = e00, e12 = e00, e13 = e00;
        let e20 = e00, e21 = e00, e22 = e00, e23 = e00, e30 = e00, e31 = e00, e32 = e00, e33 = e00;
        for (let a = 0; a < 4; a++) {
          const s = slab + (<usize>(a * SW + 2 * tw) << 2);
          const l0 = v128.load(s), l1 = v128.load(s, 16), l2 = v128.load(s, 8), l3 = v128.load(s, 24);
          const d0 = v128.shuffle<f32>(l0, l1, 0, 2, 4, 6);
          const d1 = v128.shuffle<f32>(l0, l1, 1, 3, 5, 7);
          const d2 = v128.shuffle<f32>(l2, l3, 0, 2, 4, 6);
          const d3 = v128.shuffle<f32>(l2, l3, 1, 3, 5, 7);
          const f0 = f32x4.sub(d0, d2), f1 = f32x4.add(d1, d2), f2 = f32x4.sub(d2, d1), f3 = f32x4.sub(d1, d3);
          if (a == 0) { e00 = f0; e01 = f1; e02 = f2; e03 = f3; }
          else if (a == 1) { e10 = f0; e11 = f1; e12 = f2; e13 = f3; }
          else if (a == 2) { e20 = f0; e21 = f1; e22 = f2; e23 = f3; }
          else { e30 = f0; e31 = f1; e32 = f2; e33 = f3; }
        }
        // u = Bᵀ e: rows e0-e2, e1+e2, e2-e1, e1-e3; position ξ = 4·row + column
        const vb = V + at;
        const vs = vstride << 2;
        v128.store(vb + 0 * vs, f32x4.sub(e00, e20)); v128.store(vb + 1 * vs, f32x4.sub(e01, e21));
        v128.store(vb + 2 * vs, f32x4.sub(e02, e22)); v128.store(vb + 3 * vs, f32x4.sub(e03, e23));
        v128.store(vb + 4 * vs, f32x4.add(e10, e20)); v128.store(vb + 5 * vs, f32x4.add(e11, e21));
        v128.store(vb + 6 * vs, f32x4.add(e12, e22)); v128.store(vb + 7 * vs, f32x4.add(e13, e23));
        v128.store(vb + 8 * vs, f32x4.sub(e20, e10)); v128.store(vb + 9 * vs, f32x4.sub(e21, e11));
        v128.store(vb + 10 * vs, f32x4.sub(e22, e12)); v128.store(vb + 11 * vs, f32x4.sub(e23, e13));
        v128.store(vb + 12 * vs, f32x4.sub(e10, e30)); v128.store(vb + 13 * vs, f32x4.sub(e11, e31));
        v128.store(vb + 14 * vs, f32x4.sub(e12, e32)); v128.store(vb + 15 * vs, f32x4.sub(e13, e33));
      }
    }
  }
  // M_ξ = U_ξ · V_ξ (mpad × T, ldc = T)
  const u = ptr(p, WINO_U);
  const ustride = <usize>mpad * <usize>Cin;
  const mstride = <usize>mpad * <usize>T;
  for (let xi = 0; xi < 16; xi++) {
    gemmPanels(u + ((<usize>xi * ustride) << 2), V + ((<usize>xi * vstride) << 2), M + ((<usize>xi * mstride) << 2), T, 0, mpad >> 2, 0, T >> 3, Cin, false);
  }
  // y = Aᵀ m A + b for each output channel and tile
  const b = ptr(p, WINO_B);
  const yn = ptr(p, WINO_Y) + ((<usize>n * <usize>Cout * <usize>OH * <usize>OW) << 2);
  const ms = mstride << 2;
  for (let co = 0; co < Cout; co++) {
    const bias = f32x4.splat(b == 0 ? <f32>0 : load<f32>(b + (<usize>co << 2)));
    const yc = yn + ((<usize>co * <usize>OH * <usize>OW) << 2);
    for (let r = 0; r < rows; r++) {
      const oh = 2 * (th0 + r);
      for (let tw = 0; tw < TWP; tw += 4) {
        const mb = M + ((<usize>co * <usize>T + <usize>(r * TWP + tw)) << 2);
        // q[i][0] = m_i0 + m_i1 + m_i2, q[i][1] = m_i1 - m_i2 - m_i3 for rows i
        let q00 = f32x4.splat(0), q01 = q00, q10 = q00, q11 = q00, q20 = q00, q21 = q00, q30 = q00, q31 = q00;
        for (let i = 0; i < 4; i++) {
          const m0 = v128.load(mb + <usize>(4 * i) * ms), m1 = v128.load(mb + <usize>(4 * i + 1) * ms);
          const m2 = v128.load(mb + <usize>(4 * i + 2) * ms), m3 = v128.load(mb + <usize>(4 * i + 3) * ms);
          const a0 = f32x4.add(f32x4.add(m0, m1), m2), a1 = f32x4.sub(f32x4.sub(m1, m2), m3);
          if (i == 0) { q00 = a0; q01 = a1; }
          else if (i == 1) { q10 = a0; q11 = a1; }
          else if (i == 2) { q20 = a0; q21 = a1; }
          else { q30 = a0; q31 = a1; }
        }
        const y00 = f32x4.add(f32x4.add(f32x4.add(q00, q10), q20), bias);
        const y01 = f32x4.add(f32x4.add(f32x4.add(q01, q11), q21), bias);
        const y10 = f32x4.add(f32x4.sub(f32x4.sub(q10, q20), q30), bias);
        const y11 = f32x4.add(f32x4.sub(f32x4.sub(q11, q21), q31), bias);
        const ow = 2 * tw;
        for (let a = 0; a < 2; a++) {
          if (oh + a >= OH) break;
          const v0 = a == 0 ? y00 : y10, v1 = a == 0 ? y01 : y11;
          const lo = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), hi = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
          const dst = yc + ((<usize>(oh + a) * <usize>OW + <usize>ow) << 2);
          if (ow + 8 <= OW) {
            v128.store(dst, lo);
            v128.store(dst, hi, 16);
          } else {
            for (let c = 0; c < 8 && ow + c < OW; c++) {
              const v = c < 4 ? lo : hi;
              const l = c & 3;
              store<f32>(dst + (<usize>c << 2), l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1) : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3));
            }
          }
        }
      }
    }
  }
}
