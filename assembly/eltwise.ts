// Element-wise kernels in blocks of a job: relu (f32x4.max with 0: NaN propagates, -0 becomes 0,
// as in PyTorch) and its backward (g where x > 0, else 0; NaN x gives 0).

import { RELU_X, RELU_Y, RELU_G, RELU_N, RELU_PER, RELU_MODE } from './abi';

@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// args: the `relu` block (G only for the backward, MODE 0 relu / 1 backward; units of PER elements)
export function reluUnit(p: usize, unit: i32): void {
  const x = <usize><u32>arg(p, RELU_X), y = <usize><u32>arg(p, RELU_Y), g = <usize><u32>arg(p, RELU_G);
  const n = arg(p, RELU_N), per = arg(p, RELU_PER), mode = arg(p, RELU_MODE);
  const i0 = unit * per, i1 = i0 + per < n ? i0 + per : n;
  const zero = f32x4.splat(0);
  let i = i0;
  if (mode == 0) {
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.max(v128.load(x + o), zero));
    }
    for (; i < i1; i++) {
      const o = <usize>i << 2;
      const v = load<f32>(x + o);
      store<f32>(y + o, v > 0 || v != v ? v : 0);
    }
  } else {
    for (; i + 4 <= i1; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(x + o), zero)));
    }
    for (; i < i1; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, load<f32>(x + o) > 0 ? load<f32>(g + o) : 0);
    }
  }
}
