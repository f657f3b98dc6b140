// Fused optimizer steps (src/ops/optim_ops.ts) over float32 parameters and state, two elements per
// float64x2 step: the arithmetic is the reference kernel's (src/backends/reference/optim.ts),
// operation for operation in float64, with every state value rounded to float32 where the
// reference stores it and read back from there, so results are bit-identical to the reference.
// Units are ranges of PER elements.
import { SGD_F, SGD_FLAGS, SGD_N, SGD_PER, SGD_P, SGD_G, SGD_B } from './abi';
import { ADAM_F, ADAM_FLAGS, ADAM_N, ADAM_PER, ADAM_P, ADAM_G, ADAM_M, ADAM_V, ADAM_VMAX } from './abi';

@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}

// k-th float64 parameter of the block's F area
@inline function param(p: usize, f: i32, k: i32): v128 {
  return f64x2.splat(load<f64>(p + (<usize>f << 2) + (<usize>k << 3)));
}

// two float32 values (one when `one`) as float64 lanes, and back
@inline function ld(a: usize, one: bool): v128 {
  return f64x2.promote_low_f32x4(one ? v128.load32_zero(a) : v128.load64_zero(a));
}

@inline function st(a: usize, v: v128, one: bool): void {
  const f = f32x4.demote_f64x2_zero(v);
  if (one) v128.store32_lane(a, f, 0);
  else v128.store64_lane(a, f, 0);
}

// float64 lanes rounded to float32 and back (a value the reference stores, then reads)
@inline function f32round(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

const MAXIMIZE = 1, HAS_BUF = 2, FRESH = 4, NESTEROV = 8, DECAY = 16;

// args: the `sgd` block; F: -lr, momentum, 1 - dampening, weightDecay
export function sgdUnit(p: usize, unit: i32): void {
  const n = arg(p, SGD_N), per = arg(p, SGD_PER), fl = arg(p, SGD_FLAGS);
  const i0 = unit * per, i1 = i0 + per < n ? i0 + per : n;
  const P = ptr(p, SGD_P), G = ptr(p, SGD_G), B = ptr(p, SGD_B);
  const nlr = param(p, SGD_F, 0), mom = param(p, SGD_F, 1), omd = param(p, SGD_F, 2), wd = param(p, SGD_F, 3);
  for (let i = i0; i < i1; i += 2) {
    const one = i + 1 == i1;
    const o = <usize>i << 2;
    const pv = ld(P + o, one);
    let d = ld(G + o, one);
    if (fl & MAXIMIZE) d = f64x2.neg(d);
    if (fl & DECAY) d = f64x2.add(d, f64x2.mul(wd, pv));
    if (fl & HAS_BUF) {
      let b = fl & FRESH ? d : f64x2.add(f64x2.mul(ld(B + o, one), mom), f64x2.mul(omd, d));
      st(B + o, b, one);
      b = f32round(b);
      d = fl & NESTEROV ? f64x2.add(d, f64x2.mul(mom, b)) : b;
    }
    st(P + o, f64x2.add(pv, f64x2.mul(nlr, d)), one);
  }
}

const A_MAXIMIZE = 1, A_DECOUPLED = 2, A_DECAY = 4, A_AMSGRAD = 8;

// args: the `adam` block; F: shrink (1 - lr·wd), wd, β1, 1 - β1, β2, 1 - β2, √(1 - β2^t), eps, -lr/(1 - β1^t)
export function adamUnit(p: usize, unit: i32): void {
  const n = arg(p, ADAM_N), per = arg(p, ADAM_PER), fl = arg(p, ADAM_FLAGS);
  const i0 = unit * per, i1 = i0 + per < n ? i0 + per : n;
  const P = ptr(p, ADAM_P), G = ptr(p, ADAM_G), M = ptr(p, ADAM_M), V = ptr(p, ADAM_V), VM = ptr(p, ADAM_VMAX);
  const shrink = param(p, ADAM_F, 0), wd = param(p, ADAM_F, 1), b1 = param(p, ADAM_F, 2), ob1 = param(p, ADAM_F, 3);
  const b2 = param(p, ADAM_F, 4), ob2 = param(p, ADAM_F, 5), bc2 = param(p, ADAM_F, 6), eps = param(p, ADAM_F, 7), nstep = param(p, ADAM_F, 8);
  for (let i = i0; i < i1; i += 2) {
    const one = i + 1 == i1;
    const o = <usize>i << 2;
    let pv = ld(P + o, one);
    let g = ld(G + o, one);
    if (fl & A_MAXIMIZE) g = f64x2.neg(g);
    if (fl & A_DECOUPLED) pv = f32round(f64x2.mul(pv, shrink));
    else if (fl & A_DECAY) g = f64x2.add(g, f64x2.mul(wd, pv));
    const m = f32round(f64x2.add(f64x2.mul(ld(M + o, one), b1), f64x2.mul(ob1, g)));
    let v = f32round(f64x2.add(f64x2.mul(ld(V + o, one), b2), f64x2.mul(f64x2.mul(ob2, g), g)));
    st(M + o, m, one);
    st(V + o, v, one);
    if (fl & A_AMSGRAD) {
      v = f64x2.max(ld(VM + o, one), v);
      st(VM + o, v, one);
    }
    const denom = f64x2.add(f64x2.div(f64x2.sqrt(v), bc2), eps);
    st(P + o, f64x2.add(pv, f64x2.div(f64x2.mul(nstep, m), denom)), one);
  }
}
