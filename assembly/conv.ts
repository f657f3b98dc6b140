// Convolution on 3 spatial dimensions (1-d/2-d arrive padded with size-1 leading dims) as packed
// GEMMs (assembly/gemm.ts). Work is cut into independent units that any thread may run in any
// order: each unit writes its own part of the output, so results do not depend on scheduling.
//   forward        unit = (image, group, block of output positions): im2col of the block into B
//                  panels, C = W_g · B (+ bias), copied into y
//   input gradient unit = (image, group, block of input channels): B = packed g, col = W_gᵀ · B for
//                  the block's rows, scattered back into x by col2im (the blocks' channels are
//                  disjoint, so the scatter needs no locks)
//   weight grad    unit = (group, block of rows of W_g): for each image, the transposed im2col of
//                  the block's rows, C_n = g_n · colᵀ, summed over the images in order
import { addInto, copyRect, fillRows, gemmPanels, madd, packA, packB } from './gemm';

// Parameter block (i32) written by the host; see src/backends/wasm/conv.ts.
import { CONV_N as P_N, CONV_CIN as P_CIN, CONV_COUT as P_COUT, CONV_G as P_G, CONV_L as P_L, CONV_K as P_K, CONV_O as P_O, CONV_S as P_S, CONV_D as P_D, CONV_P as P_P } from './abi';
import { convForward_bp, convForward_cbuf, convInput_bp, convInput_col, convWeight_bp, convWeight_cimg, convWeight_cacc } from './abi';
import { convDirect_slab, convDirect_offs, convDirect_cbuf, convDirect_bp, convWeightDirect_slab, convWeightDirect_offs, convWeightDirect_cimg, convWeightDirect_cacc, convWeightDirect_apk, dwWeight_acc } from './abi';
import { CONV_X as P_X, CONV_W as P_W, CONV_B as P_B, CONV_Y as P_Y, CONV_APACK as P_APACK, CONV_SCR as P_SCR, CONV_SCRSTRIDE as P_SCRSTRIDE, CONV_CHUNK as P_CHUNK, CONV_NCHUNK as P_NCHUNK, CONV_GPACK as P_GPACK, CONV_FLAGS as P_FLAGS, CONV_QROWS as P_QROWS, CONV_TAPS as P_TAPS } from './abi';

