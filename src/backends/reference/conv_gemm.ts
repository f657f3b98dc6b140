/**
 * The two matrix products of the reference convolution kernels, on Float64Arrays, accumulating
 * into the destination. Small register tiles (4 rows × 2 columns of running sums held in locals)
 * let each loaded value feed several multiply-adds: about twice the speed of a row-times-matrix
 * loop in V8, with the same float64 accumulation.
 */

/**
 * c[cOff + i*P + o] += Σ_k a[(aRow + i)*K + k] · b[k*P + o]  for i < M, o < P
 * (rows aRow.. of the row-major matrix a with K columns, times the K × P matrix b).
 */
export function gemmNN(a: Float64Array, aRow: number, M: number, K: number, b: Float64Array, P: number, c: Float64Array, cOff: number): void {
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = (aRow + i) * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    const q0 = cOff + i * P;
    let o = 0;
    for (; o + 2 <= P; o += 2) {
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
      let bo = o;
      for (let k = 0; k < K; k++, bo += P) {
        const b0 = b[bo]!;
        const b1 = b[bo + 1]!;
        const x0 = a[a0 + k]!;
        const x1 = a[a1 + k]!;
        const x2 = a[a2 + k]!;
        const x3 = a[a3 + k]!;
        c00 += x0 * b0;
        c01 += x0 * b1;
        c10 += x1 * b0;
        c11 += x1 * b1;
        c20 += x2 * b0;
        c21 += x2 * b1;
        c30 += x3 * b0;
        c31 += x3 * b1;
      }
      let q = q0 + o;
      c[q] = c[q]! + c00;
      c[q + 1] = c[q + 1]! + c01;
      q += P;
      c[q] = c[q]! + c10;
      c[q + 1] = c[q + 1]! + c11;
      q += P;
      c[q] = c[q]! + c20;
      c[q + 1] = c[q + 1]! + c21;
      q += P;
      c[q] = c[q]! + c30;
      c[q + 1] = c[q + 1]! + c31;
    }
    for (; o < P; o++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let bo = o;
      for (let k = 0; k < K; k++, bo += P) {
        const v = b[bo]!;
        c0 += a[a0 + k]! * v;
        c1 += a[a1 + k]! * v;
        c2 += a[a2 + k]! * v;
        c3 += a[a3 + k]! * v;
      }
      const q = q0 + o;
      c[q] = c[q]! + c0;
      c[q + P] = c[q + P]! + c1;
      c[q + 2 * P] = c[q + 2 * P]! + c2;
      c[q + 3 * P] = c[q + 3 * P]! + c3;
    }
  }
  for (; i < M; i++) {
    const a0 = (aRow + i) * K;
    const q0 = cOff + i * P;
    for (let k = 0; k < K; k++) {
      const x = a[a0 + k]!;
      const bo = k * P;
      for (let o = 0; o < P; o++) c[q0 + o] = c[q0 + o]! + x * b[bo + o]!;
    }
  }
}

/**
 * c[cOff + i*N + j] += Σ_p a[aOff + i*P + p] · b[j*P + p]  for i < M, j < N
 * (the M × P block of a at aOff times the transpose of the N × P matrix b).
 */
export function gemmNT(a: Float64Array, aOff: number, M: number, P: number, b: Float64Array, N: number, c: Float64Array, cOff: number): void {
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = aOff + i * P;
    const a1 = a0 + P;
    const a2 = a1 + P;
    const a3 = a2 + P;
    const q0 = cOff + i * N;
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      const b0 = j * P;
      const b1 = b0 + P;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
      for (let p = 0; p < P; p++) {
        const y0 = b[b0 + p]!;
        const y1 = b[b1 + p]!;
        const x0 = a[a0 + p]!;
        const x1 = a[a1 + p]!;
        const x2 = a[a2 + p]!;
        const x3 = a[a3 + p]!;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c30 += x3 * y0;
        c31 += x3 * y1;
      }
      let q = q0 + j;
      c[q] = c[q]! + c00;
      c[q + 1] = c[q + 1]! + c01;
      q += N;
      c[q] = c[q]! + c10;
      c[q + 1] = c[q + 1]! + c11;
      q += N;
      c[q] = c[q]! + c20;
      c[q + 1] = c[q + 1]! + c21;
      q += N;
      c[q] = c[q]! + c30;
      c[q + 1] = c[q + 1]! + c31;
    }
    for (; j < N; j++) {
      const b0 = j * P;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0; p < P; p++) {
        const y = b[b0 + p]!;
        c0 += a[a0 + p]! * y;
        c1 += a[a1 + p]! * y;
        c2 += a[a2 + p]! * y;
        c3 += a[a3 + p]! * y;
      }
      const q = q0 + j;
      c[q] = c[q]! + c0;
      c[q + N] = c[q + N]! + c1;
      c[q + 2 * N] = c[q + 2 * N]! + c2;
      c[q + 3 * N] = c[q + 3 * N]! + c3;
    }
  }
  for (; i < M; i++) {
    const a0 = aOff + i * P;
    const q0 = cOff + i * N;
    for (let j = 0; j < N; j++) {
      const b0 = j * P;
      let s = 0;
      for (let p = 0; p < P; p++) s += a[a0 + p]! * b[b0 + p]!;
      c[q0 + j] = c[q0 + j]! + s;
    }
  }
}
