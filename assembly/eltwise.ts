// Element-wise maps (the `eltMap` job): y[e] = op(x0[..], x1[..], x2[..]) for every element e of a
// contiguous output, each operand read through its own strides over the output's coalesced shape
// (0 where it is broadcast; the host coalesces). A unit is a range of PER output elements.
//
// The loops work four lanes at a time; the last 1-3 elements of a run go through the same vector
// code with the lanes loaded one by one, so an element's bits never depend on where a run or a
// unit starts (results are identical for any thread count and any split). Each loop is compiled
// once per op: `flatRun`/`stridedRun` switch on the op and call a generic loop instantiated with the
// op's class (eltwise_ops*.ts), whose `apply` is inlined into it.
import { ELT_MAP_F, ELT_MAP_OP, ELT_MAP_NDIM, ELT_MAP_N, ELT_MAP_PER, ELT_MAP_Y, ELT_MAP_X, ELT_MAP_SHAPE, ELT_MAP_S0, ELT_MAP_S1, ELT_MAP_S2 } from './abi';
import { ELT_OP_ABS_F, ELT_OP_ABS_I, ELT_OP_ADD_ALPHA_F, ELT_OP_ADD_ALPHA_I, ELT_OP_ADD_F, ELT_OP_ADD_I, ELT_OP_CEIL,
  ELT_OP_CLAMP_F, ELT_OP_CLAMP_HI_F, ELT_OP_CLAMP_HI_I, ELT_OP_CLAMP_I, ELT_OP_CLAMP_LO_F, ELT_OP_CLAMP_LO_I,
  ELT_OP_CLAMP_SF, ELT_OP_CLAMP_SI, ELT_OP_COPY, ELT_OP_COS, ELT_OP_CUBE, ELT_OP_DIV, ELT_OP_ELU, ELT_OP_ELU_BWD,
  ELT_OP_EQ_F, ELT_OP_EQ_I, ELT_OP_EXP, ELT_OP_EXPM1, ELT_OP_F2I, ELT_OP_FILL, ELT_OP_FLOOR, ELT_OP_GELU,
  ELT_OP_GELU_BWD, ELT_OP_GELU_TANH, ELT_OP_GELU_TANH_BWD, ELT_OP_GE_F, ELT_OP_GE_I, ELT_OP_GT_F, ELT_OP_GT_I,
  ELT_OP_I2F, ELT_OP_LEAKY, ELT_OP_LEAKY_BWD, ELT_OP_LE_F, ELT_OP_LE_I, ELT_OP_LOG, ELT_OP_LOG1P, ELT_OP_LT_F,
  ELT_OP_LT_I, ELT_OP_MAX_F, ELT_OP_MAX_I, ELT_OP_MIN_F, ELT_OP_MIN_I, ELT_OP_MUL_F, ELT_OP_MUL_I, ELT_OP_NEG_F,
  ELT_OP_NEG_I, ELT_OP_NE_F, ELT_OP_NE_I, ELT_OP_POW, ELT_OP_POW_HALF, ELT_OP_POW_S, ELT_OP_RECIP, ELT_OP_RELU,
  ELT_OP_RELU_BWD, ELT_OP_ROUND, ELT_OP_ROUND_DOWN, ELT_OP_ROUND_UP, ELT_OP_RSQRT, ELT_OP_SIGMOID,
  ELT_OP_SIGMOID_BWD, ELT_OP_SIGN_F, ELT_OP_SIGN_I, ELT_OP_SILU, ELT_OP_SILU_BWD, ELT_OP_SIN, ELT_OP_SOFTPLUS,
  ELT_OP_SOFTPLUS_BWD, ELT_OP_SQRT, ELT_OP_SQUARE_F, ELT_OP_SQUARE_I, ELT_OP_SUB_F, ELT_OP_SUB_I, ELT_OP_TANH,
  ELT_OP_TANH_BWD, ELT_OP_WHERE_F, ELT_OP_WHERE_I } from './abi';
import { Fill, Copy, F2i, I2f, NegF, NegI, AbsF, AbsI, SignF, SignI, SquareF, SquareI, Recip, Sqrt, Rsqrt, Exp, Log,
  Log1p, Expm1, Sin, Cos, Floor, Ceil, Round, RoundUp, RoundDown, PowS, Cube, PowHalf, ClampSf, ClampSi, Relu, Leaky,
  Sigmoid, Tanh, Gelu, GeluTanh, Softplus, Elu, Silu } from './eltwise_ops';
