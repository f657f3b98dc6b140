/**
 * The three convolution ops, all in "convolution space": x is (N, Cin, ...L), the weight is
 * (Cout, Cin/groups, ...K) and y is (N, Cout, ...O) with O = convOutSize(L, K, stride, padBefore,
 * padAfter, dilation) (zero padding; other padding modes pad x first).
 *
 *   conv            (x, w, b?) -> y       y[n,co,o] = b[co] + Σ w[co,ci,k] x[n,c,o*s - pb + k*d]
 *   convTranspose   (g, w, b?) -> x-shape the adjoint of conv in x: the input gradient, and the
 *                                         transposed convolution (g is then the user's input)
 *   convWeightGrad  (x, g)     -> w-shape the adjoint of conv in w
 *
 * All three are bilinear, and each one's partial adjoints are the other two, so gradients of any
 * order stay within these ops:
 *   conv:           dx = convTranspose(gy, w)   dw = convWeightGrad(x, gy)
 *   convTranspose:  dg = conv(gx, w)            dw = convWeightGrad(gx, g)
 *   convWeightGrad: dx = convTranspose(g, gw)   dg = conv(x, gw)
 *
 * padAfter may be negative here: a transposed convolution with outputPadding > padding, or an
 * input gradient whose x had rows the forward conv never reached (floor in convOutSize), is the
 * adjoint of a conv whose window stops before the end of x. The public functions never accept
 * negative padding; only these internal attributes carry it.
 */
import type { DType } from '../dtype.js';
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { convOutSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp } from '../op.js';
import { sum } from './reduce.js';
import { checkBias, checkConvChannels, checkDtypes, checkGroups, convOutSizes } from './conv_geometry.js';
import { convKernels } from '../backends/reference/conv.js';
import type { ConvTaps, ConvPlan } from '../plans.js';
export type { ConvTaps, ConvPlan } from '../plans.js';

/** Canonical attributes shared by the three ops (arrays have one entry per spatial dimension). */
export interface ConvAttrs {
  /** The public op, for messages. */
  readonly op: string;
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padBefore: readonly number[];
  readonly padAfter: readonly number[];
  readonly groups: number;
}

export interface ConvTransposeAttrs extends ConvAttrs {
  /** Spatial size L of the convolution-space x, i.e. of this op's output. */
  readonly size: readonly number[];
}

export interface ConvWeightGradAttrs extends ConvAttrs {
  /** Kernel size K, i.e. the spatial part of this op's output. */
  readonly kernel: readonly number[];
}

/** The sizes a conv plan is derived from. */
export interface ConvPlanBase extends OpInfo {
  readonly attrs: ConvAttrs;
  readonly spatialRank: number;
  readonly N: number;
  readonly Cin: number;
  readonly Cout: number;
  readonly groups: number;
  readonly L: readonly number[];
  readonly K: readonly number[];
  readonly O: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padBefore: readonly number[];
  readonly hasBias: boolean;
}

function pad3(a: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - a.length).fill(fill), ...a];
}

function checkAttrs(a: ConvAttrs, r: number): void {
  const ints = (arg: string, v: readonly number[], min: number): void => {
    if (!Array.isArray(v) || v.length !== r || !v.every((x) => Number.isInteger(x) && x >= min)) {
      throw new ValueError({ op: a.op, arg, expected: `an array of ${r} integers >= ${min}`, got: fmtValue(v) });
    }
  };
  ints('stride', a.stride, 1);
  ints('dilation', a.dilation, 1);
  ints('padding', a.padBefore, 0);
  ints('padAfter', a.padAfter, -Infinity);
  checkGroups(a.op, a.groups);
}

function checkRank(op: string, arg: string, t: Tensor, r: number): void {
  if (t.shape.length !== r + 2) {
    throw new ShapeError({
      op,
      arg,
      expected: `a ${r + 2}-d tensor (N, C, ...${r} spatial)`,
      got: `shape ${fmtShape(t.shape)}`,
      message: `${op}: expected ${arg} to be a ${r + 2}-d tensor, got shape ${fmtShape(t.shape)}`,
    });
  }
}

/** y's spatial size must be what conv gives for x's (the gradient ops check their two inputs agree). */
function checkOutMatches(op: string, arg: string, L: readonly number[], K: readonly number[], O: readonly number[], a: ConvAttrs): void {
  const expect = L.map((n, i) => convOutSize(n, K[i]!, a.stride[i]!, a.padBefore[i]!, a.padAfter[i]!, a.dilation[i]!));
  if (!expect.every((e, i) => e === O[i])) {
    throw new ShapeError({
      op,
      arg,
      expected: `spatial size ${fmtShape(expect)} (the convolution output for spatial input ${fmtShape(L)} and kernel ${fmtShape(K)})`,
      got: fmtShape(O),
      message: `${op}: ${arg} has spatial size ${fmtShape(O)} but a convolution of spatial input ${fmtShape(L)} with kernel ${fmtShape(K)} gives ${fmtShape(expect)}`,
    });
  }
}

