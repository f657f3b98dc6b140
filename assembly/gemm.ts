// f32 matrix products with WebAssembly SIMD on packed operands. Pointers are byte addresses;
// sizes count f32 elements.
//
// Packed layouts (zero-padded, so every micro-kernel call sees a full tile):
//   A panels: rows in blocks of 4, k-major inside a block: A[i][k] at ((i>>2)·K + k)·4 + (i&3)
//   B panels: columns in blocks of 8, k-major inside a panel: B[k][j] at ((j>>3)·K + k)·8 + (j&7)
// The micro-kernel keeps a 4×8 tile of C in eight f32x4 registers (one splat of A times two
// vectors of B per row and k); wider tiles spill registers in V8's code and run slower.
// Each C element is one f32 sum in increasing k, whatever the blocking.

// s + x·b: a fused multiply-add where the engine has relaxed SIMD (the build's relaxed variant),
// else a multiply then an add. Either way each element's sum runs in increasing k.
@inline export function madd(x: v128, b: v128, s: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, b, s);
  return f32x4.add(s, f32x4.mul(x, b));
}

// C[4×8] (ldc bytes between rows) = (acc ? C : 0) + Σ_k A[:,k]·B[k,:].
@inline function micro(a: usize, b: usize, c: usize, ldc: usize, K: i32, acc: bool): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  if (acc) {
    s00 = v128.load(c); s01 = v128.load(c, 16);
    s10 = v128.load(c + ldc); s11 = v128.load(c + ldc, 16);
    s20 = v128.load(c + 2 * ldc); s21 = v128.load(c + 2 * ldc, 16);
    s30 = v128.load(c + 3 * ldc); s31 = v128.load(c + 3 * ldc, 16);
  }
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    s00 = madd(x, b0, s00); s01 = madd(x, b1, s01);
    x = v128.load32_splat(a, 4);
    s10 = madd(x, b0, s10); s11 = madd(x, b1, s11);
    x = v128.load32_splat(a, 8);
    s20 = madd(x, b0, s20); s21 = madd(x, b1, s21);
    x = v128.load32_splat(a, 12);
    s30 = madd(x, b0, s30); s31 = madd(x, b1, s31);
    a += 16;
    b += 32;
  }
  v128.store(c, s00); v128.store(c, s01, 16);
  c += ldc;
  v128.store(c, s10); v128.store(c, s11, 16);
  c += ldc;
  v128.store(c, s20); v128.store(c, s21, 16);
  c += ldc;
  v128.store(c, s30); v128.store(c, s31, 16);
}

// At most this many k-steps per block, so a 4-row A block (≤ 12 KiB) and an 8-column B panel
// block (≤ 24 KiB) stay in L1 together; K is cut into equal blocks.
const KB_MAX = 768;

// C[rows i0·4.., panels j0..j1) of a padded C (ldc floats per row) = (acc ? C : 0) + A·B over K,
// for A panels from `a` (block stride K·4 floats) and B panels from `b` (panel stride K·8).
export function gemmPanels(a: usize, b: usize, c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, K: i32, acc: bool): void {
  const sc = <usize>ldc << 2;
  if (K == 0) {
    if (!acc) for (let i = i0 * 4; i < i1 * 4; i++) memory.fill(c + <usize>i * sc + (<usize>j0 << 5), 0, <usize>(j1 - j0) << 5);
    return;
  }
  const KB = (K + (K + KB_MAX - 1) / KB_MAX - 1) / ((K + KB_MAX - 1) / KB_MAX);
  for (let k0 = 0; k0 < K; k0 += KB) {
    const kn = K - k0 < KB ? K - k0 : KB;
    const first = k0 == 0;
    for (let j = j0; j < j1; j++) {
      const bp = b + ((<usize>j * <usize>K + <usize>k0) << 5);
      for (let i = i0; i < i1; i++) {
        micro(a + ((<usize>i * <usize>K + <usize>k0) << 4), bp, c + <usize>(i * 4) * sc + (<usize>j << 5), sc, kn, acc || !first);
      }
    }
  }
}

// A panels from a strided matrix: element (i, k) at src + (i·rs + k·cs)·4, rows [i0·4, i1·4)
// of M (rows ≥ M are zero), written at the panel positions of rows i0·4.. in dst.
export function packA(src: usize, rs: i32, cs: i32, M: i32, K: i32, dst: usize, i0: i32, i1: i32): void {
  for (let ib = i0; ib < i1; ib++) {
    const out = dst + ((<usize>ib * <usize>K) << 4);
    for (let r = 0; r < 4; r++) {
      const i = ib * 4 + r;
      const o = out + (<usize>r << 2);
      if (i >= M) {
        for (let k = 0; k < K; k++) store<f32>(o + (<usize>k << 4), 0);
        continue;
      }
      const row = src + ((<usize>i * <usize>rs) << 2);
      if (cs == 1) {
        for (let k = 0; k < K; k++) store<f32>(o + (<usize>k << 4), load<f32>(row + (<usize>k << 2)));
      } else {
        const st = <usize>cs << 2;
        for (let k = 0; k < K; k++) store<f32>(o + (<usize>k << 4), load<f32>(row + <usize>k * st));
      }
    }
  }
}

// B panels from a strided matrix: element (k, j) at src + (k·rs + j·cs)·4, panels [j0, j1) of
// N columns (columns ≥ N are zero).
export function packB(src: usize, rs: i32, cs: i32, K: i32, N: i32, dst: usize, j0: i32, j1: i32): void {
  for (let jb = j0; jb < j1; jb++) {
    const out = dst + ((<usize>jb * <usize>K) << 5);
    const jn = N - jb * 8 < 8 ? N - jb * 8 : 8;
    if (cs == 1 && jn == 8) {
      // rows of 8 contiguous floats: two vector copies per k
      for (let k = 0; k < K; k++) {
        const s = src + ((<usize>k * <usize>rs + <usize>(jb * 8)) << 2);
        const d = out + (<usize>k << 5);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      }
      continue;
    }
    if (jn < 8) memory.fill(out, 0, <usize>K << 5);
    for (let jj = 0; jj < jn; jj++) {
      const col = src + ((<usize>(jb * 8 + jj) * <usize>cs) << 2);
      const o = out + (<usize>jj << 2);
      const st = <usize>rs << 2;
      for (let k = 0; k < K; k++) store<f32>(o + (<usize>k << 5), load<f32>(col + <usize>k * st));
    }
  }
}

// dst[rows × cols] (ldd floats) = src[rows × cols] (lds floats), rows·cols floats.
export function copyRect(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) memory.copy(dst + ((<usize>i * <usize>ldd) << 2), src + ((<usize>i * <usize>lds) << 2), <usize>cols << 2);
}

// dst[n] += src[n] for n floats.
export function addInto(dst: usize, src: usize, n: i32): void {
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const o = <usize>t << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; t < n; t++) {
    const o = <usize>t << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

// C[M×N] (ldc floats) = v[i] on row i (v = 0: zeros).
export function fillRows(c: usize, ldc: i32, v: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) {
    const x = v == 0 ? <f32>0 : load<f32>(v + (<usize>i << 2));
    const row = c + ((<usize>i * <usize>ldc) << 2);
    if (x == 0) {
      memory.fill(row, 0, <usize>N << 2);
      continue;
    }
    const xv = f32x4.splat(x);
    let j = 0;
    for (; j + 4 <= N; j += 4) v128.store(row + (<usize>j << 2), xv);
    for (; j < N; j++) store<f32>(row + (<usize>j << 2), x);
  }
}
