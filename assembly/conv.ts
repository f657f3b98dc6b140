// Forward convolution on 3 spatial dimensions (1-d/2-d arrive padded with size-1 leading dims):
// per image and group, im2col into `col` then y_g = W_g · col + b with the SIMD GEMM. A 1×1×1
// kernel with stride 1 and no padding needs no lowering: the image itself is the column matrix.
import { gemm, fillRows, transpose } from './gemm';

// Parameter block (i32) written by the host; see src/backends/wasm/conv.ts.
const P_N = 0, P_CIN = 1, P_COUT = 2, P_G = 3, P_L = 4, P_K = 7, P_O = 10, P_S = 13, P_D = 16, P_P = 19;

@inline function prm(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// First output index o with 0 <= o*s + off (off = k*d - pad), clamped to [0, O].
@inline function firstIn(off: i32, s: i32, O: i32): i32 {
  const f = off >= 0 ? 0 : (-off + s - 1) / s;
  return f < O ? f : O;
}

// One past the last output index o with o*s + off <= L - 1, clamped to [0, O].
@inline function lastIn(off: i32, s: i32, L: i32, O: i32): i32 {
  const r = L - 1 - off;
  if (r < 0) return 0;
  const l = r / s + 1;
  return l < O ? l : O;
}

// col[(ci,kd,kh,kw), (od,oh,ow)] = x[ci, od*sd-pd+kd*dd, ...] (zero in the padding).
function im2col(p: usize, x: usize, cig: i32, col: usize): void {
  const LD = prm(p, P_L), LH = prm(p, P_L + 1), LW = prm(p, P_L + 2);
  const KD = prm(p, P_K), KH = prm(p, P_K + 1), KW = prm(p, P_K + 2);
  const OD = prm(p, P_O), OH = prm(p, P_O + 1), OW = prm(p, P_O + 2);
  const sd = prm(p, P_S), sh = prm(p, P_S + 1), sw = prm(p, P_S + 2);
  const dd = prm(p, P_D), dh = prm(p, P_D + 1), dw = prm(p, P_D + 2);
  const pd = prm(p, P_P), ph = prm(p, P_P + 1), pw = prm(p, P_P + 2);
  const Osz = <usize>OD * <usize>OH * <usize>OW;
  const Lsz = <usize>LD * <usize>LH * <usize>LW;
  memory.fill(col, 0, (<usize>cig * <usize>KD * <usize>KH * <usize>KW * Osz) << 2);
  let row: usize = 0;
  for (let ci = 0; ci < cig; ci++) {
    const xc = x + ((<usize>ci * Lsz) << 2);
    for (let kd = 0; kd < KD; kd++) {
      const offD = kd * dd - pd;
      const d0 = firstIn(offD, sd, OD), d1 = lastIn(offD, sd, LD, OD);
      for (let kh = 0; kh < KH; kh++) {
        const offH = kh * dh - ph;
        const h0 = firstIn(offH, sh, OH), h1 = lastIn(offH, sh, LH, OH);
        for (let kw = 0; kw < KW; kw++, row++) {
          const offW = kw * dw - pw;
          const w0 = firstIn(offW, sw, OW), w1 = lastIn(offW, sw, LW, OW);
          if (w0 >= w1) continue;
          const n = w1 - w0;
          const rowOff = col + ((row * Osz) << 2);
          for (let od = d0; od < d1; od++) {
            const id = od * sd + offD;
            for (let oh = h0; oh < h1; oh++) {
              const ih = oh * sh + offH;
              const src = xc + (((<usize>id * <usize>LH + <usize>ih) * <usize>LW + <usize>(w0 * sw + offW)) << 2);
              const dst = rowOff + (((<usize>od * <usize>OH + <usize>oh) * <usize>OW + <usize>w0) << 2);
              if (sw == 1) {
                memory.copy(dst, src, <usize>n << 2);
              } else {
                const step = <usize>sw << 2;
                for (let t = 0; t < n; t++) store<f32>(dst + (<usize>t << 2), load<f32>(src + <usize>t * step));
              }
            }
          }
        }
      }
    }
  }
}

// y = conv(x, w) + b for the parameter block at p; b = 0 means no bias; col holds R×P floats.
export function convForward(p: usize, x: usize, w: usize, b: usize, y: usize, col: usize): void {
  const N = prm(p, P_N), Cin = prm(p, P_CIN), Cout = prm(p, P_COUT), G = prm(p, P_G);
  const cig = Cin / G, cog = Cout / G;
  const KK = prm(p, P_K) * prm(p, P_K + 1) * prm(p, P_K + 2);
  const R = cig * KK;
  const P = prm(p, P_O) * prm(p, P_O + 1) * prm(p, P_O + 2);
  const Lsz = prm(p, P_L) * prm(p, P_L + 1) * prm(p, P_L + 2);
  let direct = KK == 1;
  for (let a = 0; a < 3; a++) {
    if (prm(p, P_S + a) != 1 || prm(p, P_P + a) != 0) direct = false;
  }
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const xg = x + ((<usize>(n * Cin + g * cig) * <usize>Lsz) << 2);
      const yg = y + ((<usize>(n * Cout + g * cog) * <usize>P) << 2);
      const wg = w + ((<usize>(g * cog) * <usize>R) << 2);
      fillRows(yg, b == 0 ? 0 : b + (<usize>(g * cog) << 2), cog, P);
      // direct: P == Lsz (a 1×1 kernel with unit stride, no padding; dilation is irrelevant)
      let src = xg;
      if (!direct) {
        im2col(p, xg, cig, col);
        src = col;
      }
      gemm(wg, R, src, P, yg, P, cog, R, P);
    }
  }
}

