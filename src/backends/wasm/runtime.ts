/**
 * Loads the WebAssembly SIMD module (bytes embedded by scripts/build_wasm.mjs) synchronously and
 * owns one arena in its linear memory. A kernel call lays out its regions from the arena's base,
 * copies inputs in, runs, copies outputs out; the next call reuses the same bytes. Memory grows
 * only when a call needs more than any call before it (wasm memory cannot shrink), so it stays
 * flat over repeated calls of one size and is bounded by the largest call.
 */
import { WASM_BASE64 } from './module_bytes.js';

/** The module's exports (see assembly/index.ts); pointers are byte addresses. */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number): void;
  transpose(src: number, dst: number, N: number, K: number): void;
  fillRows(c: number, v: number, M: number, N: number): void;
  fillCols(c: number, v: number, M: number, N: number): void;
  convForward(params: number, x: number, w: number, b: number, y: number, col: number): void;
  convBackwardInput(params: number, g: number, w: number, b: number, x: number, wt: number, col: number): void;
  convBackwardWeight(params: number, x: number, g: number, dw: number, col: number, colT: number, tmp: number): void;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let bytes: Uint8Array<ArrayBuffer> | null = null;
function moduleBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= decodeBase64(WASM_BASE64);
  return bytes;
}

/** Whether this engine can compile the module (WebAssembly with SIMD and bulk memory). */
export function wasmSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(moduleBytes());
  } catch {
    return false;
  }
}

let instance: WasmExports | null = null;

/** The instantiated module, compiled on first use (the module is small enough for sync compile). */
export function wasm(): WasmExports {
  if (!instance) {
    const mod = new WebAssembly.Module(moduleBytes());
    instance = new WebAssembly.Instance(mod, {}).exports as unknown as WasmExports;
  }
  return instance;
}

const PAGE = 65536;
/** wasm32 addresses at most 65536 pages. */
const MAX_BYTES = 65536 * PAGE;

/**
 * Bump allocation within one kernel call: `reserve` hands out 16-byte-aligned byte offsets from
 * the arena base; `commit` grows memory once to fit them all. Views must be taken after commit
 * (growing detaches the old ArrayBuffer).
 */
export class Layout {
  private top: number;
  constructor(readonly w: WasmExports) {
    this.top = (w.heapBase() + 15) & ~15;
  }
  /** A region of `n` 4-byte elements. */
  reserve(n: number): number {
    const at = this.top;
    this.top += Math.ceil(n / 4) * 16; // not `& ~15`: sizes may pass 2^31
    return at;
  }
  /**
   * Grows memory to fit every reserved region. False when it cannot (past wasm32's 4 GiB, or the
   * engine refuses): the caller then runs the reference kernel instead.
   */
  commit(): boolean {
    const mem = this.w.memory;
    const have = mem.buffer.byteLength;
    if (this.top <= have) return true;
    if (this.top > MAX_BYTES) return false;
    try {
      mem.grow(Math.ceil((this.top - have) / PAGE));
      return true;
    } catch {
      return false;
    }
  }
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.w.memory.buffer, ptr, n);
  }
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.w.memory.buffer, ptr, n);
  }
}

/** Current size of the module's linear memory in bytes (for tests of the arena's flatness). */
export function wasmMemoryBytes(): number {
  return instance ? instance.memory.buffer.byteLength : 0;
}