@inline function prm(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}
@inline function up4(n: i32): i32 {
  return (n + 3) & ~3;
}
@inline function up8(n: i32): i32 {
  return (n + 7) & ~7;
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

// Geometry of the current conv, read once per unit into globals: each thread has its own module
// instance, hence its own globals (memory is shared, globals are not).
let N: i32 = 0, Cin: i32 = 0, Cout: i32 = 0, G: i32 = 0, cig: i32 = 0, cog: i32 = 0, LD: i32 = 0, LH: i32 = 0, LW: i32 = 0, KD: i32 = 0, KH: i32 = 0, KW: i32 = 0, OD: i32 = 0, OH: i32 = 0, OW: i32 = 0, sd: i32 = 0, sh: i32 = 0, sw: i32 = 0, dd: i32 = 0, dh: i32 = 0, dw: i32 = 0, pd: i32 = 0, ph: i32 = 0, pw: i32 = 0, KK: i32 = 0, R: i32 = 0, P: i32 = 0, Lsz: i32 = 0;

function readGeo(p: usize): void {
  N = prm(p, P_N); Cin = prm(p, P_CIN); Cout = prm(p, P_COUT); G = prm(p, P_G);
  cig = Cin / G; cog = Cout / G;
  LD = prm(p, P_L); LH = prm(p, P_L + 1); LW = prm(p, P_L + 2);
  KD = prm(p, P_K); KH = prm(p, P_K + 1); KW = prm(p, P_K + 2);
  OD = prm(p, P_O); OH = prm(p, P_O + 1); OW = prm(p, P_O + 2);
  sd = prm(p, P_S); sh = prm(p, P_S + 1); sw = prm(p, P_S + 2);
  dd = prm(p, P_D); dh = prm(p, P_D + 1); dw = prm(p, P_D + 2);
  pd = prm(p, P_P); ph = prm(p, P_P + 1); pw = prm(p, P_P + 2);
  KK = KD * KH * KW;
  R = cig * KK;
  P = OD * OH * OW;
  Lsz = LD * LH * LW;
}

// Row r = (ci, kd, kh, kw) of the im2col matrix: its input channel, the input offsets of its tap
// (k·dilation − pad per dimension) and, per dimension, the output range whose taps land inside the
// input — in globals, read right after the call (AssemblyScript returns one value).
let rCi: i32 = 0, rOffD: i32 = 0, rOffH: i32 = 0, rOffW: i32 = 0;
let rD0: i32 = 0, rD1: i32 = 0, rH0: i32 = 0, rH1: i32 = 0, rW0: i32 = 0, rW1: i32 = 0;

function decodeRow(r: i32): void {
  rCi = r / KK;
  let t = r - rCi * KK;
  const kd = t / (KH * KW);
  t -= kd * KH * KW;
  const kh = t / KW;
  const kw = t - kh * KW;
  rOffD = kd * dd - pd;
  rOffH = kh * dh - ph;
  rOffW = kw * dw - pw;
  rD0 = firstIn(rOffD, sd, OD);
  rD1 = lastIn(rOffD, sd, LD, OD);
  rH0 = firstIn(rOffH, sh, OH);
  rH1 = lastIn(rOffH, sh, LH, OH);
  rW0 = firstIn(rOffW, sw, OW);
  rW1 = lastIn(rOffW, sw, LW, OW);
}

// The transposed im2col of rows [r0, r1) of image-group xg, as the weight gradient's B panels:
// panel (r-r0)>>3 holds all positions (k = position) with lane (r-r0)&7. dst must be zeroed.
function im2colPacked(xg: usize, r0: i32, r1: i32, dst: usize): void {
  const step = <usize>sw << 2;
  for (let r = r0; r < r1; r++) {
    decodeRow(r);
    if (rW0 >= rW1 || rH0 >= rH1 || rD0 >= rD1) continue;
    const xc = xg + ((<usize>rCi * <usize>Lsz) << 2);
    const rl = r - r0;
    const colOff = dst + ((<usize>(rl >> 3) * <usize>P) << 5) + (<usize>(rl & 7) << 2);
    for (let od = rD0; od < rD1; od++) {
      const id = od * sd + rOffD;
      for (let oh = rH0; oh < rH1; oh++) {
        const ih = oh * sh + rOffH;
        const base = (od * OH + oh) * OW;
        let s = xc + (((<usize>id * <usize>LH + <usize>ih) * <usize>LW + <usize>(rW0 * sw + rOffW)) << 2);
        for (let ow = rW0; ow < rW1; ow++, s += step) store<f32>(colOff + (<usize>(base + ow) << 5), load<f32>(s));
      }
    }
  }
}

// Forward B panels of positions [p0, p1) (all R rows), written panel by panel in destination
// order: panel j holds positions p0+8j.. as R rows of 8 floats. Eight positions inside one output
// row and inside the row's valid range are two vector loads (unit stride) or eight scalar ones;
// the rest (row ends, padding) go lane by lane over a zeroed row. Every float of dst is written.
function im2colPanels(xg: usize, p0: i32, p1: i32, dst: usize): void {
  const np = p1 - p0;
  const OHW = OH * OW;
  const HW = LH * LW;
  for (let j = 0; j * 8 < np; j++) {
    const pa = p0 + j * 8;
    const cnt = p1 - pa < 8 ? p1 - pa : 8;
    const q = pa / OW, ow0 = pa - q * OW;
    const od = q / OH, oh = q - od * OH;
    const oneRow = cnt == 8 && ow0 + 8 <= OW;
    let out = dst + ((<usize>j * <usize>R) << 5);
    for (let ci = 0; ci < cig; ci++) {
      const xc = xg + ((<usize>ci * <usize>Lsz) << 2);
      for (let kd = 0; kd < KD; kd++) {
        const offD = kd * dd - pd;
        for (let kh = 0; kh < KH; kh++) {
          const offH = kh * dh - ph;
          for (let kw = 0; kw < KW; kw++, out += 32) {
            const offW = kw * dw - pw;
            if (oneRow) {
              const id = od * sd + offD, ih = oh * sh + offH, iw = ow0 * sw + offW;
              const iwLast = iw + 7 * sw;
              if (<u32>id < <u32>LD && <u32>ih < <u32>LH && iw >= 0 && iwLast < LW) {
                const src = xc + (((<usize>id * <usize>HW) + <usize>ih * <usize>LW + <usize>iw) << 2);
                if (sw == 1) {
                  v128.store(out, v128.load(src));
                  v128.store(out, v128.load(src, 16), 16);
                } else if (sw == 2) {
                  // the even lanes of 16 floats (the 16th is read, not used: it lies in memory)
                  v128.store(out, v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 0, 2, 4, 6));
                  v128.store(out, v128.shuffle<f32>(v128.load(src, 32), v128.load(src, 48), 0, 2, 4, 6), 16);
                } else {
                  const st = <usize>sw << 2;
                  for (let l = 0; l < 8; l++) store<f32>(out + (<usize>l << 2), load<f32>(src + <usize>l * st));
                }
                continue;
              }
            }
            // lane by lane, with bounds (lanes in the padding, or past the end, stay zero)
            v128.store(out, f32x4.splat(0));
            v128.store(out, f32x4.splat(0), 16);
            let w = ow0, odd = od, ohh = oh;
            for (let l = 0; l < cnt; l++) {
              const id = odd * sd + offD, ih = ohh * sh + offH, iw = w * sw + offW;
              if (<u32>id < <u32>LD && <u32>ih < <u32>LH && <u32>iw < <u32>LW) {
                store<f32>(out + (<usize>l << 2), load<f32>(xc + (((<usize>id * <usize>HW) + <usize>ih * <usize>LW + <usize>iw) << 2)));
              }
              if (++w == OW) {
                w = 0;
                if (++ohh == OH) {
                  ohh = 0;
                  odd++;
                }
              }
            }
          }
        }
      }
    }
  }
}

