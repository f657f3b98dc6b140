/**
 * The wasm backend's memory: blocks of the module's linear memory for tensors (the wasm Device,
 * device.ts) and for each kernel call's scratch (Call, call.ts), from one allocator.
 *
 * - Size classes: a request is rounded up to 64·⌈b/64⌉ below 4 KiB and to one of the four steps
 *   2^k·{1.25, 1.5, 1.75, 2} above (at most 25% unused); a freed block goes to its class's free
 *   list and serves the next request of that class. New blocks come from the top, growing the
 *   memory (which wasm cannot shrink) when needed.
 * - Bounded without dispose: tensors' blocks are freed when their storage is collected
 *   (FinalizationRegistry, storage.ts), but finalizers run only between tasks and after a major
 *   GC, so a loop that never yields would grow without end. When the live bytes pass the
 *   high-water mark, the least-recently-used blocks that the running op does not use are spilled:
 *   copied to a JavaScript typed array the storage adopts (JavaScript's GC reclaims it when the
 *   tensor is gone) and returned to their free lists.
 */
import type { DType, Data } from '../../dtype.js';
import type { DeviceStats } from '../../storage.js';
import { alloc } from '../../dtype.js';
import { runtime } from './runtime.js';

export interface Block {
  /** Unique number (what a storage's finalizer holds, so it keeps no memory alive). */
  readonly id: number;
  /** Byte address in the module's memory (valid while the block is live). */
  ptr: number;
  /** Bytes reserved (the size class). */
  readonly bytes: number;
  /** The tensor's element type and count (for spilling); scratch blocks use float32. */
  readonly dtype: DType;
  readonly n: number;
  /** Op tick of the last use (least-recently-used order). */
  lastUse: number;
  /** Where the values went when the block was spilled; the block is then gone from the heap. */
  spill: Data | null;
  /** True once freed or spilled. */
  dead: boolean;
  /** Scratch of a running kernel call: never spilled. */
  pinned: boolean;
  /** Bumped by every in-place write to the block (caches of data derived from it key on it). */
  gen: number;
  /** Data derived from this block's contents (packed weight panels), by kind; freed with it. */
  derived: Map<string, Block> | null;
  /** For a derived block: its source and kind (a spilled cache is dropped, never copied). */
  source: Block | null;
  kind: string;
}

const PAGE = 65536;
const ALIGN = 64;

/** The size class of a request: its rounded byte size. */
export function classBytes(b: number): number {
  if (b <= 4096) return Math.max(ALIGN, Math.ceil(b / ALIGN) * ALIGN);
  const k = Math.floor(Math.log2(b - 1));
  const base = 2 ** k;
  for (const f of [1.25, 1.5, 1.75, 2]) if (b <= base * f) return base * f;
  return 2 * base;
}

export interface HeapStats extends DeviceStats {
  /** Tensor and scratch blocks in use, and their bytes (size classes). */
  liveBuffers: number;
  liveBytes: number;
  /** Bytes of free blocks waiting for reuse. */
  freeBytes: number;
  /** Bytes between the heap's base and its top (everything ever carved out). */
  reservedBytes: number;
  /** The module's memory size. */
  memoryBytes: number;
  highWater: number;
  /** Blocks spilled to JavaScript memory so far, and their bytes. */
  spills: number;
  spilledBytes: number;
  peakLiveBytes: number;
  /** Derived data (packed weight panels) found in the cache, and made anew. */
  cacheHits: number;
  cacheMisses: number;
}

class Heap {
  private base = -1;
  private top = 0;
  private readonly freeLists = new Map<number, number[]>();
  /** Live blocks by id, least recently used first (a Map keeps insertion order; a use re-inserts). */
  private readonly live = new Map<number, Block>();
  private nextId = 1;
  private tick = 1;
  private liveBytes = 0;
  private freeBytes = 0;
  private peak = 0;
  private spills = 0;
  private cacheHits = 0;
  private cacheMisses = 0;
  private spilledBytes = 0;
  highWater = 512 * 2 ** 20;

  private init(): void {
    if (this.base >= 0) return;
    const w = runtime().exports;
    this.base = (w.heapBase() + ALIGN - 1) & ~(ALIGN - 1);
    this.top = this.base;
  }

  /** A new op is being dispatched: blocks it touches from now on are "in use". */
  beginOp(): void {
    this.tick++;
  }

  touch(b: Block): void {
    if (b.lastUse === this.tick || b.dead) return;
    b.lastUse = this.tick;
    this.live.delete(b.id);
    this.live.set(b.id, b);
  }

