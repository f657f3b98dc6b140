/**
 * ONNX protobuf through @bufbuild/protobuf and the code generated from ONNX's own schema
 * (src/onnx/gen/onnx_pb.ts, scripts/gen_onnx_proto.sh): building messages for the exporter,
 * decoding with every failure a FormatError, and tensors both ways.
 *
 * Decoding is bounded by the input: the library checks every length prefix against the bytes
 * left (a forged length is "premature EOF", not an allocation), so a message cannot hold more
 * elements than it has bytes; tensors are then checked (dims, element counts against the bytes
 * that hold them, external data refused) before any Float32Array is allocated.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DType } from '../dtype.js';
import { FormatError } from '../errors.js';
import { Tensor, valuesOf } from '../tensor.js';
import { halfToFloat } from '../data/safetensors_dtypes.js';
import type { AttributeProto, ModelProto, NodeProto, TensorProto } from './gen/onnx_pb.js';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AT,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType as DT,
} from './gen/onnx_pb.js';

export { AT, DT };
export type { AttributeProto, ModelProto, NodeProto, TensorProto };

/** Largest tensor element count the importer allocates (2^28 floats = 1 GiB). */
export const MAX_ELEMENTS = 2 ** 28;

/** An attribute value for `makeNode`: tagged so ints and floats stay apart. */
export type Attr = { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] } | { s: string } | { strings: readonly string[] } | { t: TensorProto };

export const int = (i: number): Attr => ({ i });
export const float = (f: number): Attr => ({ f });
export const ints = (v: readonly number[]): Attr => ({ ints: v });
export const floats = (v: readonly number[]): Attr => ({ floats: v });
export const str = (s: string): Attr => ({ s });

const utf8 = new TextEncoder();

export function makeAttribute(name: string, a: Attr): AttributeProto {
  if ('i' in a) return create(AttributeProtoSchema, { name, type: AT.INT, i: BigInt(a.i) });
  if ('f' in a) return create(AttributeProtoSchema, { name, type: AT.FLOAT, f: a.f });
  if ('ints' in a) return create(AttributeProtoSchema, { name, type: AT.INTS, ints: a.ints.map((v) => BigInt(v)) });
  if ('floats' in a) return create(AttributeProtoSchema, { name, type: AT.FLOATS, floats: [...a.floats] });
  if ('s' in a) return create(AttributeProtoSchema, { name, type: AT.STRING, s: utf8.encode(a.s) });
  if ('strings' in a) return create(AttributeProtoSchema, { name, type: AT.STRINGS, strings: a.strings.map((s) => utf8.encode(s)) });
  return create(AttributeProtoSchema, { name, type: AT.TENSOR, t: a.t });
}

export function makeNode(opType: string, inputs: readonly string[], outputs: readonly string[], name: string, attrs: Record<string, Attr> = {}): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    name,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attrs).map(([k, v]) => makeAttribute(k, v)),
  });
}

const ONNX_TYPE: Record<DType, DT> = { float32: DT.FLOAT, float64: DT.DOUBLE, int32: DT.INT32 };

export function onnxType(dtype: DType): DT {
  return ONNX_TYPE[dtype];
}

/** A tensor as an ONNX TensorProto (raw little-endian data). */
export function tensorProto(name: string, t: Tensor): TensorProto {
  const d = valuesOf(t);
  const raw = new Uint8Array(d.byteLength);
  const v = new DataView(raw.buffer);
  for (let i = 0; i < d.length; i++) {
    if (t.dtype === 'float64') v.setFloat64(8 * i, d[i]!, true);
    else if (t.dtype === 'float32') v.setFloat32(4 * i, d[i]!, true);
    else v.setInt32(4 * i, d[i]!, true);
  }
  return create(TensorProtoSchema, { name, dims: t.shape.map((n) => BigInt(n)), dataType: ONNX_TYPE[t.dtype], rawData: raw });
}

/** An INT64 TensorProto (shapes, axes, pads...). */
export function int64Proto(name: string, values: readonly number[], dims: readonly number[] = [values.length]): TensorProto {
  const raw = new Uint8Array(values.length * 8);
  const v = new DataView(raw.buffer);
  values.forEach((x, i) => v.setBigInt64(8 * i, BigInt(x), true));
  return create(TensorProtoSchema, { name, dims: dims.map((n) => BigInt(n)), dataType: DT.INT64, rawData: raw });
}

export function encodeModel(m: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, m);
}

export function newModel(init: Parameters<typeof create<typeof ModelProtoSchema>>[1]): ModelProto {
  return create(ModelProtoSchema, init);
}

/** Decodes a ModelProto; anything the library rejects (truncation, forged lengths, bad wire types) is a FormatError. */
export function decodeModel(op: string, bytes: Uint8Array): ModelProto {
  try {
    return fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false });
  } catch (e) {
    throw new FormatError({
      op,
      arg: 'bytes',
      expected: 'an ONNX model (a ModelProto in protobuf encoding)',
      got: `undecodable bytes (${(e as Error).message})`,
      message: `${op}: not a valid ONNX model: ${(e as Error).message} (${bytes.length} bytes)`,
    });
  }
}

/** The values of an ONNX tensor as JS numbers plus dims, checked against its declared size. */
export interface DecodedTensor {
  dims: number[];
  /** 'float32' | 'float64' for floats (FLOAT16/BFLOAT16 widened), 'int64' | 'int32' | 'bool' ... kept as numbers. */
  type: DT;
  values: Float32Array | Float64Array | number[];
}