// The adjoint of im2col for rows [r0, r1) and output rows q = od·OH + oh in [q0, q1) (col
// row-major with ldc floats, row r at r - r0, position q·OW + ow at (q - q0)·OW + ow):
// x[ci, od*sd-pd+kd*dd, ...] += col[r, (od,oh,ow)] over the in-bounds entries.
function col2im(col: usize, ldc: i32, r0: i32, r1: i32, xg: usize, q0: i32, q1: i32): void {
  for (let r = r0; r < r1; r++) {
    decodeRow(r);
    const ci = rCi, offD = rOffD, offH = rOffH, offW = rOffW;
    const d0 = rD0, d1 = rD1, h0 = rH0, h1 = rH1, w0 = rW0, w1 = rW1;
    if (w0 >= w1) continue;
    const n = w1 - w0;
    const xc = xg + ((<usize>ci * <usize>Lsz) << 2);
    const rowOff = col + ((<usize>(r - r0) * <usize>ldc) << 2);
    for (let od = d0; od < d1; od++) {
      const id = od * sd + offD;
      for (let oh = h0; oh < h1; oh++) {
        const q = od * OH + oh;
        if (q < q0 || q >= q1) continue;
        const ih = oh * sh + offH;
        const dst = xc + (((<usize>id * <usize>LH + <usize>ih) * <usize>LW + <usize>(w0 * sw + offW)) << 2);
        const src = rowOff + (((<usize>(q - q0)) * <usize>OW + <usize>w0) << 2);
        if (sw == 1) {
          addInto(dst, src, n);
        } else {
          const step = <usize>sw << 2;
          for (let t2 = 0; t2 < n; t2++) {
            const d = dst + <usize>t2 * step;
            store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>t2 << 2)));
          }
        }
      }
    }
  }
}

// Packs the weights for the forward pass: per group, A panels of W_g (cog × R), group stride
// up4(cog)·R floats, at APACK.
export function convPackForward(p: usize): void {
  readGeo(p);
  const w = ptr(p, P_W), dst = ptr(p, P_APACK);
  const gs = <usize>up4(cog) * <usize>R;
  for (let gi = 0; gi < G; gi++) {
    packA(w + ((<usize>(gi * cog) * <usize>R) << 2), R, 1, cog, R, dst + ((gs * <usize>gi) << 2), 0, up4(cog) >> 2);
  }
}

// Forward unit: (n, gi, block c of CHUNK positions).
export function convForwardUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const chunk = prm(p, P_CHUNK), nchunk = prm(p, P_NCHUNK);
  const c = unit % nchunk, ng = unit / nchunk;
  const gi = ng % G, n = ng / G;
  const p0 = c * chunk, p1 = p0 + chunk < P ? p0 + chunk : P;
  const np = p1 - p0, npad = up8(np), mpad = up4(cog);
  const scr = ptr(p, P_SCR) + <usize>slot * ptr(p, P_SCRSTRIDE);
  const bp = scr + (<usize>convForward_bp(R, cog, npad) << 2);
  const cbuf = scr + (<usize>convForward_cbuf(R, cog, npad) << 2);
  const xg = ptr(p, P_X) + ((<usize>(n * Cin + gi * cig) * <usize>Lsz) << 2);
  const yg = ptr(p, P_Y) + ((<usize>(n * Cout + gi * cog) * <usize>P + <usize>p0) << 2);
  const ap = ptr(p, P_APACK) + ((<usize>mpad * <usize>R * <usize>gi) << 2);
  im2colPanels(xg, p0, p1, bp);
  const b = ptr(p, P_B);
  const bias = b == 0 ? 0 : b + (<usize>(gi * cog) << 2);
  if (np == npad && mpad == cog) {
    // whole tiles only: the product accumulates straight into y (rows P floats apart)
    fillRows(yg, P, bias, cog, np);
    gemmPanels(ap, bp, yg, P, 0, mpad >> 2, 0, npad >> 3, R, true);
    return;
  }
  fillRows(cbuf, npad, bias, cog, npad);
  gemmPanels(ap, bp, cbuf, npad, 0, mpad >> 2, 0, npad >> 3, R, true);
  copyRect(cbuf, npad, yg, P, cog, np);
}

