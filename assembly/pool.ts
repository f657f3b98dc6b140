import { MAX_POOL2_X, MAX_POOL2_Y, MAX_POOL2_IDX, MAX_POOL2_H, MAX_POOL2_W, MAX_POOL2_OH, MAX_POOL2_OW, MAX_POOL2_PER, MAX_POOL2_PLANES } from './abi';
// 2×2 max-pool with stride 2 (the common CNN pool) with argmax indices, four outputs per step:
// two rows of eight inputs are split into even and odd columns, and the four taps are visited in
// PyTorch's order — a tap replaces the running max when it is greater or NaN, so the first of
// equal maxima wins and NaN propagates — with compare masks and bitselect instead of branches.

@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// args: the `maxPool2` block (units of PER planes)
export function maxPool2Unit(p: usize, unit: i32): void {
  const x = <usize><u32>arg(p, MAX_POOL2_X), y = <usize><u32>arg(p, MAX_POOL2_Y), ix = <usize><u32>arg(p, MAX_POOL2_IDX);
  const H = arg(p, MAX_POOL2_H), W = arg(p, MAX_POOL2_W), OH = arg(p, MAX_POOL2_OH), OW = arg(p, MAX_POOL2_OW);
  const per = arg(p, MAX_POOL2_PER), planes = arg(p, MAX_POOL2_PLANES);
  const pl0 = unit * per, pl1 = pl0 + per < planes ? pl0 + per : planes;
  for (let pl = pl0; pl < pl1; pl++) {
    const xp = x + ((<usize>pl * <usize>H * <usize>W) << 2);
    const yp = y + ((<usize>pl * <usize>OH * <usize>OW) << 2);
    const ip = ix + ((<usize>pl * <usize>OH * <usize>OW) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const r0 = xp + ((<usize>(2 * oh) * <usize>W) << 2);
      const r1 = r0 + (<usize>W << 2);
      const yo = yp + ((<usize>oh * <usize>OW) << 2);
      const io = ip + ((<usize>oh * <usize>OW) << 2);
      const base = 2 * oh * W;
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) {
        const c = <usize>(2 * ow) << 2;
        const a0 = v128.load(r0 + c), a1 = v128.load(r0 + c, 16);
        const b0 = v128.load(r1 + c), b1 = v128.load(r1 + c, 16);
        const e0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), o0 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        const e1 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), o1 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        const i00 = i32x4.add(i32x4.splat(base + 2 * ow), i32x4(0, 2, 4, 6));
        let best = e0, bi = i00;
        let m = v128.or(f32x4.gt(o0, best), f32x4.ne(o0, o0));
        best = v128.bitselect(o0, best, m);
        bi = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), bi, m);
        m = v128.or(f32x4.gt(e1, best), f32x4.ne(e1, e1));
        best = v128.bitselect(e1, best, m);
        bi = v128.bitselect(i32x4.add(i00, i32x4.splat(W)), bi, m);
        m = v128.or(f32x4.gt(o1, best), f32x4.ne(o1, o1));
        best = v128.bitselect(o1, best, m);
        bi = v128.bitselect(i32x4.add(i00, i32x4.splat(W + 1)), bi, m);
        v128.store(yo + (<usize>ow << 2), best);
        v128.store(io + (<usize>ow << 2), bi);
      }
      for (; ow < OW; ow++) {
        const c = <usize>(2 * ow) << 2;
        let best = load<f32>(r0 + c), bi = base + 2 * ow;
        let v = load<f32>(r0 + c, 4);
        if (v > best || v != v) { best = v; bi = base + 2 * ow + 1; }
        v = load<f32>(r1 + c);
        if (v > best || v != v) { best = v; bi = base + W + 2 * ow; }
        v = load<f32>(r1 + c, 4);
        if (v > best || v != v) { best = v; bi = base + W + 2 * ow + 1; }
        store<f32>(yo + (<usize>ow << 2), best);
        store<i32>(io + (<usize>ow << 2), bi);
      }
    }
  }
}