const RAW_SIZE: Partial<Record<DT, number>> = {
  [DT.FLOAT]: 4,
  [DT.DOUBLE]: 8,
  [DT.INT64]: 8,
  [DT.INT32]: 4,
  [DT.INT16]: 2,
  [DT.UINT16]: 2,
  [DT.INT8]: 1,
  [DT.UINT8]: 1,
  [DT.BOOL]: 1,
  [DT.FLOAT16]: 2,
};

/**
 * Reads a TensorProto's values. `where` names it in errors (e.g. `initializer "fc.weight"`).
 * Rejects external data, unsupported element types, negative or oversized dims, and element
 * counts that disagree with the data, before allocating the result.
 */
export function decodeTensor(op: string, where: string, t: TensorProto): DecodedTensor {
  const bad = (arg: string, expected: string, got: string, detail: string) => new FormatError({ op, arg, expected, got, message: `${op}: ${where}: ${detail}` });
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL || t.externalData.length > 0) {
    throw bad('data_location', 'data stored inside the model', 'EXTERNAL', 'its data is stored in an external file (data_location=EXTERNAL), which convkit does not read; save the model with all tensors inside it');
  }
  if (t.segment !== undefined) throw bad('segment', 'an unsegmented tensor', 'a segment', 'segmented tensors are not supported');
  const dims = t.dims.map((d) => Number(d));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw bad('dims', 'non-negative dims', `[${t.dims.join(', ')}]`, `dims [${t.dims.join(', ')}] include a negative or huge size`);
  const n = dims.reduce((p, d) => p * d, 1);
  if (n > MAX_ELEMENTS) throw bad('dims', `at most ${MAX_ELEMENTS} elements`, `[${dims.join(', ')}] = ${n} elements`, `dims [${dims.join(', ')}] make ${n} elements, more than the ${MAX_ELEMENTS} convkit allocates`);
  const type = t.dataType as DT;
  const size = RAW_SIZE[type];
  if (size === undefined) throw bad('data_type', 'FLOAT, DOUBLE, FLOAT16, INT64, INT32, INT16, INT8, UINT16, UINT8 or BOOL', DT[type] ?? String(type), `element type ${DT[type] ?? type} is not supported`);
  const count = (have: number, what: string): void => {
    if (have !== n) throw bad(what, `${n} values for dims [${dims.join(', ')}]`, `${have}`, `${what} holds ${have} values but dims [${dims.join(', ')}] need ${n}`);
  };
  if (t.rawData.length > 0 || n === 0) {
    count(t.rawData.length / size, 'raw_data');
    // raw_data may sit at any byte offset: read through a DataView, never a typed-array view
    const v = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    if (type === DT.FLOAT) return { dims, type, values: Float32Array.from({ length: n }, (_, i) => v.getFloat32(4 * i, true)) };
    if (type === DT.DOUBLE) return { dims, type, values: Float64Array.from({ length: n }, (_, i) => v.getFloat64(8 * i, true)) };
    if (type === DT.FLOAT16) return { dims, type, values: Float32Array.from({ length: n }, (_, i) => halfToFloat(v.getUint16(2 * i, true))) };
    const read: (i: number) => number =
      type === DT.INT64 ? (i) => Number(v.getBigInt64(8 * i, true))
      : type === DT.INT32 ? (i) => v.getInt32(4 * i, true)
      : type === DT.INT16 ? (i) => v.getInt16(2 * i, true)
      : type === DT.UINT16 ? (i) => v.getUint16(2 * i, true)
      : type === DT.INT8 ? (i) => v.getInt8(i)
      : (i) => v.getUint8(i);
    return { dims, type, values: Array.from({ length: n }, (_, i) => read(i)) };
  }
  if (type === DT.FLOAT) return (count(t.floatData.length, 'float_data'), { dims, type, values: Float32Array.from(t.floatData) });
  if (type === DT.DOUBLE) return (count(t.doubleData.length, 'double_data'), { dims, type, values: Float64Array.from(t.doubleData) });
  if (type === DT.INT64) return (count(t.int64Data.length, 'int64_data'), { dims, type, values: t.int64Data.map((x) => Number(x)) });
  // FLOAT16 keeps its bits in int32_data, as do the small integer types
  count(t.int32Data.length, 'int32_data');
  return { dims, type, values: type === DT.FLOAT16 ? Float32Array.from(t.int32Data, halfToFloat) : [...t.int32Data] };
}

/** A decoded tensor as a convkit Tensor: floats keep float32/float64, integers become int32 (range-checked). */
export function toConvkit(op: string, where: string, d: DecodedTensor): Tensor {
  if (d.values instanceof Float32Array || d.values instanceof Float64Array) return new Tensor(d.values, d.dims);
  const out = new Int32Array(d.values.length);
  d.values.forEach((x, i) => {
    // int64 shape constants may use INT64_MAX as "to the end" (Slice); clamp into int32 there
    out[i] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, x));
  });
  if (d.values.some((x) => !Number.isFinite(x))) throw new FormatError({ op, arg: where, expected: 'finite integers', got: 'non-finite', message: `${op}: ${where}: non-finite integer values` });
  return new Tensor(out, d.dims);
}