// Packs the weights for the input gradient: per group and block of CHUNK input channels, A panels
// of the block's rows of W_gᵀ (R × cog), block stride up4(CHUNK·KK)·cog floats.
export function convPackInput(p: usize): void {
  readGeo(p);
  const chunk = prm(p, P_CHUNK), nchunk = prm(p, P_NCHUNK);
  const w = ptr(p, P_W), dst = ptr(p, P_APACK);
  const bs = <usize>up4(chunk * KK) * <usize>cog;
  for (let gi = 0; gi < G; gi++) {
    const wg = w + ((<usize>(gi * cog) * <usize>R) << 2);
    for (let c = 0; c < nchunk; c++) {
      const c0 = c * chunk, c1 = c0 + chunk < cig ? c0 + chunk : cig;
      const rows = (c1 - c0) * KK;
      // Wᵀ[r, co] = W[co, r]: row stride 1, column stride R
      packA(wg + (<usize>(c0 * KK) << 2), 1, R, rows, cog, dst + ((bs * <usize>(gi * nchunk + c)) << 2), 0, up4(rows) >> 2);
    }
  }
}

// Input-gradient unit: (n, gi, block c of CHUNK input channels). x = Y pointer here (output), g = X.
export function convInputUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const chunk = prm(p, P_CHUNK), nchunk = prm(p, P_NCHUNK);
  const c = unit % nchunk, ng = unit / nchunk;
  const gi = ng % G, n = ng / G;
  const c0 = c * chunk, c1 = c0 + chunk < cig ? c0 + chunk : cig;
  const rows = (c1 - c0) * KK, mpad = up4(rows);
  // output rows per block: col (the block's rows × positions) stays in cache between the product
  // and the scatter; blocks run in order, so their overlapping scatters need no care
  const qrows = prm(p, P_QROWS), Q = OD * OH;
  const bmax = up8(qrows * OW);
  const scr = ptr(p, P_SCR) + <usize>slot * ptr(p, P_SCRSTRIDE);
  const bp = scr + (<usize>convInput_bp(cog, mpad, bmax) << 2);
  const col = scr + (<usize>convInput_col(cog, mpad, bmax) << 2);
  const gg = ptr(p, P_X) + ((<usize>(n * Cout + gi * cog) * <usize>P) << 2);
  const xg = ptr(p, P_Y) + ((<usize>(n * Cin + gi * cig) * <usize>Lsz) << 2);
  const ap = ptr(p, P_APACK) + ((<usize>up4(chunk * KK) * <usize>cog * <usize>(gi * nchunk + c)) << 2);
  const b = ptr(p, P_B);
  const xc = xg + ((<usize>c0 * <usize>Lsz) << 2);
  fillRows(xc, Lsz, b == 0 ? 0 : b + (<usize>(gi * cig + c0) << 2), c1 - c0, Lsz);
  for (let q0 = 0; q0 < Q; q0 += qrows) {
    const q1 = q0 + qrows < Q ? q0 + qrows : Q;
    const np = (q1 - q0) * OW, npad = up8(np);
    packB(gg + ((<usize>(q0 * OW)) << 2), P, 1, cog, np, bp, 0, npad >> 3);
    gemmPanels(ap, bp, col, npad, 0, mpad >> 2, 0, npad >> 3, cog, false);
    col2im(col, npad, c0 * KK, c1 * KK, xg, q0, q1);
  }
}

// Weight-gradient packing unit (n, gi): A panels of g_ng (cog × P) at GPACK, stride up4(cog)·P.
export function convPackGradUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const gi = unit % G, n = unit / G;
  const mpad = up4(cog);
  const gg = ptr(p, P_Y) + ((<usize>(n * Cout + gi * cog) * <usize>P) << 2);
  const dst = ptr(p, P_GPACK) + ((<usize>mpad * <usize>P * <usize>unit) << 2);
  packA(gg, P, 1, cog, P, dst, 0, mpad >> 2);
}