/** Convolution-space sizes of one call. */
export interface ConvDims {
  readonly N: number;
  readonly Cin: number;
  readonly Cout: number;
  readonly L: readonly number[];
  readonly K: readonly number[];
  readonly O: readonly number[];
}

/** Adds the derived geometry to a plan's sizes (also for plans a backend rewrites, e.g. an input gradient as a forward conv). */
export function withGeometry(b: ConvPlanBase): ConvPlan {
  const prod = (a: readonly number[]): number => a[0]! * a[1]! * a[2]!;
  const cig = b.Cin / b.groups;
  const KK = prod(b.K);
  const lo: Int32Array[] = [];
  const hi: Int32Array[] = [];
  for (let a = 0; a < 3; a++) {
    const [L, K, O, s, d, pb] = [b.L[a]!, b.K[a]!, b.O[a]!, b.stride[a]!, b.dilation[a]!, b.padBefore[a]!];
    const l = new Int32Array(K);
    const h = new Int32Array(K);
    for (let k = 0; k < K; k++) {
      const off = k * d - pb; // input index of output 0
      l[k] = Math.max(0, Math.ceil(-off / s));
      h[k] = Math.max(l[k]!, Math.min(O, Math.floor((L - 1 - off) / s) + 1));
    }
    lo.push(l);
    hi.push(h);
  }
  const direct = b.K[0] === 1 && b.L[0] === 1 && b.O[0] === 1 && b.stride[1] === 1 && b.stride[2] === 1 && b.padBefore.every((v) => v >= 0);
  return { ...b, cig, cog: b.Cout / b.groups, KK, R: cig * KK, P: prod(b.O), Lsz: prod(b.L), taps: { lo, hi }, direct };
}

export function plan(a: ConvAttrs, r: number, dims: ConvDims, outShape: readonly number[], dtype: DType, hasBias: boolean): ConvPlan {
  return withGeometry({
    outShapes: [outShape],
    outDtypes: [dtype],
    attrs: a,
    spatialRank: r,
    N: dims.N,
    Cin: dims.Cin,
    Cout: dims.Cout,
    groups: a.groups,
    L: pad3(dims.L, 1),
    K: pad3(dims.K, 1),
    O: pad3(dims.O, 1),
    stride: pad3(a.stride, 1),
    dilation: pad3(a.dilation, 1),
    padBefore: pad3(a.padBefore, 0),
    hasBias,
  });
}

export const convMacs = (p: ConvPlan): number => p.N * p.Cout * p.P * p.R;

/** Sums a (N, C, ...spatial) gradient to the bias shape (C). */
export function biasGrad(g: Tensor): Tensor {
  return sum(g, [0, ...g.shape.slice(2).map((_, i) => i + 2)]);
}

export const convOp = defineOp<ConvAttrs, ConvPlan>({
  name: 'conv',
  reference: convKernels.conv,
  info: (inputs, a) => {
    const [x, w, b] = inputs as [Tensor, Tensor, Tensor | undefined];
    const r = a.stride.length;
    checkAttrs(a, r);
    const dtype = checkDtypes(a.op, b ? [['input', x], ['weight', w], ['bias', b]] : [['input', x], ['weight', w]]);
    checkRank(a.op, 'input', x, r);
    checkRank(a.op, 'weight', w, r);
    checkConvChannels(a.op, x.shape[1]!, w.shape, a.groups);
    checkBias(a.op, b ?? null, w.shape[0]!);
    const L = x.shape.slice(2);
    const K = w.shape.slice(2);
    const O = convOutSizes(a.op, L, K, a.stride, a.padBefore, a.padAfter, a.dilation);
    const dims = { N: x.shape[0]!, Cin: x.shape[1]!, Cout: w.shape[0]!, L, K, O };
    return plan(a, r, dims, [dims.N, dims.Cout, ...O], dtype, b !== undefined);
  },
  macs: convMacs,
  vjp: ({ inputs: [x, w], info, needs }, [g]) => [
    needs[0] ? convTransposeRaw(g!, w!, null, { ...info.attrs, size: x!.shape.slice(2) }) : null,
    needs[1] ? convWeightGradRaw(x!, g!, { ...info.attrs, kernel: w!.shape.slice(2) }) : null,
    needs[2] ? biasGrad(g!) : null,
  ],
});

