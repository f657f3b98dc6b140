/**
 * Reference kernels for pooling. Every pool walks the window tables of its plan (ops/pool_plan.ts)
 * over three spatial dimensions (1-d and 2-d pools have leading size-1 dimensions), one (n, c)
 * plane at a time; indices are flat positions in the plane, i0*H*W + i1*W + i2.
 */
import type { AvgPoolPlan, PoolPlan } from '../../plans.js';
import type { Kernel } from '../../backend.js';

/**
 * Max over each window, with PyTorch's rule: a value replaces the running max when it is greater
 * or NaN (so the first of equal maxima wins, NaN propagates and the last NaN is reported). The
 * index starts at the window's first in-bounds tap, so an all -inf window reports that tap; a
 * dilated window with no tap inside the input (only padding) gives -inf and index -1.
 */
const maxPool: Kernel<PoolPlan> = (p, [out, ind], [x]) => {
  const y = out!;
  const idx = ind!;
  const src = x!;
  const [, iH, iW] = p.inDims;
  const [oD, oH, oW] = p.outDims;
  const [lo0, lo1, lo2] = p.lo;
  const [hi0, hi1, hi2] = p.hi;
  const [s0, s1, s2] = p.step;
  const hw = iH * iW;
  const inPlane = p.inDims[0] * hw;
  let o = 0;
  for (let pl = 0; pl < p.planes; pl++) {
    const base = pl * inPlane;
    for (let od = 0; od < oD; od++) {
      const a0 = lo0[od]!;
      const b0 = hi0[od]!;
      for (let oh = 0; oh < oH; oh++) {
        const a1 = lo1[oh]!;
        const b1 = hi1[oh]!;
        for (let ow = 0; ow < oW; ow++) {
          const a2 = lo2[ow]!;
          const b2 = hi2[ow]!;
          let best = -Infinity;
          let bi = -1;
          if (a0 < b0 && a1 < b1 && a2 < b2) {
            bi = a0 * hw + a1 * iW + a2;
            for (let i0 = a0; i0 < b0; i0 += s0) {
              for (let i1 = a1; i1 < b1; i1 += s1) {
                const row = i0 * hw + i1 * iW;
                for (let i2 = a2; i2 < b2; i2 += s2) {
                  const v = src[base + row + i2]!;
                  if (v > best || v !== v) {
                    best = v;
                    bi = row + i2;
                  }
                }
              }
            }
          }
          y[o] = best;
          idx[o] = bi;
          o++;
        }
      }
    }
  }
};

/** Scatter-add of gradOutput into each plane at the indices, accumulated in float64. */
const maxPoolBackward: Kernel<PoolPlan> = (p, [out], [g, ind]) => {
  const gi = out!;
  const go = g!;
  const idx = ind!;
  const inPlane = p.inDims[0] * p.inDims[1] * p.inDims[2];
  const outPlane = p.outDims[0] * p.outDims[1] * p.outDims[2];
  const acc = new Float64Array(inPlane);
  for (let pl = 0; pl < p.planes; pl++) {
    acc.fill(0);
    const ob = pl * outPlane;
    for (let o = 0; o < outPlane; o++) {
      const i = idx[ob + o]!;
      if (i >= 0) acc[i] = acc[i]! + go[ob + o]!;
    }
    gi.set(acc, pl * inPlane);
  }
};

/** Reads each plane at the indices (the adjoint of the scatter above). */
const maxPoolGather: Kernel<PoolPlan> = (p, [out], [t, ind]) => {
  const y = out!;
  const src = t!;
  const idx = ind!;
  const inPlane = p.inDims[0] * p.inDims[1] * p.inDims[2];
  const outPlane = p.outDims[0] * p.outDims[1] * p.outDims[2];
  for (let pl = 0; pl < p.planes; pl++) {
    const ib = pl * inPlane;
    const ob = pl * outPlane;
    for (let o = 0; o < outPlane; o++) {
      const i = idx[ob + o]!;
      y[ob + o] = i >= 0 ? src[ib + i]! : 0;
    }
  }
};

/** Window sums (in float64) divided by the product of the per-dimension factors or the override. */
const avgPool: Kernel<AvgPoolPlan> = (p, [out], [x]) => {
  const y = out!;
  const src = x!;
  const [, iH, iW] = p.inDims;
  const [oD, oH, oW] = p.outDims;
  const [lo0, lo1, lo2] = p.lo;
  const [hi0, hi1, hi2] = p.hi;
  const [f0, f1, f2] = p.div;
  const ovr = p.divisorOverride;
  const hw = iH * iW;
  const inPlane = p.inDims[0] * hw;
  let o = 0;
  for (let pl = 0; pl < p.planes; pl++) {
    const base = pl * inPlane;
    for (let od = 0; od < oD; od++) {
      const a0 = lo0[od]!;
      const b0 = hi0[od]!;
      for (let oh = 0; oh < oH; oh++) {
        const a1 = lo1[oh]!;
        const b1 = hi1[oh]!;
        const f01 = f0[od]! * f1[oh]!;
        for (let ow = 0; ow < oW; ow++) {
          const a2 = lo2[ow]!;
          const b2 = hi2[ow]!;
          let s = 0;
          for (let i0 = a0; i0 < b0; i0++) {
            for (let i1 = a1; i1 < b1; i1++) {
              const row = base + i0 * hw + i1 * iW;
              for (let i2 = a2; i2 < b2; i2++) s += src[row + i2]!;
            }
          }
          y[o++] = s / (ovr ?? f01 * f2[ow]!);
        }
      }
    }
  }
};

/** Each output gradient divided by its window's divisor and added to every input of the window. */
const avgPoolBackward: Kernel<AvgPoolPlan> = (p, [out], [g]) => {
  const gi = out!;
  const go = g!;
  const [, iH, iW] = p.inDims;
  const [oD, oH, oW] = p.outDims;
  const [lo0, lo1, lo2] = p.lo;
  const [hi0, hi1, hi2] = p.hi;
  const [f0, f1, f2] = p.div;
  const ovr = p.divisorOverride;
  const hw = iH * iW;
  const inPlane = p.inDims[0] * hw;
  const acc = new Float64Array(inPlane);
  let o = 0;
  for (let pl = 0; pl < p.planes; pl++) {
    acc.fill(0);
    for (let od = 0; od < oD; od++) {
      const a0 = lo0[od]!;
      const b0 = hi0[od]!;
      for (let oh = 0; oh < oH; oh++) {
        const a1 = lo1[oh]!;
        const b1 = hi1[oh]!;
        const f01 = f0[od]! * f1[oh]!;
        for (let ow = 0; ow < oW; ow++) {
          const a2 = lo2[ow]!;
          const b2 = hi2[ow]!;
          const v = go[o++]! / (ovr ?? f01 * f2[ow]!);
          for (let i0 = a0; i0 < b0; i0++) {
            for (let i1 = a1; i1 < b1; i1++) {
              const row = i0 * hw + i1 * iW;
              for (let i2 = a2; i2 < b2; i2++) acc[row + i2] = acc[row + i2]! + v;
            }
          }
        }
      }
    }
    gi.set(acc, pl * inPlane);
  }
};

export const poolKernels = {
  maxPool,
  adaptiveMaxPool: maxPool,
  maxPoolBackward,
  maxPoolGather,
  avgPool,
  adaptiveAvgPool: avgPool,
  avgPoolBackward,
};