// Weight-gradient unit: (gi, block c of CHUNK rows of W_g, a multiple of 8). dw = W pointer here.
export function convWeightUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const chunk = prm(p, P_CHUNK), nchunk = prm(p, P_NCHUNK);
  const c = unit % nchunk, gi = unit / nchunk;
  const r0 = c * chunk, r1 = r0 + chunk < R ? r0 + chunk : R;
  const nr = r1 - r0, npad = up8(nr), mpad = up4(cog);
  const scr = ptr(p, P_SCR) + <usize>slot * ptr(p, P_SCRSTRIDE);
  const bp = scr + (<usize>convWeight_bp(P, npad, cog) << 2);
  const cimg = scr + (<usize>convWeight_cimg(P, npad, cog) << 2);
  const cacc = scr + (<usize>convWeight_cacc(P, npad, cog) << 2);
  const csize = mpad * npad;
  memory.fill(cacc, 0, <usize>csize << 2);
  for (let n = 0; n < N; n++) {
    const xg = ptr(p, P_X) + ((<usize>(n * Cin + gi * cig) * <usize>Lsz) << 2);
    const ap = ptr(p, P_GPACK) + ((<usize>mpad * <usize>P * <usize>(n * G + gi)) << 2);
    memory.fill(bp, 0, (<usize>P * <usize>npad) << 2);
    im2colPacked(xg, r0, r1, bp);
    // per-image sums first, then the batch sum: rounding grows with P + N, not N·P
    gemmPanels(ap, bp, cimg, npad, 0, mpad >> 2, 0, npad >> 3, P, false);
    addInto(cacc, cimg, csize);
  }
  const dwg = ptr(p, P_W) + ((<usize>(gi * cog) * <usize>R + <usize>r0) << 2);
  copyRect(cacc, npad, dwg, R, cog, nr);
}

// ---- Stride-1 convolutions (1-d and 2-d) without im2col ----------------------------------------
// With stride 1, row r = (ci, kh, kw) of the im2col matrix is the zero-padded input shifted by
// (kh·dh, kw·dw). Laying the padded input out with rows of WV = OW + (KW-1)·dw floats and
// computing "virtual" outputs at every column of those rows (WV - OW of them are discarded), row r
// becomes the padded input itself from offset ((ci·SH + kh·dh)·WV + kw·dw): the GEMM operands are
// packed from that slab through a table of offsets, with no im2col matrix in between.

// Slab of padded input rows for output rows [oh0, oh0 + rows) and channels [c0, c1):
// slab[ci-c0][sr][sc] = x[ci][oh0 + sr - ph][sc - pw] (zero outside the input), SH = rows +
// (KH-1)·dh rows of WV floats, then 16 + (KW-1)·dw slack zeros for the reads past the last row. Returns floats used.
function buildSlab(xg: usize, oh0: i32, rows: i32, c0: i32, c1: i32, slab: usize): i32 {
  const WV = OW + (KW - 1) * dw, SH = rows + (KH - 1) * dh;
  const n = (c1 - c0) * SH * WV + (KW - 1) * dw + 16;
  memory.fill(slab, 0, <usize>n << 2);
  const sc0 = pw > 0 ? pw : 0;
  const iw0 = sc0 - pw;
  let len = LW - iw0;
  if (sc0 + len > WV) len = WV - sc0;
  if (len <= 0) return n;
  for (let ci = c0; ci < c1; ci++) {
    const xc = xg + ((<usize>ci * <usize>Lsz) << 2);
    const sl = slab + ((<usize>(ci - c0) * <usize>SH * <usize>WV) << 2);
    for (let sr = 0; sr < SH; sr++) {
      const ih = oh0 + sr - ph;
      if (ih < 0 || ih >= LH) continue;
      memory.copy(sl + ((<usize>sr * <usize>WV + <usize>sc0) << 2), xc + ((<usize>ih * <usize>LW + <usize>iw0) << 2), <usize>len << 2);
    }
  }
  return n;
}

// Byte offsets of im2col rows [r0, r1) in a slab of SH rows starting at channel c0.
function slabOffsets(r0: i32, r1: i32, c0: i32, SH: i32, offs: usize): void {
  const WV = OW + (KW - 1) * dw;
  for (let r = r0; r < r1; r++) {
    const ci = r / KK;
    const t = r - ci * KK;
    const kh = t / KW, kw = t - kh * KW;
    store<i32>(offs + (<usize>(r - r0) << 2), (((ci - c0) * SH + kh * dh) * WV + kw * dw) << 2);
  }
}

// B panels of the virtual positions [0, vpad) from the slab: panel j, row r = the 8 floats at
// slab + offs[r] + 32·j. Each panel row is reused by every 4-row block of the weights, so this
// copy costs about 1/cog of the product, and the product then streams packed panels (reading
// the slab in place through the offsets was about a quarter slower).
function packSlabB(slab: usize, offs: usize, rows: i32, vpad: i32, bp: usize): void {
  let out = bp;
  for (let j = 0; j < vpad; j += 8) {
    const col = slab + (<usize>j << 2);
    for (let r = 0; r < rows; r++, out += 32) {
      const s = col + <usize>load<i32>(offs + (<usize>r << 2));
      v128.store(out, v128.load(s));
      v128.store(out, v128.load(s, 16), 16);
    }
  }
}

