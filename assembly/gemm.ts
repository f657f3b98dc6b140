// f32 matrix product with WebAssembly SIMD (f32x4), row-major with explicit leading dimensions.
// All pointers are byte addresses in linear memory; sizes and strides count f32 elements.

// C[M×N] += A[M×K] · B[K×N]. Register block: 4 rows × 8 columns of C (eight f32x4 running
// sums). Column blocks are the outer loop so the K×8 panel of B stays in L1 while every row block
// of A streams past it. Each C element is a single f32 sum over k in increasing k (the same order
// as a scalar loop), so SIMD does not change the rounding of any element.
export function gemm(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32): void {
  const sa = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const sc = <usize>ldc << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    const bj = b + (<usize>j << 2);
    const cj = c + (<usize>j << 2);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const a0 = a + <usize>i * sa;
      const a1 = a0 + sa;
      const a2 = a1 + sa;
      const a3 = a2 + sa;
      const c0 = cj + <usize>i * sc;
      const c1 = c0 + sc;
      const c2 = c1 + sc;
      const c3 = c2 + sc;
      let s00 = v128.load(c0), s01 = v128.load(c0, 16);
      let s10 = v128.load(c1), s11 = v128.load(c1, 16);
      let s20 = v128.load(c2), s21 = v128.load(c2, 16);
      let s30 = v128.load(c3), s31 = v128.load(c3, 16);
      let bp = bj;
      for (let k = 0; k < K; k++, bp += sb) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const ko = <usize>k << 2;
        const x0 = v128.load32_splat(a0 + ko);
        const x1 = v128.load32_splat(a1 + ko);
        const x2 = v128.load32_splat(a2 + ko);
        const x3 = v128.load32_splat(a3 + ko);
        s00 = f32x4.add(s00, f32x4.mul(x0, b0));
        s01 = f32x4.add(s01, f32x4.mul(x0, b1));
        s10 = f32x4.add(s10, f32x4.mul(x1, b0));
        s11 = f32x4.add(s11, f32x4.mul(x1, b1));
        s20 = f32x4.add(s20, f32x4.mul(x2, b0));
        s21 = f32x4.add(s21, f32x4.mul(x2, b1));
        s30 = f32x4.add(s30, f32x4.mul(x3, b0));
        s31 = f32x4.add(s31, f32x4.mul(x3, b1));
      }
      v128.store(c0, s00); v128.store(c0, s01, 16);
      v128.store(c1, s10); v128.store(c1, s11, 16);
      v128.store(c2, s20); v128.store(c2, s21, 16);
      v128.store(c3, s30); v128.store(c3, s31, 16);
    }
    for (; i < M; i++) {
      const ai = a + <usize>i * sa;
      const ci = cj + <usize>i * sc;
      let s0 = v128.load(ci), s1 = v128.load(ci, 16);
      let bp = bj;
      for (let k = 0; k < K; k++, bp += sb) {
        const x = f32x4.splat(load<f32>(ai + (<usize>k << 2)));
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
      }
      v128.store(ci, s0); v128.store(ci, s1, 16);
    }
  }
  for (; j + 4 <= N; j += 4) {
    const bj = b + (<usize>j << 2);
    const cj = c + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      const ai = a + <usize>i * sa;
      const ci = cj + <usize>i * sc;
      let s = v128.load(ci);
      let bp = bj;
      for (let k = 0; k < K; k++, bp += sb) {
        s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(ai + (<usize>k << 2))), v128.load(bp)));
      }
      v128.store(ci, s);
    }
  }
  for (; j < N; j++) {
    const bj = b + (<usize>j << 2);
    const cj = c + (<usize>j << 2);
    for (let i = 0; i < M; i++) {
      const ai = a + <usize>i * sa;
      const ci = cj + <usize>i * sc;
      let s = load<f32>(ci);
      let bp = bj;
      for (let k = 0; k < K; k++, bp += sb) s += load<f32>(ai + (<usize>k << 2)) * load<f32>(bp);
      store<f32>(ci, s);
    }
  }
}

// dst[K×N] = transpose of src[N×K] (both dense).
export function transpose(src: usize, dst: usize, N: i32, K: i32): void {
  for (let n = 0; n < N; n++) {
    const s = src + ((<usize>n * <usize>K) << 2);
    for (let k = 0; k < K; k++) store<f32>(dst + ((<usize>k * <usize>N + <usize>n) << 2), load<f32>(s + (<usize>k << 2)));
  }
}

// C[M×N] = v[i] on row i (v = 0: zeros).
export function fillRows(c: usize, v: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) {
    const x = v == 0 ? <f32>0 : load<f32>(v + (<usize>i << 2));
    const row = c + ((<usize>i * <usize>N) << 2);
    for (let j = 0; j < N; j++) store<f32>(row + (<usize>j << 2), x);
  }
}

// C[M×N] = v[j] in column j (v = 0: zeros).
export function fillCols(c: usize, v: usize, M: i32, N: i32): void {
  if (v == 0) {
    memory.fill(c, 0, (<usize>M * <usize>N) << 2);
    return;
  }
  for (let i = 0; i < M; i++) memory.copy(c + ((<usize>i * <usize>N) << 2), v, <usize>N << 2);
}