import { AddF, AddI, SubF, SubI, MulF, MulI, Div, AddAlphaF, AddAlphaI, Pow, MaxF, MaxI, MinF, MinI, EqF, EqI, NeF,
  NeI, LtF, LtI, LeF, LeI, GtF, GtI, GeF, GeI, ReluBwd, LeakyBwd, SigmoidBwd, TanhBwd, GeluBwd, GeluTanhBwd,
  SoftplusBwd, EluBwd, SiluBwd, WhereF, WhereI, ClampLoF, ClampHiF, ClampF, ClampLoI, ClampHiI, ClampI } from './eltwise_ops2';

@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}

// r (1-3) elements s bytes apart as lanes 0..r-1 (the other lanes 0)
@inline function loadPart(p: usize, s: usize, r: i32): v128 {
  let v = v128.load32_zero(p);
  if (r > 1) v = v128.load32_lane(p + s, v, 1);
  if (r > 2) v = v128.load32_lane(p + 2 * s, v, 2);
  return v;
}

@inline function storePart(p: usize, v: v128, r: i32): void {
  v128.store32_lane(p, v, 0);
  if (r > 1) v128.store32_lane(p, v, 1, 4);
  if (r > 2) v128.store32_lane(p, v, 2, 8);
}

// four elements s bytes apart
@inline function gather(p: usize, s: usize): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + s, v, 1);
  v = v128.load32_lane(p + 2 * s, v, 2);
  return v128.load32_lane(p + 3 * s, v, 3);
}

// n > 0 elements of op T, every operand contiguous; q: the parameters
@inline function flat<T>(y: usize, a: usize, b: usize, c: usize, n: i32, q: usize): void {
  const op = changetype<T>(0);
  const ar = op.arity();
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const va = ar >= 1 ? v128.load(a + o) : i32x4.splat(0);
    const vb = ar >= 2 ? v128.load(b + o) : i32x4.splat(0);
    const vc = ar >= 3 ? v128.load(c + o) : i32x4.splat(0);
    v128.store(y + o, op.apply(va, vb, vc, q));
  }
  if (o < end) {
    const r = <i32>((end - o) >> 2);
    const va = ar >= 1 ? loadPart(a + o, 4, r) : i32x4.splat(0);
    const vb = ar >= 2 ? loadPart(b + o, 4, r) : i32x4.splat(0);
    const vc = ar >= 3 ? loadPart(c + o, 4, r) : i32x4.splat(0);
    storePart(y + o, op.apply(va, vb, vc, q), r);
  }
}

// n > 0 elements of op T, operand k advancing s_k elements per element (0: broadcast)
@inline function strided<T>(y: usize, a: usize, b: usize, c: usize, n: i32, sa: usize, sb: usize, sc: usize, q: usize): void {
  const op = changetype<T>(0);
  const ar = op.arity();
  const ba = sa << 2, bb = sb << 2, bc = sc << 2;
  let i = 0;
  if ((ar < 1 || sa <= 1) && (ar < 2 || sb <= 1) && (ar < 3 || sc <= 1)) {
    // contiguous or broadcast operands (each branch on sa/sb/sc goes the same way every time)
    for (; i + 4 <= n; i += 4) {
      const va = ar < 1 ? i32x4.splat(0) : sa ? v128.load(a) : v128.load32_splat(a);
      const vb = ar < 2 ? i32x4.splat(0) : sb ? v128.load(b) : v128.load32_splat(b);
      const vc = ar < 3 ? i32x4.splat(0) : sc ? v128.load(c) : v128.load32_splat(c);
      v128.store(y, op.apply(va, vb, vc, q));
      a += ba << 2;
      b += bb << 2;
      c += bc << 2;
      y += 16;
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const va = ar >= 1 ? gather(a, ba) : i32x4.splat(0);
      const vb = ar >= 2 ? gather(b, bb) : i32x4.splat(0);
      const vc = ar >= 3 ? gather(c, bc) : i32x4.splat(0);
      v128.store(y, op.apply(va, vb, vc, q));
      a += ba << 2;
      b += bb << 2;
      c += bc << 2;
      y += 16;
    }
  }
  if (i < n) {
    const r = n - i;
    const va = ar >= 1 ? loadPart(a, ba, r) : i32x4.splat(0);
    const vb = ar >= 2 ? loadPart(b, bb, r) : i32x4.splat(0);
    const vc = ar >= 3 ? loadPart(c, bc, r) : i32x4.splat(0);
    storePart(y, op.apply(va, vb, vc, q), r);
  }
}