// A panels (4 rows, k-major) of slab rows r < nr at offsets offs[r], k in [0, V); rows ≥ nr zero.
function packSlabA(slab: usize, offs: usize, nr: i32, V: i32, ap: usize): void {
  for (let ib = 0; ib * 4 < nr; ib++) {
    const out = ap + ((<usize>ib * <usize>V) << 4);
    for (let l = 0; l < 4; l++) {
      const r = ib * 4 + l;
      const o = out + (<usize>l << 2);
      if (r >= nr) {
        for (let k = 0; k < V; k++) store<f32>(o + (<usize>k << 4), 0);
        continue;
      }
      const s = slab + <usize>load<i32>(offs + (<usize>r << 2));
      for (let k = 0; k < V; k++) store<f32>(o + (<usize>k << 4), load<f32>(s + (<usize>k << 2)));
    }
  }
}

// Forward unit (stride 1, 1-d/2-d): (n, gi, block c of CHUNK output rows).
export function convDirectUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const chunk = prm(p, P_CHUNK), nchunk = prm(p, P_NCHUNK);
  const c = unit % nchunk, ng = unit / nchunk;
  const gi = ng % G, n = ng / G;
  const oh0 = c * chunk, rows = OH - oh0 < chunk ? OH - oh0 : chunk;
  const WV = OW + (KW - 1) * dw, SH = rows + (KH - 1) * dh;
  const V = rows * WV, vpad = up8(V), mpad = up4(cog);
  const scr = ptr(p, P_SCR) + <usize>slot * ptr(p, P_SCRSTRIDE);
  const slab = scr + (<usize>convDirect_slab(cig, SH, WV, KW, dw, R, cog, vpad) << 2);
  const offs = scr + (<usize>convDirect_offs(cig, SH, WV, KW, dw, R, cog, vpad) << 2);
  const cbuf = scr + (<usize>convDirect_cbuf(cig, SH, WV, KW, dw, R, cog, vpad) << 2);
  const bp = scr + (<usize>convDirect_bp(cig, SH, WV, KW, dw, R, cog, vpad) << 2);
  const xg = ptr(p, P_X) + ((<usize>(n * Cin + gi * cig) * <usize>Lsz) << 2);
  buildSlab(xg, oh0, rows, 0, cig, slab);
  slabOffsets(0, R, 0, SH, offs);
  packSlabB(slab, offs, R, vpad, bp);
  const b = ptr(p, P_B);
  fillRows(cbuf, vpad, b == 0 ? 0 : b + (<usize>(gi * cog) << 2), cog, vpad);
  const ap = ptr(p, P_APACK) + ((<usize>mpad * <usize>R * <usize>gi) << 2);
  gemmPanels(ap, bp, cbuf, vpad, 0, mpad >> 2, 0, vpad >> 3, R, true);
  const yg = ptr(p, P_Y) + ((<usize>(n * Cout + gi * cog) * <usize>P + <usize>(oh0 * OW)) << 2);
  for (let co = 0; co < cog; co++) {
    copyRect(cbuf + ((<usize>co * <usize>vpad) << 2), WV, yg + ((<usize>co * <usize>P) << 2), OW, rows, OW);
  }
}

// Packs W for the input gradient computed as a stride-1 forward conv: p describes that conv (its
// input is g, its Cin the original Cout), and row ci, column (co, k) of group gi's A is the
// original W[gi·cig + co][ci] at the flipped kernel position KK-1-k.
export function convPackFlipped(p: usize): void {
  readGeo(p);
  const w = ptr(p, P_W), dst = ptr(p, P_APACK);
  const mpad = up4(cog);
  for (let gi = 0; gi < G; gi++) {
    const out = dst + ((<usize>mpad * <usize>R * <usize>gi) << 2);
    for (let i = 0; i < mpad; i++) {
      const o = out + ((<usize>(i >> 2) * <usize>R) << 4) + (<usize>(i & 3) << 2);
      for (let co = 0; co < cig; co++) {
        const src = w + ((<usize>((gi * cig + co) * cog + i) * <usize>KK) << 2);
        for (let k = 0; k < KK; k++) {
          const v = i < cog ? load<f32>(src + (<usize>(KK - 1 - k) << 2)) : <f32>0;
          store<f32>(o + ((<usize>(co * KK + k)) << 4), v);
        }
      }
    }
  }
}