export const convTransposeOp = defineOp<ConvTransposeAttrs, ConvPlan>({
  name: 'convTranspose',
  reference: convKernels.convTranspose,
  info: (inputs, a) => {
    const [g, w, b] = inputs as [Tensor, Tensor, Tensor | undefined];
    const r = a.stride.length;
    checkAttrs(a, r);
    if (!Array.isArray(a.size) || a.size.length !== r || !a.size.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new ValueError({ op: a.op, arg: 'size', expected: `an array of ${r} positive integers`, got: fmtValue(a.size) });
    }
    const dtype = checkDtypes(a.op, b ? [['input', g], ['weight', w], ['bias', b]] : [['input', g], ['weight', w]]);
    checkRank(a.op, 'input', g, r);
    checkRank(a.op, 'weight', w, r);
    const cout = w.shape[0]!;
    if (g.shape[1] !== cout) {
      throw new ShapeError({
        op: a.op,
        arg: 'weight',
        expected: `${g.shape[1]} input channels (weight.shape[0])`,
        got: String(cout),
        message: `${a.op}: weight has ${cout} input channels (weight.shape[0]) but input has ${g.shape[1]} channels`,
      });
    }
    const cin = w.shape[1]! * a.groups;
    checkConvChannels(a.op, cin, w.shape, a.groups, 'output');
    checkBias(a.op, b ?? null, cin);
    const K = w.shape.slice(2);
    const O = g.shape.slice(2);
    checkOutMatches(a.op, 'input', a.size, K, O, a);
    const dims = { N: g.shape[0]!, Cin: cin, Cout: cout, L: a.size, K, O };
    return plan(a, r, dims, [dims.N, cin, ...a.size], dtype, b !== undefined);
  },
  macs: convMacs,
  vjp: ({ inputs: [g, w], info, needs }, [gx]) => [
    needs[0] ? convRaw(gx!, w!, null, info.attrs) : null,
    needs[1] ? convWeightGradRaw(gx!, g!, { ...info.attrs, kernel: w!.shape.slice(2) }) : null,
    needs[2] ? biasGrad(gx!) : null,
  ],
});

export const convWeightGradOp = defineOp<ConvWeightGradAttrs, ConvPlan>({
  name: 'convWeightGrad',
  reference: convKernels.convWeightGrad,
  info: (inputs, a) => {
    const [x, g] = inputs as [Tensor, Tensor];
    const r = a.stride.length;
    checkAttrs(a, r);
    if (!Array.isArray(a.kernel) || a.kernel.length !== r || !a.kernel.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new ValueError({ op: a.op, arg: 'kernel', expected: `an array of ${r} positive integers`, got: fmtValue(a.kernel) });
    }
    const dtype = checkDtypes(a.op, [['input', x], ['gradOutput', g]]);
    checkRank(a.op, 'input', x, r);
    checkRank(a.op, 'gradOutput', g, r);
    if (g.shape[0] !== x.shape[0]) {
      throw new ShapeError({
        op: a.op,
        arg: 'gradOutput',
        expected: `batch size ${x.shape[0]} like input`,
        got: String(g.shape[0]),
        message: `${a.op}: gradOutput has batch size ${g.shape[0]} but input has ${x.shape[0]}`,
      });
    }
    const cin = x.shape[1]!;
    const cout = g.shape[1]!;
    const wShape = [cout, cin / a.groups, ...a.kernel];
    checkConvChannels(a.op, cin, [cout, Math.floor(cin / a.groups)], a.groups);
    const L = x.shape.slice(2);
    const O = g.shape.slice(2);
    checkOutMatches(a.op, 'gradOutput', L, a.kernel, O, a);
    const dims = { N: x.shape[0]!, Cin: cin, Cout: cout, L, K: a.kernel, O };
    return plan(a, r, dims, wShape, dtype, false);
  },
  macs: convMacs,
  vjp: ({ inputs: [x, g], info, needs }, [gw]) => [
    needs[0] ? convTransposeRaw(g!, gw!, null, { ...info.attrs, size: x!.shape.slice(2) }) : null,
    needs[1] ? convRaw(x!, gw!, null, info.attrs) : null,
  ],
});

/** conv in convolution space with explicit canonical attributes (no option parsing). */
export function convRaw(x: Tensor, w: Tensor, b: Tensor | null, a: ConvAttrs): Tensor {
  return apply1(convOp, b ? [x, w, b] : [x, w], a);
}

/** The adjoint of conv in x (input gradient / transposed convolution), output spatial size a.size. */
export function convTransposeRaw(g: Tensor, w: Tensor, b: Tensor | null, a: ConvTransposeAttrs): Tensor {
  return apply1(convTransposeOp, b ? [g, w, b] : [g, w], a);
}

/** The adjoint of conv in w (weight gradient), output [Cout, Cin/groups, ...a.kernel]. */
export function convWeightGradRaw(x: Tensor, g: Tensor, a: ConvWeightGradAttrs): Tensor {
  return apply1(convWeightGradOp, [x, g], a);
}
