/**
 * The safetensors format, browser-safe (no file access; `io/checkpoint.ts` wraps it for files).
 *
 * Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON, then the data
 * buffer. The JSON maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end)} with
 * offsets relative to the data buffer, plus an optional "__metadata__" object of string values.
 *
 * Writing follows the reference implementation byte for byte: tensors ordered by dtype alignment
 * (I64, F64, F32, I32: the reference's enum order, descending) and then by name (UTF-8 byte order), laid out contiguously in that
 * order; "__metadata__" first in the JSON (keys sorted, where the reference uses hash order);
 * compact JSON; the header padded with spaces to a multiple of 8 so every tensor starts aligned.
 *
 * Reading validates the whole header before allocating any tensor: the header length against a
 * 100 MB limit and the file size, UTF-8 and JSON, every dtype, shape and offset pair, each
 * tensor's byte size against dtype·numel, and that the tensors tile the data buffer exactly
 * (sorted by offset, each starts where the previous ends, the last ends at the end of the file).
 * PyTorch's dtypes (I64, F16, BF16, U8...) are read into convkit's: see safetensors_dtypes.ts.
 */
import type { DType, Data } from '../dtype.js';
import { alloc } from '../dtype.js';
import { FormatError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { Tensor, isTensor, valuesOf } from '../tensor.js';
import { FILE_DTYPES, READABLE, decodeValues, int64Bytes, writeCode } from './safetensors_dtypes.js';

/** The reference implementation's limit on the JSON header. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsContents {
  /** The tensors by name, in file order. */
  tensors: Record<string, Tensor>;
  /** The "__metadata__" strings ({} when the file has none). */
  metadata: Record<string, string>;
}

/** One validated header entry; `begin`/`end` are byte offsets in the data buffer. */
export interface TensorEntry {
  name: string;
  /** The dtype the values are read into; `code` is the file's dtype (e.g. I64 read as int32). */
  dtype: DType;
  code: string;
  shape: number[];
  begin: number;
  end: number;
}

const ITEMSIZE: Record<DType, number> = { float64: 8, float32: 4, int32: 4 };
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** Reverses the bytes of each `size`-byte item (little-endian file <-> big-endian host). */
function swapItems(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}

/** The little-endian bytes of a tensor's data (a view, without copying, on little-endian hosts). */
function leBytes(d: Data): Uint8Array {
  const view = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  if (LITTLE_ENDIAN) return view;
  const copy = view.slice();
  swapItems(copy, d.BYTES_PER_ELEMENT);
  return copy;
}

function compareUtf8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The bytes of a safetensors file as a header (length prefix included) followed by one part per
 * tensor, so a file writer can stream the parts without concatenating them.
 */
export function planSafetensors(op: string, stateDict: Record<string, Tensor>, metadata?: Record<string, string>): { header: Uint8Array; parts: Uint8Array[] } {
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict) || isTensor(stateDict)) {
    throw new ValueError({ op, arg: 'stateDict', expected: 'an object mapping names to Tensors', got: fmtValue(stateDict) });
  }
  const items = Object.keys(stateDict).map((name) => {
    const t: unknown = stateDict[name];
    if (!isTensor(t)) throw new ValueError({ op, arg: `stateDict[${JSON.stringify(name)}]`, expected: 'a Tensor', got: fmtValue(t) });
    if (name === '__metadata__') {
      throw new ValueError({ op, arg: 'stateDict', expected: 'tensor names other than "__metadata__"', got: '"__metadata__"', message: `${op}: "__metadata__" is reserved by the safetensors format and cannot name a tensor` });
    }
    return { name, key: utf8.encode(name), t, code: writeCode(name, t.dtype) };
  });
  // the reference writer's order: descending dtype (its enum order), then name
  items.sort((a, b) => FILE_DTYPES[b.code]!.rank - FILE_DTYPES[a.code]!.rank || compareUtf8(a.key, b.key));

  let json = '{';
  const meta = checkMetadata(op, metadata);
  if (meta.length > 0) {
    json += `"__metadata__":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  items.forEach(({ name, t, code }, k) => {
    const values = valuesOf(t);
    const bytes = code === 'I64' ? int64Bytes(values) : leBytes(values);
    const entry = `{"dtype":"${code}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes.length}]}`;
    json += `${meta.length > 0 || k > 0 ? ',' : ''}${JSON.stringify(name)}:${entry}`;
    offset += bytes.length;
    parts.push(bytes);
  });
  json += '}';
  const body = utf8.encode(json);
  const n = Math.ceil(body.length / 8) * 8;
  const header = new Uint8Array(8 + n).fill(0x20, 8);
  new DataView(header.buffer).setBigUint64(0, BigInt(n), true);
  header.set(body, 8);
  return { header, parts };
}