// Weight-gradient packing unit (n, gi), stride 1: B panels of g_ng over virtual positions,
// B[p' = oh·WV + ow][co] = g[co][oh·OW + ow] (zero for ow ≥ OW), panel stride V·8 floats.
export function convPackGradDirectUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const WV = OW + (KW - 1) * dw, V = OH * WV;
  const npan = up8(cog) >> 3;
  const gg = ptr(p, P_Y) + ((<usize>unit * <usize>cog * <usize>P) << 2);
  const dst = ptr(p, P_GPACK) + ((<usize>unit * <usize>npan * <usize>V) << 5);
  memory.fill(dst, 0, (<usize>npan * <usize>V) << 5);
  for (let co = 0; co < cog; co++) {
    const src = gg + ((<usize>co * <usize>P) << 2);
    const o = dst + ((<usize>(co >> 3) * <usize>V) << 5) + (<usize>(co & 7) << 2);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) store<f32>(o + (<usize>(oh * WV + ow) << 5), load<f32>(src + (<usize>(oh * OW + ow) << 2)));
    }
  }
}

// Weight-gradient unit (stride 1): (gi, block c of CHUNK rows of W_g, a multiple of 4). Per image:
// the slab of the block's channels, then C_n[r][co] = Σ_p' slab[off(r) + p'] · B_n[p'][co]; the
// per-image sums are added in image order.
export function convWeightDirectUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const chunk = prm(p, P_CHUNK), nchunk = prm(p, P_NCHUNK);
  const c = unit % nchunk, gi = unit / nchunk;
  const r0 = c * chunk, r1 = r0 + chunk < R ? r0 + chunk : R;
  const nr = r1 - r0;
  const c0 = r0 / KK, c1 = (r1 - 1) / KK + 1;
  const WV = OW + (KW - 1) * dw, SH = OH + (KH - 1) * dh, V = OH * WV;
  const ldc = up8(cog), npan = ldc >> 3;
  const scr = ptr(p, P_SCR) + <usize>slot * ptr(p, P_SCRSTRIDE);
  const ch = c1 - c0;
  const slab = scr + (<usize>convWeightDirect_slab(ch, SH, WV, KW, dw, nr, cog, V) << 2);
  const offs = scr + (<usize>convWeightDirect_offs(ch, SH, WV, KW, dw, nr, cog, V) << 2);
  const cimg = scr + (<usize>convWeightDirect_cimg(ch, SH, WV, KW, dw, nr, cog, V) << 2);
  const cacc = scr + (<usize>convWeightDirect_cacc(ch, SH, WV, KW, dw, nr, cog, V) << 2);
  const apk = scr + (<usize>convWeightDirect_apk(ch, SH, WV, KW, dw, nr, cog, V) << 2);
  const csize = up4(nr) * ldc;
  slabOffsets(r0, r1, c0, SH, offs);
  memory.fill(cacc, 0, <usize>csize << 2);
  for (let n = 0; n < N; n++) {
    const xg = ptr(p, P_X) + ((<usize>(n * Cin + gi * cig) * <usize>Lsz) << 2);
    buildSlab(xg, 0, OH, c0, c1, slab);
    packSlabA(slab, offs, nr, V, apk);
    const bp = ptr(p, P_GPACK) + ((<usize>(n * G + gi) * <usize>npan * <usize>V) << 5);
    gemmPanels(apk, bp, cimg, ldc, 0, up4(nr) >> 2, 0, npan, V, false);
    addInto(cacc, cimg, csize);
  }
  // dw[gi·cog + co][r] = cacc[r - r0][co]
  const dwg = ptr(p, P_W) + ((<usize>(gi * cog) * <usize>R) << 2);
  for (let r = r0; r < r1; r++) {
    const src = cacc + ((<usize>(r - r0) * <usize>ldc) << 2);
    for (let co = 0; co < cog; co++) store<f32>(dwg + ((<usize>co * <usize>R + <usize>r) << 2), load<f32>(src + (<usize>co << 2)));
  }
}

// ---- Depthwise (one input and one output channel per group), stride 1 ---------------------------
// The GEMM would waste 3 of its 4 rows here. Instead, per tap (kh, kw) the valid part of each
// output row is a contiguous segment of an input row: the forward adds w·segment into the output
// row, the weight gradient takes dot products of segments, all in f32x4 with no padded copy.

// Valid output range [lo, hi) of tap k along h or w: the plan's tap ranges (CONV_TAPS), computed
// once on the host for every backend.
@inline function tapsH(p: usize): usize {
  return ptr(p, P_TAPS);
}
@inline function tapsW(p: usize): usize {
  return ptr(p, P_TAPS) + (<usize>(2 * KH) << 2);
}
@inline function tapLo(t: usize, k: i32): i32 {
  return load<i32>(t + (<usize>k << 2));
}
@inline function tapHi(t: usize, k: i32, K: i32): i32 {
  return load<i32>(t + (<usize>(K + k) << 2));
}

