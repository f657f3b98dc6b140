// Small inline helpers of the reduction, softmax, loss, norm, movement and pool kernels: reading a
// job's i32 parameter block and addressing f32/i32 (4-byte) and f64 (8-byte) elements.

// @ts-ignore: decorator
@inline export function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
// A pointer field (byte address stored as i32, read as u32).
// @ts-ignore: decorator
@inline export function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}
// The address of 4-byte element i.
// @ts-ignore: decorator
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}
// The address of 8-byte element i.
// @ts-ignore: decorator
@inline export function at8(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}
// Lanes 2, 3 of v moved to lanes 0, 1 (for f64x2.promote_low_f32x4 of the high half).
// @ts-ignore: decorator
@inline export function hi2(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 2, 3, 0, 1);
}
// Lanes 0, 1 and lanes 2, 3 of v as f64x2.
// @ts-ignore: decorator
@inline export function lo64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
// @ts-ignore: decorator
@inline export function hi64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}
