/**
 * Checkpoints as safetensors files (readable by Python's `safetensors.torch.load_file`).
 * `save` writes atomically (see `writeFileAtomic`); `load` validates the whole header against the
 * file size before allocating any tensor, then reads each tensor straight into its own storage.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FormatError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { SafetensorsContents } from '../data/safetensors.js';
import { collect, decodeHeader, planSafetensors, readHeaderLength, tensorFromBytes } from '../data/safetensors.js';
import { checkPath, ioError, writeFileAtomic } from './files.js';

/**
 * Saves `stateDict` (name → tensor) to `path` in the safetensors format, with optional string
 * `metadata`. A crash mid-save leaves the previous file at `path` intact.
 */
export function save(stateDict: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  const op = 'save';
  checkPath(op, path);
  const { header, parts } = planSafetensors(op, stateDict, metadata);
  writeFileAtomic(op, path, [header, ...parts]);
}

/** Loads a safetensors file: `{ tensors, metadata }` (metadata is {} when the file has none). */
export function load(path: string): SafetensorsContents {
  const op = 'load';
  checkPath(op, path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioError(op, path, e);
  }
  try {
    const size = fstatSync(fd).size;
    const first8 = readExactly(op, path, fd, 0, Math.min(8, size));
    const n = readHeaderLength(op, path, first8, size);
    const { entries, metadata } = decodeHeader(op, path, readExactly(op, path, fd, 8, n), size - 8 - n);
    const tensors = collect(entries, (e) => tensorFromBytes(e, readExactly(op, path, fd, 8 + n + e.begin, e.end - e.begin), path, op));
    return { tensors, metadata };
  } catch (e) {
    throw ioError(op, path, e);
  } finally {
    closeSync(fd);
  }
}

/** `length` bytes at `position`; a short read means the file shrank while we read it. */
function readExactly(op: string, path: string, fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const k = readSync(fd, out, got, length - got, position + got);
    if (k === 0) {
      throw new FormatError({ op, arg: 'path', expected: `${position + length} bytes`, got: `${position + got} bytes`, message: `${op}: ${path}: file ended after ${position + got} bytes while reading bytes [${position}, ${position + length}); was it truncated while being read?` });
    }
    got += k;
  }
  return out;
}
