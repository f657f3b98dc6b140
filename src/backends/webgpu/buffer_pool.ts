/**
 * GPU buffers by size class, reused across steps. A freed buffer does not return to its free list
 * at once: commands already recorded in the open (unsubmitted) command encoder may still read it,
 * and `queue.writeBuffer` runs before them at submission. Frees wait in `pending` until the
 * encoder is submitted (`commit`), after which any reuse is ordered after those commands.
 */
import { BackendError } from '../../errors.js';

/** GPUBufferUsage / GPUMapMode flags by value: Node has no `GPUBufferUsage` global. */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;
export const MAP_READ = 1;

/**
 * Four classes per power of two (waste below 25%), at least 256 bytes. A buffer's size is its
 * class, so every binding of it is a multiple of 16 bytes (whole vec4s).
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const base = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = base / 4;
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** Buffers handed out and not yet freed, and their bytes (size classes). */
  live: number;
  liveBytes: number;
  /** Buffers kept for reuse, and their bytes. */
  free: number;
  freeBytes: number;
  /** GPU buffers ever created and destroyed; acquisitions served from the free lists. */
  created: number;
  destroyed: number;
  reused: number;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private readonly stats: PoolStats = { live: 0, liveBytes: 0, free: 0, freeBytes: 0, created: 0, destroyed: 0, reused: 0 };

  /**
   * `maxBytes`: the largest buffer a kernel may bind (maxStorageBufferBindingSize, at most
   * maxBufferSize); `cacheBytes`: free bytes kept for reuse beyond which the largest free buffers
   * are destroyed.
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    readonly maxBytes: number,
    private cacheBytes: number,
  ) {}

  /** Free bytes kept for reuse from now on (the excess is destroyed at once). */
  setCacheBytes(bytes: number): void {
    this.cacheBytes = bytes;
    this.trim(bytes);
  }

  /** A buffer of at least `bytes` bytes (contents undefined). `what` names it in the error. */
  acquire(bytes: number, what = 'tensor'): GPUBuffer {
    if (bytes > this.maxBytes) {
      throw new BackendError({
        op: 'webgpu',
        arg: what,
        expected: `at most ${this.maxBytes} bytes (this GPU's maxStorageBufferBindingSize)`,
        got: `${bytes} bytes`,
        message: `webgpu: a ${what} of ${bytes} bytes exceeds this GPU's largest storage binding (maxStorageBufferBindingSize = ${this.maxBytes} bytes); use smaller batches or the wasm backend`,
      });
    }
    let cls = sizeClass(bytes);
    if (cls > this.maxBytes) cls = Math.ceil(bytes / 16) * 16;
    const list = this.free.get(cls);
    let buf = list?.pop();
    if (buf) {
      this.stats.free--;
      this.stats.freeBytes -= cls;
      this.stats.reused++;
    } else {
      buf = this.device.createBuffer({ size: cls, usage: this.usage });
      this.stats.created++;
    }
    this.stats.live++;
    this.stats.liveBytes += cls;
    return buf;
  }

  /** Returns a buffer; it becomes reusable after the next submission (see the header). */
  release(buf: GPUBuffer): void {
    this.stats.live--;
    this.stats.liveBytes -= buf.size;
    this.pending.push(buf);
  }

  /** After a submission: pending frees join the free lists; the cache is trimmed to its budget. */
  commit(): void {
    for (const b of this.pending) {
      const list = this.free.get(b.size);
      if (list) list.push(b);
      else this.free.set(b.size, [b]);
      this.stats.free++;
      this.stats.freeBytes += b.size;
    }
    this.pending = [];
    if (this.stats.freeBytes > this.cacheBytes) this.trim(this.cacheBytes);
  }

  /** Destroys free buffers, largest classes first, until at most `keepBytes` are kept. */
  trim(keepBytes = 0): void {
    const classes = [...this.free.keys()].sort((a, b) => b - a);
    for (const c of classes) {
      const list = this.free.get(c)!;
      while (list.length > 0 && this.stats.freeBytes > keepBytes) {
        list.pop()!.destroy();
        this.stats.free--;
        this.stats.freeBytes -= c;
        this.stats.destroyed++;
      }
      if (list.length === 0) this.free.delete(c);
    }
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }
}