  /** A block of `n` elements of `dtype`, or null when memory cannot grow that far. */
  alloc(dtype: DType, n: number, pinned = false): Block | null {
    this.init();
    const need = classBytes(Math.max(1, n) * (dtype === 'float64' ? 8 : 4));
    if (this.liveBytes + need > this.highWater) this.spillDown(this.highWater * 0.75 - need);
    let ptr = this.reuse(need) ?? this.carve(need);
    if (ptr === null) {
      // out of address space: spill everything spillable, then try once more
      this.spillDown(0);
      ptr = this.reuse(need) ?? this.carve(need);
      if (ptr === null) return null;
    }
    const b: Block = { id: this.nextId++, ptr, bytes: need, dtype, n, lastUse: this.tick, spill: null, dead: false, pinned, gen: 0, derived: null, source: null, kind: '' };
    this.live.set(b.id, b);
    this.liveBytes += need;
    if (this.liveBytes > this.peak) this.peak = this.liveBytes;
    return b;
  }

  private reuse(need: number): number | null {
    const ptr = this.freeLists.get(need)?.pop();
    if (ptr === undefined) return null;
    this.freeBytes -= need;
    return ptr;
  }

  /** New bytes from the top, growing the memory; null when it cannot grow. */
  private carve(need: number): number | null {
    const r = runtime();
    const end = this.top + need;
    if (end > r.maxBytes) return null;
    const have = r.memory.buffer.byteLength;
    if (end > have) {
      try {
        r.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        return null;
      }
    }
    const ptr = this.top;
    this.top = end;
    return ptr;
  }

  free(b: Block): void {
    if (b.dead) return;
    b.dead = true;
    this.live.delete(b.id);
    this.liveBytes -= b.bytes;
    this.release(b.ptr, b.bytes);
    this.dropDerived(b);
    if (b.source) b.source.derived?.delete(b.kind);
  }

  private dropDerived(b: Block): void {
    if (!b.derived) return;
    const ds = [...b.derived.values()];
    b.derived = null;
    for (const d of ds) this.free(d);
  }

  /** The block's contents were written in place: data derived from them is stale. */
  written(b: Block): void {
    b.gen++;
    this.dropDerived(b);
  }

  /**
   * Data derived from `src` (e.g. packed weight panels) of kind `kind` and `n` floats: the cached
   * block if `src` is unchanged since it was made, else a new one filled by `fill`. Null when memory
   * cannot be had. The cache is freed with `src`, dropped when `src` is written, and dropped (not
   * copied) when memory runs short.
   */
  derived(src: Block, kind: string, n: number, fill: (dst: Block) => void): Block | null {
    const hit = src.derived?.get(kind);
    if (hit && hit.n === n && !hit.dead) {
      this.touch(hit);
      this.cacheHits++;
      return hit;
    }
    this.cacheMisses++;
    if (hit) this.free(hit);
    const b = this.alloc('float32', n);
    if (!b) return null;
    b.source = src;
    b.kind = kind;
    (src.derived ??= new Map()).set(kind, b);
    fill(b);
    return b;
  }

  private release(ptr: number, bytes: number): void {
    let list = this.freeLists.get(bytes);
    if (!list) this.freeLists.set(bytes, (list = []));
    list.push(ptr);
    this.freeBytes += bytes;
  }

  /** Frees a block by id if it is still live (a collected storage's finalizer). */
  freeId(id: number): void {
    const b = this.live.get(id);
    if (b) this.free(b);
  }

  /** Spills least-recently-used blocks not used by the current op until live bytes ≤ target. */
  private spillDown(target: number): void {
    for (const b of this.live.values()) {
      if (this.liveBytes <= target) break;
      if (b.lastUse === this.tick || b.pinned) continue;
      this.spillBlock(b);
    }
  }

  private spillBlock(b: Block): void {
    if (b.source) {
      this.free(b); // a cache: recomputed when next needed
      return;
    }
    const d = alloc(b.dtype, b.n);
    d.set(view(b));
    b.spill = d;
    this.spills++;
    this.spilledBytes += b.bytes;
    this.free(b);
  }

  stats(): HeapStats {
    const mem = this.base < 0 ? 0 : runtime().memory.buffer.byteLength;
    return {
      liveBuffers: this.live.size,
      liveBytes: this.liveBytes,
      freeBytes: this.freeBytes,
      reservedBytes: this.base < 0 ? 0 : this.top - this.base,
      memoryBytes: mem,
      highWater: this.highWater,
      spills: this.spills,
      spilledBytes: this.spilledBytes,
      peakLiveBytes: this.peak,
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
    };
  }
}

export const heap = new Heap();

/** A float32 view of a block. */
export function heapF32(b: Block): Float32Array {
  return new Float32Array(runtime().memory.buffer, b.ptr, b.n);
}

/** An int32 view of a block. */
export function heapI32(b: Block): Int32Array {
  return new Int32Array(runtime().memory.buffer, b.ptr, b.n);
}

/** A typed view of a block's elements (take it after any allocation: growth replaces the buffer). */
export function view(b: Block): Data {
  const buf = runtime().memory.buffer;
  switch (b.dtype) {
    case 'float32':
      return new Float32Array(buf, b.ptr, b.n);
    case 'float64':
      return new Float64Array(buf, b.ptr, b.n);
    case 'int32':
      return new Int32Array(buf, b.ptr, b.n);
  }
}
