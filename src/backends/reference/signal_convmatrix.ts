/** Reference kernels for the convolution matrix M = A(w) and its adjoint Aᵀ(G). */
import type { ConvMatrixInfo } from '../../plans.js';
import type { Kernel } from '../../backend.js';

/** The input coordinate that padded coordinate p reads under `mode`, or -1 (zero padding). */
function source(mode: ConvMatrixInfo['paddingMode'], p: number, L: number): number {
  if (p >= 0 && p < L) return p;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'reflect': // the border sample is not repeated; |pad| < L, so one reflection suffices
      return p < 0 ? -p : 2 * (L - 1) - p;
    case 'replicate':
      return p < 0 ? 0 : L - 1;
    case 'circular': // |pad| <= L
      return ((p % L) + L) % L;
  }
}

/**
 * tap[o·K + k]: the flat spatial input index read by flat output position o through flat kernel
 * position k, or -1. Built per dimension (the map is separable) and combined with odometers.
 */
export function tapTable(info: ConvMatrixInfo): Int32Array {
  const r = info.inSize.length;
  const per: Int32Array[] = [];
  for (let d = 0; d < r; d++) {
    const O = info.outSize[d]!;
    const K = info.kernel[d]!;
    const t = new Int32Array(O * K);
    for (let o = 0; o < O; o++) {
      for (let k = 0; k < K; k++) {
        t[o * K + k] = source(info.paddingMode, o * info.stride[d]! - info.padBefore[d]! + k * info.dilation[d]!, info.inSize[d]!);
      }
    }
    per.push(t);
  }
  const inStride = new Int32Array(r);
  for (let d = r - 1, acc = 1; d >= 0; d--) {
    inStride[d] = acc;
    acc *= info.inSize[d]!;
  }
  const P = info.outSize.reduce((p, d) => p * d, 1);
  const Kn = info.kernel.reduce((p, d) => p * d, 1);
  const table = new Int32Array(P * Kn);
  const o = new Int32Array(r);
  const k = new Int32Array(r);
  for (let of = 0; of < P; of++) {
    k.fill(0);
    for (let kf = 0; kf < Kn; kf++) {
      let idx = 0;
      for (let d = 0; d < r; d++) {
        const s = per[d]![o[d]! * info.kernel[d]! + k[d]!]!;
        if (s < 0) {
          idx = -1;
          break;
        }
        idx += s * inStride[d]!;
      }
      table[of * Kn + kf] = idx;
      for (let d = r - 1; d >= 0; d--) {
        k[d]!++;
        if (k[d]! < info.kernel[d]!) break;
        k[d] = 0;
      }
    }
    for (let d = r - 1; d >= 0; d--) {
      o[d]!++;
      if (o[d]! < info.outSize[d]!) break;
      o[d] = 0;
    }
  }
  return table;
}

interface Sizes {
  P: number;
  Pin: number;
  Kn: number;
  coutPG: number;
  cinPG: number;
}

function sizes(info: ConvMatrixInfo): Sizes {
  return {
    P: info.outSize.reduce((p, d) => p * d, 1),
    Pin: info.inSize.reduce((p, d) => p * d, 1),
    Kn: info.kernel.reduce((p, d) => p * d, 1),
    coutPG: info.outChannels / info.groups,
    cinPG: info.inChannels / info.groups,
  };
}

/** M[(n,co,o), (n, g·cinPG + c, tap)] += w[co, c, k], one row at a time in a float64 scratch. */
const convMatrix: Kernel<ConvMatrixInfo> = (info, [out], [wd]) => {
  const M = out!;
  const w = wd!;
  const { P, Pin, Kn, coutPG, cinPG } = sizes(info);
  const table = tapTable(info);
  const cols = info.cols;
  const row = new Float64Array(cols);
  const Cin = info.inChannels;
  const Cout = info.outChannels;
  for (let n = 0; n < info.batch; n++) {
    for (let co = 0; co < Cout; co++) {
      const g = Math.floor(co / coutPG);
      for (let o = 0; o < P; o++) {
        row.fill(0);
        for (let c = 0; c < cinPG; c++) {
          const colBase = (n * Cin + g * cinPG + c) * Pin;
          const wBase = (co * cinPG + c) * Kn;
          const tBase = o * Kn;
          for (let k = 0; k < Kn; k++) {
            const t = table[tBase + k]!;
            if (t >= 0) row[colBase + t] = row[colBase + t]! + w[wBase + k]!;
          }
        }
        M.set(row, ((n * Cout + co) * P + o) * cols);
      }
    }
  }
};

/** Aᵀ(G): gw[co, c, k] = Σ_{n, o} G[(n,co,o), (n, g·cinPG + c, tap(o, k))]. */
const convMatrixWeightGrad: Kernel<ConvMatrixInfo> = (info, [out], [gd]) => {
  const gw = out!;
  const G = gd!;
  const { P, Pin, Kn, coutPG, cinPG } = sizes(info);
  const table = tapTable(info);
  const cols = info.cols;
  const acc = new Float64Array(gw.length);
  const Cin = info.inChannels;
  const Cout = info.outChannels;
  for (let n = 0; n < info.batch; n++) {
    for (let co = 0; co < Cout; co++) {
      const g = Math.floor(co / coutPG);
      for (let o = 0; o < P; o++) {
        const rowBase = ((n * Cout + co) * P + o) * cols;
        for (let c = 0; c < cinPG; c++) {
          const colBase = rowBase + (n * Cin + g * cinPG + c) * Pin;
          const wBase = (co * cinPG + c) * Kn;
          const tBase = o * Kn;
          for (let k = 0; k < Kn; k++) {
            const t = table[tBase + k]!;
            if (t >= 0) acc[wBase + k] = acc[wBase + k]! + G[colBase + t]!;
          }
        }
      }
    }
  }
  gw.set(acc);
};

export const convMatrixKernels = { convMatrix, convMatrixWeightGrad };
