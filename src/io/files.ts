/** File helpers shared by the Node-only loaders: reading with typed errors, gunzip, atomic writes. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FormatError, ValueError, fmtValue } from '../errors.js';

/** Largest single write(2): bounds each system call; `writeAll` loops over partial writes anyway. */
const CHUNK = 1 << 24;

export function checkPath(op: string, path: unknown, arg = 'path'): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ValueError({ op, arg, expected: 'a file path (non-empty string)', got: fmtValue(path) });
  }
  return path;
}

/** A missing or unreadable path is a bad argument (ValueError); other I/O errors pass through. */
export function ioError(op: string, path: string, e: unknown, arg = 'path'): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new ValueError({ op, arg, expected: 'an existing file', got: path, message: `${op}: no such file: ${path}` });
  if (code === 'EISDIR') return new ValueError({ op, arg, expected: 'a file', got: path, message: `${op}: ${path} is a directory, not a file` });
  if (code === 'EACCES' || code === 'EPERM') return new ValueError({ op, arg, expected: 'a readable file', got: path, message: `${op}: permission denied: ${path}` });
  return e;
}

export function readBytes(op: string, path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw ioError(op, path, e);
  }
}

/** Gunzips `bytes` when they start with the gzip magic 1f 8b, else returns them unchanged. */
export function maybeGunzip(op: string, path: string, bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const b = gunzipSync(bytes);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new FormatError({ op, arg: 'path', expected: 'a valid gzip file', got: 'corrupt gzip data', message: `${op}: ${path}: corrupt gzip data (${(e as Error).message})` });
  }
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, Math.min(CHUNK, bytes.length - at));
}

/**
 * Writes `parts` to `path` so that a crash at any moment leaves either the old file or the complete
 * new one: the bytes go to a fresh temporary file in the same directory (same filesystem, so the
 * rename is atomic), which is fsynced (data on disk before the name points at it), renamed over
 * `path`, and then the directory is fsynced (the rename itself durable). The temporary name
 * `.<name>.<pid>.<random>.tmp` never equals `path`, so nothing reading `path` can see a partial file.
 */
export function writeFileAtomic(op: string, path: string, parts: readonly Uint8Array[]): void {
  const dir = dirname(resolve(path));
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ValueError({ op, arg: 'path', expected: 'a path in an existing directory', got: path, message: `${op}: directory ${dir} does not exist` });
    throw ioError(op, dir, e);
  }
  try {
    for (const p of parts) writeAll(fd, p);
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    unlinkSync(tmp);
    throw e;
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    // Windows cannot open or fsync directories; the rename is still atomic there
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EACCES') throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
