/**
 * The safetensors element types convkit reads and how each becomes a convkit dtype, so that
 * PyTorch's files load as they are: F32/F64/I32 as themselves; F16 and BF16 widened to float32
 * (exactly: every half and bfloat16 value is a float32 value); the integer types I64, U64, U32,
 * I16, U16, I8, U8 and BOOL into int32, each value checked to fit (PyTorch stores BatchNorm's
 * `num_batches_tracked` as I64). Bytes are read little-endian with DataView, independent of the host.
 *
 * Writing: convkit's dtypes as F64/F32/I32, except that an int32 tensor whose name ends in
 * `num_batches_tracked` is written as I64, as PyTorch writes it, so that PyTorch's
 * `load_state_dict` gets the dtype it would have saved itself.
 */
import type { DType, Data } from '../dtype.js';
import { alloc } from '../dtype.js';
import { FormatError } from '../errors.js';

export interface FileDType {
  /** The convkit dtype values are read into. */
  readonly dtype: DType;
  /** Bytes per element in the file. */
  readonly itemsize: number;
  /** Rank in the reference implementation's Dtype enum (tensors are written in descending rank). */
  readonly rank: number;
}

/** Every dtype code of the format; those without `dtype` are known but not loadable. */
export const FILE_DTYPES: Readonly<Record<string, FileDType>> = {
  BOOL: { dtype: 'int32', itemsize: 1, rank: 0 },
  U8: { dtype: 'int32', itemsize: 1, rank: 1 },
  I8: { dtype: 'int32', itemsize: 1, rank: 2 },
  I16: { dtype: 'int32', itemsize: 2, rank: 5 },
  U16: { dtype: 'int32', itemsize: 2, rank: 6 },
  F16: { dtype: 'float32', itemsize: 2, rank: 7 },
  BF16: { dtype: 'float32', itemsize: 2, rank: 8 },
  I32: { dtype: 'int32', itemsize: 4, rank: 9 },
  U32: { dtype: 'int32', itemsize: 4, rank: 10 },
  F32: { dtype: 'float32', itemsize: 4, rank: 11 },
  F64: { dtype: 'float64', itemsize: 8, rank: 12 },
  I64: { dtype: 'int32', itemsize: 8, rank: 13 },
  U64: { dtype: 'int32', itemsize: 8, rank: 14 },
};

/** The codes `checkEntry` accepts, for messages. */
export const READABLE = Object.keys(FILE_DTYPES);

const NATIVE: Record<DType, string> = { float64: 'F64', float32: 'F32', int32: 'I32' };

/** The code a tensor is written with (see the module comment for the I64 rule). */
export function writeCode(name: string, dtype: DType): string {
  return dtype === 'int32' && /(^|\.)num_batches_tracked$/.test(name) ? 'I64' : NATIVE[dtype];
}

/** A float from IEEE 754 half-precision bits (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m === 0 ? s * Infinity : NaN;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** The little-endian I64 bytes of int32 values (two's complement sign extension). */
export function int64Bytes(d: Data): Uint8Array {
  const out = new Uint8Array(d.length * 8);
  const v = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    v.setInt32(8 * i, d[i]!, true);
    v.setInt32(8 * i + 4, d[i]! < 0 ? -1 : 0, true);
  }
  return out;
}

/**
 * Decodes `bytes` (exactly numel · itemsize of `code`) into a fresh array of the convkit dtype.
 * Integer values outside int32 (or BOOL bytes other than 0 and 1) are a FormatError naming the
 * tensor, the element and the value.
 */
export function decodeValues(code: string, bytes: Uint8Array, tensorName: string, op: string, source: string): Data {
  const f = FILE_DTYPES[code]!;
  const n = bytes.length / f.itemsize;
  const out = alloc(f.dtype, n);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tooBig = (i: number, value: string, range: string): FormatError =>
    new FormatError({
      op,
      arg: `tensor "${tensorName}"`,
      expected: `${code} values in ${range}`,
      got: value,
      message: `${op}: ${source ? `${source}: ` : ''}tensor "${tensorName}" (${code}) holds ${value} at element ${i}, outside ${range}: convkit reads ${code} into int32`,
    });
  const INT32 = '[-2147483648, 2147483647]';
  switch (code) {
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, true);
      break;
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(v.getUint16(2 * i, true));
      break;
    case 'BF16': {
      // bfloat16 is the high half of a float32
      const bits = new Uint32Array(1);
      const asFloat = new Float32Array(bits.buffer);
      for (let i = 0; i < n; i++) {
        bits[0] = v.getUint16(2 * i, true) << 16;
        out[i] = asFloat[0]!;
      }
      break;
    }
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = v.getInt32(4 * i, true);
      break;
    case 'U32':
      for (let i = 0; i < n; i++) {
        const x = v.getUint32(4 * i, true);
        if (x > 0x7fffffff) throw tooBig(i, String(x), INT32);
        out[i] = x;
      }
      break;
    case 'I64':
    case 'U64':
      for (let i = 0; i < n; i++) {
        const lo = v.getInt32(8 * i, true);
        const hi = v.getInt32(8 * i + 4, true);
        // fits int32 iff the high word is the sign extension of the low word (and, unsigned, lo ≥ 0)
        if (hi !== lo >> 31 || (code === 'U64' && lo < 0)) {
          throw tooBig(i, String(code === 'I64' ? v.getBigInt64(8 * i, true) : v.getBigUint64(8 * i, true)), INT32);
        }
        out[i] = lo;
      }
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = v.getInt16(2 * i, true);
      break;
    case 'U16':
      for (let i = 0; i < n; i++) out[i] = v.getUint16(2 * i, true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = v.getInt8(i);
      break;
    case 'U8':
      for (let i = 0; i < n; i++) out[i] = v.getUint8(i);
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) {
        const x = v.getUint8(i);
        if (x > 1) throw tooBig(i, String(x), '{0, 1}');
        out[i] = x;
      }
      break;
  }
  return out;
}