function flatRun(op: i32, y: usize, a: usize, b: usize, c: usize, n: i32, q: usize): void {
  switch (op) {
    case ELT_OP_FILL: flat<Fill>(y, a, b, c, n, q); break;
    case ELT_OP_COPY: memory.copy(y, a, <usize>n << 2); break;
    case ELT_OP_F2I: flat<F2i>(y, a, b, c, n, q); break;
    case ELT_OP_I2F: flat<I2f>(y, a, b, c, n, q); break;
    case ELT_OP_NEG_F: flat<NegF>(y, a, b, c, n, q); break;
    case ELT_OP_NEG_I: flat<NegI>(y, a, b, c, n, q); break;
    case ELT_OP_ABS_F: flat<AbsF>(y, a, b, c, n, q); break;
    case ELT_OP_ABS_I: flat<AbsI>(y, a, b, c, n, q); break;
    case ELT_OP_SIGN_F: flat<SignF>(y, a, b, c, n, q); break;
    case ELT_OP_SIGN_I: flat<SignI>(y, a, b, c, n, q); break;
    case ELT_OP_SQUARE_F: flat<SquareF>(y, a, b, c, n, q); break;
    case ELT_OP_SQUARE_I: flat<SquareI>(y, a, b, c, n, q); break;
    case ELT_OP_RECIP: flat<Recip>(y, a, b, c, n, q); break;
    case ELT_OP_SQRT: flat<Sqrt>(y, a, b, c, n, q); break;
    case ELT_OP_RSQRT: flat<Rsqrt>(y, a, b, c, n, q); break;
    case ELT_OP_EXP: flat<Exp>(y, a, b, c, n, q); break;
    case ELT_OP_LOG: flat<Log>(y, a, b, c, n, q); break;
    case ELT_OP_LOG1P: flat<Log1p>(y, a, b, c, n, q); break;
    case ELT_OP_EXPM1: flat<Expm1>(y, a, b, c, n, q); break;
    case ELT_OP_SIN: flat<Sin>(y, a, b, c, n, q); break;
    case ELT_OP_COS: flat<Cos>(y, a, b, c, n, q); break;
    case ELT_OP_FLOOR: flat<Floor>(y, a, b, c, n, q); break;
    case ELT_OP_CEIL: flat<Ceil>(y, a, b, c, n, q); break;
    case ELT_OP_ROUND: flat<Round>(y, a, b, c, n, q); break;
    case ELT_OP_ROUND_UP: flat<RoundUp>(y, a, b, c, n, q); break;
    case ELT_OP_ROUND_DOWN: flat<RoundDown>(y, a, b, c, n, q); break;
    case ELT_OP_POW_S: flat<PowS>(y, a, b, c, n, q); break;
    case ELT_OP_CUBE: flat<Cube>(y, a, b, c, n, q); break;
    case ELT_OP_POW_HALF: flat<PowHalf>(y, a, b, c, n, q); break;
    case ELT_OP_CLAMP_SF: flat<ClampSf>(y, a, b, c, n, q); break;
    case ELT_OP_CLAMP_SI: flat<ClampSi>(y, a, b, c, n, q); break;
    case ELT_OP_RELU: flat<Relu>(y, a, b, c, n, q); break;
    case ELT_OP_LEAKY: flat<Leaky>(y, a, b, c, n, q); break;
    case ELT_OP_SIGMOID: flat<Sigmoid>(y, a, b, c, n, q); break;
    case ELT_OP_TANH: flat<Tanh>(y, a, b, c, n, q); break;
    case ELT_OP_GELU: flat<Gelu>(y, a, b, c, n, q); break;
    case ELT_OP_GELU_TANH: flat<GeluTanh>(y, a, b, c, n, q); break;
    case ELT_OP_SOFTPLUS: flat<Softplus>(y, a, b, c, n, q); break;
    case ELT_OP_ELU: flat<Elu>(y, a, b, c, n, q); break;
    case ELT_OP_SILU: flat<Silu>(y, a, b, c, n, q); break;
    case ELT_OP_RELU_BWD: flat<ReluBwd>(y, a, b, c, n, q); break;
    case ELT_OP_LEAKY_BWD: flat<LeakyBwd>(y, a, b, c, n, q); break;
    case ELT_OP_SIGMOID_BWD: flat<SigmoidBwd>(y, a, b, c, n, q); break;
    case ELT_OP_TANH_BWD: flat<TanhBwd>(y, a, b, c, n, q); break;
    case ELT_OP_GELU_BWD: flat<GeluBwd>(y, a, b, c, n, q); break;
    case ELT_OP_GELU_TANH_BWD: flat<GeluTanhBwd>(y, a, b, c, n, q); break;
    case ELT_OP_SOFTPLUS_BWD: flat<SoftplusBwd>(y, a, b, c, n, q); break;
    case ELT_OP_ELU_BWD: flat<EluBwd>(y, a, b, c, n, q); break;
    case ELT_OP_SILU_BWD: flat<SiluBwd>(y, a, b, c, n, q); break;
    default: stridedRun(op, y, a, b, c, n, 1, 1, 1, q);
  }
}