function checkMetadata(op: string, metadata: unknown): [string, string][] {
  if (metadata === undefined) return [];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ValueError({ op, arg: 'metadata', expected: 'an object of string values', got: fmtValue(metadata) });
  }
  const entries = Object.entries(metadata);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw new ValueError({ op, arg: `metadata[${JSON.stringify(k)}]`, expected: 'a string', got: fmtValue(v) });
  }
  return entries.sort((a, b) => compareUtf8(utf8.encode(a[0]), utf8.encode(b[0]))) as [string, string][];
}

/** A whole safetensors file in memory. `metadata` values must be strings. */
export function serializeSafetensors(stateDict: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const { header, parts } = planSafetensors('serializeSafetensors', stateDict, metadata);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, header.length));
  out.set(header);
  let at = header.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads the tensors and metadata of a safetensors file held in memory (copies the data). */
export function parseSafetensors(bytes: Uint8Array, source = ''): SafetensorsContents {
  const op = 'parseSafetensors';
  if (!(bytes instanceof Uint8Array)) throw new ValueError({ op, arg: 'bytes', expected: 'a Uint8Array', got: fmtValue(bytes) });
  const n = readHeaderLength(op, source, bytes, bytes.length);
  const { entries, metadata } = decodeHeader(op, source, bytes.subarray(8, 8 + n), bytes.length - 8 - n);
  const data = bytes.subarray(8 + n);
  return { tensors: collect(entries, (e) => tensorFromBytes(e, data.subarray(e.begin, e.end), source, op)), metadata };
}

/** Builds the name → tensor record without letting a name like "__proto__" touch the prototype. */
export function collect(entries: readonly TensorEntry[], make: (e: TensorEntry) => Tensor): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const e of entries) Object.defineProperty(out, e.name, { value: make(e), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Allocates a tensor for `e` and fills it from exactly its little-endian bytes (converting other file dtypes). */
export function tensorFromBytes(e: TensorEntry, bytes: Uint8Array, source = '', op = 'load'): Tensor {
  if (e.code !== 'F32' && e.code !== 'F64' && e.code !== 'I32') return new Tensor(decodeValues(e.code, bytes, e.name, op, source), e.shape);
  const d = alloc(e.dtype, (e.end - e.begin) / ITEMSIZE[e.dtype]);
  const view = new Uint8Array(d.buffer);
  view.set(bytes);
  if (!LITTLE_ENDIAN) swapItems(view, ITEMSIZE[e.dtype]);
  return new Tensor(d, e.shape);
}

function fail(op: string, source: string, arg: string, expected: string, got: string, detail: string): FormatError {
  return new FormatError({ op, arg, expected, got, message: `${op}: ${source ? `${source}: ` : ''}${detail}` });
}

/** The header length N from the first 8 bytes, checked against the limit and the file size. */
export function readHeaderLength(op: string, source: string, first8: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || first8.length < 8) {
    throw fail(op, source, 'file', 'at least 8 bytes', `${fileSize} bytes`, `${fileSize} bytes is too short for a safetensors file (the first 8 bytes hold the header length)`);
  }
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw fail(op, source, 'header length', `at most ${MAX_HEADER_BYTES} bytes`, String(n), `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`);
  }
  if (n > BigInt(fileSize - 8)) {
    throw fail(op, source, 'header length', `at most ${fileSize - 8} bytes (file size - 8)`, String(n), `header length ${n} runs past the end of the file (${fileSize} bytes, so at most ${fileSize - 8}); is the file truncated?`);
  }
  return Number(n);
}