// The adjoint of im2col: x[ci, od*sd-pd+kd*dd, ...] += col[(ci,kd,kh,kw), (od,oh,ow)] for the
// in-bounds entries (the same index intervals as im2col, so negative padAfter needs nothing more).
function col2im(p: usize, col: usize, cig: i32, x: usize): void {
  const LD = prm(p, P_L), LH = prm(p, P_L + 1), LW = prm(p, P_L + 2);
  const KD = prm(p, P_K), KH = prm(p, P_K + 1), KW = prm(p, P_K + 2);
  const OD = prm(p, P_O), OH = prm(p, P_O + 1), OW = prm(p, P_O + 2);
  const sd = prm(p, P_S), sh = prm(p, P_S + 1), sw = prm(p, P_S + 2);
  const dd = prm(p, P_D), dh = prm(p, P_D + 1), dw = prm(p, P_D + 2);
  const pd = prm(p, P_P), ph = prm(p, P_P + 1), pw = prm(p, P_P + 2);
  const Osz = <usize>OD * <usize>OH * <usize>OW;
  const Lsz = <usize>LD * <usize>LH * <usize>LW;
  let row: usize = 0;
  for (let ci = 0; ci < cig; ci++) {
    const xc = x + ((<usize>ci * Lsz) << 2);
    for (let kd = 0; kd < KD; kd++) {
      const offD = kd * dd - pd;
      const d0 = firstIn(offD, sd, OD), d1 = lastIn(offD, sd, LD, OD);
      for (let kh = 0; kh < KH; kh++) {
        const offH = kh * dh - ph;
        const h0 = firstIn(offH, sh, OH), h1 = lastIn(offH, sh, LH, OH);
        for (let kw = 0; kw < KW; kw++, row++) {
          const offW = kw * dw - pw;
          const w0 = firstIn(offW, sw, OW), w1 = lastIn(offW, sw, LW, OW);
          if (w0 >= w1) continue;
          const n = w1 - w0;
          const rowOff = col + ((row * Osz) << 2);
          for (let od = d0; od < d1; od++) {
            const id = od * sd + offD;
            for (let oh = h0; oh < h1; oh++) {
              const ih = oh * sh + offH;
              const dst = xc + (((<usize>id * <usize>LH + <usize>ih) * <usize>LW + <usize>(w0 * sw + offW)) << 2);
              const src = rowOff + (((<usize>od * <usize>OH + <usize>oh) * <usize>OW + <usize>w0) << 2);
              if (sw == 1) {
                let t = 0;
                for (; t + 4 <= n; t += 4) {
                  const o = <usize>t << 2;
                  v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
                }
                for (; t < n; t++) {
                  const o = <usize>t << 2;
                  store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
                }
              } else {
                const step = <usize>sw << 2;
                for (let t = 0; t < n; t++) {
                  const d = dst + <usize>t * step;
                  store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>t << 2)));
                }
              }
            }
          }
        }
      }
    }
  }
}

