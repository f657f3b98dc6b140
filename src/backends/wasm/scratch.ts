/**
 * A kernel call's scratch memory (parameter blocks, packed operands, per-thread work areas): regions
 * are reserved as 16-byte-aligned offsets, `commit` takes one pinned block for all of them from the
 * heap, and `release` returns it. Tensors' own blocks are passed to kernels by pointer.
 */
import type { Block } from './heap.js';
import { heap } from './heap.js';
import type { WasmExports } from './runtime.js';
import { runtime, wasm } from './runtime.js';

export class Scratch {
  private size = 0;
  private block: Block | null = null;
  readonly w: WasmExports = wasm();

  /** A region of `n` 4-byte elements; its address is `at(offset)` after `commit`. */
  reserve(n: number): number {
    const off = this.size;
    this.size += Math.ceil(n / 4) * 16;
    return off;
  }

  /** Takes the memory for every reserved region; false when the heap cannot provide it. */
  commit(): boolean {
    if (this.size / 4 >= 2 ** 31) return false;
    this.block = heap.alloc('float32', Math.max(1, this.size / 4), true);
    return this.block !== null;
  }

  at(off: number): number {
    return this.block!.ptr + off;
  }

  f32(off: number, n: number): Float32Array {
    return new Float32Array(runtime().memory.buffer, this.at(off), n);
  }

  i32(off: number, n: number): Int32Array {
    return new Int32Array(runtime().memory.buffer, this.at(off), n);
  }

  release(): void {
    if (this.block) heap.free(this.block);
    this.block = null;
  }
}