/** Parses and validates the JSON header for a data buffer of `dataLength` bytes. */
export function decodeHeader(op: string, source: string, headerBytes: Uint8Array, dataLength: number): { entries: TensorEntry[]; metadata: Record<string, string> } {
  const bad = (arg: string, expected: string, got: string, detail: string) => fail(op, source, arg, expected, got, detail);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw bad('header', 'UTF-8 JSON', 'invalid UTF-8', 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) {
    throw bad('header', 'a JSON object starting with "{"', fmtValue(text.slice(0, 16)), `header does not start with "{" (not a safetensors file?)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw bad('header', 'valid JSON', 'a JSON syntax error', `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw bad('header', 'a JSON object', fmtValue(header), 'header is not a JSON object');
  }
  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) {
        throw bad('__metadata__', 'an object of strings', fmtValue(info), `"__metadata__" must be an object mapping strings to strings, got ${fmtValue(info)}`);
      }
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') {
          throw bad(`__metadata__.${k}`, 'a string', fmtValue(v), `"__metadata__" must map strings to strings, but key ${JSON.stringify(k)} holds ${fmtValue(v)}`);
        }
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    entries.push(checkEntry(bad, name, info, dataLength));
  }
  // tile check: sorted by offsets, each tensor must start exactly where the previous one ends
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: TensorEntry | undefined;
  for (const e of sorted) {
    if (e.begin < at && prev) {
      throw bad(`tensor "${e.name}".data_offsets`, 'non-overlapping ranges', `[${e.begin}, ${e.end}]`, `tensors "${prev.name}" [${prev.begin}, ${prev.end}] and "${e.name}" [${e.begin}, ${e.end}] overlap`);
    }
    if (e.begin > at) {
      throw bad('data buffer', 'tensors covering it exactly', `a gap [${at}, ${e.begin})`, `bytes [${at}, ${e.begin}) of the data buffer belong to no tensor`);
    }
    at = e.end;
    prev = e;
  }
  if (at !== dataLength) {
    throw bad('data buffer', `${at} bytes (the end of the last tensor)`, `${dataLength} bytes`, `bytes [${at}, ${dataLength}) of the data buffer belong to no tensor`);
  }
  return { entries: sorted, metadata };
}

type Bad = (arg: string, expected: string, got: string, detail: string) => FormatError;

function checkEntry(bad: Bad, name: string, info: unknown, dataLength: number): TensorEntry {
  const t = `tensor "${name}"`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw bad(t, 'an object with dtype, shape and data_offsets', fmtValue(info), `${t}: header entry must be an object with dtype, shape and data_offsets, got ${fmtValue(info)}`);
  }
  const { dtype: code, shape, data_offsets: offsets } = info as Record<string, unknown>;
  const file = typeof code === 'string' && Object.hasOwn(FILE_DTYPES, code) ? FILE_DTYPES[code] : undefined;
  if (file === undefined) {
    throw bad(`${t}.dtype`, `one of ${READABLE.join(', ')}`, fmtValue(code), `${t} has dtype ${fmtValue(code)}, which convkit cannot load (it reads ${READABLE.join(', ')})`);
  }
  const dtype = file.dtype;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(`${t}.shape`, 'an array of non-negative integers', fmtValue(shape), `${t} has shape ${fmtValue(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    throw bad(`${t}.data_offsets`, '[begin, end] with integers 0 <= begin <= end', fmtValue(offsets), `${t} has data_offsets ${fmtValue(offsets)}; expected [begin, end] with integers 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    throw bad(`${t}.data_offsets`, `offsets within the ${dataLength}-byte data buffer`, `[${begin}, ${end}]`, `${t} data_offsets [${begin}, ${end}] run past the end of the data buffer (${dataLength} bytes); is the file truncated?`);
  }
  const dims = shape as number[];
  // a product past 2^53 cannot equal a byte count that fits the buffer, so inexactness is harmless
  const bytes = dims.reduce((p, d) => p * d, 1) * file.itemsize;
  if (bytes !== end - begin) {
    throw bad(`${t}.data_offsets`, `${bytes} bytes for ${code} ${fmtShape(dims)}`, `${end - begin} bytes`, `${t} has data_offsets [${begin}, ${end}] (${end - begin} bytes) but ${code} shape ${fmtShape(dims)} needs ${bytes} bytes`);
  }
  return { name, dtype, code: code as string, shape: dims.slice(), begin, end };
}