// the ops that broadcast (and copies with a cast, for copy_ and expand)
function stridedRun(op: i32, y: usize, a: usize, b: usize, c: usize, n: i32, sa: usize, sb: usize, sc: usize, q: usize): void {
  switch (op) {
    case ELT_OP_COPY: strided<Copy>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_F2I: strided<F2i>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_I2F: strided<I2f>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_ADD_F: strided<AddF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_ADD_I: strided<AddI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_SUB_F: strided<SubF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_SUB_I: strided<SubI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_MUL_F: strided<MulF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_MUL_I: strided<MulI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_DIV: strided<Div>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_ADD_ALPHA_F: strided<AddAlphaF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_ADD_ALPHA_I: strided<AddAlphaI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_POW: strided<Pow>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_MAX_F: strided<MaxF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_MAX_I: strided<MaxI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_MIN_F: strided<MinF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_MIN_I: strided<MinI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_EQ_F: strided<EqF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_EQ_I: strided<EqI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_NE_F: strided<NeF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_NE_I: strided<NeI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_LT_F: strided<LtF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_LT_I: strided<LtI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_LE_F: strided<LeF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_LE_I: strided<LeI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_GT_F: strided<GtF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_GT_I: strided<GtI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_GE_F: strided<GeF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_GE_I: strided<GeI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_WHERE_F: strided<WhereF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_WHERE_I: strided<WhereI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_CLAMP_LO_F: strided<ClampLoF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_CLAMP_HI_F: strided<ClampHiF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_CLAMP_F: strided<ClampF>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_CLAMP_LO_I: strided<ClampLoI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_CLAMP_HI_I: strided<ClampHiI>(y, a, b, c, n, sa, sb, sc, q); break;
    case ELT_OP_CLAMP_I: strided<ClampI>(y, a, b, c, n, sa, sb, sc, q); break;
    default: unreachable();
  }
}

// args: the `eltMap` block. NDIM 0: every operand has the output's layout (one flat run); else the
// coalesced SHAPE[0..NDIM) with element strides S0/S1/S2 per operand.
export function eltMapUnit(p: usize, unit: i32): void {
  const n = arg(p, ELT_MAP_N), per = arg(p, ELT_MAP_PER);
  const e0 = unit * per;
  const e1 = e0 + per < n ? e0 + per : n;
  if (e0 >= e1) return;
  const op = arg(p, ELT_MAP_OP), nd = arg(p, ELT_MAP_NDIM);
  const q = p + (<usize>ELT_MAP_F << 2);
  const y = ptr(p, ELT_MAP_Y), x0 = ptr(p, ELT_MAP_X), x1 = ptr(p, ELT_MAP_X + 1), x2 = ptr(p, ELT_MAP_X + 2);
  if (nd == 0) {
    const o = <usize>e0 << 2;
    flatRun(op, y + o, x0 + o, x1 + o, x2 + o, e1 - e0, q);
    return;
  }
  const L = nd - 1;
  const inner = arg(p, ELT_MAP_SHAPE + L);
  const ia = arg(p, ELT_MAP_S0 + L), ib = arg(p, ELT_MAP_S1 + L), ic = arg(p, ELT_MAP_S2 + L);
  // the dimension just outside the rows, walked incrementally (size 1 when there is none)
  const outer = L > 0 ? arg(p, ELT_MAP_SHAPE + L - 1) : 1;
  const da = L > 0 ? arg(p, ELT_MAP_S0 + L - 1) : 0, db = L > 0 ? arg(p, ELT_MAP_S1 + L - 1) : 0, dc = L > 0 ? arg(p, ELT_MAP_S2 + L - 1) : 0;
  let e = e0;
  while (e < e1) {
    // the row of e, its multi-index and the operands' offsets at its start (one division per dimension)
    let rem = e / inner;
    let j = e - rem * inner;
    let ra = 0, rb = 0, rc = 0, io = 0;
    for (let k = L - 1; k >= 0; k--) {
      const s = arg(p, ELT_MAP_SHAPE + k);
      const q = rem / s;
      const ik = rem - q * s;
      if (k == L - 1) io = ik;
      ra += ik * arg(p, ELT_MAP_S0 + k);
      rb += ik * arg(p, ELT_MAP_S1 + k);
      rc += ik * arg(p, ELT_MAP_S2 + k);
      rem = q;
    }
    // then row after row along the outer dimension while its index stays in range
    for (;;) {
      const cnt = inner - j < e1 - e ? inner - j : e1 - e;
      const oa = <usize>(ra + j * ia) << 2, ob = <usize>(rb + j * ib) << 2, oc = <usize>(rc + j * ic) << 2;
      stridedRun(op, y + (<usize>e << 2), x0 + oa, x1 + ob, x2 + oc, cnt, <usize>ia, <usize>ib, <usize>ic, q);
      e += cnt;
      if (e >= e1 || ++io >= outer) break;
      j = 0;
      ra += da;
      rb += db;
      rc += dc;
    }
  }
}
