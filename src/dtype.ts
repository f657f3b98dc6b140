/** The element types a tensor can hold. */
export type DType = 'float32' | 'float64' | 'int32';
export type Data = Float32Array | Float64Array | Int32Array;
/** Typed arrays that hold floating-point values. */
export type FloatData = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function isDType(v: unknown): v is DType {
  return v === 'float32' || v === 'float64' || v === 'int32';
}

export function isFloat(d: DType): boolean {
  return d !== 'int32';
}

export function alloc(dtype: DType, n: number): Data {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
  }
}

export function dtypeOf(data: Data): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
}

/** Copies `src` into a new array of `dtype` (converting; int32 truncates toward zero like torch). */
export function castData(src: ArrayLike<number>, dtype: DType): Data {
  const out = alloc(dtype, src.length);
  if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]!);
  else out.set(src as ArrayLike<number>);
  return out;
}
