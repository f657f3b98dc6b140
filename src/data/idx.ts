/**
 * The IDX format of MNIST, Fashion-MNIST and EMNIST, browser-safe (uncompressed bytes; `io/idx.ts`
 * reads files and gunzips them).
 *
 * Layout (all big-endian): a 4-byte magic number 0x00 0x00 <type> <ndims>, then ndims unsigned
 * 32-bit dimension sizes, then product(dims) items of the type, row-major.
 * Types: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 *
 * Result dtypes: the four integer types become int32 (exact; convert pixel bytes to [0, 1] floats
 * with `toTensor`), float32 stays float32 and float64 stays float64.
 * (EMNIST stores its images transposed; transpose them yourself if you need them upright.)
 */
import type { DType } from '../dtype.js';
import { alloc } from '../dtype.js';
import { FormatError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';

interface IdxType {
  name: string;
  size: number;
  dtype: DType;
  read: (v: DataView, at: number) => number;
}

export const IDX_TYPES: Readonly<Record<number, IdxType>> = {
  0x08: { name: 'unsigned byte', size: 1, dtype: 'int32', read: (v, at) => v.getUint8(at) },
  0x09: { name: 'signed byte', size: 1, dtype: 'int32', read: (v, at) => v.getInt8(at) },
  0x0b: { name: 'int16', size: 2, dtype: 'int32', read: (v, at) => v.getInt16(at) },
  0x0c: { name: 'int32', size: 4, dtype: 'int32', read: (v, at) => v.getInt32(at) },
  0x0d: { name: 'float32', size: 4, dtype: 'float32', read: (v, at) => v.getFloat32(at) },
  0x0e: { name: 'float64', size: 8, dtype: 'float64', read: (v, at) => v.getFloat64(at) },
};

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/** Decodes an uncompressed IDX file; `source` (a file name) goes into error messages. */
export function parseIdx(bytes: Uint8Array, source = 'IDX data', op = 'parseIdx'): Tensor {
  const bad = (arg: string, expected: string, got: string, detail: string) =>
    new FormatError({ op, arg, expected, got, message: `${op}: ${source}: ${detail}` });
  if (bytes.length < 4) {
    throw bad('file', 'at least 4 bytes', `${bytes.length} bytes`, `${bytes.length} bytes is too short for an IDX file (the first 4 bytes are the magic number)`);
  }
  const magic = bytes.subarray(0, 4);
  if (magic[0] !== 0 || magic[1] !== 0) {
    throw bad('magic number', '00 00 <type> <ndims>', hex(magic), `not an IDX file: the magic number must start with 00 00, got ${hex(magic)}`);
  }
  const code = magic[2]!;
  const type = IDX_TYPES[code];
  if (type === undefined) {
    throw bad('magic number', 'type code 08, 09, 0b, 0c, 0d or 0e', hex(magic.subarray(2, 3)), `unknown IDX data type code 0x${hex(magic.subarray(2, 3))} (expected 08 ubyte, 09 byte, 0b short, 0c int, 0d float or 0e double)`);
  }
  const ndims = magic[3]!;
  if (ndims === 0) throw bad('magic number', 'at least 1 dimension', '0 dimensions', 'the IDX header declares 0 dimensions');
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) {
    throw bad('file', `at least ${headerSize} bytes`, `${bytes.length} bytes`, `${bytes.length} bytes is too short for the IDX header of ${ndims} dimensions (${headerSize} bytes); is the file truncated?`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < ndims; k++) dims.push(view.getUint32(4 + 4 * k));
  // the product may lose precision when absurdly large, but then it cannot match the file size
  const expected = dims.reduce((p, d) => p * d, 1) * type.size;
  const actual = bytes.length - headerSize;
  if (expected !== actual) {
    throw bad(
      'file',
      `${headerSize + expected} bytes`,
      `${bytes.length} bytes`,
      `the header declares ${fmtShape(dims)} ${type.name} items (${expected} data bytes after the ${headerSize}-byte header) but the file has ${actual} data bytes` +
        (actual < expected ? '; is it truncated?' : ''),
    );
  }
  const n = expected / type.size;
  const out = alloc(type.dtype, n);
  if (code === 0x08) out.set(bytes.subarray(headerSize));
  else for (let i = 0; i < n; i++) out[i] = type.read(view, headerSize + i * type.size);
  return new Tensor(out, dims);
}