// x = convTranspose(g, w) + b (the input gradient of conv): per image and group,
// col = W_gᵀ · g_g (R × P) with the SIMD GEMM, then col2im into x_g (pre-filled with the bias).
// wt holds Cout·R floats (the per-group transposed weights), col R×P floats.
export function convBackwardInput(p: usize, g: usize, w: usize, b: usize, x: usize, wt: usize, col: usize): void {
  const N = prm(p, P_N), Cin = prm(p, P_CIN), Cout = prm(p, P_COUT), G = prm(p, P_G);
  const cig = Cin / G, cog = Cout / G;
  const KK = prm(p, P_K) * prm(p, P_K + 1) * prm(p, P_K + 2);
  const R = cig * KK;
  const P = prm(p, P_O) * prm(p, P_O + 1) * prm(p, P_O + 2);
  const Lsz = prm(p, P_L) * prm(p, P_L + 1) * prm(p, P_L + 2);
  const wgSize = (<usize>cog * <usize>R) << 2;
  for (let gi = 0; gi < G; gi++) transpose(w + <usize>gi * wgSize, wt + <usize>gi * wgSize, cog, R);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < G; gi++) {
      const gg = g + ((<usize>(n * Cout + gi * cog) * <usize>P) << 2);
      const xg = x + ((<usize>(n * Cin + gi * cig) * <usize>Lsz) << 2);
      fillRows(xg, b == 0 ? 0 : b + (<usize>(gi * cig) << 2), cig, Lsz);
      memory.fill(col, 0, (<usize>R * <usize>P) << 2);
      gemm(wt + <usize>gi * wgSize, cog, gg, P, col, P, R, cog, P);
      col2im(p, col, cig, xg);
    }
  }
}

// Output positions per partial product of the weight gradient: each block of KC positions is
// summed into a zeroed tmp and then added to dw, so an element's float32 sum over N·P terms is
// a sum of short sums (rounding error grows with KC + N·P/KC rather than with N·P).
const KC = 128;

// dst[n] += src[n] for n floats.
function addInto(dst: usize, src: usize, n: i32): void {
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const o = <usize>t << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; t < n; t++) {
    const o = <usize>t << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

// dw = convWeightGrad(x, g): per image and group, im2col of x_g (R × P), transposed to colT
// (P × R), then dw_g += g_g · colT in blocks of KC positions, summed over the batch. dw must
// arrive zeroed; tmp holds (Cout/G)·R floats.
export function convBackwardWeight(p: usize, x: usize, g: usize, dw: usize, col: usize, colT: usize, tmp: usize): void {
  const N = prm(p, P_N), Cin = prm(p, P_CIN), Cout = prm(p, P_COUT), G = prm(p, P_G);
  const cig = Cin / G, cog = Cout / G;
  const KK = prm(p, P_K) * prm(p, P_K + 1) * prm(p, P_K + 2);
  const R = cig * KK;
  const P = prm(p, P_O) * prm(p, P_O + 1) * prm(p, P_O + 2);
  const Lsz = prm(p, P_L) * prm(p, P_L + 1) * prm(p, P_L + 2);
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < G; gi++) {
      const xg = x + ((<usize>(n * Cin + gi * cig) * <usize>Lsz) << 2);
      const gg = g + ((<usize>(n * Cout + gi * cog) * <usize>P) << 2);
      const dwg = dw + ((<usize>(gi * cog) * <usize>R) << 2);
      im2col(p, xg, cig, col);
      transpose(col, colT, R, P);
      for (let k0 = 0; k0 < P; k0 += KC) {
        const kn = P - k0 < KC ? P - k0 : KC;
        memory.fill(tmp, 0, (<usize>cog * <usize>R) << 2);
        gemm(gg + (<usize>k0 << 2), P, colT + ((<usize>k0 * <usize>R) << 2), R, tmp, R, cog, kn, R);
        addInto(dwg, tmp, cog * R);
      }
    }
  }
}
