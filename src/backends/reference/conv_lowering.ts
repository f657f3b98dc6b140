/**
 * im2col / col2im for the reference convolution kernels, on 3 spatial dimensions (1-d and 2-d
 * convolutions arrive padded with leading size-1 dimensions).
 *
 * The column matrix of one image and one group has a row per (ci, kd, kh, kw) and a column per
 * output position (od, oh, ow): col[row, o] = x[ci, od*sd - pd + kd*dd, ...] or 0 in the padding.
 * For each kernel offset the output positions that read inside x form one interval per axis,
 * computed once in the plan (`ConvPlan.taps`); the padding entries are never written, so a column buffer zeroed once
 * can be refilled for every image and group.
 */
import type { ConvPlan, ConvTaps } from '../../plans.js';

/**
 * Fills `col` (rows Cig*KD*KH*KW, columns OD*OH*OW) from channels [c0, c0+Cig) of the image that
 * starts at `xOff` in `x`. Entries in the padding are left untouched (zero).
 */
export function im2col(p: ConvPlan, rg: ConvTaps, x: ArrayLike<number>, xOff: number, cig: number, col: Float64Array): void {
  const [LD, LH, LW] = p.L as [number, number, number];
  const [KD, KH, KW] = p.K as [number, number, number];
  const [, OH, OW] = p.O as [number, number, number];
  const [sd, sh, sw] = p.stride as [number, number, number];
  const [dd, dh, dw] = p.dilation as [number, number, number];
  const [pd, ph, pw] = p.padBefore as [number, number, number];
  const Osz = p.O[0]! * OH * OW;
  const Lsz = LD * LH * LW;
  const [loD, loH, loW] = rg.lo as [Int32Array, Int32Array, Int32Array];
  const [hiD, hiH, hiW] = rg.hi as [Int32Array, Int32Array, Int32Array];
  let row = 0;
  for (let ci = 0; ci < cig; ci++) {
    const xc = xOff + ci * Lsz;
    for (let kd = 0; kd < KD; kd++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++, row++) {
          const owLo = loW[kw]!;
          const owHi = hiW[kw]!;
          if (owLo >= owHi) continue;
          const rowOff = row * Osz;
          for (let od = loD[kd]!; od < hiD[kd]!; od++) {
            const id = od * sd - pd + kd * dd;
            for (let oh = loH[kh]!; oh < hiH[kh]!; oh++) {
              const ih = oh * sh - ph + kh * dh;
              let src = xc + (id * LH + ih) * LW + owLo * sw - pw + kw * dw;
              let dst = rowOff + (od * OH + oh) * OW + owLo;
              const end = dst + (owHi - owLo);
              if (sw === 1) {
                for (; dst < end; dst++, src++) col[dst] = x[src]!;
              } else {
                for (; dst < end; dst++, src += sw) col[dst] = x[src]!;
              }
            }
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds col's in-bounds entries into `acc` (Cig planes of L, from 0). */
export function col2im(p: ConvPlan, rg: ConvTaps, col: Float64Array, cig: number, acc: Float64Array): void {
  const [LD, LH, LW] = p.L as [number, number, number];
  const [KD, KH, KW] = p.K as [number, number, number];
  const [, OH, OW] = p.O as [number, number, number];
  const [sd, sh, sw] = p.stride as [number, number, number];
  const [dd, dh, dw] = p.dilation as [number, number, number];
  const [pd, ph, pw] = p.padBefore as [number, number, number];
  const Osz = p.O[0]! * OH * OW;
  const Lsz = LD * LH * LW;
  const [loD, loH, loW] = rg.lo as [Int32Array, Int32Array, Int32Array];
  const [hiD, hiH, hiW] = rg.hi as [Int32Array, Int32Array, Int32Array];
  let row = 0;
  for (let ci = 0; ci < cig; ci++) {
    const xc = ci * Lsz;
    for (let kd = 0; kd < KD; kd++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++, row++) {
          const owLo = loW[kw]!;
          const owHi = hiW[kw]!;
          if (owLo >= owHi) continue;
          const rowOff = row * Osz;
          for (let od = loD[kd]!; od < hiD[kd]!; od++) {
            const id = od * sd - pd + kd * dd;
            for (let oh = loH[kh]!; oh < hiH[kh]!; oh++) {
              const ih = oh * sh - ph + kh * dh;
              let dst = xc + (id * LH + ih) * LW + owLo * sw - pw + kw * dw;
              let src = rowOff + (od * OH + oh) * OW + owLo;
              const end = src + (owHi - owLo);
              for (; src < end; src++, dst += sw) acc[dst] = acc[dst]! + col[src]!;
            }
          }
        }
      }
    }
  }
}

/** A Float64Array view of `d` (copied once when it is float32, so hot loops see one array type). */
export function asF64(d: ArrayLike<number>): Float64Array {
  return d instanceof Float64Array ? d : Float64Array.from(d);
}