// Forward: y[n][c] = b[c] + Σ_k w[c][k]·x shifted by tap k; P_FLAGS bit 0: the kernel is read
// flipped (k → KK-1-k), for the input gradient.
export function dwDirectUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  // a unit is CHUNK consecutive (image, channel) planes: planes are small, units should not be
  const per = prm(p, P_CHUNK);
  const q0 = unit * per, q1 = q0 + per < N * G ? q0 + per : N * G;
  for (let q = q0; q < q1; q++) dwPlane(p, q % G, q / G);
}

function dwPlane(p: usize, c: i32, n: i32): void {
  const flip = (prm(p, P_FLAGS) & 1) != 0;
  const wc = ptr(p, P_W) + ((<usize>c * <usize>KK) << 2);
  const b = ptr(p, P_B);
  const xc = ptr(p, P_X) + ((<usize>(n * Cin + c) * <usize>Lsz) << 2);
  const yc = ptr(p, P_Y) + ((<usize>(n * Cout + c) * <usize>P) << 2);
  fillRows(yc, P, b == 0 ? 0 : b + (<usize>c << 2), 1, P);
  const th = tapsH(p), tw = tapsW(p);
  for (let kh = 0; kh < KH; kh++) {
    const offH = kh * dh - ph;
    const h0 = tapLo(th, kh), h1 = tapHi(th, kh, KH);
    for (let kw = 0; kw < KW; kw++) {
      const offW = kw * dw - pw;
      const w0 = tapLo(tw, kw), w1 = tapHi(tw, kw, KW);
      if (h0 >= h1 || w0 >= w1) continue;
      const k = kh * KW + kw;
      const wk = load<f32>(wc + (<usize>(flip ? KK - 1 - k : k) << 2));
      const wv = f32x4.splat(wk);
      for (let oh = h0; oh < h1; oh++) {
        const yr = yc + ((<usize>(oh * OW + w0)) << 2);
        const xr = xc + ((<usize>((oh + offH) * LW + w0 + offW)) << 2);
        const len = w1 - w0;
        let t = 0;
        for (; t + 4 <= len; t += 4) {
          const o = <usize>t << 2;
          v128.store(yr + o, madd(wv, v128.load(xr + o), v128.load(yr + o)));
        }
        for (; t < len; t++) {
          const o = <usize>t << 2;
          store<f32>(yr + o, load<f32>(yr + o) + wk * load<f32>(xr + o));
        }
      }
    }
  }
}

// Weight-gradient unit (c): dw[c][k] = Σ_n Σ_p g[n][c][p]·x[n][c][p + tap k]; per image the dot
// products of the valid segments (4 lanes, added pairwise at the end), the images' sums added in
// order.
export function dwWeightUnit(p: usize, unit: i32, slot: i32): void {
  readGeo(p);
  const c = unit;
  const acc = ptr(p, P_SCR) + <usize>slot * ptr(p, P_SCRSTRIDE) + (<usize>dwWeight_acc(KK) << 2);
  memory.fill(acc, 0, <usize>KK << 2);
  for (let n = 0; n < N; n++) {
    const xc = ptr(p, P_X) + ((<usize>(n * Cin + c) * <usize>Lsz) << 2);
    const gc = ptr(p, P_Y) + ((<usize>(n * Cout + c) * <usize>P) << 2);
    const th = tapsH(p), tw = tapsW(p);
    for (let kh = 0; kh < KH; kh++) {
      const offH = kh * dh - ph;
      const h0 = tapLo(th, kh), h1 = tapHi(th, kh, KH);
      for (let kw = 0; kw < KW; kw++) {
        const offW = kw * dw - pw;
        const w0 = tapLo(tw, kw), w1 = tapHi(tw, kw, KW);
        const len = w1 - w0;
        let a = f32x4.splat(0);
        let tail: f32 = 0;
        for (let oh = h0; oh < h1 && len > 0; oh++) {
          const gr = gc + ((<usize>(oh * OW + w0)) << 2);
          const xr = xc + ((<usize>((oh + offH) * LW + w0 + offW)) << 2);
          let t = 0;
          for (; t + 4 <= len; t += 4) a = madd(v128.load(gr + (<usize>t << 2)), v128.load(xr + (<usize>t << 2)), a);
          for (; t < len; t++) tail += load<f32>(gr + (<usize>t << 2)) * load<f32>(xr + (<usize>t << 2));
        }
        const sum = (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3)) + tail;
        const o = acc + (<usize>(kh * KW + kw) << 2);
        store<f32>(o, load<f32>(o) + sum);
      }
    }
  }
  memory.copy(ptr(p, P_W) + ((<usize>c * <usize>KK) << 2), acc, <usize>KK << 2);
}
