/**
 * Loads the WebAssembly SIMD module (bytes embedded by scripts/build_wasm.mjs) and owns its
 * memory. Three builds: threads + relaxed SIMD (fused multiply-add), threads + SIMD128, and SIMD128
 * over unshared memory; the first the engine accepts is used. Every module instance — the calling thread's and one per pool worker — imports the same
 * memory: a shared WebAssembly.Memory when the engine has SharedArrayBuffer (threads possible), an
 * ordinary one otherwise (one thread, said by `threadingStatus()`).
 *
 * A kernel call lays out its regions from the arena's base, copies inputs in, runs jobs, copies
 * outputs out; the next call reuses the same bytes. Memory grows only when a call needs more than
 * any call before it (wasm memory cannot shrink), so it stays flat over repeated calls of one
 * size and is bounded by the largest call.
 */
import { WASM_BASE64, WASM_RELAXED_BASE64, WASM_SHARED_BASE64 } from './module_bytes.js';

/** The module's exports (see assembly/index.ts); pointers are byte addresses. */
export interface WasmExports {
  heapBase(): number;
  /** Runs unit `unit` of job `fn` with the i32 argument block at `args`, on scratch slot `slot`. */
  run(fn: number, args: number, unit: number, slot: number): void;
  convPackForward(params: number): void;
  convPackInput(params: number): void;
  convPackFlipped(params: number): void;
}

/** Job ids of the module's `run` (declared in scripts/wasm_abi.mjs). */
export { JOB } from './abi.js';

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Whether this engine can compile the module (WebAssembly with SIMD and bulk memory). */
export function wasmSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(WASM_BASE64));
  } catch {
    return false;
  }
}

const PAGE = 65536;
/** wasm32 addresses at most 65536 pages. */
const MAX_PAGES = 65536;

export interface WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly exports: WasmExports;
  /** True when `memory` is shared (workers can join). */
  readonly shared: boolean;
  /** Why memory is not shared, when it is not. */
  readonly unsharedReason: string | null;
  readonly maxBytes: number;
}

let rt: WasmRuntime | null = null;

/**
 * A shared memory needs a declared maximum, which the engine reserves up front: try 4 GiB, then
 * smaller, for engines (32-bit, phones) that cannot reserve that much address space.
 */
function sharedMemory(): { memory: WebAssembly.Memory; maxPages: number } | string {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is unavailable (in browsers: the page is not cross-origin isolated)';
  if (!WebAssembly.validate(decodeBase64(WASM_SHARED_BASE64))) return 'this engine cannot compile WebAssembly threads';
  for (const maxPages of [MAX_PAGES, 16384, 4096]) {
    try {
      return { memory: new WebAssembly.Memory({ initial: 1, maximum: maxPages, shared: true }), maxPages };
    } catch {
      // try a smaller reservation
    }
  }
  return 'the engine refused to allocate a shared WebAssembly.Memory';
}

/** The runtime, created on first use (the module is small enough for synchronous compilation). */
export function runtime(): WasmRuntime {
  if (rt) return rt;
  const sm = sharedMemory();
  if (typeof sm === 'object') {
    // fused multiply-adds where the engine has relaxed SIMD (about a third faster GEMMs here)
    const relaxed = decodeBase64(WASM_RELAXED_BASE64);
    const module = new WebAssembly.Module(WebAssembly.validate(relaxed) ? relaxed : decodeBase64(WASM_SHARED_BASE64));
    const inst = new WebAssembly.Instance(module, { env: { memory: sm.memory } });
    rt = { memory: sm.memory, module, exports: inst.exports as unknown as WasmExports, shared: true, unsharedReason: null, maxBytes: sm.maxPages * PAGE };
  } else {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const module = new WebAssembly.Module(decodeBase64(WASM_BASE64));
    const inst = new WebAssembly.Instance(module, { env: { memory } });
    rt = { memory, module, exports: inst.exports as unknown as WasmExports, shared: false, unsharedReason: sm, maxBytes: MAX_PAGES * PAGE };
  }
  return rt;
}

/** The calling thread's instance. */
export function wasm(): WasmExports {
  return runtime().exports;
}


/** Current size of the module's linear memory in bytes (for tests of the arena's flatness). */
export function wasmMemoryBytes(): number {
  return rt ? rt.memory.buffer.byteLength : 0;
}
